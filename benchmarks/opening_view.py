"""What a reader sees when a build's page opens: headless Debian Chromium, network off.

For each page given (a build's ``graph.html``, or a build folder): the view it opens on,
nodes visible, labels drawn and readable, labels that overlap another or are cut by the
canvas edge (vis-network's own measure of each drawn label, moved by its ``vadjust``), the
smallest label in pixels, how much of the canvas the graph
spans, and the cost of one frame and of placing the labels on the opening view and on the
largest community's view. A screenshot of the opening view is saved next to the report.

Usage::

    python benchmarks/opening_view.py exports/ ../other-build/graph.html [--out DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps"]
# Label boxes as the browser draws them (vis-network's own measure of each label, moved by
# its vadjust, which that measure leaves out), in page pixels; and the visible nodes' spread.
# tests/export/test_html.py asserts on the same probe.
OPENING = """() => {
  const net = window.kgraphNetwork, body = net.body;
  const ids = body.nodeIndices.filter(id => !body.nodes[id].options.hidden);
  const boxes = [], labelled = new Set();
  for (const id of ids) {
    const n = body.nodes[id], s = n.labelModule.size, v = n.options.font.vadjust || 0;
    if (!n.options.label || !s || !s.width) continue;
    const a = net.canvasToDOM({ x: s.left, y: s.top + v });
    const b = net.canvasToDOM({ x: s.left + s.width, y: s.top + s.height + v });
    boxes.push([a.x, a.y, b.x, b.y]);
    labelled.add(id);
  }
  let overlapping = 0;
  boxes.forEach((p, i) => {
    if (boxes.some((q, j) => j !== i && p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3])) overlapping++;
  });
  const rect = document.getElementById("network").getBoundingClientRect();
  const where = net.getPositions(ids);
  const at = ids.map(id => net.canvasToDOM(where[id]));
  // a node less than a label's half width (120 px) from a side can show no whole label there
  const inner = ids.filter((id, k) => at[k].x >= 120 && at[k].x <= rect.width - 120 && at[k].y >= 30 &&
                                      at[k].y <= rect.height - 30);
  const spread = xs => xs.length ? Math.max(...xs) - Math.min(...xs) : 0;
  const onScreen = at.filter(p => p.x >= 0 && p.x <= rect.width && p.y >= 0 && p.y <= rect.height).length;
  return { mode: window.kgraphState.mode, visible: ids.length, labels: boxes.length,
           readable: boxes.filter(b => b[3] - b[1] >= 8).length, overlapping,
           minFont: Math.min(...boxes.map(b => b[3] - b[1])), share: boxes.length / onScreen,
           innerShare: inner.length ? inner.filter(id => labelled.has(id)).length / inner.length : 1,
           cut: boxes.filter(b => b[0] < -1 || b[1] < -1 || b[2] > rect.width + 1 || b[3] > rect.height + 1).length,
           spanX: +(spread(at.map(p => p.x)) / rect.width).toFixed(2),
           spanY: +(spread(at.map(p => p.y)) / rect.height).toFixed(2), laidOutMs: window.kgraphState.stableMs };
}"""
FRAME = """() => { const net = window.kgraphNetwork; let t = performance.now();
  for (let i = 0; i < 20; i++) net.renderer._redraw(false);
  const frame = (performance.now() - t) / 20; t = performance.now();
  for (let i = 0; i < 5; i++) declutter();
  return { view: window.kgraphState.mode, nodes: net.body.data.nodes.length, frameMs: +frame.toFixed(1),
           labelsMs: +((performance.now() - t) / 5).toFixed(1) }; }"""


def measure(page_path: Path, png: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # bypass_csp only lets these probes run; the page itself is unchanged
        page = browser.new_context(offline=True, viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
        page.goto(page_path.resolve().as_uri(), timeout=900_000)
        page.wait_for_function("window.kgraphState && window.kgraphState.stabilized", timeout=900_000)
        page.evaluate("void window.kgraphNetwork.redraw()")
        page.wait_for_timeout(500)
        report = {"page": str(page_path), "opening": page.evaluate(OPENING), "frames": [page.evaluate(FRAME)]}
        page.screenshot(path=str(png))
        if page.locator("#communities li a").count():
            page.click("#communities li:nth-child(1) a")
            page.wait_for_function("window.kgraphState.stabilized && window.kgraphState.mode === 'community'",
                                   timeout=300_000)
            report["frames"].append(page.evaluate(FRAME))
        browser.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path, help="graph.html files or build folders")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "opening_view")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for k, given in enumerate(args.pages):
        page = given / "graph.html" if given.is_dir() else given
        report = measure(page, args.out / f"opening_{k}.png")
        print(json.dumps(report))


if __name__ == "__main__":
    main()

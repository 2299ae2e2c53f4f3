"""HTML view at scale: synthetic builds of 1k, 5k and 10k nodes, written as graph.html and
opened in headless Debian Chromium with the network off.

The builds are synthetic GraphData (no extraction), shaped like real ones: 40% of the
nodes are papers, 60% entities; each entity belongs to one of ``nodes / 250`` topics and
topic popularity is Zipf-like; a paper picks a topic and mentions about eight entities,
most from its topic, one or two generic ones; abstracts are ~120 words with the mentions
at their real offsets (so highlighting works); links and communities are computed by
kgraph's own code, as in a build.

Reports, per size: HTML bytes, Python time to write the page (payload + render + write),
time from navigation until the view is laid out and physics has stopped (wall clock,
and the page's own ``performance.now()`` at that moment), the view mode, and a
screenshot. Output goes to benchmarks/out/html_scale/ (git-ignored) unless --out says
otherwise.

Usage: python benchmarks/html_scale.py [--sizes 1000 5000 10000] [--repeat 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from kgraph.export.html import write_html
from kgraph.graph.communities import communities_of
from kgraph.graph.data import GraphData
from kgraph.graph.links import paper_links
from kgraph.model import Entity, EntityKind, Field, Mention, Paper

KINDS = [EntityKind.METHOD, EntityKind.DATASET, EntityKind.TASK, EntityKind.METRIC, EntityKind.CONCEPT]
WORDS = ("neural sparse graph latent robust diffusion contrastive causal federated spectral adaptive quantum "
         "temporal visual language protein molecular retrieval attention kernel bayesian").split()
FILLER = ("we propose a method that improves results on several benchmarks while keeping the cost low and "
          "we show in experiments that it outperforms strong baselines").split()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def synthetic_build(n_nodes: int, seed: int = 0) -> GraphData:
    """A build of about ``n_nodes`` nodes with topical structure (see the module docstring)."""
    rng = random.Random(seed)
    n_papers = int(n_nodes * 0.4)
    n_entities = n_nodes - n_papers
    n_topics = max(2, n_nodes // 250)
    entities = []
    for i in range(n_entities):
        label = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}"
        entities.append(Entity(f"e{i}", KINDS[i % 5], label, label.lower(), (f"E{i}",) if i % 7 == 0 else ()))
    generic = entities[: max(5, n_entities // 50)]
    topics = [entities[len(generic) + t :: n_topics] for t in range(n_topics)]
    topic_weights = [1 / (t + 1) ** 0.7 for t in range(n_topics)]
    papers, mentions, mention_entity = [], [], []
    unused = list(range(n_entities))  # every entity is mentioned at least once
    rng.shuffle(unused)
    for p in range(n_papers):
        pool = rng.choices(topics, topic_weights)[0]
        zipf = [1 / (r + 1) for r in range(len(pool))]
        chosen = {e.id: e for e in rng.choices(pool, zipf, k=6) + rng.sample(generic, 2)}
        while unused and len(chosen) < 9 + (p < n_papers * 0.6) * 2:
            extra = entities[unused.pop()]
            chosen[extra.id] = extra
        words, spans = [], []
        for entity in chosen.values():
            words.extend(rng.sample(FILLER, 6))
            start = len(" ".join(words)) + 1 if words else 0
            words.append(entity.label)
            spans.append((start, start + len(entity.label), entity))
        words.extend(rng.sample(FILLER, 10))
        abstract = " ".join(words) + "."
        paper_id = f"p{p}"
        papers.append(Paper(paper_id, f"Paper {p}: {rng.choice(WORDS)} {rng.choice(WORDS)} for {pool[0].label}", abstract,
                            year=2015 + p % 11, url=f"https://example.org/{p}"))
        for start, end, entity in spans:
            mentions.append(Mention(paper_id, Field.ABSTRACT, start, end, entity.label, entity.kind, 0, "synthetic"))
            mention_entity.append(entity.id)
    by_paper: dict[str, set[str]] = {}
    for m, e in zip(mentions, mention_entity):
        by_paper.setdefault(m.paper_id, set()).add(e)
    links = paper_links(by_paper, top_k=5)
    communities = communities_of(papers, entities, by_paper, links)
    return GraphData(tuple(papers), tuple(mentions), tuple(mention_entity), tuple(entities), tuple(links),
                     meta={"tier": "synthetic"}, communities=communities)


OUT = Path(__file__).resolve().parent / "out"


def ignore_outputs(folder: Path) -> None:
    """Keep benchmark outputs out of git: benchmarks/out/ ignores itself."""
    if folder.resolve().is_relative_to(OUT):
        (OUT / ".gitignore").write_text("*\n", encoding="utf-8")


def open_offline(browser, path: Path, screenshot: Path) -> dict:
    """Open the page with the network off; wait until laid out; screenshot it."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900},
                                  bypass_csp=True)  # lets Playwright run its probes; the page itself is unchanged
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file:") else None)
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.kgraphState && window.kgraphState.stabilized", timeout=120_000, polling=20)
    wall = time.perf_counter() - start
    state = page.evaluate("window.kgraphState")
    page.wait_for_timeout(300)  # let the last frame paint
    page.screenshot(path=str(screenshot))
    context.close()
    return {"wall": wall, "page_ms": state["stableMs"], "mode": state["mode"], "shown": state["viewNodes"],
            "requests": len(outside)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=2, help="browser runs per size; the best is reported")
    parser.add_argument("--out", type=Path, default=OUT / "html_scale")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ignore_outputs(args.out)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in args.sizes:
            data = synthetic_build(size)
            n_nodes = len(data.papers) + len(data.entities)
            page = args.out / f"graph_{size}.html"
            write_s = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                write_html(data, page, title=f"synthetic {n_nodes} nodes")
                write_s.append(time.perf_counter() - start)
            shot = args.out / f"graph_{size}.png"
            runs = [open_offline(browser, page, shot) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["wall"])
            rows.append((n_nodes, data, page.stat().st_size, min(write_s), best, shot))
            print(f"{n_nodes} nodes: written in {min(write_s):.2f}s, stable in {best['wall']:.2f}s "
                  f"(runs: {', '.join('%.2f' % r['wall'] for r in runs)})", flush=True)
        browser.close()
    print("\n| nodes | papers | edges | HTML bytes | Python write s | browser stable s (wall) | page performance.now() ms | view | shown | requests out | screenshot |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n_nodes, data, size_b, write, best, shot in rows:
        n_edges = sum(len(v) for v in data.entities_of_paper.values()) + len(data.links)
        print(f"| {n_nodes} | {len(data.papers)} | {n_edges} | {size_b:,} | {write:.2f} | {best['wall']:.2f} | {best['page_ms']} | "
              f"{best['mode']} | {best['shown']} | {best['requests']} | {shot} |")


if __name__ == "__main__":
    main()

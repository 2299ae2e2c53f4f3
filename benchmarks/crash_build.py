"""Kill a real incremental build at random moments and check what it leaves behind.

A build folder holds a finished build of the first half of a corpus. Each trial restores
that folder, starts ``kgraph build`` on the whole corpus into it (an incremental
rebuild: half the papers are new), sends SIGKILL to its process group after a random
delay, and then checks the folder as a reader would:

* every output link resolves and all of them come from one generation;
* kgraph.json, the store and graph.ttl hold the same number of papers, and that number
  is either the old build's or the new one's (never a mix);
* what the killed build left (an unfinished generation, temporary files) is listed, and
  removed by the next build.

The stage the build had reached is taken from its progress lines (stderr is not a
terminal, so it prints one line per stage). A last build after every trial must succeed
and leave nothing stale.

Usage: python benchmarks/crash_build.py [--papers 1000] [--kills 20] [--tier rules] [--seed 0]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
ARXIV = REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"
KGRAPH = [sys.executable, "-m", "kgraph.cli"]
OUTPUTS = ("kgraph.json", "graph.ttl", "graph.trig", "graph.graphml", "graph.html", "store")
PAPERS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://purl.org/spar/fabio/ResearchPaper> }"


def corpus(n: int, folder: Path) -> tuple[Path, Path]:
    """The first ``n`` arXiv abstracts as JSONL, and the first half of them."""
    with gzip.open(ARXIV, "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(n)]
    whole, half = folder / "whole.jsonl", folder / "half.jsonl"
    whole.write_text("".join(lines), encoding="utf-8")
    half.write_text("".join(lines[: n // 2]), encoding="utf-8")
    return whole, half


def build(inputs: Path, out: Path, tier: str, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as err:
        return subprocess.Popen([*KGRAPH, "build", str(inputs), "-o", str(out), "--tier", tier],
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)


def stage_of(log: Path) -> str:
    """The last stage a build's progress lines name."""
    stage = "starting"
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Extracting"):
            stage = "extract"
        elif line.endswith("done in") or " done in " in line:
            stage = {"read": "extract", "extract": "resolve", "resolve": "link", "link": "communities",
                     "communities": "communities"}.get(line.split()[0], stage)
        elif line.startswith("writing outputs"):
            stage = "outputs"
    return stage


def inspect(out: Path) -> dict[str, object]:
    """What a reader finds in ``out``: paper counts per output and where the links lead."""
    targets = {os.path.realpath(out / name).rsplit("/", 1)[0] for name in OUTPUTS}
    data = json.loads((out / "kgraph.json").read_text(encoding="utf-8"))
    store = ox.Store.read_only(str(out / "store"))
    in_store = int(next(iter(store.query(PAPERS)))["n"].value)
    del store
    turtle = ox.Store()
    turtle.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    in_turtle = int(next(iter(turtle.query(PAPERS)))["n"].value)
    gens = out / ".generations"
    kept = {os.readlink(gens / n) for n in ("current", "previous") if (gens / n).is_symlink()}
    stale = [p.name for p in gens.iterdir() if p.name not in kept | {"current", "previous", "lock"}]
    stale += [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".generations"]
    return {"one generation": len(targets) == 1, "json": len(data["papers"]), "store": in_store,
            "turtle": in_turtle, "stale": stale}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--tier", default="rules")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="kgraph-crash-"))
    whole, half = corpus(args.papers, work)
    pristine = work / "pristine"
    if build(half, pristine, args.tier, work / "first.log").wait() != 0:
        sys.exit(f"the first build failed: {(work / 'first.log').read_text()}")
    old = inspect(pristine)["json"]
    timing = work / "timing"
    shutil.copytree(pristine, timing, symlinks=True)
    start = time.perf_counter()
    if build(whole, timing, args.tier, work / "timing.log").wait() != 0:
        sys.exit(f"the rebuild failed: {(work / 'timing.log').read_text()}")
    seconds = time.perf_counter() - start
    new = inspect(timing)["json"]
    print(f"old build {old} papers, new build {new} papers; an uninterrupted rebuild takes {seconds:.1f}s")
    outcomes: Counter[tuple[str, str]] = Counter()
    bad = 0
    for trial in range(args.kills):
        out = work / f"trial{trial}"
        shutil.copytree(pristine, out, symlinks=True)
        log = work / f"trial{trial}.log"
        process = build(whole, out, args.tier, log)
        time.sleep(rng.uniform(0.0, seconds * 1.05))
        finished = process.poll() is not None
        if not finished:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        seen = inspect(out)
        counts = {seen["json"], seen["store"], seen["turtle"]}
        which = "new" if counts == {new} else "old" if counts == {old} else f"MIXED {counts}"
        consistent = seen["one generation"] and len(counts) == 1
        bad += not consistent
        stage = "finished" if finished else stage_of(log)
        outcomes[(stage, which + ("" if consistent else " INCONSISTENT"))] += 1
        left = ", ".join(str(s) for s in seen["stale"]) or "nothing"
        print(f"trial {trial:2d}: killed at {stage:11s} -> {which} build whole: {consistent}; left behind: {left}")
        if build(whole, out, args.tier, work / f"after{trial}.log").wait() != 0:
            sys.exit(f"the build after trial {trial} failed: {(work / f'after{trial}.log').read_text()}")
        after = inspect(out)
        if after["stale"] or {after["json"], after["store"], after["turtle"]} != {new}:
            bad += 1
            print(f"  the next build did not end clean: {after}")
        shutil.rmtree(out)
    print("\n| stage at the kill | build found afterwards | trials |\n|---|---|---|")
    for (stage, which), n in sorted(outcomes.items()):
        print(f"| {stage} | {which} | {n} |")
    print(f"\n{args.kills} kills, {bad} inconsistent folders or unclean next builds")
    shutil.rmtree(work)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

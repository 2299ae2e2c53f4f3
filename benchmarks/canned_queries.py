"""Latency of every canned query on a real build, with parameters drawn from the build.

For each shipped query (``ontology/queries/*.rq``): p50 and max over cases drawn from the
build's ``kgraph.json`` (seeded): the most mentioned specific entities of each kind and a
random sample of the top 2,000 (hubs are the worst case of most queries), method-dataset
pairs and methods taken from the build's results, and a paper of each method for the
``evidence`` and ``related-papers`` queries. Each case runs twice on the read-only store
and the second (warm) run is timed. Cases slower than ``--slow`` ms are listed.

Synthetic data (``sparql_store.py``) has no results or relation statements, so only a
real build shows how the leaderboard and evaluation queries behave.

Usage: python benchmarks/canned_queries.py BUILD_DIR [--sample 5] [--slow 50]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from pathlib import Path

from kgraph.rdf.queries import canned_queries, run_canned
from kgraph.rdf.store import open_store


def draw_cases(build: Path, sample: int, seed: int = 1) -> list[tuple[str, dict[str, str]]]:
    """(query name, parameters) cases for every canned query, drawn from ``build``."""
    data = json.loads((build / "kgraph.json").read_text(encoding="utf-8"))
    entities = {e["id"]: e for e in data["entities"]}
    column = data["mention_columns"].index("entity")
    paper_column = data["mention_columns"].index("paper_id")
    counts: Counter[str] = Counter(m[column] for m in data["mentions"])
    papers_of: dict[str, list[str]] = {}
    for m in data["mentions"]:
        papers_of.setdefault(m[column], []).append(m[paper_column])
    rng = random.Random(seed)
    ranked: dict[str, list[str]] = {}
    for entity_id, _ in counts.most_common():
        entity = entities.get(entity_id)
        if entity and not entity["generic"]:
            ranked.setdefault(entity["kind"], []).append(entity["label"])

    def pick(kind: str) -> list[str]:
        labels = ranked.get(kind, [])
        return labels[:3] + rng.sample(labels[:2000], min(sample, len(labels[:2000])))

    cases: list[tuple[str, dict[str, str]]] = []
    for kind in ("Method", "Dataset", "Task"):
        for label in pick(kind):
            cases += [("cooccurring", {"entity": label}), ("entity-years", {"entity": label})]
    for label in pick("Dataset"):
        cases += [("leaderboard", {"dataset": label}), ("methods-for-dataset", {"dataset": label})]
    cases += [("methods-for-task", {"task": label}) for label in pick("Task")]
    for method, dataset in zip(pick("Method"), pick("Dataset")):
        cases += [("papers-evaluating", {"method": method, "dataset": dataset}),
                  ("papers-using", {"method": method, "dataset": dataset})]
    results = data.get("results", [])
    pairs = sorted({(r["method"], r["dataset"]) for r in results if r["method"] and r["dataset"]})
    methods = sorted({r["method"] for r in results if r["method"]})
    cases += [("papers-evaluating", {"method": m, "dataset": d}) for m, d in rng.sample(pairs, min(sample, len(pairs)))]
    drawn = rng.sample(methods, min(sample, len(methods)))
    cases += [("evaluated-with", {"method": m}) for m in pick("Method") + drawn]
    by_label = {e["label"]: e["id"] for e in data["entities"]}
    for label in pick("Method"):
        paper = rng.choice(papers_of[by_label[label]])
        cases += [("evidence", {"paper": paper, "entity": label}), ("related-papers", {"paper": paper})]
    for kind in ("Method", "Dataset", "Concept"):
        cases += [("top-entities", {"kind": kind}), ("top-in-years", {"kind": kind, "since": "2015", "until": "2026"})]
    shipped = set(canned_queries())
    return [(name, values) for name, values in cases if name in shipped]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", type=Path)
    ap.add_argument("--sample", type=int, default=5, help="random entities per kind next to the top 3")
    ap.add_argument("--slow", type=float, default=50.0, help="list cases slower than this (ms)")
    args = ap.parse_args()
    cases = draw_cases(args.build, args.sample)
    store = open_store(args.build)
    times: dict[str, list[float]] = {}
    slow = []
    for name, values in cases:
        run_canned(store, name, values)  # warm-up
        start = time.perf_counter()
        rows = len(run_canned(store, name, values).rows)
        ms = (time.perf_counter() - start) * 1000
        times.setdefault(name, []).append(ms)
        if ms > args.slow:
            slow.append((ms, name, values, rows))
    print(f"{args.build}: {len(cases)} cases, {sum(map(sum, times.values())) / 1000:.2f} s in all")
    print(f"{'query':22s} {'cases':>5s} {'p50 ms':>8s} {'max ms':>8s}")
    for name in sorted(times):
        values_ms = times[name]
        print(f"{name:22s} {len(values_ms):5d} {statistics.median(values_ms):8.1f} {max(values_ms):8.1f}")
    for ms, name, values, rows in sorted(slow, key=lambda item: -item[0]):
        print(f"slow: {name} {values} {ms:.0f} ms, {rows} rows")


if __name__ == "__main__":
    main()

"""Latency of the canned time queries (``top-in-years``, ``entity-years``) on a real build.

For each case: p50, min and max of ``--reps`` runs on the warm embedded store, the rows,
and for ``top-in-years`` whether its last row is provably exact: above the papers that
the entities left out of the range's year rankings can have (the sum of the rankings'
``kg:rankFloor``; see ``ontology/queries/top-in-years.rq``).

Usage: python benchmarks/trend_queries.py BUILD_DIR [--reps 7] [--entity llm]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kgraph.rdf.queries import run_canned
from kgraph.rdf.store import open_store, run_query

RANGES = [("Method", 2026, 2026), ("Method", 2025, 2026), ("Dataset", 2025, 2026), ("Dataset", 2025, 2025),
          ("Task", 2000, 2100), ("Metric", 2018, 2026), ("Concept", 2026, 2026)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", type=Path)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--entity", default="llm", help="the entity-years case's entity")
    args = ap.parse_args()
    store = open_store(args.build)
    cases = [("top-in-years", {"kind": k, "since": str(a), "until": str(b)}) for k, a, b in RANGES]
    cases.append(("entity-years", {"entity": args.entity}))
    for name, params in cases:
        times = []
        for _ in range(args.reps):
            started = time.perf_counter()
            result = run_canned(store, name, params)
            times.append(1000 * (time.perf_counter() - started))
        line = (f"{name} {' '.join(f'{k}={v}' for k, v in params.items())}: p50 {statistics.median(times):.1f} ms "
                f"(min {min(times):.1f}, max {max(times):.1f}), {len(result.rows)} rows")
        if name == "top-in-years" and result.rows:
            floors = run_query(store, f"""SELECT (SUM(?f) AS ?floors) WHERE {{ ?r kg:rankingOf kg:{params['kind']} ;
                kg:year ?y ; kg:rankFloor ?f FILTER(?y >= {params['since']} && ?y <= {params['until']}) }}""").rows
            bound = int(floors[0][0] or 0) if floors else 0
            last = int(result.rows[-1][-1])
            line += f"; last row {last} papers, floors {bound}: {'exact' if last > bound else 'not proven exact'}"
        print(line)


if __name__ == "__main__":
    main()

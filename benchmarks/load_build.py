"""Reopening a build: time and peak RSS of ``kgraph.load`` on a build folder's kgraph.json.

Every CLI command that reads a build (stats, entities, export, trends, leaderboard,
relations) and the Python API start with :func:`kgraph.load`. Two readers are measured,
each in a fresh process so its peak RSS is its own:

* ``stream``: what ``kgraph.load`` does, kgraph.json parsed a row at a time into the
  build's data model (mentions straight into their columnar table);
* ``whole``: the reader before it, the whole file as one string and one JSON value
  (``json.loads``), then the same data model.

``whole`` can be left out (``--readers stream``) for a file whose JSON values would not
fit in memory.

Usage: python benchmarks/load_build.py BUILD_DIR [--readers stream whole]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def _one(build: Path, reader: str) -> None:
    """Load the build once with ``reader`` and print a JSON line of what it cost."""
    from kgraph.export.jsondata import FILENAME, from_json, read_json

    start = time.perf_counter()
    if reader == "stream":
        data = read_json(build)
    else:
        data = from_json(json.loads((build / FILENAME).read_text(encoding="utf-8")))
    seconds = time.perf_counter() - start
    print(json.dumps({"reader": reader, "seconds": seconds, "papers": len(data.papers),
                      "mentions": len(data.mentions), "entities": len(data.entities), "links": len(data.links),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", type=Path)
    parser.add_argument("--readers", nargs="+", default=["stream", "whole"], choices=["stream", "whole"])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.build, args.one)
        return
    size = (args.build / "kgraph.json").resolve().stat().st_size
    print(f"{args.build}: kgraph.json {size / 1e9:.2f} GB")
    for reader in args.readers:
        done = subprocess.run([sys.executable, __file__, str(args.build), "--one", reader],
                              capture_output=True, text=True)
        if done.returncode:
            print(f"  {reader}: failed (exit {done.returncode}) {done.stderr[-500:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {reader}: {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:,} MB "
              f"({r['papers']:,} papers, {r['mentions']:,} mentions, {r['entities']:,} entities, "
              f"{r['links']:,} links)")


if __name__ == "__main__":
    main()

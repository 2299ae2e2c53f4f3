"""Read every real export under ../shared/data/corpora and report, per file, what was read.

Usage::

    python scripts/check_formats.py [CORPORA_DIR] [--limit-arxiv N]

Prints, per file: the detected format, records read, records skipped and the reasons
(grouped, with one example location each), then the cross-file duplicate count. Nothing
is written; the samples stay where they are.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from kgraph.readers import READERS, ReadReport, deduplicate, detect_format, expand_paths

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpora"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def reason(message: str) -> str:
    """A problem message with its particulars (quoted text, numbers) blanked, for grouping."""
    return _QUOTED.sub("…", message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"no corpora at {args.root}", file=sys.stderr)
        return 2
    files = [p for p in expand_paths([args.root]) if p.name.lower() != "readme.md"]
    papers = []
    totals = Counter()
    print(f"{'file':<62} {'format':<8} {'read':>6} {'skipped':>7}  secs")
    for path in files:
        report = ReadReport()
        fmt = detect_format(path)
        start = time.perf_counter()
        found = list(READERS[fmt](path, report))
        secs = time.perf_counter() - start
        papers.extend(found)
        source = str(path)
        skipped = report.skipped.get(source, 0)
        totals["read"] += len(found)
        totals["skipped"] += skipped
        print(f"{str(path.relative_to(args.root)):<62} {fmt:<8} {len(found):>6} {skipped:>7}  {secs:.2f}")
        groups: dict[str, list] = {}
        for problem in report.problems:
            groups.setdefault(reason(problem.message), []).append(problem)
        for why, problems in sorted(groups.items(), key=lambda g: -len(g[1])):
            first = problems[0]
            where = f"line {first.line}" if first.line is not None else "file"
            print(f"    {len(problems):>5} x {why}  (first at {where}: {first.message[:90]})")
    report = ReadReport()
    merged = deduplicate(papers, report)
    print(f"\n{len(files)} files: {totals['read']} records read, {totals['skipped']} skipped; "
          f"{len(report.duplicates)} duplicates merged across files -> {len(merged)} papers")
    return 0


if __name__ == "__main__":
    sys.exit(main())

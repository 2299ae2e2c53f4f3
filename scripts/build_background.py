"""Build the background phrase frequencies shipped in kgraph/data/background.tsv.gz.

An entity that a large share of all computer-science abstracts mentions ("neural
networks", "accuracy", "generalization") explains nothing about why two papers are
related, however often a given corpus says it. This script counts, over the 50k arXiv
CS abstracts in ../shared/data/corpora/arxiv_cs_50k.jsonl.gz (title + abstract), in how
many documents each phrase of one to three words occurs, and keeps the phrases found in
at least ``--min-share`` of them. Only counts are shipped, no text.

Phrases are keyed as :func:`kgraph.resolve.specificity.background_key` keys them:
lower case, hyphens as spaces, every word singular.

Usage: python scripts/build_background.py [--shared ../shared] [--out kgraph/data/background.tsv.gz]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

from kgraph.resolve.specificity import background_key
from kgraph.text.markup import strip_markup

_SENTENCE = re.compile(r"[.;:!?()\[\]{}\"]|, ")
_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")


def phrases(text: str, longest: int = 3) -> set[str]:
    """The distinct background keys of all 1..``longest``-word phrases of ``text`` (never across a clause break)."""
    found: set[str] = set()
    for clause in _SENTENCE.split(text):
        words = background_key(" ".join(_WORDS.findall(clause))).split()
        for n in range(1, longest + 1):
            found.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "kgraph" / "data" / "background.tsv.gz")
    ap.add_argument("--min-share", type=float, default=0.002)
    args = ap.parse_args()
    source = args.shared / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"
    df: Counter[str] = Counter()
    docs = 0
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            docs += 1
            df.update(phrases(strip_markup(f"{record.get('title', '')}. {record.get('summary', '')}")))
    floor = max(2, round(args.min_share * docs))
    kept = sorted(((p, n) for p, n in df.items() if n >= floor), key=lambda x: (-x[1], x[0]))
    tmp = args.out.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(f"# documents\t{docs}\n# source\tarXiv cs abstracts (../shared/data/corpora/arxiv_cs_50k.jsonl.gz)\n")
        out.writelines(f"{p}\t{n}\n" for p, n in kept)
    tmp.replace(args.out)
    size = args.out.stat().st_size / 1e3
    print(f"{len(kept)} phrases in >= {floor} of {docs} documents -> {args.out} ({size:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

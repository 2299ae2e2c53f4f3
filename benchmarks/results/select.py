"""Reproducible draw of the abstracts in the result-statement gold set.

Reads the corpora in place under ../shared/data/corpora (relative to the repo root) and
writes benchmarks/results/selection.tsv (source, id, stratum) — ids only, no text.
Regular expressions here only choose *candidate abstracts*; they decide nothing about
which numbers are annotated.

    python benchmarks/results/select.py [--corpora DIR] [--out FILE]

Strata (seed 20250415, candidates sorted by id before sampling):
  arxiv_cs_50k.jsonl.gz (field `summary`)
    A  78  abstract has a decimal number, a percent or a multiplier ("3x", "2.5×")
    B  22  abstract has digits but none of those (sizes, years, names with digits)
    C  12  uniform over all records not drawn above (may have no digit at all)
  s2orc_sample/s2orc_metadata_sample.jsonl (field `abstract`, records with one)
    D  38  abstract has a digit
    E  10  uniform over the remaining records with an abstract
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

SEED = 20250415
REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "data" / "corpora"
ARXIV = "arxiv_cs_50k.jsonl.gz"
S2ORC = "s2orc_sample/s2orc_metadata_sample.jsonl"

RESULT_LIKE = re.compile(r"\d\.\d|\d\s?%|\d\s?[x×X]\b")
DIGIT = re.compile(r"\d")


def load_arxiv(corpora: Path) -> dict[str, str]:
    with gzip.open(corpora / ARXIV, "rt", encoding="utf-8") as fh:
        return {r["id"]: r["summary"] for r in map(json.loads, fh)}


def load_s2orc(corpora: Path) -> dict[str, str]:
    out = {}
    with open(corpora / S2ORC, encoding="utf-8") as fh:
        for r in map(json.loads, fh):
            if r.get("abstract"):
                out[r["paper_id"]] = r["abstract"]
    return out


def draw(rng: random.Random, pool: list[str], k: int, taken: set[str]) -> list[str]:
    pool = sorted(i for i in pool if i not in taken)
    got = rng.sample(pool, k)
    taken.update(got)
    return got


def select(corpora: Path = CORPORA) -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str]] = []
    arxiv = load_arxiv(corpora)
    taken: set[str] = set()
    a_pool = [i for i, t in arxiv.items() if RESULT_LIKE.search(t)]
    b_pool = [i for i, t in arxiv.items() if DIGIT.search(t) and not RESULT_LIKE.search(t)]
    for stratum, pool, k in (("A", a_pool, 78), ("B", b_pool, 22), ("C", list(arxiv), 12)):
        rows += [(ARXIV, i, stratum) for i in draw(rng, pool, k, taken)]
    s2 = load_s2orc(corpora)
    taken = set()
    d_pool = [i for i, t in s2.items() if DIGIT.search(t)]
    for stratum, pool, k in (("D", d_pool, 38), ("E", list(s2), 10)):
        rows += [(S2ORC, i, stratum) for i in draw(rng, pool, k, taken)]
    return rows


def write_selection(rows: list[tuple[str, str, str]], out: Path) -> None:
    """Write (source, id, stratum) rows as the selection TSV the gold files are built from."""
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("source\tid\tstratum\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("selection.tsv"))
    args = ap.parse_args()
    write_selection(select(args.corpora), args.out)


if __name__ == "__main__":
    main()

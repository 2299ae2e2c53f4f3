"""Reproducible draw of the abstracts in the second development set ("dev2").

Same sources, fields and strata rules as ``select.py`` (imported from it), a different
seed, and every record already in ``gold.jsonl`` excluded, so dev2 is disjoint from the
first set. Writes ``selection_dev2.tsv`` (source, id, stratum) — ids only, no text.
Regular expressions here only choose *candidate abstracts*; they decide nothing about
which numbers are annotated.

    python benchmarks/results/select_dev2.py [--corpora DIR] [--out FILE]

Strata (seed 20261205, candidates sorted by id before sampling), the mix of the first
set scaled to 100 abstracts:
  arxiv_cs_50k.jsonl.gz          A 50 (decimal / percent / multiplier), B 12 (other
                                 digits), C 8 (uniform over the rest)
  s2orc_metadata_sample.jsonl    D 24 (has a digit), E 6 (uniform over the rest)
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("result_gold_select", HERE / "select.py")
assert _spec is not None and _spec.loader is not None
sel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sel)

SEED = 20261205
STRATA_ARXIV = (("A", 50), ("B", 12), ("C", 8))
STRATA_S2ORC = (("D", 24), ("E", 6))


def first_set_ids() -> set[str]:
    """Record ids of the first gold set (gold.jsonl), excluded from dev2."""
    with open(HERE / "gold.jsonl", encoding="utf-8") as fh:
        return {json.loads(line)["id"] for line in fh}


def select(corpora: Path = sel.CORPORA) -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str]] = []
    used = first_set_ids()
    arxiv = sel.load_arxiv(corpora)
    taken = set(used)
    pools = {
        "A": [i for i, t in arxiv.items() if sel.RESULT_LIKE.search(t)],
        "B": [i for i, t in arxiv.items() if sel.DIGIT.search(t) and not sel.RESULT_LIKE.search(t)],
        "C": list(arxiv),
    }
    for stratum, k in STRATA_ARXIV:
        rows += [(sel.ARXIV, i, stratum) for i in sel.draw(rng, pools[stratum], k, taken)]
    s2 = sel.load_s2orc(corpora)
    taken = set(used)
    pools = {"D": [i for i, t in s2.items() if sel.DIGIT.search(t)], "E": list(s2)}
    for stratum, k in STRATA_S2ORC:
        rows += [(sel.S2ORC, i, stratum) for i in sel.draw(rng, pools[stratum], k, taken)]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=sel.CORPORA)
    ap.add_argument("--out", type=Path, default=HERE / "selection_dev2.tsv")
    args = ap.parse_args()
    sel.write_selection(select(args.corpora), args.out)


if __name__ == "__main__":
    main()

"""Reproducible draw of the abstracts in the later development sets ("dev2" to "dev5").

Same sources, fields and strata rules as ``select.py`` (imported from it), a seed of
their own, and every record of the sets drawn before excluded, so each set is disjoint
from the earlier ones. Writes ``selection_<set>.tsv`` (source, id, stratum) — ids only,
no text. Regular expressions here only choose *candidate abstracts*; they decide nothing
about which numbers are annotated.

    python benchmarks/results/select_dev2.py [--set dev2|dev3|dev4|dev5] [--corpora DIR] [--out FILE]

Strata (candidates sorted by id before sampling), the mix of the first set scaled down:
  dev2 (seed 20261205, 100 abstracts; excludes gold.jsonl)
    arxiv_cs_50k.jsonl.gz          A 50 (decimal / percent / multiplier), B 12 (other
                                   digits), C 8 (uniform over the rest)
    s2orc_metadata_sample.jsonl    D 24 (has a digit), E 6 (uniform over the rest)
  dev3 (seed 20261207, 60 abstracts; excludes gold.jsonl and gold_dev2.jsonl)
    arxiv_cs_50k.jsonl.gz          A 30, B 8, C 4
    s2orc_metadata_sample.jsonl    D 14, E 4
  dev4 (seed 20261208, 40 abstracts; excludes gold.jsonl, gold_dev2.jsonl, gold_dev3.jsonl)
    arxiv_cs_50k.jsonl.gz          A 22, B 6, C 2
    s2orc_metadata_sample.jsonl    D 8, E 2
  dev5 (seed 20261209, 40 abstracts; excludes gold.jsonl and gold_dev2/3/4.jsonl)
    arxiv_cs_50k.jsonl.gz          A 24, B 4, C 2
    s2orc_metadata_sample.jsonl    D 10 (no E stratum)
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

#: set -> (seed, arXiv strata, S2ORC strata, gold files of the earlier sets it excludes)
SETS = {
    "dev2": (20261205, (("A", 50), ("B", 12), ("C", 8)), (("D", 24), ("E", 6)), ("gold.jsonl",)),
    "dev3": (20261207, (("A", 30), ("B", 8), ("C", 4)), (("D", 14), ("E", 4)), ("gold.jsonl", "gold_dev2.jsonl")),
    "dev4": (20261208, (("A", 22), ("B", 6), ("C", 2)), (("D", 8), ("E", 2)),
             ("gold.jsonl", "gold_dev2.jsonl", "gold_dev3.jsonl")),
    "dev5": (20261209, (("A", 24), ("B", 4), ("C", 2)), (("D", 10),),
             ("gold.jsonl", "gold_dev2.jsonl", "gold_dev3.jsonl", "gold_dev4.jsonl")),
}


def earlier_ids(files: tuple[str, ...]) -> set[str]:
    """Record ids of the earlier gold sets, excluded from the new one."""
    ids: set[str] = set()
    for name in files:
        with open(HERE / name, encoding="utf-8") as fh:
            ids |= {json.loads(line)["id"] for line in fh}
    return ids


def select(corpora: Path = sel.CORPORA, name: str = "dev2") -> list[tuple[str, str, str]]:
    seed, strata_arxiv, strata_s2orc, excluded = SETS[name]
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    used = earlier_ids(excluded)
    arxiv = sel.load_arxiv(corpora)
    taken = set(used)
    pools = {
        "A": [i for i, t in arxiv.items() if sel.RESULT_LIKE.search(t)],
        "B": [i for i, t in arxiv.items() if sel.DIGIT.search(t) and not sel.RESULT_LIKE.search(t)],
        "C": list(arxiv),
    }
    for stratum, k in strata_arxiv:
        rows += [(sel.ARXIV, i, stratum) for i in sel.draw(rng, pools[stratum], k, taken)]
    s2 = sel.load_s2orc(corpora)
    taken = set(used)
    pools = {"D": [i for i, t in s2.items() if sel.DIGIT.search(t)], "E": list(s2)}
    for stratum, k in strata_s2orc:
        rows += [(sel.S2ORC, i, stratum) for i in sel.draw(rng, pools[stratum], k, taken)]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", dest="name", choices=sorted(SETS), default="dev2")
    ap.add_argument("--corpora", type=Path, default=sel.CORPORA)
    ap.add_argument("--out", type=Path, default=None, help="default: selection_<set>.tsv here")
    args = ap.parse_args()
    sel.write_selection(select(args.corpora, args.name), args.out or HERE / f"selection_{args.name}.tsv")


if __name__ == "__main__":
    main()

"""How well entity resolution groups mentions, measured on SciERC dev coreference.

SciERC marks coreference clusters inside each abstract. With the gold mentions
(Generic ones dropped), mentions in one cluster "should be one entity" and mentions in
different clusters "should not". We run kgraph's resolver over the dev abstracts as one
corpus and report pairwise precision/recall/F1 over mention pairs within an abstract,
next to a baseline that merges only identical lower-cased strings.

Usage: python benchmarks/resolution_coref.py [--data ../shared/data/scierc/dev.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from kgraph.extract.base import kind_of
from kgraph.model import Field, Mention, Paper
from kgraph.resolve.entities import resolve
from kgraph.resolve.vocabularies import shipped_vocabulary

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scierc" / "dev.jsonl"


def load(path: Path) -> tuple[list[Paper], list[Mention], list[int | None]]:
    """Papers, gold non-Generic mentions, and each mention's cluster id (None: in no cluster)."""
    papers, mentions, clusters = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        papers.append(Paper(doc["id"], "", doc["text"]))
        cluster_of = {i: f"{doc['id']}#{c}" for c, members in enumerate(doc.get("clusters", [])) for i in members}
        for i, e in enumerate(doc["entities"]):
            kind = kind_of(e["label"])
            if kind is None:
                continue
            mentions.append(Mention(doc["id"], Field.ABSTRACT, e["start"], e["end"], e["text"], kind, 0, "gold", 1.0, e["label"]))
            clusters.append(cluster_of.get(i))
    return papers, mentions, clusters


def pairwise(mentions: Sequence[Mention], clusters: Sequence[str | None], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise P/R/F1 over clustered mention pairs within each abstract."""
    tp = pred_same = gold_same = 0
    by_doc: dict[str, list[int]] = {}
    for i, (m, c) in enumerate(zip(mentions, clusters)):
        if c is not None:
            by_doc.setdefault(m.paper_id, []).append(i)
    for indices in by_doc.values():
        for i, j in itertools.combinations(indices, 2):
            gold = clusters[i] == clusters[j]
            pred = bool(predicted[i]) and predicted[i] == predicted[j]
            tp += gold and pred
            pred_same += pred
            gold_same += gold
    p = tp / pred_same if pred_same else 0.0
    r = tp / gold_same if gold_same else 0.0
    return {"pairs_gold": gold_same, "pairs_pred": pred_same, "tp": tp, "P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def evaluate(path: Path) -> dict[str, dict[str, float]]:
    papers, mentions, clusters = load(path)
    systems: dict[str, Callable[[], Sequence[str]]] = {
        "exact string (baseline)": lambda: [m.text.lower() for m in mentions],
        "kgraph resolve": lambda: resolve(papers, mentions, shipped_vocabulary()).mention_entity,
    }
    return {name: pairwise(mentions, clusters, run()) for name, run in systems.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    print(f"{args.data}: pairwise coreference of gold non-Generic mentions within each abstract")
    print(f"{'system':<26} {'P':>6} {'R':>6} {'F1':>6}   gold pairs / predicted / correct")
    for name, r in evaluate(args.data).items():
        print(f"{name:<26} {100 * r['P']:6.1f} {100 * r['R']:6.1f} {100 * r['F1']:6.1f}   {r['pairs_gold']} / {r['pairs_pred']} / {r['tp']}")


if __name__ == "__main__":
    main()

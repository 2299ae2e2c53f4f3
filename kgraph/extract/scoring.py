"""Strict span+label entity scoring: the SciERC "NER F1" (same metric as shared/tools/score_entities.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 from counts."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return f"P={100 * self.precision:.1f} R={100 * self.recall:.1f} F1={100 * self.f1:.1f}"


@dataclass(frozen=True)
class Scores:
    strict: PRF
    span: PRF
    per_label: dict[str, PRF] = field(default_factory=dict)


Span = tuple[int, int, str]


def score(gold: Mapping[str, Iterable[Span]], pred: Mapping[str, Iterable[Span]],
          labels: set[str] | None = None) -> Scores:
    """Micro-averaged scores over documents.

    ``gold`` and ``pred`` map a document id to its (start, end, label) spans; documents
    missing from ``pred`` count as empty predictions. ``labels`` restricts both sides.

    >>> s = score({"d": [(0, 3, "Task"), (4, 6, "Method")]}, {"d": [(0, 3, "Task"), (4, 6, "Task")]})
    >>> round(s.strict.f1, 2), round(s.span.f1, 2)
    (0.5, 1.0)
    """
    tp = npred = ngold = stp = snp = sng = 0
    per_tp: Counter[str] = Counter()
    per_pred: Counter[str] = Counter()
    per_gold: Counter[str] = Counter()
    for doc_id, gold_spans in gold.items():
        g = set(gold_spans)
        p = set(pred.get(doc_id, ()))
        if labels is not None:
            g = {x for x in g if x[2] in labels}
            p = {x for x in p if x[2] in labels}
        tp += len(g & p)
        npred += len(p)
        ngold += len(g)
        gs, ps = {x[:2] for x in g}, {x[:2] for x in p}
        stp += len(gs & ps)
        snp += len(ps)
        sng += len(gs)
        per_tp.update(x[2] for x in g & p)
        per_pred.update(x[2] for x in p)
        per_gold.update(x[2] for x in g)
    per_label = {label: PRF(per_tp[label], per_pred[label], per_gold[label]) for label in sorted(per_gold)}
    return Scores(PRF(tp, npred, ngold), PRF(stp, snp, sng), per_label)


def format_scores(scores: Scores, title: str) -> list[str]:
    lines = [f"{title}",
             f"  strict (span+label): {scores.strict}  (gold {scores.strict.gold}, "
             f"predicted {scores.strict.predicted}, correct {scores.strict.tp})",
             f"  span only          : {scores.span}"]
    for label, prf in scores.per_label.items():
        lines.append(f"    {label:<20} {prf}  (gold {prf.gold})")
    return lines


def spans_of(records: Sequence[dict[str, Any]]) -> dict[str, list[Span]]:
    """``{"id", "entities": [{"start", "end", "label"}]}`` records as a span mapping."""
    return {str(r["id"]): [(e["start"], e["end"], e["label"]) for e in r.get("entities", [])] for r in records}


#: Relations that match in either direction (as in shared/tools/score_relations.py).
SYMMETRIC_RELATIONS = frozenset({"COMPARE", "CONJUNCTION"})
RelationTriple = tuple[Span, Span, str]


@dataclass(frozen=True)
class RelationScores:
    """End-to-end relation scores (PURE's protocol): ``rel`` = both ends' boundaries and the
    relation label; ``rel_plus`` = also both ends' entity labels; ``unlabelled`` = ends only."""

    rel: PRF
    rel_plus: PRF
    unlabelled: PRF
    per_label: dict[str, PRF] = field(default_factory=dict)


def relation_triples(record: Mapping[str, Any], mapping: Mapping[str, str] | None = None) -> set[RelationTriple]:
    """A record's relations as ((start, end, label), (start, end, label), relation); bad indices are skipped."""
    entities = record.get("entities", [])
    out = set()
    for relation in record.get("relations", []):
        try:
            head, tail = entities[relation["head"]], entities[relation["tail"]]
        except (IndexError, KeyError, TypeError):
            continue
        hl = (mapping or {}).get(head.get("label"), head.get("label"))
        tl = (mapping or {}).get(tail.get("label"), tail.get("label"))
        out.add(((head["start"], head["end"], hl), (tail["start"], tail["end"], tl), relation["label"]))
    return out


def _relation_key(triple: RelationTriple, labelled: bool, typed: bool) -> tuple[Any, Any, str | None]:
    (hs, he, hl), (ts, te, tl), label = triple
    a: tuple[Any, ...] = (hs, he, hl) if typed else (hs, he)
    b: tuple[Any, ...] = (ts, te, tl) if typed else (ts, te)
    if label in SYMMETRIC_RELATIONS and b < a:
        a, b = b, a
    return a, b, label if labelled else None


def score_relations(gold: Mapping[str, Mapping[str, Any]], pred: Mapping[str, Mapping[str, Any]],
                    mapping: Mapping[str, str] | None = None) -> RelationScores:
    """Micro-averaged relation scores over documents (records ``{"entities", "relations"}`` by id).

    ``mapping`` renames predicted entity labels before ``rel+`` is checked (e.g. Dataset ->
    Material). Agrees with ../shared/tools/score_relations.py.

    >>> ents = [{"start": 0, "end": 3, "label": "Method"}, {"start": 8, "end": 11, "label": "Task"}]
    >>> gold = {"d": {"entities": ents, "relations": [{"head": 0, "tail": 1, "label": "USED-FOR"}]}}
    >>> s = score_relations(gold, {"d": {"entities": ents, "relations": [{"head": 1, "tail": 0, "label": "USED-FOR"}]}})
    >>> s.rel.tp, s.unlabelled.tp
    (0, 0)
    """
    counts = {name: Counter[str]() for name in ("rel", "rel+", "unlabelled")}
    per_tp: Counter[str] = Counter()
    per_pred: Counter[str] = Counter()
    per_gold: Counter[str] = Counter()
    for doc_id, record in gold.items():
        g, p = relation_triples(record), relation_triples(pred.get(doc_id, {}), mapping)
        for name, labelled, typed in (("rel", True, False), ("rel+", True, True), ("unlabelled", False, False)):
            gk = Counter(_relation_key(x, labelled, typed) for x in g)
            pk = Counter(_relation_key(x, labelled, typed) for x in p)
            counts[name].update(tp=sum((gk & pk).values()), predicted=sum(pk.values()), gold=sum(gk.values()))
        gold_keys = {_relation_key(x, True, False) for x in g}
        for x in p:
            per_pred[x[2]] += 1
            per_tp[x[2]] += _relation_key(x, True, False) in gold_keys
        per_gold.update(x[2] for x in g)

    def prf(name: str) -> PRF:
        return PRF(counts[name]["tp"], counts[name]["predicted"], counts[name]["gold"])

    per_label = {label: PRF(per_tp[label], per_pred[label], per_gold[label]) for label in sorted(per_gold)}
    return RelationScores(prf("rel"), prf("rel+"), prf("unlabelled"), per_label)


def format_relation_scores(scores: RelationScores) -> list[str]:
    lines = ["relations (end to end, predicted entities)"]
    for name, prf in (("rel", scores.rel), ("rel+", scores.rel_plus), ("unlabelled", scores.unlabelled)):
        lines.append(f"  {name:<10}: {prf}  (gold {prf.gold}, predicted {prf.predicted}, correct {prf.tp})")
    for label, prf in scores.per_label.items():
        lines.append(f"    {label:<20} {prf}  (gold {prf.gold})")
    lines.append(f"  relation F1 rel={100 * scores.rel.f1:.1f} rel+={100 * scores.rel_plus.f1:.1f}")
    return lines

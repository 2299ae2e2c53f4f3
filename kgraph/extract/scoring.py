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

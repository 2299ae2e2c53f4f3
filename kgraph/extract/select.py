"""Choose the final mentions among every extractor's candidates."""

from __future__ import annotations

from spacy.tokens import Doc, Span, SpanGroup

from .base import EXTRACTORS, SELECTED, kind_of, name_bounds


def select_spans(candidates: list[tuple[str, Span, float]]) -> list[tuple[str, Span, float]]:
    """Keep non-overlapping candidates, by extractor priority then length.

    ``candidates`` are (extractor, span, score) with extractors named in
    :data:`~kgraph.extract.base.EXTRACTORS`; spans whose label maps to no entity kind
    (SciERC ``Generic``) are dropped. The result is in text order.
    """
    rank = {name: i for i, name in enumerate(EXTRACTORS)}
    ordered = sorted(candidates, key=lambda c: (rank.get(c[0], len(rank)), -(c[1].end - c[1].start), c[1].start))
    taken: set[int] = set()
    chosen = []
    for extractor, span, score in ordered:
        if kind_of(span.label_) is None:
            continue
        tokens = range(span.start, span.end)
        if any(t in taken for t in tokens):
            continue
        taken.update(tokens)
        chosen.append((extractor, span, score))
    return sorted(chosen, key=lambda c: c[1].start)


class Selector:
    """spaCy component writing ``doc.spans["kgraph"]`` with ``extractors`` and ``scores`` attrs.

    Each chosen span loses function words at its edges, and one that names nothing (a
    number, a range) is dropped (:func:`~kgraph.extract.base.name_bounds`).
    """

    def __call__(self, doc: Doc) -> Doc:
        candidates: list[tuple[str, Span, float]] = []
        for name in EXTRACTORS:
            if name in doc.spans:
                group = doc.spans[name]
                scores = group.attrs.get("scores") or [1.0] * len(group)
                candidates.extend((name, span, float(score)) for span, score in zip(group, scores))
        chosen = []
        for name, span, score in select_spans(candidates):
            bounds = name_bounds(doc, span.start, span.end)
            if bounds is not None:
                trimmed = span if bounds == (span.start, span.end) else Span(doc, *bounds, label=span.label_)
                chosen.append((name, trimmed, score))
        group = SpanGroup(doc, name=SELECTED, spans=[span for _, span, _ in chosen])
        group.attrs["extractors"] = [name for name, _, _ in chosen]
        group.attrs["scores"] = [score for _, _, score in chosen]
        doc.spans[SELECTED] = group
        return doc

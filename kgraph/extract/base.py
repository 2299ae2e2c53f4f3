"""The contract between extractors and the rest of kgraph.

Every extractor is a spaCy pipeline component. It adds its candidate spans to
``doc.spans[<extractor name>]`` (a SpanGroup) and puts one confidence per span, in the
same order, in ``group.attrs["scores"]``. Span labels are either SciERC labels (the
trained models: Method, Task, Metric, Material, OtherScientificTerm, Generic) or kgraph
entity kinds (gazetteer, acronym and rule components). :func:`kind_of` maps both to an
:class:`~kgraph.model.EntityKind`; Generic maps to ``None`` (not an entity).

The final ``kgraph_select`` component (see :mod:`kgraph.extract.select`) reads every
group, resolves overlaps by extractor priority and writes ``doc.spans["kgraph"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Span, SpanGroup

from ..model import EntityKind

#: Names of the candidate groups, highest priority first: a trained model's span beats an
#: acronym defined in the same text, which beats a gazetteer match, then a cue-word rule.
EXTRACTORS: tuple[str, ...] = ("model", "acronym", "gazetteer", "rule")
SELECTED = "kgraph"

SCIERC_LABELS: tuple[str, ...] = (
    "Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic",
)
_SCIERC_TO_KIND: dict[str, EntityKind | None] = {
    "Method": EntityKind.METHOD,
    "Task": EntityKind.TASK,
    "Metric": EntityKind.METRIC,
    "Material": EntityKind.DATASET,
    "OtherScientificTerm": EntityKind.CONCEPT,
    "Generic": None,
}


def kind_of(label: str) -> EntityKind | None:
    """Map an extractor label (SciERC or kgraph kind) to the graph's entity kind.

    >>> kind_of("Material")
    <EntityKind.DATASET: 'Dataset'>
    >>> kind_of("Generic") is None
    True
    """
    if label in _SCIERC_TO_KIND:
        return _SCIERC_TO_KIND[label]
    return EntityKind(label)


def set_candidates(doc: Doc, name: str, spans: Sequence[Span], scores: Iterable[float] | None = None) -> None:
    """Store an extractor's candidate spans (and their confidences) on ``doc``."""
    group = SpanGroup(doc, name=name, spans=list(spans))
    group.attrs["scores"] = list(scores) if scores is not None else [1.0] * len(group)
    doc.spans[name] = group

"""Choose the final mentions among every extractor's candidates."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, SpanGroup

from .base import EXTRACTORS, SELECTED, kind_of, name_edges, tokens_of
from .gazetteer import FOLDED, is_case_sensitive, known_dataset_names


def select_spans(candidates: list[tuple[str, Span, float]],
                 folded: Sequence[Span] = ()) -> list[tuple[str, Span, float]]:
    """Keep non-overlapping candidates, by extractor priority then length.

    ``candidates`` are (extractor, span, score) with extractors named in
    :data:`~kgraph.extract.base.EXTRACTORS`; spans whose label maps to no entity kind
    (SciERC ``Generic``) are dropped. The result is in text order. One exception to the
    priority: a known name of several words that the model cut into pieces ("[Tanks] and
    [Temples benchmarks]") is taken whole, and so is the long form of an acronym defined in
    the text ("[Open Access Series] of [Imaging Studies] (OASIS)").

    >>> import spacy
    >>> doc = spacy.blank("en")("We test on Tanks and Temples benchmarks .")
    >>> known = ("gazetteer", Span(doc, 3, 6, "Dataset"), 1.0)
    >>> pieces = [("model", Span(doc, 3, 4, "Dataset"), 0.9), ("model", Span(doc, 5, 7, "Dataset"), 0.8)]
    >>> [(name, span.text) for name, span, _ in select_spans(pieces + [known])]
    [('gazetteer', 'Tanks and Temples')]
    >>> [(name, span.text) for name, span, _ in select_spans([("model", Span(doc, 3, 7, "Dataset"), 0.9), known])]
    [('model', 'Tanks and Temples benchmarks')]

    ``folded`` are title-case names found in lower case ("support vector machine" for
    "Support Vector Machine", see :data:`~kgraph.extract.gazetteer.FOLDED`): not candidates
    of their own, but taken whole, like a known name, where the model broke them.

    >>> doc = spacy.blank("en")("We train a support vector machine here .")
    >>> cut = [("model", Span(doc, 4, 6, "Method"), 0.9), ("gazetteer", Span(doc, 3, 5, "Concept"), 1.0)]
    >>> [(name, span.text) for name, span, _ in select_spans(cut)]
    [('model', 'vector machine')]
    >>> [(name, span.text) for name, span, _ in select_spans(cut, [Span(doc, 3, 6, "Method")])]
    [('gazetteer', 'support vector machine')]
    """
    rank = {name: i for i, name in enumerate(EXTRACTORS)}
    model = [span for name, span, _ in candidates if name == "model"]
    # a name written as one ("Tanks and Temples"), not a phrase ("image classification")
    names = [c for c in candidates if c[0] == "gazetteer" and is_case_sensitive(c[1].text)]
    broken = _broken_by(model, [*names, *(("gazetteer", span, 1.0) for span in folded)])
    # a long form defined with its acronym ("Open Access Series of Imaging Studies (OASIS)")
    # is a name's whole extent too (its kind is the model's where no head word says one)
    broken += _broken_by(model, [c for c in candidates if c[0] == "acronym"])
    candidates = [*candidates, *(c for c in broken if c not in names)]
    ordered = sorted(candidates, key=lambda c: (-1 if c in broken else rank.get(c[0], len(rank)),
                                                -(c[1].end - c[1].start), c[1].start))
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


def _describes_a_model(words: Sequence[str], end: int) -> bool:
    """Whether the words from ``end`` on make the name before them a model's ("ImageNet-pretrained")."""
    if end < len(words) and words[end] == "-":
        end += 1
    return end < len(words) and words[end].lower() in _MODEL_AFTER


def _broken_by(model: Sequence[Span], names: Sequence[tuple[str, Span, float]]) -> list[tuple[str, Span, float]]:
    """The names of two or more words that model spans overlap without one holding them whole."""
    broken = []
    for candidate in names:
        span = candidate[1]
        if span.end - span.start < 2:
            continue
        overlapping = [m for m in model if m.start < span.end and span.start < m.end]
        if overlapping and not any(m.start <= span.start and span.end <= m.end for m in overlapping):
            broken.append(candidate)
    return broken


#: Model labels a known dataset name overrides (with ``known_datasets``); a Task stands, as
#: the lists hold task names too ("Sentence Compression"), and so does a Metric.
_OVERRIDDEN = frozenset({"Method", "Material", "OtherScientificTerm"})
#: Words after a dataset's name that make it a description of a model ("ImageNet weights",
#: "COCO-pretrained backbone", "SQuAD model"): the model's label stands there.
_MODEL_AFTER = frozenset("weights pretrained pre-trained pretraining pre-training initialization initialisation "
                         "features checkpoint checkpoints backbone backbones model models embeddings".split())


class Selector:
    """spaCy component writing ``doc.spans["kgraph"]`` with ``extractors`` and ``scores`` attrs.

    Each chosen span loses function words at its edges, and one that names nothing (a
    number, a range) is dropped (:func:`~kgraph.extract.base.name_bounds`).

    With ``known_datasets``, a model span that is exactly a name the Papers with Code lists
    give as a dataset (:func:`~kgraph.extract.gazetteer.known_dataset_names`) and that the
    model called a method or a concept is a Dataset: the fast tier's CNN calls "SQuAD",
    "IMDB" or "FB15k-237" methods where their context reads like a system's (TDMSci test
    Dataset F1 43.9 -> 50.4, SciREX train abstracts 50.6 -> 51.9); the accurate tier reads
    that context better and loses by it (63.2 -> 63.0, 76.1 -> 75.2), so it keeps its labels.

    >>> import spacy
    >>> from kgraph.extract.base import set_candidates
    >>> doc = spacy.blank("en")("Results on SQuAD and RCV1 .")
    >>> set_candidates(doc, "model", [Span(doc, 2, 3, "Method"), Span(doc, 4, 5, "Task")], [0.9, 0.8])
    >>> [(s.text, s.label_) for s in Selector(known_datasets=True)(doc).spans[SELECTED]]
    [('SQuAD', 'Dataset'), ('RCV1', 'Task')]
    >>> [(s.text, s.label_) for s in Selector()(doc).spans[SELECTED]]
    [('SQuAD', 'Method'), ('RCV1', 'Task')]
    >>> doc = spacy.blank("en")("Gains over ImageNet weights and SQuAD models .")
    >>> set_candidates(doc, "model", [Span(doc, 2, 3, "Method"), Span(doc, 5, 6, "Method")], [0.9, 0.9])
    >>> [(s.text, s.label_) for s in Selector(known_datasets=True)(doc).spans[SELECTED]]
    [('ImageNet', 'Method'), ('SQuAD', 'Method')]
    """

    def __init__(self, known_datasets: bool = False) -> None:
        self.known_datasets = known_dataset_names() if known_datasets else frozenset()

    def __call__(self, doc: Doc) -> Doc:
        candidates: list[tuple[str, Span, float]] = []
        for name in EXTRACTORS:
            if name in doc.spans:
                group = doc.spans[name]
                scores = group.attrs.get("scores") or [1.0] * len(group)
                candidates.extend((name, span, float(score)) for span, score in zip(group, scores))
        chosen = []
        tokens = tokens_of(doc)
        for name, span, score in select_spans(candidates, doc.spans.get(FOLDED, ())):
            bounds = name_edges(tokens, span.start, span.end)
            if bounds is not None:
                trimmed = span if bounds == (span.start, span.end) else Span(doc, *bounds, label=span.label_)
                if (name == "model" and trimmed.label_ in _OVERRIDDEN and trimmed.text in self.known_datasets
                        and not _describes_a_model(tokens.words, trimmed.end)):
                    trimmed = Span(doc, trimmed.start, trimmed.end, label="Dataset")
                chosen.append((name, trimmed, score))
        group = SpanGroup(doc, name=SELECTED, spans=[span for _, span, _ in chosen])
        group.attrs["extractors"] = [name for name, _, _ in chosen]
        group.attrs["scores"] = [score for _, _, score in chosen]
        doc.spans[SELECTED] = group
        return doc

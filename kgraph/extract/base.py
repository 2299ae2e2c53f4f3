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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IDX, IS_SPACE, LOWER, ORTH, SPACY  # type: ignore[import-not-found]  # spaCy ships no stub for spacy.attrs
from spacy.tokens import Doc, Span, SpanGroup

from ..model import EntityKind
from ..text.labels import FUNCTION_WORDS, is_number_like

#: Names of the candidate groups, highest priority first: a trained model's span beats an
#: acronym defined in the same text, which beats a gazetteer match, then a cue-word rule.
EXTRACTORS: tuple[str, ...] = ("model", "acronym", "gazetteer", "rule")
SELECTED = "kgraph"
#: Attribute of a trained model's group: True when its labels include Dataset, so that its
#: Material means a material that is not a dataset (speech, images, text) and not "a
#: dataset, perhaps" as in SciERC (see :func:`kgraph.extract.kinds.refine_kind`).
KNOWS_DATASETS = "knows_datasets"

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


def set_candidates(doc: Doc, name: str, spans: Sequence[Span], scores: Iterable[float] | None = None,
                   attrs: Mapping[str, Any] | None = None) -> None:
    """Store an extractor's candidate spans (and their confidences) on ``doc``.

    Every span gets clean edges first (:func:`clean_bounds`); a span of nothing but space
    is dropped with its score, and two spans that become one are stored once. ``attrs``
    go on the group (e.g. :data:`KNOWS_DATASETS`).
    """
    given = list(spans)
    confidences = list(scores) if scores is not None else [1.0] * len(given)
    kept: list[Span] = []
    kept_scores: list[float] = []
    seen: set[tuple[int, int, str]] = set()
    tokens = tokens_of(doc)
    for span, score in zip(given, confidences):
        bounds = clean_edges(tokens, span.start, span.end)
        if bounds is None or (*bounds, span.label_) in seen:
            continue
        seen.add((*bounds, span.label_))
        kept.append(span if bounds == (span.start, span.end) else Span(doc, *bounds, label=span.label_))
        kept_scores.append(score)
    group = SpanGroup(doc, name=name, spans=kept)
    group.attrs["scores"] = kept_scores
    group.attrs.update(attrs or {})
    doc.spans[name] = group


def model_knows_datasets(doc: Doc) -> bool:
    """Whether the trained model that tagged ``doc`` has a Dataset label (see :data:`KNOWS_DATASETS`)."""
    return "model" in doc.spans and bool(doc.spans["model"].attrs.get(KNOWS_DATASETS, False))


@dataclass(frozen=True)
class Tokens:
    """The strings of one Doc's tokens, read once for every component that looks at edges.

    A ``doc[i]`` makes a Token object, and ``Span.text`` one per token; the edge repairs
    below ask for a few tokens around each of dozens of candidates per abstract, and
    building the Doc's text twice over cost ~6 % of the fast tier. Get it with
    :func:`tokens_of`.
    """

    text: str  #: ``doc.text``
    words: list[str]  #: each token's text
    lower: list[str]
    glued: list[bool]  #: no whitespace after the token
    space: list[bool]  #: the token is whitespace
    starts: list[int]  #: each token's character offset

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` (``start < end``)."""
        return self.text[self.starts[start] : self.starts[end - 1] + len(self.words[end - 1])]


_TOKENS = "kgraph.tokens"


def tokens_of(doc: Doc) -> Tokens:
    """The :class:`Tokens` of ``doc``, built on first use and kept in ``doc.user_data``.

    They are kept as a tuple of plain lists, which ``Doc.to_bytes`` can serialise.

    >>> import spacy
    >>> doc = spacy.blank("en")("Top-1 on ImageNet")
    >>> tokens = tokens_of(doc)
    >>> tokens.words, tokens.glued, tokens.span_text(1, 3)
    (['Top-1', 'on', 'ImageNet'], [False, False, True], 'on ImageNet')
    >>> tokens_of(Doc(doc.vocab).from_bytes(doc.to_bytes())) == tokens  # kept through serialisation
    True
    """
    cached = doc.user_data.get(_TOKENS)
    if isinstance(cached, (tuple, list)) and len(cached) == 6 and len(cached[1]) == len(doc):
        return Tokens(*cached)
    strings = doc.vocab.strings
    columns = doc.to_array([ORTH, LOWER, SPACY, IS_SPACE, IDX]).T.tolist() if len(doc) else [[]] * 5
    words = [strings[o] for o in columns[0]]
    tokens = Tokens(
        text="".join(w + " " if ws else w for w, ws in zip(words, columns[2])),
        words=words,
        lower=[strings[o] for o in columns[1]],
        glued=[not ws for ws in columns[2]],
        space=[bool(sp) for sp in columns[3]],
        starts=columns[4],
    )
    doc.user_data[_TOKENS] = (tokens.text, tokens.words, tokens.lower, tokens.glued, tokens.space, tokens.starts)
    return tokens


#: Hyphenated words longer than this many tokens each way are not followed (a run of
#: dashes in a table, not a word).
_MAX_HYPHEN_REACH = 12


def clean_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token bounds of a candidate span with clean edges, or None when only space is left.

    Space tokens (``"\\n"``, no-break spaces) are trimmed from both edges, and an edge that
    falls inside a hyphenated word moves out to the whole word: a model that tags
    "[fine]-tuning", "[state-of-the-]art" or "good[-quality MT system]" yields
    "fine-tuning", "state-of-the-art" and "good-quality MT system"; an edge between two
    tokens of one word ("[ImageNet-1]K", where the tokenizer split "1K") moves out to the
    whole word too. Only words written
    without spaces count (SciERC's "state - of - the - art" is three words and a dash
    each, and stays as tagged). A dash at an edge that joins nothing is trimmed.

    >>> import spacy
    >>> doc = spacy.blank("en")("We use fine-tuning and good-quality MT systems.\\n")
    >>> [doc[s:e].text for s, e in (clean_bounds(doc, 2, 3), clean_bounds(doc, 7, 11))]
    ['fine-tuning', 'good-quality MT systems']
    >>> clean_bounds(doc, 12, 13) is None
    True
    >>> doc = spacy.blank("en")("Top-1 on ImageNet-1K, and")
    >>> [t.text for t in doc], doc[slice(*clean_bounds(doc, 2, 3))].text
    (['Top-1', 'on', 'ImageNet-1', 'K', ',', 'and'], 'ImageNet-1K')
    """
    return clean_edges(tokens_of(doc), start, end)


def clean_edges(tokens: Tokens, start: int, end: int) -> tuple[int, int] | None:
    """:func:`clean_bounds` on a Doc's :class:`Tokens` (for callers that repair many spans)."""
    words, space, glue = tokens.words, tokens.space, tokens.glued
    n = len(words)

    def glued(i: int) -> bool:  # token i is written against token i + 1
        return 0 <= i < n - 1 and glue[i]

    def joins(i: int) -> bool:  # the dash token i joins two words written against it
        return (words[i] == "-" and glued(i - 1) and glued(i) and not space[i - 1]
                and not space[i + 1] and words[i - 1][-1:].isalnum() and words[i + 1][:1].isalnum())

    while start < end and (space[start] or (words[start] == "-" and not joins(start))):
        start += 1
    while end > start and (space[end - 1] or (words[end - 1] == "-" and not joins(end - 1))):
        end -= 1
    if start >= end:
        return None

    def split(i: int) -> bool:  # tokens i and i + 1 are one word the tokenizer cut: "1" + "K"
        return glued(i) and words[i][-1:].isalnum() and words[i + 1][:1].isalnum()

    for _ in range(_MAX_HYPHEN_REACH):
        if start >= 1 and (joins(start) or split(start - 1) or (start >= 2 and joins(start - 1))):
            start -= 1
        else:
            break
    for _ in range(_MAX_HYPHEN_REACH):
        if end < n and (joins(end - 1) or split(end - 1) or (end + 1 < n and joins(end))):
            end += 1
        else:
            break
    return start, end


_LOOSE = frozenset(",;:.!?\"'")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKETS = frozenset("()[]{}")


def _loose_punct(tokens: Tokens, i: int, start: int, end: int) -> bool:
    """Whether token ``i`` at an edge of tokens ``start:end`` is a mark no name ends or starts with."""
    text = tokens.words[i]
    if text in _LOOSE:
        return True
    if text in _BRACKETS:
        inside = tokens.span_text(start, end)
        for opening, closing in _PAIRS.items():
            if text in (opening, closing):
                return inside.count(opening) != inside.count(closing)
    return False


def name_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token bounds of a mention without function words at its edges, or None when no name is left.

    A model sometimes takes a word too many ("corpus [of]", "[the] BERT model", "English
    [and]") or a stray mark ("mIoU[)]", "[,] BLEU"); a span that is only a number or a range
    ("from 10.3 to 11.8") names nothing. A bracket that closes one inside the span stays:
    "Gaussian splatting (3D)"; a definition cut before its ")" takes it, a span begun
    inside brackets ends where they close, and a hyphenated word is never cut.

    >>> import spacy
    >>> name_bounds(spacy.blank("en")("in-distribution (ID) data"), 0, 6)
    (0, 6)
    >>> [t.text for t in spacy.blank("en")("virtual try-on")], name_bounds(spacy.blank("en")("virtual try-on"), 0, 4)
    (['virtual', 'try', '-', 'on'], (0, 4))
    >>> peft = spacy.blank("en")("fine-tuning (PEFT) methods")
    >>> peft[slice(*name_bounds(peft, 4, 7))].text
    'PEFT'
    >>> smile = spacy.blank("en")("loss :) term")
    >>> smile[slice(*name_bounds(smile, 0, 3))].text
    'loss :) term'
    >>> doc = spacy.blank("en")("the corpus of English and from 10.3 to 11.8 (mIoU) , ResNet (v2)")
    >>> name_bounds(doc, 0, 3), name_bounds(doc, 3, 5), name_bounds(doc, 5, 9)
    ((1, 2), (3, 4), None)
    >>> [doc[s:e].text for s, e in (name_bounds(doc, 10, 12), name_bounds(doc, 12, 17), name_bounds(doc, 13, 16))]
    ['mIoU', 'ResNet (v2)', 'ResNet (v2)']
    """
    return name_edges(tokens_of(doc), start, end)


def name_edges(tokens: Tokens, start: int, end: int) -> tuple[int, int] | None:
    """:func:`name_bounds` on a Doc's :class:`Tokens` (for callers that trim many spans)."""
    words, lower, glued = tokens.words, tokens.lower, tokens.glued
    while start < end and (lower[start] in FUNCTION_WORDS or _loose_punct(tokens, start, start, end)):
        if start + 1 < end and glued[start] and words[start + 1] == "-":
            break  # the first part of a hyphenated word: "in-distribution", "out-of-vocabulary"
        start += 1
    while end > start and (lower[end - 1] in FUNCTION_WORDS or words[end - 1] == "-"
                           or _loose_punct(tokens, end - 1, start, end)):
        if end - 2 > start and words[end - 2] == "-" and glued[end - 2] and lower[end - 1] in FUNCTION_WORDS:
            break  # the last part of a hyphenated word: "virtual try-on", "CLIP-IT"
        end -= 1
    if start >= end:
        return None
    inside = tokens.span_text(start, end)
    if is_number_like(inside) or not any(c.isalpha() for c in inside):
        return None
    if end < len(words) and words[end] == ")" and inside.count("(") > inside.count(")"):
        end += 1  # "friction stir welding (FSW" takes its ")": the definition is whole
    elif inside.count(")") > inside.count("("):
        # "(PEFT) methods" tagged from inside the brackets: the name is what the bracket closes
        closing = next((i for i in range(start, end) if words[i] == ")"), None)  # or inside a token: "f(x)"
        if closing is not None and closing > start:
            end = closing
    return start, end

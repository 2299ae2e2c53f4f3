"""Relations and results over the corpus: paper-level statements tied to entities.

A :class:`~kgraph.model.Relation` joins two mentions of one sentence; here the mentions
become the entities they resolved to and the statements of all papers are counted:
"CRF USED-FOR NER" said by 14 papers is one :class:`EntityRelation` with 14 papers of
support and its evidence. A :class:`~kgraph.model.Result` becomes a :class:`ResultRow`
whose metric, dataset and method are entities where the abstract named them by a
mention, or by words that are one entity's label or variant. Generic entities ("model",
"data") take part in neither: a relation or a result with a generic end is left out,
never shown with a vague name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Entity, EntityKind, Field, Relation, Result
from ..resolve.specificity import STATISTICS
from ..resolve.vocabularies import known_kind
from ..text.acronyms import GENERIC_ACRONYMS
from ..text.labels import lookup_label

#: Relations that read the same both ways ("A COMPARE B" = "B COMPARE A").
SYMMETRIC = frozenset({"COMPARE", "CONJUNCTION"})
#: SciERC's relation names, in the order they are documented.
RELATION_LABELS = ("USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "EVALUATE-FOR", "COMPARE", "CONJUNCTION")

SpanKey = tuple[str, Field, int, int]
"""(paper id, field, start, end): how a relation or result end finds its mention's entity."""


@dataclass(frozen=True, slots=True)
class EntityRelation:
    """"subject label object" as the corpus states it, with the papers that say so.

    ``confidence`` is the highest of its statements' confidences; ``evidence`` holds the
    statements themselves (sentence offsets and mention spans: the sentences a reader checks).
    """

    subject: str
    label: str
    object: str
    papers: tuple[str, ...]
    confidence: float
    evidence: tuple[Relation, ...]


@dataclass(frozen=True, slots=True)
class ResultRow:
    """A result with its metric, dataset and method as entity ids ("" where none)."""

    result: Result
    metric: str = ""
    dataset: str = ""
    method: str = ""


def aggregate_relations(relations: Iterable[Relation], span_entity: Mapping[SpanKey, str],
                        specific: frozenset[str] | set[str]) -> list[EntityRelation]:
    """Group paper-level relations by (subject entity, label, object entity).

    A relation between two mentions of the same entity, or with an end that resolved to
    no specific entity, is left out. Symmetric labels are stored with their ends in id
    order. The list is ordered by support (papers), then by confidence.

    Examples
    --------
    >>> r = Relation("p1", Field.ABSTRACT, (0, 3), (8, 11), "USED-FOR", 0.9, (0, 12))
    >>> spans = {("p1", Field.ABSTRACT, 0, 3): "crf", ("p1", Field.ABSTRACT, 8, 11): "ner"}
    >>> [(e.subject, e.label, e.object, e.papers) for e in aggregate_relations([r], spans, {"crf", "ner"})]
    [('crf', 'USED-FOR', 'ner', ('p1',))]
    >>> aggregate_relations([r], spans, {"crf"})
    []
    """
    groups: dict[tuple[str, str, str], list[Relation]] = defaultdict(list)
    for relation in relations:
        head = span_entity.get((relation.paper_id, relation.field, *relation.head), "")
        tail = span_entity.get((relation.paper_id, relation.field, *relation.tail), "")
        if not head or not tail or head == tail or head not in specific or tail not in specific:
            continue
        if relation.label in SYMMETRIC and tail < head:
            head, tail = tail, head
        groups[(head, relation.label, tail)].append(relation)
    out = []
    for (head, label, tail), said in groups.items():
        papers = tuple(dict.fromkeys(r.paper_id for r in said))
        out.append(EntityRelation(head, label, tail, papers, max(r.confidence for r in said), tuple(said)))
    out.sort(key=lambda e: (-len(e.papers), -e.confidence, e.subject, e.label, e.object))
    return out


def resolve_results(results: Iterable[Result], span_entity: Mapping[SpanKey, str],
                    specific: frozenset[str] | set[str],
                    entities: Iterable[Entity] = ()) -> list[ResultRow]:
    """Each result with the specific entities its metric, dataset and method mentions resolved to.

    Where a part has no mention (the finder read it off the words: "Frechet Inception
    Distance" in a sentence the extractor tagged no metric in), it is the one specific
    entity among ``entities`` of its kind that carries those words as a label or variant,
    if there is exactly one. A known model's name (a Method among ``entities``: "Gemini
    2.5", "Llama") is never a result's metric or dataset.

    >>> res = Result("p1", "92.3", 20, 24, "absolute", "F1", "SQuAD", "ours", (0, 40), (25, 27), (31, 36))
    >>> spans = {("p1", Field.ABSTRACT, 25, 27): "f1", ("p1", Field.ABSTRACT, 31, 36): "squad"}
    >>> row = resolve_results([res], spans, {"f1", "squad"})[0]
    >>> (row.metric, row.dataset, row.method)
    ('f1', 'squad', '')
    >>> said = Result("p2", "2.1", 0, 3, "absolute", "Frechet Inception Distance", "", "", (0, 40))
    >>> fid = Entity("fid", EntityKind.METRIC, "FID", "fid", ("Frechet Inception Distance",))
    >>> resolve_results([said], {}, {"fid"}, [fid])[0].metric
    'fid'
    """
    def entity(paper: str, span: tuple[int, int] | None) -> str:
        found = span_entity.get((paper, Field.ABSTRACT, *span), "") if span else ""
        return found if found in specific else ""

    entities = list(entities)
    rows = [ResultRow(r, entity(r.paper_id, r.metric_span), entity(r.paper_id, r.dataset_span),
                      entity(r.paper_id, r.method_span)) for r in results]
    # a model the extractor tagged as data or a metric in that sentence ("Gemini 2.5 Flash")
    # measures nothing: known model names (their resolution key) measure nothing there
    scored = {id_ for row in rows for id_ in (row.metric, row.dataset) if id_}
    models = {e.id for e in entities if e.id in scored and e.kind is EntityKind.METHOD
              and known_kind({}, e.key) is EntityKind.METHOD}
    if models:
        rows = [ResultRow(row.result, "" if row.metric in models else row.metric,
                          "" if row.dataset in models else row.dataset, row.method) for row in rows]
    # only the words results need are looked up: no index of every entity's labels
    wanted = {(kind, lookup_label(words)) for row in rows for kind, words, found in _parts(row)
              if words and not found and words not in _NOT_NAMES}
    named: dict[tuple[EntityKind, str], set[str]] = defaultdict(set)
    for candidate in entities:
        if candidate.id in specific:
            for label in (candidate.label, *candidate.alt_labels):
                key = (candidate.kind, lookup_label(label))
                if key in wanted:
                    named[key].add(candidate.id)

    def by_words(kind: EntityKind, words: str, found: str) -> str:
        # (words left out of ``wanted`` name nothing in ``named``)
        ids = named.get((kind, lookup_label(words)), set()) if words and not found else set()
        return next(iter(ids)) if len(ids) == 1 else found

    return [ResultRow(row.result, by_words(EntityKind.METRIC, row.result.metric, row.metric),
                      by_words(EntityKind.DATASET, row.result.dataset, row.dataset),
                      by_words(EntityKind.METHOD, row.result.method, row.method)) for row in rows]


#: Words a result may use that name no one entity however the corpus defined them: "95% CI"
#: is a confidence interval even where one paper wrote "confidence index (CI)".
_NOT_NAMES = STATISTICS | GENERIC_ACRONYMS


def _parts(row: ResultRow) -> tuple[tuple[EntityKind, str, str], ...]:
    """(kind, words as the finder read them, entity id or "") of a row's metric, dataset and method."""
    result = row.result
    return ((EntityKind.METRIC, result.metric, row.metric), (EntityKind.DATASET, result.dataset, row.dataset),
            (EntityKind.METHOD, result.method, row.method))


def shown_method(row: ResultRow, span_entity: Mapping[SpanKey, str], entities: Mapping[str, Entity]) -> str:
    """The method a reader is shown for a result: its specific entity's label, the words of a
    method no entity names ("ours", the paper's system), or "" where the words are a generic
    entity's ("SOTAs", "existing methods") or name data or a metric ("MATH", a dataset the
    model tagged as a method in one sentence), which answer no question.

    >>> res = Result("p1", "92.3", 20, 24, "absolute", "F1", "", "SOTAs", (0, 40), method_span=(0, 5))
    >>> shown_method(ResultRow(res), {("p1", Field.ABSTRACT, 0, 5): "sota"}, {}), shown_method(ResultRow(res), {}, {})
    ('', 'SOTAs')
    >>> math = Entity("math", EntityKind.DATASET, "MATH", "math")
    >>> shown_method(ResultRow(res, method="math"), {}, {"math": math})
    ''
    """
    if row.method:
        entity = entities[row.method]
        return "" if entity.kind in (EntityKind.DATASET, EntityKind.METRIC) else entity.label
    r = row.result
    if r.method_span is not None and span_entity.get((r.paper_id, Field.ABSTRACT, *r.method_span)):
        return ""
    return r.method


def plain_value(value: str) -> str:
    r"""A value as a reader writes it, without the abstract's LaTeX (a value is kept as written).

    >>> plain_value("99\\%"), plain_value("163$\\times$"), plain_value("$10{,}000$"), plain_value("92.3%")
    ('99%', '163×', '10,000', '92.3%')
    """
    return value.replace("\\times", "×").replace("{,}", ",").replace("$", "").replace("\\", "").strip()


def numeric_value(value: str) -> float | None:
    r"""The number a value is written as; None for a range.

    >>> numeric_value("92.3%"), numeric_value("+2.1"), numeric_value("1,024"), numeric_value("18-25%")
    (92.3, 2.1, 1024.0, None)
    >>> numeric_value("163$\\times$"), numeric_value("+8.08\\%")
    (163.0, 8.08)
    """
    bare = plain_value(value).replace(",", "").replace("%", "").replace("×", "").rstrip("xp ").lstrip("+±")
    try:
        return float(bare)
    except ValueError:
        return None


def leaderboard_key(kind: str, metric: str, value: str, paper_id: str) -> tuple[bool, bool, str, float, str]:
    """How results are ordered on a leaderboard: scores before improvements, by metric (values
    with none last), highest first.

    >>> rows = [("absolute", "", "3x", "d"), ("absolute", "F1", "80.1", "a"), ("improvement", "F1", "2", "b"),
    ...         ("absolute", "F1", "91", "c")]
    >>> [r[2] for r in sorted(rows, key=lambda r: leaderboard_key(*r))]
    ['91', '80.1', '3x', '2']
    """
    number = numeric_value(value)
    return (kind != "absolute", not metric, metric.lower(), -(number if number is not None else float("-inf")),
            paper_id)

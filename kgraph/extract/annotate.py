"""SciERC-style annotation and evaluation: ``kgraph annotate`` and ``kgraph evaluate``.

Input lines follow ../shared/data/scierc/*.jsonl: at least ``id`` and ``text`` (other
fields are ignored). Output lines are ``{"id", "entities": [{"start", "end", "label",
"text"}], "relations": [{"head", "tail", "label", "confidence"}], "results": [{"method",
"dataset", "metric", "value", "kind", "start", "end", "sentence"}]}`` with character
offsets into that text (relations: SciERC's names, indices into ``entities``, see
:mod:`kgraph.extract.relate`; results: see :mod:`kgraph.extract.results`), labelled with SciERC's six labels or
kgraph's kinds (:data:`SCHEMES`). By default the spans are those of the whole pipeline,
i.e. what ``kgraph build`` extracts; a model-only pipeline gives the model's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import InputError, OptionError
from ..model import EntityKind, Field, Mention
from ..readers.textfile import read_text
from .base import SCIERC_LABELS, SELECTED, kind_of, model_knows_datasets
from .kinds import refine_kind
from .relate import Predictor, doc_relations
from .results import find_results


@dataclass(frozen=True)
class TextRecord:
    line: int
    id: str
    text: str
    gold: tuple[tuple[int, int, str], ...] = ()
    relations: tuple[dict[str, Any], ...] = ()  # gold relations: head/tail index ``gold``
    title: str = ""  # the paper's title, where the record gives one: it can name the paper's system


def read_text_records(path: Path, problems: list[InputError]) -> list[TextRecord]:
    """Records with ``id`` and ``text`` (and ``title``, where given, as ``kgraph build`` reads
    it for result statements); bad lines go to ``problems`` with their line number."""
    records = []
    for number, line in enumerate(read_text(path, problems.append).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(InputError(f"invalid JSON ({exc.msg} at column {exc.colno}), line skipped", path, number))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            problems.append(InputError("no 'text' string in this record, line skipped", path, number))
            continue
        gold = tuple((e["start"], e["end"], e["label"]) for e in obj.get("entities", [])
                     if isinstance(e, dict) and {"start", "end", "label"} <= e.keys())
        relations = tuple(r for r in obj.get("relations", [])
                          if isinstance(r, dict) and {"head", "tail", "label"} <= r.keys())
        title = obj["title"] if isinstance(obj.get("title"), str) else ""
        records.append(TextRecord(number, str(obj.get("id", number)), obj["text"], gold, relations, title))
    return records


#: Output label schemes of ``kgraph annotate``: SciERC's six labels, kgraph's kinds, or the
#: labels as the extractors emit them (``model``: a trained model's own tag set, e.g. for
#: the fast tier's silver labels).
SCHEMES: tuple[str, ...] = ("scierc", "kgraph", "model")
_KIND_TO_SCIERC: dict[EntityKind, str] = {
    EntityKind.METHOD: "Method",
    EntityKind.TASK: "Task",
    EntityKind.METRIC: "Metric",
    EntityKind.DATASET: "Material",
    EntityKind.CONCEPT: "OtherScientificTerm",
}


def check_scheme(scheme: str) -> None:
    """Raise :class:`~kgraph.errors.OptionError` unless ``scheme`` is one of :data:`SCHEMES`."""
    if scheme not in SCHEMES:
        raise OptionError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")


def scheme_label(label: str, text: str, scheme: str = "scierc", knows_datasets: bool = False) -> str:
    """The label of a predicted span in an output scheme.

    ``scierc`` gives SciERC's six labels (a Dataset counts as Material, a Concept as
    OtherScientificTerm); ``kgraph`` gives the kind ``kgraph build`` records for the same
    span (:func:`~kgraph.extract.kinds.refine_kind` included), or ``Generic``; ``model``
    keeps the label as it is.

    >>> scheme_label("Dataset", "SQuAD"), scheme_label("Concept", "attention"), scheme_label("Task", "QA")
    ('Material', 'OtherScientificTerm', 'Task')
    >>> scheme_label("Material", "KITTI", "kgraph"), scheme_label("Material", "speech", "kgraph")
    ('Dataset', 'Concept')
    """
    check_scheme(scheme)
    kind = kind_of(label)
    if kind is None or scheme == "model":
        return label  # Generic has no entity kind in any scheme
    if scheme == "kgraph":
        return refine_kind(label, kind, text, knows_datasets).value
    return label if label in SCIERC_LABELS else _KIND_TO_SCIERC[kind]


def predicted_spans(doc: Doc) -> list[Span]:
    """The spans a pipeline predicted, in text order.

    A full pipeline (ending in ``kgraph_select``) gives what ``kgraph build`` extracts
    (``doc.spans["kgraph"]``) plus the model's Generic spans that overlap none of them
    (Generic is no entity, so the build drops it, but SciERC scores it); a model-only
    pipeline gives the model's spans as they are.
    """
    model = list(doc.spans["model"]) if "model" in doc.spans else []
    if SELECTED not in doc.spans:
        return model
    chosen = list(doc.spans[SELECTED])
    taken = {i for span in chosen for i in range(span.start, span.end)}
    generic = [s for s in model if kind_of(s.label_) is None and not taken.intersection(range(s.start, s.end))]
    return sorted(chosen + generic, key=lambda s: (s.start, s.end))


def annotate(records: Iterable[TextRecord], nlp: Language, batch_size: int = 32,
             scheme: str = "scierc", relations: Predictor | None = None) -> Iterator[dict[str, Any]]:
    """One output record per input record: the spans of :func:`predicted_spans`, labelled in
    ``scheme``, the relations ``relations`` (a relation model) predicts between them
    (``head``/``tail`` index the record's ``entities``) and the results its text reports."""
    check_scheme(scheme)
    records = list(records)
    docs = nlp.pipe((r.text for r in records), batch_size=batch_size)
    for record, doc in zip(records, docs):
        knows = model_knows_datasets(doc)
        spans = predicted_spans(doc)
        entities = [{"start": s.start_char, "end": s.end_char, "label": scheme_label(s.label_, s.text, scheme, knows),
                     "text": s.text} for s in spans]
        found = doc_relations(relations, doc, spans) if relations is not None else []
        typed = [{"head": a, "tail": b, "label": label, "confidence": round(c, 4)} for a, b, label, c in found]
        results = [{"method": r.method, "dataset": r.dataset, "metric": r.metric, "value": r.value, "kind": r.kind,
                    "start": r.start, "end": r.end, "sentence": record.text[slice(*r.sentence_span)]}
                   for r in find_results(record.text, _span_mentions(doc, spans, knows), record.id, record.title)]
        yield {"id": record.id, "entities": entities, "relations": typed, "results": results}


def _span_mentions(doc: Doc, spans: list[Span], knows_datasets: bool) -> list[Mention]:
    """The spans of an entity kind as Mentions (kinds as ``kgraph build`` gives them), with their sentences."""
    mentions = []
    for span in spans:
        kind = kind_of(span.label_)
        if kind is None:
            continue
        sentence = span.sent if doc.has_annotation("SENT_START") else doc[:]
        mentions.append(Mention("", Field.ABSTRACT, span.start_char, span.end_char, span.text,
                                refine_kind(span.label_, kind, span.text, knows_datasets), 0, "annotate", 1.0,
                                span.label_, (sentence.start_char, sentence.end_char)))
    return mentions

"""SciERC-style annotation and evaluation: ``kgraph annotate`` and ``kgraph evaluate``.

Input lines follow ../shared/data/scierc/*.jsonl: at least ``id`` and ``text`` (other
fields are ignored). Output lines are ``{"id", "entities": [{"start", "end", "label",
"text"}]}`` with character offsets into that text and SciERC labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import InputError
from ..readers.textfile import read_text


@dataclass(frozen=True)
class TextRecord:
    line: int
    id: str
    text: str
    gold: tuple[tuple[int, int, str], ...] = ()


def read_text_records(path: Path, problems: list[InputError]) -> list[TextRecord]:
    """Records with ``id`` and ``text``; bad lines go to ``problems`` with their line number."""
    records = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
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
        records.append(TextRecord(number, str(obj.get("id", number)), obj["text"], gold))
    return records


def annotate(records: Iterable[TextRecord], nlp: Language, batch_size: int = 32) -> Iterator[dict[str, Any]]:
    """One output record per input record, entities from the pipeline's ``model`` group."""
    records = list(records)
    docs = nlp.pipe((r.text for r in records), batch_size=batch_size)
    for record, doc in zip(records, docs):
        group = doc.spans.get("model", [])
        entities = [{"start": s.start_char, "end": s.end_char, "label": s.label_, "text": s.text} for s in group]
        yield {"id": record.id, "entities": entities}

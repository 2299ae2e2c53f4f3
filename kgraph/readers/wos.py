"""Reader for Web of Science plain-text ("tagged") exports (``savedrecs.txt``).

Each line starts with a two-character tag (``FN``, ``VR`` file header; ``PT`` starts a
record, ``ER`` ends it, ``EF`` ends the file); a line starting with three spaces
continues the previous tag. ``AU``/``AF`` list one author per line, so they are kept as
lists; ``TI``, ``AB``, ``SO`` lines are joined with spaces. Fields used: ``TI``, ``AB``,
``AF`` (else ``AU``), ``PY`` (else ``EA``), ``DI``, ``SO``, ``UT``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..errors import InputError
from ..model import Paper, SourceRef
from .fields import display_name
from .records import Records, lines, make_paper, read_records
from .report import ReadReport

_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")


def looks_like_wos(head: str) -> bool:
    """True when the text starts like a WoS tagged export.

    >>> looks_like_wos("FN Clarivate Analytics Web of Science\\nVR 1.0\\nPT J")
    True
    """
    first = head.lstrip("\ufeff \n").split("\n", 1)[0]
    return first.startswith("FN ") or (first.startswith("PT ") and "\nER" in head)


def wos_records(text: str, source: str) -> Records:
    """Records as ``{tag: [lines]}`` with the line of their ``PT``."""
    record: dict[str, list[str]] | None = None
    start = 0
    tag: str | None = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.rstrip().lstrip("\ufeff")
        if not line.strip():
            continue
        if line.startswith("   ") and tag is not None and record is not None:
            record.setdefault(tag, []).append(line.strip())
            continue
        match = _LINE.match(line)
        if not match:
            yield number, InputError(f"not a tagged line: {line.strip()[:60]!r}", source, number)
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag in ("FN", "VR", "EF"):
            tag = None
            continue
        if tag == "PT":
            if record is not None:
                yield start, InputError("record has no end (ER) before the next PT", source, start)
            record, start = {"PT": [value]}, number
        elif tag == "ER":
            if record is not None:
                yield start, record
            record, tag = None, None
        elif record is None:
            yield number, InputError(f"tag {tag} outside a record (no PT before it)", source, number)
            tag = None
        else:
            record.setdefault(tag, []).append(value)
    if record is not None:
        yield start, InputError("record has no end (ER): the file is truncated", source, start)


def _joined(record: dict[str, list[str]], *tags: str) -> str | None:
    for tag in tags:
        if record.get(tag):
            return " ".join(record[tag])
    return None


def wos_paper(record: dict[str, list[str]], source: SourceRef) -> Paper:
    """A Paper from one tagged record.

    Raises
    ------
    ValueError
        When the record has no title or no abstract.
    """
    names = record.get("AF") or record.get("AU") or []
    return make_paper(
        source,
        _joined(record, "TI"),
        _joined(record, "AB"),
        year=_joined(record, "PY", "EA"),
        authors=tuple(n for n in (display_name(a) for a in names) if n),
        doi=_joined(record, "DI"),
        venue=_joined(record, "SO"),
        given_id=_joined(record, "UT"),
    )


def read_wos(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Yield one Paper per WoS record with a title and an abstract."""
    return read_records(path, report, wos_records, wos_paper)

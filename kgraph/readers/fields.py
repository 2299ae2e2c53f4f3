"""Field values as the readers need them: text, years, author names.

Each function takes one raw field value (a string, number or list from an export) and
raises ``ValueError`` with the field's name when it is not what the field should hold;
the readers turn that into an :class:`~kgraph.errors.InputError` naming file and line.
Markup itself is cleaned by :mod:`kgraph.text.markup`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..text.markup import strip_markup

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
# what no output format can hold: lone surrogates (JSON "\ud800" escapes), C0 controls
# other than tab and line ends (XML 1.0 forbids them), the non-characters U+FFFE/U+FFFF
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class LongNumber:
    """A JSON integer too long to convert (Python refuses over 4,300 digits): a bad field value, not a crash."""

    digits: int

    def __str__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _what(value: Any) -> str:
    return str(value) if isinstance(value, LongNumber) else type(value).__name__


def clean_text(value: str) -> str:
    r"""``value`` as every output can hold it: a lone surrogate becomes U+FFFD, control characters go.

    Readers call it on every text they emit, so an escape such as ``"\ud800"`` in a JSON
    export cannot break the cache, the RDF or the GraphML later on.

    >>> clean_text("Bad \ud800 title\x00") == "Bad \ufffd title", clean_text("fine")
    (True, 'fine')
    """
    if not _UNSAFE.search(value):
        return value
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", value))


def as_text(value: Any, name: str, numbers: bool = False) -> str:
    """A field's text, cleaned; ``None`` and missing give ``""``.

    Raises
    ------
    ValueError
        When the value is not a string (or, with ``numbers``, a number).
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float) if numbers else str):
        raise ValueError(f"field {name!r} should be text, got {_what(value)}")
    return clean_text(strip_markup(str(value)))


def parse_year(value: Any) -> int | None:
    """The first plausible year in a value ("2021", 2021, "Mon, 2 Apr 2007", "2019-05-01").

    Raises
    ------
    ValueError
        When the value is given but holds no year.

    >>> parse_year("1 Jan.-Feb. 2019"), parse_year(None)
    (2019, None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"field 'year' should be a year, got {_what(value)}")
    match = _YEAR.search(str(value))
    if not match:
        raise ValueError(f"field 'year' has no year in it: {str(value)[:40]!r}")
    return int(match.group(1))


_ISO_MONTH = re.compile(r"\b(?:19|20)\d{2}[-/](\d{1,2})(?:[-/]\d{1,2})?(?:\b|T)")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORD = re.compile(r"\b(" + "|".join(_MONTH_NAMES) + r")[a-z]*\b\.?", re.IGNORECASE)


def parse_month(value: Any) -> int | None:
    """The month a date value names, or None where it names none or several
    ("2019-05-01", "2019/05", "Mon, 2 Apr 2007", "May"; not "2021" or "Jan.-Feb. 2019").

    >>> parse_month("2019-05-01"), parse_month("Mon, 2 Apr 2007 19:18:42 GMT"), parse_month("2024-11-03T10:00:00Z")
    (5, 4, 11)
    >>> parse_month("2021"), parse_month(2021), parse_month("1 Jan.-Feb. 2019"), parse_month("3"), parse_month(None)
    (None, None, None, 3, None)
    """
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if text.isdigit():  # a bare number: a month (BibTeX's month = 3), never a year
        return int(text) if 1 <= int(text) <= 12 else None
    if match := _ISO_MONTH.search(text):
        month = int(match.group(1))
        return month if 1 <= month <= 12 else None
    words = {m.group(1).lower() for m in _MONTH_WORD.finditer(text)}
    return _MONTH_NAMES.index(words.pop()) + 1 if len(words) == 1 else None


_AUTHOR_SEP = re.compile(r"\s*;\s*|\s+and\s+|\s*\n\s*")


def display_name(name: str) -> str:
    """``"Last, First"`` (BibTeX, RIS, WoS) to ``"First Last"``; other forms unchanged.

    >>> display_name("Kaelin, Fabian"), display_name("Ada Lovelace"), display_name("King, Jr, Martin")
    ('Fabian Kaelin', 'Ada Lovelace', 'Martin King Jr')
    """
    parts = [" ".join(p.split()) for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return " ".join(name.split())


def split_authors(value: Any, comma_list: bool = False) -> tuple[str, ...]:
    """Author names from a list or one string (``;``, `` and `` or new lines between them).

    ``comma_list`` also splits on commas (Scopus' ``"Govil N., Sharma A."``, arXiv's
    ``"A. Bal, B. Cee and C. Dee"``).

    Raises
    ------
    ValueError
        When the value is neither a string nor a list.

    >>> split_authors("Ada Lovelace and Alan Turing")
    ('Ada Lovelace', 'Alan Turing')
    >>> split_authors("Govil N., Sharma A.", comma_list=True)
    ('Govil N.', 'Sharma A.')
    """
    if value is None:
        return ()
    if isinstance(value, str):
        pattern = r"\s*,\s*(?:and\s+)?|" + _AUTHOR_SEP.pattern if comma_list else _AUTHOR_SEP.pattern
        names = re.split(pattern, value.strip())
    elif isinstance(value, list):
        names = [a if isinstance(a, str) else as_text(a, "authors") for a in value]
    else:
        raise ValueError(f"field 'authors' should be a list or a string, got {type(value).__name__}")
    return tuple(n for n in (" ".join(strip_markup(a).split()) for a in names) if n)

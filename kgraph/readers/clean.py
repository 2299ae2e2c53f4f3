"""Pure text clean-up shared by the readers: markup, LaTeX, years, author lists.

Exports put abstracts in many wrappers: JATS/HTML tags (``<jats:p>``), HTML entities,
BibTeX braces and LaTeX accents, hard line wraps. Every reader passes its fields through
these functions so the same paper reads the same from every source.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

# Block-level tags separate words; inline tags (<i>, <sub>) do not.
_BLOCK_TAG = re.compile(r"</?(?:[\w-]+:)?(?:p|div|br|sec|title|list|list-item|li|ul|ol|h\d|abstract|table|tr|td)\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_HEADING_TAG = re.compile(r"<(?:[\w-]+:)?title>\s*(?:abstract|summary)\s*</(?:[\w-]+:)?title>", re.I)
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|summary)\s*[:.\-–—]\s*(?=\S)", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

# LaTeX accent commands -> Unicode combining marks (NFC composes them afterwards).
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
            "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_ACCENT_CMD = re.compile(r"""\{?\\(['`^"~=.])\s*(?:\{(\\?[A-Za-z]?)\}|(\\?[A-Za-z]))\}?"""
                         r"""|\{?\\([uvHckrdb])(?:\s*\{(\\?[A-Za-z]?)\}|\s+(\\?[A-Za-z]))\}?""")
_LETTER_CMD = re.compile(r"\{?\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*(?:\{\})?\}?")
_STYLE_CMD = re.compile(r"\\(?:textit|textbf|emph|textrm|textsf|texttt|textsc|mathrm|mbox|text)\s*\{([^{}]*)\}")
_STYLE_GROUP = re.compile(r"\{\\(?:it|bf|em|rm|sc|sf|tt)\s+([^{}]*)\}")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_TILDE = re.compile(r"(?<!\\)~")
_MATH = re.compile(r"((?<!\\)\$[^$]*(?<!\\)\$)")


def clean_text(value: str) -> str:
    """Plain one-line text: tags dropped, entities decoded, whitespace collapsed.

    >>> clean_text("<jats:title>Abstract</jats:title><jats:p>CO<sub>2</sub> &amp; H<sub>2</sub>O\\n  rise.</jats:p>")
    'CO2 & H2O rise.'
    """
    text = _BLOCK_TAG.sub(" ", _HEADING_TAG.sub(" ", value))
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = " ".join(text.split())
    return _ABSTRACT_HEADING.sub("", text)


def _accent(match: re.Match[str]) -> str:
    mark = match.group(1) or match.group(4)
    base = next((g for g in match.group(2, 3, 5, 6) if g is not None), "")
    base = _LETTERS.get(base[1:], base[1:]) if base.startswith("\\") else base
    return unicodedata.normalize("NFC", (base or " ") + _ACCENTS[mark])


def decode_latex(value: str) -> str:
    """LaTeX accents, escapes and style commands to Unicode; other braces dropped.

    Math (``$...$``) is kept as written; ``%`` is text, not a comment.

    >>> print(decode_latex(r"{\\'e}t{\\'e} on $\\mathbb{R}^n$"))
    été on $\\mathbb{R}^n$
    >>> decode_latex(r"Bal\\'azs, G{\\"o}del, {\\c c}a, \\emph{deep} {GPU}s, 5\\% \\& more")
    'Balázs, Gödel, ça, deep GPUs, 5% & more'
    """
    # math keeps its braces and commands: decode only the text between $...$ spans
    parts = _MATH.split(value)
    return "".join(part if i % 2 else _decode_text(part) for i, part in enumerate(parts))


def _decode_text(value: str) -> str:
    text = _ACCENT_CMD.sub(_accent, value)
    text = _LETTER_CMD.sub(lambda m: _LETTERS[m.group(1)], text)
    for _ in range(3):  # nested styles
        text = _STYLE_CMD.sub(r"\1", text)
        text = _STYLE_GROUP.sub(r"\1", text)
    text = _TILDE.sub(" ", text)
    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1), text)  # protect escaped braces from removal
    text = text.replace("{", "").replace("}", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text.replace("---", "—").replace("--", "–"))


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
        raise ValueError(f"field {name!r} should be text, got {type(value).__name__}")
    return clean_text(str(value))


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
        raise ValueError(f"field 'year' should be a year, got {type(value).__name__}")
    match = _YEAR.search(str(value))
    if not match:
        raise ValueError(f"field 'year' has no year in it: {str(value)[:40]!r}")
    return int(match.group(1))


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
    return tuple(n for n in (" ".join(clean_text(a).split()) for a in names) if n)

"""Markup in exported text: JATS/HTML tags and entities, LaTeX accents, escapes and styles.

Pure functions over strings; this layer imports nothing else of kgraph.
Exports put abstracts in many wrappers: JATS/HTML tags (``<jats:p>``), HTML entities,
BibTeX braces and LaTeX accents, hard line wraps. Every reader passes its fields through
these functions so the same paper reads the same from every source.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Block-level tags separate words; inline tags (<i>, <sub>) do not.
_BLOCK_TAG = re.compile(r"</?(?:[\w-]+:)?(?:p|div|br|sec|title|list|list-item|li|ul|ol|h\d|abstract|table|tr|td)"
                        r"\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_HEADING_TAG = re.compile(r"<(?:[\w-]+:)?title>\s*(?:abstract|summary)\s*</(?:[\w-]+:)?title>", re.I)
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|summary)\s*[:.\-–—]\s*(?=\S)", re.I)

# LaTeX accent commands -> Unicode combining marks (NFC composes them afterwards).
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
            "b": "\u0331"}
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
# what a label drops (its key must not depend on how a source typeset it)
_LABEL_STYLE = re.compile(r"\\(?:it|bf|em|rm|sc|tt|textit|textbf|emph|mathrm|mathbf|mathcal|text)\b\s*")
_LABEL_MATH = re.compile(r"\$([^$]*)\$")
_BRACES = re.compile(r"[{}]")


def strip_markup(value: str) -> str:
    """Plain one-line text: tags dropped, entities decoded, whitespace collapsed.

    >>> strip_markup("<jats:title>Abstract</jats:title><jats:p>CO<sub>2</sub> &amp; H<sub>2</sub>O\\n  rise.</jats:p>")
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


def drop_latex_markup(text: str) -> str:
    """LaTeX as it survives in a label, dropped: ``$...$`` delimiters, style commands, braces, ``~``.

    Unlike :func:`decode_latex` (for whole fields of a LaTeX source) only accents are
    decoded, as they are letters of the word: a label keeps its words and loses only their
    typesetting.

    >>> drop_latex_markup(r"{\\it Gaussian} process $^4$ on~GPUs")
    'Gaussian process ^4 on GPUs'
    >>> drop_latex_markup(r"Fr\\'echet Inception Distance")
    'Fréchet Inception Distance'
    """
    text = _ACCENT_CMD.sub(_accent, text)
    text = _LABEL_MATH.sub(r"\1", text)
    text = _LABEL_STYLE.sub("", text).replace("~", " ")  # "~" is LaTeX's unbreakable space
    return _BRACES.sub("", text)


#: Left halves that are whole words or prefixes: their line-break hyphen is a real one
#: ("fine- tuning" is "fine-tuning"); any other broken word is joined ("ac- curacy").
_HYPHEN_PREFIXES = frozenset(
    "fine pre post multi self non semi co re anti cross state end real high low large small well long short "
    "open zero few one two three four single double top bottom data task domain model cross inter intra "
    "sub super over under out in on off up down full half part close hand user time word sentence "
    "character graph image text video audio speech object knowledge human machine language deep".split()
)
_BROKEN_WORD = re.compile(r"\b([A-Za-z]+)- ([a-z]+)\b")
_NOT_CONTINUATION = frozenset("and or nor to as vs versus than but".split())


def repair_hyphenation(text: str) -> str:
    """Mend words broken at a line end: "fine- tuning" -> "fine-tuning", "ac- curacy" -> "accuracy".

    A suspended hyphen ("pre- and post-training") is left alone.

    >>> repair_hyphenation("We study fine- tuning and its ac- curacy in pre- and post-training.")
    'We study fine-tuning and its accuracy in pre- and post-training.'
    """

    def mend(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if right in _NOT_CONTINUATION:
            return match.group(0)
        return f"{left}-{right}" if left.lower() in _HYPHEN_PREFIXES or not left.islower() else left + right

    return _BROKEN_WORD.sub(mend, text) if "- " in text else text

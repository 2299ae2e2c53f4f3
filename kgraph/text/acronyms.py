"""Find acronym definitions ("Gaussian Splatting (3DGS)") in running text.

An implementation of Schwartz & Hearst (2003), "A simple algorithm for identifying
abbreviation definitions in biomedical text", extended for CS writing: short forms may
carry digits and mixed case ("3DGS", "MoDec-GS", "ViT"), and the long form may also
follow the short form ("GLMD (Global-to-Local Motion Decomposition)").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: Abbreviations that stand for generic words, not names: "SOTA" is "state of the art".
GENERIC_ACRONYMS = frozenset("SOTA AI ML DL ID OOD GPU CPU TPU RGB CT".split())

_PAREN = re.compile(r"\(([^()]{1,120})\)")
_WORD = re.compile(r"[\w][\w\-'’]*", re.UNICODE)
_WORD_CHAR = re.compile(r"[\w\-'’]", re.UNICODE)  # any character a _WORD match can hold


@dataclass(frozen=True, slots=True)
class AcronymPair:
    """A short form and its long form, as character spans of the same text."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def is_short_form(candidate: str) -> bool:
    """Schwartz–Hearst's test: 2–10 chars, one letter, starts with a letter or digit, at most two words.

    >>> is_short_form("3DGS"), is_short_form("e.g."), is_short_form("see below")
    (True, False, False)
    """
    if not 2 <= len(candidate) <= 10 or len(candidate.split()) > 2:
        return False
    if not any(c.isalpha() for c in candidate) or not candidate[0].isalnum():
        return False
    if "." in candidate and candidate.count(".") >= candidate.count(" ") + 1 and candidate.islower():
        return False  # "e.g.", "i.e."
    # an ordinary lower-case word in brackets is an aside, not an acronym
    return any(c.isupper() for c in candidate) or any(c.isdigit() for c in candidate)


def match_long_form(short: str, before: str) -> int | None:
    """Start index in ``before`` of the long form that ``short`` abbreviates, or None.

    Walks both strings right to left; every letter/digit of the short form must be
    found in order, and its first character must start a word of the long form.

    >>> text = "we use Gaussian splatting"
    >>> text[match_long_form("GS", text):]
    'Gaussian splatting'
    """
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    s = len(chars) - 1
    i = len(before) - 1
    while s >= 0:
        c = chars[s]
        while i >= 0 and (
            before[i].lower() != c or (s == 0 and i > 0 and before[i - 1].isalnum())
        ):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = i + 1
    # extend to the start of the word the first letter is in, hyphenated prefixes included
    # ("Self-Supervised Learning (SSL)" must not become "Supervised Learning")
    while start > 0 and (before[start - 1].isalnum()
                         or (before[start - 1] == "-" and start > 1 and before[start - 2].isalnum())):
        start -= 1
    return start


#: Long-form words that need not give the short form a letter ("Bidirectional Encoder
#: Representations from Transformers" is BERT).
_FILLERS = frozenset("a an and the of for to in on at by with from via using based over under".split())
#: Heads an acronym often leaves out: "SupCon" is "supervised contrastive learning".
_HEADS = frozenset("model models network networks learning method methods framework approach system".split())
_POSSESSIVE = re.compile(r"['\u2019]s\b")  # "Alzheimer's disease" is AD
_ACCENT = re.compile(r"\\[\'`^\"~=.]")  # LaTeX accents: "Fr\\'echet" is Frechet


def covers_long_form(short: str, long: str) -> bool:
    """True when the letters of ``short`` can be read, in order, from the words of ``long``:
    each word but fillers gives at least one letter, the first it gives being its initial
    (later ones may come from inside it: "GloVe" is "Global Vectors").

    Schwartz–Hearst only asks that the letters occur in order, so "NAT" would abbreviate
    "neural machine translation" (N, the a of "neural", T) and an "F1" would stand for
    any phrase with an f and a 1 in it. A word that gives no letter means the pair is wrong.

    >>> covers_long_form("NAT", "non-autoregressive translation"), covers_long_form("NAT", "neural machine translation")
    (True, False)
    >>> covers_long_form("BERT", "Bidirectional Encoder Representations from Transformers")
    True
    >>> covers_long_form("GloVe", "Global Vectors"), covers_long_form("LLMs", "large language models")
    (True, True)
    >>> pairs = [("SPR", "Scene-agnostic Pose Regression"), ("MAR", "masked autoregressive model"),
    ...          ("PLMs", "pre-trained language models"), ("BEV", "Bird's-eye view"), ("AD", "Alzheimer's Disease"),
    ...          ("VLAs", "Vision-language-action models"), ("SupCon", "supervised contrastive learning"),
    ...          ("FID", "Fr\\\\'echet Inception Distance"), ("GraphTEN", "graph-enhanced texture encoding network")]
    >>> [covers_long_form(short, long) for short, long in pairs]
    [True, True, True, True, True, True, True, True, True]
    """
    plural = len(short) > 2 and short.endswith("s") and short[:-1].isupper()
    letters = [c.lower() for c in (short[:-1] if plural else short) if c.isalnum()]
    words: list[str] = []
    needed: list[bool] = []
    for written in _ACCENT.sub("", _POSSESSIVE.sub("", long)).split():
        for n, part in enumerate(re.findall(r"[^\W_]+", written.lower())):
            words.append(part)
            # the later parts of a hyphenated word may give no letter ("Scene-agnostic Pose
            # Regression" is SPR, "pre-trained language models" PLMs)
            needed.append(n == 0 and part not in _FILLERS)
    if not letters or not words or words[0][0] != letters[0]:
        return False
    if len(words) > 1 and words[-1] in _HEADS:
        needed[-1] = False  # "masked autoregressive model" is MAR, "vision-language-action models" VLAs

    @functools.cache
    def fits(i: int, j: int, at: int) -> bool:  # letter i next, in word j from position at on
        if i == len(letters):
            return not any(needed[j + 1:])
        c = letters[i]
        if any(words[j][q] == c and fits(i + 1, j, q + 1) for q in range(at, len(words[j]))):
            return True
        for k in range(j + 1, len(words)):
            if words[k][0] == c and fits(i + 1, k, 1):
                return True
            if needed[k]:
                return False  # a word that must give a letter cannot be skipped
        return False

    return fits(1, 0, 1)


def find_acronyms(text: str) -> list[AcronymPair]:
    """All "long form (SHORT)" and "SHORT (long form)" definitions in ``text``.

    >>> [(p.short, p.long) for p in find_acronyms("3D Gaussian Splatting (3DGS) is fast.")]
    [('3DGS', '3D Gaussian Splatting')]
    >>> [p.long for p in find_acronyms("We use self-supervised learning (SSL) here.")]
    ['self-supervised learning']
    >>> [p.long for p in find_acronyms("We study attention adaptive neural learning (AANL).")]
    ['attention adaptive neural learning']
    """
    pairs: list[AcronymPair] = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        inner_start = match.start(1) + (len(match.group(1)) - len(match.group(1).lstrip()))
        # drop a trailing ", e.g." style comment inside the brackets
        inner = re.split(r"[;,]\s", inner)[0].strip()
        if is_short_form(inner):
            pair = _long_before(text, match.start(), inner, inner_start)
        else:
            pair = _long_inside(text, match, inner, inner_start)
        if pair is not None and covers_long_form(pair.short, pair.long):
            pairs.append(pair)
    return pairs


def _initials_match(short: str, window: str) -> int | None:
    """Start of the last words of ``window`` whose initials spell ``short`` exactly, or None.

    Schwartz–Hearst takes the shortest long form, so "attention adaptive neural learning
    (AANL)" would lose its first word to the 'a' inside "adaptive"; when every letter of the
    short form starts a word, those words are the long form. Lower-case function words
    may give no letter: "Open Access Series of Imaging Studies (OASIS)", where
    Schwartz–Hearst finds only "of Imaging Studies"; a short form that spells one, as
    "Division of Labor (DoL)", matches first with every word counted.

    >>> w = "external Open Access Series of Imaging Studies"
    >>> w[_initials_match("OASIS", w):], _initials_match("DoL", "the Division of Labor")
    ('Open Access Series of Imaging Studies', 4)
    """
    letters = ([c.lower() for c in short.rstrip("s") if c.isalnum()] if short.endswith("s") and short[:-1].isupper()
               else [c.lower() for c in short if c.isalnum()])
    words = list(re.finditer(r"[^\W_]+", window))
    if len(letters) < 2 or len(words) < len(letters):
        return None
    tail = words[-len(letters):]
    if [w.group(0)[0].lower() for w in tail] == letters:
        return tail[0].start()
    needed = len(letters)
    for k in range(len(words) - 1, -1, -1):
        word = words[k].group(0)
        if word in _FILLERS and k < len(words) - 1:
            continue  # "of" between two words of the name
        needed -= 1
        if word[0].lower() != letters[needed]:
            return None
        if needed == 0:
            return words[k].start()
    return None


def _last_words(text: str, n: int) -> list[re.Match[str]]:
    """The last ``n`` matches of :data:`_WORD` in ``text``, as ``list(_WORD.finditer(text))[-n:]``
    gives them, without scanning the whole text for every bracket (that was quadratic in
    the length of an abstract).

    A tail is cut right after a character no word can contain, so no match straddles the
    cut and the tail's matches are exactly the full text's matches past it.
    """
    size = 16 * n  # words average ~7 characters: one scan is nearly always enough
    while size < len(text):
        cut = len(text) - size
        while cut > 0 and _WORD_CHAR.match(text, cut - 1):
            cut -= 1
        words = list(_WORD.finditer(text, cut))
        if len(words) >= n or cut == 0:
            return words[-n:]
        size *= 4
    return list(_WORD.finditer(text))[-n:]


def _long_before(text: str, paren_start: int, short: str, short_start: int) -> AcronymPair | None:
    letters = sum(c.isalnum() for c in short)
    window_words = min(letters + 5, letters * 2)
    # look back at most window_words words, and never past a sentence or clause break
    head = text[:paren_start].rstrip()
    words = _last_words(head, window_words)
    if not words:
        return None
    window_start = words[0].start()
    for stop in (". ", "; ", ": ", ", "):
        cut = head.rfind(stop, window_start)
        if cut != -1:
            window_start = cut + len(stop)
            break
    window = head[window_start:]
    rel = _initials_match(short, window)
    if rel is None:
        rel = match_long_form(short, window)
    if rel is None:
        return None
    long_start = window_start + rel
    long = head[long_start:]
    if not long or long.lower() == short.lower() or len(long) <= len(short):
        return None
    return AcronymPair(short, long, short_start, short_start + len(short), long_start, long_start + len(long))


def _long_inside(text: str, match: re.Match[str], inner: str, inner_start: int) -> AcronymPair | None:
    # "SHORT (long form)": the word before the bracket is the short form
    before = text[: match.start()].rstrip()
    last = _last_words(before, 1) if before else []
    if not last:
        return None
    short = last[0].group(0)
    if not is_short_form(short) or not any(c.isupper() for c in short):
        return None
    rel = match_long_form(short, inner)
    if rel != 0:
        return None  # the whole bracket must be the long form
    return AcronymPair(short, inner, last[0].start(), last[0].end(), inner_start, inner_start + len(inner))

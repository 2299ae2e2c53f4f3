"""Normalise entity labels to the key that all variants of one name share.

Pure functions; this layer imports nothing else of kgraph. They are not memoised here:
a run that calls them for millions of repeated labels memoises them itself, for its own
life (see :class:`kgraph.resolve.entities.LabelMemo`).

The key folds what does not distinguish names (Unicode forms, dashes, quotes, LaTeX
markup, the case of ordinary words, plural heads, hyphen vs space) and keeps what does:
the case of acronyms and mixed-case names ("GP", "MoDec-GS").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from .markup import drop_latex_markup

_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"',
                         "`": "'"})
_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?<=\w)'s?$")
_EDGE_PUNCT = " \t.,;:!?\"'-/"
_INVARIANT_PLURALS = {"series", "species", "analysis", "basis", "axis", "thesis", "hypothesis", "physics",
                      "mathematics", "statistics", "dynamics", "robotics", "linguistics", "semantics",
                      "graphics", "economics", "genomics", "kinematics", "mechanics", "optics",
                      "news", "bias", "gaussian", "lens", "corpus", "status", "focus", "virus", "consensus"}


#: Words a name neither starts nor ends with: "corpus of", "English and", "the BERT".
FUNCTION_WORDS = frozenset(
    "a an the of for to in on at by with from into onto via and or nor but as than that which who whose "
    "this these those such our their its his her we they it is are was were be been has have had "
    "using versus vs".split()
)
_NUMBER_WORDS = frozenset("to and from between or vs of by %".split())
_NUMBER = re.compile(r"^[+\-±~≈<>]?\d[\d.,]*%?$")


def is_number_like(text: str) -> bool:
    """True for a number, a range or a list of numbers: no name in it.

    >>> [is_number_like(t) for t in ("from 10.3 to 11.8", "42%", "3 and 4", "F1", "3D")]
    [True, True, True, False, False]
    """
    words = text.replace("(", " ").replace(")", " ").split()
    return bool(words) and all(_NUMBER.match(w) or w.lower() in _NUMBER_WORDS for w in words) and any(
        _NUMBER.match(w) for w in words)


def tidy_label(text: str) -> str:
    """A label as shown: Unicode NFKC, ASCII dashes and quotes, LaTeX markup dropped, spaces
    collapsed, stray edge punctuation and unbalanced brackets removed.

    >>> tidy_label("{\\\\it Gaussian}  process\u2013based $^4$")
    'Gaussian process-based ^4'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text).translate(_QUOTES)
    return _strip_edges(_SPACE.sub(" ", drop_latex_markup(text)))


def _strip_edges(text: str) -> str:
    # trailing punctuation and quotes go; a bracket goes only when it is unbalanced,
    # so "Gaussian splatting (3D)" keeps its ")" but "(3DGS" loses its "("
    while text:
        before = text
        text = text.strip(_EDGE_PUNCT)
        if text.endswith(")") and text.count("(") >= text.count(")"):
            break
        if (text.endswith(("(", ")", "[", "]")) or text.startswith(("(", ")", "[", "]"))) and (
                text.count("(") != text.count(")") or text.count("[") != text.count("]")):
            text = text.strip("()[]")
        if text == before:
            break
    return text


@functools.lru_cache(maxsize=1 << 18)  # a word at a time, millions of calls over a few hundred thousand words
def is_name_like(word: str) -> bool:
    """True for words whose case is meaningful: acronyms and mixed case ("GP", "MoDec", "3DGS").

    >>> [is_name_like(w) for w in ("GP", "MoDec", "Gaussian", "networks", "PINNs", "B")]
    [True, True, False, False, True, True]
    """
    if len(word) == 1:
        return word.isupper()  # the "B" of "ViT-B", the "K" of "top-K"
    return any(map(str.isupper, word[1:])) or (word[0].isupper() and any(map(str.isdigit, word)))


def has_capital_or_digit(text: str) -> bool:
    """True when any character is a capital or a digit: how a name is written ("ImageNet",
    "CIFAR-10", "F1"), where a description is all lower case ("medical datasets").

    >>> [has_capital_or_digit(t) for t in ("ImageNet", "gsm8k", "medical datasets")]
    [True, True, False]
    """
    return any(c.isupper() or c.isdigit() for c in text)


@functools.lru_cache(maxsize=1 << 18)  # as is_name_like
def singular(word: str) -> str:
    """English plural to singular for the head word of a term (rules, not a dictionary).

    >>> [singular(w) for w in ("processes", "PINNs", "studies", "networks", "analysis", "losses", "biases")]
    ['process', 'PINN', 'study', 'network', 'analysis', 'loss', 'bias']
    """
    lower = word.lower()
    if is_name_like(word):
        # acronym plurals: "PINNs", "LLMs", "GANs"
        return word[:-1] if len(word) > 2 and word.endswith("s") and word[-2].isupper() else word
    if len(word) <= 3 or lower in _INVARIANT_PLURALS or not lower.endswith("s"):
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if lower.endswith("ses") and lower[:-2] in _INVARIANT_PLURALS:  # "biases", "lenses", "viruses"
        return word[:-2]
    if lower.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def mend_brackets(words: list[str]) -> list[str]:
    """The words of a span without the brackets its edges cut.

    A lone bracket is a span edge cut inside a parenthesis ("Convolutional) Neural
    Networks"), and a bracket opened and not closed starts what the span cut off
    ("VeriSafe Agent (VSA"): neither belongs to the name, or one name gets an id and a
    label per place the span was cut. Words with balanced brackets come back unchanged.

    >>> mend_brackets("Convolutional) Neural Networks".split()), mend_brackets("VeriSafe Agent (VSA".split())
    (['Convolutional', 'Neural', 'Networks'], ['VeriSafe', 'Agent'])
    >>> mend_brackets("GL^+(n".split()), mend_brackets("video generation(FVD".split())
    (['GL^+(n'], ['video', 'generation'])
    >>> mend_brackets("DeepSeek V3 (DeepSeek V3(R1)".split())
    ['DeepSeek', 'V3']
    """
    if sum(w.count("(") for w in words) == sum(w.count(")") for w in words):
        return words
    cut = next((i for i, w in enumerate(words) if w.startswith("(") and ")" not in " ".join(words[i:])), None)
    if cut:
        words = words[:cut]
    joined = " ".join(words)
    opened = _unclosed_bracket(joined)
    if opened is not None and opened > 0 and joined[opened - 1] == " ":
        words = joined[:opened].split()  # "DeepSeek V3 (DeepSeek V3(R1)": the expansion never closed
    for i, word in enumerate(words):
        glued = _GLUED_BRACKET.fullmatch(word)
        if glued and ")" not in " ".join(words[i:]):
            # a bracket opened without a space and never closed: "generation(FVD", "signals(e.g"
            # (a formula's argument, "f(x", "GL^+(n", is one character or follows a symbol)
            return [*words[:i], glued.group(1)]
    return [w.strip("()") or w for w in words]


_GLUED_BRACKET = re.compile(r"([A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9])\([^()\s]{2,}")


def mend_label(label: str) -> str:
    """A label without the brackets the span's edges cut, character by character.

    A closing bracket before any opening one means the span began inside a parenthesis
    ("(LLM)-based approach" tagged from "LLM"): the bracket goes. An opening bracket
    never closed means it ended inside one ("VeriSafe Agent (VSA"): the rest goes. What
    stays unbalanced is the rest of a formula (see :func:`has_unbalanced_brackets`).

    >>> mend_label("LLM)-based approach"), mend_label("VeriSafe Agent (VSA"), mend_label("Qwen2.5-VL(3B")
    ('LLM-based approach', 'VeriSafe Agent', 'Qwen2.5-VL')
    >>> mend_label("O(mlog(m)"), mend_label("BERT (base)"), mend_label("DeepSeek-V3 (DeepSeek V3(R1)")
    ('O(mlog(m)', 'BERT (base)', 'DeepSeek-V3')
    """
    text = label
    while has_unbalanced_brackets(text) and ")" in text and ("(" not in text or text.index(")") < text.index("(")):
        text = text.replace(")", "", 1)
    while has_unbalanced_brackets(text) and "(" in text and text.rindex("(") > text.rfind(")") and text.rindex("(") > 0:
        text = text[: text.rindex("(")].rstrip()
    opened = _unclosed_bracket(text)
    if opened is not None and opened > 0 and text[opened - 1] == " ":
        text = text[:opened].rstrip()  # an expansion in brackets the span cut: "DeepSeek-V3 (DeepSeek V3(R1)"
    return text or label


def _unclosed_bracket(text: str) -> int | None:
    """Where the first "(" that no ")" closes stands in ``text``, or None."""
    stack: list[int] = []
    for at, char in enumerate(text):
        if char == "(":
            stack.append(at)
        elif char == ")" and stack:
            stack.pop()
    return stack[0] if stack else None


def has_unbalanced_brackets(label: str) -> bool:
    """Whether a label opens or closes a bracket it does not match: the rest of a formula
    ("GL^+(n", "O(mlog(m)") or of a cut span.

    >>> has_unbalanced_brackets("SL(n"), has_unbalanced_brackets("BERT (base)")
    (True, False)
    """
    return label.count("(") != label.count(")") or label.count("[") != label.count("]")


def normalise_label(label: str) -> str:
    """The resolution key of a label.

    >>> normalise_label("Gaussian Processes") == normalise_label("gaussian process")
    True
    >>> normalise_label("state-of-the-art") == normalise_label("state of the art")
    True
    >>> normalise_label("MoDec-GS"), normalise_label("LLM's")
    ('MoDec GS', 'LLM')
    >>> normalise_label("Convolutional) Neural Networks"), normalise_label("VeriSafe Agent (VSA")
    ('convolutional neural network', 'VeriSafe agent')
    """
    words = mend_brackets(tidy_label(label).replace("-", " ").replace("/", " / ").split())
    if not words:
        return ""
    words = [w if is_name_like(w) else w.lower() for w in words]
    # a possessive is the name itself: "LLM's", "models'"
    words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    words[-1] = singular(words[-1])
    return " ".join(words)


def squash(key: str) -> str:
    """A key with its spaces removed: how a scraped page writes a name that lost its hyphens.

    >>> squash("MoDec GS")
    'MoDecGS'
    """
    return key.replace(" ", "")


def lookup_label(label: str) -> str:
    """The form of a label stored as ``kg:lookupLabel``: spaces collapsed, lower-cased.

    >>> lookup_label("  Low-Rank   Adaptation ")
    'low-rank adaptation'
    """
    return " ".join(label.split()).lower()


def other_forms(label: str, alt_labels: Sequence[str], expansion: str = "") -> list[str]:
    """The alternative labels a reader needs: one per spelling, case and hyphens aside, none the label's.

    The expansion comes first, then the forms that spell the name otherwise, then its
    plurals and possessives ("LLMs"), and last those that add words to another form
    ("LLM architectures", "AD systems"): a list cut after a few forms shows what the name
    stands for, not its heads.

    >>> other_forms("LoRA", ["Low-Rank Adaptation", "Low-rank adaptation", "low-rank adaptation", "LORA"])
    ['Low-Rank Adaptation']
    >>> other_forms("LLM", ["LLM Approaches", "LLMs", "large language model approach", "large language models",
    ...                     "large language model", "large-language model"], expansion="large language model")
    ['large language model', 'large language models', 'LLMs', 'large language model approach', 'LLM Approaches']
    """
    def fold(form: str) -> str:
        return form.casefold().replace("-", " ")

    seen = {fold(label)}
    forms = []
    for alt in alt_labels:
        if fold(alt) not in seen:
            seen.add(fold(alt))
            forms.append(alt)
    lead, spelled = fold(label), fold(expansion)
    # words added to any other form, plural or singular: "AD systems", "Large Language
    # Model approach" (for "Large Language Models"), "Retrieval Augmented Generation module"
    bases = tuple({f"{base} " for word in {lead, spelled, *map(fold, forms)} if word
                   for base in (word, singular(word))})
    return sorted(forms, key=lambda form: (fold(form) != spelled, fold(form).startswith(bases),
                                           fold(form).startswith(lead)))

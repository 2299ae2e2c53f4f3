"""Group mentions into entities: one entity per real thing.

Steps, each recorded as a merge reason on the entity:

``normalisation``
    Mentions whose labels share a :func:`~kgraph.text.labels.normalise_label` key,
    plus squashed keys ("MoDecGS") joined to a spaced key seen in the corpus ("MoDec GS").
``acronym``
    A short form defined in a paper ("3D Gaussian Splatting (3DGS)") joins its long form;
    in papers that use it without defining it, it joins the long form only when the
    corpus defines it one way. Acronyms with several expansions stay apart.
``gazetteer``
    A known alias joins its canonical name (Papers with Code ``name``/``full_name``).
``thesaurus``
    The user's thesaurus (VOSviewer format) replaces or removes terms; it has the last
    word, applied to the label as written and again after the steps above.

Each entity then gets its kind (a known name's kind, else its mentions' majority), its
label (the form the corpus writes most), and a specificity judgement
(:mod:`kgraph.resolve.specificity`).
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import cast
from urllib.parse import quote

import numpy as np

from ..errors import KGraphError
from ..extract.gazetteer import shipped_places
from ..mentions import kind_numbers, mention_column
from ..model import Entity, EntityKind, Mention, Paper
from ..process import map_in_halves
from ..resources import PACKAGE_DIR, files_digest
from ..text.acronyms import GENERIC_ACRONYMS, find_acronyms
from ..text.labels import (
    has_capital_or_digit,
    has_unbalanced_brackets,
    is_name_like,
    mend_label,
    normalise_label,
    singular,
    squash,
    tidy_label,
)
from .specificity import CORPUS_MIN_PAPERS, Background, judge
from .thesaurus import Thesaurus
from .vocabularies import Vocabulary
from .vocabularies import known_kind as known_kind_of

_KIND_ORDER = list(EntityKind)
#: Keys from which half of the entities are made in a forked child: below it the fork and
#: the pickled entities cost more than the half they save.
PARALLEL_MIN_KEYS = 50_000
#: Mentions from which their keys are read in two processes.
PARALLEL_MIN_MENTIONS = 200_000
_DATA_HEADS = frozenset("dataset corpus benchmark database".split())
_METRIC_HEADS = frozenset("score metric measure".split())
#: Words that only say what sort of thing a name is: "RANSAC techniques" is RANSAC, "KITTI
#: dataset" is KITTI, "BLEU score" is BLEU. Not "toolkit", "library", "tool", "package":
#: "NLTK toolkit" is NLTK, but "NLP toolkit" is a piece of software, not the field.
GENERIC_HEADS = frozenset(
    "model method algorithm technique approach system framework architecture network "
    "paradigm scheme procedure module formalism process task problem".split()
) | _DATA_HEADS | _METRIC_HEADS
#: Generic heads that leave the kind as it is: "GRPO algorithm" and "chain-of-thought
#: technique" are GRPO and chain of thought; "RAG benchmark" and "CLIP score" are not RAG and CLIP.
_SAME_KIND_HEADS = GENERIC_HEADS - _DATA_HEADS - _METRIC_HEADS
#: Words after a task's name that add nothing to it: "dense prediction tasks" is dense prediction.
_TASK_WORDS = frozenset(("task", "problem"))
_NAME_AND_HEAD = _TASK_WORDS | _METRIC_HEADS
#: Heads that fix an entity's kind ("measure" does not: "conservation measures" are actions).
_KIND_OF_HEAD = {**dict.fromkeys(_DATA_HEADS | {"corpora"}, EntityKind.DATASET),
                 **dict.fromkeys(("score", "metric"), EntityKind.METRIC)}
_ACRONYM_KINDS = (EntityKind.DATASET, EntityKind.METRIC)
_GENERIC_SHORTS = frozenset(form for acronym in GENERIC_ACRONYMS for form in (acronym, acronym + "s"))
#: The kind a head noun names: "NLP datasets" are datasets, "MT metrics" metrics.
_HEAD_KINDS = {**dict.fromkeys(_DATA_HEADS, EntityKind.DATASET), **dict.fromkeys(_METRIC_HEADS, EntityKind.METRIC)}



def names_data(label: str) -> bool:
    """Whether a label can be a dataset's: written as a name (a capital or a digit:
    "ImageNet", "CIFAR-10", "chest X-ray") or headed by a word for data ("sculptures
    dataset"). A model tags domains and subjects as data ("trained on social media", "in the
    medical domain", "hate speech"): lower-case phrases like those are concepts.

    >>> [names_data(x) for x in ("social media", "medical domain", "GSM8K", "sculptures dataset", "rice corpus")]
    [False, False, True, True, True]
    """
    words = label.split()
    return has_capital_or_digit(label) or (bool(words) and singular(words[-1]) in _DATA_HEADS)


#: Last words of a task's name: "Infrared Small Target Detection" is what is done, not the data.
_TASK_HEADS = frozenset("detection segmentation classification recognition estimation prediction forecasting "
                        "generation translation retrieval tracking captioning summarization summarisation "
                        "localization localisation parsing tagging".split())
#: Heads of a known task's name that make it one whatever the mentions' vote ("sentiment
#: analysis"): the task heads and a few more that name work to be done, not a way to do it;
#: not "generation" ("retrieval-augmented generation" is on the task lists, and a method).
_KNOWN_TASK_HEADS = (_TASK_HEADS - {"generation"}) | frozenset("analysis answering extraction completion".split())


#: A task said as a mapping: "Text-to-SQL", "text to speech", "image-to-image".
_TO_TASK = re.compile(r"(?i)\w[ -]to[ -]\w")


def names_task(label: str) -> bool:
    """Whether a label's last word names a task ("Infrared Small Target Detection").

    >>> names_task("Infrared Small Target Detection"), names_task("COCO"), names_task("detection dataset")
    (True, False, False)
    """
    words = label.split()
    return bool(words) and words[-1].lower() in _TASK_HEADS


#: Last words of an institution's name: a source of data or a funder, not a dataset or a method.
_ORGANISATION_HEADS = frozenset(
    "Bank Organization Organisation Agency Institute University Foundation Council Commission Ministry "
    "Department Centre Center Association Society Corporation Laboratory Laboratories Fund Authority "
    "Administration".split())


def names_organisation(label: str) -> bool:
    """Whether a label is an institution's name: capitalised words ending in a word such as
    Bank, Agency or University ("World Bank", "World Health Organization").

    >>> [names_organisation(x) for x in ("World Bank", "European Space Agency", "filter bank", "Penn Treebank")]
    [True, True, False, False]
    """
    words = label.split()
    return len(words) >= 2 and words[-1] in _ORGANISATION_HEADS and _capitalised(words)


def _capitalised(words: Sequence[str]) -> bool:
    """Whether every word of a name is capitalised but its fillers ("Gulf of Mexico")."""
    return all(w[0].isupper() or w in _SENSE_FILLERS for w in words)


#: Last words of a place's name: "Congo Basin", "Baltic Sea", "Czech Republic".
_PLACE_HEADS = frozenset(
    "Sea Ocean Bay Basin River Lake Island Islands Mountains Valley Coast Gulf Delta Peninsula Desert Strait "
    "Plateau Archipelago Reef Highlands Province County Republic Kingdom".split())
#: First words of a place's name: "Lake Victoria", "Gulf of Mexico", "Mount Kenya".
_PLACE_FIRSTS = frozenset("Lake Mount Gulf Bay Sea Cape Isle".split())


def names_place(label: str, places: Container[str] | None = None) -> bool:
    """Whether a label is a place's name: one of ``places`` (the shipped countries,
    continents, states, provinces and big cities by default), or capitalised words that end or
    begin with a word for a place ("Baltic Sea", "Lake Victoria"). A model trained on
    computer science tags the region an abstract studies as its data or its method.

    >>> [names_place(x) for x in ("South Africa", "Congo Basin", "Gulf of Mexico", "Accra", "COCO", "sea ice")]
    [True, True, True, True, False, False]
    """
    if label in (shipped_places() if places is None else places):
        return True
    words = label.split()
    return len(words) >= 2 and (words[-1] in _PLACE_HEADS or words[0] in _PLACE_FIRSTS) and _capitalised(words)


#: A year closing a name, in four digits or two ("AIME 2024", "AIME'24", "AIME24").
_CLOSING_YEAR = re.compile(r"(?<=[a-z])'?(?:20)?([0-3]\d)$")
#: A version or size after a name: "50", "4.1", "V2", "v1.5", "7B".
_VERSION_WORD = re.compile(r"(?i)v?\d[\d.]*[a-z]?")


def _name_class(key: str) -> str:
    """What keys that are one name share: no spaces ("MoDecGS", "MoDec GS"), no case
    ("SQUAD", "SQuAD"), and a closing year in two digits ("WMT 2014", "WMT14").

    >>> [_name_class(k) for k in ("AIME 2024", "AIME24", "AIME'24", "CoNLL 2003", "ResNet50", "GPT 4")]
    ['aime24', 'aime24', 'aime24', 'conll03', 'resnet50', 'gpt4']
    """
    return _CLOSING_YEAR.sub(r"\1", squash(key).casefold())


def _main_kind(keys: Sequence[str], key_kinds: Mapping[tuple[str, int], int], counts: Mapping[str, int]) -> int:
    """The kind (by number) most mentions of the commonest of ``keys`` have.

    >>> _main_kind(["math"], {("math", 2): 5, ("math", 1): 2}, {"math": 7})
    2
    """
    key = max(keys, key=lambda k: (counts[k], k))
    return max(range(len(_KIND_ORDER)), key=lambda kind: key_kinds.get((key, kind), 0))


def _versioned(key: str) -> bool:
    """Whether ``key`` is a name and a version, perhaps with one word after it.

    >>> [_versioned(k) for k in ("ResNet 50", "GPT 4.1", "BLEU 4 score", "SD 3.5 Large", "OOD detection", "GPT")]
    [True, True, True, True, False, False]
    """
    words = key.split()
    return len(words) > 1 and all(map(_VERSION_WORD.fullmatch, words[1:-1] if len(words) > 2 else words[1:]))


def _named_plural(key: str) -> bool:
    """Whether ``key`` ends in a name with a capital inside it, written in the plural.

    >>> [_named_plural(k) for k in ("ControlNets", "CityScapes", "LLMs", "YOLOv11s", "Cityscapes", "Atlas")]
    [True, True, False, False, False, False]
    """
    last = key.rsplit(" ", 1)[-1]
    return len(last) > 3 and last[-1] == "s" and last[-2].islower() and _has_capital(last[1:])


def _has_capital(text: str) -> bool:
    return any(map(str.isupper, text))  # no generator frame: ~10 calls a mention

def own_definition(text: str) -> tuple[str, str] | None:
    """(long form, short form) when a mention is its own acronym definition, else None.

    A head written after the definition belongs to both forms: "out-of-distribution (OOD)
    detection" defines "OOD detection".

    >>> own_definition("3D Gaussian Splatting (3DGS)"), own_definition("BERT")
    (('3D Gaussian Splatting', '3DGS'), None)
    >>> own_definition("out-of-distribution (OOD) detection")
    ('out-of-distribution detection', 'OOD detection')
    """
    for pair in find_acronyms(text):
        covered = min(pair.long_start, pair.short_start), max(pair.long_end, pair.short_end)
        if covered[0] != 0:
            continue
        rest = text[covered[1]:].strip(" )")
        if not rest:
            return pair.long, pair.short
        if pair.long_start < pair.short_start and _HEAD_AFTER.fullmatch(rest):
            return f"{pair.long} {rest}", f"{pair.short} {rest}"
    return None


_HEAD_AFTER = re.compile(r"[A-Za-z][\w-]*( [A-Za-z][\w-]*)?")  # one or two words


def display_form(text: str) -> str:
    """A mention's text without its own acronym definition: "multi-layer perceptron (MLP)" -> "multi-layer perceptron".

    A bracket the span's edge cut goes too (:func:`mend_label`), so that "GPT-4.1(+5.36", cut
    from "GPT-4.1(+5.36%)", is GPT-4.1.

    >>> display_form("KDS ( Knowledge Delivery System )"), display_form("BERT"), display_form("GPT-4.1(+5.36")
    ('Knowledge Delivery System', 'BERT', 'GPT-4.1')
    """
    definition = own_definition(text)
    return definition[0] if definition else mend_label(text)


def variants(text: str) -> tuple[str, ...]:
    """The labels a mention shows: its text, or the long and short forms it defines."""
    definition = own_definition(text)
    return definition if definition else (text,)


def mention_key(text: str) -> str:
    """The resolution key of a mention's text.

    Beyond :func:`normalise_label`: a mention that carries its own definition
    ("Category Cooccurrence Restrictions (CCRs)", "KDS (Knowledge Delivery System)") is
    keyed by its long form, and an acronym or mixed-case name followed by a generic head
    noun is keyed by the name.

    >>> mention_key("convolutional neural networks ( CNNs )")
    'convolutional neural network'
    >>> mention_key("RANSAC techniques"), mention_key("graph techniques"), mention_key("3D datasets")
    ('RANSAC', 'graph technique', '3D dataset')
    """
    return _without_generic_head(normalise_label(display_form(text)))


def _without_generic_head(key: str) -> str:
    words = key.split()
    if len(words) >= 2 and words[-1] in GENERIC_HEADS and all(map(_names_a_thing, words[:-1])):
        return " ".join(words[:-1])
    return key


def _mixed_case(word: str) -> bool:
    """A word written like a name, in mixed case or with digits ("TyDi", "Qwen2"), not an
    acronym in capitals nor a dimension ("3D")."""
    return (any(map(str.islower, word)) and any(map(str.isupper, word[1:] or "x"))) or (
        any(map(str.isdigit, word)) and any(map(str.isalpha, word)) and not _DIMENSION.fullmatch(word))


def _names_a_thing(word: str) -> bool:
    # "3D datasets" and "M dataset" are not the datasets 3D and M: a dimension or a lone
    # letter is written like a name but names nothing
    return is_name_like(word) and len(word) > 1 and not _DIMENSION.fullmatch(word)


_DIMENSION = re.compile(r"\d+D")


@dataclass(frozen=True, slots=True)
class TextKeys:
    """What resolution reads of one mention text before it looks at the corpus.

    Pure functions of the text, so they can be worked out anywhere (the Dask engine
    sends the distinct texts to its workers through :class:`kgraph.run.dask_engine.DaskMap`)
    and handed to :func:`resolve`.
    """

    key: str
    """The mention's key (:func:`mention_key`)."""
    full: str
    """The key with a generic head kept ("KITTI dataset")."""
    defines: bool
    """Whether the text defines an acronym itself ("Conditional Random Fields (CRF)")."""
    surfaces: tuple[str, ...]
    """The tidied surface forms the text stands for (:func:`variants`)."""


_SEP = "\x1f"  # between a payload's fields: a unit separator no mention text holds


def keys_version() -> str:
    """The version of the code that makes :class:`TextKeys` (this module and the label
    functions of :mod:`kgraph.text`): keys stored by other code are not read."""
    return files_digest(sorted([Path(__file__), *(PACKAGE_DIR / "text").glob("*.py")]))


def encode_text_keys(keys: TextKeys) -> str | None:
    """A text's keys as one string for a cache (None where a field holds the separator).

    >>> keys = text_keys(["Conditional Random Fields (CRF)"])[0]
    >>> decode_text_keys(encode_text_keys(keys)) == keys
    True
    """
    fields = (keys.key, keys.full, "1" if keys.defines else "", *keys.surfaces)
    return None if any(_SEP in f for f in fields) else _SEP.join(fields)


def decode_text_keys(payload: str) -> TextKeys:
    """The :class:`TextKeys` that :func:`encode_text_keys` wrote."""
    key, full, defines, *surfaces = payload.split(_SEP)
    return TextKeys(key, full, bool(defines), tuple(surfaces))


def text_keys(texts: Iterable[str]) -> list[TextKeys]:
    """The :class:`TextKeys` of each text, in order.

    >>> text_keys(["KITTI dataset"])[0].key, text_keys(["KITTI dataset"])[0].full
    ('KITTI', 'KITTI dataset')
    """
    memo = LabelMemo()
    return [memo.text_keys(text) for text in texts]


class LabelMemo:
    """The label functions of one resolution run, memoised for that run only.

    At 50k papers about 1M distinct mention texts each come back several times, and each
    function is called several times per mention; a bounded LRU missed almost every
    time, so the tables are unbounded, and they go away with the run that filled them.
    ``known`` holds :class:`TextKeys` worked out elsewhere, read instead of computing them.
    """

    def __init__(self, known: Mapping[str, TextKeys] | None = None) -> None:
        self.tidy = functools.cache(tidy_label)
        self.normalise = functools.cache(self._normalise)
        self.own_definition = functools.cache(own_definition)
        self.mention_key = functools.cache(self._mention_key)
        self.known = known or {}

    def text_keys(self, text: str) -> TextKeys:
        """The :class:`TextKeys` of a mention's text, from ``known`` or computed."""
        found = self.known.get(text)
        if found is not None:
            return found
        return TextKeys(self.mention_key(text), self.normalise(self.display_form(text)), self.defines(text),
                        self.surfaces(text))

    def defines(self, text: str) -> bool:
        """:attr:`TextKeys.defines` (read without making a :class:`TextKeys`: once per mention)."""
        found = self.known.get(text)
        return found.defines if found is not None else self.own_definition(text) is not None

    def surfaces(self, text: str) -> tuple[str, ...]:
        """:attr:`TextKeys.surfaces`."""
        found = self.known.get(text)
        return found.surfaces if found is not None else tuple(map(self.tidy, self.variants(text)))

    def display_form(self, text: str) -> str:
        """:func:`display_form`, from the memo."""
        definition = self.own_definition(text)
        return definition[0] if definition else mend_label(text)

    def variants(self, text: str) -> tuple[str, ...]:
        """:func:`variants`, from the memo."""
        definition = self.own_definition(text)
        return definition if definition else (text,)

    # the labels of an entity are chosen from the tidied forms of its texts, which mostly are
    # the texts themselves: their keys are read from ``known`` too, not worked out again
    def _mention_key(self, text: str) -> str:
        found = self.known.get(text)
        return found.key if found is not None else _without_generic_head(self.normalise(self.display_form(text)))

    def _normalise(self, text: str) -> str:
        found = self.known.get(text)
        # a text that defines no acronym is its own display form: its full key is its normal form
        return found.full if found is not None and not found.defines else normalise_label(text)


@dataclass(frozen=True)
class Resolution:
    """Entities, the entity id of every mention (aligned with the input), and ambiguous acronyms."""

    entities: tuple[Entity, ...]
    mention_entity: tuple[str, ...]
    ambiguous_acronyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def entity_id(key: str) -> str:
    """A stable, IRI-safe id from a resolution key, one per key.

    Spaces become ``_``, so an ``_`` of the key itself is escaped: "BERT base" and
    "BERT_base" are two keys and get two ids.

    >>> entity_id("gaussian process"), entity_id("BERT_base")
    ('gaussian_process', 'BERT%5Fbase')
    """
    return quote(key, safe=" -.~").replace("_", "%5F").replace(" ", "_")  # quote() never escapes "_"


def acronym_definitions(
    papers: Iterable[Paper], normalise: Callable[[str], str] = normalise_label
) -> dict[str, dict[str, str]]:
    """Per paper id: short-form key -> long-form key, from definitions in title and abstract.

    ``normalise`` is the label key function (a run passes its memoised one).
    """
    local: dict[str, dict[str, str]] = {}
    for paper in papers:
        pairs: dict[str, str] = {}
        for text in (paper.title, paper.abstract):
            for pair in find_acronyms(text):
                short, long = normalise(pair.short), normalise(pair.long)
                if short and long and short != long:
                    pairs.setdefault(short, long)
        if pairs:
            local[paper.id] = pairs
    return local


_SENSE_FILLERS = frozenset("a an and the of for to in on with from via using based".split())
_SENSE_HEADS = frozenset("model models modeling modelling framework method approach network system task".split())
#: British and variant spellings folded for comparing senses ("mean squared error" is
#: "mean square error", "nearest neighbour" is "nearest neighbor").
_SPELLINGS = ((re.compile(r"our\b"), "or"), (re.compile(r"is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),
              (re.compile(r"ll(ed|ing)\b"), r"l\1"), (re.compile(r"\bsquared\b"), "square"),
              (re.compile(r"(?<=[tb])re\b"), "er"))


def sense_key(long_key: str) -> str:
    """What two spellings of one acronym expansion share.

    >>> sense_key("vision and language navigation") == sense_key("vision language navigation")
    True
    >>> sense_key("vision language action model") == sense_key("vision-language action")
    True
    >>> sense_key("mean squared error") == sense_key("mean square errors")
    True
    >>> sense_key("k-nearest neighbour") == sense_key("k nearest neighbors")
    True
    >>> sense_key("National Centre for Ecological Analysis") == sense_key("National Center for Ecological Analysis")
    True
    """
    return "".join(_sense_words(long_key))


def _sense_words(long_key: str) -> tuple[str, ...]:
    """The words :func:`sense_key` joins."""
    # "Fr\\'echet" and "Fréchet" are "Frechet": normalise_label decodes the accent, and the
    # accent itself goes here
    plain = unicodedata.normalize("NFKD", normalise_label(long_key))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    words = [singular(w) for w in plain.lower().split() if w not in _SENSE_FILLERS]
    while len(words) > 1 and words[-1] in _SENSE_HEADS:
        words.pop()
    text = " ".join(words)
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return tuple(text.split())


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter inserted, dropped or changed."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


_STEM_END = re.compile(r"(ing|ed|ion|ions|al|ive|s)$")


def _same_word(a: str, b: str, first: bool) -> bool:
    """Two words of two expansions of one acronym that spell one word: a derived form
    ("convolution"/"convolutional", "map"/"mapping"), a typo ("spatting"/"splatting"),
    or, for the first word, the end of a word a line break cut ("modal" of "multi- modal")."""
    if a == b or (len(a) > 4 and len(b) > 4 and _STEM_END.sub("", a) == _STEM_END.sub("", b)):
        return True
    short, long = sorted((a, b), key=len)
    return (len(short) >= 3 and long.startswith(short)) or (len(short) >= 6 and _one_edit(a, b)) or (
        first and len(short) >= 4 and long.endswith(short))


def same_sense(long_a: str, long_b: str) -> bool:
    """Whether two expansions of one acronym are one sense written two ways.

    :func:`sense_key` folds fillers, heads, plurals and British spellings; this also folds
    derived word forms, one-letter typos and a first word cut by a line break, word by word,
    and never a different word ("small language model" is not "spoken language model").

    >>> same_sense("convolution neural network", "convolutional neural networks")
    True
    >>> same_sense("3D Gaussian spatting", "3D Gaussian Splatting"), same_sense("modal large language model",
    ...                                                                         "multimodal large language model")
    (True, True)
    >>> same_sense("reinforcement learning from human feedback", "reinforcement learning with human feedback")
    True
    >>> same_sense("small language model", "spoken language model"), same_sense("vision language", "visual language")
    (False, False)
    >>> same_sense("parameter efficient fine tuned", "parameter-efficient fine-tuning")
    True
    >>> same_sense("fr\\'echet inception distance", "Fréchet Inception Distance")
    True
    """
    return _same_words(_sense_words(long_a), _sense_words(long_b))


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(_same_word(x, y, i == 0) for i, (x, y) in enumerate(zip(a, b, strict=True)))


def writes_out_acronym(short_form: str, long_form: str) -> bool:
    """Whether ``long_form`` is ``short_form`` with one of its acronyms written out: "UN
    framework convention on climate change" and "United Nations framework convention on
    climate change" are one sense of UNFCCC.

    >>> writes_out_acronym("UN framework convention on climate change",
    ...                    "United Nations Framework Convention on Climate Change")
    True
    >>> writes_out_acronym("UN framework convention", "universal neural framework convention")
    True
    >>> writes_out_acronym("UN framework convention", "United Nations framework agreement")
    False
    >>> writes_out_acronym("mean IoU", "mean intersection over union")
    True
    """
    short_words = [w for w in normalise_label(short_form).split() if w.lower() not in _SENSE_FILLERS]
    long_words = [w for w in normalise_label(long_form).split() if w.lower() not in _SENSE_FILLERS]
    target = sense_key(long_form)
    for j, word in enumerate(short_words):
        width = len(word)
        # an acronym may write its filler in lower case: "IoU" is "intersection over union"
        if not (2 <= width <= 5 and word.isalpha() and word[0].isupper() and sum(map(str.isupper, word)) >= 2) or (
                j + width > len(long_words)):
            continue
        written = long_words[j:j + width]
        if "".join(w[0] for w in written).upper() == word.upper() and sense_key(
                " ".join([*short_words[:j], *written, *short_words[j + 1:]])) == target:
            return True
    return False


#: A sense found in less than this share of an acronym's definitions (and only once) is
#: noise: a garbled or odd expansion ("BERT" as anything but its one meaning).
NOISE_SHARE = 0.05


DOMINANT_SHARE = 0.9
"""An acronym whose commonest sense has this share of the corpus's definitions takes that
sense wherever a paper uses it undefined. At 50k arXiv abstracts, "LLM" was defined as
"large language model" in thousands of papers and as a few garbled or odd expansions
("large language mod els", "language large model") in a handful: counting every sense
kept 2,160 papers' "LLMs" apart from "large language models". A paper's own definition
still wins in that paper."""


def corpus_acronyms(
    local: Mapping[str, Mapping[str, str]],
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    """Split acronyms into unambiguous (one sense in the corpus) and ambiguous ones.

    Returns
    -------
    unique
        Short key -> the commonest long key of its sense, for acronyms with one sense or
        a dominant one (:data:`DOMINANT_SHARE` of the definitions).
    ambiguous
        Short key -> its long keys, for acronyms with several senses and none dominant.
    variants
        Long key -> the representative long key of its sense ("multilayer perceptron"
        -> "multi layer perceptron"), so spellings of one expansion become one entity.
    """
    expansions: dict[str, Counter[str]] = defaultdict(Counter)
    for pairs in local.values():
        for short, long in pairs.items():
            expansions[short][long] += 1
    unique: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    variants: dict[str, str] = {}
    for short, longs in expansions.items():
        senses: dict[str, list[str]] = defaultdict(list)
        for long in longs:
            senses[sense_key(long)].append(long)
        for key in list(senses):
            # a sense that only writes an inner acronym ("UN") short joins the one that spells it out
            into = next((other for other in senses if other != key and any(
                writes_out_acronym(a, b) for a in senses[key] for b in senses[other])), None)
            if into is not None:
                senses[into].extend(senses.pop(key))
        # spellings of one expansion beyond what sense_key folds join the best-supported one
        by_support = sorted(senses, key=lambda k: (-sum(longs[form] for form in senses[k]), k))
        # the word splits a sense is written with ("multilayer perceptron", "multi layer
        # perceptron"): few per sense, however many papers define it
        splits = {k: {_sense_words(form) for form in senses[k]} for k in by_support}
        for i, key in enumerate(by_support):
            into = next((other for other in by_support[:i] if other in senses and any(
                _same_words(a, b) for a in splits[key] for b in splits[other])), None)
            if into is not None:
                senses[into].extend(senses.pop(key))
                splits[into] |= splits[key]
        for members in senses.values():
            best = max(members, key=lambda form: (longs[form], form))
            for long in members:
                if long != best:
                    variants[long] = best
        support = sorted(((sum(longs[form] for form in m), key) for key, m in senses.items()), reverse=True)
        total = sum(n for n, _ in support)
        support = [(n, key) for n, key in support if n > 1 or n >= NOISE_SHARE * total] or support[:1]
        senses = {key: senses[key] for _, key in support}
        top_count, top_sense = support[0]
        if len(senses) == 1 or top_count >= DOMINANT_SHARE * sum(n for n, _ in support):
            unique[short] = max(senses[top_sense], key=lambda form: (longs[form], form))
        else:
            ambiguous[short] = tuple(sorted(max(m, key=lambda form: (longs[form], form)) for m in senses.values()))
    return unique, ambiguous, variants


@dataclass(frozen=True)
class Acronyms:
    """A corpus's acronym definitions: :func:`acronym_definitions` and :func:`corpus_acronyms` of its papers."""

    local: Mapping[str, Mapping[str, str]]
    unique: Mapping[str, str]
    ambiguous: Mapping[str, tuple[str, ...]]
    variants: Mapping[str, str]


def corpus_acronym_tables(papers: Iterable[Paper], normalise: Callable[[str], str] = normalise_label) -> Acronyms:
    """The :class:`Acronyms` of ``papers``: they depend on the papers' text alone, so a
    build works them out beside the extraction (:func:`resolve` takes them as ``acronyms``)."""
    local = acronym_definitions(papers, normalise)
    return Acronyms(local, *corpus_acronyms(local))


def resolve(
    papers: Sequence[Paper],
    mentions: Sequence[Mention],
    vocabulary: Vocabulary | None = None,
    thesaurus: Thesaurus | None = None,
    *,
    known: Mapping[str, EntityKind] | None = None,
    background: Background | None = None,
    keys: Mapping[str, TextKeys] | None = None,
    acronyms: Acronyms | None = None,
) -> Resolution:
    """Resolve mentions to entities.

    Parameters
    ----------
    papers
        The corpus (acronym definitions are read from it).
    mentions
        Extracted mentions, in any order.
    vocabulary
        Known names: aliases join their canonical name; entities get ``exact_match``.
    thesaurus
        The user's replacements and removals.
    known
        Key -> kind of names a gazetteer knows (Papers with Code datasets, metrics, ...):
        their kind wins over the mentions' vote, and they are specific.
    background
        Phrase frequencies of a background corpus, for the specificity judgement.
    keys
        Mention text -> its :class:`TextKeys`, worked out elsewhere (a Dask cluster);
        the texts it lacks are keyed here. The result is the same either way.
    acronyms
        :func:`corpus_acronym_tables` of ``papers``, worked out elsewhere; here otherwise.

    Returns
    -------
    Resolution
        Entities sorted by id; ``mention_entity[i]`` is the id of ``mentions[i]``'s entity,
        or ``""`` when the thesaurus removed the term or no name is left of it.
    """
    memo = LabelMemo(keys)
    if acronyms is None:
        acronyms = corpus_acronym_tables(papers, memo.normalise)
    return _resolve(papers, mentions, vocabulary or Vocabulary(), thesaurus, memo, known or {}, background, acronyms)


def _resolve(papers: Sequence[Paper], mentions: Sequence[Mention], vocabulary: Vocabulary,
             thesaurus: Thesaurus | None, memo: LabelMemo, known: Mapping[str, EntityKind],
             background: Background | None, acronyms: Acronyms) -> Resolution:
    normalise = memo.normalise
    aliases = vocabulary.aliases
    local, unique, ambiguous, long_variants = acronyms.local, acronyms.unique, acronyms.ambiguous, acronyms.variants
    replacements = thesaurus.replacements if thesaurus is not None else {}
    preferred: dict[str, str] = {}  # key -> label the thesaurus asked for
    reasons: dict[str, set[str]] = defaultdict(set)
    short_forms: dict[str, set[str]] = defaultdict(set)  # long key -> short keys merged into it

    def by_thesaurus(key: str) -> str:
        # chains are followed ("3DGS" -> "3D Gaussian Splatting" -> "Gaussian splatting (3D)"),
        # so a user can rename the target of an exported merge with one extra line
        seen = {key}
        while key in replacements:
            replacement = replacements[key]
            if not replacement:
                return ""
            key = normalise(replacement)
            preferred[key] = replacement
            reasons[key].add("thesaurus")
            if key in seen:
                break
            seen.add(key)
        return key

    defined = set(unique) | set(ambiguous)
    # "CHATGPT" and "mIOU" are ChatGPT and mIoU shouted: an acronym the corpus defines in one
    # casing takes its sense in another where no other acronym has that casing too
    folded: dict[str, list[str]] = defaultdict(list)
    for short in unique:
        folded[short.casefold()].append(short)
    # (several casings defined alike count as one: "mIoU" and "mIOU" both mean intersection
    # over union, so "MIoU" does too)
    unique_folded = {f: unique[shorts[0]] for f, shorts in folded.items() if len({unique[s] for s in shorts}) == 1}

    def corpus_sense(key: str) -> str | None:
        if key in unique:
            return unique[key]
        # a known name is no shouting: "COCO" stays the dataset where one paper defines
        # "Constitutional Controller (CoCo)"
        if key in known:
            return None
        return unique_folded.get(key.casefold()) if sum(map(str.isupper, key)) >= 2 else None

    @functools.cache  # per call: it reads this corpus's acronyms
    def key_of(text: str) -> str:
        keys = memo.text_keys(text)
        key, full = keys.key, keys.full
        if full == key:
            return key
        # "KITTI dataset" is KITTI and "BLEU score" BLEU, but "NLP datasets" are not NLP and
        # "MT metrics" not machine translation: a head that names another kind stays when
        # what is left is an acronym the corpus defines, unless that name is known to be of
        # the head's kind
        head_kind = _HEAD_KINDS.get(full.split()[-1])
        if head_kind is not None and key in defined and known_kind_of(known, key) is not head_kind:
            return full
        return key

    # the fields read here, as columns: at a million papers Mention objects would not fit
    texts, kind_codes = mention_column(mentions, "text"), kind_numbers(mentions)  # kinds by _KIND_ORDER place
    paper_ids = mention_column(mentions, "paper_id")
    def corpus_key(key: str, expansions: Mapping[str, str]) -> str:
        """``key`` read with the corpus's acronyms, aliases and the thesaurus."""
        if not key or key in preferred:
            return key
        # only a short form with a capital is an acronym: keys keep the case of names and
        # acronyms and lower ordinary words, so "claude" (from "Claude" opening a sentence)
        # is not the acronym a paper defined as "claude-3-haiku-20240307 (Claude)"
        expansion = (expansions.get(key) or corpus_sense(key)) if _has_capital(key) else None
        short = key
        if expansion:
            key = expansion
            reasons[key].add("acronym")
        # an expansion is spelled out as any name is, so "3DGS" (3D Gaussian Splatting) and
        # "3D Gaussian Splatting" meet where the corpus defines 3D one way
        if " " in key and not any(_mixed_case(w) and w not in defined for w in key.split()) and not _versioned(key):
            # (a name and a version, "ResNet 50" or "GPT 4.1", is a model's name as written: it
            # stays with "ResNet50" and "gpt-4.1", and "BLEU 4 score" with "BLEU 4")
            # an acronym inside a longer name is spelled out: "OOD detection" is
            # "out-of-distribution detection" where the corpus defines OOD one way;
            # not beside a name the corpus does not define: "TyDi QA" is a dataset's
            # name as written
            words = [(expansions.get(w) or unique.get(w) or w) if _has_capital(w) else w for w in key.split()]
            spelled = normalise(" ".join(words))
            if spelled != key:
                key = spelled
                reasons[key].add("acronym")
        if expansion:
            short_forms[key].add(short)
        if key in long_variants:
            key = long_variants[key]
            reasons[key].add("acronym")
        if key in aliases:
            key = aliases[key]
            reasons[key].add("gazetteer")
        return by_thesaurus(key)

    @functools.cache
    def kind_headed(text: str) -> bool:
        """Whether ``text`` ends in a head naming a kind ("MATH dataset", "T2I metrics")."""
        full = memo.text_keys(text).full
        return bool(full) and full.split()[-1] in _HEAD_KINDS

    def read_keys(start: int, stop: int) -> tuple[list[str], dict[str, set[str]], dict[str, set[str]], set[str]]:
        """The corpus keys of mentions ``start:stop``, what they added to ``reasons`` and
        ``short_forms``, and the keys some mention writes with a head naming a kind."""
        reasons.clear()
        short_forms.clear()
        keys: list[str] = []
        headed_keys: set[str] = set()
        # a key reads the same in every paper whose own definitions do not touch it, and
        # only adds to sets: each such key is read once (most of the 1.7M mentions at 50k
        # papers); not with a thesaurus, whose renames can make a key preferred between
        # two mentions
        same_everywhere: dict[str, str] = {}
        for text, paper_id in zip(texts[start:stop], paper_ids[start:stop]):
            key = by_thesaurus(key_of(text))
            if memo.defines(text):
                reasons[key].add("acronym")
            expansions = local.get(paper_id)
            if replacements or (expansions and (key in expansions or any(w in expansions for w in key.split()))):
                found = corpus_key(key, expansions or {})
            elif key in same_everywhere:
                found = same_everywhere[key]
            else:
                found = same_everywhere[key] = corpus_key(key, {})
            keys.append(found)
            if kind_headed(text):
                headed_keys.add(found)
        return keys, dict(reasons), dict(short_forms), headed_keys

    # the two halves of the mentions are read in two processes where they are many (a
    # quarter of resolution at 50k papers); what a half adds to the sets is joined after.
    # A thesaurus makes a key's reading depend on the mentions before it: one process then
    final: list[str] = []
    half = len(texts) // 2
    ranges = [(0, len(texts))] if replacements or len(texts) < PARALLEL_MIN_MENTIONS else [
        (0, half), (half, len(texts))]
    found_reasons: dict[str, set[str]] = defaultdict(set)
    found_shorts: dict[str, set[str]] = defaultdict(set)
    kind_headed_keys: set[str] = set()
    for keys, added_reasons, added_shorts, headed_keys in map_in_halves(read_keys, ranges):
        final += keys
        kind_headed_keys |= headed_keys
        for key, found in added_reasons.items():
            found_reasons[key] |= found
        for key, found in added_shorts.items():
            found_shorts[key] |= found
    reasons, short_forms = found_reasons, found_shorts
    # keys equal but for spaces and case are one name: "MoDecGS" (a scraped page's lost
    # hyphen) joins "MoDec GS" because the hyphenated form occurs in the corpus;
    # "multilayer perceptron" joins "multi layer perceptron", "SQUAD" joins "SQuAD". The
    # commonest spelling represents the class.
    # A name in capitals that the corpus writes with a head naming its kind ("MATH
    # dataset") and an ordinary word in lower case are one only where the corpus uses them
    # as the same kind: MATH (a dataset) is not "math" (a task); a few mentions are no
    # evidence either way ("Imagenet" once as a concept stays ImageNet).
    counts = Counter(final)  # counted in C; the empty key (no name) is no class
    counts.pop("", None)
    key_kinds = Counter(zip(final, kind_codes))  # (key, kind) pairs, counted in C
    classes: dict[str, list[str]] = defaultdict(list)
    for key in counts:
        classes[_name_class(key)].append(key)
    for name in [c for c, members in classes.items() if len(members) > 1]:
        lower = [k for k in classes[name] if not _has_capital(k)]
        named = [k for k in classes[name] if _has_capital(k)]
        if lower and named and any(k in kind_headed_keys for k in named) and min(
                sum(counts[k] for k in lower), sum(counts[k] for k in named)) >= 2 and (
                _main_kind(lower, key_kinds, counts) != _main_kind(named, key_kinds, counts)):
            classes[name] = named
            classes[name + " (lower case)"] = lower
    # a name with a capital inside its last word, in the plural ("ControlNets", "ConvNeXts",
    # "UNets", "CityScapes"), is the name the corpus writes in the singular as the same kind;
    # not an acronym's plural, which keys already fold, nor a size ("YOLOv11s")
    for name in [c for c, members in classes.items() if c[:-1] in classes and all(map(_named_plural, members))]:
        singular_class = classes[name[:-1]]
        if _main_kind(classes[name], key_kinds, counts) == _main_kind(singular_class, key_kinds, counts):
            singular_class += classes.pop(name)
    representative = {}
    for members in classes.values():
        best = max(members, key=lambda k: (k in preferred, not _named_plural(k), counts[k], k.count(" "), k))
        for key in members:
            representative[key] = best
        if len(members) > 1:
            reasons[best].add("normalisation")
            for key in members:
                reasons[best] |= reasons.get(key, set())
                short_forms[best] |= short_forms.get(key, set())
    representative[""] = ""
    final = list(map(representative.__getitem__, final))
    # an acronym's expansion with a generic head after it is the acronym's name: "group
    # relative policy optimization algorithm" (from "the GRPO (Group Relative Policy
    # Optimization) algorithm") is GRPO, as "GRPO algorithm" already is; only where the
    # expansion is a name of this corpus (an acronym was merged into it) and the longer
    # key is no acronym's expansion of its own ("vision language model" is VLM, not VL)
    headed = {}
    # a head naming a kind ("FID score", spelled out "Fréchet inception distance score")
    # joins the name where the corpus uses both as that kind: FID is a metric, so "FID
    # score" is FID; "CLIP score" stays apart from the method CLIP, "RAG benchmark" from RAG
    # (key, kind) pairs and keys counted in C: a Counter per key was 2 s at 50k papers
    # (both read off the counts made before the classes joined keys: no pass over the mentions)
    kinds_of: Counter[tuple[str, int]] = Counter()
    for (key, kind), n in key_kinds.items():
        kinds_of[(representative[key], kind)] += n
    mentions_of: Counter[str] = Counter()
    for key, n in counts.items():
        mentions_of[representative[key]] += n

    def mostly(key: str, kind: EntityKind) -> bool:
        return 2 * kinds_of[(key, _KIND_NUMBER[kind])] > mentions_of[key]

    for key in set(final):
        words = key.split()
        head = words[-1] if len(words) > 1 else ""
        if head not in _SAME_KIND_HEADS and head not in _HEAD_KINDS:
            continue
        base = normalise(" ".join(words[:-1]))
        base = representative.get(base, base)
        if base not in counts or base == key:
            continue
        if head in _SAME_KIND_HEADS and len(words) > 2 and not short_forms.get(key) and short_forms.get(base):
            headed[key] = base
            reasons[base] |= reasons.get(key, set()) | {"acronym"}
        elif head in _TASK_WORDS and mostly(key, EntityKind.TASK) and mostly(base, EntityKind.TASK):
            # "dense prediction tasks" and "density estimation problem" are the tasks "dense
            # prediction" and "density estimation" where the corpus calls both tasks ("vision
            # tasks" joins "vision"; "optimization problem" stays apart from the method)
            headed[key] = base
            reasons[base] |= reasons.get(key, set()) | {"normalisation"}
        elif head in _HEAD_KINDS and (
                # a metric of several words is a name without capitals: "average reward metric" is
                # average reward; one word is not ("Dice score" is no "dice", "recall scores" no recall)
                short_forms.get(base) or any(map(_names_a_thing, base.split()))
                or (_HEAD_KINDS[head] is EntityKind.METRIC and " " in base)) and (
                mostly(key, _HEAD_KINDS[head]) and mostly(base, _HEAD_KINDS[head])):
            headed[key] = base
            reasons[base] |= reasons.get(key, set()) | {"acronym"}
    if headed:
        final = [headed.get(k, k) for k in final]

    # each key's mention indices, in order: the mentions sorted by key number (numbered in
    # order of first mention, so keys come in the order a loop over the mentions meets them)
    number = {key: n for n, key in enumerate(dict.fromkeys(final))}
    numbers = np.fromiter(map(number.__getitem__, final), dtype=np.int32, count=len(final))
    order = np.argsort(numbers, kind="stable").astype(np.int32)
    counted = np.bincount(numbers, minlength=len(number))
    ends = np.cumsum(counted)
    starts = ends - counted
    by_key = {key: order[starts[n]:ends[n]] for key, n in number.items() if key}
    del number, numbers, counted

    def entity_of(key: str, at: np.ndarray) -> tuple[Entity, tuple[int, int]]:
        """The entity of ``key`` from its mentions at ``at``, and its (papers, mentions)."""
        indices: list[int] = at.tolist()
        surfaces = Counter(s for i in indices for s in memo.surfaces(texts[i]))
        surfaces.pop("", None)
        shorts = short_forms.get(key, set())
        # an acronym's known kind counts for datasets and metrics only: the lists carry
        # "LLM" as a task, but "SQuAD" and "BLEU" reliably; and not a generic acronym's,
        # which stands for many things ("ID": identification, identity, in-distribution)
        known_kind = known_kind_of(known, key) or next(
            (kind for kind in map(functools.partial(known_kind_of, known), shorts - _GENERIC_SHORTS)
             if kind in _ACRONYM_KINDS), None)
        kinds = Counter([kind_codes[i] for i in indices])
        # the Papers with Code task pages include "Large Language Model" and "Retrieval-
        # Augmented Generation": a known task says the name is specific, not that it is a task
        kind: EntityKind = _KIND_ORDER[max(kinds, key=lambda k: (kinds[k], -k))]
        words = key.split()
        if known_kind is EntityKind.DATASET and kind is EntityKind.TASK and 3 * kinds[_KIND_NUMBER[kind]] >= 2 * len(
                indices) and (names_task(key) or _TO_TASK.search(key)):
            # the Papers with Code dataset lists hold task names too ("Text-to-SQL", "Infrared
            # Small Target Detection"): where two mentions in three call it a task and it reads
            # as one, it is the task (the mentions' vote stands, over the list's kind)
            kind = EntityKind.TASK
        elif known_kind is not None and known_kind is not EntityKind.TASK:
            kind = known_kind
        elif known_kind is EntityKind.TASK and kind is not EntityKind.DATASET and words[-1] in _KNOWN_TASK_HEADS:
            # a known task that reads as one ("sentiment analysis", "object detection") is a
            # task, though papers that apply it call it their method
            kind = EntityKind.TASK
        elif len(words) > 1 and (head_kind := _KIND_OF_HEAD.get(singular(words[-1].lower()))) is not None and not (
                kind is EntityKind.TASK and len(words) > 2 and words[0].endswith("ing")):
            # a name whose head says its kind is of that kind, whatever the mentions' vote:
            # "reasoning benchmark" is data and "anomaly score" a metric, not a task or a
            # concept; a task said as a verb phrase stays one ("predicting rating scores")
            kind = head_kind
        # "RAG benchmark" kept apart from RAG keeps its head in its label; "FID score",
        # defined as "Fréchet Inception Distance score (FID)", is FID
        apart = len(words) > 1 and words[-1] in _HEAD_KINDS and representative.get(
            base := normalise(" ".join(words[:-1])), base) in by_key
        label, expansion = _labels(key, surfaces, shorts, memo, keep_head=apart, keep_title=lambda title: (
            EntityKind.DATASET in (kind, known_kind) or names_organisation(title) or names_place(title)))
        label = preferred.get(key) or label
        # what a model tags as data is often the task, the domain or the institution
        if kind is EntityKind.DATASET and known_kind in (None, EntityKind.TASK) and names_task(label):
            kind = EntityKind.TASK
        # the Papers with Code dataset lists hold "Social media" and "Medical domain" too: a
        # corpus that never writes a name as one does not make it a dataset
        # nor is the region an abstract studies ("South Africa", "the Congo Basin") its data
        # or its method
        elif (kind is EntityKind.DATASET and not names_data(label)) or (
                known_kind is None and (names_organisation(label) or names_place(label))):
            kind = EntityKind.CONCEPT
        if len({normalise(s) for s in surfaces}) < len(surfaces):
            reasons[key].add("normalisation")
        df = len({paper_ids[i] for i in indices})
        verdict = judge(label, surfaces, known_kind=known_kind, background=background, kind=kind,
                        corpus_share=df / len(papers) if len(papers) >= CORPUS_MIN_PAPERS else 0.0)
        return (
            Entity(
                id=entity_id(key),
                kind=kind,
                label=label,
                key=key,
                # (a form a span cut inside a bracket is shown mended: "GPT-4.1(+5.36" is GPT-4.1)
                alt_labels=tuple(sorted({mend_label(s) for s in surfaces} - {label})),
                merged_by=tuple(sorted(reasons.get(key, ()))),
                exact_match=(vocabulary.concepts[key],) if key in vocabulary.concepts else (),
                expansion=expansion,
                generic=verdict.generic,
                evidence=verdict.evidence,
            ),
            (df, len(indices)),
        )

    # each key's entity depends on its own mentions alone: half of them are made in a
    # forked child where memory has room for one (a third of resolution on two cores)
    made = map_in_halves(entity_of, list(by_key.items()), min_items=PARALLEL_MIN_KEYS,
                         packing=(_pack_entities, _unpack_entities))
    entities = [entity for entity, _support in made]
    support = {entity.key: counts for entity, counts in made}  # key -> (papers, mentions)
    del made
    entities = distinct_labels(entities, support)
    entities.sort(key=lambda e: e.id)
    for before, after in itertools.pairwise(entities):
        if before.id == after.id:  # entity_id is one-to-one; two keys on one id is a bug, not a merge
            raise KGraphError(f"entity id {before.id!r} would name two entities: {before.key!r} and {after.key!r}")
    ids = {e.key: e.id for e in entities}
    ids[""] = ""
    return Resolution(tuple(entities), tuple(map(ids.__getitem__, final)), ambiguous)


_ENTITY_FIELDS = operator.attrgetter(*(f.name for f in fields(Entity)))
_KIND_AT = [f.name for f in fields(Entity)].index("kind")
_KIND_NUMBER = {kind: n for n, kind in enumerate(_KIND_ORDER)}


def _pack_entities(made: list[tuple[Entity, tuple[int, int]]]) -> list[tuple[tuple[object, ...], tuple[int, int]]]:
    """Entities as tuples of their fields, the kind by number: a third of the time to pickle
    and back of the dataclasses (whose slots go through Python methods)."""
    packed = []
    for entity, support in made:
        values = _ENTITY_FIELDS(entity)
        packed.append(((*values[:_KIND_AT], _KIND_NUMBER[entity.kind], *values[_KIND_AT + 1:]), support))
    return packed


def _unpack_entities(packed: list[tuple[tuple[object, ...], tuple[int, int]]]) -> list[tuple[Entity, tuple[int, int]]]:
    """The entities :func:`_pack_entities` packed.

    >>> made = [(Entity("bert", EntityKind.METHOD, "BERT", "BERT", ("Bert",)), (2, 3))]
    >>> _unpack_entities(_pack_entities(made)) == made
    True
    """
    made: list[tuple[Entity, tuple[int, int]]] = []
    for values, support in packed:
        kind = _KIND_ORDER[cast(int, values[_KIND_AT])]
        made.append((Entity(*values[:_KIND_AT], kind, *values[_KIND_AT + 1:]), support))  # type: ignore[arg-type,call-arg]
    return made


def distinct_labels(entities: Sequence[Entity], support: Mapping[str, tuple[int, int]]) -> list[Entity]:
    """Entities whose labels differ: where several share one ("SAM" for segment anything
    model, sharpness-aware minimization and spectral angle mapper), the specific one in the
    most papers keeps it and each other one that knows its expansion is labelled by it, the
    shared label becoming an alternative label. A list that shows "SAM" twice, or a
    community named "MLLM · VLM · MLLM", tells a reader nothing about which is which.

    Parameters
    ----------
    entities
        The resolved entities.
    support
        Entity key -> (papers, mentions), to decide who keeps the label.
    """
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        groups[entity.label.casefold()].append(entity)
    renamed: dict[str, Entity] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda e: (e.generic, *(-n for n in support.get(e.key, (0, 0))), e.key))
        taken = {members[0].label.casefold()}
        for entity in members[1:]:
            # its expansion, a phrase the corpus writes for it, or the label with the key it
            # was resolved to: "COT (cloud optical thickness)"
            shared = entity.label.casefold()
            # (never a form a span cut inside a bracket: "control signals(e.g")
            label = entity.expansion or next((alt for alt in entity.alt_labels if " " in alt and alt.casefold()
                                              not in taken and shared not in alt.casefold().split()
                                              and not has_unbalanced_brackets(alt)), "") or (
                f"{entity.label} ({entity.key})" if " " in entity.key and not has_unbalanced_brackets(entity.key)
                and normalise_label(entity.label).casefold() != entity.key.casefold() else "")
            if label and label.casefold() not in taken:
                taken.add(label.casefold())
                alt = tuple(sorted({*entity.alt_labels, entity.label} - {label}))
                renamed[entity.key] = replace(entity, label=label, alt_labels=alt)
    return [renamed.get(e.key, e) for e in entities]


def _labels(key: str, surfaces: Counter[str], shorts: set[str], memo: LabelMemo, *,
            keep_head: bool = False, keep_title: Callable[[str], bool] | None = None) -> tuple[str, str]:
    """(label, expansion) of an entity from the surfaces of its mentions.

    The label is the form the corpus writes most, counted over the forms that share a
    key ("LLMs", "LLM's" and "LLM" are one form, and so are "BLEU score" and "BLEU"),
    shown bare and singular where the corpus writes it so; on a tie the acronym wins. A
    name written only with its kind after it is shown without it ("COCO" for "COCO dataset"),
    unless ``keep_head`` says the name without it is another entity ("RAG benchmark").
    Every word capitalised is how titles are written: another casing the corpus uses wins
    over it ("state space model" over "State Space Model") unless ``keep_title(label)`` says
    the capitals are the name's.
    The expansion is the commonest long form when an acronym was merged in ("Bilingual
    Evaluation Understudy" for BLEU), else "".
    """
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for surface, n in surfaces.items():
        forms[memo.mention_key(surface).casefold()][surface] += n
    if not forms:
        return key, ""
    for form in [f for f in forms if " " in f and singular(f.rsplit(" ", 1)[1]) in _NAME_AND_HEAD]:
        bare_name, head = form.rsplit(" ", 1)
        # as resolution joins them: task words after any name, metric heads after several words
        if bare_name in forms and (singular(head) in _TASK_WORDS or " " in bare_name):
            # "dense prediction tasks" merged into dense prediction counts for its name, and
            # "average reward metric" for average reward
            forms[bare_name].update(forms.pop(form))
    for form in [f for f, written in forms.items() if f[:-1] in forms and any(map(_named_plural, written))]:
        forms[form[:-1]].update(forms.pop(form))  # "MetaScenes" counts for MetaScene (as resolution joins them)

    folded_shorts = {s.casefold() for s in shorts}

    def is_short(form: str) -> bool:
        return form in folded_shorts

    best = max(forms, key=lambda f: (sum(forms[f].values()), is_short(f), f))
    members = forms[best]
    # the bare singular form where the corpus writes it: "LLM" for "LLMs", "BLEU" for "BLEU score"
    bare = [s for s in members if memo.normalise(s).casefold() == best]
    singular_bare = [s for s in bare if s.split()[-1] == singular(s.split()[-1])]
    candidates = singular_bare or bare or list(members)
    label = max(candidates, key=lambda s: (members[s], _natural_case(s), -len(s), s))
    plain = [s for s in candidates if not _title_styled(s)] if _title_styled(label) else []
    if plain and not (keep_title and keep_title(label)):
        # a title capitalises every word ("State Space Model"): its casing says how titles
        # are written, not how the name is; where the corpus also writes it otherwise, that
        # form labels it ("state space model"). A dataset, a place or an institution keeps
        # its capitals ("Natural Questions")
        label = max(plain, key=lambda s: (members[s], _natural_case(s), -len(s), s))
    label = mend_label(label)  # as the key: "VeriSafe Agent", not "… (VSA"
    if not bare and not keep_head:
        # a name the corpus only writes with its kind after it ("COCO dataset", "Common Voice
        # corpus", "F1 score") is labelled by the name; a phrase ("training data") keeps its
        # words, and so does a name kept apart from the name before its head ("RAG benchmark")
        words = label.split()
        name = " ".join(words[:-1])
        if len(words) > 1 and has_capital_or_digit(name[1:]) and (
                memo.normalise(name).casefold() == best):
            label = name
    expansion = ""
    if shorts:
        # a long form spells the acronym out: "3DGS methods" or "CMMD dataset" is the
        # acronym with a head after it, no expansion of it
        longs = {s: n for s, n in surfaces.items() if not is_short(memo.normalise(s).casefold())
                 and not _holds_acronym(s, folded_shorts)}
        if longs:
            expansion = mend_label(max(longs, key=lambda s: (longs[s], _natural_case(s), s)))
    return label, expansion


def _holds_acronym(surface: str, folded_shorts: set[str]) -> bool:
    """Whether a word of ``surface`` is one of the short forms (casefolded), or its plural.

    >>> _holds_acronym("3DGS methods", {"3dgs"}), _holds_acronym("3D Gaussian Splatting", {"3dgs"})
    (True, False)
    """
    words = [w.casefold() for w in re.split(r"[\s/()]+", surface) if w]
    return any(w in folded_shorts or (w.endswith("s") and w[:-1] in folded_shorts) for w in words)


def _title_styled(surface: str) -> bool:
    """Whether every word of a phrase (two or more) is capitalised and none is written like
    a name: "State Space Model", "Click-Through Rate Prediction", but not "DeepSeek-R1" or
    "Gaussian splatting".

    >>> [_title_styled(s) for s in ("State Space Model", "Click-Through Rate Prediction", "DeepSeek-R1",
    ...                             "Gaussian splatting")]
    [True, True, False, False]
    """
    words = [w for w in re.split(r"[\s-]+", surface) if w and w not in _SENSE_FILLERS]
    return len(words) > 1 and all(w[0].isupper() and w[1:].islower() and w.isalpha() for w in words)


def _natural_case(surface: str) -> int:
    # prefer "Gaussian process" over "GAUSSIAN PROCESS" when counts tie
    return 0 if re.fullmatch(r"[A-Z0-9 \-]+", surface) and " " in surface else 1

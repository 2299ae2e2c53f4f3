"""Is an entity a *named thing* a researcher could look up, or a generic word?

"SQuAD", "BLEU", "conditional random fields" are specific; "training data", "features",
"quality", "neural networks" are not: they relate most papers of a field and explain
no link. Every entity gets a judgement with the evidence behind it:

``name``
    Written like a name (acronym, mixed case, digits: "BERT", "CIFAR-10") — specific.
``known``
    A Papers with Code method, dataset, task or metric name — specific.
``generic-words``
    Made only of category nouns and generic modifiers ("labeled data", "benchmark") — generic.
``property``
    A property of something ("reconstruction quality", "memory usage", "data scarcity") or
    a graded amount ("slow convergence", "lower bound") — generic.
``umbrella``
    A field's name and a category noun ("machine learning technique") — generic.
``fragment``
    No letters, a lone letter, a prefix, an adverb ("non", "fine", "asymptotically") or
    the rest of a formula with a bracket left open ("GL^+(n") — generic.
``coordination``
    Two things joined in lower case ("computational and memory cost") — generic.
``container``
    A lower-case concept headed by a noun for what holds or carries things ("observed
    data", "latent variables", "kernel matrix", "upper layer") — generic.
``unit``
    A unit of measurement ("MPa", "GHz") — generic.
``host``
    Where papers or code are hosted ("GitHub", "Hugging Face", "Zenodo"), named by the
    availability statements of many abstracts — generic.
``background``
    Found in more than :data:`BACKGROUND_SHARE` of all computer-science abstracts
    (the shipped background, ``scripts/build_background.py``), or a single ordinary word
    in more than :data:`WORD_SHARE` of them — generic.
``corpus``
    In more than :data:`CORPUS_SHARE` of the papers of the corpus itself — generic.
``common-noun``
    A concept or a metric that is one ordinary word written in lower case ("water",
    "land", "eigenvalues"; "diameter", "survival"), or capitalised only where the corpus
    also writes it in lower case ("Ecology", "ecology"): a common noun names a class of
    things, or the quantity a paper measured — generic. So is a statistic tagged as a
    metric ("CI", "SD").

``name`` and ``known`` win over ``background`` (a famous name is still a name) up to
:data:`UMBRELLA_SHARE`, never over ``fragment``. Generic entities stay in the graph with their mentions; they do not
link papers, name communities or lead top lists.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import EntityKind
from ..resources import data_file
from ..text.acronyms import GENERIC_ACRONYMS
from ..text.labels import (
    FUNCTION_WORDS,
    has_capital_or_digit,
    has_unbalanced_brackets,
    is_name_like,
    is_number_like,
    singular,
)

#: A field said before a category noun says only which field's thing it is ("vision tasks",
#: "vision models"); as the head it names the field or a subfield ("3D vision", "human vision").
FIELD_WORDS = frozenset({"vision"})
#: Words that say what sort of thing something is, not which one.
CATEGORY_NOUNS = frozenset(
    "data dataset corpus corpora benchmark database collection resource model method methodology approach "
    "algorithm technique framework system architecture network feature representation annotation label "
    "text language human task problem result performance quality robustness efficiency effectiveness "
    "metric measure measurement score criterion criteria evaluation experiment analysis study application information "
    "knowledge structure process function parameter module component tool toolkit library package "
    "domain setting scenario input output sample example instance image video signal sequence word "
    "sentence document token embedding baseline variant version strategy mechanism pipeline solution "
    "property pattern behavior behaviour accuracy error loss objective training learning inference "
    "prediction generation detection classification recognition understanding reasoning modeling "
    "modelling optimization optimisation estimation simulation computation generalization capability "
    "ability challenge issue limitation advantage improvement gain effect impact factor aspect "
    "level stage step phase procedure operation rule principle theory concept idea notion type kind class "
    "category form unit element item object entity value number amount size set space area field "
    "work research literature paper article survey review user people participant expert annotator "
    "content material source target context environment condition case problem question answer "
    "task-specific state art state-of-the-art sota size time runtime speed overhead complexity cost "
    "boost code prompt description preference detail scenario deployment capability resource "
    "image images video videos point points distribution density ai requirement budget weight "
    "implementation".split()
)
#: Adjectives and prefixes that narrow nothing down on their own.
GENERIC_MODIFIERS = frozenset(
    "training test testing validation dev labeled labelled unlabeled unlabelled annotated parallel synthetic "
    "real real-world large small big new novel existing standard public publicly available various different "
    "multiple several other such proposed previous prior traditional conventional classical current recent "
    "human automatic automated manual high low good better best fine non shared original raw additional "
    "external common popular general specific simple complex efficient effective robust strong weak final "
    "overall extensive comprehensive diverse challenging downstream upstream target source neural deep "
    "large-scale small-scale open full partial main key important significant main multi cross "
    "first second third single many few more most less much well quantitative qualitative empirical "
    "theoretical experimental practical novel unified generic broad wide whole entire same similar "
    "related relevant corresponding underlying given particular certain key basic fundamental "
    "computational statistical linguistic semantic visual textual numerical natural artificial "
    "supervised unsupervised self-supervised world scale art grained visual source textual "
    "pretrained pre-trained fine-tuned inference dimensional internal generative pre post ablation "
    "1d 2d 3d 4d multimodal multi-modal global local dynamic static contextual average "
    # what a paper calls the models it starts from or compares with ("the base model",
    # "frontier models", "vanilla transformers" are no named thing)
    "base frontier vanilla off-the-shelf state-of-the-art lightweight advanced modern powerful "
    # what any model or algorithm is or may be: "probabilistic model", "iterative algorithm",
    # "predictive model", "data-driven approach", "closed-form solution"
    "probabilistic iterative predictive driven closed "
    # what any data or signal may be: "observed data", "missing values", "complementary information"
    "observed missing incomplete measured complementary auxiliary augmented abstract running long short".split()
)
#: Where papers, code and files are hosted: named in availability statements ("code is
#: available on GitHub"), they say nothing about what a paper studies or uses.
HOSTS = frozenset(("github", "gitlab", "bitbucket", "hugging face", "huggingface", "hugging", "zenodo", "figshare",
                   "pypi", "arxiv", "google scholar", "osf", "code ocean", "dryad", "papers with code"))
#: Units of measurement: written like names ("MPa"), but no metric or thing of their own.
UNITS = frozenset(
    "Pa kPa MPa GPa Hz kHz MHz GHz THz nm um μm mm cm km mg kg ms ns us μs kW MW GW kWh MWh eV keV MeV "
    "GeV dB dBm mAh FLOPS GFLOPS TFLOPS MB GB TB".split()
)
#: Words that say a phrase is about data: "medical datasets" and "mathematical reasoning
#: benchmark" describe data, where a dataset's name is written as one ("Tanks and Temples").
DATA_HEADS = frozenset("dataset corpus corpora benchmark database".split())
#: Words for one item of data: "medical images", "reference image", "video frames" and
#: "training samples" describe data, as "medical datasets" does; no one looks them up.
INSTANCE_HEADS = frozenset("image frame sample video".split())
_DESCRIBED_HEADS = DATA_HEADS | INSTANCE_HEADS
_PLURAL_DATA_HEADS = frozenset("datasets benchmarks corpora databases".split())
#: Abbreviations of statistics that every empirical abstract reports ("95% CI"): tagged as
#: metrics, they are no metric of a method.
STATISTICS = frozenset("CI SD SE SEM IQR OR HR RR AOR".split())
#: Heads that make a phrase a property of something ("segmentation accuracy", "memory usage").
PROPERTY_HEADS = frozenset(
    "quality accuracy efficiency consumption usage consistency latency count capability capabilities "
    "understanding overhead performance ability scarcity sparsity concern concerns speed "
    # what a method has or is given, not what one measures: "theoretical guarantees", "conditional validity"
    "guarantee validity length".split()
)
#: What a computation spends ("execution time", "computational power", "training cost",
#: "memory bandwidth"): the quantity every systems paper measures, no metric of its own.
RESOURCE_HEADS = frozenset("time cost power bandwidth throughput latency speed overhead consumption usage "
                           "demand burden requirement footprint budget".split())
#: Words that say whose resource it is: the computation's, in any of its phases.
COMPUTE_WORDS = frozenset(
    "execution computation compute computing computer processing running run runtime inference training "
    "memory cpu gpu search calculation response wall clock per iteration rendering acquisition "
    "computational storage".split()
)
#: Heads that make a lower-case phrase a property ("quadratic complexity", "biological
#: plausibility", "particle concentration", "positive definiteness"), where a name before
#: them makes a concept of its own ("Rademacher complexity", "Kolmogorov complexity").
LOWER_CASE_PROPERTY_HEADS = frozenset("complexity plausibility concentration definiteness".split())
#: Heads of a lower-case concept that holds or carries things ("observed data", "latent
#: variables", "node attributes", "kernel matrix", "activation function", "upper layer"):
#: a sort of object every paper of a field has, not a particular one.
CONTAINER_HEADS = frozenset(
    "data value variable attribute parameter layer view subset setting constraint signal "
    "structure matrix function distribution scene state mask condition path trace query device pass".split()
)  # not "information": "mutual information" is a concept of its own
#: Words that grade a quantity ("slow convergence", "lower bound", "improved robustness"): the
#: phrase says how much of something, not which thing.
GRADING_WORDS = frozenset(
    "slow slower fast faster better worse improved reduced increased poor lower higher".split()
)
#: Adverb endings: an adverb on its own ("asymptotically") is a broken span, not a thing.
_ADVERB_ENDINGS = ("ally", "ively", "ously", "ently", "antly", "ingly", "edly")
#: Adjective endings: one lower-case word ending so ("ecological", "analytical", "continuous")
#: is a modifier whose noun the span lost; the nouns that end so are rare as entities.
_ADJECTIVE_ENDINGS = ("ical", "ous")
_PROPERTY_SUFFIXES = ("ness", "ity")
#: Share of background abstracts above which an entity is too common to tell papers apart.
BACKGROUND_SHARE = 0.02
#: Above this share even a known name is an umbrella term, unless it is written as a name.
UMBRELLA_SHARE = 0.05
#: A single ordinary word above this share is a common noun ("density", "noise", "kernel").
WORD_SHARE = 0.005
#: An entity (neither name nor known) in more than this share of a corpus of at least
#: :data:`CORPUS_MIN_PAPERS` papers is that corpus's umbrella ("forest" in a forestry corpus).
CORPUS_SHARE = 0.15
CORPUS_MIN_PAPERS = 100
_FUNCTION_WORDS = frozenset("a an the of for to in on at by with from into via and or as than".split())
#: Words no name starts or ends with (a span cut from a sentence: "Among them", "corpus of"),
#: even one a gazetteer lists; not the articles, which some names keep ("The Pile").
_EDGE_WORDS = (FUNCTION_WORDS - {"a", "an", "the"}) | {"among", "them", "between", "within", "whose"}
#: Words that point into the sentence ("Building on this dataset", "our proposed benchmark"):
#: a span holding one is a piece of a sentence, never a name.
_POINTING_WORDS = frozenset("this these that those our their its his her such we".split())


def background_key(text: str) -> str:
    """The key phrases are counted under: lower case, hyphens as spaces, every word singular.

    >>> background_key("Neural Networks"), background_key("state-of-the-art methods")
    ('neural network', 'state of the art method')
    """
    return " ".join(singular(w) for w in text.replace("-", " ").lower().split())


@dataclass(frozen=True)
class Background:
    """In how many of ``documents`` background abstracts each phrase occurs."""

    documents: int = 0
    frequency: Mapping[str, int] = field(default_factory=dict)

    def share(self, text: str) -> float:
        """The share of background abstracts that contain ``text`` (0 when unknown)."""
        if not self.documents:
            return 0.0
        return self.frequency.get(background_key(text), 0) / self.documents


@lru_cache(maxsize=1)
def shipped_background() -> Background:
    """The background shipped with kgraph (``kgraph/data/background.tsv.gz``)."""
    documents, frequency = 0, {}
    with gzip.open(data_file("background.tsv.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            phrase, count = line.rstrip("\n").split("\t")
            if phrase == "# documents":
                documents = int(count)
            elif not phrase.startswith("#"):
                frequency[phrase] = int(count)
    return Background(documents, frequency)


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether an entity is generic, and the evidence for the verdict."""

    generic: bool
    evidence: tuple[str, ...]


def _is_name(word: str) -> bool:
    """A word written like a name that is not a dimension or a size ("2D", "24GB", "7B")
    nor an abbreviation of generic words ("RGB", "GPUs")."""
    return is_name_like(word) and not _MEASURE.fullmatch(word) and word.rstrip("s") not in GENERIC_ACRONYMS


_MEASURE = re.compile(r"\d+(\.\d+)?([DKMBGT]|GB|MB|TB|px)|\d+x\d+")
#: An ordinal ("14th", "2nd") is a number written out, no name.
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)", re.IGNORECASE)


def _written_as_title(surfaces: Mapping[str, int]) -> bool:
    """Whether most mentions write every word capitalised ("Natural Questions")."""
    def titled(surface: str) -> bool:
        words = [w for w in surface.replace("-", " ").split() if w.lower() not in _FUNCTION_WORDS]
        return len(words) > 1 and all(w[:1].isupper() for w in words)

    return 2 * sum(n for s, n in surfaces.items() if titled(s)) > sum(surfaces.values())


def judge(label: str, surfaces: Mapping[str, int], *, known_kind: EntityKind | None = None,
          background: Background | None = None, corpus_share: float = 0.0,
          kind: EntityKind | None = None) -> Judgement:
    """Judge an entity by its label, the surfaces its mentions show, known names and the background.

    Parameters
    ----------
    label
        The entity's label.
    surfaces
        Surface form -> mentions (any surface written like a name makes it a name).
    known_kind
        The kind a gazetteer gives it (a Papers with Code method, dataset, task or metric),
        or None when no gazetteer names it.
    background
        Phrase frequencies of a background corpus.
    corpus_share
        The share of the corpus's papers that mention it (0 for a corpus too small to tell).
    kind
        The entity's kind, where known: a Concept needs more than one ordinary word.

    Examples
    --------
    >>> judge("labeled data", {"labeled data": 3})
    Judgement(generic=True, evidence=('generic-words',))
    >>> judge("quantitative evaluation criteria", {"quantitative evaluation criteria": 2}).generic
    True
    >>> judge("RGB image", {"RGB images": 40}).evidence, judge("OOD samples", {"OOD samples": 5}).generic
    (('generic-words',), True)
    >>> judge("medical datasets", {"medical datasets": 4}).evidence, judge("Wikipaintings dataset", {}).generic
    (('description',), False)
    >>> judge("reference image", {"reference images": 6}).evidence, judge("chest X-ray images", {}).generic
    (('description',), False)
    >>> judge("base model", {"base models": 9}).generic, judge("frontier model", {"frontier models": 4}).generic
    (True, True)
    >>> judge("SQuAD", {"SQuAD": 2})
    Judgement(generic=False, evidence=('name',))
    >>> judge("conditional random field", {"CRFs": 1}, known_kind=EntityKind.METHOD)
    Judgement(generic=False, evidence=('name', 'known'))
    >>> judge("non", {"non": 4}).evidence, judge("D", {"D": 3}).evidence, judge("$ dataset", {"$ dataset": 9}).evidence
    (('fragment',), ('fragment',), ('fragment',))
    >>> judge("14th", {"14th": 2}).evidence, judge("GL^+(n", {"GL^+(n": 2}).evidence
    (('fragment',), ('fragment',))
    >>> judge("real-world dataset", {"real-world datasets": 9}, known_kind=EntityKind.DATASET).generic
    True
    >>> judge("Natural Questions", {"Natural Questions": 3}, known_kind=EntityKind.DATASET).generic
    False
    >>> judge("5,108 training datasets", {"5,108 training datasets": 1}).generic
    True
    >>> judge("GitHub", {"GitHub": 57}, kind=EntityKind.DATASET).evidence
    ('host',)
    >>> judge("MPa", {"MPa": 22}).evidence
    ('unit',)
    >>> judge("2D image", {"2D images": 4}).generic, judge("high-resolution", {"high-resolution": 9}).generic
    (True, True)
    >>> judge("3D Gaussian Splatting", {"3DGS": 1, "3D Gaussian Splatting": 1}).evidence
    ('name',)
    >>> judge("execution time", {}, kind=EntityKind.METRIC).evidence, judge("CPU time", {}).generic
    (('property',), True)
    >>> judge("training time", {}, known_kind=EntityKind.METRIC).generic, judge("convergence rate", {}).generic
    (True, False)
    >>> judge("parallel implementation", {}, kind=EntityKind.METHOD).evidence
    ('generic-words',)
    >>> judge("slow convergence", {"slow convergence": 3}).evidence, judge("asymptotically", {}).evidence
    (('property',), ('fragment',))
    >>> judge("quadratic complexity", {"quadratic complexity": 2}).evidence, judge("Kolmogorov complexity", {}).generic
    (('property',), False)
    >>> judge("QA datasets", {"QA datasets": 9}).evidence, judge("BEIR datasets", {"BEIR datasets": 2}).generic
    (('description',), False)
    >>> judge("nonlinearity", {"non-linearity": 3}).evidence, judge("data distribution", {"data sets": 5}).evidence
    (('property',), ('generic-words',))
    >>> judge("water", {"water": 17}, kind=EntityKind.CONCEPT).evidence, judge("water", {"water": 17}).generic
    (('common-noun',), False)
    >>> judge("Hessian", {"Hessian": 4}, kind=EntityKind.CONCEPT).generic
    False
    >>> judge("Ecology", {"Ecology": 31, "ecology": 9}, kind=EntityKind.CONCEPT).evidence
    ('common-noun',)
    >>> judge("diameter", {"diameter": 5}, kind=EntityKind.METRIC).evidence
    ('common-noun',)
    >>> judge("CI", {"CI": 9}, kind=EntityKind.METRIC).generic, judge("CI", {"CI": 9}, kind=EntityKind.METHOD).generic
    (True, False)
    >>> judge("perplexity", {"perplexity": 5}, known_kind=EntityKind.METRIC, kind=EntityKind.METRIC).generic
    False
    >>> judge("community and regional levels", {}).evidence, judge("Tanks and Temples", {}).generic
    (('coordination',), False)
    >>> judge("latent variables", {}, kind=EntityKind.CONCEPT).evidence, judge("latent variables", {}).generic
    (('container',), False)
    >>> judge("convergence property", {}, kind=EntityKind.METRIC).evidence, judge("theoretical guarantees", {}).evidence
    (('property',), ('property',))
    >>> judge("spectral properties", {}).generic, judge("intellectual property", {}, kind=EntityKind.CONCEPT).generic
    (True, False)
    >>> judge("perceptual quality", {}, known_kind=EntityKind.METRIC, kind=EntityKind.METRIC).evidence
    ('property',)
    >>> concept = EntityKind.CONCEPT
    >>> judge("reasoning trace", {}, kind=concept).evidence, judge("user query", {}, kind=concept).generic
    (('container',), True)
    >>> judge("vision tasks", {}).evidence, judge("low-level vision", {}).generic
    (('generic-words',), False)
    >>> judge("hidden state", {}, kind=EntityKind.CONCEPT).evidence, judge("long-term", {}).evidence
    (('container',), ('generic-words',))
    >>> judge("Among them", {"Among them": 9}, known_kind=EntityKind.DATASET).evidence, judge("The Pile", {}).generic
    (('fragment',), False)
    >>> judge("Building on this dataset", {}).evidence, judge("Hugging", {"Hugging": 12}).evidence
    (('fragment',), ('host',))
    >>> judge("ecological", {"ecological": 6}).evidence, judge("ecological footprint", {}).generic
    (('fragment',), False)
    """
    words = [w for w in label.replace("-", " ").split() if w.lower() not in _FUNCTION_WORDS]
    letters = sum(c.isalpha() for c in label)
    ends = label.split()
    # a letter on its own is a variable of the text ("distribution D"), whatever its case;
    # a lone symbol at an edge is the rest of a formula or a list ("$ dataset", "+ benchmarks")
    # a bracket left open is the rest of a formula ("GL^+(n", "O(mlog(m)") the span cut
    if letters == 0 or len(label.strip()) == 1 or _ORDINAL.fullmatch(label.strip()) or has_unbalanced_brackets(
            label) or not any(
            map(str.isalnum, ends[0])) or not any(
            map(str.isalnum, ends[-1])) or (len(words) == 1 and not is_name_like(words[0]) and (
            len(words[0]) <= 2 or words[0].lower() in GENERIC_MODIFIERS
            or words[0].lower().endswith(_ADVERB_ENDINGS)
            or (words[0].islower() and words[0].endswith(_ADJECTIVE_ENDINGS)))) or (
            len(ends) > 1 and (ends[0].lower() in _EDGE_WORDS or ends[-1].lower() in _EDGE_WORDS
                               or any(w.lower() in _POINTING_WORDS and not w.isupper() for w in ends))):
        return Judgement(True, ("fragment",))
    share = background.share(label) if background is not None else 0.0
    if share > UMBRELLA_SHARE and not any(is_name_like(w) for w in words):
        # "deep learning" is on the Papers with Code task list, but it is said by one CS
        # abstract in twenty: it tells no two papers apart
        return Judgement(True, (f"background {100 * share:.1f}%",))
    if label in UNITS:
        return Judgement(True, ("unit",))
    if label.casefold() in HOSTS:
        return Judgement(True, ("host",))
    if label.rstrip("s") in GENERIC_ACRONYMS or (kind is EntityKind.METRIC and label in STATISTICS):
        return Judgement(True, ("generic-words",))
    evidence = []
    # a name when it reads as one: an acronym that stands in for an umbrella phrase in a
    # few papers ("NNs" for "neural networks") does not make the phrase a name
    named = sum(n for s, n in surfaces.items() if any(map(_is_name, s.replace("-", " ").split())))
    if any(map(_is_name, words)) or named * 2 >= max(1, sum(surfaces.values())):
        evidence.append("name")
    lowered = [singular(w.lower()) for w in words]
    if "name" not in evidence and len(lowered) > 1 and lowered[-1] in RESOURCE_HEADS and all(
            w in COMPUTE_WORDS or w in GENERIC_MODIFIERS for w in lowered[:-1]):
        # known or not ("training time" is a leaderboard column), the time or power a
        # computation spends relates every systems paper and names no metric
        return Judgement(True, ("property",))
    if len(words) > 1 and words[-1].lower() in _PLURAL_DATA_HEADS and not any(map(str.isdigit, label)) and all(
            w.islower() or (w.isupper() and len(w) <= 3) for w in words[:-1]):
        # data of a kind, named by a task's acronym: "QA datasets", "NLP benchmarks" are no
        # data set one could look up; a longer acronym is more often a benchmark's own name
        # ("BEIR retrieval datasets", "LITS datasets"), and "ImageNet datasets" is a name
        return Judgement(True, ("description",))
    # a count is no name either: "5,108 training datasets"
    generic_words = bool(lowered) and all(
        w in CATEGORY_NOUNS or w in GENERIC_MODIFIERS or w.upper() in GENERIC_ACRONYMS or is_number_like(w)
        or (w in FIELD_WORDS and at < len(lowered) - 1) for at, w in enumerate(lowered))
    # the Papers with Code metric lists hold leaderboard columns ("model size", "training
    # time") and its dataset list "Real World Dataset": known, but generic words unless the
    # corpus writes them as a title ("Natural Questions"); a known task made of them ("image
    # classification") is a task
    # — nor is a known name of generic words that names a property ("computational efficiency")
    # — nor a leaderboard column that names a property in lower case ("perceptual quality", "parameter count")
    if known_kind is not None and not (generic_words and not evidence and (
            lowered[-1] in PROPERTY_HEADS
            or (known_kind in (EntityKind.METRIC, EntityKind.DATASET) and not _written_as_title(surfaces)))) and not (
            kind is EntityKind.METRIC and not evidence and len(lowered) > 1 and lowered[-1] in PROPERTY_HEADS
            and label.islower()):
        evidence.append("known")
    if evidence:
        return Judgement(False, tuple(evidence))
    if kind in (EntityKind.CONCEPT, EntityKind.METRIC) and len(words) == 1 and (
            label.islower() or any(map(str.islower, surfaces))):
        # the catch-all kind holds what the model could not call a method, task, dataset or
        # metric; one ordinary word there is a common noun ("water", "land", "species"),
        # which relates papers by topic at best and is no term a researcher looks up; a
        # capital the corpus also drops is a sentence's first letter ("Ecology", "ecology").
        # A metric one looks up is a name ("BLEU") or a known one ("perplexity"); one
        # ordinary word is the quantity a paper measured ("diameter", "survival", "median")
        return Judgement(True, ("common-noun",))
    if generic_words:
        return Judgement(True, ("generic-words",))
    if len(words) > 1 and re.search(r"\s(?:and|or|&)\s", label) and not has_capital_or_digit(label):
        # two things joined in lower case ("computational and memory cost", "community and
        # regional levels") is a phrase the span took whole, not one thing to look up
        return Judgement(True, ("coordination",))
    if kind is EntityKind.CONCEPT and len(lowered) > 1 and lowered[-1] in CONTAINER_HEADS and not has_capital_or_digit(
            label):
        return Judgement(True, ("container",))
    if kind is EntityKind.METRIC and len(words) > 1 and words[-1] in ("metrics", "measures") and label.islower():
        # metrics of a sort, in the plural ("recall metrics", "fairness measures"): no one metric
        return Judgement(True, ("description",))
    if len(lowered) > 1 and lowered[-1] in _DESCRIBED_HEADS and not has_capital_or_digit(label):
        # data described in lower case ("medical datasets", "mathematical reasoning
        # benchmark") is no dataset one could look up; "the Penn Treebank", "COCO dataset"
        # and "WikiText-103" are written as names
        return Judgement(True, ("description",))
    if len(lowered) > 2 and lowered[-1] in CATEGORY_NOUNS and background is not None and (
            background.share(" ".join(words[:-1])) > BACKGROUND_SHARE):
        # a field's name and a category noun: "machine learning technique", "deep learning
        # model", "computer vision method" say which field, not which technique
        return Judgement(True, ("umbrella",))
    if len(label.split()) == 1 and "-" in label and label.split("-")[0].lower() in GENERIC_MODIFIERS:
        # a compound adjective on its own: "high-resolution", "general-purpose", "large-scale"
        return Judgement(True, ("generic-words",))
    core = [w for w in lowered if w not in GENERIC_MODIFIERS]
    if len(core) == 1 and core[0] == lowered[-1] and core[0].endswith(_PROPERTY_SUFFIXES) and len(core[0]) > 7:
        # "compactness", "discriminability", "non-linearity": a property, not a thing
        return Judgement(True, ("property",))
    if len(lowered) > 1 and (lowered[-1] in PROPERTY_HEADS or lowered[0] in GRADING_WORDS or (
            # "spectral properties", a metric's "convergence property"; but "intellectual property" is a thing
            lowered[-1] == "property" and (kind is EntityKind.METRIC or any(
                s.endswith("properties") for s in (label, *surfaces)))) or (
            lowered[-1] in LOWER_CASE_PROPERTY_HEADS and label.islower())):
        # "reconstruction quality", "memory usage": a property of something, not a metric's name
        return Judgement(True, ("property",))
    if share > BACKGROUND_SHARE or (len(lowered) == 1 and share > WORD_SHARE):
        return Judgement(True, (f"background {100 * share:.1f}%",))
    if corpus_share > CORPUS_SHARE:
        return Judgement(True, (f"corpus {100 * corpus_share:.0f}%",))
    return Judgement(False, ())

"""Known names from the SKOS vocabularies in ``ontology/vocabularies/``.

Each ``skos:Concept`` gives a canonical name (``skos:prefLabel``) and aliases
(``skos:altLabel``): a mention of an alias joins the entity of the canonical name, and
the entity is linked to the concept with ``skos:exactMatch``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..extract.gazetteer import MODEL_FAMILY, NAMED_SOURCES, GazetteerEntry, shipped_gazetteer
from ..model import EntityKind
from ..resources import ontology_dir
from ..text.labels import normalise_label

SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Vocabulary:
    """Alias key -> canonical key, and canonical key -> concept IRI."""

    aliases: dict[str, str] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)


def read_vocabularies(paths: Iterable[Path]) -> Vocabulary:
    """Merge SKOS files into one Vocabulary (first file wins a contested alias)."""
    import pyoxigraph as ox

    aliases: dict[str, str] = {}
    concepts: dict[str, str] = {}
    for path in sorted(paths):
        pref: dict[str, str] = {}
        alts: dict[str, list[str]] = {}
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            predicate = triple.predicate.value
            if predicate == SKOS + "prefLabel":
                pref[triple.subject.value] = triple.object.value
            elif predicate == SKOS + "altLabel":
                alts.setdefault(triple.subject.value, []).append(triple.object.value)
        for iri, label in sorted(pref.items()):
            canonical = normalise_label(label)
            if not canonical:
                continue
            concepts.setdefault(canonical, iri)
            for alt in alts.get(iri, ()):
                alias = normalise_label(alt)
                if alias and alias != canonical:
                    aliases.setdefault(alias, canonical)
    return Vocabulary(aliases, concepts)


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The vocabularies packaged with kgraph."""
    return read_vocabularies((ontology_dir() / "vocabularies").glob("*.ttl"))




def known_kinds(entries: Iterable[GazetteerEntry]) -> dict[str, EntityKind]:
    """Resolution key -> kind of every curated name in a gazetteer (its surface and canonical form).

    >>> from kgraph.extract.gazetteer import GazetteerEntry as E
    >>> kinds = known_kinds([E("SQuAD", EntityKind.DATASET, "SQuAD", "pwc_task_datasets"),
    ...                      E("deep learning", EntityKind.CONCEPT, "deep learning", "cso")])
    >>> kinds["SQuAD"], "deep learning" in kinds
    (<EntityKind.DATASET: 'Dataset'>, False)
    """
    kinds: dict[str, EntityKind] = {}
    folded: dict[str, set[EntityKind]] = {}
    for entry in entries:
        if entry.kind is EntityKind.CONCEPT or not entry.source.startswith(NAMED_SOURCES):
            continue
        for text in (entry.surface, entry.canonical):
            key = normalise_label(text)
            if key:
                kinds.setdefault(key, entry.kind)
                folded.setdefault(_FOLDED + key.casefold(), set()).add(entry.kind)
    for key, found in folded.items():
        if len(found) == 1:  # a folded spelling two kinds share decides nothing
            kinds[key] = found.pop()
    return kinds


_FOLDED = "\x1f"  # marks a case-folded key: no label holds this character


def known_kind(known: Mapping[str, EntityKind], key: str) -> EntityKind | None:
    """The kind of a known name, also when it is written in another case ("mIoU" for "mIOU").

    The case-folded form counts only for a name written with capitals inside it, where case
    is a spelling and not a meaning: "arc" stays a word even though "ARC" is a dataset.

    >>> from kgraph.extract.gazetteer import GazetteerEntry as E
    >>> known = known_kinds([E("mIOU", EntityKind.METRIC, "mIOU", "pwc_task_metrics"),
    ...                      E("ARC", EntityKind.DATASET, "ARC", "pwc_task_datasets")])
    >>> known_kind(known, "mIoU"), known_kind(known, "arc")
    (<EntityKind.METRIC: 'Metric'>, None)
    >>> [known_kind(known, k) is EntityKind.METHOD for k in ("Qwen2.5", "llama 3", "DINOv2", "phi 3 mini", "phi")]
    [True, True, True, True, False]
    >>> [known_kind(known, k).value for k in ("claude opus 4.5", "OpenAI o1", "o3 mini", "codex", "RTX 5090",
    ...                                       "A100 GPU")]
    ['Method', 'Method', 'Method', 'Method', 'Concept', 'Concept']
    >>> known_kind(known, "DeepSeek R1 Distill Llama 8B").value, known_kind(known, "NVIDIA").value
    ('Method', 'Concept')
    >>> known_kind(known, "Claude"), known_kind(known, "o2"), known_kind(known, "codec"), known_kind(known, "OPUS 100")
    (None, None, None, None)
    >>> known_kind(known, "Opus 4.6").value
    'Method'
    """
    found = known.get(key)
    if found is None and any(map(str.isupper, key[1:])):
        found = known.get(_FOLDED + key.casefold())
    if found is None and MODEL_FAMILY.fullmatch(key):
        found = EntityKind.METHOD
    if found is None and (_HARDWARE.fullmatch(key) or key.casefold() in _ORGANISATIONS):
        found = EntityKind.CONCEPT
    return found


# Companies and platforms that abstracts name as where a model or data comes from: not a
# dataset or a method ("NVIDIA", "Google", "Hugging Face")
_ORGANISATIONS = frozenset({"nvidia", "google", "openai", "anthropic", "meta", "microsoft", "amazon", "apple",
                            "huggingface", "hugging face", "alibaba", "baidu", "tencent", "bytedance", "deepmind",
                            "google deepmind", "meta ai", "ibm"})
# Accelerators and devices: what a paper ran on, not a method or a dataset ("RTX 5090",
# "A100 GPUs" once plurals are folded, "TPU v4", "Jetson Orin")
_HARDWARE = re.compile(
    r"(?:(?i:nvidia )?(?i:geforce )?(?i:rtx|gtx) ?\d{3,4}(?: ?ti)?"
    r"|(?i:nvidia )?[AHBV]100|H200|A6000|(?i:tpu) ?v?\d\w*|(?i:jetson)(?: \w+)?)(?i: gpus?)?"
)


@lru_cache(maxsize=1)
def shipped_known_kinds() -> dict[str, EntityKind]:
    """:func:`known_kinds` of the gazetteer packaged with kgraph."""
    return known_kinds(shipped_gazetteer())

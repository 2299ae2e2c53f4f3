"""The one place where kgraph's spaCy components are registered.

Each factory below names a component for ``nlp.add_pipe``. spaCy finds them through the
``spacy_factories`` entry points in ``pyproject.toml`` (so ``spacy.load`` of a saved
kgraph pipeline works without importing kgraph first), and
:func:`kgraph.extract.pipeline.build_pipeline` imports this module explicitly.

spaCy imports every entry-point factory each time a ``Language`` is made, so this module
must stay cheap to import: the two model components (onnxruntime, the CNN tagger) are
imported inside their factories, when a pipeline asks for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language

from .gazetteer import GazetteerMatcher, read_gazetteer, shipped_gazetteer, shipped_places
from .rules import AcronymDefinitions, CueRules
from .select import Selector

if TYPE_CHECKING:
    from .fast import BioTagDecoder, EntsToCandidates
    from .transformer import TransformerExtractor

#: Every factory this module registers (checked against the entry points by a test).
FACTORIES: tuple[str, ...] = (
    "kgraph_transformer",
    "kgraph_bio_tags",
    "kgraph_ents_to_candidates",
    "kgraph_gazetteer",
    "kgraph_acronyms",
    "kgraph_rules",
    "kgraph_select",
)


@Language.factory(
    "kgraph_transformer",
    default_config={"model_dir": "", "batch_size": 64, "sentence_batch_size": 1, "max_batch_tokens": 512,
                    "num_threads": 1},
)
def make_transformer(nlp: Language, name: str, model_dir: str, batch_size: int, sentence_batch_size: int,
                     max_batch_tokens: int, num_threads: int) -> TransformerExtractor:
    """The accurate tier's model (see :class:`~kgraph.extract.transformer.TransformerExtractor`)."""
    from .transformer import TransformerExtractor

    return TransformerExtractor(nlp, name, model_dir, batch_size, sentence_batch_size, max_batch_tokens, num_threads)


@Language.factory("kgraph_bio_tags", default_config={"tagger": "tagger", "batch_size": 256})
def make_bio_tags(nlp: Language, name: str, tagger: str, batch_size: int) -> BioTagDecoder:
    """The fast tier's decoder (see :class:`~kgraph.extract.fast.BioTagDecoder`)."""
    from .fast import BioTagDecoder

    return BioTagDecoder(nlp, name, tagger=tagger, batch_size=batch_size)


@Language.factory("kgraph_ents_to_candidates")
def make_ents_to_candidates(nlp: Language, name: str) -> EntsToCandidates:
    """``doc.ents`` of a transition-based fast model as the model's candidates."""
    from .fast import EntsToCandidates

    return EntsToCandidates()


@Language.factory("kgraph_gazetteer", default_config={"path": ""})
def make_gazetteer(nlp: Language, name: str, path: str) -> GazetteerMatcher:
    """The known-names matcher, from ``path`` or, when empty, from the shipped gazetteer."""
    entries = read_gazetteer(Path(path)) if path else shipped_gazetteer()
    return GazetteerMatcher(nlp, entries, shipped_places())


@Language.factory("kgraph_acronyms")
def make_acronyms(nlp: Language, name: str) -> AcronymDefinitions:
    """Acronym definitions and their later uses."""
    return AcronymDefinitions()


@Language.factory("kgraph_rules")
def make_rules(nlp: Language, name: str) -> CueRules:
    """Cue-word rules for dataset names."""
    return CueRules()


@Language.factory("kgraph_select", default_config={"known_datasets": False})
def make_selector(nlp: Language, name: str, known_datasets: bool) -> Selector:
    """The last component: one span per stretch of text, into ``doc.spans["kgraph"]``
    (``known_datasets``: see :class:`~kgraph.extract.select.Selector`)."""
    return Selector(known_datasets=known_datasets)

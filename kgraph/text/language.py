"""Which language an abstract is written in, from the stop words of spaCy's languages.

The extractors are trained on English; a French abstract gives them nothing to find but
its function words ("nous", "Dans", "Les"), which then become entities and name
communities. An abstract's function words tell its language reliably: English prose is
about 40 % stop words, and each language's are its own.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

#: Languages told apart (spaCy ships their stop word lists); others count as not English.
LANGUAGES = ("en", "fr", "de", "es", "pt", "it", "nl")
#: Texts shorter than this many words are taken as English: too few words to tell.
MIN_WORDS = 12
_WORD = re.compile(r"[^\W\d_]+")


def _stop_list(lang: str) -> frozenset[str]:
    """spaCy's stop words of ``lang``, read from its ``stop_words`` module alone.

    Importing ``spacy.lang.fr.stop_words`` would run ``spacy.lang.fr`` first, whose
    tokenizer exceptions compile for ~1.7 s; a rebuild with a hundred new papers asks
    for the lists and nothing else of those languages.
    """
    path = Path(importlib.import_module("spacy.lang").__path__[0]) / lang / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_kgraph_stop_words_{lang}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no stop words for {lang!r} at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    lists = {lang: _stop_list(lang) for lang in LANGUAGES}
    # a word several languages share ("a", "on", "de") tells none of them apart
    counts: dict[str, int] = {}
    for words in lists.values():
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    return {lang: frozenset(w for w in words if counts[w] == 1) for lang, words in lists.items()}


def guess_language(text: str) -> str:
    """The language code of ``text`` among :data:`LANGUAGES`, or ``"en"`` when it is too short to tell.

    >>> guess_language("We propose a new method for the detection of objects in images and show that it works.")
    'en'
    >>> guess_language("Nous proposons une nouvelle méthode pour la détection des objets dans les images.")
    'fr'
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return "en"
    hits = {lang: sum(w in stops for w in words) for lang, stops in _stop_words().items()}
    best = max(LANGUAGES, key=lambda lang: (hits[lang], lang == "en"))
    return best if hits[best] > hits["en"] else "en"

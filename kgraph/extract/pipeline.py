"""Assemble the extraction pipeline and turn processed Docs into Mentions.

Running it over many papers (worker processes, Dask) is :mod:`kgraph.run`'s job.

Tiers
-----
``accurate``
    The shipped transformer (ONNX) plus gazetteer, acronym and cue-word components.
``fast``
    The shipped spaCy CNN model plus the same components.
``rules``
    Gazetteer, acronyms and cue words only: no trained model.
"""

from __future__ import annotations

import bisect

import spacy
from spacy.attrs import SENT_START  # type: ignore[import-not-found]  # spaCy ships no stub for spacy.attrs
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ModelError
from ..model import Field, Mention
from ..resources import PACKAGE_DIR, files_digest, model_dir
from . import components  # noqa: F401  (registers the factories of every component added below)
from .base import SELECTED, kind_of, model_knows_datasets, tokens_of
from .kinds import refine_kind

TIERS = ("accurate", "fast", "rules")


def tier_available(tier: str) -> bool:
    """Whether the trained model a tier needs is installed with the package."""
    if tier == "rules":
        return True
    if tier == "accurate":
        return (model_dir("accurate") / "model.onnx").is_file()
    return (model_dir("fast") / "config.cfg").is_file()


def model_version(tier: str) -> str:
    """``name@hash`` of a tier's model files (the hash changes whenever the model does)."""
    import json

    if tier == "rules":
        from ..resources import data_file

        files = [data_file("gazetteer.tsv.gz"), data_file("places.tsv.gz")]  # places mend the spans they cut
        name = "kgraph-rules"
    else:
        folder = model_dir(tier)
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        config = folder / ("config.json" if tier == "accurate" else "meta.json")
        name = json.loads(config.read_text()).get("name", f"kgraph-{tier}") if config.is_file() else f"kgraph-{tier}"
    return f"{name}@{files_digest(files)}"


#: Modules of ``kgraph/extract`` that turn no text into mentions: result statements and
#: relations are made from the mentions and cached under keys of their own
#: (:func:`results_code_version`, :func:`kgraph.extract.relate.relation_model_version`), the
#: rest serve the CLI.
NOT_EXTRACTION = frozenset({"results.py", "relate.py", "relations.py", "annotate.py", "scoring.py"})


def extraction_code_version() -> str:
    """A hash of the code that turns text into mentions (``kgraph/extract`` but
    :data:`NOT_EXTRACTION`, and ``kgraph/text``): a build reuses cached mentions only when it
    is the same, so a rebuild after an upgrade, even within one version number, equals a
    fresh build; new result rules or relation code alone re-extract nothing."""
    return files_digest(sorted([*(p for p in (PACKAGE_DIR / "extract").glob("*.py") if p.name not in NOT_EXTRACTION),
                                *(PACKAGE_DIR / "text").glob("*.py")]))


def results_code_version() -> str:
    """A hash of the result-statement rules (``kgraph/extract/results.py``): cached result
    statements are reused only under the same rules."""
    return files_digest([PACKAGE_DIR / "extract" / "results.py"])


def default_tier() -> str:
    """``accurate`` when its model is shipped, else ``rules``."""
    return "accurate" if tier_available("accurate") else "rules"


def check_tier(tier: str | None) -> str:
    """The tier to use (None picks :func:`default_tier`).

    Raises
    ------
    ModelError
        For an unknown tier or one whose model is not installed.
    """
    tier = tier or default_tier()
    if tier not in TIERS:
        raise ModelError(f"unknown extractor tier {tier!r}; choose one of {', '.join(TIERS)}")
    if not tier_available(tier):
        raise ModelError(f"the {tier!r} model is not installed at {model_dir(tier)}; see README 'Models'")
    return tier


def build_pipeline(tier: str | None = None, *, gazetteer: bool = True, model_only: bool = False,
                   threads: int = 1) -> Language:
    """A spaCy pipeline that writes ``doc.spans["kgraph"]``.

    Parameters
    ----------
    tier
        ``accurate``, ``fast`` or ``rules``; None picks :func:`default_tier`.
    gazetteer
        Add the known-names matcher (Papers with Code, CSO).
    threads
        Intra-op threads of the transformer (accurate tier); one per worker is fastest
        when several worker processes run.
    model_only
        Stop after the trained model (for ``kgraph annotate``/``evaluate``): spans stay in
        ``doc.spans["model"]`` with their SciERC labels.

    Raises
    ------
    ModelError
        When the tier's model is not installed.
    """
    tier = check_tier(tier)
    if tier == "fast":
        from .fast import load_fast  # imported when used: the CNN model's code

        nlp = load_fast(model_dir("fast"))
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        if tier == "accurate":
            nlp.add_pipe("kgraph_transformer", config={"num_threads": threads})
    nlp.meta["kgraph_tier"] = tier
    nlp.meta["kgraph_model"] = model_version(tier)
    if model_only:
        if tier == "rules":
            raise ModelError("the rules tier has no trained model to annotate with; use --tier accurate or --fast")
        return nlp
    if gazetteer:
        nlp.add_pipe("kgraph_gazetteer")
    nlp.add_pipe("kgraph_acronyms")
    nlp.add_pipe("kgraph_rules")
    # the fast tier's model calls known datasets methods; the accurate tier's reads them better
    nlp.add_pipe("kgraph_select", config={"known_datasets": tier == "fast"})
    return nlp


def doc_mentions(doc: Doc, paper_id: str, field: Field) -> list[Mention]:
    """The selected spans of a processed Doc as Mentions with offsets and sentence index."""
    group = doc.spans.get(SELECTED, [])
    if not group:
        return []
    tokens = tokens_of(doc)  # built once per Doc; Span.text makes a Token object per token
    text, words, offsets = tokens.text, tokens.words, tokens.starts
    # sentence starts from the SENT_START column (Doc.sents makes a Span per sentence)
    if doc.has_annotation("SENT_START"):
        flags = doc.to_array(SENT_START)
        starts = [0, *(int(i) for i in (flags[1:] == 1).nonzero()[0] + 1)]
    else:
        starts = [0]
    bounds: dict[int, tuple[int, int]] = {}
    knows_datasets = model_knows_datasets(doc)
    extractors = group.attrs.get("extractors", [])
    scores = group.attrs.get("scores", [])
    mentions = []
    for i, span in enumerate(group):
        kind = kind_of(span.label_)
        if kind is None:
            continue
        first, last = span.start, span.end - 1
        start, end = offsets[first], offsets[last] + len(words[last])
        surface = text[start:end]
        kind = refine_kind(span.label_, kind, surface, knows_datasets)
        index = bisect.bisect_right(starts, first) - 1
        if index not in bounds:
            final = (starts[index + 1] if index + 1 < len(starts) else len(words)) - 1
            bounds[index] = (offsets[starts[index]], offsets[final] + len(words[final]))
        mentions.append(
            Mention(
                paper_id=paper_id,
                field=field,
                start=start,
                end=end,
                text=surface,
                kind=kind,
                sentence=index,
                extractor=extractors[i] if i < len(extractors) else "unknown",
                confidence=round(float(scores[i]), 4) if i < len(scores) else 1.0,
                label=span.label_,
                sentence_span=bounds[index],
            )
        )
    return mentions

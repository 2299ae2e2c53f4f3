"""One build, stage by stage: read -> extract -> resolve -> link -> communities.

:func:`build_data` runs the stages and returns the build's data; it writes nothing but
the mention cache. The CLI and :func:`kgraph.build` then hand the data to
:func:`kgraph.export.outputs.save_build`, which writes every output.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .cache import MentionCache, payload_rows
from .errors import InputError, KGraphError, OptionError
from .extract.pipeline import build_pipeline, check_tier, extraction_code_version, model_version, results_code_version
from .extract.relate import relation_model_version, relations_available, relations_of_papers
from .extract.results import find_results
from .graph.communities import communities_of
from .graph.data import GraphData, entities_by_paper, link_free_properties
from .graph.links import PAIR_DF, paper_links
from .graph.trends import date_from_arxiv_id
from .mentions import MentionColumns, MentionTable, by_paper, mentions_at, paper_rows, pick
from .model import Field, Mention, Paper, Relation, Result
from .process import fewer_collections, forked_beside
from .readers import ReadReport, read_papers
from .resolve.entities import (
    TextKeys,
    corpus_acronym_tables,
    decode_text_keys,
    encode_text_keys,
    keys_version,
    resolve,
    text_keys,
)
from .resolve.specificity import shipped_background
from .resolve.thesaurus import read_thesaurus
from .resolve.vocabularies import shipped_known_kinds, shipped_vocabulary
from .run.local import extract_mentions, resolve_processes
from .text.language import guess_language
from .version import __version__

#: Mention texts per chunk when the Dask engine keys them for resolution: keying a text
#: takes a few µs, so a chunk must be large to be worth a task.
TEXTS_PER_CHUNK = 20_000
#: Papers from which a build forks work that needs only part of its data (the acronyms
#: beside the extraction, the rankings beside the linking): below it the fork costs more.
PARALLEL_MIN_PAPERS = 5_000

Progress = Callable[[str, int], Callable[[], None]]
"""Start a progress task named by a string with a total; returns the per-item callback."""


@dataclass(frozen=True)
class BuildOptions:
    """What changes a build's result (and so its fingerprint)."""

    tier: str | None = None
    top_k: int = 10
    max_df: float = 0.25
    pair_df: int | None = PAIR_DF
    fmt: str | None = None
    thesaurus: Path | None = None
    processes: int | str = "auto"  # extraction workers; never changes the result
    engine: str = "local"  # "local" (worker processes) or "dask"; never changes the result
    scheduler: str | None = None  # Dask scheduler address; None starts a LocalCluster
    relations: bool = True  # predict typed relations (when the relation model is installed)


@dataclass
class BuildSummary:
    """What a build did, for the CLI to print."""

    report: ReadReport = field(default_factory=ReadReport)
    tier: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict)
    store: dict[str, int] = field(default_factory=dict)  # an in-place update: blocks changed, triples removed/added
    dropped_mentions: int = 0  # removed by the thesaurus, or nothing of a name left
    years: dict[str, int] = field(default_factory=dict)  # papers whose year came from: record, arxiv_id, none;
    # and with_month: papers with a month


def _fingerprint(options: BuildOptions, tier: str, model: str) -> str:
    thesaurus = hashlib.sha1(options.thesaurus.read_bytes()).hexdigest() if options.thesaurus else None
    blob = json.dumps({"kgraph": __version__, "tier": tier, "model": model, "top_k": options.top_k,
                       "max_df": options.max_df, "pair_df": options.pair_df, "thesaurus": thesaurus,
                       "relations": relation_model_version(tier) if options.relations else ""}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def extraction_fingerprint(tier: str, model: str) -> str:
    """What a paper's mentions depend on besides its text: kgraph and its extraction code,
    tier, model and gazetteer."""
    blob = json.dumps([__version__, extraction_code_version(), tier, model, model_version("rules")])
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def _dated(papers: Sequence[Paper], summary: BuildSummary) -> list[Paper]:
    """Papers without a year in their record get the year of their arXiv identifier, and
    the month too where the record gives none and the years agree; the sources of years
    are counted, and the papers with a month (a paper with neither keeps no year: nothing
    is guessed)."""
    out, counts = [], Counter({"record": 0, "arxiv_id": 0, "none": 0, "with_month": 0})
    for paper in papers:
        date = date_from_arxiv_id(paper.arxiv_id)
        if paper.year is not None:
            counts["record"] += 1
        elif date is not None:
            paper = replace(paper, year=date[0])
            counts["arxiv_id"] += 1
        else:
            counts["none"] += 1
        if paper.month is None and date is not None and date[0] == paper.year:
            paper = replace(paper, month=date[1])
        counts["with_month"] += paper.month is not None
        out.append(paper)
    summary.years = dict(counts)
    return out


def _english_only(papers: Sequence[Paper], report: ReadReport) -> list[Paper]:
    """The papers whose abstract is English; the others are reported in one warning.

    The models know English only: a French abstract would give its function words as
    entities. Such papers stay in the graph, without mentions.
    """
    language = {p.id: guess_language(p.abstract) for p in papers}
    english = [p for p in papers if language[p.id] == "en"]
    other = [p for p in papers if language[p.id] != "en"]
    if other:
        languages = Counter(language[p.id] for p in other)
        examples = "; ".join(f"{p.sources[0] if p.sources else p.id}" for p in other[:3])
        report.problem(InputError(
            f"{len(other)} papers not in English ({', '.join(f'{k} {n}' for k, n in languages.most_common())}) "
            f"are kept without extracting from them, e.g. {examples}"), skipped=0)
    return english


def _extraction_failed(papers: Sequence[Paper], report: ReadReport) -> Callable[[str, str], None]:
    """An ``on_error`` for extraction that warns with the failing paper's file and line."""
    where = {p.id: p.sources[0] for p in papers if p.sources}

    def failed(paper_id: str, message: str) -> None:
        source = where.get(paper_id)
        report.problem(InputError(f"extraction failed on paper {paper_id!r} ({message}); it is kept without mentions",
                                  source.path if source else None, source.line if source else None), skipped=0)

    return failed


@fewer_collections
def build_data(
    paths: Sequence[str | Path],
    options: BuildOptions = BuildOptions(),
    *,
    summary: BuildSummary | None = None,
    progress: Progress | None = None,
    cache_path: Path | None = None,
    shard_dir: Path | None = None,
    on_stage: Callable[[str, float], None] | None = None,
) -> GraphData:
    """Read, extract, resolve and link; return the build's data.

    With ``cache_path`` (an SQLite file, see :mod:`kgraph.cache`) papers extracted by an
    earlier build with the same pipeline are not extracted again; nothing else is written.
    ``shard_dir`` is where the Dask engine's workers leave their shards (a temporary
    folder by default; see :mod:`kgraph.run.dask_engine`). ``on_stage(name, seconds)``
    is called as each stage ends.
    """
    summary = summary if summary is not None else BuildSummary()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.timings[stage] = now - clock
        clock = now
        if on_stage is not None:
            on_stage(stage, summary.timings[stage])

    papers = read_papers(paths, summary.report, fmt=options.fmt)
    if not papers:  # before the cache is touched: an empty read must not empty an earlier build
        problems = summary.report.problems
        first = f" ({len(problems)} problem{'s' * (len(problems) > 1)}, the first: {problems[0]})" if problems else ""
        names = ", ".join(str(p) for p in paths) or "no input"
        raise InputError(f"no papers read from {names}{first}; nothing was built")
    papers = _dated(papers, summary)
    lap("read")
    # the corpus's acronyms need its text alone: they are worked out beside the extraction
    with forked_beside(corpus_acronym_tables, papers, when=len(papers) >= PARALLEL_MIN_PAPERS) as acronyms:
        summary.tier = check_tier(options.tier)
        model = model_version(summary.tier)
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
        cache = (MentionCache(cache_path, extraction_fingerprint(summary.tier, model),
                              relation_model_version(summary.tier), results_code_version())
                 if cache_path is not None else None)
        cached = cache.cached_ids(papers) if cache is not None else set()
        todo = [p for p in papers if p.id not in cached]
        todo = _english_only(todo, summary.report)
        found: Iterable[Mention] = ()
        if todo:  # loading a model takes seconds: not when every paper is cached
            tick = progress("Extracting", len(todo)) if progress else None
            if options.engine == "dask":
                from .run.dask_engine import extract_on_dask  # an optional extra: imported only when used

                found = extract_on_dask(todo, summary.tier, scheduler=options.scheduler, shard_dir=shard_dir,
                                        on_paper=tick, on_error=_extraction_failed(todo, summary.report))
            elif options.engine == "local":
                found = extract_mentions(todo, nlp=build_pipeline(summary.tier), on_paper=tick,
                                         processes=options.processes, on_error=_extraction_failed(todo, summary.report))
            else:
                raise OptionError(f"engine must be 'local' or 'dask', not {options.engine!r}")
        mentions = _mention_table(papers, cached, found, cache)
        if cache is not None:
            summary.cache = {"reused": len(cached), "extracted": len(todo), "dropped": cache.keep_only(papers)}
            cache.commit()  # the costly part is safe before relations start
        del cached
        lap("extract")
        relations = _relations(papers, mentions, cache, progress, options, summary.tier,
                               shard_dir) if options.relations else ()
        if cache is not None:
            cache.commit()
        lap("relations")
        thesaurus = None
        if options.thesaurus is not None:
            thesaurus, problems = read_thesaurus(options.thesaurus)
            for problem in problems:
                summary.report.problem(problem, skipped=0)
        keys = _text_keys(mentions, cache, options)
    resolution = resolve(papers, mentions, shipped_vocabulary(), thesaurus, known=shipped_known_kinds(),
                         background=shipped_background(), keys=keys,
                         acronyms=acronyms.result() if acronyms is not None else None)
    del keys
    # a mention the thesaurus removed, or of which no name is left, is no mention
    mention_entity = resolution.mention_entity
    kept = np.flatnonzero(np.fromiter(map(bool, mention_entity), dtype=bool, count=len(mention_entity)))
    summary.dropped_mentions = len(mentions) - len(kept)
    if len(kept) < len(mentions):
        mentions = mentions.take(kept)
        mention_entity = tuple(pick(mention_entity, kept))
    lap("resolve")
    # a thesaurus decides which mentions stay by the corpus's acronyms (an expansion it
    # removes): a paper's results then depend on more than its own text
    results = tuple(paper_results(papers, mentions, cache if thesaurus is None else None))
    if cache is not None:
        cache.close()
    lap("results")
    # the rankings and co-occurrences the outputs read need no links: made beside the linking
    with forked_beside(link_free_properties, papers, mentions, mention_entity, resolution.entities,
                       when=len(papers) >= PARALLEL_MIN_PAPERS) as link_free:
        # generic entities ("training data") keep their mentions but explain no link and
        # shape no community
        specific = {e.id for e in resolution.entities if not e.generic}
        # every paper, with its entities or none: the link weights count the corpus's papers
        paper_entities = {p.id: () for p in papers} | entities_by_paper(mentions.column("paper_id"), mention_entity,
                                                                          keep=specific)
        links = paper_links(paper_entities, top_k=options.top_k, max_df=options.max_df, pair_df=options.pair_df)
        lap("link")
        communities = communities_of(papers, [e for e in resolution.entities if e.id in specific], paper_entities,
                                     links)
        link_free_values = link_free.result() if link_free is not None else {}
    lap("communities")
    meta = {
        "kgraph_version": __version__,
        "tier": summary.tier,
        "model": model,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "fingerprint": _fingerprint(options, summary.tier, model),
        "options": {"top_k": options.top_k, "max_df": options.max_df, "pair_df": options.pair_df},
        "inputs": [str(p) for p in paths],
        "years": summary.years,
    }
    data = GraphData(tuple(papers), mentions, mention_entity, resolution.entities,
                     links, dict(resolution.ambiguous_acronyms), meta, communities, relations=relations,
                     results=results)
    data.adopt(link_free_values)
    return data


def _text_keys(mentions: MentionTable, cache: MentionCache | None,
               options: BuildOptions) -> dict[str, TextKeys] | None:
    """The :class:`~kgraph.resolve.entities.TextKeys` of every distinct mention text: those
    an earlier build left in ``cache`` read back, the others worked out (on the cluster
    with the Dask engine) and cached. None without a cache or a cluster: resolution then
    works them out as it goes, which gives the same entities.

    Keying the texts is a fifth of resolution; a rebuild that adds a hundred papers to
    50,000 has a few thousand new texts among a million.
    """
    if cache is None and options.engine != "dask":
        return None
    version = keys_version()
    texts = set(mentions.column("text"))
    keys: dict[str, TextKeys] = {}
    gone = []
    for text, payload in cache.text_payloads(version) if cache is not None else ():
        if text in texts:
            keys[text] = decode_text_keys(payload)
        else:
            gone.append(text)
    missing = sorted(texts.difference(keys))
    del texts
    if options.engine == "dask" and missing:
        from .run.dask_engine import DaskMap

        with DaskMap(text_keys, options.scheduler) as keyed:
            chunks = (missing[i : i + TEXTS_PER_CHUNK] for i in range(0, len(missing), TEXTS_PER_CHUNK))
            fresh = list(itertools.chain.from_iterable(keyed(chunks)))
    else:
        fresh = text_keys(missing)
    keys.update(zip(missing, fresh, strict=True))
    if cache is not None:
        cache.drop_text_payloads(gone)
        cache.put_text_payloads(version, ((text, row) for text, made in zip(missing, fresh)
                                          if (row := encode_text_keys(made)) is not None))
    return keys


def _relations(papers: Sequence[Paper], mentions: MentionTable, cache: MentionCache | None,
               progress: Progress | None, options: BuildOptions, tier: str,
               shard_dir: Path | None = None) -> tuple[Relation, ...]:
    """Every paper's relation statements by ``tier``'s relation model: cached ones reused, the
    others predicted (and cached), in worker processes or on the Dask cluster as
    ``options.engine`` says.

    None when the relation model is not installed: the graph then has no typed relations.
    """
    if not relations_available(tier):
        return ()
    known = cache.get_relations(papers) if cache is not None else {}
    todo = [p for p in papers if p.id not in known]
    tick = progress("Relations", len(todo)) if progress and todo else None
    items = list(by_paper(todo, mentions))
    found: Iterable[list[Relation]]
    if options.engine == "dask" and todo:
        from .run.dask_engine import relations_on_dask  # an optional extra: imported only when used

        found = relations_on_dask(items, tier, scheduler=options.scheduler, shard_dir=shard_dir, on_paper=tick)
    else:
        found = relations_of_papers(items, resolve_processes(options.processes, "accurate", len(todo)), tick, tier)
    for paper, relations in zip(todo, found):
        known[paper.id] = relations
        if cache is not None:
            cache.put_relations(paper, relations)
    return tuple(r for p in papers for r in known.get(p.id, ()))


def paper_results(papers: Sequence[Paper], mentions: MentionTable | Sequence[Mention],
                  cache: MentionCache | None = None) -> Iterable[Result]:
    """The result statements of every abstract (:func:`~kgraph.extract.results.find_results`).

    With ``cache``, a paper's results are read from it where an earlier build left them
    (they are a function of the abstract and its mentions, which the cache keys and keeps
    together), and the others are found and cached.
    """
    rows = paper_rows(mentions)
    for paper in papers:
        if not paper.abstract:
            continue
        known = cache.get_results(paper) if cache is not None else None
        if known is None:
            indices = rows.get(paper.id)
            found = mentions_at(mentions, indices) if indices is not None else []
            known = find_results(paper.abstract, [m for m in found if m.field is Field.ABSTRACT], paper.id,
                                 paper.title)
            if cache is not None:
                cache.put_results(paper, known)
        yield from known


def _mention_table(papers: Sequence[Paper], cached: Container[str], found: Iterable[Mention],
                   cache: MentionCache | None) -> MentionTable:
    """Every paper's mentions in paper order, as one table: those of the ``cached`` papers
    read from ``cache``, the others taken from ``found`` (fresh ones, in paper order) and cached.

    One paper's Mention objects (and cached JSON) exist at a time: at a million papers
    their objects would take tens of gigabytes, the table about 1.5 GB.
    """
    table = MentionColumns()
    fresh = iter(found)
    pending = next(fresh, None)
    for paper in papers:
        if cache is not None and paper.id in cached:
            payload = cache.payload(paper)
            if payload is None:  # gone since cached_ids(): another build shares the cache
                raise KGraphError(f"{cache.path}: the cached mentions of {paper.id!r} vanished during the build")
            table.extend_rows(paper.id, payload_rows(payload))
            continue
        own = []
        while pending is not None and pending.paper_id == paper.id:
            own.append(pending)
            pending = next(fresh, None)
        table.extend(own)
        if cache is not None:
            cache.put(paper, own)
    if pending is not None:  # extraction yields in paper order: anything left is a bug, not data to drop
        raise KGraphError(f"extraction returned a mention of paper {pending.paper_id!r} out of order")
    return table.freeze()

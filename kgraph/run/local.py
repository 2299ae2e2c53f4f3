"""Extraction on several cores: worker processes that send back Mentions, never Docs.

Forked workers (Linux) inherit the parent's loaded pipeline, copy on write; elsewhere,
or when the parent's onnxruntime session has several threads, each worker builds the
tier's pipeline once (one onnxruntime thread). Workers receive chunks of papers as plain
``(id, title, abstract)`` tuples. It
returns the Mentions of every paper, which pickle in a few hundred bytes each: sending
whole spaCy Docs back, as ``nlp.pipe(n_process=...)`` does, made extraction ~7x slower
than one process on this kind of machine.

Results come back in input order and are identical to a single-process run: a chunk
holds ``batch_size // 2`` papers, i.e. exactly the title+abstract docs of one
``nlp.pipe`` batch of the in-process path, so the transformer even sees the same
batches.

One text the pipeline fails on (spaCy refuses texts over ``nlp.max_length``, E088)
never ends the run: its batch is run again one text at a time, the failing text gives
no mentions, and ``on_error`` hears the paper's id and why.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

from spacy.language import Language

from ..errors import OptionError
from ..extract.pipeline import build_pipeline, doc_mentions
from ..model import Field, Mention, Paper

__all__ = ["PipelineSpec", "Processes", "extract_mentions", "pipeline_spec", "resolve_processes"]

#: ``"auto"`` or a number of worker processes (1 = in this process, no pool).
Processes = int | str

#: Fewest papers for which ``"auto"`` starts a pool, per tier. A forked worker starts in
#: milliseconds, but a spawned one rebuilds the pipeline (~2-4 s), and every chunk pays
#: for pickling its Mentions: with two busy cores, 2,000 papers of the cheap rules tier
#: took 9.4 s in two processes vs 7.2 s in one (fast: 31.0 vs 32.2 s; idle cores: ~2x).
AUTO_MIN_PAPERS: dict[str, int] = {"accurate": 60, "fast": 300, "rules": 5000}

#: A paper as sent to a worker.
PaperText = tuple[str, str, str]
#: Told ``(paper id, what failed)`` when the pipeline fails on a paper's title or abstract.
OnError = Callable[[str, str], None]
_log = logging.getLogger(__name__)


def log_error(paper_id: str, message: str) -> None:
    """The default ``on_error``: a logged warning (the builder passes one that adds a warning to its report)."""
    _log.warning("extraction failed on paper %s (%s); it is kept without mentions", paper_id, message)


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to rebuild the parent's pipeline with :func:`build_pipeline`."""

    tier: str
    gazetteer: bool = True


def pipeline_spec(nlp: Language) -> PipelineSpec | None:
    """The spec of a pipeline made by :func:`build_pipeline`, or None for any other pipeline.

    Parameters
    ----------
    nlp : Language
        A pipeline; only ones carrying ``meta["kgraph_tier"]`` and ending in
        ``kgraph_select`` can be rebuilt in a worker.

    Returns
    -------
    PipelineSpec or None
    """
    tier = nlp.meta.get("kgraph_tier")
    if not tier or not nlp.pipe_names or nlp.pipe_names[-1] != "kgraph_select":
        return None
    return PipelineSpec(tier, "kgraph_gazetteer" in nlp.pipe_names)


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_processes(processes: Processes, tier: str, n_papers: int) -> int:
    """The number of processes to use.

    Parameters
    ----------
    processes : int or "auto"
        A positive number is used as given. ``"auto"`` uses every usable CPU, unless the
        corpus is too small to pay for starting the workers (:data:`AUTO_MIN_PAPERS`).
    tier : str
        The pipeline's tier (decides the start-up break-even for ``"auto"``).
    n_papers : int
        Papers to extract (a lower bound is enough).

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ValueError
        When ``processes`` is neither ``"auto"`` nor a positive integer.
    """
    if processes == "auto":
        cpus = usable_cpus()
        return cpus if cpus > 1 and n_papers >= AUTO_MIN_PAPERS.get(tier, 1000) else 1
    try:
        count = int(processes)
    except (TypeError, ValueError):
        raise OptionError(f"processes must be 'auto' or a positive integer, not {processes!r}") from None
    if count < 1:
        raise OptionError(f"processes must be 'auto' or a positive integer, not {processes!r}")
    return count


def _texts(papers: Iterable[PaperText]) -> Iterator[tuple[str, tuple[str, Field]]]:
    for paper_id, title, abstract in papers:
        yield title, (paper_id, Field.TITLE)
        yield abstract, (paper_id, Field.ABSTRACT)


def paper_mentions(nlp: Language, papers: Iterable[PaperText], batch_size: int = 64,
                   on_error: OnError = log_error) -> Iterator[list[Mention]]:
    """The Mentions of each paper (title first, then abstract), one list per paper, in order.

    Papers go through ``nlp.pipe`` one batch (``batch_size`` texts) at a time; a batch
    that fails is run again text by text, and a text that still fails gives no mentions
    and one call of ``on_error`` (a logged warning by default).
    """
    stream = iter(papers)
    while chunk := list(islice(stream, max(1, batch_size // 2))):
        try:
            found = _batch_mentions(nlp, chunk, batch_size)
        except Exception:  # find the text at fault, keep the others
            found = [_one_by_one(nlp, paper, on_error) for paper in chunk]
        yield from found


def _batch_mentions(nlp: Language, papers: list[PaperText], batch_size: int) -> list[list[Mention]]:
    found: list[list[Mention]] = []
    current: list[Mention] = []
    for doc, (paper_id, field) in nlp.pipe(_texts(papers), as_tuples=True, batch_size=batch_size):
        current.extend(doc_mentions(doc, paper_id, field))
        if field is Field.ABSTRACT:
            found.append(current)
            current = []
    return found


def _one_by_one(nlp: Language, paper: PaperText, on_error: OnError) -> list[Mention]:
    mentions: list[Mention] = []
    for text, (paper_id, field) in _texts([paper]):
        try:
            mentions.extend(doc_mentions(nlp(text), paper_id, field))
        except Exception as exc:  # one bad text must not end the build
            on_error(paper_id, f"{field.value}: {type(exc).__name__}: {str(exc)[:200]}")
    return mentions


# -- worker side: one pipeline per process, set up by the pool's initializer
_WORKER_NLP: Language | None = None
_WORKER_BATCH = 64
#: The parent's pipeline while a fork pool runs: forked workers inherit it (copy on write).
_PARENT_NLP: Language | None = None


def single_threaded(nlp: Language) -> bool:
    """True when no component of ``nlp`` runs onnxruntime with more than one thread.

    A forked child may reuse such a pipeline as it is: a one-thread onnxruntime session
    runs on the calling thread, whereas the worker threads of a bigger pool do not exist
    in the child.
    """
    return all(getattr(getattr(proc, "tagger", None), "num_threads", 1) == 1 for _, proc in nlp.pipeline)


def _init_worker(spec: PipelineSpec, batch_size: int, inherit: bool) -> None:
    global _WORKER_NLP, _WORKER_BATCH
    if inherit and _PARENT_NLP is not None:
        _WORKER_NLP = _PARENT_NLP  # forked: the parent's models are already in memory
    else:
        # one intra-op thread per worker: the workers already fill the cores
        _WORKER_NLP = build_pipeline(spec.tier, gazetteer=spec.gazetteer, threads=1)
    _WORKER_BATCH = batch_size


def _extract_chunk(chunk: list[PaperText]) -> tuple[list[list[Mention]], list[tuple[str, str]]]:
    """A chunk's Mentions and its failures, which go back to the parent's ``on_error``."""
    assert _WORKER_NLP is not None, "worker used before its initializer ran"
    errors: list[tuple[str, str]] = []
    mentions = list(paper_mentions(_WORKER_NLP, chunk, _WORKER_BATCH, lambda *error: errors.append(error)))
    return mentions, errors


def _pooled(
    papers: Iterator[PaperText], nlp: Language, spec: PipelineSpec, processes: int, batch_size: int,
    on_error: OnError = log_error,
) -> Iterator[list[Mention]]:
    """Per-paper Mention lists from a pool, in input order, with a bounded number of
    chunks in flight (memory stays flat on a 100k-paper stream)."""
    global _PARENT_NLP
    chunk_size = max(1, batch_size // 2)
    # fork where there is one: a worker starts in milliseconds with the parent's loaded
    # pipeline (rebuilding it, gazetteer matcher included, took ~3 s per worker), and it
    # works from scripts and notebooks without an ``if __name__ == "__main__"`` guard.
    fork = "fork" in multiprocessing.get_all_start_methods()
    inherit = fork and single_threaded(nlp)
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pending: deque[Future[tuple[list[list[Mention]], list[tuple[str, str]]]]] = deque()
    _PARENT_NLP = nlp if inherit else None
    try:
        with ProcessPoolExecutor(processes, mp_context=context, initializer=_init_worker,
                                 initargs=(spec, batch_size, inherit)) as pool:
            try:
                while True:
                    while len(pending) < 2 * processes:
                        chunk = list(islice(papers, chunk_size))
                        if not chunk:
                            break
                        pending.append(pool.submit(_extract_chunk, chunk))
                    if not pending:
                        return
                    mentions, errors = pending.popleft().result()
                    for error in errors:
                        on_error(*error)
                    yield from mentions
            finally:
                for future in pending:
                    future.cancel()
    finally:
        _PARENT_NLP = None


def extract_mentions(
    papers: Iterable[Paper],
    tier: str | None = None,
    *,
    nlp: Language | None = None,
    processes: Processes = "auto",
    batch_size: int = 64,
    on_paper: Callable[[], None] | None = None,
    on_error: OnError = log_error,
) -> Iterator[Mention]:
    """Mentions of every paper's title and abstract, in input order.

    Parameters
    ----------
    papers : iterable of Paper
        The corpus (streamed: at most a few chunks are held at a time).
    tier : str, optional
        ``accurate``, ``fast`` or ``rules``; ignored when ``nlp`` is given, None picks
        the default tier.
    nlp : Language, optional
        A pipeline from :func:`build_pipeline` to use in this process. Workers rebuild
        the same pipeline from its spec; a pipeline that is not from
        :func:`build_pipeline` always runs in this process.
    processes : int or "auto", default "auto"
        Worker processes; 1 runs in this process (see :func:`resolve_processes`).
    batch_size : int, default 64
        Docs per ``nlp.pipe`` batch (two per paper).
    on_paper : callable, optional
        Called once per finished paper, in order (progress bars).
    on_error : callable, optional
        Called with ``(paper id, what failed)`` for a title or abstract the pipeline
        fails on (it then gives no mentions, and the run goes on); logs a warning by
        default.

    Yields
    ------
    Mention
        Exactly what a single-process run yields, in the same order.
    """
    if nlp is None:
        nlp = build_pipeline(tier)
    spec = pipeline_spec(nlp)
    stream: Iterator[PaperText] = ((p.id, p.title, p.abstract) for p in papers)
    count = 1
    if spec is not None and processes != 1:
        # look ahead just far enough to know whether "auto" pays for a pool
        head = list(islice(stream, AUTO_MIN_PAPERS.get(spec.tier, 1000)))
        count = resolve_processes(processes, spec.tier, len(head))
        stream = chain(head, stream)
    elif processes != "auto":
        resolve_processes(processes, "rules", 0)  # reject a bad value even without a pool
    results = (
        _pooled(stream, nlp, spec, count, batch_size, on_error) if spec is not None and count > 1
        else paper_mentions(nlp, stream, batch_size, on_error)
    )
    for mentions in results:
        yield from mentions
        if on_paper is not None:
            on_paper()

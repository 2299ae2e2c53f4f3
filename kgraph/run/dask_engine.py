"""Extraction and relations on a Dask cluster: partitions of papers in, shard files out.

``kgraph build --engine dask`` sends the papers to Dask workers in partitions of plain
``(id, title, abstract)`` tuples (a few hundred kB each, never whole ``Paper`` objects).
Each worker builds the tier's pipeline once and keeps it for every later partition
(:data:`_PIPELINES`); it writes the partition's mentions to a shard file in
``shard_dir`` (JSON Lines, one paper a line, temp-then-rename) and returns only the
shard's name. The build then reads the shards in partition order, so the Mentions are
exactly those of a single-process run, in the same order, and removes them. Typed
relations (:func:`relations_on_dask`), which cost the fast tier more than its extraction,
go the same way: partitions of papers with their mentions in, shards of relations out.
The keys of the distinct mention texts that resolution starts from and the RDF graphs
of the papers are worked out on the cluster too, through :class:`DaskMap`: chunks in,
results back in order, a few chunks in flight per worker.

With no scheduler address a :class:`distributed.LocalCluster` is started (one worker
process per usable CPU, one thread each) and closed afterwards. With the address of a
running scheduler, ``shard_dir`` must be on a filesystem that the workers and this
machine share (NFS, a cluster's scratch space), and every worker needs kgraph and the
tier's model installed.

Dask is an optional extra: ``pip install 'kgraph[dask]'``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from spacy.language import Language

from ..cache import decode_mentions, decode_relations, encode_mentions, encode_relations
from ..errors import KGraphError, MissingExtraError
from ..extract.pipeline import build_pipeline
from ..extract.relate import paper_relations, relation_predictor
from ..model import Mention, Paper, Relation
from .local import OnError, PaperText, log_error, paper_mentions, usable_cpus

__all__ = ["SHARD_DIR", "DaskMap", "extract_on_dask", "partition", "read_shard", "relations_on_dask", "require_dask",
           "write_shard"]

_T = TypeVar("_T")

#: Default folder for the shards, inside the build's output folder.
SHARD_DIR = "shards"
#: Partitions in flight per worker: enough to keep each busy, few enough that a 100k-paper
#: corpus is never all in the scheduler's memory at once.
IN_FLIGHT_PER_WORKER = 2

# -- worker side: the pipelines this worker process has built, by (tier, gazetteer)
_PIPELINES: dict[tuple[str, bool], Language] = {}
_PIPELINES_LOCK = threading.Lock()  # a worker with several threads builds each pipeline once


def require_dask() -> None:
    """Raise :class:`MissingExtraError` unless ``dask.distributed`` can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise MissingExtraError(
            "--engine dask needs Dask's distributed scheduler: pip install 'kgraph[dask]'"
        ) from None


def partition(count: int, workers: int, partitions: int | None = None, *, batch_size: int = 64) -> int:
    """Papers per partition.

    Parameters
    ----------
    count : int
        Papers to extract.
    workers : int
        Dask workers (threads in all).
    partitions : int, optional
        Wanted number of partitions; by default about four per worker, each of 32 to
        1024 papers (a partition costs a task round trip of a few ms).
    batch_size : int, default 64
        Docs per ``nlp.pipe`` batch; a partition holds a whole number of batches
        (``batch_size // 2`` papers each), so models see the same batches as in one process.

    Returns
    -------
    int
        At least ``batch_size // 2``.

    Examples
    --------
    >>> partition(1000, 2)
    128
    >>> partition(1000, 2, partitions=3)
    352
    """
    step = max(1, batch_size // 2)
    wanted = partitions if partitions else 4 * max(1, workers)
    size = math.ceil(count / max(1, wanted))
    if not partitions:
        size = min(max(size, 32), 1024)
    return max(step, math.ceil(size / step) * step)


def write_shard(path: Path, papers: Sequence[PaperText], mentions: Sequence[Sequence[Mention]]) -> None:
    """Write one partition's mentions to ``path``, atomically (temp file, then rename).

    Each line is a paper: its id as a JSON string, a tab, then the paper's mentions as
    :func:`kgraph.cache.encode_mentions` writes them. JSON escapes tabs inside strings,
    so the first tab always ends the id.
    """
    _write_lines(path, [(paper_id, encode_mentions(found))
                        for (paper_id, _, _), found in zip(papers, mentions, strict=True)])


def _write_lines(path: Path, lines: Sequence[tuple[str, str]]) -> None:
    """``paper id <TAB> payload`` lines, written to a temp file that is then renamed to ``path``."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for paper_id, payload in lines:
                out.write(f"{json.dumps(paper_id, ensure_ascii=False)}\t{payload}\n")
        os.replace(tmp, path)  # a retried task simply writes the same shard again
    finally:
        tmp.unlink(missing_ok=True)


def read_shard(path: Path) -> Iterator[tuple[str, list[Mention]]]:
    """The ``(paper id, mentions)`` of each line of a shard from :func:`write_shard`, in order."""
    for paper_id, payload in _read_lines(path):
        yield paper_id, decode_mentions(paper_id, payload)


def _read_relation_shard(path: Path) -> Iterator[tuple[str, list[Relation]]]:
    for paper_id, payload in _read_lines(path):
        yield paper_id, decode_relations(paper_id, payload)


def _read_lines(path: Path) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            key, payload = line.rstrip("\n").split("\t", 1)
            yield json.loads(key), payload


def _worker_pipeline(tier: str, gazetteer: bool) -> Language:
    with _PIPELINES_LOCK:
        if (tier, gazetteer) not in _PIPELINES:
            # one intra-op thread: Dask already runs one worker per core
            _PIPELINES[tier, gazetteer] = build_pipeline(tier, gazetteer=gazetteer, threads=1)
        return _PIPELINES[tier, gazetteer]


def _extract_partition(
    tier: str, gazetteer: bool, batch_size: int, papers: list[PaperText], shard: str
) -> tuple[str, int, list[tuple[str, str]]]:
    """Run on a worker: extract one partition into the shard file ``shard``.

    Returns the shard, the number of papers and the ``(paper id, what failed)`` of each
    text the pipeline failed on, for the client's ``on_error``.
    """
    nlp = _worker_pipeline(tier, gazetteer)
    errors: list[tuple[str, str]] = []
    mentions = list(paper_mentions(nlp, papers, batch_size, lambda *error: errors.append(error)))
    write_shard(Path(shard), papers, mentions)
    return shard, len(papers), errors


def _connect(scheduler: str | None) -> tuple[Any, Any, int]:
    """A client, the LocalCluster it owns (None for a remote scheduler) and the worker threads."""
    import logging

    from distributed import Client, LocalCluster  # unannotated: hence the type: ignores in this module

    if scheduler is None:
        cpus = usable_cpus()
        # no dashboard: port 8787 may be taken, and a build has nobody watching it
        cluster = LocalCluster(n_workers=cpus, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster, cpus  # type: ignore[no-untyped-call]
    try:
        client = Client(scheduler, timeout="30s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise KGraphError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
    if threads == 0:
        client.close()  # type: ignore[no-untyped-call]
        raise KGraphError(f"the Dask scheduler at {scheduler} has no workers")
    return client, None, threads


def extract_on_dask(
    papers: Sequence[Paper],
    tier: str,
    *,
    shard_dir: Path | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    gazetteer: bool = True,
    batch_size: int = 64,
    on_paper: Callable[[], None] | None = None,
    on_error: OnError = log_error,
) -> Iterator[Mention]:
    """The Mentions of every paper, extracted on a Dask cluster, in input order.

    Parameters
    ----------
    papers : sequence of Paper
        The papers to extract.
    tier : str
        ``accurate``, ``fast`` or ``rules`` (see :func:`build_pipeline`).
    shard_dir : Path, optional
        Folder for the shard files (created; removed afterwards when left empty). With a
        remote ``scheduler`` it must be on a filesystem shared with every worker. By
        default a temporary folder, which only a LocalCluster can reach.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); None starts a
        LocalCluster with one single-threaded worker process per usable CPU.
    partitions : int, optional
        Number of partitions (see :func:`partition`).
    gazetteer : bool, default True
        Include the known-names matcher, as :func:`build_pipeline` does.
    batch_size : int, default 64
        Docs per ``nlp.pipe`` batch on the workers.
    on_paper : callable, optional
        Called once per extracted paper (progress bars), as partitions finish.
    on_error : callable, optional
        Called with ``(paper id, what failed)`` for each title or abstract the pipeline
        failed on (see :func:`kgraph.run.local.paper_mentions`), as partitions finish.

    Returns
    -------
    iterator of Mention
        Exactly what a single-process run yields, in the same order. Every partition has
        run when this returns; the shards are read as the iterator is consumed, so only
        one shard's Mentions are held at a time.

    Raises
    ------
    MissingExtraError
        When Dask's ``distributed`` package is not installed.
    KGraphError
        When the scheduler cannot be reached, or a shard is missing (``shard_dir`` not
        shared with the workers).
    """
    texts = [(p.id, p.title, p.abstract) for p in papers]
    found = _map_partitions("extract", _extract_partition, (tier, gazetteer, batch_size), texts,
                            shard_dir=shard_dir, scheduler=scheduler, partitions=partitions,
                            batch_size=batch_size, on_paper=on_paper, on_error=on_error, read=read_shard)
    return (mention for _, mentions in found for mention in mentions)


def _relations_partition(tier: str, items: list[tuple[str, str, str, str]],
                         shard: str) -> tuple[str, int, list[tuple[str, str]]]:
    """Run on a worker: the relations of one partition's papers into the shard file ``shard``.

    Each item is a paper's id, title and abstract and its mentions as
    :func:`kgraph.cache.encode_mentions` writes them (a compact string: Mention objects
    would cost more to send than to read).
    """
    model = relation_predictor(tier)  # the onnxruntime session is cached per worker process
    if model is None:
        raise KGraphError(f"no relation model for the {tier!r} tier is installed on this Dask worker")
    lines = []
    for paper_id, title, abstract, payload in items:
        paper = Paper(id=paper_id, title=title, abstract=abstract)
        lines.append((paper_id, encode_relations(paper_relations(model, paper, decode_mentions(paper_id, payload)))))
    _write_lines(Path(shard), lines)
    return shard, len(items), []


def relations_on_dask(
    items: Sequence[tuple[Paper, Sequence[Mention]]],
    tier: str,
    *,
    shard_dir: Path | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    on_paper: Callable[[], None] | None = None,
) -> list[list[Relation]]:
    """The relations of each (paper, mentions), predicted on a Dask cluster by ``tier``'s
    relation model, in input order: exactly what
    :func:`kgraph.extract.relate.relations_of_papers` gives in one process.

    ``shard_dir``, ``scheduler``, ``partitions`` and ``on_paper`` are as for
    :func:`extract_on_dask`; every worker needs the relation model installed.
    """
    sent = [(paper.id, paper.title, paper.abstract, encode_mentions(mentions)) for paper, mentions in items]
    # batch_size=2 makes partition() round to single papers: relations are predicted paper by
    # paper, so no batch has to stay whole
    found = _map_partitions("relations", _relations_partition, (tier,), sent, shard_dir=shard_dir,
                            scheduler=scheduler, partitions=partitions, batch_size=2, on_paper=on_paper,
                            read=_read_relation_shard)
    return [relations for _, relations in found]


class DaskMap(Generic[_T]):
    """An ordered map of ``fn`` over chunks of work on a Dask cluster.

    Each chunk goes to a worker as it is, ``fn(chunk)`` runs there, and the results come
    back in chunk order, with at most :data:`IN_FLIGHT_PER_WORKER` chunks per worker out at
    a time, so a long stream of chunks (the paper graphs of the RDF) is never all in the
    scheduler's memory. ``fn`` must be importable on the workers (a module's function:
    kgraph's resolution keys, :func:`kgraph.resolve.entities.text_keys`, or its paper
    graphs, :func:`kgraph.rdf.convert.format_papers`). An empty chunk gives ``fn([])``
    without a trip to the cluster.

    The client connects on the first call (a build forks its views writer before the RDF
    is written, and a process should not fork once Dask's threads run) and is closed with
    the map; with no ``scheduler`` a LocalCluster is started as for :func:`extract_on_dask`.

    ``kgraph build --engine dask`` writes its RDF as
    ``with DaskMap(format_papers, scheduler) as formatter: save_build(data, out_dir,
    format_chunks=formatter)``.
    """

    def __init__(self, fn: Callable[[list[Any]], _T], scheduler: str | None = None) -> None:
        require_dask()
        self.fn = fn
        self.scheduler = scheduler
        self.chunks = 0  # chunks sent to the workers
        self._client: Any = None
        self._cluster: Any = None
        self._threads = 1

    def __call__(self, chunks: Iterable[list[Any]]) -> Iterator[_T]:
        if self._client is None:
            self._client, self._cluster, self._threads = _connect(self.scheduler)
        window = max(1, IN_FLIGHT_PER_WORKER * self._threads)
        out: deque[Any] = deque()
        for chunk in chunks:
            # pure=False: two chunks are never one task, whatever Dask's hash of them says
            out.append(self._client.submit(self.fn, chunk, pure=False) if chunk else chunk)
            self.chunks += bool(chunk)
            if len(out) >= window:
                yield self._result(out.popleft())
        while out:
            yield self._result(out.popleft())

    def _result(self, sent: Any) -> _T:
        # a future re-raises a worker's exception here
        return self.fn(sent) if isinstance(sent, list) else sent.result()

    def close(self) -> None:
        """Close the client, and the LocalCluster it started."""
        if self._client is not None:
            self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None

    def __enter__(self) -> DaskMap[_T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _map_partitions(name: str, task: Callable[..., tuple[str, int, list[tuple[str, str]]]], args: tuple[Any, ...],
                    items: Sequence[Any], *, shard_dir: Path | None, scheduler: str | None,
                    partitions: int | None, batch_size: int, on_paper: Callable[[], None] | None,
                    read: Callable[[Path], Iterator[tuple[str, _T]]],
                    on_error: OnError = log_error) -> Iterator[tuple[str, _T]]:
    """Run ``task(*args, partition, shard)`` on every partition of ``items`` on a Dask cluster
    and read the shards back in partition order (``read``), checked against the paper ids sent.

    The partitions all run before this returns; the shards are then read lazily, one at a
    time, as the returned iterator is consumed (and removed, with the folder if this made
    it, when it is exhausted or closed).

    An item is a tuple whose first member is the paper's id. At most
    :data:`IN_FLIGHT_PER_WORKER` partitions per worker are submitted at a time.
    """
    require_dask()
    from distributed import as_completed

    if not items:
        return iter(())
    own_dir = shard_dir is None
    folder = Path(tempfile.mkdtemp(prefix="kgraph-shards-")) if shard_dir is None else Path(shard_dir)
    folder.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:8]  # two builds sharing a folder never read each other's shards
    try:
        client, cluster, threads = _connect(scheduler)
        try:
            size = partition(len(items), threads, partitions, batch_size=batch_size)
            parts = [list(items[i : i + size]) for i in range(0, len(items), size)]
            shards = [str(folder.resolve() / f"{name}-{run}-{i:05d}.jsonl") for i in range(len(parts))]

            def submit(i: int) -> Any:
                # pure=False: a retried build must not reuse an old result whose shard is gone
                return client.submit(task, *args, parts[i], shards[i], pure=False, key=f"kgraph-{name}-{run}-{i}")

            window = max(1, IN_FLIGHT_PER_WORKER * threads)
            queue = iter(range(len(parts)))
            running = as_completed([submit(i) for i in islice(queue, window)])  # type: ignore[no-untyped-call]
            for future in running:
                _, done, errors = future.result()  # re-raises a worker's exception here
                for error in errors:
                    on_error(*error)
                if on_paper is not None:
                    for _ in range(done):
                        on_paper()
                following = next(queue, None)
                if following is not None:
                    running.add(submit(following))  # type: ignore[no-untyped-call]
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    except BaseException:
        _remove_shards(folder, run, own_dir)
        raise
    ids = [[item[0] for item in part] for part in parts]
    return _read_then_remove(ids, [Path(s) for s in shards], read, folder, run, own_dir)


def _read_then_remove(ids: Sequence[Sequence[str]], shards: Sequence[Path],
                      read: Callable[[Path], Iterator[tuple[str, _T]]], folder: Path, run: str,
                      own_dir: bool) -> Iterator[tuple[str, _T]]:
    """:func:`_load_shards`, then the run's shards and (if it made it) the folder removed."""
    try:
        yield from _load_shards(ids, shards, read)
    finally:
        _remove_shards(folder, run, own_dir)


def _remove_shards(folder: Path, run: str, own_dir: bool) -> None:
    for leftover in folder.glob(f"*{run}*"):
        leftover.unlink(missing_ok=True)
    if own_dir:
        shutil.rmtree(folder, ignore_errors=True)
    elif folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _load_shards(ids: Sequence[Sequence[str]], shards: Sequence[Path],
                 read: Callable[[Path], Iterator[tuple[str, _T]]]) -> Iterator[tuple[str, _T]]:
    """Every shard's lines in partition order, checked against the paper ids sent (``ids``, one
    list a partition); each shard is removed once read (one shard in memory at a time)."""
    for part, shard in zip(ids, shards, strict=True):
        if not shard.is_file():
            raise KGraphError(f"{shard}: a worker wrote this shard but it is not here; with a remote "
                              "scheduler the shard folder must be on a filesystem shared with the workers")
        lines = list(read(shard))
        if [paper_id for paper_id, _ in lines] != list(part):
            raise KGraphError(f"{shard}: holds other papers than its partition (a stale or foreign shard)")
        yield from lines
        shard.unlink()

"""Run a function in a forked child beside this process, when memory has room for it.

A build has two cores to use and stages that split in two (the views beside the RDF,
half of the entities beside the other half); a forked child inherits the build's data
through the fork itself (copy on write; nothing is pickled on the way in), and only its
result comes back. And a build runs with fewer garbage collections
(:func:`fewer_collections`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from .errors import KGraphError

_R = TypeVar("_R")
_F = TypeVar("_F", bound=Callable[..., Any])

#: Allocations between two collections of the youngest generation while a build runs
#: (Python's default is 700).
YOUNG_COLLECTION = 100_000


def fewer_collections(fn: _F) -> _F:
    """Run ``fn`` with the cyclic garbage collector started every :data:`YOUNG_COLLECTION`
    allocations instead of every 700; the thresholds are restored afterwards.

    A build allocates millions of small objects that live as long as it does (entities,
    Counters, Turtle lines), and each default collection walks the young ones again: on
    the 50k-paper corpus resolution spent 7.1 s of 47 in 8,300 collections, 4.5 s with
    this threshold. What cycles there are wait a little longer to be freed.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = gc.get_threshold()
        gc.set_threshold(max(before[0], YOUNG_COLLECTION), *before[1:])
        try:
            return fn(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper  # type: ignore[return-value]


def map_in_halves(fn: Callable[..., _R], items: Sequence[tuple[Any, ...]], *, min_items: int = 0,
                  packing: tuple[Callable[[list[_R]], Any], Callable[[Any], list[_R]]] | None = None) -> list[_R]:
    """``[fn(*item) for item in items]``, the second half in a forked child where one
    fits (:func:`can_fork`) and there are at least ``min_items`` items; in this process
    otherwise. The same list either way, in the order of ``items``.

    ``fn`` must be a pure function of its arguments and of what this process holds:
    whatever it changes in the child stays there, and its results are pickled back.
    ``packing`` (pack, unpack) turns the child's results into something quicker to
    pickle and back (dataclasses with slots pickle through Python methods).

    >>> map_in_halves(pow, [(2, 3), (3, 2), (4, 0)])
    [8, 9, 1]
    >>> map_in_halves(pow, [(2, 3), (3, 2)], packing=(lambda r: [str(n) for n in r], lambda r: [int(n) for n in r]))
    [8, 9]
    """
    if len(items) < max(min_items, 2) or not can_fork():
        return [fn(*item) for item in items]
    half = len(items) // 2
    child = ForkedCall(_apply_packed, fn, items[half:], packing[0] if packing is not None else None)
    try:
        mine = _apply_all(fn, items[:half])
    except BaseException:
        child.stop()
        raise
    theirs = child.result()
    return mine + (packing[1](theirs) if packing is not None else theirs)


@contextlib.contextmanager
def forked_beside(fn: Callable[..., Any], *args: Any, when: bool = True) -> Iterator[ForkedCall | None]:
    """``fn(*args)`` in a forked child while the ``with`` block runs (None where ``when``
    is false or no child fits, :func:`can_fork`): its :meth:`ForkedCall.result` is there
    to collect, in the block or after it. The child is killed if the block raises: its
    result is then wanted by no one, and it would otherwise wait on a pipe nobody reads.
    """
    child = ForkedCall(fn, *args) if when and can_fork() else None
    try:
        yield child
    except BaseException:
        if child is not None:
            child.stop()
        raise


def _apply_packed(fn: Callable[..., _R], items: Sequence[tuple[Any, ...]],
                  pack: Callable[[list[_R]], Any] | None) -> Any:
    results = _apply_all(fn, items)
    return pack(results) if pack is not None else results


def _apply_all(fn: Callable[..., _R], items: Sequence[tuple[Any, ...]]) -> list[_R]:
    return [fn(*item) for item in items]


def can_fork() -> bool:
    """Whether a child can be forked here (the start method exists and :func:`fork_fits`)."""
    return "fork" in multiprocessing.get_all_start_methods() and fork_fits()


def fork_fits() -> bool:
    """Whether a forked child (the views writer, half of the entities) fits in memory beside this process.

    Copy on write shares pages only until they are written, and CPython writes to every
    object it reads (its reference count): the child comes to copy much of the build's
    pages, while this process grows formatting the RDF. At 10^6 abstracts (resident ~8 GB
    at the fork) the child copied 0.6 and this process grew by 1.1 times that size, and
    the kernel's out-of-memory killer ended the build. So the child is forked only where
    the memory available holds twice this process's resident size; otherwise the work is
    done in this process (the views after the RDF), slower but within memory. True where
    ``/proc`` does not tell (macOS).
    """
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii")
        resident = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return True
    available = next((int(line.split()[1]) * 1024 for line in meminfo.splitlines()
                      if line.startswith("MemAvailable:")), None)
    return available is None or 2 * resident <= available


class ForkedCall:
    """``fn(*args)`` in a forked child process; :meth:`result` returns its value or raises its error.

    The child inherits ``fn`` and ``args`` through the fork (nothing is pickled on the way
    in), so a large argument costs nothing to hand over; only the result and an error come
    back through a pipe. Only where the ``fork`` start method exists (Linux, macOS).
    """

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_call_and_send, args=(send, fn, args, os.getpid()), name=f"kgraph-{fn.__name__}"
        )
        # the parent's objects out of the child's garbage collections, whose bookkeeping
        # would write to (and so copy) every page of them
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()  # the child holds its own copy: EOF here means the child is gone

    def result(self) -> Any:
        """Wait for the child; its return value, or its exception raised here."""
        # unpickling a result of 10^5 objects would start the cyclic collector again and
        # again over every object of a build's process (seconds at 50k papers)
        enabled = gc.isenabled()
        gc.disable()
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self.join()
            raise KGraphError(f"the {self._process.name} process died (exit code {self._process.exitcode})") from None
        finally:
            if enabled:
                gc.enable()
        self.join()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the child now (its result is no longer wanted)."""
        self._process.kill()
        self.join()

    def join(self) -> None:
        """Wait for the child to end (it ends on its own once ``fn`` returned or raised)."""
        self._process.join()
        self._receive.close()


def _call_and_send(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], parent: int) -> None:
    _die_with(parent)
    try:
        outcome: tuple[bool, Any] = (True, fn(*args))
    except BaseException as error:  # every failure goes back to the parent
        outcome = (False, error)
    try:
        send.send(outcome)
    except Exception:  # an error that does not pickle goes back as text
        send.send((False, KGraphError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
    finally:
        send.close()


def _die_with(parent: int) -> None:
    """End this child when ``parent`` ends (Linux), so a killed build leaves no writer behind.

    Without it the child of a ``kill -9``-ed build would go on writing the abandoned
    generation and hold the folder's lock (it inherited the descriptor) until done.
    """
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

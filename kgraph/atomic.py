"""Write outputs so a crash never leaves a half-written file behind: temp, then rename.

One file (:func:`atomic_path`), one folder (:func:`atomic_dir`), or every output of a
build at once (:func:`generation`: a new folder, switched by one rename of a link).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import KGraphError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text()
    'done'
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp makes 0600 files; outputs are ordinary files, readable as the umask allows
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder next to ``target``; on success it replaces ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        shutil.rmtree(tmp)  # writers such as the RDF store want to create the folder themselves
        yield tmp
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


GENERATIONS = ".generations"
"""The folder, inside a build folder, that holds its generations (see :func:`generation`)."""

_CURRENT, _PREVIOUS, _LOCK = "current", "previous", "lock"
LOCK_WAIT = 10.0
"""Seconds a build waits for the folder's lock: the children of a killed build let go of it within moments."""


@contextmanager
def generation(root: Path, names: Sequence[str], drop: Sequence[str] = ()) -> Iterator[tuple[Path, Path | None]]:
    """Yield a new, empty folder for a build's outputs and the folder of the current ones.

    The outputs ``names`` of ``root`` switch together: each ``root/NAME`` is a symbolic
    link to ``.generations/current/NAME``, and ``.generations/current`` is itself a link
    to one generation folder. On success the new folder becomes current by one rename,
    so a reader sees either every old output or every new one, never a mix; after a
    crash, a full disk or any error, the previous build stays current and whole, and
    the unfinished folder is removed (by the next build if the process was killed).

    The previous generation is kept until the next switch, so a process that opened an
    output of it (``kgraph serve`` holding the store) keeps reading a complete build.
    One build at a time may write into ``root``: a second waits up to :data:`LOCK_WAIT`
    seconds for the first to end, then gets :class:`KGraphError`.

    Parameters
    ----------
    root
        The build folder (created if missing).
    names
        The outputs that switch together (files or folders).
    drop
        Outputs this build leaves out: what ``root`` holds under those names (a link into
        the generations, or a plain output of an older build) is removed with the switch.

    Yields
    ------
    tuple
        The new generation's folder, and the current one: ``None`` for a new folder,
        ``root`` itself for a build written before generations existed (its outputs are
        plain files there).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with generation(root, ["a.txt"]) as (new, current):
    ...     _ = (new / "a.txt").write_text("one")
    >>> with generation(root, ["a.txt"]) as (new, current):
    ...     _ = (new / "a.txt").write_text((current / "a.txt").read_text() + " two")
    >>> (root / "a.txt").read_text(), (root / "a.txt").is_symlink()
    ('one two', True)
    """
    gens = root / GENERATIONS
    gens.mkdir(parents=True, exist_ok=True)
    with _exclusive(gens / _LOCK, root):
        _remove_stale(root, names)
        current = _generation_of(gens / _CURRENT)
        if current is None and any((root / name).exists() and not (root / name).is_symlink() for name in names):
            current = root  # a build from before generations: its outputs are plain files
        new = Path(tempfile.mkdtemp(prefix=f"g{time.strftime('%Y%m%dT%H%M%S')}-", dir=gens))
        os.chmod(new, 0o777 & ~_umask())  # mkdtemp makes it private; outputs are readable as the umask allows
        try:
            yield new, current
            _fsync_tree(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        _relink(gens / _PREVIOUS, current.name if current is not None and current != root else None)
        _relink(gens / _CURRENT, new.name)  # the switch
        for name in names:
            _link_output(root, name)
        for name in drop:
            _remove(root / name)
        _remove_stale(root, names)


def _exclusive(lock: Path, root: Path) -> contextlib.AbstractContextManager[object]:
    """Hold an exclusive lock on ``lock`` (where ``fcntl`` exists); fail if it stays held for :data:`LOCK_WAIT` s."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one build at a time is then the user's care
        return contextlib.nullcontext()
    handle = open(lock, "a")  # noqa: SIM115  # closed by the ExitStack below
    stack = contextlib.ExitStack()
    stack.callback(handle.close)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return stack
        except BlockingIOError:
            if time.monotonic() >= deadline:
                stack.close()
                message = f"{root}: another kgraph build is writing into this folder; wait for it to end"
                raise KGraphError(message) from None
            time.sleep(0.1)


def _generation_of(link: Path) -> Path | None:
    """The generation folder ``link`` points to, if it is a link to an existing folder."""
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def _relink(link: Path, target: str | None) -> None:
    """Point ``link`` at ``target`` (a name next to it) by one rename; remove it for ``None``."""
    if target is None:
        if link.is_symlink():
            link.unlink()
        return
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _link_output(root: Path, name: str) -> None:
    """Make ``root/name`` the link to ``.generations/current/name`` (once; it then never changes)."""
    path = root / name
    target = f"{GENERATIONS}/{_CURRENT}/{name}"
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.is_dir() and not path.is_symlink():  # a folder of an older build: a link cannot replace it by rename
        aside = root / f".{name}.old"
        os.replace(path, aside)
        _relink(path, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        _relink(path, target)


def _remove_stale(root: Path, names: Sequence[str]) -> None:
    """Remove what an interrupted build left: unfinished generations and temporary files.

    Called with the build lock held, so nothing removed here is still being written.
    """
    gens = root / GENERATIONS
    keep = {p.name for p in (_generation_of(gens / _CURRENT), _generation_of(gens / _PREVIOUS)) if p is not None}
    for entry in gens.iterdir():
        if entry.name in keep or entry.name in (_CURRENT, _PREVIOUS, _LOCK):
            continue
        _remove(entry)
    for name in names:
        for entry in root.glob(f".{glob.escape(name)}.*"):
            if entry.name.endswith((".tmp", ".old")):
                _remove(entry)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync_tree(folder: Path) -> None:
    """Flush a finished generation to disk before it becomes current (a power cut then
    cannot leave a current generation with empty files)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Read an input file as text, refusing binary and non-UTF-8 files with a clear error.

The path ``-`` means standard input; it is read once per process and named ``<stdin>``.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from pathlib import Path

from ..errors import InputError

STDIN = Path("-")
_stdin_cache: dict[int, tuple[object, bytes]] = {}  # the stream is kept so its id is not reused


def source_name(path: Path) -> str:
    """How problems and sources name the input: the path, or ``<stdin>`` for ``-``."""
    return "<stdin>" if path == STDIN else str(path)


def read_bytes(path: Path) -> bytes:
    """The raw bytes of a file, or of standard input for ``-`` (read once, then reused)."""
    if path != STDIN:
        return path.read_bytes()
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if id(stream) not in _stdin_cache:
        data = stream.read()
        _stdin_cache[id(stream)] = (stream, data.encode("utf-8") if isinstance(data, str) else data)
    return _stdin_cache[id(stream)][1]


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of the (decompressed) input, for format detection; ``b""`` when unreadable."""
    try:
        if path == STDIN:
            data = read_bytes(path)[: size * 8]
        else:
            with path.open("rb") as handle:
                data = handle.read(size)
        if data[:2] == b"\x1f\x8b":
            if path == STDIN:
                return gzip.decompress(read_bytes(path))[:size]
            with gzip.open(path, "rb") as handle:
                return handle.read(size)
        return data[:size]
    except (OSError, EOFError, zlib.error):
        return b""


def read_text(path: Path) -> str:
    """Return the file's text (UTF-8, BOM removed; ``.gz`` files are decompressed).

    Raises
    ------
    InputError
        When the file cannot be opened, holds NUL bytes (binary), or is not valid UTF-8;
        the message names the file and, for bad bytes, the line.
    """
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=source_name(path)) from None
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"damaged gzip file ({exc})", source=source_name(path)) from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text (it contains NUL bytes)", source=source_name(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8",
            source=source_name(path),
            line=line,
        ) from None
    return text

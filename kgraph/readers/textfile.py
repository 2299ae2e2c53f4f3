"""Read an input file as text, refusing binary and non-UTF-8 files with a clear error."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from ..errors import InputError


def read_text(path: Path) -> str:
    """Return the file's text (UTF-8, BOM removed; ``.gz`` files are decompressed).

    Raises
    ------
    InputError
        When the file cannot be opened, holds NUL bytes (binary), or is not valid UTF-8;
        the message names the file and, for bad bytes, the line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=path) from None
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"damaged gzip file ({exc})", source=path) from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text (it contains NUL bytes)", source=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8",
            source=path,
            line=line,
        ) from None
    return text

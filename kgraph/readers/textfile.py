"""Read an input file as text: decoded as well as it can be, refused only when it is not text.

The path ``-`` means standard input; it is read once per process and named ``<stdin>``.

What one flaw should not cost a whole file, :func:`decode_text` mends with a warning:
bytes that are not UTF-8 become U+FFFD (the records around them are read), a few NUL
bytes are left for the record parser to refuse, CR-only line ends (classic Mac
exports) become ``\\n``. UTF-8, UTF-16 and UTF-32 with a byte order mark, and UTF-16
without one, are decoded. A gzip file is decompressed in chunks and refused once it
grows past :func:`gzip_limit`, so a decompression bomb costs neither memory nor time.
A PDF or an office document is refused with a message that says what to export instead.
"""

from __future__ import annotations

import codecs
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError

STDIN = Path("-")
_stdin_cache: dict[int, tuple[object, bytes]] = {}  # the stream is kept so its id is not reused

#: A decompressed gzip input may reach this many bytes whatever its size...
GZIP_MIN_LIMIT = 256 * 1024 * 1024
#: ... and this many times its compressed size (text compresses 3-20x; a bomb 1000x).
GZIP_MAX_RATIO = 200
#: Share of NUL bytes in the first 8 KiB above which a file is binary, not text with a stray NUL.
BINARY_NUL_SHARE = 0.01
#: Share of the first 8 KiB that may decode to U+FFFD or control characters in a text file:
#: a Latin-1 export has an accented letter here and there, a compressed or random file
#: (under 1% NUL bytes) has a third or more. A few such characters are always allowed.
BINARY_BAD_SHARE = 0.10

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NOT_READ = (  # (magic bytes, what the file is and what to feed kgraph instead)
    (b"%PDF-", "a PDF file; kgraph does not read PDFs. Export the references from your reference manager "
               "(Zotero, Mendeley, EndNote) as BibTeX, RIS or CSV, or save the title and abstract as text"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx document), not text. Unpack it, or save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls), not text. Save it as CSV or plain text"),
)

Warn = Callable[[InputError], None]
_STEP = 1 << 16


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


def gzip_limit(compressed: int) -> int:
    """How many bytes a gzip input of ``compressed`` bytes may expand to.

    >>> gzip_limit(1_000_000) == GZIP_MIN_LIMIT, gzip_limit(10**9) == 200 * 10**9
    (True, True)
    """
    return max(GZIP_MIN_LIMIT, GZIP_MAX_RATIO * compressed)


def gunzip(data: bytes, source: str, limit: int | None = None, head: int | None = None) -> bytes | bytearray:
    """Decompress gzip ``data`` (several members too) chunk by chunk.

    Parameters
    ----------
    data
        The compressed bytes.
    source
        The file's name, for messages.
    limit
        Most decompressed bytes accepted (default :func:`gzip_limit`).
    head
        Stop after this many bytes and return them (format detection); damage is then ignored.

    Raises
    ------
    InputError
        When the data is damaged, or expands past ``limit`` (the file is then not read:
        a part of it could pass for all of it).

    Notes
    -----
    The input is fed 64 KiB at a time and each call may produce at most 64 KiB, so
    the limit is checked before more is kept and no step copies the rest of the input
    (``unconsumed_tail`` is at most one step). Memory is the compressed input plus the
    output, held once (a ``bytearray``, not chunks joined at the end).
    """
    limit = gzip_limit(len(data)) if limit is None else limit
    out = bytearray()
    position = 0  # where the input not yet fed starts
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = False  # the current member has been given input
    try:
        while position < len(data):
            piece = data[position:position + _STEP]
            position += len(piece)
            fed = True
            while piece:
                out += inflater.decompress(piece, _STEP)
                if head is not None and len(out) >= head:
                    return bytes(out[:head])
                if len(out) > limit:
                    raise InputError(f"gzip file expands past {limit // 2**20:,} MiB (a decompression bomb?); not "
                                     "read. Decompress it yourself if it is genuine", source)
                if inflater.eof:  # a member ends: another may follow, or zero padding
                    position -= len(inflater.unused_data)
                    inflater, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
                    if data.count(0, position) == len(data) - position:
                        position = len(data)
                    break
                piece = inflater.unconsumed_tail
        if fed and not inflater.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
    except (zlib.error, EOFError) as exc:
        if head is not None:
            return bytes(out)
        raise InputError(f"damaged gzip file ({exc})", source) from None
    return out


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of the (decompressed) input, for format detection; ``b""`` when unreadable."""
    try:
        if path == STDIN:
            data = read_bytes(path)[: size * 8]
        else:
            with path.open("rb") as handle:
                data = handle.read(size)
        if data[:2] == b"\x1f\x8b":
            whole = read_bytes(path) if path == STDIN else path.read_bytes()
            return bytes(gunzip(whole, source_name(path), head=size))
        return data[:size]
    except (OSError, InputError):
        return b""


def head_text(path: Path, size: int = 4096) -> str:
    """The start of the input as text (any encoding :func:`decode_text` knows), for format detection."""
    data = read_head(path, size)
    encoding, bom = _encoding(data)
    return _unify_line_ends(data[len(bom):].decode(encoding, errors="replace"))


def _encoding(data: bytes | bytearray) -> tuple[str, bytes]:
    """The encoding of ``data`` and its byte order mark (``b""`` when it has none)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, bom
    sample = data[:8192]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        # UTF-16 without a mark: ASCII letters leave a NUL in every other byte
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le", b""
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be", b""
    return "utf-8", b""


def decode_text(data: bytes | bytearray, source: str, warn: Warn | None = None) -> str:
    """The text of a file's bytes; flaws that cost no record are passed to ``warn``.

    Raises
    ------
    InputError
        When the bytes are a known non-text format (PDF, ZIP, Office) or binary (many
        NUL bytes).

    Examples
    --------
    >>> decode_text(b"TY  - JOUR\\rER  - \\r", "a.ris")
    'TY  - JOUR\\nER  - \\n'
    >>> problems = []
    >>> decode_text(b"caf\\xe9\\nok", "b.txt", problems.append), str(problems[0])
    ('caf\\ufffd\\nok', 'b.txt:1: 1 byte that is not UTF-8 read as U+FFFD (first: 0xe9); re-save the file as UTF-8')
    """
    for magic, what in _NOT_READ:
        if data.startswith(magic):
            raise InputError(what, source)
    encoding, bom = _encoding(data)
    body = data[len(bom):] if bom else data  # no copy of a big file without a mark
    head = body[:8192]
    if encoding == "utf-8" and head and head.count(0) > BINARY_NUL_SHARE * len(head):
        raise InputError("binary file, not text (it is full of NUL bytes)", source)
    sample = head.decode(encoding, errors="replace")
    unreadable = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r"))
    if unreadable > max(BINARY_BAD_SHARE * len(sample), 8):
        raise InputError(f"binary file, or text in an encoding other than UTF-8 or UTF-16 ({unreadable} of the "
                         f"first {len(sample)} characters unreadable); re-save it as UTF-8 text", source)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        text = body.decode(encoding, errors="replace")
        if warn is not None:
            bad = text.count("\ufffd") - body.decode(encoding, errors="ignore").count("\ufffd")
            line = body.count(b"\n", 0, exc.start) + 1 if encoding == "utf-8" else None
            warn(InputError(f"{bad} byte{'s' if bad > 1 else ''} that {'are' if bad > 1 else 'is'} not "
                            f"{encoding.upper()} read as U+FFFD (first: 0x{body[exc.start]:02x}); re-save the file "
                            f"as UTF-8", source, line))
    return _unify_line_ends(text)


def _unify_line_ends(text: str) -> str:
    """``\\n`` line ends where the file ends its lines with a bare CR (old Mac exports).

    Only then: CRLF files stay as they are (each reader drops the CR), so line numbers
    always match what an editor shows.
    """
    if "\r" not in text:
        return text
    bare = text.count("\r") - text.count("\r\n")
    if bare <= text.count("\n"):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, warn: Warn | None = None) -> str:
    """Return the file's text (see :func:`decode_text`; ``.gz`` files are decompressed).

    Parameters
    ----------
    path
        The file, or ``-`` for standard input.
    warn
        Receives problems that cost no record (bytes that are not UTF-8).

    Raises
    ------
    InputError
        When the file cannot be opened, is damaged gzip or a bomb, or is not text; the
        message names the file.
    """
    source = source_name(path)
    data: bytes | bytearray
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=source) from None
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        data = gunzip(data, source)
    return decode_text(data, source, warn)

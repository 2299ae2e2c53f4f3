"""Reader for arXiv API responses (Atom XML: ``<feed><entry>...``).

Per entry: ``id`` (``http://arxiv.org/abs/2401.01234v2``), ``title``, ``summary``,
``published`` (the year), ``author/name``, ``arxiv:doi``, ``arxiv:journal_ref`` and the
``alternate`` link. Parsed incrementally with defusedxml (no entity expansion), so a
truncated page still yields the entries before the damage; after damage, each later
entry is parsed on its own, so one broken entry costs that entry only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from ..errors import InputError
from ..model import Paper, SourceRef
from ..text.markup import decode_latex
from .records import Notice, Records, make_paper, read_records
from .report import ReadReport

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ENTRY_START = re.compile(r"<(?:[\w-]+:)?entry[\s>]")
_ENTRY_END = re.compile(r"</(?:[\w-]+:)?entry\s*>")
_ROOT = re.compile(r"<((?:[\w-]+:)?feed)(?:\s[^<>]*)?>")
_DEFAULT_ROOT = f'<feed xmlns="{ATOM[1:-1]}" xmlns:arxiv="{ARXIV[1:-1]}">', "feed"


def _child(entry: Element, tag: str) -> str | None:
    node = entry.find(tag)
    return node.text if node is not None and node.text else None


def line_numbers(text: str, offsets: list[int]) -> list[int]:
    """The 1-based line of each of the ascending ``offsets`` in one pass over ``text``.

    Counting from the start for each offset made a 60,000-entry page take minutes.

    >>> line_numbers("a\\nb\\nc", [0, 2, 4])
    [1, 2, 3]
    """
    found, line, last = [], 1, 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        last = offset
        found.append(line)
    return found


def atom_entries(text: str, source: str) -> Records:
    """``<entry>`` elements with the line each starts on.

    After damage the entries not yet read are parsed one by one (see
    :func:`_entries_one_by_one`), each inside a copy of the feed's opening tag so that its
    namespaces hold.

    Raises
    ------
    InputError
        When the XML is not an Atom feed, or uses entity or DTD tricks.
    """
    offsets = [m.start() for m in _ENTRY_START.finditer(text)]
    starts = line_numbers(text, offsets)
    count = 0
    root_seen = False
    try:
        for event, element in iterparse(io.BytesIO(text.encode("utf-8")), events=("start", "end")):
            if not root_seen:  # the first event opens the root element
                root_seen = True
                if element.tag not in (ATOM + "feed", ATOM + "entry"):
                    raise InputError(f"not an Atom feed (root element {element.tag!r})", source, 1)
            if event == "end" and element.tag == ATOM + "entry":
                count += 1
                yield (starts[count - 1] if count <= len(starts) else None), element
                element.clear()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        rest = len(offsets) - count
        yield line, Notice(f"damaged XML ({exc}); " + (f"the {rest} entries from here on were read one by one"
                                                       if rest else "no entries after it"), source, line)
        yield from _entries_one_by_one(text, source, offsets[count:], starts[count:])
    except DefusedXmlException as exc:
        raise InputError(f"XML with entity or DTD tricks refused ({type(exc).__name__})", source) from None


def _entries_one_by_one(text: str, source: str, offsets: list[int], starts: list[int]) -> Records:
    """Each entry from ``offsets`` parsed alone; a broken one is reported with its line and skipped."""
    root = _ROOT.search(text, 0, offsets[0]) if offsets else None
    opening, name = (root.group(0), root.group(1)) if root else _DEFAULT_ROOT
    for index, (offset, line) in enumerate(zip(offsets, starts)):
        limit = offsets[index + 1] if index + 1 < len(offsets) else len(text)
        end = _ENTRY_END.search(text, offset, limit)
        if end is None:
            yield line, InputError("damaged entry (no closing </entry> before the next one), skipped", source, line)
            continue
        try:
            feed = fromstring(f"{opening}{text[offset:end.end()]}</{name}>")
        except ParseError as exc:
            yield line, InputError(f"damaged entry ({exc}), skipped", source, line)
            continue
        except DefusedXmlException as exc:
            yield line, InputError(f"entry with entity or DTD tricks refused ({type(exc).__name__})", source, line)
            continue
        entry = feed[0] if len(feed) else None
        if entry is not None and entry.tag == ATOM + "entry":
            yield line, entry


def _arxiv_id(entry_id: str | None) -> str | None:
    if entry_id and "arxiv.org/abs/" in entry_id:
        return entry_id.split("arxiv.org/abs/", 1)[1]
    return None


def atom_paper(entry: Any, source: SourceRef) -> Paper:
    """A Paper from one Atom entry.

    Raises
    ------
    ValueError
        When the entry has no title or no summary.
    """
    entry_id = _child(entry, ATOM + "id")
    link = next((n.get("href") for n in entry.findall(ATOM + "link") if n.get("rel", "alternate") == "alternate"), None)
    authors = (n.text for n in entry.findall(f"{ATOM}author/{ATOM}name") if n.text)
    title, summary = _child(entry, ATOM + "title"), _child(entry, ATOM + "summary")
    return make_paper(
        source,
        decode_latex(title) if title else None,
        decode_latex(summary) if summary else None,
        year=_child(entry, ATOM + "published") or _child(entry, ATOM + "updated"),
        authors=tuple(" ".join(a.split()) for a in authors if a.strip()),
        doi=_child(entry, ARXIV + "doi"),
        arxiv_id=_arxiv_id(entry_id),
        url=link or entry_id,
        venue=_child(entry, ARXIV + "journal_ref"),
        given_id=None if _arxiv_id(entry_id) else entry_id,
    )


def read_atom(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Yield one Paper per entry of an arXiv API (Atom) page."""
    return read_records(path, report, atom_entries, atom_paper)

"""Reader for "daily papers" listing pages: a title line followed by its abstract line.

The pages are scraped copies of a web listing, so besides papers they hold page
furniture ("Get trending papers…", "Subscribe", "byAK…", "Daily Papers", dates, "new"),
and one title arrives glued to the "Subscribe" button text. Lines are told apart by
shape: an abstract is long, running prose; a title is a short line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Paper, SourceRef
from .fields import clean_text
from .ids import paper_id
from .records import capped
from .report import ReadReport
from .textfile import read_text

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
FURNITURE = re.compile(
    r"^(?:new|subscribe|daily papers|byak and the research community"
    r"|get trending papers in your email inbox.*"
    rf"|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)$",
    re.I,
)
# The button text sticks to the next title when the page's line break is lost.
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[A-Z0-9\"'(\[])")
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z(]")

#: No title on the real pages reaches 170 characters; no abstract is below 400.
MIN_ABSTRACT_CHARS = 250


def is_furniture(line: str) -> bool:
    """True for the listing page's own text (buttons, headers, dates)."""
    return bool(FURNITURE.match(line.strip()))


def is_abstract(line: str) -> bool:
    """True when a line reads as an abstract rather than a title.

    >>> is_abstract("Volume Rendering of Neural Implicit Surfaces")
    False
    """
    return len(line) >= MIN_ABSTRACT_CHARS or len(_SENTENCE_END.findall(line)) >= 2


def read_seed_page(path: Path, report: ReadReport) -> Iterator[Paper]:
    """Yield the papers of one listing page; problems go to ``report``, never raise.

    A title with no abstract after it, or an abstract with no title before it, is
    reported with its line number and skipped.
    """
    try:
        text = read_text(path, lambda exc: report.problem(exc, skipped=0))
    except InputError as exc:
        report.problem(exc, skipped=0)
        return
    source = str(path)
    pending: tuple[int, str] | None = None  # (line number, title) waiting for its abstract
    seen_any = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _GLUED_SUBSCRIBE.sub("", clean_text(raw).strip())
        if not line or is_furniture(line):
            continue
        seen_any = True
        if not is_abstract(line):
            if pending is not None:
                report.problem(InputError(f"title without abstract, skipped: {pending[1][:80]!r}", source, pending[0]))
            pending = (number, line)
            continue
        if pending is None:
            report.problem(InputError(f"abstract without a title, skipped: {line[:60]!r}…", source, number))
            continue
        title_line, title = pending
        pending = None
        paper, cut = capped(Paper(id=paper_id(title), title=title, abstract=line,
                                  sources=(SourceRef(source, title_line),)))
        if cut:
            report.problem(InputError(cut, source, number), skipped=0)
        report.paper(source)
        yield paper
    if pending is not None:
        report.problem(InputError(f"title without abstract, skipped: {pending[1][:80]!r}", source, pending[0]))
    if not seen_any:
        report.problem(InputError("no papers found (the file is empty or holds only page furniture)", source),
                       skipped=0)

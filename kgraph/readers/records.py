"""What every reader shares: turning cleaned fields into a Paper, and the read loop.

A format module only says how its text splits into raw records (:data:`Records`) and how
one raw record maps to fields; :func:`read_records` does the rest the same way for all:
one warning per bad record naming the file and line (or record number), the rest read,
file-level damage reported without losing the records before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Paper, SourceRef
from .fields import as_text, clean_text, parse_month, parse_year
from .ids import normalise_arxiv, normalise_doi, paper_id
from .report import ReadReport
from .textfile import read_text, source_name
from .webpage import strip_landing_page

#: A record's position (1-based line, or record number) and the raw record, or an
#: InputError for a record that could not even be parsed. A parser raises InputError
#: for damage that ends the file (truncation); records already yielded are kept.
Records = Iterable[tuple[int | None, Any]]
Parser = Callable[[str, str], Records]
Converter = Callable[[Any, SourceRef], Paper]

class Notice(InputError):
    """A problem worth a warning that costs ``lost`` records (often none: the record is still read).

    Parsers yield it for a record read despite a flaw, or raise it for damage that
    loses a known number of records (a CSV without an abstract column).
    """

    def __init__(self, message: str, source: str | Path | None = None, line: int | None = None, lost: int = 0):
        super().__init__(message, source, line)
        self.lost = lost


def lines(text: str) -> list[str]:
    """Lines split at ``\\n`` only, stray carriage returns dropped.

    ``str.splitlines`` also splits at U+2028 and U+0085, which are legal inside JSON
    strings; counting ``\\n`` alone also gives the line numbers editors and grep show.
    """
    return [line.strip("\r") for line in text.split("\n")]


#: Longest title and abstract kept, in characters. Real abstracts stay under 10,000
#: (30,000 in the samples); a longer field is a full text or a broken export. It is cut
#: with a warning: spaCy refuses texts over 1,000,000 characters, and a 10 MB field
#: would cost minutes of extraction for nothing.
MAX_CHARS = {"title": 2_000, "abstract": 100_000}


def capped(paper: Paper) -> tuple[Paper, str | None]:
    """``paper`` with an over-long title or abstract cut at a word boundary, and what was cut.

    >>> paper, cut = capped(Paper("p", "T", "word " * 30_000))
    >>> len(paper.abstract) <= MAX_CHARS["abstract"], cut
    (True, 'abstract of 150,000 characters cut to the first 99,999')
    """
    changes: dict[str, str] = {}
    notes: list[str] = []
    for name, limit in MAX_CHARS.items():
        value: str = getattr(paper, name)
        if len(value) > limit:
            head = value[:limit]
            if not value[limit].isspace() and head.rfind(" ") > limit // 2:  # not half a word
                head = head[:head.rfind(" ")]
            cut = head.rstrip()
            changes[name] = cut
            notes.append(f"{name} of {len(value):,} characters cut to the first {len(cut):,}")
    if not changes:
        return paper, None
    return (replace(paper, title=changes.get("title", paper.title), abstract=changes.get("abstract", paper.abstract)),
            "; ".join(notes))


def unscraped(paper: Paper) -> tuple[Paper, str | None]:
    """``paper`` with the abstract found in a scraped landing page (see
    :func:`~kgraph.readers.webpage.strip_landing_page`), and what was dropped.

    Raises
    ------
    ValueError
        When the abstract is such a page with no abstract in it.
    """
    found = strip_landing_page(paper.abstract, paper.doi)
    if not (found.head or found.tail):
        return paper, None
    if not found.text:
        raise ValueError(f"abstract is a publisher's web page with no abstract in it (title {paper.title[:60]!r})")
    return (replace(paper, abstract=found.text),
            f"abstract was a publisher's web page: kept the {len(found.text):,} characters of its abstract, dropped "
            f"{found.head:,} before and {found.tail:,} after")


_MISSING_ABSTRACT = {"[no abstract available]", "no abstract available", "n/a", "na", "none", "null"}


def make_paper(
    source: SourceRef,
    title: Any,
    abstract: Any,
    *,
    year: Any = None,
    month: Any = None,
    authors: tuple[str, ...] = (),
    doi: Any = None,
    arxiv_id: Any = None,
    url: Any = None,
    venue: Any = None,
    given_id: Any = None,
) -> Paper:
    """A Paper from raw field values, cleaned and checked.

    Raises
    ------
    ValueError
        When the title or abstract is missing, or a field has the wrong type or no
        usable value (a year without a year in it).
    """
    title_text = as_text(title, "title")
    abstract_text = as_text(abstract, "abstract")
    if not title_text:
        raise ValueError("record has no title")
    if not abstract_text or abstract_text.lower() in _MISSING_ABSTRACT:
        raise ValueError(f"record has no abstract (title {title_text[:60]!r})")
    doi_text = normalise_doi(as_text(doi, "doi")) or None
    if doi_text is not None and not doi_text.startswith("10."):
        doi_text = None  # not a DOI (e.g. a publisher's internal number)
    arxiv_text = normalise_arxiv(as_text(arxiv_id, "arxiv_id")) or None
    given = as_text(given_id, "id", numbers=True) or None
    year_value = parse_year(year)
    # the month of a full date given as the year ("2019-05-01"), or of a month field
    month_value = parse_month(month) if month not in (None, "") else (
        parse_month(year) if isinstance(year, str) else None)
    return Paper(
        id=paper_id(title_text, doi=doi_text, arxiv_id=arxiv_text, given=given),
        title=title_text,
        abstract=abstract_text,
        year=year_value,
        month=month_value if year_value is not None else None,
        authors=tuple(name for name in map(clean_text, authors) if name.strip()),
        doi=doi_text,
        arxiv_id=arxiv_text,
        url=as_text(url, "url") or None,
        venue=as_text(venue, "venue") or None,
        sources=(source,),
    )


def read_records(path: Path, report: ReadReport, parse: Parser, convert: Converter) -> Iterator[Paper]:
    """Read one file with a format's parser and converter; problems go to ``report``.

    Never raises for bad input: a bad record costs one warning, a damaged file one
    warning (after the records that could be read), an empty file one warning. An
    over-long field is cut (see :func:`capped`) with a warning.

    Notes
    -----
    An exception no parser or converter foresaw is still reported, never raised: a
    record's as that record's warning, a parser's as the end of the file after the last
    record read, with the exception's type, so the reader's contract holds and the bug
    shows.
    """
    source = source_name(path)
    try:
        text = read_text(path, lambda exc: report.problem(exc, skipped=0))
    except InputError as exc:
        report.problem(exc, skipped=0)
        return
    found = False
    position: int | None = None
    try:
        for position, raw in parse(text, source):
            found = True
            if isinstance(raw, InputError):
                report.problem(raw, skipped=raw.lost if isinstance(raw, Notice) else 1)
                continue
            try:
                paper, scraped = unscraped(convert(raw, SourceRef(source, position)))
            except (ValueError, TypeError) as exc:
                report.problem(InputError(str(exc), source, position))
                continue
            except Exception as exc:  # the contract: a reader never raises
                report.problem(InputError(f"unreadable record ({type(exc).__name__}: {exc})", source, position))
                continue
            if scraped:
                report.problem(InputError(scraped, source, position), skipped=0)
            paper, cut = capped(paper)
            if cut:
                report.problem(InputError(cut, source, position), skipped=0)
            report.paper(source)
            yield paper
    except InputError as exc:
        report.problem(exc, skipped=exc.lost if isinstance(exc, Notice) else 0)
        return
    except Exception as exc:  # as above
        report.problem(InputError(f"file not read past this point ({type(exc).__name__}: {exc})", source, position),
                       skipped=0)
        return
    if not found:
        report.problem(InputError("no papers found (the file is empty or holds no records)", source), skipped=0)


def as_object(record: Any) -> dict[str, Any]:
    """``record`` when it is a JSON object, else ValueError (each JSON reader's first check).

    >>> as_object({"title": "T"})
    {'title': 'T'}
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    return record


def pick(record: dict[str, Any], *names: str) -> Any:
    """The first present, non-empty value among ``names`` (exact keys)."""
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def nested(record: Any, *keys: str) -> Any:
    """``record[k1][k2]...`` or ``None`` when any step is missing or not an object."""
    for key in keys:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record

"""OpenAlex works (``/works`` API objects, one per line or in a ``{"meta", "results"}`` page).

OpenAlex ships no abstract text, only ``abstract_inverted_index``: each word mapped to
the positions it takes. :func:`rebuild_abstract` puts the words back in order.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Paper, SourceRef
from .records import as_object, make_paper, nested, pick

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?$", re.I)


def is_openalex(record: dict[str, Any]) -> bool:
    """True for a record shaped like an OpenAlex work."""
    return "abstract_inverted_index" in record or str(record.get("id", "")).startswith("https://openalex.org/W")


def rebuild_abstract(index: Any) -> str:
    """The abstract text from an inverted index ``{word: [positions]}``.

    A word may hold several positions; positions may have gaps (OpenAlex drops some
    tokens), which are simply closed up. Two words claiming one position keep both, in
    the order given.

    Raises
    ------
    ValueError
        When the index is not a mapping of words to lists of non-negative integers.

    >>> rebuild_abstract({"the": [0, 3], "cat": [1], "saw": [2], "dog": [5]})
    'the cat saw the dog'
    """
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise ValueError(f"'abstract_inverted_index' should be an object, got {type(index).__name__}")
    placed: list[tuple[int, int, str]] = []
    for order, (word, positions) in enumerate(index.items()):
        if not isinstance(positions, list):
            raise ValueError(f"'abstract_inverted_index' positions of {word!r} should be a list")
        for position in positions:
            if isinstance(position, bool) or not isinstance(position, int) or position < 0:
                raise ValueError(f"'abstract_inverted_index' has a bad position for {word!r}: {position!r}")
            placed.append((position, order, word))
    placed.sort()
    return " ".join(word for _, _, word in placed)


def inverted_index(text: str) -> dict[str, list[int]]:
    """The ``abstract_inverted_index`` OpenAlex would give ``text`` (words split at spaces):
    the inverse of :func:`rebuild_abstract`, for writing test and benchmark records.

    >>> inverted_index("the cat saw the dog")
    {'the': [0, 3], 'cat': [1], 'saw': [2], 'dog': [4]}
    >>> rebuild_abstract(inverted_index("the cat saw the dog"))
    'the cat saw the dog'
    """
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


def _arxiv_from_locations(record: dict[str, Any]) -> str | None:
    locations = record.get("locations")
    for location in locations if isinstance(locations, list) else []:
        url = nested(location, "landing_page_url")
        match = _ARXIV_URL.search(url) if isinstance(url, str) else None
        if match:
            return match.group(1)
    return None


def openalex_paper(record: Any, source: SourceRef) -> Paper:
    """A Paper from one OpenAlex work object.

    Raises
    ------
    ValueError
        When the work has no title or no abstract, or a field has the wrong shape.
    """
    record = as_object(record)
    authorships = record.get("authorships")
    authors = tuple(
        name.strip() for a in (authorships if isinstance(authorships, list) else [])
        if isinstance(name := nested(a, "author", "display_name"), str) and name.strip()
    )
    work_id = record.get("id")
    return make_paper(
        source,
        pick(record, "title", "display_name"),
        rebuild_abstract(record.get("abstract_inverted_index")) or record.get("abstract"),
        year=pick(record, "publication_year", "publication_date"),
        month=record.get("publication_date"),
        authors=authors,
        doi=record.get("doi") or nested(record, "ids", "doi"),
        arxiv_id=_arxiv_from_locations(record),
        url=nested(record, "primary_location", "landing_page_url") or work_id,
        venue=(nested(record, "primary_location", "source", "display_name")
               or nested(record, "host_venue", "display_name")),
        given_id=f"openalex:{work_id.rsplit('/', 1)[-1]}" if isinstance(work_id, str) and work_id else None,
    )

"""Stable paper identifiers and the keys used to spot one paper under several records."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ARXIV_PREFIX = re.compile(r"^(?:https?://arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.I)
_ARXIV_VERSION = re.compile(r"v\d+$")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_doi(doi: str) -> str:
    """Lower-case DOI without resolver prefix.

    >>> normalise_doi("https://doi.org/10.1000/ABC.1")
    '10.1000/abc.1'
    """
    return _DOI_PREFIX.sub("", doi.strip()).strip().lower()


def normalise_arxiv(arxiv_id: str) -> str:
    """arXiv id without URL prefix or version suffix.

    >>> normalise_arxiv("https://arxiv.org/abs/2401.01234v3")
    '2401.01234'
    """
    bare = _ARXIV_PREFIX.sub("", arxiv_id.strip()).removesuffix(".pdf")
    return _ARXIV_VERSION.sub("", bare)


def title_key(title: str) -> str:
    """A title reduced to lower-case letters and digits.

    Scraped pages lose hyphens and spaces unevenly ("MoDecGS" vs "MoDec-GS",
    "GlobaltoLocal"), so everything that is not a letter or digit is dropped.

    >>> title_key("MoDec-GS: Global-to-Local") == title_key("MoDecGS: GlobaltoLocal")
    True
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub("", folded)


def paper_id(title: str, doi: str | None = None, arxiv_id: str | None = None, given: str | None = None) -> str:
    """The stable id of a paper: DOI, else arXiv id, else the record's own id, else a title hash.

    >>> paper_id("A Title", doi="10.1/X")
    'doi:10.1/x'
    >>> paper_id("A  title") == paper_id("a title")
    True
    """
    if doi:
        return f"doi:{normalise_doi(doi)}"
    if arxiv_id:
        return f"arxiv:{normalise_arxiv(arxiv_id)}"
    if given:
        return str(given).strip()
    digest = hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:16]
    return f"title:{digest}"

"""A publisher's landing page scraped in place of an abstract: find the abstract in it.

Some abstracts in aggregated metadata (OpenAlex builds its inverted index from what it
scraped) are the whole landing page of a publisher's platform: a header ("No Access",
the authors twice, the DOI, "ToolsAdd to favoritesDownload CitationsTrack Citations
ShareFacebookTwitterLinked In"), then the abstract, then a list of citing works, the
keywords in capitals and "PDF DownloadLoading ...". Left in, the header's glued words
become the corpus's commonest "entities" ("favoritesDownload CitationsTrack", "ToolsAdd")
and the citing works' titles become the paper's mentions.

Only text carrying the platform's share bar is touched: its words never occur in an
abstract, so ordinary abstracts come out unchanged.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# the share bar of the page header: the page's own words, glued as scraped
_SHARE_BAR = re.compile(
    r"Tools\s*Add\s+to\s+favorites\s*Download\s+Citations\s*Track\s+Citations(?:\s*Permissions)?"
    r"\s*Share\s*(?:Share\s+on\s*)?Facebook\s*Twitter\s*Linked\s*In"
    r"(?:\s*(?:Mendeley|We[Cc]hat|Reddit|Email|Cite\s+this\s+article))*")
# what may stand between the share bar and the abstract
_HEAD_REST = re.compile(r"\s*(?:Figures\s*&\s*Info\s*)?(?:Abstract\s*[:.]?\s*)?")
# where the page goes on past the abstract: the first of these ends it
_TAIL = re.compile(
    r"Previous\s*(?:book|chapter|article|issue)\s*Next\s*(?:book|chapter|article|issue)"
    r"|Figures\s*references\s*(?:Recommended|Related)\s*details"
    r"|View\s+Published:|Copyright\s*&\s*Permissions|PDF\s*Download\s*Loading\s*\.\.\."
    r"|(?-i:\bReferences\s+(?=[A-Z][\w'-]+,?\s+[A-Z]\.))", re.I)  # a reference list: "References Brown K. (2000)"


_HEADER_AFTER_BAR = 1_000  # characters after the share bar searched for the DOI


class Unscraped(NamedTuple):
    """The abstract found in a scraped page, and the number of characters dropped
    before and after it (both 0: not a scraped page)."""

    text: str
    head: int
    tail: int


def strip_landing_page(text: str, doi: str | None = None) -> Unscraped:
    """The abstract in ``text`` without a scraped landing page's header and trailer.

    Text without the platform's share bar is returned as it is. Where the header goes on
    past the share bar (a journal's page repeats the title, the issue and the DOI), the
    abstract starts after the paper's ``doi`` when the header shows it.

    >>> page = ("No AccessWorking Papers1 Jun 2013Rain and RiceAuthors/Editors: A. BA. B"
    ...         "https://doi.org/10.1/x SectionsAboutPDF (0.7 MB) ToolsAdd to favoritesDownload "
    ...         "CitationsTrack Citations ShareFacebookTwitterLinked In Abstract:We study rain. "
    ...         "Previous bookNext book FiguresReferencesRecommendedDetailsCited ByA later paper")
    >>> strip_landing_page(page)
    Unscraped(text='We study rain.', head=214, tail=80)
    >>> strip_landing_page("We study rain. Abstract: none.")
    Unscraped(text='We study rain. Abstract: none.', head=0, tail=0)
    """
    bar = _SHARE_BAR.search(text)
    if bar is None:
        return Unscraped(text, 0, 0)
    start = _HEAD_REST.match(text, bar.end())
    begin = start.end() if start else bar.end()
    if doi:
        header = text[begin : begin + _HEADER_AFTER_BAR].lower()
        at = header.rfind(doi.lower())
        if at >= 0:
            begin += at + len(doi)
    end_match = _TAIL.search(text, begin)
    end = end_match.start() if end_match else len(text)
    kept = text[begin:end]
    body = kept.strip()
    head = begin + len(kept) - len(kept.lstrip())
    return Unscraped(body, head, len(text) - head - len(body))

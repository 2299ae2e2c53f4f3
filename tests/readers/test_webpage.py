from __future__ import annotations

from kgraph.readers.webpage import strip_landing_page

_BAR = "ToolsAdd to favoritesDownload CitationsTrack Citations ShareFacebookTwitterLinked In"
_HEAD = ("No AccessPolicy Research Working Papers21 Jun 2013Irrigation and YieldsAuthors/Editors: Ana Ortiz, "
         "Ben KoAna Ortiz, Ben Kohttps://doi.org/10.1596/1813-9450-0000SectionsAboutPDF (0.7 MB) ")
_ABSTRACT = "We measure how irrigation changed maize yields in 40 districts. Yields rose by 12%."


def test_book_page_keeps_only_its_abstract():
    page = (_HEAD + _BAR + " Abstract:" + _ABSTRACT + " Previous bookNext book FiguresReferencesRecommendedDetails"
            "Cited ByWater and growthJournal of Things, Vol.3 View Published: April 2008 Copyright & Permissions "
            "KeywordsIRRIGATIONYIELDS PDF DownloadLoading ...")
    found = strip_landing_page(page)
    assert found.text == _ABSTRACT
    assert found.head == page.index(_ABSTRACT) and found.head + len(found.text) + found.tail == len(page)


def test_each_trailer_alone_ends_the_abstract():
    for trailer in ("Previous chapterNext chapter", "Previous ArticleNext Article", "FiguresreferencesRecommendeddetails",
                    "FiguresReferencesRelatedDetailsLoading ...", "View Published: May 1999", "Copyright & Permissions",
                    "PDF DownloadLoading ...", "References Brown K. (2000) A title. Sci. Am., 283, 40–45."):
        page = _HEAD + _BAR + " Abstract:" + _ABSTRACT + " " + trailer + " Cited ByA later paper"
        assert strip_landing_page(page).text == _ABSTRACT, trailer


def test_article_page_without_an_abstract_heading():
    # a journal article's page: the share bar has more services, then "Figures & Info"
    page = ("Viewpoint1 September 2000free access Rewarding work Search for more papers by this author "
            "ToolsAdd to favoritesDownload CitationsTrack CitationsPermissions ShareFacebookTwitterLinked InMendeley"
            "WechatReddit Figures & Info " + _ABSTRACT + " Previous ArticleNext Article Volume 1")
    assert strip_landing_page(page).text == _ABSTRACT


def test_page_with_nothing_after_the_header():
    found = strip_landing_page(_HEAD + _BAR + " Abstract: PDF DownloadLoading ...")
    assert found.text == "" and found.head > 0


def test_ordinary_abstracts_are_untouched():
    # the trailer's words alone are not a page: only the share bar marks one
    for text in (_ABSTRACT, "Abstract: we compare the previous article to the next article. References Brown K. above.",
                 "We share results on Facebook and Twitter data; see Copyright & Permissions of the data."):
        assert strip_landing_page(text) == (text, 0, 0)


def test_a_journal_header_past_the_share_bar_ends_at_the_doi():
    page = ("You have accessMoreSectionsView PDF ToolsAdd to favoritesDownload CitationsTrack Citations ShareShare on"
            "FacebookTwitterLinked InRedditEmail Cite this article 2008Address of the PresidentNotes Rec. R. Soc.62211–221"
            "http://doi.org/10.1098/RSNR.2007.0050 Published:10 March 2008https://doi.org/10.1098/rsnr.2007.0050 "
            + _ABSTRACT)
    assert strip_landing_page(page, "10.1098/rsnr.2007.0050").text == _ABSTRACT
    # without the DOI the header stays (nothing better marks where it ends)
    assert strip_landing_page(page).text.startswith("2008Address of the President")
    assert strip_landing_page(page, "10.9999/elsewhere").text.startswith("2008Address")

"""XML 1.0 text and attribute values, escaped as lxml escapes them, for the streamed XML writers.

GraphML and GEXF are written as text, element by element (see their modules); these
two functions are all the escaping they need.
"""

from __future__ import annotations

import re

# characters XML 1.0 cannot hold (control characters a PDF extraction can leave in a title)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# most values need no escaping: one search finds those that do (11M values at 50k papers)
_SPECIAL_TEXT = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL_ATTR = re.compile("[&<>\"\n\t\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Element text as XML 1.0 holds it (what lxml writes: &, <, > and CR escaped).

    Characters XML 1.0 cannot hold at all are dropped.

    >>> xml_text("A & B <i>\\x0b")
    'A &amp; B &lt;i&gt;'
    """
    text = str(value)
    if not _SPECIAL_TEXT.search(text):
        return text
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attr(value: object) -> str:
    """An attribute value in double quotes, escaped as lxml does (newlines and tabs kept as references).

    >>> xml_attr('say "hi"\\n')
    '"say &quot;hi&quot;&#10;"'
    """
    text = str(value)
    if not _SPECIAL_ATTR.search(text):
        return f'"{text}"'
    return '"' + xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") + '"'

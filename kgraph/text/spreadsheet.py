"""Text bound for a spreadsheet: CSV cells that open as text, never as formulas.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"); OWASP's advice is a
leading single quote. Every CSV kgraph writes (exports, ``kgraph query``, ``leaderboard``,
``trends``) goes through :func:`safe_cell`.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: text that could start a formula gets a ``'``.

    >>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("@SUM(A1)"), safe_cell("\\tx")
    ("'=cmd|' /C calc'!A0", "'@SUM(A1)", "'\\tx")
    >>> safe_cell("-0.5"), safe_cell("+2.1"), safe_cell(-3), safe_cell("BERT")
    ('-0.5', '+2.1', -3, 'BERT')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value

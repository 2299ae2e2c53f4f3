"""The one exception tree of kgraph.

Every error a user can cause derives from :class:`KGraphError`, and its message names the
file, line or record involved so the user can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KGraphError(Exception):
    """Root of every error kgraph raises on purpose."""


class InputError(KGraphError):
    """A file or record that cannot be read.

    Parameters
    ----------
    message
        What is wrong, in words a user understands.
    source
        The file (or ``"<stdin>"``) the problem is in.
    line
        1-based line (or record) number, when known.

    Examples
    --------
    >>> str(InputError("no abstract", source="page.txt", line=12))
    'page.txt:12: no abstract'
    """

    def __init__(self, message: str, source: str | Path | None = None, line: int | None = None):
        self.message = message
        self.source = str(source) if source is not None else None
        self.line = line
        where = self.source or ""
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class ModelError(KGraphError):
    """A shipped or user-supplied model is missing or unusable."""


class QueryError(KGraphError):
    """A SPARQL query that is malformed or not allowed."""


class BuildNotFoundError(KGraphError):
    """A folder that does not hold a kgraph build."""


class MissingExtraError(KGraphError):
    """An optional dependency is needed but not installed; the message says which extra."""


class OptionError(KGraphError, ValueError):
    """An option or argument value that is not allowed; the message names the option.

    Also a :class:`ValueError`, so callers that caught the plain ``ValueError`` raised
    before still catch it.

    >>> isinstance(OptionError("top_k must be >= 1"), ValueError)
    True
    """

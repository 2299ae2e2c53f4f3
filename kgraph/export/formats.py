"""The formats ``kgraph export`` writes: which one a path asks for, and the writer of each.

A file's extension names its format where only one format uses it (``.gexf``,
``.graphml``, the RDF extensions); ``.json`` (VOSviewer or something else?) and a
folder (``csv``: the CSV tables) need the format named.
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_path
from ..errors import OptionError
from ..graph.data import GraphData
from ..rdf.convert import RDF_FORMATS, write_rdf
from .gexf import write_gexf
from .graphml import write_graphml
from .tables import write_tables
from .vosviewer import DEFAULT_TOP, write_vosviewer

#: Format name -> the extension that implies it.
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig", "nq": ".nq", "graphml": ".graphml",
              "gexf": ".gexf"}
#: Every format; those without an extension are named with ``--format``.
FORMATS = (*EXTENSIONS, "vosviewer", "csv")


def export_format(path: Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: ``fmt`` when given, else the one its extension names.

    >>> export_format(Path("out/graph.gexf")), export_format(Path("out/x.xml"), "gexf")
    ('gexf', 'gexf')
    >>> export_format(Path("out/map.json"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kgraph.errors.OptionError: out/map.json: no format has the extension '.json'; name one with --format (...)
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise OptionError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    suffix = path.suffix.lower()
    for name, extension in EXTENSIONS.items():
        if suffix == extension:
            return name
    raise OptionError(f"{path}: no format has the extension {suffix!r}; name one with --format "
                      f"({', '.join(FORMATS)})")


def write_export(data: GraphData, path: Path, fmt: str, *, vosviewer_map: str = "terms",
                 top: int = DEFAULT_TOP) -> None:
    """Write the build to ``path`` in the format ``fmt`` (one of :data:`FORMATS`), atomically.

    ``path`` is a file, or for ``csv`` the folder of the tables (see :func:`.tables.write_tables`).
    ``vosviewer_map`` and ``top`` choose the VOSviewer map (see :func:`.vosviewer.vosviewer_json`).
    """
    if fmt == "graphml":
        write_graphml(data, path)
    elif fmt == "gexf":
        write_gexf(data, path)
    elif fmt == "csv":
        write_tables(data, path)
    elif fmt == "vosviewer":
        write_vosviewer(data, path, kind=vosviewer_map, top=top)
    else:
        with atomic_path(path) as tmp:
            write_rdf(data, tmp, RDF_FORMATS[EXTENSIONS[fmt]])

"""GraphML export (Gephi, Cytoscape, yEd): lists become "; "-joined strings, None is dropped."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from .atomic import atomic_path


def graphml_ready(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all GraphML scalars."""

    def clean(attrs: dict) -> dict:
        out = {}
        for key, value in attrs.items():
            if value is None:
                continue
            out[key] = "; ".join(map(str, value)) if isinstance(value, (list, tuple, set)) else value
        return out

    ready = nx.Graph()
    ready.add_nodes_from((n, clean(a)) for n, a in graph.nodes(data=True))
    ready.add_edges_from((u, v, clean(a)) for u, v, a in graph.edges(data=True))
    return ready


def write_graphml(graph: nx.Graph, path: Path) -> None:
    with atomic_path(path) as tmp:
        # the lxml writer streams (the ElementTree one builds the whole document first)
        nx.write_graphml_lxml(graphml_ready(graph), tmp)

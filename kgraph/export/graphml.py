"""GraphML export (Gephi, Cytoscape, yEd), streamed from a build's data.

The same nodes and edges as :func:`kgraph.graph.data.build_networkx_of` (papers and
entities; ``mentions`` and ``related`` edges; communities), written element by element
as text: going through networkx meant two graph copies of a few GB at 100k papers.
Lists become "; "-joined strings; missing values are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from ..atomic import atomic_path
from ..graph.build import PAPER, entity_node
from ..graph.data import GraphData
from .xmltext import xml_attr, xml_text

_NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = {"type": "string", "label": "string", "year": "long", "url": "string", "alt_labels": "string",
             "community": "long", "community_label": "string"}
EDGE_KEYS = {"type": "string", "count": "long", "weight": "double", "shared": "string"}


def write_graphml(data: GraphData, path: Path) -> None:
    """Write the build's graph as GraphML to ``path`` (atomically).

    Written as text, element by element: building one lxml element per node and edge
    took three times as long for the same bytes.
    """
    keys = {("node", name): f"n{i}" for i, name in enumerate(NODE_KEYS)}
    keys |= {("edge", name): f"e{i}" for i, name in enumerate(EDGE_KEYS)}
    membership, names = data.communities.membership, data.communities.names

    def element(tag: str, kind: str, attrs: Mapping[str, object], ids: str) -> str:
        parts = [f"<{tag} {ids}>\n"]
        for name, value in attrs.items():
            if value is None or value == "" or value == ():
                continue
            if isinstance(value, (list, tuple)):
                value = "; ".join(map(str, value))
            parts.append(f'  <data key="{keys[kind, name]}">{xml_text(value)}</data>\n')
        if len(parts) == 1:
            return f"<{tag} {ids}/>\n"
        parts.append(f"</{tag}>\n")
        return "".join(parts)

    def community(node: str) -> dict[str, object]:
        c = membership.get(node)
        return {"community": c, "community_label": names[c]} if c is not None else {}

    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"{_NS}\">")
        for (kind, name), key in keys.items():
            types = NODE_KEYS if kind == "node" else EDGE_KEYS
            out.write(f'<key id="{key}" for="{kind}" attr.name="{name}" attr.type="{types[name]}"/>\n')
        out.write('<graph edgedefault="undirected">')
        for paper in data.papers:
            attrs: dict[str, object] = {"type": PAPER, "label": paper.title, "year": paper.year, "url": paper.url}
            out.write(element("node", "node", attrs | community(paper.id), f"id={xml_attr(paper.id)}"))
        for entity in data.entities:
            node = entity_node(entity.id)
            attrs = {"type": entity.kind.value, "label": entity.label, "alt_labels": entity.alt_labels}
            out.write(element("node", "node", attrs | community(node), f"id={xml_attr(node)}"))
        pairs = Counter((m.paper_id, e) for m, e in zip(data.mentions, data.mention_entity) if e)
        for (paper_id, entity_id), count in pairs.items():
            attrs = {"type": "mentions", "count": count}
            out.write(element("edge", "edge", attrs,
                              f"source={xml_attr(paper_id)} target={xml_attr(entity_node(entity_id))}"))
        for link in data.links:
            attrs = {"type": "related", "weight": link.weight, "shared": link.shared}
            out.write(element("edge", "edge", attrs, f"source={xml_attr(link.source)} target={xml_attr(link.target)}"))
        out.write("</graph></graphml>")

"""GEXF 1.3 export for Gephi, streamed from a build's data.

The nodes and edges of the GraphML (:mod:`.graphml`): papers and entities, the
``mentions`` edges between them (weight: the number of mentions) and the ``related``
paper–paper links (weight: the link's weight, ``explanation``: the labels of the shared
entities that make the link). Attributes are declared with their types in
``<attributes class="node|edge">`` as Gephi's importer reads them; each node also
carries ``viz:size`` (grows with its degree) and ``viz:color`` (its kind, the colours of
the HTML page), so the file opens in Gephi already readable.

Written as text, element by element, like the GraphML: ``networkx.write_gexf`` wants a
networkx graph first and builds the whole document as an ElementTree before writing a
byte — at 50k papers (690k nodes, millions of edges) that is several GB of Python
objects, where streaming holds one line at a time.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from ..atomic import atomic_path
from ..graph.build import entity_node
from ..graph.data import GraphData
from ..version import __version__
from .html import COLOURS
from .xmltext import xml_attr, xml_text
from .years import entity_years

_NS = "http://gexf.net/1.3"
_VIZ = "http://gexf.net/1.3/viz"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Node attributes (title -> GEXF type), in the order of their ids.
NODE_ATTRIBUTES = {"kind": "string", "community": "integer", "community_label": "string", "papers": "integer",
                   "year": "integer", "mean_year": "double", "url": "string", "alt_labels": "string",
                   "generic": "boolean"}
#: Edge attributes; the weight is GEXF's own ``weight``.
EDGE_ATTRIBUTES = {"kind": "string", "explanation": "string"}
_NODE_ID = {title: str(i) for i, title in enumerate(NODE_ATTRIBUTES)}
_EDGE_ID = {title: str(i) for i, title in enumerate(EDGE_ATTRIBUTES)}


def _rgb(colour: str) -> str:
    """``viz:color`` attributes of a ``#rrggbb`` colour.

    >>> _rgb("#5b6b7f")
    'r="91" g="107" b="127"'
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f'r="{r}" g="{g}" b="{b}"'


def _values(ids: dict[str, str], attrs: dict[str, object]) -> str:
    """``<attvalues>`` of the attributes that have a value ("" when none has)."""
    parts = []
    for title, value in attrs.items():
        if value is None or value == "" or value == ():
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = "; ".join(map(str, value))
        parts.append(f"<attvalue for=\"{ids[title]}\" value={xml_attr(value)}/>")
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def write_gexf(data: GraphData, path: Path) -> None:
    """Write the build's graph as GEXF 1.3 to ``path`` (atomically).

    Node ids are those of the GraphML (a paper's id; ``entity:ID`` for an entity);
    ``papers`` is 1 for a paper and the number of papers that mention an entity;
    ``year`` is a paper's year or the first year of an entity's papers, ``mean_year``
    the mean year of its papers (left out where no paper has a year).
    """
    membership, names = data.communities.membership, data.communities.names
    papers_of, by_id = data.papers_of_entity, data.entity_by_id
    years = entity_years(data)
    pairs = Counter((m.paper_id, e) for m, e in zip(data.mentions, data.mention_entity) if e)
    degree: Counter[str] = Counter()
    for paper_id, entity_id in pairs:
        degree[paper_id] += 1
        degree[entity_node(entity_id)] += 1
    for link in data.links:
        degree[link.source] += 1
        degree[link.target] += 1
    colour = {kind: _rgb(hex_colour) for kind, hex_colour in COLOURS.items()}

    def node(key: str, label: str, kind: str, attrs: dict[str, object]) -> str:
        c = membership.get(key)
        attrs = {"kind": kind, "community": c, "community_label": names[c] if c is not None else None, **attrs}
        size = round(4 + 2 * math.sqrt(degree[key]), 1)  # the area grows with the degree
        return (f"<node id={xml_attr(key)} label={xml_attr(label)}>{_values(_NODE_ID, attrs)}"
                f"<viz:size value=\"{size}\"/><viz:color {colour[kind]}/></node>\n")

    created = str(data.meta.get("created", ""))[:10]  # the build's date: the same build gives the same file
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="{_NS}" xmlns:viz="{_VIZ}" '
                  f'xmlns:xsi="{_XSI}" xsi:schemaLocation="{_NS} {_NS}/gexf.xsd" version="1.3">\n')
        out.write(f"<meta{f' lastmodifieddate={xml_attr(created)}' if created else ''}>"
                  f"<creator>kgraph {xml_text(__version__)}</creator>"
                  f"<description>{len(data.papers)} papers, their entities and links</description></meta>\n")
        out.write('<graph mode="static" defaultedgetype="undirected">\n')
        for kind, attributes, ids in (("node", NODE_ATTRIBUTES, _NODE_ID), ("edge", EDGE_ATTRIBUTES, _EDGE_ID)):
            out.write(f'<attributes class="{kind}">\n')
            out.writelines(f'<attribute id="{ids[title]}" title="{title}" type="{t}"/>\n'
                           for title, t in attributes.items())
            out.write("</attributes>\n")
        out.write("<nodes>\n")
        for paper in data.papers:
            out.write(node(paper.id, paper.title, "Paper",
                           {"papers": 1, "year": paper.year, "mean_year": paper.year, "url": paper.url}))
        for entity in data.entities:
            first, mean = years.get(entity.id, (None, None))
            out.write(node(entity_node(entity.id), entity.label, entity.kind.value,
                           {"papers": len(papers_of.get(entity.id, ())), "year": first, "mean_year": mean,
                            "alt_labels": entity.alt_labels, "generic": entity.generic}))
        out.write("</nodes>\n<edges>\n")
        edge = 0
        mentions = _values(_EDGE_ID, {"kind": "mentions"})
        for (paper_id, entity_id), count in pairs.items():
            out.write(f"<edge id=\"{edge}\" source={xml_attr(paper_id)} target={xml_attr(entity_node(entity_id))} "
                      f"weight=\"{count}\">{mentions}</edge>\n")
            edge += 1
        for link in data.links:
            shared = [by_id[e].label if e in by_id else e for e in link.shared]
            out.write(f"<edge id=\"{edge}\" source={xml_attr(link.source)} target={xml_attr(link.target)} "
                      f"weight=\"{link.weight!r}\">{_values(_EDGE_ID, {'kind': 'related', 'explanation': shared})}"
                      "</edge>\n")
            edge += 1
        out.write("</edges>\n</graph>\n</gexf>\n")

"""The interactive HTML page: pyvis (vis-network) with everything inlined.

pyvis's own templates link Bootstrap (and in some modes vis-network) from a CDN, which
fails offline, and its built-in filter menu blanks the graph. So kgraph fills a pyvis
``Network`` directly (``add_edge`` rescans all edges per call: 30 s at 10k nodes) and
renders it with its own template, which inlines pyvis's vis-network files and adds a
legend/type filter, a search box and a details panel. Untrusted text travels as JSON in
a ``<script type="application/json">`` block (Jinja's ``tojson`` escapes ``<``, ``>``,
``&``, ``'``) and is put in the page only with ``textContent``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from pyvis.network import Network

from ..graph.build import entity_node
from ..graph.data import GraphData
from ..model import EntityKind, Field
from .atomic import write_text_atomic

COLOURS: dict[str, str] = {
    "Paper": "#5b6b7f",
    EntityKind.METHOD.value: "#e45756",
    EntityKind.DATASET.value: "#54a24b",
    EntityKind.TASK.value: "#f58518",
    EntityKind.METRIC.value: "#b279a2",
    EntityKind.CONCEPT.value: "#4c9ec9",
}
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_payload(data: GraphData, title: str) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """vis-network nodes and edges plus the details blob the panel reads."""
    degree: dict[str, int] = {}
    edges: list[dict] = []
    papers_of = data.papers_of_entity
    for paper_id, entity_ids in data.entities_of_paper.items():
        for entity_id in sorted(entity_ids):
            node = entity_node(entity_id)
            edges.append({"id": f"m:{paper_id}|{entity_id}", "from": paper_id, "to": node, "kind": "mentions",
                          "color": {"color": "#c8c8c8", "opacity": 0.6}, "width": 1})
            degree[paper_id] = degree.get(paper_id, 0) + 1
            degree[node] = degree.get(node, 0) + 1
    for link in data.links:
        edges.append({"id": f"r:{link.source}|{link.target}", "from": link.source, "to": link.target, "kind": "related",
                      "weight": link.weight, "shared": [entity_node(e) for e in link.shared],
                      "width": 1 + min(6.0, link.weight / 2), "color": {"color": "#7a8ca3", "opacity": 0.8}, "dashes": True})
        degree[link.source] = degree.get(link.source, 0) + 1
        degree[link.target] = degree.get(link.target, 0) + 1

    def size(node: str) -> float:
        return round(8 + 4 * math.sqrt(degree.get(node, 0)), 2)

    nodes: list[dict] = []
    papers: dict[str, dict] = {}
    marks: dict[str, list] = {p.id: [] for p in data.papers}
    for mention, entity_id in zip(data.mentions, data.mention_entity):
        if entity_id and mention.field is Field.ABSTRACT:
            marks[mention.paper_id].append([mention.start, mention.end, entity_node(entity_id)])
    for paper in data.papers:
        nodes.append({"id": paper.id, "label": _short(paper.title), "fullLabel": paper.title, "kind": "Paper",
                      "color": COLOURS["Paper"], "shape": "square", "size": size(paper.id), "title": paper.title,
                      "searchLabels": [paper.title]})
        papers[paper.id] = {"id": paper.id, "title": paper.title, "year": paper.year, "url": paper.url,
                            "abstract": paper.abstract, "marks": sorted(marks[paper.id])}
    entities: dict[str, dict] = {}
    for entity in data.entities:
        node = entity_node(entity.id)
        kind = entity.kind.value
        # an entity of a single paper explains no link: it starts hidden and out of the
        # physics, which keeps big builds readable and quick to lay out
        single = len(papers_of.get(entity.id, ())) <= 1
        nodes.append({"id": node, "label": _short(entity.label, 30), "fullLabel": entity.label, "kind": kind,
                      "color": COLOURS[kind], "shape": "dot", "size": size(node),
                      "title": f"{entity.label} ({kind})", "searchLabels": [entity.label, *entity.alt_labels],
                      "single": single, "hidden": single, "physics": not single})
        entities[node] = {"label": entity.label, "kind": kind, "alt": list(entity.alt_labels),
                          "merged": list(entity.merged_by), "papers": papers_of.get(entity.id, [])}
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    singles = sum(1 for node in nodes if node.get("single"))
    blob = {"title": title, "colours": COLOURS, "counts": counts, "singles": singles, "papers": papers, "entities": entities}
    return nodes, edges, blob


def vis_options(n_nodes: int) -> dict[str, Any]:
    """Physics that settles quickly, then the page switches it off."""
    return {
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 90, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 300 if n_nodes < 2000 else 120, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 1500},
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "edges": {"smooth": False},
    }


def render_html(data: GraphData, title: str = "kgraph") -> str:
    """The page as a string (self-contained: no request leaves it)."""
    nodes, edges, blob = page_payload(data, title)
    net = Network(height="100%", width="100%", cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges  # pyvis's add_edge is O(E) per call
    net.options = vis_options(len(nodes))
    env = Environment(loader=FileSystemLoader([str(TEMPLATE_DIR), net.template_dir]), autoescape=True)
    template = env.get_template("kgraph.html.j2")
    return template.render(page_title=title, nodes=net.nodes, edges=net.edges,
                           options=json.dumps(net.options), data=blob)


def write_html(data: GraphData, path: Path, title: str = "kgraph") -> None:
    write_text_atomic(path, render_html(data, title))

"""The interactive HTML page: pyvis (vis-network) with everything inlined.

pyvis's own templates link Bootstrap (and in some modes vis-network) from a CDN, which
fails offline, its built-in filter menu blanks the graph, and its ``add_edge`` rescans
all edges per call (30 s at 10k nodes). So kgraph renders pyvis's vis-network files with
its own template and writes the node/edge data itself, compactly: nodes as records,
edges as index pairs, all in one ``<script type="application/json">`` block (escaped
with Jinja's ``htmlsafe_json_dumps``: ``<``, ``>``, ``&``, ``'`` become ``\\u`` escapes)
that the page parses once. Untrusted text is put in the page only with ``textContent``.

The page keeps the build in memory (a big one less its single-paper entities and, bigger
still, its abstracts: :data:`ALL_ENTITIES_UP_TO`, :data:`ABSTRACTS_UP_TO`) but hands
vis-network only one *view* at a time: the whole graph when it is small, else an
overview of the top entities coloured by community; a community or a node's
neighbourhood is one click or one search away.
The whole-graph view comes laid out from Python (``initial_layout``: the browser only
polishes it); the other views are laid out by a short physics run. Physics then switches
itself off, so the page is idle afterwards however large the build.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import igraph
import numpy as np
from jinja2 import Environment, FileSystemLoader
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from pyvis.network import Network

from ..atomic import write_text_atomic
from ..graph.build import entity_node
from ..graph.data import GraphData
from ..graph.relations import leaderboard_key, plain_value, shown_method
from ..mentions import mention_column
from ..model import Entity, EntityKind, Field
from ..text.labels import other_forms

COLOURS: dict[str, str] = {
    "Paper": "#5b6b7f",
    EntityKind.METHOD.value: "#e45756",
    EntityKind.DATASET.value: "#54a24b",
    EntityKind.TASK.value: "#f58518",
    EntityKind.METRIC.value: "#b279a2",
    EntityKind.CONCEPT.value: "#4c9ec9",
}
# distinct colours for the largest communities (Tableau 20 order); the rest are grey
COMMUNITY_COLOURS: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
MAP_ABOVE = 150
"""Above this many nodes shown by default (papers and entities of two or more papers), the
page opens on the map (the overview of leading entities) rather than the whole graph: the
seed pages' 994 nodes opened as a grey ball with no readable label or region."""
WHOLE_GRAPH_UP_TO = 1500
"""Most nodes shown by default for which the page carries a whole-graph view (laid out
here): physics over more nodes does not settle in a few seconds."""
OVERVIEW_NODES = 150
"""Entities in the overview."""
ALL_ENTITIES_UP_TO = 150_000
"""Most nodes (papers and entities) a page holds with its single-paper entities; above
it they are left out of the page (they stay in kgraph.json, the RDF and the store).
They link nothing and start hidden, yet at 50k arXiv abstracts they are 607k of the
760k nodes: the page took 34 s to write and 228 MB, and at 200k papers (0.72 GB) it was
past the longest string a browser parses (V8: ~512M characters)."""
ABSTRACTS_UP_TO = 60_000
"""Most papers whose abstracts (with their highlighted mentions) the page holds: they are
two thirds of a big page (100 MB at 50k papers)."""
VIEW_CAP = 600
"""Most nodes a community or neighbourhood view lays out (the best connected first)."""
POLISH_ITERATIONS = 25
"""Physics iterations the page runs on a view whose positions were computed here: a polish
(overlaps, labels), not a layout."""
SPACING = 42.0
"""Median distance from a laid-out node to its nearest neighbour, in vis-network units
(node radii are 8 to 36): enough room that few nodes overlap before the polish."""
INNER_PULL = 3.0
"""How much harder an edge within a community pulls than one between communities, in
the whole-graph layout."""
MAP_SIZES = (6.0, 20.0)
"""Smallest and largest node radius on the map, in vis-network units."""
MAP_PULL = 8.0
"""The same for the map: its few edges per entity need a stronger pull to show regions."""
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _paper_marks(data: GraphData, index: dict[str, int]) -> dict[str, list[list[Any]]]:
    """Paper id -> sorted ``[start, end, entity node index]`` of its resolved abstract mentions;
    ``[start, end, -1, kind]`` for an entity left out of the page."""
    marks: dict[str, list[list[Any]]] = {p.id: [] for p in data.papers}
    # four columns, not a Mention per row (1.7M of them at 50k papers)
    columns = (mention_column(data.mentions, name) for name in ("paper_id", "field", "start", "end"))
    for paper_id, field, start, end, entity_id in zip(*columns, data.mention_entity, strict=True):
        if entity_id and field is Field.ABSTRACT:
            i = index.get(entity_node(entity_id))
            marks[paper_id].append([start, end, i] if i is not None else
                                   [start, end, -1, data.entity_by_id[entity_id].kind.value])
    return {paper_id: sorted(rows) for paper_id, rows in marks.items()}


def overview(
    data: GraphData, index: dict[str, int], *, max_nodes: int = OVERVIEW_NODES, per_node: int = 5
) -> dict[str, list[Any]]:
    """The overview: the entities that name the largest communities, then the most
    mentioned ones, joined by how many papers mention both (each keeps ``per_node``
    strongest partners).

    Returns
    -------
    dict
        ``nodes``: node indices; ``edges``: ``[index, index, papers in common]``; ``xy``:
        each node's position (see :func:`initial_layout`); ``sizes``: radii by papers.
    """
    papers_of = data.specific_papers_of_entity
    chosen: list[str] = []
    for top in data.communities.top[: len(COMMUNITY_COLOURS)]:
        chosen.extend(e for e in top if len(papers_of.get(e, ())) > 1)
    by_papers = sorted(papers_of, key=data.prominence.__getitem__)
    chosen.extend(e for e in by_papers if len(papers_of[e]) > 1)
    chosen = list(dict.fromkeys(chosen))[:max_nodes]
    keep = set(chosen)
    together: Counter[tuple[str, str]] = Counter()
    for entity_ids in data.entities_of_paper.values():
        present = sorted(keep.intersection(entity_ids))
        together.update((a, b) for i, a in enumerate(present) for b in present[i + 1 :])
    partners: dict[str, int] = Counter()
    edges = []
    local = {e: k for k, e in enumerate(chosen)}
    pairs: list[tuple[int, int]] = []
    pull: list[float] = []
    community = {e: data.communities.membership.get(entity_node(e), -1) for e in chosen}
    for (a, b), count in sorted(together.items(), key=lambda item: (-item[1], item[0])):
        if partners[a] < per_node or partners[b] < per_node:
            partners[a] += 1
            partners[b] += 1
            edges.append([index[entity_node(a)], index[entity_node(b)], count])
            pairs.append((local[a], local[b]))
            pull.append(MAP_PULL if community[a] == community[b] >= 0 else 1.0)
    # laid out here, with edges inside a community pulling harder, so the map opens as
    # regions (one per community) and the browser only polishes it
    layout = initial_layout(len(chosen), pairs, pull)
    # sized by papers relative to the map's largest, within a range that leaves room for
    # labels (degree-sized nodes of a 50k build all reach the largest size and cover the map)
    most = max((len(papers_of.get(e, ())) for e in chosen), default=1) or 1
    sizes = [round(MAP_SIZES[0] + (MAP_SIZES[1] - MAP_SIZES[0]) * math.sqrt(len(papers_of.get(e, ())) / most), 1)
             for e in chosen]
    return {"nodes": [index[entity_node(e)] for e in chosen], "edges": edges,
            "xy": [[round(float(x)), round(float(y))] for x, y in layout], "sizes": sizes}


def initial_layout(n_nodes: int, edges: list[tuple[int, int]], weights: list[float] | None = None,
                   seed: int = 7) -> np.ndarray:
    """Positions for ``n_nodes`` nodes joined by ``edges`` (pairs of 0-based indices):
    igraph's grid Fruchterman-Reingold (C, ~0.1 s for 1,000 nodes), always the same for
    the same graph, scaled so that the median nearest-neighbour distance is ``SPACING``.

    The browser lays out a view of ~1,000 nodes in 4-5 s of physics; from these positions
    it only polishes for ``POLISH_ITERATIONS`` and settles in about a second.

    >>> initial_layout(3, [(0, 1), (1, 2)]).shape
    (3, 2)
    """
    if n_nodes == 0:
        return np.zeros((0, 2))
    graph = igraph.Graph(n=n_nodes, edges=edges)
    igraph.set_random_number_generator(random.Random(seed))  # igraph's layouts draw from it
    try:
        coords = np.array(graph.layout_fruchterman_reingold(weights=weights, niter=500, grid=True).coords, dtype=float)
    finally:
        igraph.set_random_number_generator(random)
    # FR has no gravity: papers linked to nothing else drift far out and shrink the picture
    # of everything else once the view is fitted; bring every small component (kept whole)
    # to the rim of the largest one
    parts = graph.connected_components()
    main = max(parts, key=len)
    coords -= coords[main].mean(axis=0)
    rim = float(np.hypot(*coords[main].T).max()) * 1.08 if len(main) > 1 else 1.0
    for part in parts:
        centre = coords[part].mean(axis=0)
        away = float(np.hypot(*centre))
        if part is not main and away > rim:
            coords[part] += centre * (rim / away - 1)
    if n_nodes > 1:
        from scipy.spatial import cKDTree

        nearest = cKDTree(coords).query(coords, k=2)[0][:, 1]
        typical = float(np.median(nearest))
        if typical > 0:
            coords *= SPACING / typical
    return coords


def page_payload(data: GraphData, title: str) -> dict[str, Any]:
    """Everything the page reads: nodes, edges as index pairs, paper details, communities."""
    papers_of = data.papers_of_entity

    def single(entity: Entity) -> bool:
        return len(papers_of.get(entity.id, ())) <= 1

    # generic entities ("training data") explain nothing a reader looks for: left out,
    # like the single-paper ones of a big build (their mentions still show in abstracts)
    shown = list(data.specific_entities)
    if len(data.papers) + len(shown) > ALL_ENTITIES_UP_TO:
        shown = [e for e in shown if not single(e)]
    keys = [p.id for p in data.papers] + [entity_node(e.id) for e in shown]
    index = {key: i for i, key in enumerate(keys)}
    mentions = [[index[paper_id], j] for paper_id, ids in data.entities_of_paper.items() for e in sorted(ids)
                if (j := index.get(entity_node(e))) is not None]
    related = [[index[link.source], index[link.target], round(link.weight, 3),
                [index[entity_node(e)] for e in link.shared]]
               for link in data.links]
    degree = Counter(i for pair in mentions for i in pair) + Counter(i for row in related for i in row[:2])
    membership = data.communities.membership

    def size(i: int) -> float:
        return round(8 + 4 * math.sqrt(degree[i]), 1)

    nodes: list[dict[str, Any]] = []
    for paper in data.papers:
        nodes.append({"id": paper.id, "kind": "Paper", "label": paper.title, "size": size(index[paper.id]),
                      "community": membership.get(paper.id, -1)})
    entity_years = data.entity_years
    for entity in shown:
        key = entity_node(entity.id)
        node: dict[str, Any] = {"id": key, "kind": entity.kind.value, "label": entity.label, "size": size(index[key]),
                "community": membership.get(key, -1)}
        if entity.id in entity_years:  # papers per year, for the time overlay and the panel's chart
            counted = entity_years[entity.id]
            node["years"] = [[year, counted[year]] for year in sorted(counted)]
        if entity.alt_labels:
            node["alt"] = other_forms(entity.label, entity.alt_labels, entity.expansion)  # the search folds as these do
        if entity.merged_by:
            node["merged"] = list(entity.merged_by)
        # an entity of a single paper explains no link: it starts hidden and out of the
        # physics, which keeps big builds readable and quick to lay out
        if single(entity):
            node["single"] = True
        nodes.append(node)
    if len(data.papers) <= ABSTRACTS_UP_TO:
        marks = _paper_marks(data, index)
        papers = {p.id: {"year": p.year, "url": p.url, "abstract": p.abstract, "marks": marks[p.id]}
                  for p in data.papers}
    else:
        papers = {p.id: {"year": p.year, "url": p.url} for p in data.papers}
    counts = Counter(node["kind"] for node in nodes)
    singles = sum(1 for node in nodes if node.get("single"))
    communities = [{"id": c, "name": name, "size": n}
                   for c, (name, n) in enumerate(zip(data.communities.names, data.communities.sizes()))]
    shown_by_default = len(nodes) - singles
    big = shown_by_default > MAP_ABOVE
    whole = shown_by_default <= WHOLE_GRAPH_UP_TO
    if whole:
        # the whole graph is the first view: lay it out here, the page only polishes it
        moving = [i for i, node in enumerate(nodes) if not node.get("single")]
        local = {i: k for k, i in enumerate(moving)}
        pairs = [(a, b) for a, b, *_ in mentions + related if a in local and b in local]
        # edges within a community pull harder, so communities show as regions of the picture
        pull = [INNER_PULL if nodes[a]["community"] == nodes[b]["community"] >= 0 else 1.0 for a, b in pairs]
        layout = initial_layout(len(moving), [(local[a], local[b]) for a, b in pairs], pull)
        for i, (x, y) in zip(moving, layout):
            nodes[i]["x"], nodes[i]["y"] = round(float(x)), round(float(y))
    relations, results = _relations_and_results(data, index)
    years = data.year_totals
    timeline = {"min": min(years), "max": max(years), "totals": [[y, n] for y, n in years.items()]} if years else None
    return {"title": title, "colours": COLOURS, "communityColours": COMMUNITY_COLOURS, "counts": counts,
            "relations": relations, "results": results,
            "years": timeline,
            "singles": singles, "leftOut": len(data.specific_entities) - len(shown),
            "generic": len(data.entities) - len(data.specific_entities), "nodes": nodes, "mentions": mentions,
            "related": related, "papers": papers,
            "communities": communities, "mode": "overview" if big else "full", "wholeGraph": whole,
            "viewCap": VIEW_CAP,
            "polishIterations": POLISH_ITERATIONS,
            "overview": overview(data, index) if big else None}


#: Most typed relations a page carries (most supported first), and sentences per relation.
RELATIONS_UP_TO = 5000
SENTENCES_PER_RELATION = 3
#: Most results a dataset's panel lists.
RESULTS_PER_DATASET = 50


def _relations_and_results(data: GraphData,
                           index: dict[str, int]) -> tuple[list[list[Any]], dict[int, list[list[Any]]]]:
    """Typed relations between shown entities ``[subject, label, object, papers, [sentences]]``
    and, per shown dataset, its results ``[method, metric, value, kind, paper]`` (node indices)."""
    relations = []
    for relation in data.entity_relations:
        a, b = index.get(entity_node(relation.subject)), index.get(entity_node(relation.object))
        if a is None or b is None:
            continue
        sentences = [data.paper_by_id[r.paper_id].text(r.field)[slice(*r.sentence_span)]
                     for r in relation.evidence[:SENTENCES_PER_RELATION]]
        relations.append([a, relation.label, b, len(relation.papers), sentences])
        if len(relations) == RELATIONS_UP_TO:
            break
    results: dict[int, list[list[Any]]] = {}
    by_id = data.entity_by_id
    spans = data.span_entity()
    for row in data.result_rows:
        d = index.get(entity_node(row.dataset)) if row.dataset else None
        if d is None or len(results.get(d, ())) >= RESULTS_PER_DATASET:
            continue
        r = row.result
        results.setdefault(d, []).append([
            shown_method(row, spans, by_id), by_id[row.metric].label if row.metric else r.metric,
            plain_value(r.value), r.kind, index[r.paper_id]])
    for rows in results.values():
        rows.sort(key=lambda row: leaderboard_key(row[3], row[1], row[2], str(row[4])))
    return relations, results


def vis_options() -> dict[str, Any]:
    """Physics for laying out one view; the page runs it per view (fewer iterations for
    views over 400 moving nodes) and then switches it off."""
    return {
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 90, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 300, "fit": True,
                              "updateInterval": 50},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "edges": {"smooth": False},
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


def _json(value: Any) -> Markup:
    # compact, and safe inside <script>: </script> or <!-- in a title cannot end the block
    return htmlsafe_json_dumps(value, separators=(",", ":"))


def render_html(data: GraphData, title: str = "kgraph") -> str:
    """The page as a string (self-contained: no request leaves it)."""
    payload = page_payload(data, title)
    net = Network(height="100%", width="100%", cdn_resources="in_line")
    net.options = vis_options()
    env = Environment(loader=FileSystemLoader([str(TEMPLATE_DIR), net.template_dir]), autoescape=True)
    template = env.get_template("kgraph.html.j2")
    return template.render(page_title=title, options=_json(net.options), data=_json(payload))


def write_html(data: GraphData, path: Path, title: str = "kgraph") -> None:
    write_text_atomic(path, render_html(data, title))


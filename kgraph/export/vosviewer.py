"""VOSviewer JSON: a build as a map VOSviewer (desktop or Online) opens as it is.

The documented format (app.vosviewer.com/docs/file-types/json-file-type):
``{"network": {"items": [...], "links": [...], "clusters": [...]}, "config": {...}}``.
Two maps:

* ``terms`` (the default), VOSviewer's co-occurrence "term map": the specific entities
  mentioned by the most papers, linked by the number of papers that mention both;
* ``papers``: the papers with the most link weight, linked by kgraph's paper–paper
  links (strength: the link's weight).

VOSviewer lays out and clusters a map it creates, but shows a JSON map as given: the
items come with positions (the layout of the HTML page, :func:`.html.initial_layout`,
scaled into [-1, 1]) and clusters (kgraph's communities, numbered 1 up as VOSviewer
wants, largest first; past 999 the rest share cluster 1000). An item's ``description``
is HTML in VOSviewer, so every piece of the build's text in it is escaped, and only
http(s) addresses become an item's ``url``.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_path
from ..errors import OptionError
from ..graph.build import entity_node
from ..graph.data import GraphData
from .html import initial_layout
from .years import entity_years

MAPS = ("terms", "papers")
DEFAULT_TOP = 1000
"""Items of a map unless told otherwise: VOSviewer Online stays quick up to a few thousand."""
MAX_CLUSTER = 1000
"""VOSviewer's clusters are 1 to 1000."""
LABEL_LENGTH = 60
"""A paper's title is cut to this many characters for its label (the description holds it whole)."""
VARIANTS_SHOWN = 10
"""Variants an entity's description lists (LLM has over 100 at 50k papers)."""
_YEAR = "Avg. pub. year"  # VOSviewer's own name for the score its overlay colours by
_TERMINOLOGY = {
    "terms": {"item": "Entity", "items": "Entities", "link": "Co-occurrence link", "links": "Co-occurrence links",
              "link_strength": "Papers in common", "total_link_strength": "Total papers in common",
              "cluster": "Community", "clusters": "Communities"},
    "papers": {"item": "Paper", "items": "Papers", "link": "Related link", "links": "Related links",
               "link_strength": "Link weight", "total_link_strength": "Total link weight",
               "cluster": "Community", "clusters": "Communities"},
}


def _web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address (a ``javascript:`` URL must not become a link)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    """
    >>> _short("Attention is all you need", 12)
    'Attention i…'
    """
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _clusters(communities: Sequence[int | None], names: Sequence[str]) -> tuple[list[int | None], list[dict[str, Any]]]:
    """VOSviewer cluster numbers (1 up, in community order; the 1000th and later share 1000) and their labels.

    >>> _clusters([4, None, 0, 4], ["big", "b", "c", "d", "small"])
    ([2, None, 1, 2], [{'cluster': 1, 'label': 'big'}, {'cluster': 2, 'label': 'small'}])
    """
    present = sorted({c for c in communities if c is not None})
    number = {c: min(i + 1, MAX_CLUSTER) for i, c in enumerate(present)}
    if len(present) <= MAX_CLUSTER:
        labels = [{"cluster": number[c], "label": names[c]} for c in present]
    else:
        labels = [{"cluster": number[c], "label": names[c]} for c in present[: MAX_CLUSTER - 1]]
        labels.append({"cluster": MAX_CLUSTER, "label": f"{len(present) - MAX_CLUSTER + 1} smaller communities"})
    return [number[c] if c is not None else None for c in communities], labels


def _positions(n: int, pairs: Sequence[tuple[int, int]], strengths: Sequence[float]) -> np.ndarray:
    """The HTML page's layout of the map, centred and scaled into [-1, 1] (VOSviewer's usual range)."""
    coords = initial_layout(n, list(pairs), list(strengths) or None)
    if n:
        coords = coords - coords.mean(axis=0)
        extent = float(np.abs(coords).max())
        if extent > 0:
            coords /= extent
    return coords


def _term_map(data: GraphData, top: int) -> tuple[list[dict[str, Any]], Counter[tuple[int, int]], list[str]]:
    """Items (without position, cluster and link weights), co-occurrences by item index, node keys."""
    papers_of = data.specific_papers_of_entity
    ranked = sorted(papers_of, key=data.prominence.__getitem__)
    chosen = ranked[:top] if top else ranked
    at = {e: i for i, e in enumerate(chosen)}
    together: Counter[tuple[int, int]] = Counter()
    for entity_ids in data.entities_of_paper.values():
        present = sorted(at[e] for e in entity_ids if e in at)
        together.update((a, b) for i, a in enumerate(present) for b in present[i + 1 :])
    years = entity_years(data, chosen)
    by_id = data.entity_by_id
    items = []
    for entity_id in chosen:
        entity, papers = by_id[entity_id], len(papers_of[entity_id])
        description = f"<b>{html.escape(entity.label)}</b><br>{entity.kind.value}, {papers} paper{'s' * (papers != 1)}"
        if entity.alt_labels:
            more = len(entity.alt_labels) - VARIANTS_SHOWN
            description += "<br>Also: " + html.escape(", ".join(entity.alt_labels[:VARIANTS_SHOWN]))
            description += f" and {more} more" if more > 0 else ""
        item: dict[str, Any] = {"id": entity_id, "label": entity.label, "description": description,
                                "weights": {"Papers": papers}}
        if entity_id in years:
            item["scores"] = {_YEAR: years[entity_id][1]}
        url = next((u for u in map(_web_url, entity.exact_match) if u), None)
        if url:
            item["url"] = url
        items.append(item)
    return items, together, [entity_node(e) for e in chosen]


def _paper_map(data: GraphData, top: int) -> tuple[list[dict[str, Any]], dict[tuple[int, int], float], list[str]]:
    """Like :func:`_term_map`, for the papers and their links (strength: the link's weight)."""
    strength: dict[str, float] = defaultdict(float)
    for link in data.links:
        strength[link.source] += link.weight
        strength[link.target] += link.weight
    order = {p.id: i for i, p in enumerate(data.papers)}
    ranked = sorted(order, key=lambda p: (-strength.get(p, 0.0), order[p]))
    chosen = ranked[:top] if top else ranked
    at = {p: i for i, p in enumerate(chosen)}
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for link in data.links:
        if link.source in at and link.target in at:
            a, b = sorted((at[link.source], at[link.target]))
            weights[a, b] += link.weight
    entities_of, by_id = data.entities_of_paper, data.paper_by_id
    items = []
    for paper_id in chosen:
        paper = by_id[paper_id]
        facts = [str(paper.year) if paper.year else "", paper.venue or "", ", ".join(paper.authors[:3]) +
                 (" et al." if len(paper.authors) > 3 else "")]
        description = f"<b>{html.escape(paper.title)}</b>" + "".join(
            f"<br>{html.escape(fact)}" for fact in facts if fact)
        item: dict[str, Any] = {"id": paper_id, "label": _short(paper.title), "description": description,
                                "weights": {"Entities": len(entities_of.get(paper_id, ()))}}
        if paper.year is not None:
            item["scores"] = {_YEAR: paper.year}
        url = _web_url(paper.url)
        if url:
            item["url"] = url
        items.append(item)
    return items, weights, chosen


def vosviewer_json(data: GraphData, *, kind: str = "terms", top: int = DEFAULT_TOP) -> dict[str, Any]:
    """The build as a VOSviewer JSON map (see the module docstring).

    Parameters
    ----------
    data
        The build.
    kind
        ``terms`` (entities linked by co-occurrence) or ``papers`` (papers linked by kgraph's links).
    top
        How many items: the entities in the most papers, or the papers with the most
        link weight; 0 for all of them.
    """
    if kind not in MAPS:
        raise OptionError(f"unknown map {kind!r}; use {' or '.join(MAPS)}")
    if top < 0:
        raise OptionError(f"top must be 0 (all) or more, not {top}")
    items, together, keys = (_term_map if kind == "terms" else _paper_map)(data, top)
    pairs = sorted(together)
    coords = _positions(len(items), pairs, [float(together[p]) for p in pairs])
    membership = data.communities.membership
    numbers, cluster_labels = _clusters([membership.get(k) for k in keys], data.communities.names)
    links_of: Counter[int] = Counter()
    total: dict[int, float] = defaultdict(float)
    links = []
    for a, b in pairs:
        strength = together[a, b]
        for i in (a, b):
            links_of[i] += 1
            total[i] += strength
        links.append({"source_id": items[a]["id"], "target_id": items[b]["id"],
                      "strength": strength if isinstance(strength, int) else round(strength, 4)})
    for i, item in enumerate(items):
        item["x"], item["y"] = round(float(coords[i][0]), 4), round(float(coords[i][1]), 4)
        if numbers[i] is not None:
            item["cluster"] = numbers[i]
        item["weights"] |= {"Links": links_of[i], "Total link strength": round(total[i], 4)}
    network = {"items": items, "links": links, "clusters": cluster_labels}
    return {"network": network, "config": {"terminology": _TERMINOLOGY[kind]}}


def write_vosviewer(data: GraphData, path: Path, *, kind: str = "terms", top: int = DEFAULT_TOP) -> None:
    """Write :func:`vosviewer_json` to ``path`` (atomically).

    Non-ASCII characters are written as ``\\u`` escapes: the file is then the same to
    a reader whatever encoding it assumes.
    """
    document = vosviewer_json(data, kind=kind, top=top)
    with atomic_path(path) as tmp, tmp.open("w", encoding="ascii") as out:
        json.dump(document, out, separators=(",", ":"))

"""The Python API: :func:`build`, :func:`load` and the :class:`KnowledgeGraph` facade.

The facade holds a build's :class:`~kgraph.graph.data.GraphData` and delegates: graph
questions to :mod:`kgraph.graph`, SPARQL to :mod:`kgraph.rdf`, files to
:mod:`kgraph.export`.

Examples
--------
>>> import kgraph
>>> kg = kgraph.build(["examples/papers.jsonl"])                 # doctest: +SKIP
>>> [e.label for e in kg.entities("Dataset")][:3]                 # doctest: +SKIP
>>> for r in kg.related(kg.papers[0].id, k=3):                    # doctest: +SKIP
...     print(round(r.weight, 2), r.paper.title, [e.label for e in r.shared])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KGraphError
from .graph.data import GraphData
from .graph.links import links_of
from .graph.trends import period_name
from .model import Entity, EntityKind, Paper

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    import rdflib

    from .rdf.store import QueryResult


@dataclass(frozen=True)
class Related:
    """A paper related to another, with the link's weight and the shared entities that explain it."""

    paper: Paper
    weight: float
    shared: tuple[Entity, ...]


@dataclass(frozen=True)
class TypedRelation:
    """"subject predicate object" as the corpus states it: the papers that say so, the
    highest confidence, and the sentences (one per statement)."""

    subject: Entity
    predicate: str
    object: Entity
    papers: tuple[str, ...]
    confidence: float
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class ResultEntry:
    """One reported number: a leaderboard row.

    ``method``/``metric``/``dataset`` are the entity labels where the abstract named them
    by a mention, else its own words ("ours" for the paper's unnamed method; "" when
    not said); ``number`` is ``value`` as a float (None for a range).
    """

    method: str
    metric: str
    dataset: str
    value: str
    number: float | None
    kind: str
    paper: Paper
    sentence: str


def _by(by: str) -> str:
    if by not in ("year", "month"):
        raise KGraphError(f"count by 'year' or 'month', not {by!r}")
    return by


class KnowledgeGraph:
    """A built knowledge graph: papers, entities, mentions, links."""

    def __init__(self, data: GraphData, directory: Path | None = None):
        self.data = data
        self.directory = directory
        self._store: ox.Store | None = None
        self._label_index: dict[str, Entity] | None = None

    def __repr__(self) -> str:
        return (f"<KnowledgeGraph {len(self.data.papers)} papers, {len(self.data.entities)} entities, "
                f"{len(self.data.links)} links>")

    # -- papers and entities -------------------------------------------------------------
    @property
    def papers(self) -> list[Paper]:
        """All papers, in input order."""
        return list(self.data.papers)

    def paper(self, paper_id: str) -> Paper:
        try:
            return self.data.paper_by_id[paper_id]
        except KeyError:
            raise KGraphError(f"no paper with id {paper_id!r}") from None

    def entities(self, kind: EntityKind | str | None = None, include_generic: bool = False) -> list[Entity]:
        """Entities, most-mentioned (by papers) first; ``kind`` filters, e.g. ``"Dataset"``.

        Entities in as many papers are ordered by mentions, then known names and names
        first (see :func:`kgraph.graph.cooccurrence.prominence`).

        Generic entities ("training data", see :attr:`Entity.generic`) are left out unless
        ``include_generic``.
        """
        wanted = EntityKind(kind) if kind is not None else None
        position = self.data.prominence
        chosen = [e for e in self.data.entities
                  if (wanted is None or e.kind is wanted) and (include_generic or not e.generic)]
        return sorted(chosen, key=lambda e: position[e.id])

    def entity(self, name: str | Entity) -> Entity:
        """Look an entity up by id, preferred label or any variant (case-insensitive)."""
        if isinstance(name, Entity):
            return name
        if name in self.data.entity_by_id:
            return self.data.entity_by_id[name]
        from .text.labels import normalise_label

        if self._label_index is None:
            index: dict[str, Entity] = {}
            for e in self.entities(include_generic=True):  # most common first wins a shared label
                for label in (e.label, *e.alt_labels):
                    index.setdefault(label.lower(), e)
                    index.setdefault(normalise_label(label).lower(), e)
            self._label_index = index
        found = self._label_index.get(name.lower()) or self._label_index.get(normalise_label(name).lower())
        if found is None:
            raise KGraphError(f"no entity named {name!r}")
        return found

    def papers_with(self, entity: str | Entity) -> list[Paper]:
        """Papers that mention an entity (given as an Entity, id or any of its labels)."""
        found = self.entity(entity)
        return [self.data.paper_by_id[p] for p in self.data.papers_of_entity.get(found.id, [])]

    def related(self, paper_id: str, k: int = 10) -> list[Related]:
        """The ``k`` papers most related to ``paper_id``, strongest first."""
        self.paper(paper_id)
        out = []
        for link in links_of(self.data.links, paper_id):
            other = link.target if link.source == paper_id else link.source
            shared = tuple(self.data.entity_by_id[e] for e in link.shared)
            out.append(Related(self.data.paper_by_id[other], link.weight, shared))
        out.sort(key=lambda r: (-r.weight, r.paper.id))
        return out[:k]

    # -- relations and results ----------------------------------------------------------
    def relations(self, entity: str | Entity, type: str | None = None) -> list[TypedRelation]:
        """Typed relations the entity takes part in (as subject or object), most supported first.

        ``type`` keeps one SciERC relation name (``USED-FOR``, ``EVALUATE-FOR``, ...).
        Generic entities take part in none.
        """
        from .graph.relations import RELATION_LABELS

        if type is not None and type not in RELATION_LABELS:
            raise KGraphError(f"unknown relation type {type!r}; choose one of {', '.join(RELATION_LABELS)}")
        found = self.entity(entity)
        by_id = self.data.entity_by_id
        out = []
        for relation in self.data.entity_relations:
            if found.id in (relation.subject, relation.object) and type in (None, relation.label):
                sentences = tuple(self.data.paper_by_id[r.paper_id].text(r.field)[slice(*r.sentence_span)]
                                  for r in relation.evidence)
                out.append(TypedRelation(by_id[relation.subject], relation.label, by_id[relation.object],
                                         relation.papers, relation.confidence, sentences))
        return out

    def results(self, dataset: str | Entity | None = None, metric: str | Entity | None = None,
                method: str | Entity | None = None) -> list[ResultEntry]:
        """Reported results, filtered by the entities given (any label or variant).

        Ordered as a leaderboard: absolute scores before improvements, then by metric,
        then highest value first.
        """
        wanted = {name: self.entity(value).id for name, value in
                  (("dataset", dataset), ("metric", metric), ("method", method)) if value is not None}
        from .graph.relations import leaderboard_key, numeric_value, shown_method

        by_id = self.data.entity_by_id
        spans = self.data.span_entity()
        out = []
        for row in self.data.result_rows:
            if any(getattr(row, name) != entity_id for name, entity_id in wanted.items()):
                continue
            r = row.result
            paper = self.data.paper_by_id[r.paper_id]
            out.append(ResultEntry(
                method=shown_method(row, spans, by_id),
                metric=by_id[row.metric].label if row.metric else r.metric,
                dataset=by_id[row.dataset].label if row.dataset else r.dataset,
                value=r.value, number=numeric_value(r.value), kind=r.kind, paper=paper,
                sentence=paper.abstract[slice(*r.sentence_span)]))
        out.sort(key=lambda e: leaderboard_key(e.kind, e.metric, e.value, e.paper.id))
        return out

    # -- time ---------------------------------------------------------------------------
    def trend(self, entity: str | Entity, by: str = "year") -> dict[Any, int]:
        """An entity's papers per year (periods without a paper left out; undated papers not
        counted); ``by="month"``: per ``"YYYY-MM"`` month, over the papers dated to a month."""
        counts = self.data.entity_series(self.entity(entity).id, _by(by)).years
        return {period_name(p, by): n for p, n in counts.items()}

    def trend_details(self, entity: str | Entity, by: str = "year") -> dict[str, Any]:
        """An entity's years as ``kgraph trends --entity`` prints them in JSON: papers and share per
        year, first and peak year, and Kleinberg bursts. ``by="month"`` gives the same by month,
        under ``months``, ``first_month`` and ``peak_month``, with ``YYYY-MM`` names."""
        found = self.entity(entity)
        s = self.data.entity_series(found.id, _by(by))

        def name(period: int | None) -> int | str | None:
            return None if period is None else period_name(period, by)

        return {"entity": found.label, "kind": found.kind.value,
                f"{by}s": {str(name(y)): n for y, n in s.years.items()},
                "share": {str(name(y)): x for y, x in s.share.items()},
                f"first_{by}": name(s.first_year), f"peak_{by}": name(s.peak_year),
                "bursts": [{"start": name(b.start), "end": name(b.end), "weight": b.weight} for b in s.bursts]}

    def emerging(self, kind: EntityKind | str | None = None, since: int | str | None = None, top: int = 20,
                 fading: bool = False, min_papers: int = 5, by: str = "year") -> list[dict[str, Any]]:
        """Specific entities whose share of the corpus grew most since ``since`` (``fading``: fell most).

        ``since`` defaults to the corpus's middle year (month, ``by="month"``: ``"2026-01"``);
        see :func:`kgraph.graph.trends.emerging`. Each row: ``entity``, ``kind``, ``score``,
        ``first_year`` (``first_month``), ``papers_before``, ``papers_since``.
        """
        from .graph.trends import emerging, parse_period

        start = parse_period(since, _by(by)) if since is not None else None
        wanted = EntityKind(kind) if kind is not None else None
        by_id = self.data.entity_by_id
        counts = {e: c for e, c in self.data.entity_periods(by).items() if wanted is None or by_id[e].kind is wanted}
        changes = emerging(counts, self.data.period_totals(by), since=start, min_papers=min_papers, fading=fading)
        return [{"entity": by_id[c.entity].label, "kind": by_id[c.entity].kind.value, "score": c.score,
                 f"first_{by}": None if c.first_year is None else period_name(c.first_year, by),
                 "papers_before": c.before, "papers_since": c.after}
                for c in changes[:top]]

    # -- other views ----------------------------------------------------------------------
    def to_networkx(self) -> nx.Graph:
        """Paper and entity nodes; ``mentions`` and ``related`` edges (see :mod:`kgraph.graph.build`)."""
        from .graph.data import build_networkx_of

        return build_networkx_of(self.data)

    def to_rdflib(self) -> rdflib.Graph:
        from .rdf.convert import to_rdflib

        return to_rdflib(self.data)

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL SELECT/ASK query; prefixes kg:, skos:, dcterms:, oa: … are predeclared."""
        from .rdf.store import open_store, run_query

        if self._store is None:
            if self.directory is not None:
                self._store = open_store(self.directory)
            else:
                import pyoxigraph as ox

                from .rdf.convert import triples

                store = ox.Store()
                store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                                  for t in triples(self.data))
                self._store = store
        return run_query(self._store, sparql)

    def save(self, directory: str | Path) -> list[Path]:
        """Write kgraph.json, graph.ttl, graph.graphml, graph.html and the SPARQL store."""
        from .export.outputs import save_build

        self._store = None  # the store folder is replaced; reopen lazily
        paths = save_build(self.data, Path(directory))
        self.directory = Path(directory)
        return paths


def build(paths: Sequence[str | Path] | str | Path, *, tier: str | None = None, top_k: int = 10) -> KnowledgeGraph:
    """Build a knowledge graph from files or folders (seed pages, JSON Lines).

    Problems with single records are skipped, not raised; see the CLI's summary for them.
    """
    from .builder import BuildOptions, build_data

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return KnowledgeGraph(build_data(paths, BuildOptions(tier=tier, top_k=top_k)))


def load(directory: str | Path) -> KnowledgeGraph:
    """Reopen a build saved by ``kgraph build -o DIR`` or :meth:`KnowledgeGraph.save`."""
    from .export.jsondata import read_json

    directory = Path(directory)
    return KnowledgeGraph(read_json(directory), directory)

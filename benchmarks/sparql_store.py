"""SPARQL store benchmark: a synthetic 100k-paper build (>= 1M triples), the embedded
pyoxigraph store next to rdflib's in-memory engine, load time and canned-query latency.

The synthetic build uses kgraph's own RDF conversion (same triples as a real build):
papers with titles/abstracts/years, entities drawn from a Zipf-like distribution (so a
few are very common, like real concepts), mention annotations for a share of the
mentions, and top-k paper links. Query parameters are drawn from the data.

Each canned query runs ``--reps`` times with parameters drawn from the data (seeded);
rows marked "(hub)" repeat the worst case, the most common entities. The rows column is
the mean number of result rows.

Usage: python benchmarks/sparql_store.py [--papers 100000] [--reps 30] [--rdflib-reps 3] [--skip-rdflib]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kgraph.graph.data import GraphData
from kgraph.graph.links import paper_links
from kgraph.model import Entity, EntityKind, Field, Mention, Paper
from kgraph.rdf.convert import write_rdf
from kgraph.rdf.queries import canned_query
from kgraph.rdf.store import open_store, run_query, write_store
from kgraph.resolve.entities import entity_id

KINDS = [EntityKind.METHOD, EntityKind.DATASET, EntityKind.TASK, EntityKind.METRIC, EntityKind.CONCEPT]


def synthetic(n_papers: int, n_entities: int, per_paper: int, annotated: float, seed: int = 0) -> GraphData:
    rng = random.Random(seed)
    entities = []
    for i in range(n_entities):
        label = f"entity {i} {rng.choice(['net', 'bench', 'task', 'score', 'idea'])}"
        key = label
        entities.append(Entity(entity_id(key), KINDS[i % 5], label, key, (f"E{i}",), ("acronym",)))
    weights = [1 / (r + 1) ** 0.9 for r in range(n_entities)]
    papers, mentions, mention_entity = [], [], []
    for p in range(n_papers):
        abstract = f"We study entity {p % n_entities} and more. " * 4
        papers.append(Paper(f"p{p}", f"Synthetic paper number {p}", abstract, year=2000 + p % 26))
        chosen = set(rng.choices(range(n_entities), weights, k=per_paper))
        for e in chosen:
            if rng.random() < annotated:
                mentions.append(Mention(f"p{p}", Field.ABSTRACT, 9, 17, "entity 1", entities[e].kind, 0, "model", 0.9,
                                        "Method", (0, 24)))
            else:
                # not annotated: still a paper-entity fact (kg:mentions) through a title mention
                mentions.append(Mention(f"p{p}", Field.TITLE, 0, 9, "Synthetic", entities[e].kind, 0, "gazetteer", 1.0, "", None))
            mention_entity.append(entities[e].id)
    by_paper: dict[str, set[str]] = {}
    for m, e in zip(mentions, mention_entity):
        by_paper.setdefault(m.paper_id, set()).add(e)
    links = paper_links(by_paper, top_k=3)
    data = GraphData(tuple(papers), tuple(mentions), tuple(mention_entity), tuple(entities), tuple(links), {},
                     {"kgraph_version": "bench", "tier": "synthetic", "model": "none", "fingerprint": "bench"})
    return data


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Stop a pure-Python computation (rdflib's engine) after ``seconds`` with TimeoutError."""

    def _alarm(*_: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--per-paper", type=int, default=3)
    parser.add_argument("--annotated", type=float, default=0.05, help="share of mentions written as full annotations")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--rdflib-reps", type=int, default=3)
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds before an rdflib query is stopped")
    args = parser.parse_args()

    start = time.perf_counter()
    data = synthetic(args.papers, args.entities, args.per_paper, args.annotated)
    print(f"synthetic build: {len(data.papers):,} papers, {len(data.entities):,} entities, {len(data.mentions):,} mentions, "
          f"{len(data.links):,} links ({time.perf_counter() - start:.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-"))
    ttl = work / "graph.ttl"
    start = time.perf_counter()
    write_rdf(data, ttl, ox.RdfFormat.TURTLE)
    print(f"write Turtle (pyoxigraph): {time.perf_counter() - start:.1f} s, {ttl.stat().st_size / 1e6:.0f} MB")
    start = time.perf_counter()
    write_store(ttl, work / "store")
    print(f"bulk-load persistent store: {time.perf_counter() - start:.1f} s")
    store = open_store(work)
    triples = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    print(f"{triples:,} triples")

    # Parameters: each query runs --reps times with values drawn (seeded) from the data —
    # entities mentioned by at least two papers, pairs that share a paper, mentions that
    # exist — so p50/p95 describe what users ask; the "(hub)" rows repeat the worst case,
    # the most common entities, with fixed values.
    rng = random.Random(1)
    papers_of = data.papers_of_entity
    common = [e for e in data.entities if len(papers_of.get(e.id, ())) >= 2]
    by_kind = {k: [e for e in common if e.kind is k] for k in KINDS}
    annotated = [(m, e) for m, e in zip(data.mentions, data.mention_entity) if m.field is Field.ABSTRACT]
    entities_of = data.entities_of_paper
    entity_by_id = data.entity_by_id

    def pair() -> dict[str, str]:
        while True:
            paper = rng.choice(data.papers)
            kinds = {entity_by_id[e].kind: entity_by_id[e] for e in sorted(entities_of.get(paper.id, ()))}
            if EntityKind.METHOD in kinds and EntityKind.DATASET in kinds:
                return {"method": kinds[EntityKind.METHOD].label, "dataset": kinds[EntityKind.DATASET].label}

    def evidence() -> dict[str, str]:
        mention, entity = rng.choice(annotated)
        return {"paper": mention.paper_id, "entity": entity_by_id[entity].label}

    draws = {
        "top-entities": lambda: {"kind": rng.choice(KINDS).value, "limit": "20"},
        "papers-using": pair,
        "related-papers": lambda: {"paper": rng.choice(data.papers).id},
        "methods-for-dataset": lambda: {"dataset": rng.choice(by_kind[EntityKind.DATASET]).label, "limit": "20"},
        "evidence": evidence,
        "cooccurring": lambda: {"entity": rng.choice(common).label, "limit": "20"},
    }
    hub_method = next(e for e in data.entities if e.kind is EntityKind.METHOD)
    hub_dataset = next(e for e in data.entities if e.kind is EntityKind.DATASET)
    fixed = {
        "papers-using (hub)": ("papers-using", {"method": hub_method.label, "dataset": hub_dataset.label}),
        "methods-for-dataset (hub)": ("methods-for-dataset", {"dataset": hub_dataset.label, "limit": "20"}),
        "cooccurring (hub)": ("cooccurring", {"entity": data.entities[0].label, "limit": "20"}),
    }
    cases: dict[str, list[str]] = {name: [canned_query(name).bind(draw()) for _ in range(args.reps)]
                                   for name, draw in draws.items()}
    cases.update({label: [canned_query(name).bind(values)] * args.reps for label, (name, values) in fixed.items()})

    print(f"\n{'query':<26} {'oxigraph p50':>13} {'p95':>9} {'rows':>6}   {'rdflib p50':>11} {'p95':>9}")
    rdf_graph = None
    if not args.skip_rdflib:
        import rdflib

        from kgraph.rdf.namespaces import PREFIXES

        start = time.perf_counter()
        rdf_graph = rdflib.Graph()
        rdf_graph.parse(ttl, format="turtle")
        rdflib_load = time.perf_counter() - start
        init_ns = {p: rdflib.Namespace(i) for p, i in PREFIXES.items()}
    for name, texts in cases.items():
        samples, rows = [], 0
        for text in texts:
            t = time.perf_counter()
            rows += len(run_query(store, text).rows)
            samples.append(1000 * (time.perf_counter() - t))
        p50, p95 = percentiles(samples)
        line = f"{name:<26} {p50:10.1f} ms {p95:6.1f} ms {rows / len(texts):6.0f}"
        if rdf_graph is not None:
            rs = []
            try:
                for text in texts[: args.rdflib_reps]:
                    t = time.perf_counter()
                    with _time_limit(args.rdflib_timeout):
                        list(rdf_graph.query(text, initNs=init_ns))
                    rs.append(1000 * (time.perf_counter() - t))
                r50, r95 = percentiles(rs)
                line += f"   {r50:8.0f} ms {r95:6.0f} ms"
            except TimeoutError:
                line += f"   > {args.rdflib_timeout:.0f} s (stopped)"
        print(line, flush=True)
    if rdf_graph is not None:
        print(f"\nload: pyoxigraph bulk load above; rdflib in-memory parse of the same Turtle: {rdflib_load:.1f} s")


if __name__ == "__main__":
    main()

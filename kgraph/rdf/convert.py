"""A build as RDF triples (pyoxigraph terms), sorted, with no blank nodes.

pyoxigraph writes Turtle ~40x faster than rdflib (../shared/FACTS.md), so triples are
made as pyoxigraph terms; :func:`to_rdflib` converts for users who want rdflib.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote as percent_encode

import pyoxigraph as ox

from ..graph.data import GraphData
from ..model import EntityKind
from ..readers.ids import normalise_arxiv, normalise_doi
from .namespaces import DATA, PREFIXES, entity_iri, link_iri, mention_iri, paper_iri
from .queries import lookup_label

_XSD = PREFIXES["xsd"]
_INT = ox.NamedNode(_XSD + "integer")
_DOUBLE = ox.NamedNode(_XSD + "double")
_GYEAR = ox.NamedNode(_XSD + "gYear")
_DATETIME = ox.NamedNode(_XSD + "dateTime")
# PRISM (used with FaBiO) names a paper's DOI and the journal/proceedings it appeared in.
_PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
_PRISM_DOI = ox.NamedNode(_PRISM + "doi")
_PRISM_VENUE = ox.NamedNode(_PRISM + "publicationName")
_IRI_SAFE = "/:;()@!$&'*+,=-._~"  # RFC 3987 path characters; <, >, [, ], spaces… are percent-encoded


@functools.cache  # called for every triple: one NamedNode per term, not per call
def _n(prefixed: str) -> ox.NamedNode:
    prefix, local = prefixed.split(":", 1)
    return ox.NamedNode(PREFIXES[prefix] + local)


A = _n("rdf:type")
KIND_CLASS = {kind: _n(f"kg:{kind.value}") for kind in EntityKind}


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_INT)


def _double(value: float) -> ox.Literal:
    return ox.Literal(repr(float(value)), datatype=_DOUBLE)


def quads(data: GraphData) -> Iterator[ox.Quad]:
    """Every triple of the build in its named graph, streamed in a fixed sorted order.

    Graphs come in the order build, entities, links, then one graph per paper (see
    :func:`graph_of`); inside a graph, resources in IRI order, and each resource's
    triples (with those of the nodes under its IRI: a paper's mentions, an entity's
    co-occurrences) sorted. Only one resource's triples are held at a time, so writing
    a 100k-paper build needs no list of millions of triples.
    """
    yield from _in_graph(GRAPHS["build"], _build_activity(data))
    papers_of = data.papers_of_entity
    ranks, cooccurrences = data.kind_ranks, data.cooccurrences
    for entity in sorted(data.entities, key=lambda e: entity_iri(e.id)):
        yield from _in_graph(GRAPHS["entities"], _entity_triples(data, entity, papers_of, ranks, cooccurrences))
    for link in sorted(data.links, key=lambda link: link_iri(link.source, link.target)):
        yield from _in_graph(GRAPHS["links"], _link_triples(link))
    mentions_of: dict[str, list[int]] = {}
    for i, entity_id in enumerate(data.mention_entity):
        if entity_id:
            mentions_of.setdefault(data.mentions[i].paper_id, []).append(i)
    for paper in sorted(data.papers, key=lambda p: paper_iri(p.id)):
        graph = ox.NamedNode(f"{DATA}graph/paper/{paper_iri(paper.id)[len(_PAPERS):]}")
        block = list(_paper_triples(data, paper))
        for i in mentions_of.get(paper.id, ()):
            block.extend(_mention_triples(paper, data.mentions[i], data.mention_entity[i]))
        yield from _in_graph(graph, block)


def _in_graph(graph: ox.NamedNode, block) -> Iterator[ox.Quad]:
    # a set drops repeats (two extractors' mentions at the same offsets share an IRI)
    for triple in sorted(set(block), key=str):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def triples(data: GraphData) -> Iterator[ox.Triple]:
    """Every triple of the build (papers, entities, mentions, links, build activity), in :func:`quads` order."""
    for quad in quads(data):
        yield quad.triple


def _paper_triples(data: GraphData, paper) -> Iterator[ox.Triple]:
    t = ox.Triple
    p = ox.NamedNode(paper_iri(paper.id))
    yield t(p, A, _n("kg:Paper"))
    yield t(p, A, _n("fabio:ResearchPaper"))
    yield t(p, _n("dcterms:identifier"), ox.Literal(paper.id))
    yield t(p, _n("dcterms:title"), ox.Literal(paper.title))
    yield t(p, _n("dcterms:abstract"), ox.Literal(paper.abstract))
    if paper.year is not None:
        yield t(p, _n("dcterms:issued"), ox.Literal(f"{paper.year:04d}", datatype=_GYEAR))
    for author in paper.authors:
        yield t(p, _n("dcterms:creator"), ox.Literal(author))
    if paper.doi:
        doi = normalise_doi(paper.doi)
        yield t(p, _n("schema:sameAs"), ox.NamedNode("https://doi.org/" + percent_encode(doi, safe=_IRI_SAFE)))
        yield t(p, _PRISM_DOI, ox.Literal(doi))
    if paper.arxiv_id:
        arxiv_id = normalise_arxiv(paper.arxiv_id)
        yield t(p, _n("schema:sameAs"), ox.NamedNode("https://arxiv.org/abs/" + percent_encode(arxiv_id, safe=_IRI_SAFE)))
    if paper.venue:
        yield t(p, _PRISM_VENUE, ox.Literal(paper.venue))
    if paper.url:
        yield t(p, _n("schema:url"), ox.Literal(paper.url))
    for entity_id in sorted(data.entities_of_paper.get(paper.id, ())):
        yield t(p, _n("kg:mentions"), ox.NamedNode(entity_iri(entity_id)))


def _entity_triples(data: GraphData, entity, papers_of, ranks, cooccurrences) -> Iterator[ox.Triple]:
    t = ox.Triple
    e = ox.NamedNode(entity_iri(entity.id))
    yield t(e, A, KIND_CLASS[entity.kind])
    yield t(e, A, _n("skos:Concept"))
    yield t(e, _n("skos:prefLabel"), ox.Literal(entity.label, language="en"))
    for alt in entity.alt_labels:
        yield t(e, _n("skos:altLabel"), ox.Literal(alt, language="en"))
    yield t(e, _n("kg:resolutionKey"), ox.Literal(entity.key))
    for lookup in sorted({lookup_label(label) for label in (entity.label, *entity.alt_labels)}):
        yield t(e, _n("kg:lookupLabel"), ox.Literal(lookup))
    for reason in entity.merged_by:
        yield t(e, _n("kg:mergedBy"), ox.Literal(reason))
    for iri in entity.exact_match:
        yield t(e, _n("skos:exactMatch"), ox.NamedNode(iri))
    yield t(e, _n("kg:paperCount"), _int(len(papers_of.get(entity.id, ()))))
    yield t(e, _n("kg:mentionCount"), _int(data.mention_counts.get(entity.id, 0)))
    if entity.id in ranks:
        yield t(e, _n("kg:kindRank"), _int(ranks[entity.id]))
    for other, shared in cooccurrences.get(entity.id, ()):
        c = ox.NamedNode(f"{e.value}/cooccurrence/{other}")
        yield t(c, A, _n("kg:Cooccurrence"))
        yield t(c, _n("kg:cooccurrenceOf"), e)
        yield t(c, _n("kg:cooccursWith"), ox.NamedNode(entity_iri(other)))
        yield t(c, _n("kg:sharedPapers"), _int(shared))


def _mention_triples(paper, mention, entity_id: str) -> Iterator[ox.Triple]:
    t = ox.Triple
    field = mention.field.value
    m = ox.NamedNode(mention_iri(mention.paper_id, field, mention.start, mention.end))
    target = ox.NamedNode(m.value + "/target")
    position = ox.NamedNode(m.value + "/position")
    quote = ox.NamedNode(m.value + "/quote")
    yield t(m, A, _n("kg:Mention"))
    yield t(m, A, _n("oa:Annotation"))
    yield t(m, _n("oa:hasBody"), ox.NamedNode(entity_iri(entity_id)))
    yield t(m, _n("oa:hasTarget"), target)
    yield t(m, _n("kg:inField"), ox.Literal(field))
    yield t(m, _n("kg:sentenceIndex"), _int(mention.sentence))
    yield t(m, _n("kg:extractor"), ox.Literal(mention.extractor))
    yield t(m, _n("kg:extractorLabel"), ox.Literal(mention.label or mention.kind.value))
    yield t(m, _n("kg:confidence"), _double(mention.confidence))
    yield t(target, A, _n("oa:SpecificResource"))
    yield t(target, _n("oa:hasSource"), ox.NamedNode(paper_iri(mention.paper_id)))
    yield t(target, _n("oa:hasSelector"), position)
    yield t(target, _n("oa:hasSelector"), quote)
    yield t(position, A, _n("oa:TextPositionSelector"))
    yield t(position, _n("oa:start"), _int(mention.start))
    yield t(position, _n("oa:end"), _int(mention.end))
    yield t(quote, A, _n("oa:TextQuoteSelector"))
    yield t(quote, _n("oa:exact"), ox.Literal(mention.text))
    # prefix/suffix reach to the sentence's ends, so the quote selector carries the
    # sentence; always present, so queries need no OPTIONAL (which the store
    # evaluated over every mention: 120 ms instead of 0.5 at 100k papers)
    text = paper.text(mention.field)
    sent_start, sent_end = mention.sentence_span or (max(0, mention.start - 40), mention.end + 40)
    yield t(quote, _n("oa:prefix"), ox.Literal(text[sent_start:mention.start]))
    yield t(quote, _n("oa:suffix"), ox.Literal(text[mention.end:sent_end]))


def _link_triples(link) -> Iterator[ox.Triple]:
    t = ox.Triple
    node = ox.NamedNode(link_iri(link.source, link.target))
    a, b = ox.NamedNode(paper_iri(link.source)), ox.NamedNode(paper_iri(link.target))
    yield t(a, _n("kg:relatedTo"), b)
    yield t(node, A, _n("kg:PaperLink"))
    yield t(node, _n("kg:source"), a)
    yield t(node, _n("kg:target"), b)
    yield t(node, _n("kg:weight"), _double(link.weight))
    for entity_id in link.shared:
        yield t(node, _n("kg:sharedEntity"), ox.NamedNode(entity_iri(entity_id)))


def _build_activity(data: GraphData) -> Iterator[ox.Triple]:
    meta = data.meta
    build = ox.NamedNode(DATA + "build/" + meta.get("fingerprint", "unknown"))
    yield ox.Triple(build, A, _n("kg:Build"))
    yield ox.Triple(build, A, _n("prov:Activity"))
    yield ox.Triple(build, _n("kg:kgraphVersion"), ox.Literal(str(meta.get("kgraph_version", ""))))
    yield ox.Triple(build, _n("kg:extractorTier"), ox.Literal(str(meta.get("tier", ""))))
    if meta.get("model"):
        yield ox.Triple(build, _n("kg:extractorModel"), ox.Literal(str(meta["model"])))
    if meta.get("created"):
        yield ox.Triple(build, _n("prov:startedAtTime"), ox.Literal(meta["created"], datatype=_DATETIME))


_PAPERS = PREFIXES["kgp"]
GRAPHS = {name: ox.NamedNode(f"{DATA}graph/{name}") for name in ("entities", "links", "build")}


RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
               ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


def write_rdf(data: GraphData, path: Path, fmt: ox.RdfFormat) -> None:
    """Serialise the build to ``path``, streaming (caller handles atomic replace).

    TriG and N-Quads keep one named graph per paper (see :func:`quads`); the other
    formats hold every triple in the default graph.
    """
    source = quads(data) if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS) else triples(data)
    ox.serialize(source, str(path), fmt, prefixes=_prefixes(fmt))


def convert_file(source: Path, source_fmt: ox.RdfFormat, path: Path, fmt: ox.RdfFormat) -> None:
    """Rewrite an RDF file in another format, graphs dropped (e.g. TriG -> Turtle), in order.

    Re-reading the TriG a build just wrote is cheaper than making its triples again.
    """
    read = (q.triple for q in ox.parse(path=str(source), format=source_fmt))
    ox.serialize(read, str(path), fmt, prefixes=_prefixes(fmt))


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    """kgraph's prefixes for the formats that abbreviate IRIs with them."""
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def to_rdflib(data: GraphData):
    """The build as an :class:`rdflib.Graph` (parsed from N-Triples written by pyoxigraph)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    graph.parse(data=ox.serialize(triples(data), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph

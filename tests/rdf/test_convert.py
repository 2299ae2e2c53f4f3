from __future__ import annotations

import pyoxigraph as ox
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import DCTERMS, RDF, SKOS

from kgraph.rdf.namespaces import PREFIXES, entity_iri, paper_iri

KG = rdflib.Namespace(PREFIXES["kg"])
OA = rdflib.Namespace(PREFIXES["oa"])


def test_turtle_parses_back_with_the_build_counts(demo_build, demo_kg):
    graph = rdflib.Graph().parse(demo_build / "graph.ttl", format="turtle")
    data = demo_kg.data
    assert len(set(graph.subjects(RDF.type, KG.Paper))) == len(data.papers)
    entity_count = sum(len(set(graph.subjects(RDF.type, KG[k]))) for k in ("Method", "Dataset", "Task", "Metric", "Concept"))
    assert entity_count == len(data.entities)
    assert len(set(graph.subjects(RDF.type, OA.Annotation))) == sum(1 for e in data.mention_entity if e)
    assert len(set(graph.subjects(RDF.type, KG.PaperLink))) == len(data.links)
    # rdflib's own view agrees triple for triple
    assert graph.isomorphic(demo_kg.to_rdflib())


def test_paper_and_entity_vocabulary(demo_kg):
    graph = demo_kg.to_rdflib()
    paper = demo_kg.papers[0]
    p = rdflib.URIRef(paper_iri(paper.id))
    assert (p, DCTERMS.title, rdflib.Literal(paper.title)) in graph
    assert (p, RDF.type, rdflib.URIRef("http://purl.org/spar/fabio/ResearchPaper")) in graph
    entity = demo_kg.entity("3DGS")
    e = rdflib.URIRef(entity_iri(entity.id))
    assert (e, RDF.type, SKOS.Concept) in graph
    assert (e, SKOS.prefLabel, rdflib.Literal("3D Gaussian Splatting", lang="en")) in graph
    assert (e, SKOS.altLabel, rdflib.Literal("3DGS", lang="en")) in graph
    assert (e, KG.mergedBy, rdflib.Literal("acronym")) in graph


def test_mentions_carry_offsets_that_point_at_the_text(demo_kg):
    graph = demo_kg.to_rdflib()
    rows = graph.query("""
        SELECT ?abstract ?start ?end ?exact WHERE {
          ?m a oa:Annotation ; oa:hasTarget ?t ; kg:inField "abstract" .
          ?t oa:hasSource ?p ; oa:hasSelector ?pos, ?q .
          ?pos oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
          ?p dcterms:abstract ?abstract }""", initNs={"kg": KG, "oa": OA, "dcterms": DCTERMS})
    rows = list(rows)
    assert rows
    for abstract, start, end, exact in rows:
        assert str(abstract)[int(start):int(end)] == str(exact)


def test_query_through_store_and_in_memory_agree(demo_build, demo_kg):
    import kgraph

    sparql = "SELECT ?label ?n WHERE { ?e skos:prefLabel ?label ; kg:paperCount ?n } ORDER BY DESC(?n) ?label LIMIT 5"
    stored = kgraph.load(demo_build).query(sparql)
    assert stored.columns == ("label", "n")
    assert stored.rows == demo_kg.query(sparql).rows
    assert stored.rows[0][1] >= stored.rows[-1][1]


def test_ontology_parses_and_declares_entity_classes():
    from kgraph.resources import ontology_dir

    onto = rdflib.Graph().parse(ontology_dir() / "kgraph.ttl")
    for kind in ("Method", "Dataset", "Task", "Metric", "Concept"):
        assert (KG[kind], rdflib.RDFS.subClassOf, KG.Entity) in onto
    assert (KG.Entity, rdflib.RDFS.subClassOf, SKOS.Concept) in onto


def test_shipped_skos_vocabulary_is_attributed_and_used():
    from kgraph.resolve.vocabularies import shipped_vocabulary
    from kgraph.resources import ontology_dir

    vocab = rdflib.Graph().parse(ontology_dir() / "vocabularies" / "pwc-methods.ttl")
    scheme = rdflib.URIRef("https://w3id.org/kgraph/vocab/pwc-methods")
    assert (scheme, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by-sa/4.0/")) in vocab
    concepts = set(vocab.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 1000
    assert all((c, SKOS.prefLabel, None) in vocab for c in list(concepts)[:50])
    loaded = shipped_vocabulary()
    assert loaded.aliases["1D CNN"] == "1 dimensional convolutional neural network"


@settings(max_examples=200, deadline=None)
@given(doi=st.text(min_size=1, max_size=40), arxiv=st.text(min_size=1, max_size=20))
def test_any_doi_or_arxiv_id_gives_valid_iris(doi, arxiv):
    """Real DOIs hold brackets, angle brackets and spaces (SICI DOIs); none may break the RDF."""
    from kgraph.graph.data import GraphData
    from kgraph.model import Paper
    from kgraph.rdf.convert import triples

    paper = Paper("p", "A title", "An abstract.", doi="10.1002/" + doi, arxiv_id=arxiv)
    data = GraphData((paper,), (), (), (), ())
    text = ox.serialize(list(triples(data)), format=ox.RdfFormat.N_TRIPLES)
    assert len(list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))) >= 5


def _changed(value):
    """Another value of the same type (for every field type a statement or result holds)."""
    from kgraph.model import Field

    if isinstance(value, Field):
        return next(f for f in Field if f is not value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return tuple(v + 1 for v in value)
    return (1, 2)  # an optional span left out


def test_a_paper_signature_covers_every_field_of_its_statements_and_results():
    from dataclasses import fields, replace

    from kgraph.graph.relations import ResultRow
    from kgraph.model import Field, Paper, Relation, Result
    from kgraph.rdf.convert import paper_signature

    paper = Paper("p", "T", "We use BERT for NER and reach 92.3 F1 on SQuAD.")
    said = Relation("p", Field.ABSTRACT, (7, 11), (16, 19), "USED-FOR", 0.9, (0, 49))
    result = Result("p", "92.3", 30, 34, "absolute", "F1", "SQuAD", "", (0, 49), (35, 37), (41, 46), None)
    row = ResultRow(result, "f1", "squad", "")

    def signed(said=said, ends=("bert", "ner"), row=row):
        return paper_signature(paper, [], [], [(said, *ends), row])

    base = signed()
    assert signed() == base
    changes = [signed(said=replace(said, **{f.name: _changed(getattr(said, f.name))})) for f in fields(Relation)]
    changes += [signed(row=replace(row, result=replace(result, **{f.name: _changed(getattr(result, f.name))})))
                for f in fields(Result)]
    changes += [signed(row=replace(row, **{f.name: _changed(getattr(row, f.name))}))
                for f in fields(ResultRow) if f.name != "result"]
    changes += [signed(ends=("bert", "squad")), signed(ends=("crf", "ner"))]
    assert base not in changes and len(set(changes)) == len(changes)

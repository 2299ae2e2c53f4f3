"""Metadata the readers find (year, creators, DOI, arXiv id, venue) reaches the RDF and passes SHACL."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.graph.data import GraphData
from kgraph.rdf.convert import triples
from kgraph.rdf.namespaces import paper_iri
from kgraph.readers import read_papers

FIXTURES = Path(__file__).parent / "fixtures"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"


@pytest.fixture(scope="module")
def graph() -> tuple[GraphData, list[ox.Triple]]:
    from kgraph.model import Paper

    papers = read_papers([FIXTURES])
    odd = Paper(id="doi:odd", title="Odd DOI", abstract="A DOI with characters an IRI may not hold.",
                doi="10.1002/(SICI)1097-4636(199603)31:3<323::AID-JBM6>3.0.CO;2-R")
    data = GraphData(papers=(*papers, odd), mentions=(), mention_entity=(), entities=(), links=(),
                     meta={"fingerprint": "t", "tier": "rules", "model": "rules", "kgraph_version": "0",
                           "created": "2025-01-01T00:00:00Z"})
    return data, list(triples(data))


def objects(found, paper_id: str, predicate: str) -> set[str]:
    subject = ox.NamedNode(paper_iri(paper_id))
    return {t.object.value for t in found if t.subject == subject and t.predicate.value == predicate}


def test_year_creators_identifiers_and_venue(graph):
    _, found = graph
    pid = "arxiv:1706.03762"  # Vaswani et al., merged from BibTeX and Semantic Scholar
    assert objects(found, pid, "http://purl.org/dc/terms/issued") == {"2017"}
    assert objects(found, pid, "http://purl.org/dc/terms/creator") == {"Ashish Vaswani", "Noam Shazeer"}  # first record kept on ties
    assert objects(found, pid, "https://schema.org/sameAs") == {"https://arxiv.org/abs/1706.03762",
                                                                 "https://doi.org/10.48550/arxiv.1706.03762"}
    assert objects(found, pid, PRISM + "doi") == {"10.48550/arxiv.1706.03762"}
    assert objects(found, pid, PRISM + "publicationName") == {"Advances in Neural Information Processing Systems"}


def test_odd_doi_is_percent_encoded_not_a_crash(graph):
    _, found = graph
    (iri,) = {i for i in objects(found, "doi:odd", "https://schema.org/sameAs")}
    assert iri.startswith("https://doi.org/10.1002/(sici)") and "%3C323" in iri and "<" not in iri


def test_shacl_shapes_hold(graph, tmp_path):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    from kgraph.resources import ontology_dir

    data, found = graph
    rdf = rdflib.Graph().parse(data=ox.serialize(found, format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl")
    conforms, _, text = pyshacl.validate(rdf, shacl_graph=shapes)
    assert conforms, text

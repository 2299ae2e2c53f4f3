"""The SPARQL 1.1 Protocol endpoint, queried by SPARQLWrapper against a real server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from kgraph.serve import Limits, make_server, negotiate, serve_in_thread, SELECT_TYPES

DATASETS = "SELECT ?label WHERE { ?e a kg:Dataset ; skos:prefLabel ?label } ORDER BY ?label"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(demo_build):
    server = make_server(demo_build, port=0, limits=Limits(timeout=2.0, max_bytes=60_000, workers=2))
    serve_in_thread(server)
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
    server.pool.close()


def client(endpoint, query, fmt=JSON):
    sparql = SPARQLWrapper(f"{endpoint}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql.query()


def test_binds_to_localhost_by_default(endpoint):
    assert endpoint.startswith("http://127.0.0.1:")


def test_select_in_every_results_format(endpoint, demo_kg):
    expected = sorted(e.label for e in demo_kg.entities("Dataset"))
    rows = client(endpoint, DATASETS).convert()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == expected
    xml = client(endpoint, DATASETS, XML).convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == expected
    assert client(endpoint, DATASETS, CSV).convert().decode().splitlines()[1:] == expected
    tsv = client(endpoint, DATASETS, TSV).convert().decode().splitlines()
    assert tsv[0] == "?label" and len(tsv) == len(expected) + 1


def test_ask_and_construct(endpoint, demo_kg):
    assert client(endpoint, "ASK { ?p a kg:Paper }").convert()["boolean"] is True
    construct = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a kg:Paper ; dcterms:title ?t }"
    graph = rdflib.Graph().parse(data=client(endpoint, construct, TURTLE).convert(), format="turtle")
    assert len(graph) == len(demo_kg.papers)
    for accept, fmt in (("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        request = urllib.request.Request(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": construct}), headers={"Accept": accept})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"].startswith(accept)
            assert rdflib.Graph().parse(data=response.read(), format=fmt).isomorphic(graph)


def post(endpoint, data: dict, content_type="application/x-www-form-urlencoded", raw: bytes | None = None):
    body = raw if raw is not None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(f"{endpoint}/sparql", data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_update_is_refused(endpoint):
    assert post(endpoint, {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})[0] == 403
    assert post(endpoint, {}, "application/sparql-update", b"DELETE WHERE { ?s ?p ?o }")[0] == 403
    status, body = post(endpoint, {"query": "DROP ALL"})
    assert status == 403 and "read-only" in body
    sparql = SPARQLWrapper(f"{endpoint}/sparql")
    sparql.setMethod("POST")
    sparql.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(Exception):
        sparql.query()
    assert client(endpoint, "ASK { <urn:a> <urn:b> <urn:c> }").convert()["boolean"] is False


def test_service_is_refused(endpoint):
    status, body = post(endpoint, {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert status == 400 and "SERVICE" in body
    # the word inside a string is fine
    assert post(endpoint, {"query": 'ASK { FILTER("SERVICE" != "x") }'})[0] == 200


@pytest.mark.slow
def test_endless_query_is_cut_off_and_server_keeps_answering(endpoint):
    status, body = post(endpoint, {"query": ENDLESS})
    assert status == 503 and "time limit" in body
    status, body = post(endpoint, {"query": ENDLESS})
    assert status == 503
    assert client(endpoint, "ASK { ?p a kg:Paper }").convert()["boolean"] is True


def test_result_size_limit(endpoint):
    status, body = post(endpoint, {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"})
    assert status == 413 and "LIMIT" in body


def test_bad_requests(endpoint):
    assert post(endpoint, {"query": "SELECT WHERE {"})[0] == 400
    assert post(endpoint, {})[0] == 400
    assert post(endpoint, {}, "text/plain", b"SELECT * {}")[0] == 415
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{endpoint}/nowhere")
    assert exc.value.code == 404


def test_raw_sparql_query_post_and_html_view(endpoint):
    status, body = post(endpoint, {}, "application/sparql-query", b"ASK { ?p a kg:Paper }")
    assert status == 200 and json.loads(body)["boolean"] is True
    with urllib.request.urlopen(f"{endpoint}/") as response:
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"kgraphState" in response.read()


def test_negotiation():
    assert negotiate("", SELECT_TYPES, "application/sparql-results+json")[1] == "JSON"
    assert negotiate("text/tab-separated-values", SELECT_TYPES, "application/sparql-results+json")[1] == "TSV"
    assert negotiate("image/png", SELECT_TYPES, "application/sparql-results+json") is None
    assert negotiate("text/csv;q=0, */*;q=0.1", SELECT_TYPES, "application/sparql-results+json")[1] == "JSON"

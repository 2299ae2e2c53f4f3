"""Each canned query (ontology/queries/*.rq) on a small hand-made corpus."""

from __future__ import annotations

import pytest

import kgraph
from kgraph.errors import QueryError
from kgraph.graph import cooccurrence
from kgraph.rdf.queries import canned_queries, canned_query, run_canned
from kgraph.rdf.store import open_store

PAPERS = [
    {"id": "p1", "title": "Residual networks for images",
     "abstract": "We train ResNet on ImageNet. Convolutional neural networks (CNNs) remain strong baselines."},
    {"id": "p2", "title": "Small images, big models",
     "abstract": "Convolutional neural networks are evaluated on ImageNet and CIFAR-10. ResNet is the backbone of every run."},
    {"id": "p3", "title": "Attention for tiny images",
     "abstract": "Vision transformers are compared on CIFAR-10 only. They need more data than convolutional neural networks."},
]


@pytest.fixture(scope="module", params=[2, 10], ids=["materialised", "counted-live"])
def store(request, tmp_path_factory):
    """The corpus built with co-occurrences materialised for entities in >= 2 papers
    (every shared entity here), and with the default threshold (none: counted live)."""
    src = tmp_path_factory.mktemp("q") / "papers.jsonl"
    import json

    src.write_text("".join(json.dumps(p) + "\n" for p in PAPERS))
    out = tmp_path_factory.mktemp("qbuild")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cooccurrence, "MIN_PAPERS", request.param)
        kgraph.build([src], tier="rules").save(out)
    built = open_store(out)
    materialised = store_rows(built, "SELECT (COUNT(*) AS ?n) WHERE { ?c kg:cooccurrenceOf ?e }")[0][0]
    assert (materialised > 0) == (request.param == 2)
    return built


def test_every_shipped_query_is_listed_with_a_title():
    queries = canned_queries()
    assert set(queries) == {"top-entities", "papers-using", "related-papers", "methods-for-dataset", "evidence", "cooccurring",
                            "methods-for-task", "evaluated-with", "leaderboard", "papers-evaluating", "entity-years",
                            "top-in-years"}
    assert all(q.title for q in queries.values())


def test_top_entities(store):
    rows = run_canned(store, "top-entities", {"kind": "Dataset"}).rows
    assert [(label, n) for _, label, n in rows] == [("CIFAR-10", 2), ("ImageNet", 2)]
    assert len(run_canned(store, "top-entities", {"kind": "Dataset", "limit": "1"}).rows) == 1


def test_papers_using_method_and_dataset(store):
    rows = run_canned(store, "papers-using", {"method": "resnet", "dataset": "ImageNet"}).as_dicts()
    assert sorted(r["title"] for r in rows) == ["Residual networks for images", "Small images, big models"]


def test_related_papers_with_shared_entities(store):
    rows = run_canned(store, "related-papers", {"paper": "p1"}).as_dicts()
    assert rows[0]["title"] == "Small images, big models"
    # CNNs are in all three papers: too common to explain a link (max_df)
    assert set(rows[0]["shared"].split(" | ")) == {"ResNet", "ImageNet"}
    by_title = run_canned(store, "related-papers", {"paper": "Residual networks for images"}).rows
    assert by_title == run_canned(store, "related-papers", {"paper": "p1"}).rows


def test_methods_for_dataset(store):
    rows = run_canned(store, "methods-for-dataset", {"dataset": "imagenet"}).as_dicts()
    assert {(r["label"], r["papers"]) for r in rows} == {("ResNet", 2), ("Convolutional neural networks", 2)}


def test_evidence_gives_offsets_and_sentence(store):
    rows = run_canned(store, "evidence", {"paper": "p2", "entity": "ImageNet"}).as_dicts()
    assert len(rows) == 1
    row = rows[0]
    assert PAPERS[1]["abstract"][row["start"]:row["end"]] == "ImageNet"
    assert row["sentence"] == 0 and row["field"] == "abstract"
    assert row["context"] == "Convolutional neural networks are evaluated on [ImageNet] and CIFAR-10."


def test_cooccurring(store):
    rows = run_canned(store, "cooccurring", {"entity": "CIFAR-10"}).as_dicts()
    top = {(r["label"], r["papers"]) for r in rows}
    assert ("Convolutional neural networks", 2) in top
    assert ("ImageNet", 1) in top


def test_parameters_cannot_inject(store):
    nasty = 'p1" } } DELETE WHERE { ?s ?p ?o } #\n\\"'
    text = canned_query("evidence").bind({"paper": nasty, "entity": "x"})
    import pyoxigraph as ox

    assert str(ox.Literal(nasty)) in text  # one escaped literal token
    assert run_canned(store, "evidence", {"paper": 'p1" } } DELETE WHERE { ?s ?p ?o } #', "entity": "x"}).rows == ()
    assert run_canned(store, "top-entities", {"kind": "Dataset"}).rows  # store untouched


@pytest.mark.parametrize("values, message", [({}, "needs --param"), ({"kind": "Method", "limit": "ten"}, "whole number"),
                                              ({"kind": "Method", "colour": "red"}, "no parameter 'colour'"),
                                              ({"kind": "Planet"}, "must be one of")])
def test_bad_parameters(store, values, message):
    name = "top-entities" if "kind" in values else "evidence"
    with pytest.raises(QueryError, match=message):
        run_canned(store, name, values)


LIVE_COOCCURRING = """
SELECT ?other (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?e kg:lookupLabel ?entity . ?paper kg:mentions ?e , ?other . FILTER(?other != ?e)
} GROUP BY ?other
"""


def test_cooccurring_equals_the_live_aggregate_for_every_entity(store):
    """The materialised counts (or the query's own live count) agree with a GROUP BY over kg:mentions."""
    labels = [r[0] for r in store_rows(store, "SELECT DISTINCT ?l WHERE { ?e kg:lookupLabel ?l }")]
    assert labels
    for label in labels:
        live = {(r[0], r[1]) for r in store_rows(store, LIVE_COOCCURRING.replace("?entity", f'"{label}"'))}
        canned = {(r["other"], r["papers"]) for r in run_canned(store, "cooccurring", {"entity": label}).as_dicts()}
        assert canned == live, label


def test_top_entities_ranks_agree_with_paper_counts(store):
    rows = run_canned(store, "top-entities", {"kind": "Concept", "limit": "100"}).rows
    counts = [r[2] for r in rows]
    assert counts == sorted(counts, reverse=True) and len(rows) == len({r[0] for r in rows})


def store_rows(store, sparql):
    from kgraph.rdf.store import run_query

    return run_query(store, sparql).rows


def test_threshold_is_the_builds_and_must_be_given(store):
    from kgraph.rdf.queries import cooccurrence_threshold
    from kgraph.rdf.store import run_query

    built = cooccurrence_threshold(lambda text: run_query(store, text))
    assert built in (2, 10)  # the fixture's two builds
    text = canned_query("cooccurring").bind({"entity": "x"}, built)
    assert f"?n < {built})" in text and "$cooccurrenceMinPapers" not in text
    with pytest.raises(ValueError, match="co-occurrence threshold"):
        canned_query("cooccurring").bind({"entity": "x"})


def test_a_build_without_the_threshold_fact_reads_as_materialised_from_two_papers():
    import pyoxigraph as ox

    from kgraph.rdf.queries import cooccurrence_threshold
    from kgraph.rdf.store import run_query

    assert cooccurrence_threshold(lambda text: run_query(ox.Store(), text)) == 2


def test_papers_using_equals_a_plain_join_for_every_pair(store):
    """The query's pattern order is tuned for the store's planner; the answer must not change."""
    methods = [r[0] for r in store_rows(store, "SELECT ?l WHERE { ?e a kg:Method ; skos:prefLabel ?l }")]
    datasets = [r[0] for r in store_rows(store, "SELECT ?l WHERE { ?e a kg:Dataset ; skos:prefLabel ?l }")]
    assert methods and datasets
    found = 0
    for method in methods:
        for dataset in datasets:
            plain = store_rows(store, f"""SELECT DISTINCT ?p WHERE {{
                ?m a kg:Method ; skos:prefLabel ?ml . ?d a kg:Dataset ; skos:prefLabel ?dl .
                FILTER(STR(?ml) = "{method}" && STR(?dl) = "{dataset}")
                ?p kg:mentions ?m , ?d }}""")
            canned = run_canned(store, "papers-using", {"method": method, "dataset": dataset}).rows
            assert {r[0] for r in canned} == {r[0] for r in plain}, (method, dataset)
            found += len(plain)
    assert found >= 2  # the corpus has pairs that share papers


def test_top_entities_are_the_first_ranks_of_the_kind(store):
    for kind in ("Method", "Dataset", "Task", "Metric", "Concept"):
        plain = store_rows(store, f"SELECT ?e WHERE {{ ?e a kg:{kind} ; kg:kindRank ?r FILTER(?r <= 3) }}")
        canned = run_canned(store, "top-entities", {"kind": kind, "limit": "3"}).rows
        assert {r[0] for r in canned} == {r[0] for r in plain}, kind


def test_csv_and_tsv_rows_never_open_as_formulas():
    from kgraph.rdf.store import QueryResult, format_rows

    result = QueryResult(("title", "score"), (("=HYPERLINK(\"http://x\")", "-0.5"), ("@SUM(A1)", None)))
    csv_text = format_rows(result, "csv")
    assert csv_text.splitlines()[1:] == ['"\'=HYPERLINK(""http://x"")",-0.5', "'@SUM(A1),"]
    assert format_rows(result, "tsv").splitlines()[2] == "'@SUM(A1)\t"
    assert "=HYPERLINK" in format_rows(result, "json") and "'=" not in format_rows(result, "json")  # JSON is data

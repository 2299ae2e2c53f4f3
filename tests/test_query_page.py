"""The query page of ``kgraph serve`` (issue #22 points 4-5): routing, its files and their
headers against a real server, and the page itself in headless Chromium with every request
outside the server cut off."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import subprocess
import sys
import time
import urllib.parse
from functools import partial
from pathlib import Path

import pytest

from kgraph.rdf.namespaces import PREFIXES
from kgraph.rdf.queries import canned_queries, cooccurrence_threshold, run_canned
from kgraph.rdf.store import open_store, run_query
from kgraph.serve import SELECT_TYPES, Limits, make_server, route, serve_in_thread
from kgraph.serve.page import STATIC_DIR, static_files
from kgraph.serve.protocol import Answer, Page, Query

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def get(url: str, path: str, accept: str = "") -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` as written (http.client sends ``..`` and ``%2e`` unnormalised, unlike a browser)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def url(demo_build):
    server = make_server(demo_build, port=0, limits=Limits(workers=2), log=lambda line: None)
    thread = serve_in_thread(server)
    yield server.url
    server.close()
    thread.join(5)


def test_route_gives_browsers_the_page_and_clients_the_protocol():
    assert route("GET", "/sparql", "", "", b"", BROWSER_ACCEPT) == Page("/query")
    assert route("GET", "/sparql", "", "", b"", "text/html;q=0.5, application/sparql-results+json") != Page("/query")
    # with a query it is the protocol whatever the client prefers, as before the page existed
    assert route("GET", "/sparql", "query=ASK%7B%7D", "", b"", BROWSER_ACCEPT) == Query("ASK{}", BROWSER_ACCEPT)
    for accept in ("", "*/*", "application/sparql-results+json"):
        answer = route("GET", "/sparql", "", "", b"", accept)
        assert isinstance(answer, Answer) and answer.status == 400, accept
    assert route("GET", "/sparql", "update=DROP%20ALL", "", b"", BROWSER_ACCEPT).status == 403
    assert route("GET", "/query", "", "", b"", "") == Page("/query")
    assert route("HEAD", "/static/query.js", "", "", b"", "") == Page("/static/query.js")
    assert route("GET", "/query/canned/top-entities", "kind=Task", "", b"", "") == Page("/query/canned/top-entities",
                                                                                        "kind=Task")
    assert route("GET", "/queryx", "", "", b"", "").status == 404
    assert route("POST", "/query", "", "application/sparql-query", b"ASK {}", "").status == 404


def test_page_and_endpoint_over_http(url):
    status, headers, page = get(url, "/query")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # the page has no inline script for the policy to allow, and loads nothing from elsewhere
    assert re.findall(rb"<script(?![^>]*\bsrc=)", page) == []
    assert re.findall(rb"""(?:src|href)="(?!/)""", page) == []
    assert get(url, "/sparql", BROWSER_ACCEPT)[2] == page
    status, headers, body = get(url, "/sparql?query=" + urllib.parse.quote("ASK { ?p a kg:Paper }"), BROWSER_ACCEPT)
    assert status == 200 and headers["Content-Type"].split(";")[0] in SELECT_TYPES and b"true" in body
    status, headers, body = get(url, "/sparql")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    # every file the page names is served
    for path in re.findall(rb"""(?:src|href)="(/static/[^"]+)""", page):
        assert get(url, path.decode())[0] == 200, path


def test_static_files_with_their_types_and_nothing_else(url):
    types = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", "": "text/plain"}
    files = static_files()
    assert {f"/static/{name}" for name in ("query.html", "query.js", "query.css", "codemirror/codemirror.js",
                                           "codemirror/codemirror.css", "codemirror/sparql.js",
                                           "codemirror/LICENSE")} <= set(files)
    assert all(file.resolve().is_relative_to(STATIC_DIR.resolve()) for file in files.values())
    for path, file in files.items():
        status, headers, body = get(url, path)
        assert status == 200 and body == file.read_bytes(), path
        assert headers["Content-Type"].split(";")[0] == types[file.suffix], path
        assert headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in headers
    for path in ("/static/../page.py", "/static/%2e%2e/page.py", "/static/codemirror/../../page.py",
                 "/static/..%2fpage.py", "/static//etc/passwd", "/static/codemirror", "/static/",
                 "/static/codemirror/LICENSE/", "/query/../serve/page.py"):
        status, _, body = get(url, path)
        assert status == 404 and b"import" not in body, path


def test_canned_queries_and_prefixes_for_the_page(url, demo_build):
    status, headers, body = get(url, "/query/queries.json")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert data["prefixes"] == PREFIXES
    shipped = canned_queries()
    assert [q["name"] for q in data["queries"]] == list(shipped)
    top = next(q for q in data["queries"] if q["name"] == "top-entities")
    assert top["text"] == shipped["top-entities"].text
    assert [(p["name"], p["default"]) for p in top["params"]] == [(p.name, p.default)
                                                                   for p in shipped["top-entities"].params]


def test_canned_query_is_bound_as_the_cli_binds_it(url, demo_build):
    status, _, body = get(url, "/query/canned/top-entities?kind=Task&limit=3")
    assert status == 200 and body.decode() == canned_queries()["top-entities"].bind({"kind": "Task", "limit": "3"})
    # a query that needs the build's co-occurrence threshold gets it from the store
    query = canned_queries()["methods-for-dataset"]
    threshold = cooccurrence_threshold(partial(run_query, open_store(demo_build)))
    status, _, body = get(url, "/query/canned/methods-for-dataset?dataset=ImageNet")
    assert status == 200 and body.decode() == query.bind({"dataset": "ImageNet"}, threshold)
    assert "$cooccurrenceMinPapers" not in body.decode()
    status, _, body = get(url, "/query/canned/cooccurring")
    assert status == 400 and b"entity" in body
    assert get(url, "/query/canned/top-entities?kind=Robot")[0] == 400
    assert get(url, "/query/canned/top-entities?colour=red")[0] == 400
    assert get(url, "/query/canned/nothing-like-this")[0] == 404


# -- the page in a browser ---------------------------------------------------------------------

HOSTILE = "<img src=x onerror=alert(1)>"
# titles a spreadsheet would run as formulas; the one with a quote and a comma also tests CSV quoting
FORMULAS = ['=HYPERLINK("http://evil.example/?a,b","click")', "+1 graph learning", "-2+3 points on ImageNet",
            "@SUM(A1:A9) for BERT"]
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TITLES = "SELECT ?title WHERE { ?p a kg:Paper ; dcterms:title ?title } ORDER BY ?title"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    """A small build whose paper titles are markup and spreadsheet formulas."""
    import kgraph

    folder = tmp_path_factory.mktemp("hostile")
    abstract = "We fine-tune BERT with LoRA on the ImageNet benchmark and on SQuAD, and report accuracy and F1."
    # readers strip tags, then decode entities: this is how markup reaches a stored title
    titles = [HOSTILE.replace("<", "&lt;").replace(">", "&gt;"), *FORMULAS, "Graph networks for node classification"]
    records = [{"id": f"h{i}", "title": t, "abstract": abstract, "year": 2020 + i} for i, t in enumerate(titles)]
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build = folder / "build"
    kgraph.build([source], tier="rules").save(build)
    return build


@pytest.fixture(scope="module")
def served(hostile_build):
    """``kgraph serve`` on the hostile build, as a user starts it (a 2 s time limit)."""
    process = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "serve", str(hostile_build), "--port", "0",
                                "--workers", "2", "--timeout", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        line = process.stdout.readline()
        yield re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
    finally:
        process.terminate()
        process.wait(15)


class Seen:
    """What the page did besides drawing: requests, dialogs, script errors, console errors."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def query_page(browser, served):
    """The query page from ``served``; any request to another origin is aborted and recorded."""
    # no bypass_csp: the page must work under its own Content-Security-Policy
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800})
    seen = Seen()

    def only_the_server(route_):
        if route_.request.url.startswith(served + "/"):
            route_.continue_()
        else:
            seen.outside.append(route_.request.url)
            route_.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    # Chromium logs every 4xx/5xx answer to fetch(); the page shows those itself (tested below)
    page.on("console", lambda m: seen.errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.goto(served + "/query")
    page.wait_for_selector("body[data-ready=true]")
    yield page, seen
    context.close()


def editor_text(page) -> str:
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def run_in_page(page, sparql: str, keys: bool = False) -> str:
    """Put ``sparql`` in the editor, run it (Run or Ctrl+Enter) and wait: the status's state."""
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", sparql)
    if keys:
        page.click(".CodeMirror-code")
        page.keyboard.press("Control+Enter")
    else:
        page.click("#run")
    # run() marks the status "running" before the click returns, so this waits for this run
    # generous: on a loaded CI box the first query also waits for the worker processes to start
    page.wait_for_function("() => ['done', 'error'].includes(document.querySelector('#status').dataset.state)",
                           timeout=120_000)
    return page.get_attribute("#status", "data-state")


@pytest.mark.slow
def test_query_page_in_a_browser(query_page, hostile_build):
    page, seen = query_page
    store = open_store(hostile_build)
    assert "PREFIX kg: <https://w3id.org/kgraph/ontology#>" in editor_text(page)
    assert page.locator("#prefixes li").count() == len(PREFIXES)

    # a canned query: picking it fills the editor and a form with its documented parameters
    page.select_option("#canned", "top-entities")
    page.wait_for_function("() => document.querySelector('#params input[name=kind]')")
    assert page.input_value("#params input[name=kind]") == "Method"
    page.fill("#params input[name=kind]", "Dataset")
    page.dispatch_event("#params input[name=kind]", "change")
    deadline = time.monotonic() + 10
    while "ontology#Dataset" not in editor_text(page):
        assert time.monotonic() < deadline, editor_text(page)
        time.sleep(0.1)
    assert "# param: kind" in editor_text(page)
    assert run_in_page(page, editor_text(page)) == "done"
    expected = run_canned(store, "top-entities", {"kind": "Dataset"})
    assert expected.rows  # the comparison below means something
    assert page.locator("#results tbody tr").count() == len(expected.rows)
    assert page.get_attribute("#status", "data-rows") == str(len(expected.rows))
    assert re.fullmatch(r"\d+ rows? in \d+ ms", page.inner_text("#status"))
    assert page.locator("#results th").all_inner_texts() == [f"?{c}" for c in expected.columns]

    # a literal that is markup is shown as text, and runs nothing
    titles = [row[0] for row in run_query(store, TITLES).rows]
    assert run_in_page(page, TITLES, keys=True) == "done"
    assert page.locator("#results tbody td").all_inner_texts() == titles
    assert HOSTILE in titles and page.locator("#results img").count() == 0

    # the CSV download: every title, formulas neutralised, RFC 4180 quoting
    with page.expect_download() as download:
        page.click("#csv")
    data = Path(download.value.path()).read_bytes().decode("utf-8")
    assert data.endswith("\r\n") and data.count("\r\n") == len(titles) + 1
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[0] == ["title"]
    assert [r[0] for r in rows[1:]] == [("'" + t) if t[0] in "=+-@" else t for t in titles]
    assert rows[1:] and any(r[0].startswith("'=HYPERLINK") for r in rows[1:])

    # ASK, CONSTRUCT, an IRI that is not a web address, errors, the time limit
    assert run_in_page(page, "ASK { ?p a kg:Paper }") == "done"
    assert page.inner_text("#results") == "ASK: true"
    assert run_in_page(page, "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a kg:Paper ; dcterms:title ?t }") == "done"
    triples = page.inner_text("#results pre.triples").strip().splitlines()
    assert len(triples) == len(titles) and any(HOSTILE in t for t in triples)
    assert page.is_disabled("#csv")
    assert run_in_page(page, 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }') == "done"
    assert page.inner_text("#results tbody td") == "javascript:alert(1)" and page.locator("#results a").count() == 0
    assert run_in_page(page, "SELECT ?title WHERE { ?p dcterms:title ?title ") == "error"
    assert "HTTP 400" in page.inner_text("#results pre.error") and "syntax" in page.inner_text("#results pre.error")
    assert run_in_page(page, ENDLESS) == "error"
    assert re.search(r"HTTP 503.*\n.*time limit", page.inner_text("#results pre.error"))

    assert seen.dialogs == [] and seen.errors == [] and seen.outside == []

"""The SPARQL 1.1 Protocol endpoint, queried by SPARQLWrapper and raw sockets against a real
server on 127.0.0.1 (issue #19 points 16-19 each have a test here)."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from kgraph.serve import SELECT_TYPES, Limits, make_server, negotiate, serve_in_thread

DATASETS = "SELECT ?label WHERE { ?e a kg:Dataset ; skos:prefLabel ?label } ORDER BY ?label"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


ASK = "ASK { ?p a kg:Paper }"
# small limits so each abuse shows in a second or two
LIMITS = Limits(timeout=2.0, max_bytes=60_000, workers=4, slow_after=0.5, idle=1, max_request=10_000)


def running(build, limits):
    server = make_server(build, port=0, limits=limits, log=lambda line: None)
    thread = serve_in_thread(server)
    return server, thread


@pytest.fixture(scope="module")
def server(demo_build):
    server, thread = running(demo_build, LIMITS)
    yield server
    server.close()
    thread.join(5)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def endpoint(server):
    return server.url


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


# -- issue #19: the endpoint under abuse ---------------------------------------------------

def exchange(endpoint: str, data: bytes, wait: float = 5.0) -> tuple[bytes, bool]:
    """Send raw bytes; read until the server closes (True) or ``wait`` passes in silence (False)."""
    url = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            return received, False
        except ConnectionResetError:
            pass
        return received, True


def statuses(received: bytes) -> list[int]:
    return [int(line.split()[1]) for line in received.split(b"\r\n") if line.startswith(b"HTTP/1.")]


SMUGGLED = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"


def test_too_large_request_is_413_and_closed_not_read_as_the_next_request(endpoint):
    # 16: the 413 used to leave the body on the wire, and the GET inside it was answered
    head = f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n" \
           f"Content-Length: {LIMITS.max_request + 1}\r\n\r\n".encode()
    received, closed = exchange(endpoint, head + SMUGGLED)
    assert statuses(received) == [413] and closed
    # chunked: the limit holds while the body streams, and the rest is not parsed either
    chunk = b"x" * (LIMITS.max_request + 10)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n" \
           b"Transfer-Encoding: chunked\r\n\r\n"
    received, closed = exchange(endpoint, head + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n" + SMUGGLED)
    assert statuses(received) == [413] and closed


@pytest.mark.parametrize("length", [b"abc", b"-1", b"+5", b"5, 5", b"99999999999999999999999"])
def test_malformed_content_length_is_400_and_closed(endpoint, length):
    # 17: "abc" dropped the connection with a traceback, "-1" hung the handler
    start = time.monotonic()
    received, closed = exchange(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                          b"application/sparql-query\r\nContent-Length: " + length + b"\r\n\r\n"
                                + SMUGGLED)
    assert statuses(received) in ([400], [413]) and closed
    assert time.monotonic() - start < 2
    assert post(endpoint, {"query": ASK})[0] == 200


def timed_post(endpoint, query):
    start = time.monotonic()
    status, body = post(endpoint, {"query": query})
    return status, body, time.monotonic() - start


def test_slow_queries_leave_processes_for_quick_ones(endpoint):
    # 18: two slow queries on the two workers made an ASK wait out the whole timeout
    with ThreadPoolExecutor(3) as slow:
        endless = [slow.submit(timed_post, endpoint, ENDLESS) for _ in range(2)]
        time.sleep(LIMITS.slow_after + 0.3)  # both now hold the slow slots
        third = slow.submit(timed_post, endpoint, ENDLESS)
        status, _, took = timed_post(endpoint, ASK)
        assert status == 200 and took < 1.0
        status, body, took = third.result()
        assert status == 503 and "long queries" in body and took < LIMITS.timeout
        for future in endless:
            status, body, took = future.result()
            # cut off when its own time limit passed: the clock started with the query
            assert status == 503 and "time limit" in body and LIMITS.timeout - 0.1 < took < LIMITS.timeout + 1.5
    assert post(endpoint, {"query": ASK})[0] == 200


def test_busy_answer_has_retry_after(endpoint):
    request = urllib.request.Request(f"{endpoint}/sparql", data=urllib.parse.urlencode({"query": ENDLESS}).encode())
    with ThreadPoolExecutor(3) as slow:
        held = [slow.submit(timed_post, endpoint, ENDLESS) for _ in range(2)]
        time.sleep(LIMITS.slow_after + 0.3)
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(request)
        assert exc.value.code == 503 and exc.value.headers["Retry-After"] == "1"
        [future.result() for future in held]


def test_waiting_is_bounded(demo_build):
    # one process, one waiting place: a second waiter is refused at once, the first after queue_wait
    server, thread = running(demo_build, Limits(timeout=1.5, workers=1, slow_after=0.2, queue=1, queue_wait=0.4))
    try:
        with ThreadPoolExecutor(3) as pool:
            endless = pool.submit(timed_post, server.url, ENDLESS)
            time.sleep(0.3)
            waiting = pool.submit(timed_post, server.url, ASK)
            time.sleep(0.1)
            status, body, took = timed_post(server.url, ASK)
            assert status == 503 and "already waiting" in body and took < 0.3
            status, body, took = waiting.result()
            assert status == 503 and "free" in body and 0.3 < took < 1.2
            assert endless.result()[0] == 503
        deadline = time.monotonic() + 10  # the killed process is replaced in the background
        while post(server.url, {"query": ASK})[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        server.close()
        thread.join(5)


def test_stalled_clients_hold_no_threads_and_are_closed_when_idle(endpoint):
    # 18: a thread per connection and no idle timeout (400 slow clients -> 403 threads)
    url = urllib.parse.urlsplit(endpoint)
    threads = threading.active_count()
    stalled = [socket.create_connection((url.hostname, url.port), timeout=10) for _ in range(40)]
    try:
        for sock in stalled:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")  # never finished
        status, _, took = timed_post(endpoint, ASK)
        assert status == 200 and took < 1.0
        assert threading.active_count() == threads
        start = time.monotonic()
        for sock in stalled:
            assert sock.recv(100) == b""  # closed by the server, once idle past LIMITS.idle
        assert time.monotonic() - start < LIMITS.idle + 4
    finally:
        for sock in stalled:
            sock.close()


def test_fifty_concurrent_clients_all_get_answers(endpoint):
    # 19: resets under 50 clients (benchmarks/serve_load.py measures it at length)
    url = urllib.parse.urlsplit(endpoint)
    path = "/sparql?" + urllib.parse.urlencode({"query": DATASETS})

    def client_session(_):
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        got = []
        for _ in range(5):
            connection.request("GET", path, headers={"Accept": "text/csv"})
            response = connection.getresponse()
            response.read()
            got.append(response.status)
        connection.close()
        return got

    with ThreadPoolExecutor(50) as pool:
        answers = [status for got in pool.map(client_session, range(50)) for status in got]
    assert answers == [200] * 250


def test_head_and_options(endpoint):
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=5)
    connection.request("HEAD", "/")
    response = connection.getresponse()
    assert response.status == 200 and int(response.headers["Content-Length"]) > 0 and response.read() == b""
    connection.request("OPTIONS", "/sparql")
    response = connection.getresponse()
    response.read()
    assert response.status == 204 and "POST" in response.headers["Allow"]
    assert "Access-Control-Allow-Origin" not in response.headers
    connection.request("DELETE", "/sparql")
    response = connection.getresponse()
    response.read()
    assert response.status == 405


def test_cors_names_the_one_origin(demo_build):
    server = make_server(demo_build, port=0, limits=Limits(workers=1), cors="https://yasgui.example", log=print)
    thread = serve_in_thread(server)
    try:
        with urllib.request.urlopen(f"{server.url}/sparql?" + urllib.parse.urlencode({"query": ASK})) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
    finally:
        server.close()
        thread.join(5)


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_cli_serve_stops_with_its_query_processes(demo_build, stop, tmp_path):
    errors = tmp_path / "stderr.txt"
    process = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "serve", str(demo_build), "--port", "0",
                                "--workers", "2", "--timeout", "60"], stdout=subprocess.PIPE,
                               stderr=errors.open("w"), text=True)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        assert post(url, {"query": ASK})[0] == 200
        def endless():
            with contextlib.suppress(OSError, http.client.HTTPException):  # the server dies under it
                post(url, {"query": ENDLESS})

        threading.Thread(target=endless, daemon=True).start()
        time.sleep(0.5)
        workers = children(process.pid)
        assert len(workers) >= 2
        process.send_signal(stop)
        assert process.wait(10) == (0 if stop == signal.SIGTERM else -signal.SIGKILL), errors.read_text()
        deadline = time.monotonic() + 5  # even the one busy with the endless query leaves
        while any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                  for pid in workers):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_store_that_cannot_open_is_one_clear_error(tmp_path):
    from kgraph.errors import KGraphError

    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("junk\n")
    with pytest.raises(KGraphError, match="could not open the store: .*CURRENT"):
        make_server(tmp_path, port=0, limits=Limits(workers=1))

"""Load benchmark: ``kgraph serve`` next to ``oxigraph serve-read-only`` on the same store.

Both servers open one copy of a build's store read-only and listen on 127.0.0.1 only.
Each in turn gets ``--clients`` concurrent clients (default 50; spread over a few client
processes so the client's own GIL does not set the pace) for ``--duration`` seconds,
each client on one keep-alive connection sending the shipped canned queries
(``ontology/queries/*.rq``) round-robin, bound with parameter values drawn from the
build (top entities of each kind, a few papers). Every query gets the kgraph prefixes
declared in its text, so both servers parse the same string.

Reported per server: requests, errors (any status but 200, or a connection error: a
refused, reset or timed-out request), requests/s and latency p50/p95/p99/max. A first
pass checks that both servers give the same number of result rows for every query.

Usage::

    python benchmarks/serve_load.py [BUILD] [--duration 60] [--clients 50] [--processes 4]

Without BUILD the seed pages (``../shared/seeds/*.txt``) are built with the rules tier
into a temporary folder first.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from kgraph.rdf.namespaces import PREFIXES
from kgraph.rdf.queries import canned_queries, cooccurrence_threshold
from kgraph.rdf.store import open_store, run_query

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
HOST = "127.0.0.1"
PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def workload(build: Path, per_query: int = 8) -> list[str]:
    """The canned queries bound with values drawn from ``build`` (``per_query`` bindings each)."""
    store = open_store(build)
    run = lambda sparql: run_query(store, sparql)  # noqa: E731
    threshold = cooccurrence_threshold(run)
    limit = f" LIMIT {per_query}"

    def strings(sparql: str) -> list[tuple[str, ...]]:
        return [tuple(map(str, row)) for row in run(sparql + limit).rows]

    top = {kind: [label for label, in strings(
        f"SELECT ?label WHERE {{ ?e a kg:{kind} ; kg:kindRank ?r ; skos:prefLabel ?label }} ORDER BY ?r")]
        for kind in ("Method", "Dataset", "Task", "Metric", "Concept")}
    papers = [paper for paper, in strings(
        "SELECT ?id WHERE { ?l kg:source ?p . ?p dcterms:identifier ?id } ORDER BY ?id")]
    # pairs that do occur together, so these queries return rows
    mentioned = strings("SELECT ?id ?label WHERE { ?p dcterms:identifier ?id ; kg:mentions ?e . "
                        "?e skos:prefLabel ?label }")
    together = strings("SELECT DISTINCT ?m ?d WHERE { ?p kg:mentions ?me , ?de . ?me a kg:Method ; "
                       "skos:prefLabel ?m . ?de a kg:Dataset ; skos:prefLabel ?d }")
    values: dict[str, list[dict[str, str]]] = {
        "top-entities": [{"kind": k, "limit": "20"} for k in ("Method", "Dataset", "Task", "Metric", "Concept")],
        "papers-using": [{"method": m, "dataset": d} for m, d in together],
        "methods-for-dataset": [{"dataset": d} for d in top["Dataset"]],
        "cooccurring": [{"entity": e} for e in top["Method"][:4] + top["Task"][:4]],
        "related-papers": [{"paper": p} for p in papers],
        "evidence": [{"paper": p, "entity": e} for p, e in mentioned],
    }
    queries = []
    for name, query in canned_queries().items():
        for bound in values.get(name, []):
            queries.append(PROLOGUE + query.bind(bound, threshold if query.needs_threshold else None))
    if not queries:
        raise SystemExit(f"{build}: no query could be bound (an empty build?)")
    return queries


@contextlib.contextmanager
def running(command: list[str], port: int) -> Iterator[str]:
    """Start a server, wait until it answers an ASK, stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if query(HOST, port, "ASK {}")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} did not start: {' '.join(command)}")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def query(host: str, port: int, sparql: str, connection: http.client.HTTPConnection | None = None
          ) -> tuple[int, bytes]:
    own = connection is None
    connection = connection or http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": sparql}),
                           headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        if own:
            connection.close()


def _client_process(port: int, queries: list[str], threads: int, first: int, stop_at: float,
                    out: mp.Queue[tuple[list[float], dict[str, int]]]) -> None:
    """``threads`` clients, each on a keep-alive connection, until ``stop_at`` (time.time())."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        i = index * 7
        mine, wrong = [], {}
        while time.time() < stop_at:
            sparql = queries[i % len(queries)]
            i += 1
            start = time.perf_counter()
            try:
                status, _ = query(HOST, port, sparql, connection)
                took = time.perf_counter() - start
                if status != 200:
                    wrong[f"HTTP {status}"] = wrong.get(f"HTTP {status}", 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                took = time.perf_counter() - start
                wrong[type(exc).__name__] = wrong.get(type(exc).__name__, 0) + 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
            mine.append(took)
        connection.close()
        with lock:
            latencies.extend(mine)
            for key, count in wrong.items():
                errors[key] = errors.get(key, 0) + count

    workers = [threading.Thread(target=client, args=(first + t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors))


def load(port: int, queries: list[str], clients: int, processes: int, duration: float) -> dict[str, object]:
    """Run the clients against one server; the figures of the run."""
    ctx = mp.get_context("fork")
    out: mp.Queue[tuple[list[float], dict[str, int]]] = ctx.Queue()
    stop_at = time.time() + duration
    shares = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    procs = [ctx.Process(target=_client_process, args=(port, queries, share, sum(shares[:p]), stop_at, out))
             for p, share in enumerate(shares) if share]
    for proc in procs:
        proc.start()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    for _ in procs:
        got, wrong = out.get()
        latencies.extend(got)
        for key, count in wrong.items():
            errors[key] = errors.get(key, 0) + count
    for proc in procs:
        proc.join()
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": sum(errors.values()), "error_kinds": errors,
            "rps": len(latencies) / duration, "p50": cuts[49], "p95": cuts[94], "p99": cuts[98],
            "max": max(latencies)}


def rows(port: int, sparql: str) -> int | str:
    status, body = query(HOST, port, sparql)
    return len(json.loads(body)["results"]["bindings"]) if status == 200 else f"HTTP {status}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", nargs="?", type=Path, help="a build folder (default: build the seed pages)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per server")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=4, help="client processes the clients are spread over")
    parser.add_argument("--workers", type=int, default=4, help="kgraph serve --workers")
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not os.access(oxigraph, os.X_OK):
        raise SystemExit("the oxigraph CLI is missing: pip install oxigraph (it is in kgraph's test extra)")

    with tempfile.TemporaryDirectory(prefix="serve_load_") as tmp:
        copy = Path(tmp) / "build"
        if args.build is None:
            seeds = sorted(SEEDS.glob("*.txt"))
            print(f"building {len(seeds)} seed pages (rules tier) …", flush=True)
            subprocess.run([sys.executable, "-m", "kgraph.cli", "build", *map(str, seeds), "-o", str(copy),
                            "--tier", "rules"], check=True, stdout=subprocess.DEVNULL)
        else:
            copy.mkdir()
            shutil.copytree(args.build / "store", copy / "store")
            if (args.build / "graph.html").is_file():
                shutil.copy2(args.build / "graph.html", copy / "graph.html")
        queries = workload(copy)
        print(f"{len(queries)} bound canned queries; {args.clients} clients for {args.duration:g} s per server; "
              f"{os.cpu_count()} CPUs", flush=True)
        servers = {
            f"kgraph serve (waitress, {args.workers} query processes)":
                [sys.executable, "-m", "kgraph.cli", "serve", str(copy), "--host", HOST, "--port", "{port}",
                 "--workers", str(args.workers)],
            "oxigraph serve-read-only": [oxigraph, "serve-read-only", "--location", str(copy / "store"),
                                         "--bind", f"{HOST}:{{port}}"],
        }
        results, counts = {}, {}
        for name, template in servers.items():
            port = free_port()
            with running([part.replace("{port}", str(port)) for part in template], port):
                counts[name] = [rows(port, q) for q in queries]
                results[name] = load(port, queries, args.clients, args.processes, args.duration)
            print(f"  {name}: done", flush=True)
    first, second = counts.values()
    differ = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
    print(f"\nsame result rows on both servers: {'yes' if not differ else f'NO, queries {differ}'}")
    print("\n| server | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']:,} | {r['errors']} | {r['rps']:.0f} | {r['p50'] * 1000:.0f} | "
              f"{r['p95'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['max'] * 1000:.0f} |")
        if r["errors"]:
            print(f"|  errors: {r['error_kinds']} | | | | | | | |")


if __name__ == "__main__":
    main()

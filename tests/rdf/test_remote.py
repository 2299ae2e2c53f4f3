"""`kgraph push` / `query --endpoint` against a real Oxigraph server (PyPI `oxigraph`) on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgraph
from kgraph.cli import app
from kgraph.rdf.queries import bind_canned, run_canned
from kgraph.rdf.remote import RemoteError, named_graphs, push, remote_query
from kgraph.rdf.store import open_store

PAPERS = [
    {"id": "p1", "title": "Residual networks for images", "abstract": "We train ResNet on ImageNet and CIFAR-10.",
     "year": 2019},
    {"id": "p2", "title": "Small images", "abstract": "ResNet and vision transformers are evaluated on ImageNet. "
     "ResNet reaches 76.1% top-1 accuracy on ImageNet.", "year": 2020},
    {"id": "p3", "title": "Tiny images", "abstract": "Vision transformers are compared with ResNet on CIFAR-10.",
     "year": 2021},
]
CASES = {
    "top-entities": {"kind": "Method"},
    "papers-using": {"method": "resnet", "dataset": "imagenet"},
    "related-papers": {"paper": "p1"},
    "methods-for-dataset": {"dataset": "cifar-10"},
    "evidence": {"paper": "p2", "entity": "imagenet"},
    "cooccurring": {"entity": "resnet"},
    "entity-years": {"entity": "resnet"},
    "top-in-years": {"kind": "Dataset", "since": "2019", "until": "2020"},
    "leaderboard": {"dataset": "imagenet"},
    "evaluated-with": {"method": "resnet"},
    "papers-evaluating": {"method": "resnet", "dataset": "imagenet"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.skip("the `oxigraph` server (PyPI package oxigraph, in the test extra) is not installed")
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxdata"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {proc.stderr.read().decode()}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def _build(tmp_path: Path, name: str, papers: list[dict]) -> Path:
    src = tmp_path / f"{name}.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in papers))
    out = tmp_path / name
    kgraph.build([src], tier="rules").save(out)
    return out


def _results(run) -> dict[str, set]:
    return {name: set(run(name, values).rows) for name, values in CASES.items()}


@pytest.mark.slow
def test_push_query_and_repush_match_the_embedded_store(tmp_path, oxigraph_server):
    first = _build(tmp_path, "first", PAPERS)
    runner = CliRunner()
    pushed = runner.invoke(app, ["push", str(first), "--endpoint", oxigraph_server + "/store"])
    assert pushed.exit_code == 0, pushed.output
    graphs = [g for g, _ in named_graphs(first / "graph.trig")]
    assert sum("/graph/paper/" in g for g in graphs) == 3
    assert f"{len(graphs)} graphs sent" in pushed.output

    endpoint = oxigraph_server + "/query"
    embedded = open_store(first)
    remote = _results(lambda n, v: remote_query(endpoint, bind_canned(n, v, partial(remote_query, endpoint))))
    assert remote == _results(lambda n, v: run_canned(embedded, n, v))
    assert all(remote.values()), remote
    cli = runner.invoke(app, ["query", "--endpoint", endpoint, "--name", "top-entities", "-p", "kind=Dataset", "-f", "json"])
    assert cli.exit_code == 0 and "ImageNet" in cli.output

    # change one paper, drop another: the re-push sends only what changed and deletes p3's graph
    changed = [dict(PAPERS[0], abstract="We train ResNet on SVHN."), PAPERS[1]]
    second = _build(tmp_path, "second", changed)
    summary = push(second, oxigraph_server + "/store")
    now = [g for g, _ in named_graphs(second / "graph.trig")]
    gone = set(graphs) - set(now)
    assert any(g.endswith("/graph/paper/p3") for g in gone)
    assert summary.deleted == len(gone) and summary.unchanged >= 1  # p2's graph is the same
    assert summary.sent + summary.unchanged == len(now) and summary.sent < len(now)
    after = _results(lambda n, v: remote_query(endpoint, bind_canned(n, v, partial(remote_query, endpoint))))
    assert after == _results(lambda n, v: run_canned(open_store(second), n, v))
    titles = remote_query(endpoint, "SELECT ?t WHERE { ?p dcterms:title ?t }").rows
    assert sorted(titles) == [("Residual networks for images",), ("Small images",)]


def test_unreachable_server_is_a_clear_error(tmp_path):
    build = _build(tmp_path, "b", PAPERS[:1])
    with pytest.raises(RemoteError, match="cannot reach"):
        push(build, f"http://127.0.0.1:{_free_port()}/store", timeout=2)

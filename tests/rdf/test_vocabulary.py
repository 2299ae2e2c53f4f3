"""kgraph writes only terms its ontology declares, and the ontology declares only what is written or marked."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from kgraph.rdf.namespaces import KG, NOT_WRITTEN, ONTOLOGY, terms

REPO = Path(__file__).resolve().parents[2]
_TERM = re.compile(r"\bkg:([A-Za-z]\w*)")


def _declared() -> set[str]:
    graph = rdflib.Graph().parse(REPO / "ontology" / "kgraph.ttl")
    return {f"kg:{s[len(ONTOLOGY):]}" for s in graph.subjects() if str(s).startswith(ONTOLOGY) and str(s) != ONTOLOGY}


def test_every_written_term_is_declared_and_every_declared_term_is_written_or_marked():
    written = set(terms().values())
    declared = _declared()
    assert written - declared == set(), "written but not in ontology/kgraph.ttl"
    assert declared - written - set(NOT_WRITTEN) == set(), "declared but neither written nor in NOT_WRITTEN"
    assert not set(NOT_WRITTEN) & written


def test_every_term_named_in_queries_shapes_and_code_is_declared():
    declared = _declared()
    sources = [*(REPO / "ontology" / "queries").glob("*.rq"), REPO / "ontology" / "shapes.ttl",
               *(REPO / "kgraph").rglob("*.py")]
    unknown = {(path.name, f"kg:{m}") for path in sources for m in _TERM.findall(path.read_text(encoding="utf-8"))
               if f"kg:{m}" not in declared}
    assert not unknown


def test_the_writers_take_their_terms_from_kg():
    # doctests and comments may say kg:Paper; code must use KG.Paper
    for name in ("convert.py", "incremental.py"):
        code = [line for line in (REPO / "kgraph" / "rdf" / name).read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith(("#", ">>>", "<", "[")) and '"""' not in line]
        assert not [line for line in code if _TERM.search(line)], name
    assert KG.Paper == "kg:Paper"


def test_a_made_up_term_would_be_caught(monkeypatch):
    monkeypatch.setattr(KG, "inventedTerm", "kg:inventedTerm", raising=False)
    assert "kg:inventedTerm" in set(terms().values()) - _declared()

"""IRIs kgraph mints and the vocabularies it reuses.

IRI policy (see ontology/README.md): every resource's IRI is derived from a stable id —
papers from DOI, arXiv id, the record's own id or a title hash; entities from their
resolution key; mentions from paper, field and offsets; links from their two papers —
so the same input gives the same IRIs on every run.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

ONTOLOGY = "https://w3id.org/kgraph/ontology#"
DATA = "https://w3id.org/kgraph/id/"

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY,
    "kgp": DATA + "paper/",
    "kge": DATA + "entity/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def paper_iri(paper_id: str) -> str:
    """>>> paper_iri("doi:10.1/x")
    'https://w3id.org/kgraph/id/paper/doi%3A10.1%2Fx'
    """
    return PREFIXES["kgp"] + quote(paper_id, safe="")


def entity_iri(entity_id: str) -> str:
    return PREFIXES["kge"] + entity_id


def mention_iri(paper_id: str, field: str, start: int, end: int) -> str:
    return mention_iri_under(paper_iri(paper_id), field, start, end)


def mention_iri_under(paper: str, field: str, start: int, end: int) -> str:
    """:func:`mention_iri` from the paper's IRI (writers that already made it)."""
    return f"{paper}/mention/{field}-{start}-{end}"


def link_iri(source: str, target: str) -> str:
    digest = hashlib.sha1(f"{source}\n{target}".encode()).hexdigest()[:20]
    return f"{DATA}link/{digest}"


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to put before a user's query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

"""Find the files kgraph ships: the ontology, canned queries, gazetteer and models.

In a wheel the ontology is packaged as ``kgraph/ontology``; in a source checkout
(editable install) it is the repository's top-level ``ontology/``. Both are found from
this file's location, never from the working directory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from .errors import ModelError

PACKAGE_DIR = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    """The folder holding kgraph.ttl, shapes, contexts and queries."""
    for candidate in (PACKAGE_DIR / "ontology", PACKAGE_DIR.parent / "ontology"):
        if (candidate / "kgraph.ttl").is_file():
            return candidate
    raise ModelError(f"kgraph's ontology files are missing (looked in {PACKAGE_DIR / 'ontology'}); reinstall kgraph")


def data_file(name: str) -> Path:
    """A file from ``kgraph/data`` (e.g. the gazetteer)."""
    path = PACKAGE_DIR / "data" / name
    if not path.is_file():
        raise ModelError(f"kgraph's data file {name!r} is missing at {path}; reinstall kgraph")
    return path


def model_dir(name: str) -> Path:
    """The folder of a shipped model (``accurate`` or ``fast``)."""
    return PACKAGE_DIR / "models" / name


def files_digest(paths: Iterable[Path]) -> str:
    """A short hash of files' names and contents, in the order given: a model's, the
    gazetteer's or the extraction code's version, for cache fingerprints."""
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

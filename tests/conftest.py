"""Shared fixtures. Tests that need ../shared (the real seed pages, SciERC) skip with a
reason when it is absent; CI always has it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
EXAMPLES = REPO / "examples"

needs_seeds = pytest.mark.skipif(not SEEDS, reason=f"seed pages not found at {SHARED / 'seeds'} (../shared is absent)")


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    if not SEEDS:
        pytest.skip(f"seed pages not found at {SHARED / 'seeds'} (../shared is absent)")
    return SEEDS


@pytest.fixture
def write(tmp_path: Path):
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


def scratch(folder: Path) -> list[str]:
    """What an interrupted or finished build left in ``folder`` that is not a build: temporary
    files and folders, and generations that are neither current nor previous."""
    left = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".generations"]
    gens = folder / ".generations"
    if gens.is_dir():
        links = {"current", "previous"}
        kept = {str(Path(".generations") / (gens / name).readlink()) for name in links if (gens / name).is_symlink()}
        left += [f".generations/{p.name}" for p in gens.iterdir()
                 if p.name not in links | {"lock"} and f".generations/{p.name}" not in kept]
    return left


READER_FIXTURES = REPO / "tests" / "readers" / "fixtures"


@pytest.fixture
def read_fixture():
    """Read one of tests/readers/fixtures/ with its reader: (papers, report, path as a string)."""
    from kgraph.readers import READERS, ReadReport, detect_format

    def _read(name: str, fmt: str | None = None):
        path = READER_FIXTURES / name
        report = ReadReport()
        papers = list(READERS[fmt or detect_format(path)](path, report))
        return papers, report, str(path)

    return _read


@pytest.fixture
def jsonl(write):
    """Write records as a JSON Lines file."""

    def _jsonl(name: str, records: list[dict]) -> Path:
        return write(name, "".join(json.dumps(r) + "\n" for r in records))

    return _jsonl


@pytest.fixture(scope="session")
def rules_nlp():
    """The rules-tier pipeline (gazetteer, acronyms, cue words): no trained model."""
    from kgraph.extract.pipeline import build_pipeline

    return build_pipeline("rules")


@pytest.fixture(scope="session")
def demo_kg():
    """The README's demo corpus built with the rules tier."""
    import kgraph

    return kgraph.build([EXAMPLES], tier="rules")


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory, demo_kg) -> Path:
    """The demo corpus saved to a folder (all outputs written)."""
    out = tmp_path_factory.mktemp("demo_build")
    demo_kg.save(out)
    return out


CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium as the project's setup installs it; these flags keep it off the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    import os

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser):
    """Open a local HTML file offline; returns (page, requests seen, script errors)."""
    contexts = []

    def _open(path: Path, wait_stable: bool = True):
        # bypass_csp only lets Playwright evaluate its own probes; the page's escaping is what is tested
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        if wait_stable:
            page.wait_for_function("window.kgraphState && window.kgraphState.stabilized", timeout=60_000)
        return page, requests, errors

    yield _open
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Said:
    """One relation a stand-in model states: indices into the sentence's entities."""

    head: int
    tail: int
    label: str
    confidence: float


class FirstMethodForFirstTask:
    """A stand-in relation model: the first Method entity of a sentence is USED-FOR its first Task.
    It keeps the (words, entities) of every call."""

    def __init__(self, confidence: float = 0.875) -> None:
        self.confidence = confidence
        self.calls: list[tuple[list[str], list[tuple[int, int, str]]]] = []

    def predict(self, words, entities):
        self.calls.append((list(words), list(entities)))
        methods = [i for i, (_, _, label) in enumerate(entities) if label == "Method"]
        tasks = [i for i, (_, _, label) in enumerate(entities) if label == "Task"]
        return [Said(methods[0], tasks[0], "USED-FOR", self.confidence)] if methods and tasks else []


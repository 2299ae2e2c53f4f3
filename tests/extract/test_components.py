"""kgraph's spaCy components are registered in one place and found by spaCy through entry points."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from kgraph.extract import components

PACKAGE = Path(components.__file__).resolve().parent.parent


def test_every_factory_is_an_entry_point_of_the_installed_package():
    declared = {ep.name: ep.value for ep in entry_points(group="spacy_factories") if ep.name.startswith("kgraph_")}
    assert set(declared) == set(components.FACTORIES)
    for name, value in declared.items():
        module, _, function = value.partition(":")
        assert module == "kgraph.extract.components" and callable(getattr(components, function)), name


def test_factories_are_registered_only_in_components():
    registering = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                         if "@Language.factory" in p.read_text(encoding="utf-8") or "Language.component(" in p.read_text(encoding="utf-8"))
    assert registering == ["extract/components.py"]


def test_spacy_finds_the_components_without_kgraph_being_imported():
    # a fresh interpreter: nothing of kgraph is imported until spaCy loads the entry points
    script = (
        "import sys, spacy\n"
        "assert not any(m.startswith('kgraph') for m in sys.modules)\n"
        "nlp = spacy.blank('en')\n"
        "for name in ('kgraph_acronyms', 'kgraph_rules', 'kgraph_select'):\n"
        "    nlp.add_pipe(name)\n"
        "doc = nlp('We train a multi-layer perceptron (MLP) on the KITTI dataset.')\n"
        "print(sorted((s.text, s.label_) for s in doc.spans['kgraph']))\n"
        "print('onnxruntime' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[('KITTI dataset', 'Dataset'), ('MLP', 'Method'), ('multi-layer perceptron', 'Method')]"
    assert out[1] == "False"  # registering the model components does not load onnxruntime


def test_selected_mentions_lose_edge_function_words_and_numbers_are_no_mentions():
    import spacy
    from spacy.tokens import Span

    from kgraph.extract.base import set_candidates
    from kgraph.extract.select import Selector

    nlp = spacy.blank("en")
    doc = nlp("the corpus of English improves from 10.3 to 11.8 points")
    set_candidates(doc, "model", [Span(doc, 0, 4, label="Material"), Span(doc, 5, 9, label="Metric")])
    assert [s.text for s in Selector()(doc).spans["kgraph"]] == ["corpus of English"]

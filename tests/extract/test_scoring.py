from __future__ import annotations

import importlib.util
import random

import pytest
from conftest import SHARED

from kgraph.extract.annotate import read_text_records
from kgraph.extract.scoring import score, score_relations, spans_of

SCORER = SHARED / "tools" / "score_entities.py"
LABELS = ["Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic"]


def random_docs(rng: random.Random, n: int) -> dict[str, list[tuple[int, int, str]]]:
    docs = {}
    for d in range(n):
        spans = set()
        for _ in range(rng.randint(0, 8)):
            start = rng.randint(0, 40)
            spans.add((start, start + rng.randint(1, 5), rng.choice(LABELS)))
        docs[f"d{d}"] = sorted(spans)
    return docs


@pytest.mark.skipif(not SCORER.exists(), reason=f"{SCORER} not found (../shared is absent)")
def test_agrees_with_the_shared_scorer():
    spec = importlib.util.spec_from_file_location("score_entities", SCORER)
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    rng = random.Random(7)
    gold = random_docs(rng, 30)
    # predictions: perturbed gold, so there are hits, label errors and misses
    pred = {k: [(s, e, rng.choice(LABELS) if rng.random() < 0.3 else l) for s, e, l in v if rng.random() < 0.8] for k, v in gold.items()}
    pred["d0"] = []
    as_records = lambda docs: {k: {"entities": [{"start": s, "end": e, "label": l} for s, e, l in v]} for k, v in docs.items()}
    for labels in (None, set(LABELS) - {"Generic"}):
        theirs = shared.score(as_records(gold), as_records(pred), labels=labels)
        ours = score(gold, pred, labels=labels)
        assert (ours.strict.precision, ours.strict.recall, ours.strict.f1) == pytest.approx(theirs["strict"])
        assert (ours.span.precision, ours.span.recall, ours.span.f1) == pytest.approx(theirs["span"])
        for label, prf in ours.per_label.items():
            assert (prf.precision, prf.recall, prf.f1, prf.gold) == pytest.approx(theirs["per_label"][label])


def test_read_text_records_reports_bad_lines(write):
    path = write("in.jsonl", '{"id": "a", "text": "x y", "entities": [{"start": 0, "end": 1, "label": "Task"}], "other": 1}\n'
                             'nope\n{"id": "b"}\n{"id": "c", "text": "z"}\n')
    problems = []
    records = read_text_records(path, problems)
    assert [r.id for r in records] == ["a", "c"]
    assert records[0].gold == ((0, 1, "Task"),)
    assert [p.line for p in problems] == [2, 3]


def test_spans_of():
    assert spans_of([{"id": 1, "entities": [{"start": 0, "end": 2, "label": "Task", "text": "ab"}]}]) == {"1": [(0, 2, "Task")]}


RELATION_SCORER = SHARED / "tools" / "score_relations.py"
RELATIONS = ["USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "EVALUATE-FOR", "COMPARE", "CONJUNCTION"]


def random_relation_docs(rng: random.Random, n: int) -> dict[str, dict]:
    docs = {}
    for d in range(n):
        entities = [{"start": s, "end": s + rng.randint(1, 4), "label": rng.choice(LABELS)}
                    for s in sorted(rng.sample(range(0, 60, 5), rng.randint(0, 6)))]
        relations = [{"head": rng.randrange(len(entities)), "tail": rng.randrange(len(entities)),
                      "label": rng.choice(RELATIONS)} for _ in range(rng.randint(0, 5))] if entities else []
        docs[f"d{d}"] = {"entities": entities, "relations": relations}
    return docs


def perturbed(rng: random.Random, doc: dict) -> dict:
    """Some relations dropped, flipped or relabelled; some entity labels changed; an index out of range."""
    entities = [dict(e, label=rng.choice(LABELS)) if rng.random() < 0.2 else e for e in doc["entities"]]
    relations = []
    for r in doc["relations"]:
        if rng.random() < 0.2:
            continue
        r = dict(r, head=r["tail"], tail=r["head"]) if rng.random() < 0.3 else dict(r)
        if rng.random() < 0.2:
            r["label"] = rng.choice(RELATIONS)
        relations.append(r)
    relations.append({"head": 99, "tail": 0, "label": "USED-FOR"})
    return {"entities": entities, "relations": relations}


@pytest.mark.skipif(not RELATION_SCORER.exists(), reason=f"{RELATION_SCORER} not found (../shared is absent)")
def test_relation_scores_agree_with_the_shared_scorer():
    spec = importlib.util.spec_from_file_location("score_relations", RELATION_SCORER)
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    rng = random.Random(11)
    gold = random_relation_docs(rng, 40)
    pred = {k: perturbed(rng, v) for k, v in gold.items() if k != "d1"}
    for mapping in (None, {"Material": "Method"}):
        theirs = shared.score(gold, pred, mapping)
        ours = score_relations(gold, pred, mapping)
        for name, mine in (("rel", ours.rel), ("rel+", ours.rel_plus), ("unlabelled", ours.unlabelled)):
            assert theirs[name][3] == [mine.tp, mine.predicted, mine.gold], name
            assert theirs[name][2] == pytest.approx(mine.f1)
        assert {k: v[3] for k, v in theirs["per_label"].items()} == {k: v.gold for k, v in ours.per_label.items()}
        assert {k: v[2] for k, v in theirs["per_label"].items()} == pytest.approx({k: v.f1 for k, v in ours.per_label.items()})
    assert ours.rel.tp > 0 and ours.rel.tp < ours.rel.gold

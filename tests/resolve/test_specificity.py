from __future__ import annotations

import pytest

from kgraph.model import EntityKind, Field, Mention, Paper
from kgraph.resolve.entities import resolve
from kgraph.resolve.specificity import Background, judge, shipped_background
from kgraph.resolve.vocabularies import shipped_known_kinds


def m(paper_id, text, kind=EntityKind.METHOD):
    return Mention(paper_id, Field.ABSTRACT, 0, len(text), text, kind, 0, "test")


@pytest.mark.parametrize("label", ["training data", "labeled data", "benchmark datasets", "features", "quality",
                                   "non", "fine", "42", "probabilistic model", "iterative algorithm",
                                   "data-driven approach", "closed-form solution"])
def test_generic_words_and_fragments_are_generic(label):
    assert judge(label, {label: 3}).generic


@pytest.mark.parametrize("label", ["SQuAD", "CIFAR-10", "conditional random field", "BLEU",
                                   "probabilistic programming", "predictive coding"])
def test_names_are_specific(label):
    assert not judge(label, {label: 3}, background=shipped_background()).generic


def test_background_share_makes_an_umbrella_term_generic_but_not_a_name():
    background = Background(100, {"neural network": 10, "bert": 40})
    assert judge("neural networks", {"neural networks": 5}, background=background).evidence == ("background 10.0%",)
    assert not judge("BERT", {"BERT": 5}, background=background).generic
    # an acronym seen in a few papers does not make the umbrella phrase a name
    assert judge("neural network", {"neural network": 9, "NN": 1}, background=background).generic


def test_known_kind_wins_over_the_mention_vote_and_makes_it_specific():
    papers = [Paper("p1", "T", "We evaluate on SQuAD."), Paper("p2", "T", "SQuAD results.")]
    res = resolve(papers, [m("p1", "SQuAD"), m("p2", "SQuAD"), m("p2", "SQUAD", EntityKind.DATASET)],
                  known=shipped_known_kinds(), background=shipped_background())
    (entity,) = res.entities
    assert entity.kind is EntityKind.DATASET and entity.label == "SQuAD" and not entity.generic


@pytest.mark.slow
def test_generic_entities_link_no_papers_and_name_no_community(tmp_path):
    import json

    from kgraph.builder import BuildOptions, build_data

    corpus = tmp_path / "c.jsonl"

    rows = [{"id": f"p{i}", "title": f"Paper {i}", "abstract": "Deep neural networks learn features from large "
             "annotated corpora and improve accuracy on machine learning benchmarks. " + ("We train CRFs on the KITTI benchmark." if i < 2 else "We use the Penn Treebank.")}
            for i in range(4)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = build_data([corpus], BuildOptions(tier="accurate", max_df=1.0))
    generic = {e.id for e in data.entities if e.generic}
    labels = {e.label for e in data.entities if e.generic}
    assert {"accuracy", "Deep neural networks"} <= labels
    assert all(not generic.intersection(link.shared) for link in data.links)
    assert all(not generic.intersection(top) for top in data.communities.top)
    assert all(e in data.mention_entity for e in generic)  # the mentions are kept


def test_properties_and_a_corpus_umbrella_are_generic_but_a_known_task_is_not():
    from kgraph.model import EntityKind as K

    assert judge("reconstruction quality", {"reconstruction quality": 2}).evidence == ("property",)
    assert judge("friction stir welding", {"friction stir welding": 9}, corpus_share=0.4).evidence == ("corpus 40%",)
    assert not judge("friction stir welding", {"friction stir welding": 9}, corpus_share=0.1).generic
    # a leaderboard column on the metric lists is still generic words; a known task is a task
    assert judge("model size", {"model size": 3}, known_kind=K.METRIC).generic
    assert not judge("image classification", {"image classification": 3}, known_kind=K.TASK).generic


def test_a_fields_name_with_a_category_noun_is_generic_but_a_narrower_name_is_not():
    background = shipped_background()
    umbrella = judge("machine learning technique", {"machine learning techniques": 9}, background=background)
    assert umbrella.generic and umbrella.evidence == ("umbrella",)
    assert not judge("convolutional neural network", {"convolutional neural networks": 4},
                     background=background).generic

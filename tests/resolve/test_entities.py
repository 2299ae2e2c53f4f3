from __future__ import annotations

from kgraph.model import EntityKind, Field, Mention, Paper
from kgraph.process import map_in_halves
from kgraph.resolve.entities import corpus_acronyms, entity_id, resolve
from kgraph.text.labels import normalise_label


def m(paper_id, text, kind=EntityKind.METHOD):
    return Mention(paper_id, Field.ABSTRACT, 0, len(text), text, kind, 0, "test")


def by_label(resolution, mentions):
    out = {}
    for mention, eid in zip(mentions, resolution.mention_entity):
        out.setdefault(eid, set()).add(mention.text)
    return sorted(sorted(v) for v in out.values())


def test_acronym_defined_in_paper_merges_with_long_form():
    papers = [Paper("p1", "T", "3D Gaussian Splatting (3DGS) is fast. 3DGS scales.")]
    mentions = [m("p1", "3D Gaussian Splatting"), m("p1", "3DGS"), m("p1", "3DGS")]
    res = resolve(papers, mentions)
    (entity,) = res.entities
    # the label is the form the corpus writes most; the long form is the expansion
    assert entity.label == "3DGS"
    assert entity.expansion == "3D Gaussian Splatting"
    assert entity.alt_labels == ("3D Gaussian Splatting",)
    assert "acronym" in entity.merged_by


def test_long_form_is_the_label_when_the_corpus_writes_it_most():
    papers = [Paper("p1", "T", "3D Gaussian Splatting (3DGS) is fast.")]
    mentions = [m("p1", "3D Gaussian Splatting"), m("p1", "3D Gaussian splatting"), m("p1", "3DGS")]
    (entity,) = resolve(papers, mentions).entities
    assert entity.label in {"3D Gaussian Splatting", "3D Gaussian splatting"}
    assert entity.expansion == entity.label


def test_the_expansion_spells_the_acronym_out_rather_than_adding_a_head_to_it():
    papers = [Paper("p1", "T", "Frechet Inception Distance (FID) is low. FID scores drop. FID scores rise.")]
    metric = EntityKind.METRIC
    mentions = [m("p1", s, metric) for s in ("Frechet Inception Distance", "FID", "FID scores", "FID scores")]
    (entity,) = resolve(papers, mentions).entities
    assert entity.label == "FID"
    assert entity.expansion == "Frechet Inception Distance"  # not "FID scores", the commoner other form


def test_undefined_acronym_uses_the_unambiguous_corpus_definition():
    papers = [Paper("p1", "T", "Gaussian processes (GP) are priors."), Paper("p2", "T", "We fit a GP to data.")]
    res = resolve(papers, [m("p1", "Gaussian processes"), m("p2", "GP")])
    assert len(res.entities) == 1
    assert res.entities[0].id == entity_id("gaussian process")


def test_ambiguous_acronyms_stay_apart():
    papers = [Paper("p1", "T", "Gaussian processes (GP) are priors."), Paper("p2", "T", "Genetic programming (GP) evolves code."),
              Paper("p3", "T", "A GP is used.")]
    mentions = [m("p1", "GP"), m("p2", "GP"), m("p3", "GP")]
    res = resolve(papers, mentions)
    assert len(res.entities) == 3
    assert set(res.ambiguous_acronyms["GP"]) == {"gaussian process", "genetic programming"}


def test_spelling_variants_of_one_expansion_are_not_ambiguous():
    unique, ambiguous, variants = corpus_acronyms({"a": {"MLP": "multi layer perceptron"}, "b": {"MLP": "multilayer perceptron"},
                                                   "c": {"VLN": "vision and language navigation"},
                                                   "d": {"VLN": "vision language navigation"}, "e": {"VLN": "vision language navigation"}})
    assert set(unique) == {"MLP", "VLN"} and not ambiguous
    unique, ambiguous, _ = corpus_acronyms({"a": {"NCEAS": "National Center for Ecological Analysis and Synthesis"},
                                            "b": {"NCEAS": "National Centre for Ecological Analysis and Synthesis"}})
    assert set(unique) == {"NCEAS"} and not ambiguous
    assert variants["vision and language navigation"] == "vision language navigation"
    # an expansion that keeps an inner acronym short is the same sense
    unique, ambiguous, variants = corpus_acronyms({
        "a": {"UNFCCC": "UN framework convention on climate change"},
        "b": {"UNFCCC": "United Nations framework convention on climate change"},
        "c": {"UNFCCC": "United Nations framework convention on climate change"}})
    assert set(unique) == {"UNFCCC"} and not ambiguous
    assert variants["UN framework convention on climate change"] == "United Nations framework convention on climate change"
    _, ambiguous, _ = corpus_acronyms({"a": {"GP": "Gaussian process"}, "b": {"GP": "genetic programming"}})
    assert set(ambiguous) == {"GP"}


def test_variant_expansions_become_one_entity():
    papers = [Paper("p1", "T", "Vision and language navigation (VLN) is hard."),
              Paper("p2", "T", "Vision-language navigation (VLN) agents move."), Paper("p3", "T", "VLN again.")]
    res = resolve(papers, [m("p1", "Vision and language navigation"), m("p2", "Vision-language navigation"), m("p3", "VLN")])
    assert len(res.entities) == 1 and not res.ambiguous_acronyms


def test_lost_hyphen_merges_only_when_hyphenated_form_seen():
    papers = [Paper("p1", "T", "x"), Paper("p2", "T", "y")]
    merged = resolve(papers, [m("p1", "MoDec-GS"), m("p2", "MoDecGS")])
    assert len(merged.entities) == 1 and "normalisation" in merged.entities[0].merged_by
    alone = resolve(papers, [m("p2", "MoDecGS")])
    assert alone.entities[0].label == "MoDecGS"


def test_vocabulary_alias_joins_canonical_and_links_the_concept():
    from kgraph.resolve.vocabularies import shipped_vocabulary

    papers = [Paper("p1", "T", "x")]
    res = resolve(papers, [m("p1", "1D CNN"), m("p1", "1-Dimensional Convolutional Neural Networks")], shipped_vocabulary())
    (entity,) = res.entities
    assert "gazetteer" in entity.merged_by
    assert entity.exact_match == ("https://paperswithcode.com/method/1d-cnn",)


def test_kind_is_the_majority_of_mentions():
    papers = [Paper("p1", "T", "x")]
    res = resolve(papers, [m("p1", "BERT"), m("p1", "BERT"), m("p1", "BERT", EntityKind.METRIC)])
    assert res.entities[0].kind is EntityKind.METHOD


def test_a_dataset_must_read_as_a_name_or_have_a_data_head():
    """Also a "known" one: the Papers with Code dataset lists hold "Social media"."""
    papers = [Paper(f"p{i}", "T", "x") for i in range(4)]
    mentions = [m("p0", "social media", EntityKind.DATASET), m("p1", "social media", EntityKind.DATASET),
                m("p2", "CIFAR-10", EntityKind.DATASET), m("p3", "sculptures dataset", EntityKind.DATASET),
                m("p3", "chest X-ray", EntityKind.DATASET), m("p1", "fine-tuning", EntityKind.METHOD),
                m("p2", "World Bank", EntityKind.DATASET), m("p0", "filter bank", EntityKind.METHOD),
                m("p1", "Infrared Small Target Detection", EntityKind.DATASET)]
    known = {"social media": EntityKind.DATASET}  # as the shipped lists have it
    kinds = {e.label: e.kind for e in resolve(papers, mentions, known=known).entities}
    assert kinds == {"social media": EntityKind.CONCEPT, "CIFAR-10": EntityKind.DATASET,
                     "sculptures dataset": EntityKind.DATASET, "chest X-ray": EntityKind.DATASET,
                     "fine-tuning": EntityKind.METHOD, "World Bank": EntityKind.CONCEPT,
                     "filter bank": EntityKind.METHOD, "Infrared Small Target Detection": EntityKind.TASK}


def test_a_place_is_a_concept_unless_known_as_a_dataset():
    """The region an abstract studies is tagged as data or method by a CS-trained model."""
    papers = [Paper(f"p{i}", "T", "x") for i in range(3)]
    mentions = [m("p0", "South Africa", EntityKind.DATASET), m("p1", "Congo Basin", EntityKind.DATASET),
                m("p2", "Vietnam", EntityKind.TASK), m("p0", "Accra", EntityKind.METHOD),
                m("p1", "Lake Victoria", EntityKind.DATASET), m("p2", "Cityscapes", EntityKind.DATASET),
                m("p0", "Random Forest", EntityKind.METHOD), m("p1", "Houston", EntityKind.DATASET),
                m("p2", "Accra", EntityKind.DATASET)]
    known = {"accra": EntityKind.DATASET}  # a name the gazetteer knows as data stays data
    kinds = {e.label: e.kind for e in resolve(papers, mentions, known=known).entities}
    assert kinds == {"South Africa": EntityKind.CONCEPT, "Congo Basin": EntityKind.CONCEPT,
                     "Vietnam": EntityKind.CONCEPT, "Accra": EntityKind.DATASET,
                     "Lake Victoria": EntityKind.CONCEPT, "Cityscapes": EntityKind.DATASET,
                     "Random Forest": EntityKind.METHOD,
                     # a hyperspectral scene the Papers with Code lists name: no place in the shipped list
                     "Houston": EntityKind.DATASET}


def test_dataset_head_is_dropped_for_names_but_not_for_defined_acronyms():
    papers = [Paper("p1", "T", "Natural language processing (NLP) grows."), Paper("p2", "T", "x"), Paper("p3", "T", "y")]
    res = resolve(papers, [m("p2", "KITTI dataset"), m("p3", "KITTI"), m("p2", "NLP datasets"), m("p1", "NLP")])
    ids = res.mention_entity
    assert ids[0] == ids[1]          # KITTI dataset = KITTI
    assert ids[2] != ids[3]          # NLP datasets != natural language processing


def test_a_dominant_sense_wins_where_the_acronym_is_used_undefined():
    local = {f"p{i}": {"LLM": "large language model"} for i in range(19)}
    local["odd"] = {"LLM": "large language mod els"}  # a garbled definition in one paper
    unique, ambiguous, _ = corpus_acronyms(local)
    assert unique["LLM"] == "large language model" and "LLM" not in ambiguous
    # without a dominant sense (3 against 1 is 75 %) the acronym stays ambiguous
    unique, ambiguous, _ = corpus_acronyms({"a": {"GP": "gaussian process"}, "b": {"GP": "gaussian process"},
                                            "c": {"GP": "gaussian process"}, "d": {"GP": "genetic programming"}})
    assert "GP" in ambiguous and "GP" not in unique


def test_a_papers_own_definition_still_beats_the_dominant_sense():
    papers = [Paper(f"p{i}", "T", "Large language models (LLMs) answer questions.") for i in range(10)]
    papers += [Paper("odd", "T", "Log-likelihood models (LLMs) are old. LLMs fit data."),
               Paper("plain", "T", "We prompt LLMs with code.")]
    mentions = [Mention(p.id, Field.ABSTRACT, 0, 3, "LLMs", EntityKind.METHOD, 0, "test") for p in papers[-2:]]
    res = resolve(papers, mentions)
    odd, plain = res.mention_entity
    assert plain == entity_id("large language model")  # used undefined: the dominant sense
    assert odd == entity_id("log likelihood model")  # defined otherwise in its own paper


def test_an_acronym_is_not_merged_into_a_long_form_it_does_not_abbreviate():
    papers = [Paper("p1", "T", "Non-autoregressive translation (NAT) is fast."),
              Paper("p2", "T", "Neural machine translation (NMT) is strong.")]
    mentions = [m("p1", "NAT"), m("p2", "NMT"), m("p1", "non-autoregressive translation"),
                m("p2", "neural machine translation")]
    res = resolve(papers, mentions)
    assert by_label(res, mentions) == [
        ["NAT", "non-autoregressive translation"], ["NMT", "neural machine translation"]]


def test_possessive_case_and_plural_variants_are_one_entity_with_a_singular_label():
    mentions = [m("p1", "LLM's"), m("p1", "LLMs"), m("p2", "LLM"), m("p2", "LLM"), m("p3", "SQUAD"), m("p3", "SQuAD")]
    res = resolve([Paper(p, "T", "x") for p in ("p1", "p2", "p3")], mentions)
    assert sorted(e.label for e in res.entities) == ["LLM", "SQuAD"]


def test_a_name_whose_span_was_cut_inside_a_bracket_is_that_name():
    # "GPT-4.1(+5.36%)" tagged up to the number: the same model, with no cut form to show
    mentions = [m("p1", "Qwen3(+5.36"), m("p2", "Qwen3"), m("p2", "Qwen3")]
    res = resolve([Paper(p, "T", "x") for p in ("p1", "p2")], mentions)
    (entity,) = res.entities
    assert entity.label == "Qwen3" and entity.alt_labels == ()


def test_a_head_that_names_another_kind_keeps_a_defined_acronym_apart():
    papers = [Paper("p1", "T", "Natural language processing (NLP) is a field."), Paper("p2", "T", "x")]
    mentions = [m("p1", "NLP", EntityKind.TASK), m("p2", "NLP toolkit"), m("p2", "NLP metrics", EntityKind.METRIC),
                m("p2", "KITTI dataset", EntityKind.DATASET), m("p2", "KITTI", EntityKind.DATASET)]
    res = resolve(papers, mentions)
    assert by_label(res, mentions) == [["KITTI", "KITTI dataset"], ["NLP"], ["NLP metrics"], ["NLP toolkit"]]


def test_underscores_and_spaces_give_distinct_ids():
    res = resolve([Paper("p1", "T", "x")], [m("p1", "BERT_base"), m("p1", "BERT base")])
    assert len({e.id for e in res.entities}) == 2


def test_noise_senses_do_not_make_an_acronym_ambiguous():
    definitions = {f"p{i}": {"BERT": "Bidirectional Encoder Representations from Transformer"} for i in range(30)}
    definitions["odd"] = {"BERT": "Bayesian Estimation of Regression Trees"}
    unique, ambiguous, _ = corpus_acronyms(definitions)
    assert "BERT" in unique and "BERT" not in ambiguous


def test_the_label_is_the_commonest_spelling_even_with_a_hyphen():
    mentions = [m("p1", "fine-tuning"), m("p1", "fine-tuning"), m("p2", "Fine Tuning")]
    (entity,) = resolve([Paper("p1", "T", "x"), Paper("p2", "T", "y")], mentions).entities
    assert entity.label == "fine-tuning"


def test_an_acronym_known_as_a_task_does_not_override_the_mentions_vote():
    papers = [Paper("p1", "T", "Large language models (LLMs) are used.")]
    known = {"LLM": EntityKind.TASK, "SQuAD": EntityKind.DATASET}
    mentions = [m("p1", "large language models"), m("p1", "LLMs"), m("p1", "LLMs")]
    (entity,) = resolve(papers, mentions, known=known).entities
    assert entity.kind is EntityKind.METHOD and entity.label == "LLMs"


def test_a_generic_acronym_lends_no_known_kind_to_its_long_form():
    # the metric lists hold "ID"; a paper's "identification (ID)" is no metric for it, nor is
    # "state of the art (SOTA)" a dataset; a specific acronym still lends its kind
    papers = [Paper("p1", "T", "Speaker identification (ID) and the state of the art (SOTA) on Fréchet "
                               "Inception Distance (FID).")]
    known = {"ID": EntityKind.METRIC, "SOTA": EntityKind.DATASET, "FID": EntityKind.METRIC}
    mentions = [m("p1", "identification", EntityKind.CONCEPT), m("p1", "ID", EntityKind.CONCEPT),
                m("p1", "state of the art", EntityKind.CONCEPT), m("p1", "SOTA", EntityKind.CONCEPT),
                m("p1", "Fréchet Inception Distance", EntityKind.CONCEPT), m("p1", "FID", EntityKind.CONCEPT)]
    kinds = {e.expansion or e.label: (e.kind, "known" in e.evidence) for e in resolve(papers, mentions, known=known).entities}
    assert kinds["identification"] == (EntityKind.CONCEPT, False)
    assert kinds["state of the art"] == (EntityKind.CONCEPT, False)
    assert kinds["Fréchet Inception Distance"] == (EntityKind.METRIC, True)


def test_a_known_task_name_keeps_the_kind_its_mentions_give():
    mentions = [m("p1", "Retrieval-Augmented Generation"), m("p2", "Retrieval-Augmented Generation", EntityKind.TASK),
                m("p2", "retrieval-augmented generation")]
    known = {"retrieval augmented generation": EntityKind.TASK}
    (entity,) = resolve([Paper("p1", "T", "x"), Paper("p2", "T", "y")], mentions, known=known).entities
    assert entity.kind is EntityKind.METHOD and "known" in entity.evidence


def test_a_name_written_only_with_its_kind_after_it_is_labelled_by_the_name():
    papers = [Paper("p1", "T", "x"), Paper("p2", "T", "y")]
    mentions = [m("p1", "COCO dataset", EntityKind.DATASET), m("p2", "COCO dataset", EntityKind.DATASET),
                m("p1", "training data", EntityKind.DATASET), m("p2", "Common Voice corpus", EntityKind.DATASET),
                m("p1", "F1 score", EntityKind.METRIC), m("p2", "F1 scores", EntityKind.METRIC)]
    labels = {e.label: e for e in resolve(papers, mentions).entities}
    assert "COCO" in labels and "COCO dataset" in labels["COCO"].alt_labels
    assert "F1" in labels  # a digit marks a name too
    assert "training data" in labels  # a phrase keeps its words


def test_a_known_name_decides_the_kind_in_another_case():
    from kgraph.extract.gazetteer import GazetteerEntry
    from kgraph.resolve.vocabularies import known_kinds

    known = known_kinds([GazetteerEntry("mIOU", EntityKind.METRIC, "mIOU", "pwc_task_metrics")])
    mentions = [m("p1", "mIoU", EntityKind.CONCEPT)]
    (entity,) = resolve([Paper("p1", "T", "x")], mentions, known=known).entities
    assert entity.kind is EntityKind.METRIC


def test_an_acronym_inside_a_longer_name_is_spelled_out():
    papers = [Paper("p1", "T", "We study out-of-distribution (OOD) detection."), Paper("p2", "T", "x")]
    mentions = [m("p1", "out-of-distribution", EntityKind.CONCEPT), m("p1", "OOD detection", EntityKind.TASK),
                m("p2", "Out-of-Distribution Detection", EntityKind.TASK)]
    ids = resolve(papers, mentions).mention_entity
    assert ids[1] == ids[2] != ids[0]


def test_an_ordinary_looking_word_is_not_spelled_out_as_an_acronym():
    # one paper "defines" Claude by a dated model id; every other Claude model kept its own name
    papers = [Paper("p1", "T", "We query claude-3-haiku-20240307 (Claude) for labels."),
              Paper("p2", "T", "Claude-3.7-Sonnet and Claude 3.5 Sonnet are compared."),
              Paper("p3", "T", "Claude answers.")]
    mentions = [m("p1", "claude-3-haiku-20240307"), m("p2", "Claude-3.7-Sonnet", EntityKind.DATASET),
                m("p2", "Claude 3.5 Sonnet", EntityKind.DATASET), m("p3", "Claude")]
    res = resolve(papers, mentions)
    labels = {e.label: e for e in res.entities}
    assert "claude_3_haiku" not in res.mention_entity[1] and "claude_3_haiku" not in res.mention_entity[2]
    assert labels["Claude-3.7-Sonnet"].kind is EntityKind.METHOD  # a released model family, whatever the tagger said
    assert res.mention_entity[3] != res.mention_entity[0]


def test_spellings_beyond_the_sense_key_are_one_sense():
    # a derived word form, a one-letter typo and a first word cut at a line break
    unique, ambiguous, variants = corpus_acronyms({
        "a": {"CNN": "convolutional neural network"}, "b": {"CNN": "convolutional neural network"},
        "c": {"CNN": "convolution neural network"},
        "d": {"3DGS": "3D gaussian splatting"}, "e": {"3DGS": "3D gaussian spatting"},
        "f": {"MLLM": "multimodal large language model"}, "g": {"MLLM": "modal large language model"},
        "h": {"SLM": "small language model"}, "i": {"SLM": "spoken language model"}})
    assert unique["CNN"] == "convolutional neural network"
    assert variants["convolution neural network"] == "convolutional neural network"
    assert "3DGS" in unique and "MLLM" in unique
    assert set(ambiguous) == {"SLM"}  # different words are different senses


def test_an_expansion_with_a_generic_head_is_the_acronym():
    papers = [Paper("p1", "T", "Group Relative Policy Optimization (GRPO) trains. The GRPO algorithm is simple."),
              Paper("p2", "T", "We use the GRPO (Group Relative Policy Optimization) algorithm.")]
    mentions = [m("p1", "Group Relative Policy Optimization"), m("p1", "GRPO algorithm"),
                m("p2", "group relative policy optimization algorithm"), m("p2", "GRPO")]
    res = resolve(papers, mentions)
    assert len(res.entities) == 1 and res.entities[0].label == "GRPO"


def test_a_head_that_names_another_kind_keeps_its_entity_and_label():
    papers = [Paper("p1", "T", "Retrieval-augmented generation (RAG) helps. RAG benchmarks are hard.")]
    mentions = [m("p1", "Retrieval-augmented generation"), m("p1", "RAG"),
                m("p1", "RAG benchmarks", EntityKind.DATASET)]
    res = resolve(papers, mentions)
    labels = sorted(e.label for e in res.entities)
    assert len(res.entities) == 2 and "RAG" in labels and "RAG benchmarks" in labels


def test_two_senses_of_one_acronym_get_two_labels():
    papers = [Paper("p1", "T", "The Segment Anything Model (SAM) segments. SAM is big."),
              Paper("p2", "T", "The Segment Anything Model (SAM) masks images."),
              Paper("p3", "T", "Sharpness-Aware Minimization (SAM) finds flat minima.")]
    mentions = [m("p1", "Segment Anything Model"), m("p1", "SAM"), m("p1", "SAM"), m("p2", "SAM"), m("p2", "SAM"),
                m("p3", "Sharpness-Aware Minimization"), m("p3", "SAM")]
    res = resolve(papers, mentions)
    by_key = {e.key: e for e in res.entities}
    assert by_key["segment anything model"].label == "SAM"  # in the most papers: keeps the label
    sharp = by_key["sharpness aware minimization"]
    assert sharp.label == "Sharpness-Aware Minimization" and "SAM" in sharp.alt_labels
    assert len({e.label for e in res.entities}) == len(res.entities)


def test_an_acronym_in_another_case_and_one_beside_a_name():
    papers = [Paper("p1", "T", "Question answering (QA) and ChatGPT (Chat Generative Pre-trained Transformer)."),
              Paper("p2", "T", "CHATGPT answers TyDi QA questions.")]
    mentions = [m("p1", "Question answering", EntityKind.TASK), m("p1", "ChatGPT"),
                m("p2", "CHATGPT"), m("p2", "TyDi QA", EntityKind.DATASET)]
    res = resolve(papers, mentions)
    ids = dict(zip([x.text for x in mentions], res.mention_entity, strict=True))
    assert ids["CHATGPT"] == ids["ChatGPT"]
    assert ids["TyDi QA"] == entity_id("TyDi QA")  # a name as written, not "TyDi question answering"


def test_a_known_name_in_capitals_is_not_another_casing_of_a_papers_acronym():
    papers = [Paper("p1", "T", "A Constitutional Controller (CoCo) steers agents."),
              Paper("p2", "T", "We train on COCO."), Paper("p3", "T", "Results on COCO.")]
    mentions = [m("p1", "Constitutional Controller"), m("p1", "CoCo"),
                m("p2", "COCO", EntityKind.DATASET), m("p3", "COCO", EntityKind.DATASET)]
    ids = dict(zip([x.text for x in mentions], resolve(papers, mentions, known={"COCO": EntityKind.DATASET})
                   .mention_entity, strict=True))
    assert ids["CoCo"] == ids["Constitutional Controller"] != ids["COCO"]
    # unknown, the capitals are that acronym shouted (as CHATGPT for ChatGPT above)
    assert len(set(resolve(papers, mentions).mention_entity)) == 1


def test_an_acronym_and_its_long_form_meet_where_the_long_form_holds_another_acronym():
    # one paper defines 3D, another 3DGS as "3D Gaussian Splatting": both forms spell 3D out
    papers = [Paper("p1", "T", "We map 3-dimensional (3D) scenes."),
              Paper("p2", "T", "3D Gaussian Splatting (3DGS) is fast."), Paper("p3", "T", "3DGS scales.")]
    mentions = [m("p1", "3D"), m("p2", "3D Gaussian Splatting"), m("p2", "3DGS"), m("p3", "3DGS")]
    res = resolve(papers, mentions)
    ids = dict(zip([x.text for x in mentions], res.mention_entity, strict=True))
    assert ids["3DGS"] == ids["3D Gaussian Splatting"] != ids["3D"]
    (splatting,) = [e for e in res.entities if e.id == ids["3DGS"]]
    assert splatting.label == "3DGS" and splatting.expansion == "3D Gaussian Splatting"


def test_an_acronym_defined_in_two_casings_alike_takes_that_sense_in_a_third():
    papers = [Paper("p1", "T", "mean intersection over union (mIoU) rises."),
              Paper("p2", "T", "Mean Intersection over Union (mIOU) too."), Paper("p3", "T", "MIoU of 50.")]
    metric = EntityKind.METRIC
    mentions = [m("p1", "mean intersection over union", metric), m("p1", "mIoU", metric),
                m("p2", "Mean Intersection over Union", metric), m("p2", "mIOU", metric), m("p3", "MIoU", metric)]
    assert len(set(resolve(papers, mentions).mention_entity)) == 1


def test_a_head_that_names_a_kind_decides_the_kind():
    papers = [Paper("p1", "T", "A reasoning benchmark, an anomaly score and conservation measures.")]
    mentions = [m("p1", "reasoning benchmark", EntityKind.TASK), m("p1", "anomaly score", EntityKind.CONCEPT),
                m("p1", "conservation measures", EntityKind.METHOD),
                m("p1", "predicting rating scores", EntityKind.TASK)]
    kinds = {e.key: e.kind for e in resolve(papers, mentions).entities}
    assert kinds["reasoning benchmark"] is EntityKind.DATASET
    assert kinds["anomaly score"] is EntityKind.METRIC
    assert kinds["conservation measure"] is EntityKind.METHOD  # "measures" can be actions
    assert kinds["predicting rating score"] is EntityKind.TASK  # a task said as a verb phrase


def test_a_bracket_the_span_cut_leaves_the_label_and_a_formula_is_a_fragment():
    papers = [Paper("p1", "T", "VeriSafe Agent (VSA) checks (LLM)-based plans in O(mlog(m)) time.")]
    mentions = [m("p1", "VeriSafe Agent (VSA"), m("p1", "LLM)-based plans"), m("p1", "O(mlog(m)", EntityKind.CONCEPT)]
    by_label = {e.label: e for e in resolve(papers, mentions).entities}
    assert set(by_label) == {"VeriSafe Agent", "LLM-based plans", "O(mlog(m)"}
    assert not by_label["VeriSafe Agent"].generic
    assert by_label["O(mlog(m)"].generic and by_label["O(mlog(m)"].evidence == ("fragment",)


def test_a_metric_head_joins_a_metric_acronym_but_not_a_method():
    papers = [Paper("p1", "T", "Fréchet Inception Distance (FID) and the FID score. CLIP (Contrastive Language-Image "
                               "Pre-training) and the CLIP score.")]
    mentions = [m("p1", "Fréchet Inception Distance (FID)", EntityKind.METRIC), m("p1", "FID score", EntityKind.METRIC),
                m("p1", "FID", EntityKind.METRIC),
                m("p1", "CLIP (Contrastive Language-Image Pre-training)"), m("p1", "CLIP score", EntityKind.METRIC)]
    groups = by_label(resolve(papers, mentions), mentions)
    assert ["FID", "FID score", "Fréchet Inception Distance (FID)"] in groups
    assert ["CLIP score"] in groups


def test_entities_made_half_in_a_forked_child_equal_those_made_in_one_process(demo_kg, monkeypatch):
    from kgraph.resolve import entities as module
    from kgraph.resolve.specificity import shipped_background
    from kgraph.resolve.vocabularies import shipped_known_kinds, shipped_vocabulary

    data = demo_kg.data

    def resolved():
        return module.resolve(data.papers, data.mentions, shipped_vocabulary(), known=shipped_known_kinds(),
                              background=shipped_background())

    monkeypatch.setattr(module, "PARALLEL_MIN_KEYS", 10**9)
    monkeypatch.setattr(module, "PARALLEL_MIN_MENTIONS", 10**9)
    alone = resolved()
    monkeypatch.setattr(module, "PARALLEL_MIN_KEYS", 0)
    monkeypatch.setattr(module, "PARALLEL_MIN_MENTIONS", 0)
    calls = []
    monkeypatch.setattr(module, "map_in_halves",
                        lambda *a, **k: calls.append((len(a[1]), k.get("min_items"))) or map_in_halves(*a, **k))
    halves = resolved()
    # the mentions' keys read in two halves, then the entities made in two (and sent back packed)
    assert calls == [(2, None), (len(alone.entities), 0)] and len(alone.entities) > 50
    assert halves == alone
    # a paper's own definition of an acronym and the corpus's sense, read in either half
    papers = [Paper("a", "T", "Conditional random fields (CRF) tag."), Paper("b", "T", "The CRF tags."),
              Paper("c", "T", "Cyclic redundancy frames (CRF) check.")]
    mentions = [m("a", "Conditional random fields (CRF)"), m("a", "CRF"), m("b", "CRF"), m("c", "CRF"), m("c", "CRF"),
                m("b", "CRF model")]
    monkeypatch.setattr(module, "PARALLEL_MIN_MENTIONS", 10**9)
    one = module.resolve(papers, mentions)
    monkeypatch.setattr(module, "PARALLEL_MIN_MENTIONS", 0)
    assert module.resolve(papers, mentions) == one
    assert one.mention_entity[0] == one.mention_entity[1] != one.mention_entity[3]


def test_acronyms_worked_out_elsewhere_give_the_same_resolution(demo_kg):
    from kgraph.resolve.entities import corpus_acronym_tables

    data = demo_kg.data
    acronyms = corpus_acronym_tables(data.papers)
    assert acronyms.unique and acronyms.local
    assert resolve(data.papers, data.mentions, acronyms=acronyms) == resolve(data.papers, data.mentions)
    # they are what resolution reads: tables without a sense leave the acronym unexpanded
    empty = type(acronyms)({}, {}, {}, {})
    assert resolve(data.papers, data.mentions, acronyms=empty) != resolve(data.papers, data.mentions)


def test_a_thesaurus_reads_the_mentions_in_one_process(monkeypatch):
    from kgraph.resolve import entities as module
    from kgraph.resolve.thesaurus import Thesaurus

    papers = [Paper("a", "T", "x"), Paper("b", "T", "y")]
    mentions = [m("a", "graph nets"), m("b", "graph networks")]
    thesaurus = Thesaurus(replacements={"graph net": "graph network"})
    calls = []
    monkeypatch.setattr(module, "PARALLEL_MIN_MENTIONS", 0)
    monkeypatch.setattr(module, "map_in_halves", lambda *a, **k: calls.append(len(a[1])) or map_in_halves(*a, **k))
    resolution = module.resolve(papers, mentions, thesaurus=thesaurus)
    assert calls[0] == 1
    assert resolution.mention_entity[0] == resolution.mention_entity[1]


def test_no_label_is_a_form_cut_inside_a_bracket():
    papers = [Paper("p1", "T", "Control signals steer it."), Paper("p2", "T", "Control signals help."),
              Paper("p3", "T", "It uses control signals(e.g. edges) and DeepSeek-V3 (DeepSeek V3(R1) model).")]
    mentions = [m("p1", "control signals"), m("p2", "control signals"), m("p3", "control signals(e.g"),
                m("p3", "DeepSeek-V3 (DeepSeek V3(R1)")]
    res = resolve(papers, mentions)
    labels = [e.label for e in res.entities]
    assert sorted(labels) == ["DeepSeek-V3", "control signals"]  # the cut form is the same name
    assert len(set(res.mention_entity[:3])) == 1


def test_a_known_task_that_reads_as_one_is_a_task_whatever_the_vote():
    papers = [Paper("p1", "T", "We apply sentiment analysis. Sentiment analysis helps."),
              Paper("p2", "T", "Sentiment analysis of reviews; retrieval-augmented generation answers.")]
    mentions = [m("p1", "sentiment analysis"), m("p1", "Sentiment analysis"),
                m("p2", "Sentiment analysis", EntityKind.TASK), m("p2", "retrieval-augmented generation")]
    known = {"sentiment analysis": EntityKind.TASK, "retrieval augmented generation": EntityKind.TASK}
    kinds = {e.key: e.kind for e in resolve(papers, mentions, known=known).entities}
    assert kinds["sentiment analysis"] is EntityKind.TASK
    assert kinds["retrieval augmented generation"] is EntityKind.METHOD  # on the task lists, but a method


def test_a_task_said_with_task_or_problem_after_it_is_that_task():
    papers = [Paper("p1", "T", "Dense prediction tasks and dense prediction. An optimization problem."),
              Paper("p2", "T", "On dense prediction tasks, and optimization.")]
    mentions = [m("p1", "Dense prediction tasks", EntityKind.TASK), m("p1", "dense prediction", EntityKind.TASK),
                m("p2", "dense prediction tasks", EntityKind.TASK),
                m("p1", "optimization problem", EntityKind.TASK), m("p2", "optimization", EntityKind.METHOD)]
    res = resolve(papers, mentions)
    groups = by_label(res, mentions)
    assert ["Dense prediction tasks", "dense prediction", "dense prediction tasks"] in groups
    # the bare name labels it though "… tasks" is written more often
    assert {e.label for e in res.entities if e.kind is EntityKind.TASK} >= {"dense prediction"}
    # a method's name with "problem" after it is the task of that name, not the method
    assert ["optimization problem"] in groups and ["optimization"] in groups


def test_a_title_s_capitals_do_not_label_a_name_the_corpus_also_writes_in_lower_case():
    papers = [Paper("p1", "State Space Model Survey", "A state space model. Natural Questions and World Bank data."),
              Paper("p2", "State Space Model Scaling", "Natural Questions (NQ)."),
              Paper("p3", "DeepSeek-R1 Reasoning", "We distil deepseek-R1.")]
    mentions = [m("p1", "State Space Model"), m("p2", "State Space Model"), m("p1", "state space model"),
                m("p1", "Natural Questions", EntityKind.DATASET), m("p2", "Natural Questions", EntityKind.DATASET),
                m("p2", "natural questions", EntityKind.DATASET),
                m("p1", "World Bank", EntityKind.CONCEPT), m("p1", "World Bank", EntityKind.CONCEPT),
                m("p1", "world bank", EntityKind.CONCEPT),
                m("p3", "DeepSeek-R1"), m("p3", "DeepSeek-R1"), m("p3", "deepseek-R1")]
    labels = {e.key.casefold(): e.label for e in resolve(papers, mentions).entities}
    assert labels["state space model"] == "state space model"
    # a dataset's, an institution's and a name's capitals are theirs
    assert labels["natural question"] == "Natural Questions" and labels["world bank"] == "World Bank"
    assert labels["deepseek r1"] == "DeepSeek-R1"


def test_a_metric_of_several_words_joins_itself_with_metric_after_it_but_one_word_does_not():
    papers = [Paper("p1", "T", "The average reward metric and average reward. The Dice score and dice.")]
    mentions = [m("p1", "average reward metric", EntityKind.METRIC), m("p1", "average reward", EntityKind.METRIC),
                m("p1", "Dice score", EntityKind.METRIC), m("p1", "dice", EntityKind.METRIC)]
    res = resolve(papers, mentions)
    groups = by_label(res, mentions)
    assert ["average reward", "average reward metric"] in groups
    assert "average reward" in {e.label for e in res.entities}  # the name, not the name and its head
    assert ["Dice score"] in groups and ["dice"] in groups


def test_a_name_with_an_inner_capital_in_the_plural_is_the_name_of_the_same_kind():
    mentions = [m("p1", "ControlNets"), m("p2", "ControlNet"), m("p2", "ControlNet"),
                m("p1", "CityScapes", EntityKind.DATASET), m("p2", "Cityscapes", EntityKind.DATASET),
                m("p3", "Cityscapes", EntityKind.DATASET),
                # another kind, or a size written after a version, stays apart
                m("p1", "FairFaces"), m("p2", "FairFace", EntityKind.DATASET), m("p3", "FairFace", EntityKind.DATASET),
                m("p1", "YOLOv11s"), m("p2", "YOLOv11")]
    res = resolve([Paper(p, "T", "x") for p in ("p1", "p2", "p3")], mentions)
    assert by_label(res, mentions) == [["CityScapes", "Cityscapes"], ["ControlNet", "ControlNets"], ["FairFace"],
                                       ["FairFaces"], ["YOLOv11"], ["YOLOv11s"]]
    assert {e.label for e in res.entities} >= {"Cityscapes", "ControlNet"}


def test_a_defined_acronym_with_a_version_after_it_stays_with_the_name_written_as_one_word():
    papers = [Paper("p1", "T", "We use Residual Networks (ResNet) and Generative Pre-trained Transformers (GPT)."),
              Paper("p2", "T", "x")]
    mentions = [m("p1", "Residual Networks"), m("p1", "ResNet"), m("p1", "ResNet-50"), m("p2", "ResNet50"),
                m("p2", "ResNet50"), m("p1", "GPT-4.1"), m("p2", "gpt-4.1"),
                m("p1", "ResNet-50 backbone"), m("p2", "ResNet50 backbone")]
    res = resolve(papers, mentions)
    assert by_label(res, mentions) == [["GPT-4.1", "gpt-4.1"], ["ResNet", "Residual Networks"],
                                       ["ResNet-50", "ResNet50"], ["ResNet-50 backbone", "ResNet50 backbone"]]


def test_a_known_dataset_name_the_corpus_uses_as_a_task_that_reads_as_one_is_a_task():
    # both names are on the Papers with Code dataset lists; a data set's name stays a Dataset
    mentions = [m("p1", "Text-to-SQL", EntityKind.TASK), m("p2", "Text-to-SQL", EntityKind.TASK),
                m("p3", "Text-to-SQL", EntityKind.DATASET),
                m("p1", "CIFAR-10", EntityKind.TASK), m("p2", "CIFAR-10", EntityKind.TASK)]
    known = {normalise_label(name): EntityKind.DATASET for name in ("Text-to-SQL", "CIFAR-10")}
    res = resolve([Paper(p, "T", "x") for p in ("p1", "p2", "p3")], mentions, known=known)
    assert {e.label: e.kind for e in res.entities} == {"Text-to-SQL": EntityKind.TASK, "CIFAR-10": EntityKind.DATASET}

import spacy

from kgraph.extract.gazetteer import GazetteerMatcher, shipped_gazetteer
from kgraph.model import EntityKind


def _kinds(surface):
    return {entry.kind for entry in shipped_gazetteer() if entry.surface == surface}


def test_names_papers_with_code_files_under_datasets_and_metrics_get_one_kind():
    # PwC lists PSNR among datasets too and MRPC among metrics too; the shipped gazetteer
    # said "PSNR" was a Dataset until scripts/build_gazetteer.py decided such names
    assert _kinds("PSNR") == {EntityKind.METRIC}
    assert _kinds("MRPC") == {EntityKind.DATASET}
    assert not _kinds("MCSI")  # undecided: neither


def test_each_case_sensitive_spelling_of_a_known_name_is_matched():
    nlp = spacy.blank("en")
    matcher = GazetteerMatcher(nlp, shipped_gazetteer())
    doc = matcher(nlp("It improves mIoU and mIOU, and lowers FLOPs on MRPC."))
    found = {(span.text, span.label_) for span in doc.spans["gazetteer"]}
    assert {("mIoU", "Metric"), ("mIOU", "Metric"), ("FLOPs", "Metric"), ("MRPC", "Dataset")} <= found


def test_a_plain_word_is_kept_only_when_it_names_a_metric_and_nothing_else():
    assert _kinds("Perplexity") == {EntityKind.METRIC}
    assert not _kinds("Complex") and not _kinds("cars")  # English words from the PwC lists

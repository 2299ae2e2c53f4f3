"""Result statements found in abstracts (kgraph.extract.results)."""

from __future__ import annotations

import re

import pytest

from kgraph.extract.results import ABSOLUTE, IMPROVEMENT, find_results
from kgraph.model import EntityKind, Field, Mention

KINDS = {"M": EntityKind.METHOD, "D": EntityKind.DATASET, "T": EntityKind.TASK, "X": EntityKind.METRIC}


def marked(text: str) -> tuple[str, list[Mention]]:
    """A text with ``[[kind|words]]`` marks -> the plain text and its mentions (one sentence per '. ')."""
    plain, mentions, spans = "", [], []
    pos = 0
    for match in re.finditer(r"\[\[(\w)\|(.+?)\]\]", text):
        plain += text[pos:match.start()]
        spans.append((len(plain), len(plain) + len(match.group(2)), KINDS[match.group(1)], match.group(2)))
        plain += match.group(2)
        pos = match.end()
    plain += text[pos:]
    bounds, start = [], 0
    for m in re.finditer(r"(?<=\.) (?=[A-Z])", plain):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(plain)))
    for s, e, kind, words in spans:
        index = next(i for i, (lo, hi) in enumerate(bounds) if lo <= s < hi)
        mentions.append(Mention("p", Field.ABSTRACT, s, e, words, kind, index, "test", 1.0, kind.value, bounds[index]))
    return plain, mentions


def rows(text: str) -> list[tuple[str, str, str, str, str]]:
    plain, mentions = marked(text)
    return [(r.value, r.kind, r.metric, r.dataset, r.method) for r in find_results(plain, mentions)]


def test_a_score_on_a_dataset_with_a_metric() -> None:
    assert rows("Our parser reaches 94.1 [[X|LAS]] on the [[D|Penn Treebank]].") == [
        ("94.1", ABSOLUTE, "LAS", "Penn Treebank", "ours")]


def test_a_gain_is_an_improvement_and_its_offsets_cover_the_value() -> None:
    plain, mentions = marked("It improves [[X|BLEU]] by +1.8 points on [[D|WMT16 En-Ro]].")
    (result,) = find_results(plain, mentions)
    assert (result.value, result.kind, result.metric, result.dataset) == ("+1.8", IMPROVEMENT, "BLEU", "WMT16 En-Ro")
    assert plain[result.start:result.end] == "+1.8"
    assert plain[slice(*result.sentence_span)] == plain


@pytest.mark.parametrize("text", [
    "We release 12,500 annotated dialogues collected in 2021.",
    "A 7B model trained with 10% of the labels matches a 70B one.",
    "The corpus covers 40 languages and 3 domains [12].",
    "Pairs were sampled at 512 x 512 resolution (p = 0.03) from ImageNet 100.",
    "Our method has three steps: (1) retrieval, (2) reranking and (3) reading.",
])
def test_sizes_years_shares_citations_and_enumerations_are_not_results(text: str) -> None:
    plain, mentions = marked(text.replace("ImageNet", "[[D|ImageNet]]"))
    assert find_results(plain, mentions) == []


def test_values_in_parallel_take_the_datasets_in_order() -> None:
    found = rows("[[M|FooNet]] scores 81.2 and 77.9 [[X|F1]] on [[D|CoNLL-2003]] and [[D|OntoNotes]] respectively.")
    assert [(v, d, m) for v, _, _, d, m in found] == [("81.2", "CoNLL-2003", "FooNet"), ("77.9", "OntoNotes", "FooNet")]


def test_values_listed_after_an_improvement_cue_are_all_improvements() -> None:
    found = rows("We obtain relative gains of 12.5%, 3.1% and 8% in [[X|accuracy]] over [[M|GPT-4o]].")
    assert [k for _, k, *_ in found] == [IMPROVEMENT] * 3


def test_the_papers_named_system_stands_for_ours() -> None:
    found = rows("We propose [[M|GraphWalker]], a retriever. Our retriever achieves 45.3% [[X|Recall@5]].")
    assert found == [("45.3%", ABSOLUTE, "Recall@5", "", "GraphWalker")]


def test_a_percentage_without_a_metric_needs_a_reporting_verb() -> None:
    assert rows("About 35% of the documents are short.") == []
    assert [v for v, *_ in rows("The method outperforms all baselines by 6.4%.")] == ["6.4%"]


def test_latex_percent_and_ranges_are_read_as_written() -> None:
    found = rows(r"It lowers the [[X|error rate]] by 18-25\% and reaches 84.5\% [[X|accuracy]].")
    assert [(v, k) for v, k, *_ in found] == [("18-25\\%", IMPROVEMENT), ("84.5\\%", ABSOLUTE)]

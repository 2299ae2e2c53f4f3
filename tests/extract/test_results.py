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


# ---- rules added against the second development set (benchmarks/results/gold_dev2.jsonl)

@pytest.mark.parametrize("text", [
    r"Samples are generated on [[D|ImageNet]] 256$\times$256 with the new sampler.",
    r"It converts a fraction of $\sim$ $10^{-5}-10^{-4}$ of the input power, a low [[X|error]].",
    r"The error is bounded for any constants $ε\in (0,1)$ and $δ\in (0,\infty)$.",
    "The output rose by 30% at 5·104 mA/cm2 of current.",
    "We compare against GPT-5.4, Claude Sonnet 4.6, Gemini 3.1 Pro and other baselines with higher accuracy.",
    "The mean score was 35.48 out of 100 on the scale.",
])
def test_notation_versions_and_scales_are_not_results(text: str) -> None:
    plain, mentions = marked(text)
    found = [r.value for r in find_results(plain, mentions)]
    assert not {"256", "256$\\times", "10", "-10", "0", "5", "104", "4.6", "3.1", "100"} & set(found)


def test_ranges_with_a_multiplier_and_hyphenated_points_are_one_value() -> None:
    found = rows("FooNet reduces evaluation costs by 5-30x and achieves a 1.5x-2.68x reduction in latency.")
    assert [v for v, *_ in found] == ["5-30x", "1.5x-2.68x"]
    found = rows("It achieves a 2.16-point improvement in translation quality over the baseline.")
    assert [(v, k, m) for v, k, m, *_ in found] == [("2.16", IMPROVEMENT, "translation quality")]


def test_percentage_points_are_always_a_difference() -> None:
    assert [(v, k) for v, k, *_ in rows("Under tight budgets the small model drops 36.2pp.")] == [
        ("36.2pp", IMPROVEMENT)]


def test_a_multiplier_is_always_a_ratio_never_a_score() -> None:
    # no cue word: "achieves 104.5x ..." is still a speed-up over something
    found = rows("CIMNAS achieves 104.5x higher energy efficiency and 4.8x throughput on ImageNet.")
    assert [(v, k) for v, k, *_ in found] == [("104.5x", IMPROVEMENT), ("4.8x", IMPROVEMENT)]


def test_an_article_is_no_metric_and_the_words_after_the_value_are_read_instead() -> None:
    found = rows("MAMAT achieves up to a 3% improvement in visual quality and a 15% boost in object detection.")
    assert [(v, m) for v, _, m, *_ in found] == [("3%", "visual quality"), ("15%", "object detection")]


def test_the_quantity_a_change_is_of_is_its_metric() -> None:
    assert [m for _, _, m, *_ in rows("SnapPix keeps the speed while reducing the energy by up to 15.4x.")] == [
        "energy"]
    assert [m for _, _, m, *_ in rows("It reduces total token usage and inference cost by up to 60%.")] == [
        "inference cost"]
    assert [m for _, _, m, *_ in rows("Our agent reaches the goal while using 62% fewer tokens.")] == ["tokens"]
    assert [m for _, _, m, *_ in rows("The design delivers a 128% performance improvement over fixed antennas.")] == [
        "performance"]
    found = rows("Experiments show gains of 23% on informativeness and 18% on factual correctness.")
    assert [m for _, _, m, *_ in found] == ["informativeness", "factual correctness"]


def test_a_gain_on_a_named_set_is_not_a_metric() -> None:
    found = rows("It outperforms the baseline, e.g. +9.97 on the GenAI-Bench Counting task.")
    assert [(v, m) for v, _, m, *_ in found] == [("+9.97", "")]


def test_a_metric_right_after_in_is_adjacent() -> None:
    found = rows(r"PACT achieves improvements of 20.72\% in [[X|IoU]] and 15.03\% in [[X|accuracy]].")
    assert [(v, m) for v, _, m, *_ in found] == [("20.72\\%", "IoU"), ("15.03\\%", "accuracy")]
    assert [m for _, _, m, *_ in rows("EvLIR reaches average scores of 25.63~dB PSNR on the test set.")] == ["PSNR"]
    assert [m for _, _, m, *_ in rows("The classifiers separate them well (F1>0.95).")] == ["F1"]


def test_a_name_in_brackets_labels_the_data_of_a_value() -> None:
    found = rows("Our method reaches image-level AUROC scores of 0.972 (MVTec AD) and 0.891 (Visa).")
    assert [(v, d) for v, _, _, d, _ in found] == [("0.972", "MVTec AD"), ("0.891", "Visa")]
    found = rows("PropRAG achieves Recall@5 results on PopQA (55.3%), 2Wiki (93.7%) and HotpotQA (97.0%).")
    assert [(v, d) for v, _, _, d, _ in found] == [("55.3%", "PopQA"), ("93.7%", "2Wiki"), ("97.0%", "HotpotQA")]


def test_a_compared_system_in_brackets_is_not_data() -> None:
    found = rows("It reaches 82.3% success, outperforming [[M|GPT-4o]] (+40.3%) and [[M|GRPO]] (+14.0%).")
    assert [d for _, _, _, d, _ in found] == ["", "", ""]


def test_a_metric_named_by_an_equation_but_not_a_statistic() -> None:
    found = rows("Candidates are more coherent (mean Purity@1 = 0.371 vs. 0.209, p < 0.001, d = 0.55).")
    assert [(v, m) for v, _, m, *_ in found] == [("0.371", "mean Purity@1"), ("0.209", "mean Purity@1")]


def test_a_trailing_acronym_and_a_zero_shot_setting_are_not_part_of_the_metric() -> None:
    found = rows("It achieves a [[X|mean Dice similarity coefficient (DSC)]] of 0.7 and zero-shot Recall@5 of 55.3%.")
    assert [m for _, _, m, *_ in found] == ["mean Dice similarity coefficient", "Recall@5"]


def test_integer_times_and_rates_are_measured_when_the_text_speaks_of_time() -> None:
    found = rows("Large models have longer response times (over 20 seconds), while ours processes 150 tubers per second.")
    assert [v for v, *_ in found] == ["20", "150"]
    assert rows("We train for 20 hours on 8 GPUs.") == []


def test_the_papers_system_is_not_its_dataset_unless_it_is_a_benchmark() -> None:
    found = rows("We introduce [[M|BEAT]], an attack. Across benchmarks and MLLMs, [[D|BEAT]] achieves 80% success.")
    assert [(d, m) for _, _, _, d, m in found] == [("", "BEAT")]


@pytest.mark.parametrize("text", [
    "Pigs were fed diets containing 0.19, 0.30, or 0.64% sulfur, which improved [[X|feed efficiency]].",
    "Odor rose for each 1.0 g of sulfur, lowering [[X|efficiency]].",
    "Scores were higher for patients with higher BMI (＞25) and higher [[X|accuracy]].",
    "Small models (<4B) reach lower [[X|accuracy]] than large ones.",
    "The mean ($x¯ = 25%$) is stable, outperforming the reference.",
    "It holds whenever $ε(n,q)>1$, with [[X|O(1)]] overhead.",
])
def test_doses_conditions_thresholds_and_variables_are_not_results(text: str) -> None:
    plain, mentions = marked(text)
    assert find_results(plain, mentions) == []


@pytest.mark.parametrize("text", [
    "The [[M|new test]] reaches a [[X|sensitivity]] of 0.87 (95% CI 0.82-0.91).",
    "It improves [[X|accuracy]] at the 95 % confidence level.",
    "Our [[M|detector]] improves the [[X|acquisition time]] with a window around the 208 keV photopeak.",
    "The [[M|process]] achieved the best [[X|yield]] with 60 mg/liter of dye and 5 mM salt.",
    "How much can our [[M|protocol]] improve the [[X|success rate]] by 20%?",
])
def test_confidence_levels_physical_quantities_and_questions_are_not_results(text: str) -> None:
    """Only the 0.87 of the first text is a result: the interval's level, quantities in units of
    the natural sciences and a question's numbers report nothing about how well a method does."""
    assert [r[0] for r in rows(text)] == (["0.87"] if "0.87" in text else [])


def test_a_unit_tagged_as_a_metric_is_not_the_metric() -> None:
    found = rows("The coating improves the light output by 30% at a current of 5 [[X|mA/cm2]].")
    assert [(v, m) for v, _, m, *_ in found] == [("30%", "light output")]


def test_latex_thousands_separator_is_one_number() -> None:
    assert [v for v, *_ in rows(r"It outperforms the baseline by over $10{,}000\times$.")] == [
        "10{,}000\\times$"]


def test_values_labelled_in_a_list_share_the_metric_that_heads_it() -> None:
    found = rows("It achieves [[X|Recall@5]] on PopQA (55.3%), 2Wiki (93.7%) and MuSiQue (77.3%), and top F1 of 52.4%.")
    assert [m for _, _, m, *_ in found] == ["Recall@5", "Recall@5", "Recall@5", "F1"]


def test_a_drop_reports_scores() -> None:
    found = rows("Under JSON output the model drops from 96.2% to 91.0%.")
    assert [(v, k) for v, k, *_ in found] == [("96.2%", ABSOLUTE), ("91.0%", ABSOLUTE)]


def test_a_setting_word_in_front_of_a_metric_mention_is_dropped() -> None:
    assert [m for _, _, m, *_ in rows("It reaches a [[X|zero-shot Recall@5]] of 55.3%.")] == ["Recall@5"]


def test_any_name_at_k_is_a_metric() -> None:
    found = rows("It gains 5.7% in Pass@1 and 13.9% in Pass@32 over the base model.")
    assert [(v, m) for v, _, m, *_ in found] == [("5.7%", "Pass@1"), ("13.9%", "Pass@32")]


def test_a_method_name_at_the_start_of_a_metric_mention_is_not_part_of_the_metric() -> None:
    plain = "It reaches a Qwen3 F-1 score of 38.56."  # overlapping mentions, so built by hand
    at, whole = plain.index("Qwen3"), (0, len(plain))
    mentions = [Mention("p", Field.ABSTRACT, at, at + 5, "Qwen3", EntityKind.METHOD, 0, "test", 1.0, "Method", whole),
                Mention("p", Field.ABSTRACT, at, at + 15, "Qwen3 F-1 score", EntityKind.METRIC, 0, "test", 1.0,
                        "Metric", whole)]
    assert [r.metric for r in find_results(plain, mentions)] == ["F-1 score"]


def test_a_metric_mention_that_runs_into_its_value_is_cut_before_it() -> None:
    assert [m for _, _, m, *_ in rows("The texts are told apart well ([[X|F1>0.95]]).")] == ["F1"]


def test_a_qualifier_alone_and_top_are_not_metric_names() -> None:
    found = rows("Report cards achieve [[X|mean]] improvements of up to 55% in prediction accuracy.")
    assert [m for _, _, m, *_ in found] == ["accuracy"]
    assert [m for _, _, m, *_ in rows("It reaches [[X|top F1 scores]] of 52.4% on MuSiQue.")] == ["F1 scores"]


def test_words_about_data_are_not_a_dataset() -> None:
    found = rows("[[D|Experimental results on datasets]] such as WMT24 show a 2.16-point gain in quality.")
    assert [d for _, _, _, d, _ in found] == [""]


@pytest.mark.parametrize("text", [
    "The total loss of 6.5% silicon content steel was compared to that of 3% SiFe steel with lower [[X|error]].",
    "Of the patients, 16% had stage II, 12% stage III and 72% stage IV disease, with high [[X|accuracy]].",
    "After treatment 9/26 pts and all 3 PCR+ pts improved, a higher [[X|response rate]].",
    "The frequency of hypothyroidism was 89%; subclinical hypothyroidism was 2.7% with a higher [[X|rate]].",
])
def test_make_ups_shares_of_people_and_descriptive_statistics_are_not_results(text: str) -> None:
    plain, mentions = marked(text)
    assert find_results(plain, mentions) == []


def test_a_named_score_in_a_descriptive_sentence_is_still_a_result() -> None:
    found = rows("Despite a prevalence of 10%, the test reaches a sensitivity of 0.87.")
    assert [(v, m) for v, _, m, *_ in found] == [("0.87", "sensitivity")]


def test_an_error_bar_a_range_and_a_version_inside_a_name_are_no_values() -> None:
    found = rows("Our model reaches a [[X|success rate]] of 0.992 ± 0.005 in the [[T|Habitat 2.0 simulation environment]].")
    assert [v for v, *_ in found] == ["0.992"]
    assert not {"60", "78"} & {v for v, *_ in rows("The [[X|median age]] was 66 (range 60–78).")}
    assert not {"-7", "10"} & {v for v, *_ in rows("The [[X|rate]] is dP/dt = -1.18 x 10(-7) per year.")}


def test_a_metric_elsewhere_in_the_clause_needs_a_verb_that_reports_a_score() -> None:
    assert rows("Pareto solutions show that the envelope [[X|U-value]] ranges from 1.05 to 1.57 W/m2K.") == []
    assert rows("The reported symptoms are [[X|nightmares]] and bullying (violence 10.6%, bullying 10.2%).") == []
    found = rows("Our method achieves a mean [[X|DSC]] ranging from 0.6 to 0.7 on the keypoints.")
    assert [(v, m) for v, _, m, *_ in found] == [("0.6", "mean DSC"), ("0.7", "mean DSC")]


def test_values_set_against_each_other_are_results() -> None:
    found = rows("The [[X|Purity@1]] is higher for our outputs, 0.371 vs. 0.209 for random controls.")
    assert [(v, m) for v, _, m, *_ in found] == [("0.371", "Purity@1"), ("0.209", "Purity@1")]
    assert rows("The [[X|Purity@1]] is higher for our outputs, 0.371 for them.") == []


def test_a_measured_time_without_a_metric_is_measured_in_time() -> None:
    found = rows("Users find paths faster with Quilts (46.6 secs) than with node-link diagrams (58.3 secs).")
    assert [(v, m) for v, _, m, *_ in found] == [("46.6", "time"), ("58.3", "time")]


def test_an_age_and_a_chain_of_inequalities_are_no_results() -> None:
    assert rows("Results: median age was 66 and the [[X|response rate]] was high.") == []
    assert rows("Samples with the [[X|resistivity ratio]] in the range of 102⩽ρr⩽103 reach a crossover.") == []


def test_a_share_of_labelled_data_is_a_setting_even_in_a_list() -> None:
    found = rows("It improves [[X|accuracy]] by 3% and 0.1% with 1% and 10% labeled data, respectively.")
    assert [v for v, *_ in found] == ["3%", "0.1%"]


def test_the_method_is_the_papers_system_where_the_sentence_names_it() -> None:
    text = ("We propose [[M|ClauseLens]], a [[M|multi-agent simulator]] for treaties. Calibrated to a "
            "[[M|treaty simulator]], ClauseLens reduces [[X|violations]] by 51% and reaches 88.2% [[X|accuracy]].")
    plain, mentions = marked(text)
    mentions = [m for m in mentions if m.start > 20 or m.text != "ClauseLens"]  # introduced only by the title
    found = find_results(plain, mentions, "p", "ClauseLens: Explainable Treaty Checks")
    assert [(r.value, r.method) for r in found] == [("51%", "ClauseLens"), ("88.2%", "ClauseLens")]


def test_a_method_written_like_a_name_is_the_subject_before_a_description() -> None:
    found = rows("Trained with [[M|deep optimization]], [[M|VLA-AN]] achieves 91.2 [[X|F1]] on [[D|SQuAD]].")
    assert [(v, method) for v, _, _, _, method in found] == [("91.2", "VLA-AN")]


def test_a_score_read_at_an_operating_point_is_a_setting() -> None:
    found = rows("At 97.5% [[X|sensitivity]], our model had the highest [[X|specificity]] of 19%.")
    assert [(v, m) for v, _, m, *_ in found] == [("19%", "specificity")]
    found = rows("It improves [[X|selective accuracy]] by 7.2 points across 75%, 50%, and 25% coverage.")
    assert [v for v, *_ in found] == ["7.2"]


def test_a_share_of_the_baselines_score_is_a_ratio_not_a_data_share() -> None:
    found = rows("ROAR achieves 87.5% of the baseline [[X|average precision]]; dropping images keeps 10% of the data.")
    assert [(v, k) for v, k, *_ in found] == [("87.5%", IMPROVEMENT)]


def test_a_power_of_ten_is_no_multiplier() -> None:
    # "2 × 106/kg" is 2·10^6 with the superscript lost: a threshold here, not "2x" faster
    assert rows("Poor mobilizers collected at most 2 × 106/kg cells, and our regimen achieves a yield.") == []
    assert rows("It runs 3x faster than the baseline.")[0][:2] == ("3x", IMPROVEMENT)


def test_two_values_compared_with_versus_are_both_scores() -> None:
    found = rows("The treatment achieved higher [[X|median peak values]] (7 versus 29).")
    assert [v for v, *_ in found] == ["7", "29"]


def test_a_unit_after_a_value_is_not_its_metric() -> None:
    found = rows("It reduces the [[X|inlet pressure error]] from 54 [[X|mmHg]] to 25 [[X|mmHg]].")
    assert {m for _, _, m, *_ in found} == {"inlet pressure error"}


def test_values_listed_respectively_measure_the_metrics_in_order() -> None:
    found = rows("It lowers [[X|H-Score]] and [[X|ECI]] by 0.072 and 0.078, respectively.")
    assert [(v, m) for v, _, m, *_ in found] == [("0.072", "H-Score"), ("0.078", "ECI")]


@pytest.mark.parametrize("text", [
    r"It outperforms the next-best dataset by \textbf{$\uparrow$ 17.85 absolute points} on [[D|AIME25]].",
    "It improves [[X|precision]] by at least a factor of 2.",
    "The model may save 37.6% [[X|training time]].",
    "SSL brought [[X|accuracy]] gains ranging from -1.4% to 2.9%.",
])
def test_words_that_make_a_value_a_gain(text: str) -> None:
    found = rows(text)
    assert found and {k for _, k, *_ in found} == {IMPROVEMENT}


def test_up_to_does_not_make_a_score_a_gain() -> None:
    assert rows("It achieves up to 78.9% [[X|accuracy]].")[0][:2] == ("78.9%", ABSOLUTE)
    assert rows("It improves [[X|accuracy]] by up to 4.3%.")[0][:2] == ("4.3%", IMPROVEMENT)


def test_a_latex_range_is_one_value_and_its_share_of_predictions_is_none() -> None:
    assert rows("Our score shows [[X|mean gains]] of 7.2--33.4%.")[0][0] == "7.2--33.4%"
    assert rows("[[X|Accuracy]] drops and 11.4%--25.2% of predictions flip.") == []


def test_a_score_under_a_bound_is_still_a_score() -> None:
    # "at 95% recall" is where a score was read; "under 50% precision" is the score itself
    found = rows("Even strong models reach under 50% [[X|precision]] and 65% [[X|recall]].")
    assert [(v, m) for v, _, m, *_ in found] == [("50%", "precision"), ("65%", "recall")]


def test_a_metric_that_is_a_change_makes_its_value_a_gain() -> None:
    found = rows("Our method achieves 77% [[X|length reduction]] and a [[X|reduction ratio]] of 65% on [[D|GSM8K]].")
    assert [(v, k) for v, k, *_ in found] == [("77%", IMPROVEMENT), ("65%", IMPROVEMENT)]


def test_latex_after_a_value_hides_no_gain() -> None:
    found = rows(r"It achieves $12$ percentage point improvements in [[X|accuracy]] on [[D|GSM8K]].")
    assert [(v, k) for v, k, *_ in found] == [("12", IMPROVEMENT)]


@pytest.mark.parametrize("text, expected", [
    (r"It shows gains like \texttt{+}3.5\% [[X|accuracy]] on [[D|ImageNet]].", ["3.5\\%"]),
    ("It achieves a 1.03% average [[X|accuracy]] improvement on [[D|ImageNet]].", ["1.03%"]),
    ("It improves [[X|detection accuracy]] by 59.6% on [[D|CIFAR-10]], 71.2% on [[D|ImageNet]], and 20.0% for "
     "text-to-image generation.", ["59.6%", "71.2%", "20.0%"]),
])
def test_gains_said_around_a_value_or_a_list(text: str, expected: list[str]) -> None:
    found = rows(text)
    assert [v for v, *_ in found] == expected and {k for _, k, *_ in found} == {IMPROVEMENT}


def test_values_listed_after_an_absolute_one_stay_absolute() -> None:
    found = rows("It reaches 92.3% [[X|accuracy]] on [[D|CIFAR-10]], 71.2% on [[D|ImageNet]] and 40.1% on [[D|COCO]].")
    assert {k for _, k, *_ in found} == {ABSOLUTE}


def test_labels_and_denominators_are_no_values() -> None:
    assert rows("Toxicity was mild, with grade 3–4 [[X|neutropenia]] in few courses.") == []
    assert rows("The average number of taxa reported [[X|per county]] is 27.") == []


def test_values_is_no_part_of_a_metrics_name() -> None:
    found = rows("It achieves [[X|F1-score values]] up to 1.00 on the test images.")
    assert [(v, m) for v, _, m, *_ in found] == [("1.00", "F1-score")]


def test_detection_metrics_without_a_mention_and_their_settings() -> None:
    found = rows("On our videos with 5-fold cross-validation, GSP reaches 41.2 AP and 72.9 NDS.")
    assert [(v, m) for v, _, m, *_ in found] == [("41.2", "AP"), ("72.9", "NDS")]
    assert [v for v, *_ in rows(r"GSP improves detection by $+33.5\%$ ($\text{AP}_{50}$).")] == ["+33.5\\%"]


def test_a_known_model_tagged_as_data_is_not_the_dataset() -> None:
    found = rows("With [[D|Claude-3.5-Sonnet]], [[X|accuracy]] drops by 5% on [[D|GSM8K]].")
    assert [(v, d) for v, _, _, d, _ in found] == [("5%", "GSM8K")]
    alone = rows("On [[D|Opus 4.7]] our agent reaches 91.0% [[X|accuracy]].")
    assert [d for _, _, _, d, _ in alone] == [""]


def test_a_known_model_opening_a_metric_mention_is_not_part_of_the_metric() -> None:
    assert [m for _, _, m, *_ in rows("It reaches a [[X|Qwen3 F-1 score]] of 38.56.")] == ["F-1 score"]
    assert [m for _, _, m, *_ in rows("It reaches a [[X|GPT-based quality score]] of 2.16.")] == [
        "GPT-based quality score"]


def test_a_year_of_an_era_and_a_storage_density_are_no_results() -> None:
    assert rows("The year is AD 255. The empire is stretched.") == []
    assert [v for v, *_ in rows("Probe memories store data at densities well in excess of 1 [[X|Tbit]]/sq.in.")] == []


def test_the_short_form_a_system_mention_takes_with_it_names_the_system() -> None:
    plain, mentions = marked("We propose [[M|Perception-Guided Self-Supervision (PGS)]], a training paradigm. "
                             "Our method achieves a [[X|Driving Score]] of 78.08 on [[D|Bench2Drive]].")
    assert [(r.value, r.method) for r in find_results(plain, mentions)] == [("78.08", "PGS")]


def test_a_benchmark_called_by_a_name_is_not_the_papers_system() -> None:
    plain, mentions = marked("We introduce a benchmark called Misaligned OOD ([[M|MOOD]]). "
                             "Using [[M|MOOD]], our combined monitor improves [[X|recall]] by 6%.")
    assert [(r.value, r.method) for r in find_results(plain, mentions)] == [("6%", "ours")]


def test_an_acronym_may_lead_the_quantity_a_value_makes_less() -> None:
    assert [(v, m) for v, _, m, *_ in rows("It requires 8x less GPU memory while matching [[X|PQ]].")] == [
        ("8x", "GPU memory")]


def test_the_value_a_change_starts_from_is_the_baselines() -> None:
    found = rows("Our training improves Qwen3-4B's [[X|Pass@1]] on [[D|SpreadsheetBench]] from 12.0% to 23.4%.")
    assert [(v, me) for v, *_, me in found] == [("12.0%", "Qwen3-4B"), ("23.4%", "ours")]
    plain = rows("Our tools raise [[X|accuracy]] from 26.7% to 43.3% on [[D|AIME]].")
    assert [(v, me) for v, *_, me in plain] == [("26.7%", "baseline"), ("43.3%", "ours")]
    ranging = rows("Our method yields [[X|accuracy]] gains ranging from 1.4% to 2.9%.")
    assert [me for *_, me in ranging] == ["ours", "ours"]


def test_a_value_set_against_ours_is_the_other_systems() -> None:
    found = rows("Our swarm reaches 85.90% [[X|accuracy]] on [[D|GPQA]] versus 68.69% for majority voting, and "
                 "a [[X|CMMD]] of 0.16 vs. 0.55.")
    assert [(v, me) for v, *_, me in found] == [("85.90%", "ours"), ("68.69%", "majority voting"), ("0.16", "ours"),
                                                ("0.55", "baseline")]
    one = rows("Big models absorb it ([[M|Sonnet]]: 88.7% [[X|accuracy]] with JSON vs. 89.3% with CoT).")
    assert [me for *_, me in one] == ["Sonnet", "Sonnet"]


def test_a_range_of_percentage_points_is_one_improvement_also_in_latex() -> None:
    for text in ("[[M|SPO]] achieves 6-12 percentage point improvements in [[X|accuracy]] over PPO.",
                 "[[M|SPO]] achieves $6$-$12$ percentage point improvements in [[X|accuracy]] over PPO."):
        assert [(v, k, x) for v, k, x, _d, _m in rows(text)] == [
            (text.split("achieves ")[1].split(" percentage")[0].strip("$"), IMPROVEMENT, "accuracy")]
    assert rows("It raises [[X|accuracy]] by 4.5 percentage points.")[0][:2] == ("4.5", IMPROVEMENT)


def test_scores_paired_by_slashes_take_the_metrics_paired_so() -> None:
    got = rows("Our system achieved average [[X|Top-1]]/[[X|NDCG]] scores of 0.35/0.73 for Subtask A.")
    assert [(v, m) for v, _k, m, _d, _w in got] == [("0.35", "average Top-1"), ("0.73", "NDCG scores")]


def test_the_next_value_of_a_list_is_a_value_too() -> None:
    got = rows("Logistic Regression and Linear SVM were lower, with maximum [[X|accuracies]] of 84.41% and 84.73%, "
               "respectively.")
    assert [v for v, *_ in got] == ["84.41%", "84.73%"]


def test_top_1_alone_names_the_metric_at_its_value() -> None:
    assert rows("A CLIP baseline reaches 26.7% [[X|Top-1]] on [[D|English dev]].")[0][2] == "Top-1"


def test_a_bold_latex_multiplier_is_a_speedup() -> None:
    got = rows(r"MotionCache achieves significant speedups of $\textbf{6.28}\times$ and $\textbf{1.64}\times$.")
    assert [(v, k, m) for v, k, m, _d, _w in got] == [
        ("6.28", IMPROVEMENT, "speedups"), ("1.64", IMPROVEMENT, "speedups")]


def test_a_benchmarks_named_subset_is_the_dataset_and_bracketed_parameters_are_settings() -> None:
    assert rows("Agentic Rubrics score 54.2% on [[D|SWE-Bench]] Verified.")[0][3] == "SWE-Bench Verified"
    assert rows("The robot balances with optimized PID parameters (Kp=0.10, Kd=0.005) and reaches 100% "
                "[[X|success rate]].") == [("100%", ABSOLUTE, "success rate", "", "")]


def test_a_hyphenated_roc_auc_is_a_metric_word() -> None:
    got = rows("Our method improves median normalized ROC-AUC from 0.10 to 0.12.")
    assert [(v, m) for v, _k, m, _d, _w in got] == [("0.10", "ROC-AUC"), ("0.12", "ROC-AUC")]


def test_a_range_of_percentage_points_written_pp_is_one_value_and_a_latex_share_of_data_is_none() -> None:
    assert [v for v, *_ in rows("On math, MAPPA achieves +5.0--17.5pp on [[D|AIME]].")] == ["+5.0--17.5pp"]
    assert rows(r"With $99.5\%$ of features missing, our model achieves [[X|accuracies]] of $80.06\%$.") == [
        (r"80.06\%", ABSOLUTE, "accuracies", "", "ours")]


def test_values_in_decibels_share_their_kind_and_nmse_is_a_metric_word() -> None:
    got = rows("It reduces NMSE by 7.19 dB, 4.08 dB, and 5.27 dB for reconstruction, respectively.")
    assert [(v, k, m) for v, k, m, _d, _w in got] == [
        ("7.19", IMPROVEMENT, "NMSE"), ("4.08", IMPROVEMENT, "NMSE"), ("5.27", IMPROVEMENT, "NMSE")]


def test_both_bounds_of_a_bracketed_interval_are_no_results_and_ci_is_no_metric() -> None:
    got = rows("The system achieves 94.4% retrieval on clean inputs (n=54, 95% [[X|CI]]: [84.9%, 98.1%]).")
    assert [(v, m) for v, _k, m, _d, _w in got] == [("94.4%", "")]


def test_the_data_named_right_after_a_value_is_what_it_was_measured_on() -> None:
    got = rows("[[M|StoMPP]] improves [[X|accuracy]] over a [[M|BinaryConnect-style STE baseline]], with gains that "
               "increase with depth (e.g., for [[M|ResNet-50 BNN]]: +18.0 on [[D|CIFAR-10]], +13.5 on [[D|CIFAR-100]], "
               "and +3.8 on [[D|ImageNet]]; for [[M|ResNet-18]]: +3.1, +4.7, and +1.3).")
    assert [(v, d) for v, _k, _m, d, _w in got][:3] == [("+18.0", "CIFAR-10"), ("+13.5", "CIFAR-100"), ("+3.8", "ImageNet")]


def test_a_percentage_before_f1_is_a_score_not_a_composition() -> None:
    assert rows("Our model achieves 69.8% [[X|F1]] on the [[D|CoAM dataset]].") == [
        ("69.8%", ABSOLUTE, "F1", "CoAM dataset", "ours")]


def test_a_verb_of_change_before_up_to_makes_an_improvement() -> None:
    got = rows("The approach yields early exits, improving the [[X|test accuracy]] up to 5.95% compared to dynamic "
               "solutions.")
    assert [(v, k) for v, k, *_ in got] == [("5.95%", IMPROVEMENT)]
    assert rows("It reaches an [[X|accuracy]] of up to 95%.")[0][1] == ABSOLUTE


def test_a_metric_word_in_brackets_after_a_value_is_its_metric_not_its_data() -> None:
    assert rows("We evaluate CLAS, achieving average improvements of 2.3% ([[X|Acc]].) on [[D|GLUE]].") == [
        ("2.3%", IMPROVEMENT, "Acc", "GLUE", "ours")]


def test_list_values_share_their_kind_past_a_dotted_name_and_scoring_reports_nothing() -> None:
    got = rows("It achieves relative improvements of 20.4% on [[M|LLaDA1.5-8B]] and 16.0% on [[M|LLaDA-8B-Instruct]].")
    assert [(v, k) for v, k, *_ in got] == [("20.4%", IMPROVEMENT), ("16.0%", IMPROVEMENT)]
    assert rows("The benchmark comprises 104 tasks covering 767 scoring [[X|points]].") == []
    assert [v for v, *_ in rows("Zero-shot deployment to unseen countries achieves AUCs up to 0.84.")] == ["0.84"]


def test_a_size_naming_a_part_and_a_ph_are_conditions_not_results() -> None:
    assert [v for v, *_ in rows("We developed a 0.2 µm-long recessed-gate FET, achieving an [[X|operation voltage]] "
                                "of 25 V.")] == ["25"]
    assert rows("The slurries reached a [[X|relative density]] stabilized at pH 10.50.") == []


def test_a_range_with_a_percent_at_both_ends_is_one_value() -> None:
    got = rows("Detectors can be improved by 5%-37.58% in [[X|F1-score]] and 3.77%-42.79% in [[X|AUC]].")
    assert [(v, k, m) for v, k, m, _d, _w in got] == [
        ("5%-37.58%", IMPROVEMENT, "F1-score"), ("3.77%-42.79%", IMPROVEMENT, "AUC")]


def test_values_each_followed_by_a_metric_word_share_their_kind() -> None:
    got = rows("RT-RAG outperforms state-of-the-art methods by 7.0% [[X|F1]] and 6.0% [[X|EM]].")
    assert [(v, k, m) for v, k, m, _d, _w in got] == [("7.0%", IMPROVEMENT, "F1"), ("6.0%", IMPROVEMENT, "EM")]

"""Result statements: the numbers an abstract reports for a method on a dataset with a metric.

"achieves 92.3 F1 on SQuAD" and "improves BLEU by 2.1 on WMT14 En-De" are results: a
value as written, the metric it is measured in, the dataset it is measured on, the
method it measures, and whether it is a score (``absolute``) or a gain or a reduction
(``improvement``). Dataset sizes, parameter counts, years, versions ("SQuAD 2.0") and
shares of the data used are not.

The finder is rules over the text and the mentions the extractor found in it: a number
is a result when its clause names a metric (a Metric mention or a metric word) or
reports a score with a reporting verb ("achieves", "outperforms … by"); the metric and
the dataset are the nearest such mentions in the clause (values listed in parallel,
"92.3 and 88.1 on X and Y", are paired in order); the method is a Method mention the
sentence makes its subject (one written like a name first), or the paper's own system
where the sentence names it or says "we"/"our" ("ours", or its name when the abstract
introduces one, "we propose FooNet", or else the title names one, "FooNet: fast parsing").
Where a value reports a change, the words around it name the metric ("reduces the energy
by 15.4x", "a 2x reduction in latency", "62% fewer tokens"); a name in brackets next to
a value labels its data ("0.972 (MVTec AD)"). Notation (resolutions, powers, intervals,
product versions), settings (doses, thresholds, shares of the data) and descriptive
statistics (a material's make-up, shares of people, prevalence) are not results.

:func:`find_results` is pure; ``kgraph build`` and ``kgraph annotate`` call it per
abstract with that abstract's mentions.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import EntityKind, Mention, Result
from ..text.labels import has_capital_or_digit, is_name_like
from .gazetteer import is_model_name

ABSOLUTE = "absolute"
IMPROVEMENT = "improvement"


#: A number as written: "92.3", "92.3%", "+2.1", "1,024", "3x", "3.5×", "0.91", ".85".
_NUMBER = re.compile(
    r"(?<![\w.\-–])(?P<sign>[+±−-])?(?P<num>\d{1,3}(?:(?:,|\{,\})\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<range>(?:\s?[x×X]|\s?\\?%)?\$?\s?(?:--|[-–])\s?\$?\d+(?:\.\d+)?(?=\$?\s?\\?%|\s?[x×X](?!\w)|\$?\s?percentage\s+points?\b|\s?pp\b))?"
    r"(?P<unit>\s?\\?%|\s?(?:x|×|X)(?![\w])(?!\s*\d)|\$?\\times\$?(?![\w{])(?!\$?\s*\d)|\s?\$?pp\b)?"
    r"(?![\w]|[.,]\d|-(?!(?:points?|fold)\b)[A-Za-z])"
)
# "$10{,}000$" is one number (LaTeX's thousands separator); "5-30x", "1.5x-2.68x" and "5%-37.58%" are one range
# value like "2–5%" (and the end of a range that is no value, "grade 3–4", is none); "256$\times$256"
# is a resolution, not "256×" (no unit when a digit follows); "2.16-point" and "2-fold" end before the
# hyphen; "$-5.3$pp" keeps its unit; "2 × 106/kg" (a power written without its superscript) and
# "3 × 3" are products, not multipliers.
#: Metric words found without a Metric mention (lower case; matched on word boundaries).
METRIC_WORDS = (
    "accuracy", "accuracies", "f1", "f1-score", "f-score", "f-measure", "precision", "recall", "bleu", "rouge",
    "rouge-l", "rouge-1", "rouge-2", "meteor", "cider", "spice", "auc", "auroc", "auprc", "roc", "map", "iou",
    "miou", "psnr", "ssim", "lpips", "fid", "error rate", "error", "errors", "word error rate", "wer", "cer",
    "perplexity", "success rate", "win rate", "pass@1", "exact match", "em", "top-1", "top-5", "mae", "mse", "rmse",
    "correlation", "ndcg", "mrr", "hit rate", "recall@1", "dice", "hausdorff", "sensitivity", "specificity",
    "speedup", "speed-up", "latency", "throughput", "fps", "score", "scores", "points", "point", "macro-f1",
    "micro-f1", "uas", "las", "spearman", "pearson", "kappa", "eer", "ade", "fde", "chrf", "comet", "ter",
    "ap", "ap50", "ap75", "nds", "hota", "mota", "idf1", "mpjpe", "epe", "pck", "fvd",
    "roc-auc", "auc-roc", "pr-auc", "speedups", "speed-ups", "nmse", "nrmse", "snr", "sdr", "si-sdr", "si-snr",
    "pesq", "stoi", "mape", "smape", "acc", "aucs",
)
_METRIC_WORD = re.compile(
    r"(?<![\w-])((?:" + "|".join(sorted((re.escape(w) for w in METRIC_WORDS), key=len, reverse=True))
    + r")(?:@\d+(?:\.\d+)?)?|[A-Za-z][A-Za-z0-9]*@\d+(?:\.\d+)?)(?![\w-])",
    # with its cut-off: "Recall@5", "nDCG@10"; any "name@k" is a metric: "Pass@32", "R1@0.7", "Hits@10"
    re.IGNORECASE)
#: Words after a number that make it a count or a size, not a score.
_COUNT_NOUNS = frozenset(
    "parameters params parameter images image samples sample examples example sentences sentence documents document "
    "papers paper abstracts languages language layers layer hours hour days day minutes minute seconds second years "
    "year months epochs epoch steps step gpus gpu users user participants participant subjects patients pairs tokens "
    "token words word classes class categories category datasets dataset tasks task benchmarks benchmark models model "
    "million billion thousand hundred k m b times articles questions question videos video frames frame clips hours "
    "people annotators queries query instances instance nodes node edges edge graphs scenes scene objects object "
    "species cases trials runs languages authors points-of-interest domains domain types speakers utterances dialogues "
    "programs problems problem attributes features feature dimensions dimensional bits bit gb mb tb kb "
    "hz khz mhz ghz cm mm km kg mb/s fps- d wk yr yrs mo pts".split()  # "for 31 d": days
)
#: What joins the items of a list: ", ", " and ", ", or ".
_AND = r"(?:,|,?\s*and|,?\s*or)"
#: A percentage as written: "92.3%", "47\%".
_PERCENT = r"[\d.]+\s*\\?%"
#: The rest of a range the share is the first bound of: "11.4%--25.2% of predictions", "8% to 29% of the cost".
_RANGE_REST = r"(?:(?:--|[-–]|to)\s*" + _PERCENT + r"\s*)?"
#: "10% of the training data", "60% of queries": a share of something, not a score.
_DATA_SHARE = re.compile(r"^\s*" + _RANGE_REST + r"(?:percent\s+)?of\s+(?:the\s+|all\s+|its\s+|their\s+)?[a-z]",
                         re.IGNORECASE)
#: Words before a value that make it a gain or a reduction.
_IMPROVEMENT_BEFORE = re.compile(
    r"(?:\bby|\bgains?\s+of|\bimprovements?\s+of|\bincreases?\s+of|\breductions?\s+of|"
    r"\bboosts?\s+of|\bmargin\s+of|\bdecreases?\s+of|\bdrops?\s+of|\bfactor\s+of|"
    r"\bsav(?:e|es|ed|ing)|\b(?:improv|reduc|increas|decreas|boost|lower|cut)\w*\s+(?:the\s+)?(?:[\w@\-]+\s+){0,3}up\s+to|"
    r"\b(?:gains?|improvements?|increases?|reductions?|boosts?|decreases?|drops?)\s+(?:ranging\s+from|between)|"
    r"\\uparrow|\\downarrow|[↑↓]|(?<![\w)\]])\+)\s*(?:about|around|approximately|nearly|over|more\s+than|at\s+least|an\s+average\s+of|"
    r"average|roughly|up\s+to|just|only|~)?\s*$", re.IGNORECASE)
# "up to" alone changes no kind ("accuracy of up to 95%"); "by up to 4.3%" is a gain by "by", and so is
# "improving the test accuracy up to 5.95%" by its verb.
# "a factor of 2" is a ratio; "save 37.6% training time" a reduction; "gains ranging from -1.4% to 2.9%"
# (but "drops from 96.2% to 91.0%" gives two scores).
#: A metric that is itself a change of something ("length reduction", "reduction ratio", "speedup").
_CHANGE_METRIC = re.compile(r"(?i)\b(?:reductions?|improvements?|gains?|speed-?ups?|savings?)\b")
#: LaTeX around a value ("by \textbf{$\uparrow$ 17.85"): left out when reading the words before it.
_LATEX_MARKUP = re.compile(r"\\(?:textbf|textit|texttt|emph|mathbf|mathrm|text)\{|[{}$]")
_IMPROVEMENT_AFTER = re.compile(
    r"^\s*(?:%|points?|pp|percentage\s+points?|absolute|relative)?\s*(?:[\w-]+\s+){0,2}"
    r"(?:improvements?|gains?|increases?|reductions?|higher|lower|better|fewer|less|more|boost|faster|smaller|"
    r"decrease|drop|speed-?ups?)\b", re.IGNORECASE)
#: Verbs that report a score: with one of them a percentage is a result even when no metric is named.
_REPORTING = re.compile(
    r"\b(?:achiev\w*|attain\w*|obtain\w*|reach\w*|scor(?!ing)\w*|yield\w*|record\w*|deliver\w*|outperform\w*|"
    r"surpass\w*|improv\w*|exceed\w*|boost\w*|reduc\w*|gain\w*|lift\w*|rais\w*|set\w*\s+(?:a\s+)?new|"
    r"state-of-the-art|sota|"
    r"top-\d|rank\w*|drop\w*)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|\bwhile\b|\bwhereas\b|, and (?:we|it|our|the)\b|\bbut\b", re.IGNORECASE)
_OWN = re.compile(r"\b(?:our|ours|we|proposed|this\s+(?:method|approach|model|framework|system|work|paper))\b",
                  re.IGNORECASE)
#: a verb that introduces something, in any form ("introducing" has no "introduce" in it)
_INTRODUCES = re.compile(r"\b(?:propos(?:e|es|ed|ing)|present(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|"
                         r"develop(?:s|ed|ing)?|design(?:s|ed|ing)?|call(?:s|ed)?|name[sd]?|"
                         r"dub(?:s|bed)?|term(?:s|ed)?)\b", re.IGNORECASE)
#: Words that give a name: "called X", "dubbed X".
_NAMING = r"(?:called|named|dubbed|termed)"
_CALLED = re.compile(r"(?:" + _NAMING + r"|namely)\s*,?\s*$", re.IGNORECASE)
#: Words for data a system is measured on.
_DATA_WORD = r"(?:benchmark|data\s?set|corpus|test\s?bed)"
#: a name that "we" present in apposition ("We present Fortytwo, a novel protocol") or that
#: "our" system is called by ("our LILogicNet model"), where no mention of the model holds it
_PRESENTED = re.compile(r"\b(?:[Ww]e|[Tt]his\s+(?:paper|work))\s+(?:propose|present|introduce)s?\s+"
                        r"(?P<name>[A-Z][\w.+\-]*[\w+])(?=\s*,\s*(?:a|an|the)\s)")
_OUR_NAMED = re.compile(r"\b[Oo]ur\s+(?P<name>[A-Za-z][\w.+\-]*[\w+])\s+(?:model|method|framework|approach|system|"
                        r"algorithm|network|architecture|pipeline|agent)\b")
#: a short form in brackets: "Object-level Self-DIStillation (ODIS)", after a name or closing its mention
_SHORT = r"\s*\((?P<short>[A-Z][\w\-]*[A-Z0-9][\w\-]*)\)"
_SHORT_FORM = re.compile(_SHORT)
_SHORT_FORM_AT_END = re.compile(_SHORT + r"\Z")
_YEAR = re.compile(r"(?:19[5-9]\d|20[0-4]\d)")


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    text: str


def _overlaps_any(span: _Span, others: Sequence[_Span]) -> bool:
    """Whether ``span`` shares a character with any of ``others``."""
    return any(o.start < span.end and span.start < o.end for o in others)


def _sentence_spans(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    """The abstract's sentences: those the mentions carry, else a split at sentence ends."""
    known = sorted({m.sentence_span for m in mentions if m.sentence_span})
    if known:
        return [s for s in known if s is not None]
    spans, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(])", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _clause(sentence: str, offset: int, at: int) -> tuple[int, int]:
    """The clause of ``sentence`` (starting at ``offset`` in the text) around position ``at``."""
    lo, hi = offset, offset + len(sentence)
    for match in _CLAUSE_BREAK.finditer(sentence):
        pos = offset + match.start()
        if pos < at:
            lo = offset + match.end()
        elif pos > at:
            hi = pos
            break
    return lo, hi


_COST_SHARE = re.compile(r"\s*" + _RANGE_REST + r"(?:percent\s+)?of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?"
                         r"(?:cost|costs|time|compute|computation|memory|flops|budget|energy|latency|runtime)\b",
                         re.IGNORECASE)
#: "87.5% of the baseline AP", "95% of the teacher's accuracy": a score as a share of a reference
#: system's, a ratio like "3x faster" (an improvement), not a share of the data.
_REFERENCE_SHARE = re.compile(r"\s*" + _RANGE_REST + r"(?:percent\s+)?of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?"
                              r"(?:baseline|original|teacher|oracle|upper[\s-]bound|uncompressed|full[\s-]precision|"
                              r"full[\s-]model|fully[\s-]supervised|dense\s+model)(?:'s|’s)?\b", re.IGNORECASE)
#: Words of a descriptive statistic: a value in such a sentence needs a named score ("sensitivity") to count.
_DESCRIPTIVE = re.compile(r"(?i)\b(?:prevalence|incidence|frequency\s+of|proportion\s+of|percentage\s+of|"
                          r"respondents|(?:median|mean|average)\s+age|distributions?\s+of)\b")
#: A value listed after a share of people: "16% had stage II, [12%] stage III".
_SHARE_LIST = re.compile(r"%\s+(?:of\s+them\s+)?(?:had|have|were|are|was|declared|reported|said|agreed)\b[^;.]{0,60}"
                         r"(?:,|\band)\s*\Z")
#: A share that is a material's make-up: an element or a compound ("SiFe", "TiO2"), or words of composition.
# (not a score named like a formula: "69.8% F1", "R2")
_COMPOSITION = re.compile(r"\s*(?:(?!(?:F1|F2|R1|R2|P1)\b)[A-Z][a-z]?(?:[A-Z][a-z]?|\d)+(?<=[a-z\d])\b(?!-)|"
                          r"(?:\w+\s+)?(?:content|doped|alloy|steel|solution|wt|w/w|v/v|mol|by\s+weight|dietary)\b)")
#: A share of the data given labels, or of the training data, perhaps the first of a list:
#: "1% and 10% labeled data", "5% labels", "10% training samples".
_LABELLED_SHARE = re.compile(r"(?i)\s*(?:" + _AND + r"\s*" + _PERCENT + r"\s*)*(?:of\s+(?:the\s+)?)?"
                             r"(?:(?:labell?ed|annotated|unlabell?ed|training|train)\s+(?:data|labels|samples|examples|"
                             r"images|instances|set)|labels)\b")
#: The point on a trade-off curve a score is read at: "at 95% recall", "at 97.5% and 95% thresholds".
_OPERATING_POINT = re.compile(r"(?i)(?:\s*" + _AND + r"\s*" + _PERCENT + r")*\s+(?:sensitivity|specificity|recall|"
                              r"precision|coverage|true\s+positive\s+rate|false\s+positive\s+rate|tpr|fpr|"
                              r"confidence|thresholds?)\b")
_AT_LIST = re.compile(r"(?i)\b(?:at|across)\s+(?:" + _PERCENT + r"\s*" + _AND + r"\s*)*\Z")
_SHARE_OF_PEOPLE = re.compile(r"\s*(?:of\s+them\s+)?(?:had|have|were|are|was|declared|reported|said|agreed)\b")


def _is_count_or_size(text: str, start: int, end: int, unit: str) -> bool:
    """Whether the number at ``text[start:end]`` counts or sizes something rather than scoring."""
    after = text[end:end + 40]
    if after.startswith("$"):
        after = after[1:]  # the end of LaTeX math: "$99.5\\%$ of features"
    before = text[max(0, start - 30):start]
    word_after = re.match(r"\s*([A-Za-z][\w\-/]*)", after)
    value = text[start:end]
    if not unit and after.startswith(")") and value.isdigit() and int(value) <= 20 and re.search(
            r"(?:^|[\s(;:,.])\Z", before or " "):
        return True  # an enumeration: "(1)", "2)"
    if _is_notation(before, after):
        return True
    if _is_version_after_name(before, after, value, unit):
        return True
    if _is_measured_time(text, start, end):
        return False  # "46.6 secs" faster, "over 20 seconds", "150 tubers per second": a measured time or rate
    if not unit and "." not in text[start:end]:
        # an integer and a plural noun is a count: "32 IDs", "11 tissue types", "700 to 1,000 IDs"
        counted = re.match(r"\s*(?:(?:to|-|–|/)\s*[\d,]+\s*)?([A-Za-z][\w\-]*)", after)  # "9/26 pts" too
        if counted and (counted.group(1).lower() in _COUNT_NOUNS or (
                counted.group(1).endswith("s") and not _METRIC_WORD.fullmatch(counted.group(1))
                and counted.group(1).lower() not in _STOP)):  # "(7 versus 29)" compares two values
            return True
    if unit == "%" and _DATA_SHARE.match(after) and not _COST_SHARE.match(after) and not _REFERENCE_SHARE.match(after):
        return True  # "10% of the training data": how much data, not how well ("8% of the cost" is a result)
    if unit == "%" and _OPERATING_POINT.match(after) and _AT_LIST.search(before):
        return True  # "specificity at 97.5% sensitivity", "across 75%, 50% and 25% coverage": where it was read
    if unit == "%" and _LABELLED_SHARE.match(after):
        return True  # "with 1% and 10% labeled data": how much of the data is labelled, a setting
    if unit == "%" and _SHARE_OF_PEOPLE.match(after):
        return True  # "16% had stage II": a share of people or things, not a score
    if unit == "%" and _SHARE_LIST.search(text[max(0, start - 90):start]):
        return True  # "16% had stage II, 12% stage III and 72% stage IV": the list goes on
    if unit == "%" and _COMPOSITION.match(after):
        return True  # "6.5% silicon content steel", "3% SiFe steel": what a material is made of
    following = _words_before_a_break(after, 3)
    if not unit and any(w.lower() in _COUNT_NOUNS for w in following):
        return True  # "47 well-chosen benchmarks", "227 different words"
    if not unit and "." not in value and any(
            w.endswith("s") and w.islower() and len(w) > 3 and not _METRIC_WORD.fullmatch(w) and w not in _STOP
            for w in following):
        return True  # an integer and a plural noun: "859 potato tubers"
    if re.search(r"\[[\d,\s–-]*\Z", before) and re.match(r"[\d,\s–-]*\]", after):
        return True  # a citation: "[23]", "[4, 7]"
    if not unit and word_after and re.fullmatch(r"[KMBT]", word_after.group(1)) and after[:1] == " ":
        return True
    if not unit and _YEAR.fullmatch(text[start:end]):
        return True
    if _CONFIDENCE.match(after):
        return True  # "95% CI", "at the 95% confidence level": how sure a statistic is, not a score
    if _AFTER_INTERVAL.search(before):
        return True  # "(95% CI 0.82–0.91)": the bounds of the interval
    if not unit and _QUANTITY_UNIT.match(after):
        return True  # "208 keV", "20 kpc", "60 mg/liter", "5 mM": a measured quantity or a setting
    if not unit and (re.search(r"\b(?:AD|BC|BCE|CE|A\.D\.|B\.C\.)\s*\Z", before)
                     or re.match(r"\s*(?:AD|BC|BCE|CE)\b", after)):
        return True  # a year of an era: "AD 255", "300 BC"
    if not unit and re.search(r"\b(?:at|@)\s*\Z", before) and _METRIC_WORD.search(before[-25:]):
        return True  # a cut-off: "recall at 10", "precision@5"
    if re.search(r"(?:(?:^|[^A-Za-z@_])[A-Za-zα-ωε][¯̄]?\$?\s*[=<>≤≥⩽⩾]|\)\$?\s*[<>≤≥⩽⩾]|\\alpha\$?\s*=|\^\{?|O\()"
                 r"\s*\Z", before):
        # a variable or a statistic: "p = 0.045", "$q=0$", "n = 120", "x¯ = 25%", "$ε(n,q)>1$"; an exponent; "O(n^2)"
        return True
    if not unit and "." not in value and re.search(r"(?<![\d.])\d+/\Z", before):
        return True  # a fraction of a count: "9/26 patients" (but "0.35/0.73" are two scores)
    if re.search(r"\bout\s+of\s*\Z", before):
        return True  # the top of a scale: "35.48 out of 100"
    if re.search(r"[(\[]\s*[<>≤≥＜＞]\s*\Z", before) or re.search(r"[＜＞]\s*\Z", before):
        return True  # a threshold in brackets: "higher BMI (＞25)", "(<4B)"
    if re.search(r"(?i)\b(?:hyper-?)?parameters?\s*(?:\(|:|of)[^()]*\Z", text[max(0, start - 60):start]):
        return True  # "optimized PID parameters (Kp=0.10, Kd=0.005)": a setting, not a score
    if _SETTING_CUE.search(before):
        return True  # a dose or a condition: "diets containing 0.19, 0.30 or 0.64% S", "for each 1.0 g"
    if not unit and re.fullmatch(r"\d{1,3}(?:,\d{3})+", value):
        return True  # "20,000 face videos": thousands are counted, not scored
    if re.search(r"(?:\b(?:top|Table|Fig\.?|Figure|Section|Eq\.?|version|v|p)\s*|[A-Za-z]-?|@)\Z", before):
        return True  # "top 5", "Table 2", "v1.5", "pass@1", "GPT-4"
    if not unit and re.match(r"\s?[nµμm]?m-(?:long|wide|thick|deep|high|tall|diameter)\b", after):
        return True  # a size that names a part: "a 0.2 µm-long gate", "a 6.3-mm-wide chip"
    if not unit and re.search(r"\bpH\s*(?:of\s+|=\s*)?\Z", before):
        return True  # a condition: "stabilized at pH 10.50"
    if not unit and re.search(r"(?i)\b(?:grade|stage|phase|type|class|level|tier|step|round|arm|cohort|group)\s+\Z",
                              before):
        return True  # a label: "grade 3", "phase 2", "stage 4"
    if not unit and re.match(r"-fold\s+cross", after, re.IGNORECASE):
        return True  # a setting: "5-fold cross-validation"
    return bool(re.match(r"\s*(?:×|x)\s*\d", after))  # a resolution "512 x 512"


#: The level of an interval or a test: "95% CI", "(95 % confidence interval", "at the 95% confidence level".
_CONFIDENCE = re.compile(r"\s*(?:CI|C\.I\.|(?:confidence|credible|prediction)\s+(?:intervals?|levels?|bounds?))\b",
                         re.IGNORECASE)
#: The bounds that follow an interval's name: "(95% CI 0.82–0.91)", "confidence interval of [",
#: and the second bound after the first: "95% CI: [84.9%, 98.1%]".
_AFTER_INTERVAL = re.compile(r"(?:\bCI|\bC\.I\.|(?i:confidence\s+intervals?))\s*(?:[:,=]|(?i:of|was|is|from))?"
                             r"\s*[\[(]?\s*(?:[\d.]+\s*\\?%?\s*(?:,|--|[-–]|to)\s*)?\Z")
#: Units of quantities measured in the natural sciences or set in an experiment (energy, astronomical
#: length, mass, amount of substance, concentration, pressure, land area): what such a number gives
#: is a finding or a condition, never how well a method does.
_QUANTITY_UNIT = re.compile(r"\s?(?:[kMG]?eV|[kM]?pc|[mµμn]?g/|[mµμ]g|kg|[mµμn]?mol|[mµμn]M|k?Da|bar|ha|hectares?|"
                            r"wt\s?%|vol\s?%)(?![\w])")


#: Words that set a condition for the values after them (a list of values may sit between).
_SETTING_CUE = re.compile(r"(?i)\b(?:containing|contained|supplemented\s+with|doses?\s+of|concentrations?\s+of|"
                          r"for\s+each|per)\s+(?:[\d.,]+\s*%?\s*(?:,|or|and|to)\s*)*\Z")


def _is_notation(before: str, after: str) -> bool:
    """Whether a number is part of a notation rather than a quantity.

    Parameters
    ----------
    before, after
        The text just before and just after the number (after includes any unit the
        number regex did not take).

    Returns
    -------
    bool
        True for a factor of a resolution ("256$\\times$256", "512 x 512"), the base of a
        power ("10^{-5}"), a bound of an interval ("$\\in (0,1)$") and a number glued to a
        middle dot ("5·104 mA/cm2", a power written without its superscript), the
        spread after "±", the bounds after "range", and a power in brackets ("10(-7)").

    >>> _is_notation("survival (0.992 ± ", ")"), _is_notation("66 (range ", "–78)"), _is_notation("x ", "(-7)")
    (True, True, True)
    """
    if re.match(r"\s*\$?\s*(?:×|x|\\times)\s*\$?\s*\d", after) and not re.match(
            r"\s*\$?\s*(?:×|\\times)\s*10(?:\^|\{|[−-]|\d\b)", after):
        # the first factor of "256$\times$256" (but "4.57\times10^6" is a number, and so is "1.1 × 106/kg",
        # a power of ten that lost its superscript)
        return True
    if re.search(r"\d\s*\$?\s*(?:×|\\times)\s*\$?\s*\Z", before):
        return True  # the second factor
    if re.match(r"\$?\^", after):
        return True  # the base of a power: "10^{-5}"
    if re.search(r"_\{?\s*\Z", before):
        return True  # a subscript: "$\text{AP}_{50}$"
    if re.search(r"(?:\\in|∈)\s*[(\[]\s*(?:[\d.]+\s*,\s*)?\Z", before):
        return True  # an interval a variable ranges over: "$ε\\in (0,1)$"
    if re.search(r"(?:±|\+/-|\\pm)\s*\$?\s*\Z", before):
        return True  # an error bar: "0.992 ± 0.005", "$88.7\\pm4.0$": the spread, not a second value
    if re.search(r"(?i)\brange\s*(?:of\s*|from\s*|:\s*)?(?:[\d.]+\s*(?:–|-|to)\s*)?\Z", before):
        return True  # the bounds of a range: "median age 66 (range 60–78)"
    if re.match(r"\(\s*[-+−]\d", after) or re.search(r"\b10\(\s*\Z", before):
        return True  # a power written with brackets: "10(-7)"
    return before.endswith("·") or after.startswith("·")


def _is_version_after_name(before: str, after: str, value: str, unit: str) -> bool:
    """Whether a small number is the version of a product name: "Claude Sonnet 4.6", "Gemini 3.1 Pro".

    A score written after a name ("BLEU 28.4") is told apart by the name being a metric
    word, and the version by its shape (one or two digits, at most one decimal) and by
    what follows it: a comma, a bracket, "and", or another capitalised word of the name.
    """
    name = re.search(r"\b([A-Z][a-z]{2,})\s\Z", before)
    return (not unit and name is not None and not _METRIC_WORD.fullmatch(name.group(1))
            and re.fullmatch(r"\d{1,2}(?:\.\d)?", value) is not None
            and re.match(r"(?:[,;)]|\s+(?:and\b|or\b|[A-Z]))", after) is not None)


#: Units of time: a number in one of them is a result when the text measures speed or time.
_TIME_UNITS = frozenset("ms s sec secs seconds second minutes minute min hours hour fps".split())
_TIME_CONTEXT = re.compile(r"(?i)\b(?:faster|slower|speed\w*|times?|latency|throughput|runtime|per\s+second|takes?|"
                           r"took|in\s+(?:under|less\s+than|only))\b")
#: A rate: "124 tokens per second", "150 tubers/s".
_RATE = re.compile(r"\s*(?:[A-Za-z][\w-]*\s+)?(?:per\s+sec(?:ond)?|/\s?s)\b")


def _is_measured_time(text: str, start: int, end: int) -> bool:
    """A number in a unit of time where the text speaks of speed or time ("46.6 secs", "6.3 ms"), or a rate.

    Checked before the count rules, so that "over 20 seconds" of response time and "150
    tubers per second" are measured, not counted; "trained for 20 hours" stays a setting
    unless the sentence is about time or speed.
    """
    if _RATE.match(text[end:end + 40]):
        return True
    following = _words_before_a_break(text[end:end + 40], 1)
    return bool(following) and following[0].lower() in _TIME_UNITS and bool(
        _TIME_CONTEXT.search(text[max(0, start - 120):end + 60]))


#: Metric mentions that are units, not metrics ("40.3 dB": the metric is PSNR).
_UNITS = frozenset("db ms s sec secs seconds % mb gb kb tb bit bits kbit mbit gbit tbit bps kbps mbps gbps".split())
#: Words that make part of a metric's name when written before it ("test accuracy", "top-1 accuracy").
_QUALIFIERS = frozenset(
    "test top-1 top-5 average mean overall macro micro weighted validation balanced exact relative strict "
    "final median".split())  # not "zero-shot": a setting of the run, not part of the metric's name


def _joined(text: str, spans: list[_Span]) -> list[_Span]:
    """Metric candidates with touching ones joined and a qualifier word in front taken in."""
    out: list[_Span] = []
    for span in spans:
        if out and out[-1].end <= span.start <= out[-1].end + 1 and text[out[-1].end:span.start].strip() == "":
            span = _Span(out[-1].start, max(span.end, out[-1].end), text[out[-1].start:max(span.end, out[-1].end)])
            out.pop()
        before = re.search(r"([\w-]+)\s$", text[max(0, span.start - 20):span.start])
        if before and before.group(1).lower() in _QUALIFIERS:
            start = span.start - len(before.group(0))
            span = _Span(start, span.end, text[start:span.end])
        head, _, rest = span.text.partition(" ")
        if rest and head.lower() in _UNITS:  # "dB average PSNR": the unit of the number before
            span = _Span(span.end - len(rest), span.end, rest)
        out.append(span)
    return out


_METRIC_AFTER_GAP = r"[\s~]*(?:\\?%|points?|pp|dB|\$)?[\s~]*(?:(?:in|on)\s+(?:terms\s+of\s+)?(?:the\s+)?)?"


def _adjacent_metric(text: str, metrics: Sequence[_Span], start: int, end: int) -> _Span | None:
    """The metric written right at a value: "92.3 F1", "F1 of 92.3", "F1: 92.3", "accuracy (92.3%)"."""
    for metric in metrics:
        # "25.63~dB PSNR" (a LaTeX space), "15.03\\% in accuracy", "2.1 points in terms of BLEU"
        if metric.start >= end and re.fullmatch(_METRIC_AFTER_GAP, text[end:metric.start]):
            return metric
    for metric in sorted(metrics, key=lambda m: -m.end):
        gap = text[metric.end:start] if metric.end <= start else None
        if gap is not None and re.fullmatch(
                r"\s*(?:score|scores)?\s*(?:of|:|=|[<>≤≥]|\(|is|was|by|reaches|to|at|from|improvements? of|gains? of|"
                r"of up to|by up to|up to|of about|of over|of nearly|by over|by about|by nearly|reaching|~|≈)?\s*\$?",
                gap):
            return metric
    return None


#: Verbs that change a quantity: "reduces the energy by 15.4x" names the metric between verb and value.
_CHANGE_VERB = (r"(?:reduc|improv|increas|decreas|lower|boost|cut|sav|rais|lift|enhanc|accelerat|shorten|halv|doubl)"
                r"\w*")
_CHANGE_NOUN = r"(?:reductions?|improvements?|increases?|decreases?|gains?|drops?|boosts?|savings?|speed-?ups?)"
_NP = r"[A-Za-z][\w@\-]*(?:\s+[A-Za-z][\w@\-]*){0,6}"
_VERB_NP_BY = re.compile(
    _CHANGE_VERB + r"\s+(?:the\s+|its\s+|their\s+|our\s+)?(?P<np>" + _NP + r")\s+(?:by\s+)?"
    r"(?:up\s+to\s+|about\s+|around\s+|approximately\s+|nearly\s+|over\s+|more\s+than\s+|at\s+least\s+|~\s*|"
    r"\$\\sim\$\s*)?\Z", re.IGNORECASE)
_NOUN_IN_NP = re.compile(
    r"[\s~]*(?:\\?%|x|×|-?points?|pp)?\s*(?:relative\s+|absolute\s+|average\s+)?" + _CHANGE_NOUN
    + r"\s+(?:in|of)\s+(?:the\s+|terms\s+of\s+)?(?P<np>" + _NP + ")", re.IGNORECASE)  # "on X": data
_LESS_NP = re.compile(r"[\s~]*(?:\\?%|x|×)?\s*(?:fewer|less)\s+"
                      r"(?P<np>(?:[a-z]|[A-Z]+\b)[\w-]*(?:\s+[a-z][\w-]*)?)")  # an acronym may lead: "GPU memory"
_NP_CHANGE = re.compile(r"[\s~]*(?:\\?%|x|×)?\s+(?P<np>[a-z][\w-]*)\s+" + _CHANGE_NOUN + r"\b")
_GAIN_ON_NP = re.compile(r"[\s~]*(?:\\?%|x|×|points?|pp)?\s+(?:in|on)\s+(?!(?:the|a|an)\b)"
                         r"(?P<np>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})")  # lower case: "on ImageNet" is data
#: A clause about a gain: the values listed in it ("gains of 23% on X and 18% on Y") are changes.
_GAIN_WORD = re.compile(r"(?i)\b(?:gains?|improv\w*|reduc\w*|increas\w*|boost\w*)\b")
#: Words that end a metric's name when read off the text, and names that are no metric.
_NP_END = frozenset(("by on in at of for with to from and or than compared while vs versus over across under without "
                     "when where which that as per").split())
_NOT_A_METRIC = frozenset(("it its them this that these those average all both each several datasets dataset "
                           "benchmarks benchmark tasks task models model baselines baseline methods method "
                           "up average a an the").split())


def _changed_quantity(text: str, c_lo: int, start: int, end: int, improvement: bool) -> _Span | None:
    """The quantity a gain or a reduction is of, read off the words around the value.

    Parameters
    ----------
    text
        The abstract.
    c_lo
        Where the value's clause starts.
    start, end
        The value's offsets.
    improvement
        Whether the value is a gain or a reduction (only then does "V on NP" name a metric).

    Returns
    -------
    _Span | None
        The metric as written: "reduces the *energy* by 15.4x", "a 1.5x *reduction in
        time-to-first-token*" (the words after "in"), "62% fewer *tokens*", "a 128%
        *performance* improvement", "gains of 23% on *informativeness*"; None when the words
        there are not a metric's name (a dataset, "average", a pronoun).
    """
    after = text[end:end + 80]
    found: tuple[int, str] | None = None
    verb = _VERB_NP_BY.search(text[c_lo:start])
    np_text = re.split(r",?\s+and\s+", verb.group("np"))[-1] if verb else ""  # "token usage and inference cost"
    if verb and np_text.split()[0].lower() not in ("a", "an", "the"):
        # (not "a 3% improvement in quality and *a* 15% boost in detection": a new phrase
        # starts there, and the words after the value name its quantity)
        found = (c_lo + verb.end("np") - len(np_text), np_text)
    for pattern in (_NOUN_IN_NP, _LESS_NP, _NP_CHANGE) + ((_GAIN_ON_NP,) if improvement else ()):
        if found:
            break
        match = pattern.match(after)
        if match:
            found = (end + match.start("np"), match.group("np"))
    if found is None:
        return None
    at, words = found
    kept: list[str] = []
    for word in words.split():
        if word.lower() in _NP_END:
            break
        kept.append(word)
    if not kept or kept[0].lower() in _NOT_A_METRIC or kept[-1].lower() in _NOT_A_METRIC or len(kept) > 4:
        return None
    name = text[at:at + len(" ".join(kept))] if text[at:].startswith(" ".join(kept)) else " ".join(kept)
    return _Span(at, at + len(name), name)


def _label_after(text: str, end: int, names: Sequence[_Span]) -> _Span | None:
    """The data set a value is labelled with in brackets after it: "0.972 (MVTec AD)", "+1.89% (SSA)".

    A capitalised name of at most three words, not one of ``names`` (metrics and methods:
    "92.3 (F1)", "41% (GPT-4)"), not a statistic ("(p < 0.01)", "(95% CI ...)").
    """
    match = re.match(r"\s*\(\s*(?P<name>[A-Z][\w.\-]*(?:\s[A-Z0-9][\w.\-]*){0,2})\s*\)", text[end:end + 40])
    if match is None or re.fullmatch(r"[A-Z]{1,2}|CI|SD|SE|OR|HR|IQR|N", match.group("name")):
        return None
    start = end + match.start("name")
    span = _Span(start, end + match.end("name"), match.group("name"))
    if _overlaps_any(span, names):
        return None
    return span


def _label_before(text: str, lo: int, start: int, names: Sequence[_Span]) -> _Span | None:
    """A name a value stands next to in brackets ("2Wiki (93.7%)"), for a list of such pairs.

    Only read when the sentence lists two or more "Name (value)" pairs, and never a metric
    or a method (``names``): "outperforming GPT-4o (+40.3%)" names a compared system.
    """
    match = re.search(r"(?<![\w-])(?P<name>[A-Z0-9][\w.\-]*[A-Za-z0-9])\s*\(\s*~?\Z", text[max(lo, start - 40):start])
    if match is None or not re.search(r"[A-Z]", match.group("name")):
        return None
    pairs = re.findall(r"[A-Z0-9][\w.\-]*[A-Za-z0-9]\s*\(\s*[+-]?\d", text[lo:start + 80])
    if len(pairs) < 2:
        return None
    begin = max(lo, start - 40) + match.start("name")
    span = _Span(begin, begin + len(match.group("name")), match.group("name"))
    if _overlaps_any(span, names):
        return None
    return span


#: "Purity@1 = 0.371", "nDCG@10 = 0.52": a metric named by an equation (not "p = 0.01", "d = 0.55").
_NAMED_BY_EQUALS = re.compile(r"(?<![\w@'’])(?P<name>[A-Za-z][\w@\-]*[A-Za-z0-9@])\s*=\s*\$?[+-]?\d")
#: Statistics of spread tagged as metrics: what an interval or a spread is, never what a value measures.
_INTERVAL_WORDS = frozenset("ci c.i. sd s.d. se sem iqr".split())
_STATISTICS = frozenset("ci sd se or hr rr iqr df std var mean median".split())


def _metrics_named_by_equals(text: str, lo: int, hi: int) -> list[_Span]:
    """Metric names written as the left side of "= value" in ``text[lo:hi]``, but not statistics."""
    out = []
    for match in _NAMED_BY_EQUALS.finditer(text, lo, hi):
        name = match.group("name")
        if name.lower() not in _STATISTICS and (re.search(r"[@\d]", name) or re.search(r"[A-Z]", name)):
            out.append(_Span(match.start("name"), match.end("name"), name))
    return out


#: "mean Dice similarity coefficient (DSC)": the acronym in brackets is not part of the name.
_TRAILING_ACRONYM = re.compile(r"\s*\([A-Za-z0-9@\-]{2,12}\)\Z")
def _cut_before(text: str, metric: _Span, start: int) -> _Span:
    """A metric mention that runs into the value it names, cut before it: "F1>0.95" -> "F1".

    Only across "=", ":" or a comparison; other mentions over the value stay out of reach.
    """
    if not metric.start < start < metric.end or not re.search(r"[=:<>≤≥]\s*\Z", text[metric.start:start]):
        return metric
    head = text[metric.start:start].rstrip(" =:<>≤≥")
    return _Span(metric.start, metric.start + len(head), head) if head else metric


def _without_a_method(metric: _Span, method_mentions: Sequence[Mention]) -> _Span:
    """A metric span without a method name it starts with: "Qwen3 F-1 score" -> "F-1 score".

    The extractor's Metric mention can swallow the system it scores; the system is the
    method, not part of the metric's name. A metric the method mention covers whole
    ("AUROC" tagged both ways) is kept as it is.

    >>> [_without_a_method(_Span(0, len(t), t), []).text for t in ("Qwen3 F-1 score", "GPT-4 score")]
    ['F-1 score', 'GPT-4 score']
    """
    for mention in method_mentions:
        if mention.start <= metric.start < mention.end < metric.end:
            bare = metric.text[mention.end - metric.start:].lstrip(" ")
            if bare:
                return _Span(metric.end - len(bare), metric.end, bare)
    # a known model no mention holds: "Qwen3 F-1 score" (but a judge's "GPT-4 score" keeps it)
    first, _, rest = metric.text.partition(" ")
    if (" " in rest or re.search(r"[A-Z\d]", rest)) and is_model_name(first) and not is_model_name(rest) and (
            not re.search(r"-(?:based|style|like|generated|assisted|driven|powered|judged)$", first)):  # "GPT-based"
        return _Span(metric.end - len(rest), metric.end, rest)
    return metric


#: "zero-shot Recall@5": how the model was run, not part of the metric's name; "top" (not "top-1").
_SETTING_PREFIX = re.compile(r"(?i)(?:(?:zero|one|few)-shot|top(?![\s-]*\d))\s+(?=\S)")  # "top F1 scores": the best
#: A physical unit the extractor tagged as a metric ("30% at 5 mA/cm2"): never the metric.
_PHYSICAL_UNIT = re.compile(r"(?:[cmkμµnMGT]?(?:A|W|V|Wh|J|Hz|Pa|eV|g|L|m|mol)|K|°C|[dh]|mmHg|ppm|ppb|rpm|bpm|k?cal|"
                            r"mAh|dBm)(?:/[\w·^-]+)*[\d-]*")


#: "the AMERI dataset", "on GenAI-Bench": data named in the text, whatever the extractor made of it.
_NAMED_DATA = re.compile(
    r"\b(?:the\s+)?(?P<a>[A-Z][\w.\-]*[A-Za-z0-9](?:\s[A-Z0-9][\w.\-]*)?)\s+(?:data\s?set|benchmark|corpus|test\s+set)s?\b"
    r"|\b(?:on|across)\s+(?:the\s+)?(?P<b>[A-Z][A-Za-z]*[A-Z0-9\-][\w.\-]*[A-Za-z0-9])")
#: "Experimental results on datasets": words about data, no name of one (the first word only capitalised).
_GENERIC_DATA = re.compile(r"[A-Z][a-z]+(?:\s+[a-z][\w-]*)*\s+(?:datasets?|benchmarks?|data|results|experiments|tasks)")
#: A model's size in a name ("Qwen2.5-7B"): a model, not a dataset.
_MODEL_SIZE = re.compile(r"\d(?:\.\d+)?[BM]\b|\bbaseline\b")


#: A benchmark's named subset after its name: "SWE-bench Verified", "GPQA Diamond".
_SUBSET = re.compile(r" (?:Verified|Lite|Pro|Diamond|Hard|Multilingual|Mini|Plus|Extended)\b")


def _dataset_candidates(text: str, lo: int, hi: int, dataset_spans: Sequence[_Span],
                        method_mentions: Sequence[Mention]) -> list[_Span]:
    """The datasets a sentence names: Dataset mentions and names the text calls data, without model names."""
    found = [d for d in dataset_spans if lo <= d.start < hi]
    for match in _NAMED_DATA.finditer(text, lo, hi):
        group = "a" if match.group("a") else "b"
        start, end = match.span(group)
        if not any(d.start <= start < d.end or start <= d.start < end for d in found):
            found.append(_Span(start, end, match.group(group)))
    # a benchmark's named subset is the data measured on
    found = [_Span(d.start, d.end + len(tail.group(0)), text[d.start:d.end + len(tail.group(0))])
             if (tail := _SUBSET.match(text, d.end)) else d for d in found]
    methods = [(m.start, m.end) for m in method_mentions]
    return sorted((d for d in found if not _MODEL_SIZE.search(d.text) and not _GENERIC_DATA.fullmatch(d.text)
                   and not _METRIC_WORD.fullmatch(d.text.rstrip("."))  # "(Acc.)" tagged as data names a metric
                   and not (" " not in d.text and d.text.islower())
                   and not any(s <= d.start and d.end <= e for s, e in methods if (s, e) != (d.start, d.end))),
                  key=lambda d: d.start)


def _introduced_as_data(text: str, span: _Span) -> bool:
    """Whether the text treats a Dataset mention as data measured on ("on SQuAD", "the X dataset")."""
    before = text[max(0, span.start - 30):span.start]
    return bool(_DATA_CUE.search(before)) or bool(re.search(r"(?i)(?:data ?set|benchmark|corpus|bench)s?$", span.text))


_DATA_CUE = re.compile(r"(?:\b(?:on|in|across|over|for|from|using|with|of|and|or)|,)\s+"
                       r"(?:the\s+|both\s+|all\s+|its\s+)?\Z", re.IGNORECASE)


def _labelling(text: str, spans: Sequence[_Span], start: int) -> _Span | None:
    """The name a value stands next to in brackets or after a colon: "RM-Bench (82.4%)", "GPT-4: 41%"."""
    for span in spans:
        if span.end <= start and re.fullmatch(r"\s*(?:\(|:|=)\s*~?", text[span.end:start]):
            return span
    return None


#: Between a value and the data it was measured on: "+13.5 on CIFAR-100", "92.3 F1 on SQuAD".
_ON_AFTER = re.compile(r"\s*(?:\\?%|pp|points?|x|×)?\s*(?:[A-Za-z][\w@\-]*\s+){0,2}?(?:on|in)\s+(?:the\s+)?")


def _measured_on(text: str, spans: Sequence[_Span], end: int, hi: int) -> _Span | None:
    """The data named right after a value with "on"/"in": "+18.0 on CIFAR-10, +13.5 on CIFAR-100"."""
    for span in spans:
        if end <= span.start <= hi and _ON_AFTER.fullmatch(text, end, span.start):
            return span
    return None


def _words_before_a_break(text: str, limit: int) -> list[str]:
    """Up to ``limit`` words at the start of ``text``, stopping at punctuation or a function word."""
    out: list[str] = []
    for word in re.findall(r"[^\s]+", text[:60]):
        bare = word.strip(",.;:()")
        if not bare or bare.lower() in _STOP or (word.startswith("(") and out):
            break
        out.append(bare)
        if len(out) == limit or word != bare:
            break
    return out


_STOP = frozenset("on in at of for with by to from and or than compared while vs vs. versus over across".split())


def _nearest(spans: Sequence[_Span], at: int, lo: int, hi: int, *, prefer_after: bool = False) -> _Span | None:
    """The span within [lo, hi) closest to ``at`` (ties: the one before, or after with ``prefer_after``)."""
    inside = [s for s in spans if s.start >= lo and s.end <= hi]
    if not inside:
        return None

    def distance(s: _Span) -> tuple[int, int]:
        d = at - s.end if s.end <= at else s.start - at
        side = 0 if (s.start >= at) == prefer_after else 1
        return (max(d, 0), side)

    return min(inside, key=distance)


def _own_system(text: str, mentions: Sequence[Mention]) -> _Span | None:
    """The method the abstract introduces as its own ("we propose FooNet"), when it names one.

    The short form the abstract gives it is its name from then on ("we introduce
    Object-level Self-DIStillation (ODIS)" -> ODIS).

    >>> from kgraph.model import Field
    >>> m = lambda t, s: Mention("p", Field.ABSTRACT, t.index(s), t.index(s) + len(s), s, EntityKind.METHOD, 0, "x")
    >>> t = "We address this by introducing Object-level Self-DIStillation (ODIS), a method."
    >>> _own_system(t, [m(t, "Object-level Self-DIStillation")]).text
    'ODIS'
    >>> _own_system("We present Fortytwo, a novel protocol. It wins.", []).text
    'Fortytwo'
    >>> _own_system("Our LILogicNet model reaches 98% accuracy.", []).text, _own_system("Our new model wins.", [])
    ('LILogicNet', None)
    """
    found = None
    for mention in mentions:
        # a name of its own is written like one ("FooNet", "GPT-Lite"), not "a novel framework"
        if mention.kind is not EntityKind.METHOD or not re.search(r"[A-Z]", mention.text) or len(mention.text) > 40:
            continue
        before = text[max(0, mention.start - 60):mention.start]
        if (_INTRODUCES.search(before) and re.search(r"\b(?:we|this paper|this work)\b", before, re.IGNORECASE)) or (
                _CALLED.search(before)):
            found = _Span(mention.start, mention.end, mention.text)
            break
    if found is None:
        presented = _PRESENTED.search(text)
        our = next((m for m in _OUR_NAMED.finditer(text) if is_name_like(m.group("name"))), None)
        first = min((m for m in (presented, our) if m is not None), key=lambda m: m.start(), default=None)
        if first is None:
            return None
        found = _Span(first.start("name"), first.end("name"), first.group("name"))
    short = _SHORT_FORM.match(text, found.end)
    if short is not None and short.group("short") != found.text:
        return _Span(short.start("short"), short.end("short"), short.group("short"))
    inside = _SHORT_FORM_AT_END.search(found.text)
    if inside is not None:  # the mention took the short form with it: "Perception-Guided Self-Supervision (PGS)"
        return _Span(found.start + inside.start("short"), found.start + inside.end("short"), inside.group("short"))
    return found


#: A title that names its system before a colon: "TDFormer: A Top-Down ...", "U-REPA: ...".
_TITLE_NAME = re.compile(r"\s*(?P<name>[A-Za-z0-9][\w.+\-]*[\w+])\s*:\s")


def _titled_system(title: str) -> str:
    """The system a title names before a colon, when that is written like a name ("" if not).

    >>> _titled_system("TDFormer: A Top-Down Attention-Controlled Spiking Transformer"), _titled_system("Inverse++: X")
    ('TDFormer', 'Inverse++')
    >>> _titled_system("Graph parsing: a survey"), _titled_system("Attention is all you need")
    ('', '')
    """
    match = _TITLE_NAME.match(title)
    if match is None:
        return ""
    name = match.group("name")
    return name if re.search(r"[A-Z0-9+]", name[1:]) else ""


def _method_of(text: str, lo: int, start: int, method_mentions: Sequence[Mention], own: _Span | None,
               titled: str) -> tuple[str, tuple[int, int] | None]:
    """The method a value measures, and its offsets where a mention says it.

    A method named right before the value ("GPT-4: 41%") wins; then the paper's own system
    (introduced in the abstract, or named by the title) where the sentence names it before
    the value, or says "our"/"we"; else the sentence's first method written like a name, else
    its first method at all.
    """
    subject = [m for m in method_mentions if lo <= m.start < start and m.end <= start]
    labelled = _labelling(text, [_Span(m.start, m.end, m.text) for m in method_mentions], start)
    if labelled is not None:
        found = next((m for m in reversed(subject) if m.start == labelled.start), None)
        return (found.text, (found.start, found.end)) if found is not None else ("", None)
    name = own.text if own is not None else titled
    if name:
        said = list(re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text[lo:start]))
        if said:
            return name, (lo + said[-1].start(), lo + said[-1].end())
    if _OWN.search(text[lo:start]) or (not subject and name):
        if own is not None:
            return own.text, (own.start, own.end)
        return name or "ours", None
    if not subject:
        return "", None
    first = next((m for m in subject if has_capital_or_digit(m.text)), subject[0])
    return first.text, (first.start, first.end)


_NAME_AND_HEAD = re.compile(r"(?P<name>[A-Za-z0-9][\w.+\-]*)\s+(?:method|framework|model|approach|system|algorithm|"
                            r"architecture|network|pipeline)s?")


def _bare_name(method: str) -> str:
    """A system's name without the word for what it is: "RRI method" -> "RRI", "MST framework" -> "MST".

    Only a name written as one (two capitals or a digit: "UTAL-GNN", "GPT-4"); "hybrid
    BERT-based model" and "POI recommendation framework" are descriptions and stay whole.

    >>> _bare_name("RRI method"), _bare_name("MST framework"), _bare_name("hybrid BERT-based model")
    ('RRI', 'MST', 'hybrid BERT-based model')
    """
    match = _NAME_AND_HEAD.fullmatch(method)
    if match is None or sum(map(str.isupper, match.group("name"))) + sum(map(str.isdigit, match.group("name"))) < 2:
        return method
    return match.group("name")


def find_results(text: str, mentions: Sequence[Mention], paper_id: str = "", title: str = "") -> list[Result]:
    """The result statements of one abstract.

    Parameters
    ----------
    text
        The abstract.
    mentions
        The mentions the extractor found in it (any paper field other than the
        abstract's is ignored by the caller; offsets point into ``text``).

    paper_id
        The paper the results are of.
    title
        The paper's title: a system it names before a colon ("FooNet: fast parsing") is
        the paper's own where the abstract introduces none.

    Examples
    --------
    >>> from kgraph.model import Field
    >>> t = "Our model achieves 92.3 F1 on SQuAD and improves BLEU by 2.1 points on WMT14."
    >>> ms = [Mention("p", Field.ABSTRACT, 24, 26, "F1", EntityKind.METRIC, 0, "x", 1.0, "Metric", (0, len(t))),
    ...       Mention("p", Field.ABSTRACT, 30, 35, "SQuAD", EntityKind.DATASET, 0, "x", 1.0, "Dataset", (0, len(t))),
    ...       Mention("p", Field.ABSTRACT, 49, 53, "BLEU", EntityKind.METRIC, 0, "x", 1.0, "Metric", (0, len(t))),
    ...       Mention("p", Field.ABSTRACT, 71, 76, "WMT14", EntityKind.DATASET, 0, "x", 1.0, "Dataset", (0, len(t)))]
    >>> [(r.value, r.kind, r.metric, r.dataset, r.method) for r in find_results(t, ms)]
    [('92.3', 'absolute', 'F1', 'SQuAD', 'ours'), ('2.1', 'improvement', 'BLEU', 'WMT14', 'ours')]
    >>> find_results("We train a 7B model on 1,200 images from 2019 with 10% of the data.", [])
    []
    """
    results: list[Result] = []
    # every mention but a metric is a name: a number inside it is no value ("Habitat 2.0 simulation environment")
    taken = [(m.start, m.end) for m in mentions if m.kind is not EntityKind.METRIC]
    metric_spans = [_Span(m.start, m.end, m.text) for m in mentions if m.kind is EntityKind.METRIC]
    # a known model tagged as data in one sentence ("Claude-3.5-Sonnet", "Opus 4.7") is what
    # is measured, never what it is measured on
    dataset_spans = [_Span(m.start, m.end, m.text) for m in mentions if m.kind is EntityKind.DATASET
                     and not is_model_name(m.text)]
    method_mentions = [m for m in mentions if m.kind is EntityKind.METHOD]
    own = _own_system(text, mentions)
    titled = _titled_system(title) if own is None else ""
    # the name of the paper's system, unless the abstract introduces a benchmark by it ("we introduce
    # DeepWideSearch, the first benchmark ..."): then it is measured on, not measured
    own_system = own.text if own is not None and not re.search(
        r"(?i)\b" + _DATA_WORD + r"\b", text[own.end:own.end + 60]) else None
    if own is not None and re.search(r"(?i)\b" + _DATA_WORD + r"\s+" + _NAMING + r"\s+(?:[\w\-]+\s+){0,6}\(?\Z",
                                     text[max(0, own.start - 100):own.start]):
        # "a benchmark called Misalignment Out Of Distribution (MOOD)": what is measured on, not measured
        own, own_system = None, None
    for lo, hi in _sentence_spans(text, mentions):
        sentence = text[lo:hi]
        if not _DIGIT.search(sentence):
            continue  # no number, no result (and most sentences: the metric-word scan below is the costly part)
        if sentence.rstrip(" :").endswith("?"):
            continue  # a question reports nothing: "how much can the acquisition time be reduced ...?"
        words = [_Span(lo + m.start(), lo + m.end(), m.group(0)) for m in _METRIC_WORD.finditer(sentence)]
        words = [w for w in words if not any(s.start <= w.start < s.end for s in metric_spans)]
        words += [w for w in _metrics_named_by_equals(text, lo, hi)
                  if not _overlaps_any(w, metric_spans + words)]
        metrics = _joined(text, sorted([m for m in metric_spans if lo <= m.start < hi and m.text.lower() not in _UNITS
                                        and m.text.lower() not in _INTERVAL_WORDS
                                        and not _PHYSICAL_UNIT.fullmatch(m.text)
                                        and not m.text.lower().startswith("per ")]  # "per county": a denominator
                                       + words, key=lambda s: s.start))
        found: list[tuple[int, int, str, str]] = []
        for match in _NUMBER.finditer(sentence):
            start, end = lo + match.start(), lo + match.end()
            unit = (match.group("unit") or "").replace("\\", "").replace("$", "").strip()
            unit = "x" if unit in ("times", "×", "X") else unit
            if not unit and re.match(r"-points?\b|\$?\s?percentage[\s-]+points?\b", text[end:end + 22]):
                unit = "pp"  # "a 2.16-point improvement": a difference of scores, like "2.16pp"
            elif not unit and re.match(r"\}\s*\$?\s*\\times(?![A-Za-z])", text[end:end + 12]):
                unit = "x"  # "$\\textbf{6.28}\\times$": a multiplier in bold
            if any(s <= start < e for s, e in taken) or (not unit and any(
                    e <= start and text[e:start].strip() == "" and start - e <= 1 for s, e in taken)):
                continue  # part of a name: "CIFAR-10", "SQuAD 2.0", "ImageNet 100"
            if _is_count_or_size(text, start, end, unit):
                continue
            c_lo, c_hi = _clause(sentence, lo, start)
            metric = _nearest(metrics, start, c_lo, c_hi)
            reporting = _REPORTING.search(text[c_lo:c_hi]) or _REPORTING.search(sentence)
            after = text[end:min(hi, end + 30)]
            signed = text[start] == "+" or (unit == "x" and _IMPROVEMENT_AFTER.match(after) is not None)
            timed = not unit and _is_measured_time(text, start, end)
            # the next of a list of values ("accuracies of 84.41% and 84.73%"): as the first was
            listed = bool(found) and found[-1][2] == unit and found[-1][1] >= c_lo and bool(
                _LIST_GLUE.fullmatch(text[found[-1][1]:start]))
            if not listed and (metric is None and not ((unit in ("%", "pp", "x") or signed) and reporting)
                               and not signed and not timed and unit != "pp"):
                continue  # percentage points always measure a difference of scores: "drops 36.2pp"
            if not listed and (not reporting and not signed and not timed and unit != "pp"
                    and not _COMPARED.search(text[c_lo:c_hi]) and not _said_at(text, metrics, c_lo, start, end)):
                continue  # a metric somewhere in the clause, no verb reporting a score: a finding, a setting
            if _DESCRIPTIVE.search(sentence):
                said = _adjacent_metric(text, [m for m in metrics if m.end <= start or m.start >= end], start, end)
                if said is None or not _METRIC_WORD.fullmatch(said.text):
                    continue  # "the frequency of hypothyroidism was 89%": how common, not how well
            found.append((start, end, unit, text[start:end]))
        if not found:
            continue
        datasets_in = [d for d in _dataset_candidates(text, lo, hi, dataset_spans, method_mentions)
                       if own_system is None or d.text != own_system]  # the paper's own system is not its data
        # "0.972 (MVTec AD)", "2Wiki (93.7%)": a name in brackets next to a value labels its data
        # (a Metric mention is data where the text calls it so, "ScreenSpot (93.1%)", unless it is a metric's word)
        not_data = words + [m for m in metric_spans if lo <= m.start < hi and _METRIC_WORD.fullmatch(m.text)] + [
            _Span(m.start, m.end, m.text) for m in method_mentions]
        labels = {start: _label_after(text, end, not_data) or _label_before(text, lo, start, not_data)
                  for start, end, _u, _v in found}
        datasets_in = datasets_in + [d for d in labels.values() if d is not None and d not in datasets_in]
        parallel = len(found) > 1 and len(found) == len(datasets_in)
        respective = _respective_metrics(text, found, metrics, lo)
        for index, (start, end, _unit, value) in enumerate(found):
            c_lo, c_hi = _clause(sentence, lo, start)
            before = _LATEX_MARKUP.sub("", text[max(lo, start - 50):start])
            after = text[end:min(hi, end + 40)]
            # a multiplier is a ratio to something else ("104.5x", "3x faster"): never a score
            improvement = (value.startswith("+") or bool(_IMPROVEMENT_BEFORE.search(before))
                           or bool(_IMPROVEMENT_AFTER.match(_LATEX_MARKUP.sub("", after))) or _unit in ("pp", "x")
                           or bool(_unit == "%" and _REFERENCE_SHARE.match(after)))
            # not the value itself, nor a name the text calls data ("ScreenSpot" tagged as a metric)
            trimmed = [_cut_before(text, m, start) for m in metrics]
            metrics_here = [m for m in trimmed if (m.end <= start or m.start >= end)
                            and not any(d.start <= m.start < d.end or m.start <= d.start < m.end for d in datasets_in)
                            and (m.text.lower() not in _QUALIFIERS or m.text.lower() in METRIC_WORDS)]
            # "mean" alone names no metric; "Top-1" alone does ("26.7% Top-1")
            in_gain = improvement or bool(_GAIN_WORD.search(text[c_lo:start]))
            if labels.get(start) is not None and re.search(r"\(\s*~?\Z", text[c_lo:start]):
                # "Recall@5 on PopQA (55.3%), 2Wiki (93.7%) ...": a list's values share the metric that heads it
                metrics_here = [m for m in metrics_here if m.end <= start] or metrics_here
            metric = (respective.get(start) or _adjacent_metric(text, metrics_here, start, end)
                      or _changed_quantity(text, c_lo, start, end, in_gain)
                      or _nearest(metrics_here, start, c_lo, c_hi))
            if metric is None:
                metric = _nearest(metrics_here, start, lo, hi)
            if metric is not None and metric.text.lower() in ("score", "scores", "points", "point"):
                metric = _nearest([m for m in metrics if m.text.lower() not in ("score", "scores", "points", "point")],
                                  start, lo, hi) or None
            if metric is None and not _unit and _is_measured_time(text, start, end) and not _RATE.match(after):
                metric = _Span(end, end, "time")  # "46.6 secs than with node-link (58.3 secs)": the time it took
            named = [d for d in datasets_in if _introduced_as_data(text, d)]
            dataset: _Span | None = labels.get(start)
            if dataset is None and parallel and len(named) == len(found):
                dataset = named[index]
            elif dataset is None:
                dataset = (_labelling(text, datasets_in, start) or _measured_on(text, datasets_in, end, c_hi)
                           or _nearest(named, start, c_lo, c_hi, prefer_after=True))
            method_text, method_span = _method_of(text, lo, start, method_mentions, own, titled)
            method_text = _bare_name(method_text)
            if _FROM_VALUE.search(text[c_lo:start]) and _TO_VALUE.match(text[end:end + 30]) and not _RANGING.search(
                    text[c_lo:start]):
                # "raises X's Pass@1 from 12.0% to 23.4%": the first value is where it started
                owner = _POSSESSOR.search(text[c_lo:start])
                method_text = owner.group("who") if owner else "baseline"
                method_span = (c_lo + owner.start("who"), c_lo + owner.end("who")) if owner else None
            elif _VERSUS_VALUE.search(text[max(c_lo, start - 25):start]) and not re.search(
                    r"\(\s*[A-Z][\w.\-]*:\s[^()]*\Z", text[c_lo:start]):
                # "CMMD 0.16 vs. 0.55", "85.90% versus 68.69% for majority voting": the other system's
                # (but "(Sonnet: 88.7% JSON vs. 89.3% CoT)" sets one system's two settings side by side)
                for_whom = _FOR_SYSTEM.match(text, end)
                method_text = for_whom.group("who") if for_whom else "baseline"
                method_span = (for_whom.start("who"), for_whom.end("who")) if for_whom else None
            if metric is not None:
                metric = _without_a_method(metric, method_mentions)
            if metric is not None and (_TRAILING_ACRONYM.search(metric.text) or _SETTING_PREFIX.match(metric.text)):
                bare = _TRAILING_ACRONYM.sub("", metric.text)
                cut = _SETTING_PREFIX.match(bare)
                skip = cut.end() if cut else 0
                metric = _Span(metric.start + skip, metric.start + len(bare), bare[skip:])
            if metric is not None and (tail := re.search(r"\s+values?\Z", metric.text)) and tail.start() > 0:
                # "F1-score values" names the metric F1-score
                metric = _Span(metric.start, metric.start + tail.start(), metric.text[:tail.start()])
            if metric is not None and _CHANGE_METRIC.search(metric.text):
                improvement = True  # "77% length reduction", "a reduction ratio of 65%": a change
            results.append(Result(
                paper_id=paper_id, value=value.strip(), start=start, end=end,
                kind=IMPROVEMENT if improvement else ABSOLUTE,
                metric=metric.text if metric else "", dataset=dataset.text if dataset else "",
                method=method_text, sentence_span=(lo, hi),
                metric_span=(metric.start, metric.end) if metric and metric in metric_spans else None,
                dataset_span=(dataset.start, dataset.end) if dataset else None, method_span=method_span,
            ))
    return _share_kind_in_lists(results, text)


#: "from 12.0% to 23.4%": the value after "from" is where a change started, the one after "to" its end.
_FROM_VALUE = re.compile(r"\bfrom\s*[~≈]?\s*\$?\Z", re.IGNORECASE)
_TO_VALUE = re.compile(r"\s*(?:\\?%|x|×)?\s*\$?\s*(?:to|->|→)\s*[~≈]?\s*\$?[+\-−]?\d", re.IGNORECASE)
#: A value set against another: "0.16 vs. 0.55", "versus 68.69%", "compared to 62.7%".
_VERSUS_VALUE = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:to|with))\s*(?:nearly\s+|only\s+)?[~≈]?\s*\$?\Z",
                           re.IGNORECASE)
#: Whose that other value is: "68.69% for majority voting" (a name or a few words before a break).
_FOR_SYSTEM = re.compile(r"\s*(?:\\?%|x|×)?\s*(?:for|by|of)\s+(?:the\s+)?(?P<who>[\w.\-]+(?:\s+[\w.\-]+){0,2}?)"
                         r"(?=\s*(?:[,;)]|\.(?:\s|$)|\s+(?:with|on|in|and|while)\b))")
#: "gains ranging from -1.4% to 2.9%", "varies from 3 to 9": both ends measure the same system.
_RANGING = re.compile(r"\b(?:rang\w*|var\w*|span\w*|between)\s+(?:\w+\s+){0,2}from\s*\Z", re.IGNORECASE)
#: The system whose score changed: "raises Qwen3-4B's Pass@1 from ..." (a name written as one).
_POSSESSOR = re.compile(r"(?P<who>[A-Z][\w.\-]*[A-Z0-9][\w.\-]*)['’]s\s+(?:[\w@\-]+\s+){0,6}"
                        r"(?:on\s+[\w\-]+\s+)?from\s*\Z")


def _respective_metrics(text: str, found: Sequence[tuple[int, int, str, str]], metrics: Sequence[_Span],
                        lo: int) -> dict[int, _Span]:
    """Values listed "respectively" after a list of as many metrics: the i-th value measures the i-th metric.

    >>> t = "It lowers H-Score and ECI by 0.072 and 0.078, respectively."
    >>> m = [_Span(10, 17, "H-Score"), _Span(22, 25, "ECI")]
    >>> {k: v.text for k, v in _respective_metrics(t, [(29, 34, "", "0.072"), (39, 44, "", "0.078")], m, 0).items()}
    {29: 'H-Score', 39: 'ECI'}
    >>> t = "It scores Top-1/NDCG of 0.35/0.73."
    >>> m = [_Span(10, 15, "Top-1"), _Span(16, 20, "NDCG")]
    >>> {k: v.text for k, v in _respective_metrics(t, [(24, 28, "", "0.35"), (29, 33, "", "0.73")], m, 0).items()}
    {24: 'Top-1', 29: 'NDCG'}
    """
    out: dict[int, _Span] = {}
    first = 0
    while first < len(found):
        last = first
        while last + 1 < len(found) and _LIST_GLUE.fullmatch(text[found[last][1]:found[last + 1][0]]):
            last += 1
        group = found[first:last + 1]
        first = last + 1
        # "Top-1/NDCG scores of 0.35/0.73": values paired by slashes with as many metrics paired so
        slashed = all(text[a[1]:b[0]] == "/" for a, b in itertools.pairwise(group))
        respectively = re.match(r"\s*,?\s*respectively\b", text[group[-1][1]:group[-1][1] + 20])
        if len(group) < 2 or not (slashed or respectively):
            continue
        before = [m for m in metrics if lo <= m.start and m.end <= group[0][0]]
        run = before[-1:]  # the last run of metrics written as a list before the values
        for metric in reversed(before[:-1]):
            if not _LIST_GLUE.fullmatch(text[metric.end:run[0].start]):
                break
            run.insert(0, metric)
        if slashed and not all(text[a.end:b.start] == "/" for a, b in itertools.pairwise(run)):
            continue
        if len(run) == len(group):
            out.update({value[0]: metric for value, metric in zip(group, run)})
    return out


#: Two values set against each other: "0.12% versus 6.20%", "0.371 vs. 0.209".
_COMPARED = re.compile(r"(?i)\b(?:vs\.?|versus|compared\s+(?:to|with))(?!\w)")


def _said_at(text: str, metrics: Sequence[_Span], c_lo: int, start: int, end: int) -> bool:
    """Whether a value names its metric where it stands: adjacent ("F1 of 92.3") or as the quantity it changes.

    Without a verb that reports a score, a metric elsewhere in the clause is not enough:
    "the U-value ranges from 1.05 to 1.57", "distributions of trauma types (violence 10.6%)".
    """
    around = [m for m in (_cut_before(text, m, start) for m in metrics) if m.end <= start or m.start >= end]
    if _adjacent_metric(text, around, start, end) is not None:
        return True
    gain = bool(_GAIN_WORD.search(text[c_lo:start]) or _IMPROVEMENT_BEFORE.search(text[max(c_lo, start - 40):start]))
    return _changed_quantity(text, c_lo, start, end, gain) is not None


_DIGIT = re.compile(r"\d")  # what every _NUMBER match holds
_LIST_GLUE = re.compile(r"\s*(?:" + _AND + r"|/)\s*", re.IGNORECASE)
#: The two bounds of a span of values share their kind too ("gains ranging from -1.4% to 2.9%"), and so
#: do values listed with what each was measured on ("by 59.6% on CIFAR-10, 71.2% on ImageNet, and 20.0% for ...").
# A unit or a metric's word may follow each value ("by 7.19 dB, 4.08 dB, and 5.27 dB", "by 7.0% F1 and 6.0%
# EM"), a name hold a dot ("on LLaDA1.5-8B").
_KIND_GLUE = re.compile(r"\s*(?:dB|ms|s|points?|" + _METRIC_WORD.pattern + r")?"
                        r"\s*(?:(?:on|for|in)\s+(?:[^,;.()]|\.(?=\w)){1,40}?)?\s*(?:" + _AND + r"|/|to)\s*",
                        re.IGNORECASE)


def _share_kind_in_lists(results: list[Result], text: str) -> list[Result]:
    """Values listed together share their kind: "improvements of 23.2%, 2.8% and 66.6%"."""
    groups: list[list[Result]] = []
    for result in results:
        if groups and _KIND_GLUE.fullmatch(text[groups[-1][-1].end:result.start]):
            groups[-1].append(result)
        else:
            groups.append([result])
    out: list[Result] = []
    for group in groups:
        kind = IMPROVEMENT if any(r.kind == IMPROVEMENT for r in group) else ABSOLUTE
        out.extend(r if r.kind == kind else replace(r, kind=kind) for r in group)
    return out

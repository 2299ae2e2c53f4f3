"""Score predicted result statements against the hand-annotated gold set.

    python benchmarks/result_statements.py --gold benchmarks/results/gold.jsonl \
        --pred PRED.jsonl [--json OUT.json] [--corpora DIR]
    python benchmarks/result_statements.py --self-check

Both files are JSONL, one line per abstract:
    {"source": "<path under the corpora dir>", "id": "<record id>",
     "results": [{"value", "start", "end", "metric", "dataset", "method", "kind"}, ...]}
Abstracts absent from PRED have no predictions; PRED lines for abstracts not in the gold
set are ignored (and counted). Offsets are [start, end) into the source record's abstract
string exactly as stored (arXiv `summary`, S2ORC `abstract`). The abstract texts are read
in place from ../shared/data/corpora (relative to the repo root) to check the gold
offsets; scoring itself needs only the offsets. Matching rules: GUIDELINE.md section 7.
Standard library only.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "data" / "corpora"
GOLD = REPO / "benchmarks" / "results" / "gold.jsonl"

ID_FIELDS = ("id", "paper_id")
TEXT_FIELDS = ("summary", "abstract")  # arXiv listing JSONL, S2ORC metadata JSONL

_TRAILING = {"dataset", "datasets", "benchmark", "benchmarks", "score", "scores",
             "metric", "metrics"}
_STOP = {"of", "to", "the", "and", "for", "in", "on", "with", "a", "an", "at", "by"}


# ---------------------------------------------------------------- names

def norm(name: str) -> str:
    """Normalised name: NFKC, casefold, -_/ and whitespace folded, outer punctuation
    stripped, a leading 'the' and a trailing dataset/benchmark/score/metric dropped."""
    s = unicodedata.normalize("NFKC", name or "").casefold()
    s = re.sub(r"[\-\u2010-\u2015_/]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" \t\n.,;:!?\"'()[]{}")
    words = s.split(" ") if s else []
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] in _TRAILING:
        words = words[:-1]
    return " ".join(words)


def _acronym_of(short: str, long: str) -> bool:
    """True when `short` (one token) is formed from the initial letters of `long`'s
    words, in order; function words may be skipped; digits of `short` must be in `long`."""
    short = re.sub(r"[^0-9a-z]", "", short)
    words = [w for w in re.split(r"[^0-9a-z]+", long) if w]
    if len(short) < 2 or len(words) < 2 or " " in short:
        return False
    letters = re.sub(r"[0-9]", "", short)
    if any(d not in long for d in re.findall(r"[0-9]", short)):
        return False
    words = [w for w in words if not w.isdigit()]

    def go(i: int, j: int) -> bool:  # i: index in letters, j: index in words
        if j == len(words):
            return i == len(letters)
        w = words[j]
        if i < len(letters) and w[0] == letters[i] and go(i + 1, j + 1):
            return True
        return w in _STOP and go(i, j + 1)

    return go(0, 0)


def names_match(pred: str, gold: str, alts: list[str] | None = None) -> bool:
    """Name match per GUIDELINE.md §7. Empty gold matches only an empty prediction
    (unless the gold lists "" or the prediction among its alternatives)."""
    p = norm(pred)
    for g in [gold] + list(alts or []):
        g = norm(g)
        if p == g:
            return True
        if p and g and (_acronym_of(p, g) or _acronym_of(g, p)):
            return True
    return False


# ---------------------------------------------------------------- io

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_texts(corpora: Path, wanted: set[tuple[str, str]],
               fields: tuple[str, ...] | None = None) -> dict[tuple[str, str], str]:
    """Abstract strings for (source, id) pairs, read in place from the corpora dir (or the
    first of ``fields`` a record has: ``("title",)`` for the titles)."""
    out: dict[tuple[str, str], str] = {}
    by_source: dict[str, set[str]] = defaultdict(set)
    for src, rid in wanted:
        by_source[src].add(rid)
    for src, ids in by_source.items():
        path = corpora / src
        if not path.exists():
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                rid = next((str(rec[f]) for f in ID_FIELDS if rec.get(f) is not None), None)
                if rid in ids:
                    text = next((rec[f] for f in fields or TEXT_FIELDS if rec.get(f)), None)
                    if text is not None:
                        out[(src, rid)] = text
    return out


def check_gold(gold: list[dict], texts: dict[tuple[str, str], str]) -> list[str]:
    """Problems with the gold file: bad offsets, unknown kinds, missing texts."""
    problems = []
    for g in gold:
        key = (g["source"], g["id"])
        text = texts.get(key)
        if text is None:
            problems.append(f"{key}: abstract not found")
            continue
        for r in g["results"]:
            if text[r["start"]:r["end"]] != r["value"]:
                problems.append(f"{key}: {r['value']!r} != text[{r['start']}:{r['end']}]"
                                f" = {text[r['start']:r['end']]!r}")
            if r["kind"] not in ("absolute", "improvement"):
                problems.append(f"{key}: kind {r['kind']!r}")
    return problems


# ---------------------------------------------------------------- scoring

def _span(r: dict) -> tuple[int, int] | None:
    try:
        s, e = int(r["start"]), int(r["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return (s, e) if e > s else None


def _tuple_ok(p: dict, g: dict) -> bool:
    alt = g.get("alt") or {}
    return (names_match(p.get("dataset") or "", g.get("dataset") or "", alt.get("dataset"))
            and names_match(p.get("metric") or "", g.get("metric") or "", alt.get("metric")))


def match_abstract(preds: list[dict], golds: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one matching of overlapping spans; greedy, preferring pairs whose dataset
    and metric also match, then larger overlap, then closer starts."""
    cands = []
    for i, p in enumerate(preds):
        ps = _span(p)
        if ps is None:
            continue
        for j, g in enumerate(golds):
            gs = (g["start"], g["end"])
            if ps[0] < gs[1] and gs[0] < ps[1]:
                overlap = min(ps[1], gs[1]) - max(ps[0], gs[0])
                cands.append((not _tuple_ok(p, g), -overlap, abs(ps[0] - gs[0]), i, j))
    cands.sort()
    used_p, used_g, pairs = set(), set(), []
    for *_, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((preds[i], golds[j]))
    return pairs


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold,
            "precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2)}


def score(gold: list[dict], pred: list[dict]) -> dict:
    pred_by = {}
    for rec in pred:
        pred_by.setdefault((rec.get("source"), str(rec.get("id"))), []).extend(rec.get("results") or [])
    gold_keys = {(g["source"], g["id"]) for g in gold}
    ignored = sorted(k for k in pred_by if k not in gold_keys)

    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    no_span = 0
    for g in gold:
        key = (g["source"], g["id"])
        preds = pred_by.get(key, [])
        no_span += sum(1 for p in preds if _span(p) is None)
        pairs = match_abstract(preds, g["results"])
        for bucket in ("all", g["source"]):
            t = totals[bucket]
            t["pred"] += len(preds)
            t["gold"] += len(g["results"])
            t["value_tp"] += len(pairs)
            t["tuple_tp"] += sum(1 for p, q in pairs if _tuple_ok(p, q))
            t["dataset_ok"] += sum(1 for p, q in pairs if names_match(
                p.get("dataset") or "", q["dataset"], (q.get("alt") or {}).get("dataset")))
            t["metric_ok"] += sum(1 for p, q in pairs if names_match(
                p.get("metric") or "", q["metric"], (q.get("alt") or {}).get("metric")))
            t["kind_ok"] += sum(1 for p, q in pairs if p.get("kind") == q["kind"])
            t["method_ok"] += sum(1 for p, q in pairs if names_match(
                p.get("method") or "", q["method"], (q.get("alt") or {}).get("method")))

    def block(t: dict) -> dict:
        m = t["value_tp"]
        rate = (lambda k: round(100 * t[k] / m, 2) if m else 0.0)
        return {"value": prf(t["value_tp"], t["pred"], t["gold"]),
                "tuple": prf(t["tuple_tp"], t["pred"], t["gold"]),
                "matched_values": m,
                "dataset_match_rate": rate("dataset_ok"),
                "metric_match_rate": rate("metric_ok"),
                "kind_accuracy": rate("kind_ok"),
                "method_match_rate": rate("method_ok")}

    out = {"abstracts": len(gold), **block(totals["all"]),
           "by_source": {k: block(v) for k, v in sorted(totals.items()) if k != "all"},
           "pred_without_span": no_span, "pred_abstracts_not_in_gold": len(ignored)}
    return out


def report(res: dict) -> str:
    lines = [f"abstracts: {res['abstracts']}",
             f"{'level':8} {'P':>7} {'R':>7} {'F1':>7}   tp/pred/gold"]
    for lvl in ("value", "tuple"):
        r = res[lvl]
        lines.append(f"{lvl:8} {r['precision']:7.2f} {r['recall']:7.2f} {r['f1']:7.2f}"
                     f"   {r['tp']}/{r['pred']}/{r['gold']}")
    lines.append(f"among {res['matched_values']} matched values: kind accuracy "
                 f"{res['kind_accuracy']:.2f}, method match {res['method_match_rate']:.2f}, "
                 f"dataset match {res['dataset_match_rate']:.2f}, metric match "
                 f"{res['metric_match_rate']:.2f}")
    for src, r in res["by_source"].items():
        lines.append(f"  {src}: value F1 {r['value']['f1']:.2f}  tuple F1 {r['tuple']['f1']:.2f}"
                     f"  ({r['value']['gold']} gold, {r['value']['pred']} pred)")
    if res["pred_without_span"]:
        lines.append(f"warning: {res['pred_without_span']} predictions without a valid span")
    if res["pred_abstracts_not_in_gold"]:
        lines.append(f"note: {res['pred_abstracts_not_in_gold']} predicted abstracts not in gold (ignored)")
    return "\n".join(lines)


# ---------------------------------------------------------------- self-check

def self_check(gold_path: Path, corpora: Path) -> int:
    failures = []

    def expect(cond: bool, what: str) -> None:
        if not cond:
            failures.append(what)

    expect(names_match("WER", "word error rate"), "acronym WER")
    expect(names_match("word error rate", "WER"), "acronym reversed")
    expect(names_match("PSNR", "peak signal-to-noise ratio"), "acronym with function word")
    expect(names_match("MSE", "mean square error"), "acronym MSE")
    expect(names_match("SQuAD dataset", "squad"), "trailing 'dataset'")
    expect(names_match("F1 score", "F1"), "trailing 'score'")
    expect(names_match("top 1 accuracy", "Top-1 accuracy"), "hyphen folding")
    expect(names_match("F1 score", "F1-measure", ["F1 score"]), "alternative")
    expect(not names_match("accuracy", ""), "empty gold vs non-empty pred")
    expect(not names_match("", "accuracy"), "empty pred vs non-empty gold")
    expect(names_match("", ""), "empty vs empty")
    expect(names_match("", "accuracy", [""]), "empty listed as alternative")
    expect(not names_match("BLEU", "ROUGE"), "different names")
    expect(not names_match("CIFAR-10", "CIFAR-100"), "different datasets")

    gold = read_jsonl(gold_path)
    texts = load_texts(corpora, {(g["source"], g["id"]) for g in gold})
    if texts:
        problems = check_gold(gold, texts)
        expect(not problems, "gold offsets: " + "; ".join(problems[:5]))
    else:
        print(f"note: corpora not found under {corpora}; gold offsets not checked")
    keys = [(g["source"], g["id"]) for g in gold]
    expect(len(keys) == len(set(keys)), "duplicate abstracts in gold")

    same = score(gold, gold)
    for lvl in ("value", "tuple"):
        expect(same[lvl]["f1"] == 100.0, f"gold vs gold {lvl} F1 = {same[lvl]['f1']}")
    expect(same["kind_accuracy"] == 100.0 and same["method_match_rate"] == 100.0,
           "gold vs gold kind/method")
    empty = score(gold, [])
    expect(empty["value"]["recall"] == 0.0 and empty["tuple"]["recall"] == 0.0,
           "empty predictions recall")
    # a shifted-but-overlapping span still matches at value level; a wrong kind counts
    probe = [{"source": g["source"], "id": g["id"],
              "results": [dict(r, start=r["start"] + 1, end=r["end"] + 1,
                               kind="improvement" if r["kind"] == "absolute" else "absolute",
                               metric="", dataset="")
                          for r in g["results"] if r["end"] - r["start"] > 1]} for g in gold]
    res = score(gold, probe)
    expect(res["value"]["precision"] == 100.0, "overlapping spans match")
    expect(res["kind_accuracy"] == 0.0, "kind flipped")
    expect(res["tuple"]["tp"] < res["value"]["tp"], "emptied names lower the tuple score")

    n = sum(len(g["results"]) for g in gold)
    if failures:
        print("SELF-CHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"self-check ok: {len(gold)} abstracts, {n} results; gold vs gold = 100, "
          f"empty predictions recall = 0")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--pred", type=Path)
    ap.add_argument("--json", type=Path, help="write the scores as JSON here")
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument("--self-check", action="store_true")
    args = ap.parse_args(argv)
    if args.self_check:
        return self_check(args.gold, args.corpora)
    if args.pred is None:
        ap.error("--pred is required (or use --self-check)")
    gold = read_jsonl(args.gold)
    texts = load_texts(args.corpora, {(g["source"], g["id"]) for g in gold})
    if texts:
        problems = check_gold(gold, texts)
        if problems:
            print(f"warning: {len(problems)} gold problems, e.g. {problems[0]}", file=sys.stderr)
    else:
        print(f"note: corpora not found under {args.corpora}; gold offsets not checked",
              file=sys.stderr)
    res = score(gold, read_jsonl(args.pred))
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Run kgraph's result-statement finder on the gold abstracts and score it.

    python benchmarks/predict_results.py [--tier accurate|fast|rules] [--split dev|test|all|dev2|dev3|dev4|dev5]
                                         [--pred OUT.jsonl] [--json SCORES.json] [--errors]

The abstracts are read in place from ../shared/data/corpora; each goes through the
pipeline ``kgraph build`` uses (model, gazetteer, acronyms, rules: the mentions), then
:func:`kgraph.extract.results.find_results`. Predictions are written in the scorer's
format (``benchmarks/result_statements.py``) and scored by it.

The set is split in two halves by a hash of the record id: ``dev`` (the finder's rules
were looked at and adjusted against its errors) and ``test`` (only ever scored). Report
``test``; ``all`` mixes both. ``dev2`` and ``dev3`` are later development sets
(``results/gold_dev2.jsonl``, 100 other abstracts, ``results/gold_dev3.jsonl``, 60 more, and
``results/gold_dev4.jsonl``, 40 more, and ``results/gold_dev5.jsonl``, 40 more,
annotated later, see results/README.md): each was scored once as held-out text before
any rule was tuned on it; tune against them and the ``dev`` half, never against ``test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import result_statements as scorer  # noqa: E402  (the scorer next to this file)

from kgraph.extract.pipeline import build_pipeline, doc_mentions  # noqa: E402
from kgraph.extract.results import find_results  # noqa: E402
from kgraph.model import Field  # noqa: E402

#: the later development sets, annotated after the first (results/README.md)
GOLD_LATER = {name: HERE / "results" / f"gold_{name}.jsonl" for name in ("dev2", "dev3", "dev4", "dev5")}


def split_of(record_id: str) -> str:
    """``dev`` or ``test``: a fixed half of the set by the record id's hash."""
    # salted: the selection drew records by their plain sha1, so its parity is not random here
    return "dev" if int(hashlib.sha1(f"split:{record_id}".encode()).hexdigest(), 16) % 2 == 0 else "test"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tier", default=None)
    ap.add_argument("--split", choices=("dev", "test", "all", "dev2", "dev3", "dev4", "dev5"), default="test")
    ap.add_argument("--pred", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--errors", action="store_true", help="print missed and spurious values (not for test)")
    args = ap.parse_args(argv)
    if args.split in GOLD_LATER:
        gold = scorer.read_jsonl(GOLD_LATER[args.split])
    else:
        gold = [g for g in scorer.read_jsonl(scorer.GOLD) if args.split == "all" or split_of(g["id"]) == args.split]
    texts = scorer.load_texts(scorer.CORPORA, {(g["source"], g["id"]) for g in gold})
    titles = scorer.load_texts(scorer.CORPORA, {(g["source"], g["id"]) for g in gold}, ("title",))
    missing = [g["id"] for g in gold if (g["source"], g["id"]) not in texts]
    if missing:
        sys.exit(f"abstracts not found under {scorer.CORPORA}: {missing[:5]} (is ../shared present?)")
    problems = scorer.check_gold(gold, texts)  # the --self-check test of the offsets
    if problems:
        sys.exit(f"gold offsets do not check against the abstracts: {problems[:3]}")
    nlp = build_pipeline(args.tier)
    keys = [(g["source"], g["id"]) for g in gold]
    preds = []
    for (source, rid), doc in zip(keys, nlp.pipe(texts[k] for k in keys)):
        mentions = doc_mentions(doc, rid, Field.ABSTRACT)
        found = find_results(doc.text, mentions, rid, titles.get((source, rid), ""))
        results = [{"value": r.value, "start": r.start, "end": r.end, "metric": r.metric, "dataset": r.dataset,
                    "method": r.method, "kind": r.kind} for r in found]
        preds.append({"source": source, "id": rid, "results": results})
    if args.pred:
        args.pred.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    scores = scorer.score(gold, preds)
    print(f"split: {args.split} (tier {nlp.meta['kgraph_tier']})")
    print(scorer.report(scores))
    if args.json:
        args.json.write_text(json.dumps(scores, indent=1), encoding="utf-8")
    if args.errors:
        if args.split == "test":
            sys.exit("--errors is for the dev split: the test split is only scored")
        by_key = {(p["source"], p["id"]): p["results"] for p in preds}
        for g in gold:
            text = texts[(g["source"], g["id"])]
            got = by_key[(g["source"], g["id"])]
            pairs = scorer.match_abstract(got, g["results"])
            hit_p = {id(p) for p, _ in pairs}
            hit_g = {id(q) for _, q in pairs}
            for q in g["results"]:
                if id(q) not in hit_g:
                    print(f"MISS {g['id']} {q['value']!r} [{q['metric']}|{q['dataset']}|{q['kind']}] "
                          f"...{text[max(0, q['start'] - 70):q['end'] + 30]!r}")
            for p in got:
                if id(p) not in hit_p:
                    print(f"SPUR {g['id']} {p['value']!r} [{p['metric']}|{p['dataset']}|{p['kind']}] "
                          f"...{text[max(0, p['start'] - 70):p['end'] + 30]!r}")
            for p, q in pairs:
                if not scorer._tuple_ok(p, q):
                    print(f"TUPLE {g['id']} {q['value']!r} gold [{q['metric']}|{q['dataset']}] "
                          f"got [{p['metric']}|{p['dataset']}]")
                if not scorer.names_match(p.get("method") or "", q["method"], (q.get("alt") or {}).get("method")):
                    print(f"METHOD {g['id']} {q['value']!r} gold {q['method']!r} got {p.get('method') or ''!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""What a researcher sees first: is it specific, correctly typed and correctly merged?

Reads one or more build folders (``kgraph.json``) and reports, per build:

* **top lists**: for each kind, the top ``--top`` entities by papers (what ``kgraph
  stats`` and the page show: specific entities only where the build judges specificity),
  each judged against ``benchmarks/quality/RUBRIC.md``: a *fragment* by the rubric's
  mechanical rules, *generic* or *ok* by the judgements a person wrote in
  ``benchmarks/quality/judgements.tsv``; labels nobody judged yet are listed as such;
* **type flips**: entities (in >= 5 papers) whose kind changes when the build's mentions
  are resolved from two random halves of the papers;
* **cross-kind merges**: entities among the top 300 Methods/Tasks/Concepts holding a
  variant whose head names another kind ("NLP metrics" inside a Task);
* **shared labels**: labels that name more than one entity (overall, and those among
  each kind's top 100 specific entities);
* **known names**: the kind, label and specificity of the names in
  ``benchmarks/quality/known_names.tsv`` that the corpus mentions;
* **links and communities**: the share of generic or fragment entities among the
  entities that explain links (weighted by use), and the names of the 10 biggest
  communities.

Usage::

    python benchmarks/entity_quality.py exports/ [more builds ...] [--top 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent / "quality"
FUNCTION_WORDS = frozenset("a an the of for to in on at by with from into via and or as than that which".split())
KINDS = ("Method", "Dataset", "Task", "Metric", "Concept")
KIND_HEADS = {"dataset": "Dataset", "corpus": "Dataset", "corpora": "Dataset", "benchmark": "Dataset",
              "metric": "Metric", "metrics": "Metric", "score": "Metric", "scores": "Metric",
              "toolkit": "Method", "library": "Method", "datasets": "Dataset", "benchmarks": "Dataset"}


def read_judgements(path: Path) -> dict[str, str]:
    """Label (lower case) -> ``generic`` or ``ok``, from the written judgements."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, verdict = line.rsplit("\t", 1)
            out[label.strip().lower()] = verdict.strip()
    return out


def is_fragment(label: str) -> bool:
    """The rubric's mechanical rules (RUBRIC.md, "fragment")."""
    words = label.replace("(", " ").replace(")", " ").split()
    if not words or not any(c.isalpha() for c in label):
        return True
    if words[0].lower() in FUNCTION_WORDS or words[-1].lower() in FUNCTION_WORDS:
        return True
    if label.endswith("-") or label.startswith("-") or label.lower().endswith(" end-to"):
        return True
    if label.count("(") != label.count(")"):  # "friction stir welding (FSW"
        return True
    return len(label) <= 2 and label.islower()


def verdict(label: str, judgements: dict[str, str]) -> str:
    if is_fragment(label):
        return "fragment"
    return judgements.get(label.lower(), "unjudged")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", type=Path)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--flip-runs", type=int, default=3, help="random halvings for the type-flip count")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--unjudged", action="store_true", help="print the labels nobody has judged yet")
    args = ap.parse_args()

    from kgraph.api import load
    from kgraph.resolve.entities import resolve
    from kgraph.resolve.specificity import shipped_background
    from kgraph.resolve.vocabularies import shipped_known_kinds, shipped_vocabulary

    judgements = read_judgements(HERE / "judgements.tsv")
    known_names = [line.split("\t") for line in (HERE / "known_names.tsv").read_text().splitlines()
                   if line.strip() and not line.startswith("#")]
    report = {}
    for build in args.builds:
        kg = load(build)
        data = kg.data
        papers_of = data.papers_of_entity
        judged = "generic" in json.loads((build / "kgraph.json").read_text())["entities"][0] if data.entities else False
        row: dict = {"papers": len(data.papers), "entities": len(data.entities),
                     "generic_entities": sum(e.generic for e in data.entities), "top": {}}
        unjudged: set[str] = set()
        print(f"\n== {build}: {len(data.papers)} papers, {len(data.entities)} entities "
              f"({row['generic_entities']} judged generic by the build)")
        for kind in KINDS:
            top = kg.entities(kind)[: args.top]
            verdicts = [verdict(e.label, judgements) for e in top]
            unjudged.update(e.label for e, v in zip(top, verdicts) if v == "unjudged")
            counts = Counter(verdicts)
            row["top"][kind] = {"n": len(top), **counts, "labels": [e.label for e in top]}
            print(f"{kind:<8} top {len(top)}: generic {counts['generic']}, fragment {counts['fragment']}, "
                  f"unjudged {counts['unjudged']} | " + ", ".join(
                      f"{e.label}" + ("" if v == "ok" else f" [{v}]") for e, v in zip(top[:12], verdicts[:12])))
        # type flips: resolve the mentions of two random halves of the papers
        known, background = shipped_known_kinds(), shipped_background()
        flips = []
        for run in range(args.flip_runs):
            rng = random.Random(run)
            ids = [p.id for p in data.papers]
            rng.shuffle(ids)
            halves = [set(ids[: len(ids) // 2]), set(ids[len(ids) // 2 :])]
            kinds_of = []
            for half in halves:
                papers = [p for p in data.papers if p.id in half]
                mentions = [m for m in data.mentions if m.paper_id in half]
                res = resolve(papers, mentions, shipped_vocabulary(), known=known, background=background)
                kinds_of.append({e.key: e.kind for e in res.entities})
            common = [e for e in data.entities if len(papers_of.get(e.id, ())) >= 5]
            flips.append(sum(1 for e in common if e.key in kinds_of[0] and e.key in kinds_of[1]
                             and kinds_of[0][e.key] is not kinds_of[1][e.key]))
        row["type_flips"] = flips
        row["entities_in_5_papers"] = sum(1 for e in data.entities if len(papers_of.get(e.id, ())) >= 5)
        print(f"type flips (entities in >= 5 papers, of {row['entities_in_5_papers']}): {flips}")
        # cross-kind merges
        pool = [e for k in ("Method", "Task", "Concept") for e in kg.entities(k, include_generic=True)[:300]]
        cross = [(e.label, alt, e.kind.value) for e in pool for alt in e.alt_labels
                 if KIND_HEADS.get(alt.split()[-1].lower(), e.kind.value) != e.kind.value and len(alt.split()) > 1]
        row["cross_kind_merges"] = len(cross)
        print(f"cross-kind merges among the top 300 Methods/Tasks/Concepts: {len(cross)} "
              + "; ".join(f"{alt!r} in {label!r} ({kind})" for label, alt, kind in cross[:8]))
        # labels that name several entities: a reader cannot tell "SAM" from "SAM"
        by_label: dict[str, list] = {}
        for e in data.entities:
            by_label.setdefault(e.label.casefold(), []).append(e)
        shared = {label: es for label, es in by_label.items() if len(es) > 1}
        shown = {e.id for kind in KINDS for e in kg.entities(kind)[:100]}
        shared_top = sorted(label for label, es in shared.items() if any(e.id in shown for e in es))
        row["shared_labels"] = {"labels": len(shared), "entities": sum(map(len, shared.values())),
                                "in_top_100": len(shared_top), "examples": shared_top[:10]}
        print(f"labels naming several entities: {len(shared)} ({row['shared_labels']['entities']} entities); "
              f"{len(shared_top)} among each kind's top 100: {', '.join(shared_top[:10])}")
        # known names
        rows = []
        for name, kind in known_names:
            try:
                e = kg.entity(name)
            except Exception:
                continue
            # right: the kind, specific, and the name is one of the entity's labels (not a
            # different entity that merely contains it)
            right = e.kind.value == kind and not e.generic and name.lower().replace("-", " ") in {
                x.lower().replace("-", " ") for x in (e.label, e.expansion, *e.alt_labels)}
            rows.append({"name": name, "expected": kind, "kind": e.kind.value, "label": e.label,
                         "generic": e.generic, "right": right})
        row["known_names"] = rows
        print(f"known names found: {len(rows)}, right: {sum(r['right'] for r in rows)} | " + ", ".join(
            f"{r['name']}->{r['label']} ({r['kind']}{', generic' if r['generic'] else ''})"
            for r in rows if not r["right"]))
        # links and communities
        use: Counter[str] = Counter(e for link in data.links for e in link.shared)
        by_id = data.entity_by_id
        bad = sum(n for e, n in use.items() if by_id[e].generic or verdict(by_id[e].label, judgements) in
                  ("generic", "fragment"))
        row["link_explanations"] = {"uses": sum(use.values()), "generic_or_fragment": bad,
                                    "share": round(bad / max(1, sum(use.values())), 4),
                                    "top": [by_id[e].label for e, _ in use.most_common(10)]}
        row["communities"] = list(data.communities.names[:10])
        print(f"link explanations: {100 * row['link_explanations']['share']:.1f}% generic or fragment "
              f"(of {sum(use.values())} uses); most used: {', '.join(row['link_explanations']['top'])}")
        print("communities: " + " | ".join(row["communities"]))
        if args.unjudged and unjudged:
            print("unjudged: " + "; ".join(sorted(unjudged)))
        row["build_judges_specificity"] = judged
        report[str(build)] = row
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

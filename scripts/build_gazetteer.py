"""Build the compact gazetteer shipped in kgraph/data/gazetteer.tsv.gz.

Reads ../shared/data/gazetteers/gazetteer_flat.tsv (Papers with Code methods, tasks,
datasets, metrics; Computer Science Ontology labels) and keeps only entries that are
safe to match in running text: at least two letters, not an English stop word, not
junk from the live site, one type per surface (Method > Dataset > Task > Metric >
Concept, since the PwC lists put e.g. "BERT" under Metric). CSO labels are kept only
when they have two or more words: its one-word labels ("frequencies") are too generic.

It also writes ontology/vocabularies/pwc-methods.ttl: the Papers with Code methods as a
SKOS concept scheme (prefLabel = full name, altLabel = short name, the PwC page as the
concept IRI), which entity resolution uses to merge aliases and to link entities with
skos:exactMatch.

Usage: python scripts/build_gazetteer.py [--shared ../shared] [--out kgraph/data/gazetteer.tsv.gz]
Licences: PwC data CC BY-SA 4.0, CSO CC BY 4.0 (see ontology/README.md).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from kgraph.extract.gazetteer import is_case_sensitive

PRIORITY = ["Method", "Dataset", "Task", "Metric", "Concept"]
AMBIGUOUS = {"Dataset", "Metric"}
# Plain words that name one metric in any CS text (most single PwC words are ordinary English).
METRIC_WORDS = {"perplexity"}
# Names PwC lists among datasets and among metrics (a leaderboard column named after its
# dataset, or a metric filed as a dataset), decided by hand; any other such name is dropped.
# A few names it lists among tasks and metrics are decided here too.
DECIDED = {
    "ap": "Metric", "fad": "Metric", "macs": "Metric", "mmd": "Metric", "psnr": "Metric", "shape bias": "Metric",
    "averitec": "Dataset", "casehold": "Dataset", "fever": "Dataset", "google speech commands v2 35": "Dataset",
    "hico": "Dataset", "mrpc": "Dataset", "rte": "Dataset", "sick-r": "Dataset", "soda": "Dataset",
    "spider": "Dataset",
    # and among tasks as well as metrics
    "ssim": "Metric", "ms-ssim": "Metric",
}
_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-.'&:+]*[A-Za-z0-9+]$")
_LETTERS = re.compile(r"[A-Za-z]")
# Generic English that the PwC lists carry as dataset/metric/task names.
GENERIC = {
    "accuracy", "time", "error", "loss", "score", "data", "model", "method", "task", "image",
    "images", "text", "video", "speech", "audio", "graph", "graphs", "network", "networks",
    "training", "learning", "results", "performance", "quality", "speed", "memory", "size",
    "parameters", "params", "precision", "recall", "cost", "energy", "rank", "average",
    "mean", "median", "deleted method", "attention", "classification", "detection",
    "segmentation", "regression", "clustering", "generation", "retrieval", "translation",
}


def keep(surface: str, kind: str) -> bool:
    words = surface.split()
    if len(surface) > 60 or not _OK.match(surface) or len(_LETTERS.findall(surface)) < 2:
        return False
    if surface.lower() in STOP_WORDS or surface.lower() in GENERIC:
        return False
    if kind == "Concept" and len(words) < 2:
        return False
    # a single plain word from the PwC lists is usually English ("cars", "Complex", "Real");
    # one-word names are kept only when their shape says name ("ImageNet", "MNIST", "ResNet-50")
    # or when the word is a metric's own name and nothing else ("perplexity")
    if len(words) == 1 and not (any(c.isupper() for c in surface[1:]) or any(c.isdigit() for c in surface)) and (
            surface.lower() not in METRIC_WORDS or kind != "Metric"):
        return False
    # two-letter codes ("CS", "GS") and three-letter non-method codes collide with acronyms
    if len(words) == 1 and surface.isupper() and (len(surface) <= 2 or (len(surface) == 3 and kind != "Method")):
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "kgraph/data/gazetteer.tsv.gz")
    args = parser.parse_args()
    best: dict[str, tuple[str, str, str, str]] = {}  # one entry per name, case folded
    kinds: dict[str, set[str]] = {}  # every kind PwC gives a name
    spellings: dict[str, dict[str, tuple[str, str, str, str]]] = {}  # its case-sensitive spellings
    with (args.shared / "data/gazetteers/gazetteer_flat.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            surface, kind = " ".join(row["surface"].split()), row["type"]
            canonical = " ".join(row["canonical"].split()) or surface
            if kind not in PRIORITY or not keep(surface, kind):
                continue
            key = surface.lower()
            entry = (surface, kind, canonical, row["source"])
            kinds.setdefault(key, set()).add(kind)
            if is_case_sensitive(surface):
                spellings.setdefault(key, {}).setdefault(surface, entry)
            if key not in best or PRIORITY.index(kind) < PRIORITY.index(best[key][1]):
                best[key] = entry
    for key, found in kinds.items():
        # PwC lists "PSNR" and "MACs" among datasets as well as metrics, and "MRPC" among metrics
        # as well as datasets: DECIDED says which; any other such name is evidence of neither
        if key in DECIDED:
            surface, _, canonical, source = best[key]
            best[key] = (surface, DECIDED[key], canonical, source)
            continue  # its other spellings may be the other kind ("SPIDEr", a metric; "Spider")
        if AMBIGUOUS <= found:
            del best[key]
            continue
        # every spelling of a name the matcher compares case by case ("mIoU" and "mIOU"), one kind
        for surface, (_, _, canonical, source) in spellings.get(key, {}).items():
            if surface != best[key][0]:
                best[surface] = (surface, best[key][1], canonical, source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", newline="") as out:
        out.write("# surface\tkind\tcanonical\tsource  (built by scripts/build_gazetteer.py; PwC CC BY-SA 4.0, CSO CC BY 4.0)\n")
        for surface, kind, canonical, source in sorted(best.values(), key=lambda e: (e[1], e[0].lower())):
            out.write(f"{surface}\t{kind}\t{canonical}\t{source}\n")
    tmp.replace(args.out)
    print(f"wrote {len(best)} entries to {args.out}")
    vocab = Path(__file__).resolve().parents[1] / "ontology/vocabularies/pwc-methods.ttl"
    count = write_pwc_methods_skos(args.shared / "data/gazetteers/pwc_methods_subset.json", vocab)
    print(f"wrote {count} SKOS concepts to {vocab}")


def write_pwc_methods_skos(source: Path, out: Path) -> int:
    """Papers with Code methods as a SKOS concept scheme, sorted so rebuilds are byte-identical."""
    import json

    import pyoxigraph as ox

    skos = "http://www.w3.org/2004/02/skos/core#"
    dcterms = "http://purl.org/dc/terms/"
    scheme = ox.NamedNode("https://w3id.org/kgraph/vocab/pwc-methods")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(scheme, a, ox.NamedNode(skos + "ConceptScheme")),
        ox.Triple(scheme, ox.NamedNode(dcterms + "title"), ox.Literal("Papers with Code methods (subset used by kgraph)", language="en")),
        ox.Triple(scheme, ox.NamedNode(dcterms + "source"), ox.NamedNode("https://paperswithcode.com/methods")),
        ox.Triple(scheme, ox.NamedNode(dcterms + "license"), ox.NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")),
        ox.Triple(scheme, ox.NamedNode(dcterms + "rightsHolder"), ox.Literal("Papers with Code contributors")),
    ]
    count = 0
    for method in json.loads(source.read_text(encoding="utf-8")):
        name, full = " ".join(method["name"].split()), " ".join((method.get("full_name") or "").split())
        url = method.get("url", "")
        if not url.startswith("https://paperswithcode.com/method/") or not name or not keep(full or name, "Method") and not keep(name, "Method"):
            continue
        concept = ox.NamedNode(url)
        pref = full or name
        triples += [ox.Triple(concept, a, ox.NamedNode(skos + "Concept")),
                    ox.Triple(concept, ox.NamedNode(skos + "inScheme"), scheme),
                    ox.Triple(concept, ox.NamedNode(skos + "prefLabel"), ox.Literal(pref, language="en"))]
        if name != pref:
            triples.append(ox.Triple(concept, ox.NamedNode(skos + "altLabel"), ox.Literal(name, language="en")))
        count += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    ox.serialize(sorted(set(triples), key=str), str(tmp), ox.RdfFormat.TURTLE,
                 prefixes={"skos": skos, "dcterms": dcterms, "pwc": "https://paperswithcode.com/method/"})
    tmp.replace(out)
    return count


if __name__ == "__main__":
    main()

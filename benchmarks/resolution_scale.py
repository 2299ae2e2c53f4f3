"""Resolution time against the number of distinct labels: it must grow linearly, not quadratically.

Builds synthetic corpora whose mentions carry N distinct labels (random multi-word terms,
plural/case/hyphen variants, acronym definitions) and times :func:`kgraph.resolve.entities.resolve`.
If resolution compared labels pairwise, 10x the labels would take ~100x the time.

Usage: python benchmarks/resolution_scale.py [--sizes 10000 50000 100000]
"""

from __future__ import annotations

import argparse
import random
import time

from kgraph.model import EntityKind, Field, Mention, Paper
from kgraph.resolve.entities import resolve
from kgraph.resolve.vocabularies import shipped_vocabulary

WORDS = ("neural graph sparse latent attention kernel spectral diffusion contrastive bayesian adaptive "
         "temporal causal robust federated quantum hierarchical implicit variational recurrent").split()
HEADS = ("network model process estimator transformer field embedding operator sampler learning").split()


def _letters(i: int) -> str:
    # a unique plain word per label (digits would make "Q12" a name and keep its case)
    out = "q"
    while True:
        out += "abcdefghijklmnopqrstuvwxyz"[i % 26]
        i //= 26
        if not i:
            return out


def corpus(n_labels: int, seed: int = 0) -> tuple[list[Paper], list[Mention]]:
    rng = random.Random(seed)
    papers: list[Paper] = []
    mentions: list[Mention] = []
    labels = set()
    while len(labels) < n_labels:
        labels.add(" ".join(rng.sample(WORDS, 3)) + f" {_letters(len(labels))} {rng.choice(HEADS)}")
    for i, label in enumerate(sorted(labels)):
        acronym = "".join(w[0] for w in label.split()).upper()  # shared by many labels: defined per paper
        abstract = f"We study {label} ({acronym}). {acronym} works."
        papers.append(Paper(f"p{i}", "T", abstract))
        # four spellings of one name: as is, Title Case, hyphenated plural, and its acronym
        plural = label + ("es" if label.endswith("s") else "s")
        for text in (label, label.title(), plural.replace(" ", "-", 1), acronym):
            mentions.append(Mention(f"p{i}", Field.ABSTRACT, 0, len(text), text, EntityKind.METHOD, 0, "bench"))
    return papers, mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    args = parser.parse_args()
    vocabulary = shipped_vocabulary()
    print(f"{'labels':>8} {'mentions':>9} {'entities':>9} {'seconds':>8} {'us/mention':>10}")
    for n in args.sizes:
        papers, mentions = corpus(n)
        start = time.perf_counter()
        result = resolve(papers, mentions, vocabulary)
        secs = time.perf_counter() - start
        print(f"{n:8d} {len(mentions):9d} {len(result.entities):9d} {secs:8.2f} {1e6 * secs / len(mentions):10.1f}")


if __name__ == "__main__":
    main()

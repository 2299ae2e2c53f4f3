"""Guess an entity kind from the words of a phrase (its head noun, mostly).

Used for acronym long forms and cue-word rules, where no model or gazetteer says what
kind of thing a phrase is. English noun phrases put the head last ("Global Anchor
Deformation" is a deformation), so the last word that the lexicon knows decides.
"""

from __future__ import annotations

from ..model import EntityKind

_HEADS: dict[EntityKind, frozenset[str]] = {
    EntityKind.DATASET: frozenset(
        "dataset datasets corpus corpora benchmark benchmarks treebank database collection suite".split()
    ),
    EntityKind.METRIC: frozenset(
        "accuracy score f1 precision recall error rate bleu rouge psnr ssim lpips auc map fid "
        "perplexity mse rmse mae iou ndcg mrr latency throughput".split()
    ),
    EntityKind.TASK: frozenset(
        "detection segmentation classification recognition estimation generation translation "
        "retrieval prediction reconstruction synthesis tracking answering parsing registration "
        "localization localisation captioning summarization summarisation forecasting "
        "identification extraction completion alignment navigation planning understanding "
        "reasoning editing inpainting dehazing denoising tagging labeling labelling matching "
        "verification diagnosis discovery analysis".split()
    ),
    EntityKind.METHOD: frozenset(
        "network networks net nets model models algorithm algorithms method methods framework "
        "architecture transformer transformers encoder decoder autoencoder module mechanism layer "
        "layers loss regularization regularisation sampling sampler estimator scheme approach "
        "technique strategy pipeline splatting field fields optimizer optimiser optimization "
        "optimisation attention embedding embeddings machine machines process processes "
        "distillation decomposition deformation adjustment representation representations gan "
        "gans cnn rnn lstm mlp operator operators search descent policy regression clustering "
        "filter kernel tree trees forest learning training tuning fine-tuning prompting "
        "augmentation initialisation initialization adaptation simulation solver".split()
    ),
}


def guess_kind(phrase: str) -> EntityKind | None:
    """The kind named by the phrase's last known head word, or None.

    >>> guess_kind("Global Anchor Deformation")
    <EntityKind.METHOD: 'Method'>
    >>> guess_kind("tiny object detection")
    <EntityKind.TASK: 'Task'>
    >>> guess_kind("the weather") is None
    True
    """
    words = [w.strip(".,;:()").lower() for w in phrase.replace("-", " ").split()]
    for word in reversed(words):
        for kind, heads in _HEADS.items():
            if word in heads or (word.endswith("s") and word[:-1] in heads):
                return kind
    return None

"""Relations between the entities of one sentence: a MiniLM pair classifier run with onnxruntime.

The model (``kgraph/models/relations/``, trained by ``training/train_relations.py``) reads
a sentence once with the all-MiniLM-L6-v2 encoder, represents each entity by the encoder
states of its first and last sub-tokens plus learned embeddings of its SciERC label and its
width in words, and classifies every ordered pair of entities into SciERC's seven relation
types or NONE from ``[head; tail; head * tail; mean of the states between them]``. One
onnxruntime call scores all pairs of a sentence.

A model whose config says ``"markers": "levitated"`` (an experiment of
``training/train_relations.py``, see ``training/README.md``) reads each pair at typed
marker tokens appended after the sentence instead (:func:`levitated_chunks`,
:func:`pack_chunks`; PURE's approximation model), still one onnxruntime call per sentence.

Decoding (:func:`decode_pairs`) keeps at most one relation per unordered pair of entities
(SciERC has two on 4 of its 3,219 train pairs): the best of the directed labels in either
direction and the symmetric labels (COMPARE, CONJUNCTION), whose probability is the mean
of the two directions, provided it reaches the model's threshold (chosen on SciERC dev). A
symmetric relation is reported once, head before tail in entity order.

Entity labels are SciERC's six (:data:`ENTITY_LABELS`); kgraph's own kinds are mapped onto
them by :func:`scierc_label` (``Dataset`` -> ``Material``, ``Concept`` ->
``OtherScientificTerm``), as the model never saw them.

Like :mod:`kgraph.extract.transformer`, this module needs only onnxruntime, tokenizers and
numpy; torch is a training-time dependency. The sub-token layout
(:func:`encode_sentence`) is shared with training, so both see exactly the same inputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from ..errors import ModelError, OptionError
from .base import SCIERC_LABELS

__all__ = [
    "DEFAULT_MODEL_DIR",
    "ENTITY_LABELS",
    "LABEL_ALIASES",
    "MARKER_ROLES",
    "NONE",
    "RELATION_LABELS",
    "SYMMETRIC",
    "EncodedSentence",
    "MarkerChunk",
    "Relation",
    "RelationModel",
    "decode_pairs",
    "encode_sentence",
    "levitated_chunks",
    "load_tokenizer",
    "pack_chunks",
    "pair_index",
    "relation_model",
    "scierc_label",
]

#: The shipped model; resolved from this file so it also works from an installed wheel.
DEFAULT_MODEL_DIR: Path = Path(__file__).resolve().parent.parent / "models" / "relations"

#: SciERC's relation types, in the model's output order (NONE is the last output).
RELATION_LABELS: tuple[str, ...] = (
    "USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "EVALUATE-FOR", "COMPARE", "CONJUNCTION",
)
#: The "no relation" class, the model's last output.
NONE = "NONE"
#: Relation types that hold in both directions; reported once, head before tail.
SYMMETRIC: frozenset[str] = frozenset({"COMPARE", "CONJUNCTION"})
#: Entity labels the model knows, in the order of its label embedding.
ENTITY_LABELS: tuple[str, ...] = SCIERC_LABELS
#: kgraph's entity kinds (and the accurate v2 model's Dataset label) as SciERC labels.
LABEL_ALIASES: dict[str, str] = {
    "Dataset": "Material",
    "Concept": "OtherScientificTerm",
}


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation between two entities of a sentence.

    Attributes
    ----------
    head, tail : int
        Indices into the entity list given to :meth:`RelationModel.predict`.
    label : str
        One of :data:`RELATION_LABELS`. For :data:`SYMMETRIC` labels ``head < tail``.
    confidence : float
        The model's probability of ``label`` for this pair, in (0, 1] (for a symmetric
        label, the mean over both directions).
    """

    head: int
    tail: int
    label: str
    confidence: float


@dataclass(frozen=True, slots=True)
class EncodedSentence:
    """Model inputs for one sentence (see :func:`encode_sentence`).

    Attributes
    ----------
    input_ids : numpy.ndarray, shape (n_pieces,)
        Sub-token ids with [CLS] and [SEP].
    ent_start, ent_end : numpy.ndarray, shape (n_entities,)
        Position of each entity's first and last sub-token in ``input_ids``.
    ent_label : numpy.ndarray, shape (n_entities,)
        Index of each entity's label in :data:`ENTITY_LABELS`.
    ent_width : numpy.ndarray, shape (n_entities,)
        Width in words minus one, capped at the model's ``max_width - 1``.
    """

    input_ids: np.ndarray
    ent_start: np.ndarray
    ent_end: np.ndarray
    ent_label: np.ndarray
    ent_width: np.ndarray


def scierc_label(label: str) -> str:
    """The SciERC entity label the model uses for ``label``.

    Parameters
    ----------
    label : str
        A SciERC label, or a kgraph kind found in :data:`LABEL_ALIASES`.

    Returns
    -------
    str

    Raises
    ------
    OptionError
        For a label that is neither.

    Examples
    --------
    >>> scierc_label("Dataset"), scierc_label("Concept"), scierc_label("Task")
    ('Material', 'OtherScientificTerm', 'Task')
    """
    label = LABEL_ALIASES.get(label, label)
    if label not in ENTITY_LABELS:
        raise OptionError(f"unknown entity label {label!r}; expected one of {', '.join(ENTITY_LABELS)} "
                          f"or {', '.join(LABEL_ALIASES)}")
    return label


def load_tokenizer(path: str | Path) -> Tokenizer:
    """A WordPiece tokenizer from ``tokenizer.json`` with truncation and padding off."""
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def encode_sentence(
    tokenizer: Tokenizer,
    words: Sequence[str],
    entities: Sequence[tuple[int, int, str]],
    max_length: int = 256,
    max_width: int = 16,
) -> EncodedSentence:
    """Lay one sentence and its entities out as model inputs (shared with training).

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        The encoder's WordPiece tokenizer (see :func:`load_tokenizer`).
    words : sequence of str
        The sentence's words (spaCy tokens, no whitespace tokens).
    entities : sequence of (int, int, str)
        ``(first word, end word exclusive, label)``; labels as :func:`scierc_label` accepts.
    max_length : int, default 256
        Most sub-tokens, [CLS] and [SEP] included. Longer sentences lose their tail; an
        entity there is clipped to the last kept sub-token.
    max_width : int, default 16
        Number of width embeddings of the model.

    Returns
    -------
    EncodedSentence

    Raises
    ------
    OptionError
        For an entity outside the sentence, an empty one, or an unknown label.
    """
    n = len(words)
    cls, sep, unk = (int(tokenizer.token_to_id(t) or 0) for t in ("[CLS]", "[SEP]", "[UNK]"))
    if n:
        enc = tokenizer.encode(list(words), is_pretokenized=True, add_special_tokens=False)
        word_ids = np.asarray([-1 if w is None else w for w in enc.word_ids], dtype=np.int64)
        ids = np.asarray(enc.ids, dtype=np.int64)
        counts = np.bincount(word_ids[word_ids >= 0], minlength=n)
        # a word the tokenizer drops entirely (a lone control character) gets one [UNK]
        if (counts == 0).any():
            pieces: list[list[int]] = [[] for _ in range(n)]
            for tid, wid in zip(ids.tolist(), word_ids.tolist()):
                if wid >= 0:
                    pieces[wid].append(tid)
            ids = np.asarray([t for p in pieces for t in (p or [unk])], dtype=np.int64)
            counts = np.maximum(counts, 1)
    else:
        ids, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    budget = max_length - 2
    ids = ids[:budget]
    first = np.concatenate(([0], np.cumsum(counts)[:-1])) + 1 if n else np.zeros(0, dtype=np.int64)
    last = np.cumsum(counts) if n else np.zeros(0, dtype=np.int64)  # position of the last piece (+1 for [CLS], -1)
    top = len(ids)  # last position holding a word piece
    starts, ends, labels, widths = [], [], [], []
    for s, e, label in entities:
        if not 0 <= s < e <= n:
            raise OptionError(f"entity ({s}, {e}, {label!r}) is not a span of the {n}-word sentence "
                              "(first word, end word exclusive)")
        starts.append(min(int(first[s]), top))
        ends.append(min(int(last[e - 1]), top))
        labels.append(ENTITY_LABELS.index(scierc_label(label)))
        widths.append(min(e - s - 1, max_width - 1))
    input_ids = np.concatenate((np.asarray([cls], dtype=np.int64), ids, np.asarray([sep], dtype=np.int64)))
    return EncodedSentence(input_ids, _ids(starts), _ids(ends), _ids(labels), _ids(widths))


def _ids(values: Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def pair_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair ``(head, tail)`` of ``n`` entities with ``head != tail``.

    Examples
    --------
    >>> [h.tolist() for h in pair_index(3)]
    [[0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1]]
    """
    heads, tails = np.nonzero(~np.eye(n, dtype=bool))
    return heads.astype(np.int64), tails.astype(np.int64)


#: Marker roles of the levitated-marker layout, in ``marker_ids`` order (see :func:`levitated_chunks`).
MARKER_ROLES: tuple[str, ...] = ("S", "/S", "O", "/O")


@dataclass(frozen=True, slots=True)
class MarkerChunk:
    """One encoder row of the levitated-marker layout (see :func:`levitated_chunks`).

    Attributes
    ----------
    input_ids, position_ids : numpy.ndarray, shape (n_pieces + 4 * n_pairs,)
        The sentence's sub-tokens, then four marker tokens per pair; a marker shares the
        position id of its span's first or last sub-token.
    token_pair : numpy.ndarray, shape (n_pieces + 4 * n_pairs,)
        ``-1`` for a sentence token, the chunk-local pair index for a marker.
    markers : numpy.ndarray, shape (n_pairs, 4)
        Row positions of the pair's [S], [/S], [O], [/O] markers.
    spans : numpy.ndarray, shape (n_pairs, 4)
        Row positions of the head's first and last and the tail's first and last sub-token.
    labels, widths : numpy.ndarray, shape (n_pairs, 2)
        Head and tail label index and width (as in :class:`EncodedSentence`).
    """

    input_ids: np.ndarray
    position_ids: np.ndarray
    token_pair: np.ndarray
    markers: np.ndarray
    spans: np.ndarray
    labels: np.ndarray
    widths: np.ndarray


def levitated_chunks(
    enc: EncodedSentence,
    heads: np.ndarray,
    tails: np.ndarray,
    marker_ids: Sequence[int],
    max_pairs: int = 64,
) -> list[MarkerChunk]:
    """Lay the pairs of one sentence out as levitated markers (PURE's approximation model).

    Every ordered pair gets four marker tokens after the sentence, [S:label], [/S:label],
    [O:label], [/O:label] (token ``marker_ids[role * len(ENTITY_LABELS) + label]``, roles in
    :data:`MARKER_ROLES` order), with the position ids of the head's and tail's first and
    last sub-tokens. The model lets sentence tokens attend to the sentence only and markers
    to the sentence and their own pair's markers, so one encoder pass scores up to
    ``max_pairs`` pairs; more pairs take more rows (the sentence is repeated in each).

    Parameters
    ----------
    enc : EncodedSentence
        From :func:`encode_sentence`.
    heads, tails : numpy.ndarray, shape (n_pairs,)
        The pairs, e.g. from :func:`pair_index`.
    marker_ids : sequence of int
        ``4 * len(ENTITY_LABELS)`` vocabulary ids of the marker tokens.
    max_pairs : int, default 64
        Most pairs per row.

    Returns
    -------
    list of MarkerChunk
        Pairs in order; empty without pairs.
    """
    n_lab = len(ENTITY_LABELS)
    if len(marker_ids) != 4 * n_lab:
        raise ModelError(f"levitated markers need {4 * n_lab} marker ids, got {len(marker_ids)}")
    mids = np.asarray(marker_ids, dtype=np.int64).reshape(4, n_lab)
    n_tok = len(enc.input_ids)
    out = []
    for lo in range(0, len(heads), max(1, int(max_pairs))):
        h, t = heads[lo : lo + max_pairs], tails[lo : lo + max_pairs]
        k = len(h)
        lab = np.stack([enc.ent_label[h], enc.ent_label[t]], axis=1)
        ids = np.stack([mids[0, lab[:, 0]], mids[1, lab[:, 0]], mids[2, lab[:, 1]], mids[3, lab[:, 1]]], axis=1)
        spans = np.stack([enc.ent_start[h], enc.ent_end[h], enc.ent_start[t], enc.ent_end[t]], axis=1)
        out.append(MarkerChunk(
            input_ids=np.concatenate((enc.input_ids, ids.reshape(-1))),
            position_ids=np.concatenate((np.arange(n_tok, dtype=np.int64), spans.reshape(-1))),
            token_pair=np.concatenate((np.full(n_tok, -1, dtype=np.int64), np.repeat(np.arange(k), 4))),
            markers=(n_tok + np.arange(4 * k, dtype=np.int64)).reshape(k, 4),
            spans=spans.astype(np.int64),
            labels=lab.astype(np.int64),
            widths=np.stack([enc.ent_width[h], enc.ent_width[t]], axis=1).astype(np.int64),
        ))
    return out


def pack_chunks(chunks: Sequence[MarkerChunk]) -> dict[str, np.ndarray]:
    """Pad rows of :func:`levitated_chunks` into one batch (the ONNX model's inputs).

    Padding has id 0, position 0 and ``token_pair`` -2 (attended by nothing); ``markers``
    and ``spans`` become positions in the flattened ``(rows * width)`` states.
    """
    width = max(len(c.input_ids) for c in chunks)
    rows = len(chunks)
    ids = np.zeros((rows, width), dtype=np.int64)
    pos = np.zeros((rows, width), dtype=np.int64)
    seg = np.full((rows, width), -2, dtype=np.int64)
    for r, c in enumerate(chunks):
        n = len(c.input_ids)
        ids[r, :n], pos[r, :n], seg[r, :n] = c.input_ids, c.position_ids, c.token_pair
    return {
        "input_ids": ids,
        "position_ids": pos,
        "token_pair": seg,
        "pair_markers": np.concatenate([c.markers + r * width for r, c in enumerate(chunks)]),
        "pair_spans": np.concatenate([c.spans + r * width for r, c in enumerate(chunks)]),
        "pair_labels": np.concatenate([c.labels for c in chunks]),
        "pair_widths": np.concatenate([c.widths for c in chunks]),
    }


def decode_pairs(
    probs: np.ndarray,
    heads: np.ndarray,
    tails: np.ndarray,
    threshold: float,
    labels: Sequence[str] = RELATION_LABELS,
) -> list[Relation]:
    """Relations from per-pair probabilities, at most one per unordered pair.

    Parameters
    ----------
    probs : numpy.ndarray, shape (n_pairs, len(labels) + 1)
        Probabilities of ``labels`` and, last, NONE, for each ordered pair.
    heads, tails : numpy.ndarray, shape (n_pairs,)
        The pairs (both directions of every pair must be present).
    threshold : float
        Lowest probability of a reported relation.
    labels : sequence of str
        Relation labels in output order.

    Returns
    -------
    list of Relation
        Sorted by (head, tail). For each unordered pair the candidates are every directed
        label in both directions and every symmetric label with the mean probability of
        the two directions; the best is reported when it reaches ``threshold``.

    Examples
    --------
    >>> p = np.array([[.1, 0, 0, 0, 0, 0, .7, .2], [0, 0, 0, 0, 0, 0, .5, .5]])
    >>> decode_pairs(p, np.array([0, 1]), np.array([1, 0]), 0.5)
    [Relation(head=0, tail=1, label='CONJUNCTION', confidence=0.6)]
    """
    index = {(int(h), int(t)): r for r, (h, t) in enumerate(zip(heads, tails))}
    sym = np.array([lab in SYMMETRIC for lab in labels])
    out: list[Relation] = []
    for (h, t), r in index.items():
        if h > t:
            continue
        back = index.get((t, h))
        if back is None:
            raise OptionError(f"pair ({h}, {t}) is scored in one direction only")
        fwd, rev = probs[r, : len(labels)], probs[back, : len(labels)]
        mean = (fwd + rev) / 2
        cands = [
            (float(mean[k]) if sym[k] else float(fwd[k]), h, t, k) for k in range(len(labels))
        ] + [(float(rev[k]), t, h, k) for k in range(len(labels)) if not sym[k]]
        conf, hh, tt, k = max(cands)
        if conf >= threshold and conf > 0:
            out.append(Relation(hh, tt, labels[k], round(min(conf, 1.0), 6)))
    out.sort(key=lambda rel: (rel.head, rel.tail))
    return out


class RelationModel:
    """SciERC relation classifier over the entities of one sentence (onnxruntime).

    Parameters
    ----------
    model_dir : str or Path, optional
        Folder with ``model.onnx`` and ``config.json`` (labels, threshold, max length);
        the tokenizer is the folder's ``tokenizer.json`` or the file the config names
        (relative to the folder). Empty / None means :data:`DEFAULT_MODEL_DIR`.
    num_threads : int, default 1
        onnxruntime ``intra_op_num_threads``.
    threshold : float, optional
        Lowest probability of a reported relation; default the config's (chosen on
        SciERC dev).

    Raises
    ------
    ModelError
        When the folder lacks the model, its config or its tokenizer.
    """

    def __init__(
        self, model_dir: str | Path | None = None, num_threads: int = 1, threshold: float | None = None
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        cfg_path = self.model_dir / "config.json"
        try:
            cfg: dict[str, Any] = json.loads(cfg_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{cfg_path}: cannot read the relation model's config ({exc})") from exc
        self.config = cfg
        self.labels: tuple[str, ...] = tuple(cfg.get("relation_labels", RELATION_LABELS))
        if tuple(cfg.get("entity_labels", ENTITY_LABELS)) != ENTITY_LABELS:
            raise ModelError(f"{self.model_dir}: the model's entity labels differ from {ENTITY_LABELS}")
        self.threshold = float(cfg["threshold"] if threshold is None else threshold)
        self.max_length = int(cfg.get("max_length", 256))
        self.max_width = int(cfg.get("max_width", 16))
        #: "" (entity states from the plain sentence) or "levitated" (marker tokens per pair)
        self.markers = str(cfg.get("markers") or "")
        if self.markers not in ("", "levitated"):
            raise ModelError(f"{self.model_dir}: unknown marker layout {self.markers!r}")
        self.marker_ids: tuple[int, ...] = tuple(int(i) for i in cfg.get("marker_ids", ()))
        self.max_pairs = int(cfg.get("max_pairs", 64))
        tok_path = self.model_dir / "tokenizer.json"
        if not tok_path.is_file():
            tok_path = (self.model_dir / cfg.get("tokenizer", "tokenizer.json")).resolve()
        if not tok_path.is_file() or not (self.model_dir / "model.onnx").is_file():
            raise ModelError(f"{self.model_dir}: relation model incomplete (model.onnx, tokenizer {tok_path})")
        self.tokenizer = load_tokenizer(tok_path)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, int(num_threads))
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(self.model_dir / "model.onnx"), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    def pair_probs(
        self, words: Sequence[str], entities: Sequence[tuple[int, int, str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probabilities of every ordered entity pair of one sentence.

        Parameters
        ----------
        words, entities
            As for :meth:`predict`.

        Returns
        -------
        probs : numpy.ndarray, shape (n_pairs, len(labels) + 1)
            Relation labels in :attr:`labels` order, NONE last.
        heads, tails : numpy.ndarray, shape (n_pairs,)
        """
        heads, tails = pair_index(len(entities))
        enc = encode_sentence(self.tokenizer, words, entities, self.max_length, self.max_width)
        if not len(heads):
            return np.zeros((0, len(self.labels) + 1), dtype=np.float32), heads, tails
        if self.markers == "levitated":
            chunks = levitated_chunks(enc, heads, tails, self.marker_ids, self.max_pairs)
            out: np.ndarray = self.session.run(None, pack_chunks(chunks))[0].astype(np.float32)
            return out, heads, tails
        feed = {
            "input_ids": enc.input_ids[None, :],
            "attention_mask": np.ones((1, len(enc.input_ids)), dtype=np.int64),
            "ent_start": enc.ent_start,
            "ent_end": enc.ent_end,
            "ent_label": enc.ent_label,
            "ent_width": enc.ent_width,
            "pair_head": heads,
            "pair_tail": tails,
        }
        probs: np.ndarray = self.session.run(None, feed)[0].astype(np.float32)
        return probs, heads, tails

    def predict(self, words: Sequence[str], entities: Sequence[tuple[int, int, str]]) -> list[Relation]:
        """Relations between the entities of one sentence.

        Parameters
        ----------
        words : sequence of str
            The sentence's words (spaCy tokens without whitespace tokens).
        entities : sequence of (int, int, str)
            ``(first word, end word exclusive, label)`` per entity, word offsets relative
            to the sentence (a spaCy span's ``start``/``end`` minus the sentence's start).
            Note the exclusive end: SciERC's own files use an inclusive one. Labels are
            SciERC's or kgraph kinds (see :func:`scierc_label`).

        Returns
        -------
        list of Relation
            Relations reaching :attr:`threshold`, head/tail indexing ``entities``; empty
            with fewer than two entities.

        Raises
        ------
        OptionError
            For an entity outside the sentence or an unknown label.
        """
        probs, heads, tails = self.pair_probs(words, entities)
        if not len(heads):
            if entities:  # still validate a lone entity
                encode_sentence(self.tokenizer, words, entities, self.max_length, self.max_width)
            return []
        return decode_pairs(probs, heads, tails, self.threshold, self.labels)


@lru_cache(maxsize=2)
def relation_model(folder: str = "relations") -> RelationModel:
    """A shipped :class:`RelationModel` (one thread) from ``kgraph/models/<folder>``
    (``relations``, or the fast tier's ``relations_fast``), loaded once per process."""
    return RelationModel(DEFAULT_MODEL_DIR.parent / folder)

"""BIO tag decoding shared by the accurate (transformer) and fast (CNN tagger) tiers.

Pure numpy: tag constraints, a constrained Viterbi over per-word tag scores and the
conversion of a tag path into spans.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SpanTuple", "allowed_transitions", "bio_spans", "viterbi_bio", "viterbi_bio_batch"]

#: A span is (start_word, end_word_exclusive, label, confidence).
SpanTuple = tuple[int, int, str, float]


def allowed_transitions(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """BIO constraints as boolean masks.

    Parameters
    ----------
    tags : sequence of str
        Tag names, ``"O"``, ``"B-X"`` or ``"I-X"``.

    Returns
    -------
    start : numpy.ndarray of bool, shape (K,)
        Tags allowed on the first word of a sentence (everything but ``I-*``).
    trans : numpy.ndarray of bool, shape (K, K)
        ``trans[i, j]`` is true when tag ``j`` may follow tag ``i``: ``I-X`` only after
        ``B-X`` or ``I-X``; everything else may follow anything.
    """
    k = len(tags)
    start = np.array([not t.startswith("I-") for t in tags], dtype=bool)
    trans = np.ones((k, k), dtype=bool)
    for j, tj in enumerate(tags):
        if tj.startswith("I-"):
            label = tj[2:]
            for i, ti in enumerate(tags):
                trans[i, j] = ti in (f"B-{label}", f"I-{label}")
    return start, trans


def viterbi_bio(log_probs: np.ndarray, start: np.ndarray, trans: np.ndarray) -> np.ndarray:
    """Most probable tag sequence that obeys the BIO constraints.

    Argmax decoding can emit ``I-X`` after ``O`` or after ``B-Y``; the resulting spans are
    then cut or mislabelled. Maximising the summed log-probabilities under hard
    transition constraints fixes that (+1.4-2 strict F1 on SciERC dev).

    Parameters
    ----------
    log_probs : numpy.ndarray, shape (T, K)
        Per-word log-probabilities of each tag.
    start, trans : numpy.ndarray of bool
        Masks from :func:`allowed_transitions`.

    Returns
    -------
    numpy.ndarray of int, shape (T,)
        The best allowed tag index for each word (empty when ``T == 0``).
    """
    return viterbi_bio_batch([log_probs], start, trans)[0]


def viterbi_bio_batch(log_probs: Sequence[np.ndarray], start: np.ndarray, trans: np.ndarray) -> list[np.ndarray]:
    """:func:`viterbi_bio` for many sentences at once, with the same result for each.

    The recursion steps through word positions for all sentences together (one numpy
    step per position instead of one per word: the per-word loop was ~3 % of the
    accurate tier's time). A sentence that has ended keeps its scores unchanged.

    Parameters
    ----------
    log_probs : sequence of numpy.ndarray, shape (T_i, K)
        Per-word log-probabilities of each sentence.
    start, trans : numpy.ndarray of bool
        Masks from :func:`allowed_transitions`.

    Returns
    -------
    list of numpy.ndarray of int, shape (T_i,)
    """
    k = len(start)
    lengths = np.array([len(lp) for lp in log_probs], dtype=np.int64)
    n, width = len(log_probs), int(lengths.max(initial=0))
    if width == 0:
        return [np.zeros(0, dtype=np.int64) for _ in log_probs]
    lp = np.zeros((width, n, k), dtype=np.float64)  # position-major: one contiguous slice per step
    for i, sent in enumerate(log_probs):
        lp[: len(sent), i] = sent
    neg = np.float64(-1e9)  # finite, so an all-forbidden row still decodes to something
    # Tags that may follow any tag (O, B-X) all take the single best previous tag; the
    # others (I-X) choose among their few allowed predecessors (B-X, I-X), padded with
    # a forbidden entry. O(n K) per step instead of O(n K^2): the same path, faster.
    free = trans.all(axis=0)
    free_cols, tied_cols = np.flatnonzero(free), np.flatnonzero(~free)
    allowed = [np.flatnonzero(trans[:, j]) for j in tied_cols]
    m = max((len(a) for a in allowed), default=1) or 1
    tied_prev = np.zeros((len(tied_cols), m), dtype=np.int64)
    tied_pen = np.full((len(tied_cols), m), neg)
    for r, a in enumerate(allowed):
        tied_prev[r, : len(a)] = a
        tied_pen[r, : len(a)] = 0.0
    score = np.where(start, lp[0], neg)  # (n, K)
    back = np.zeros((width, n, k), dtype=np.int64)
    rows = np.arange(n)
    new = np.empty((n, k), dtype=np.float64)
    for t in range(1, width):
        arg = score.argmax(axis=1)
        back[t][:, free_cols] = arg[:, None]
        new[:, free_cols] = score[rows, arg][:, None]
        if len(tied_cols):
            cand = score[:, tied_prev] + tied_pen  # (n, tied, m)
            pick = cand.argmax(axis=2)
            back[t][:, tied_cols] = tied_prev[np.arange(len(tied_cols)), pick]
            new[:, tied_cols] = np.take_along_axis(cand, pick[:, :, None], axis=2)[:, :, 0]
        score = np.where((t < lengths)[:, None], new + lp[t], score)
    # backtrack all sequences together: position t of sequence i follows back[i, t + 1]
    # while t < length_i - 1; at and after its last word a sequence holds its best end tag
    cur = score.argmax(axis=1)
    out = np.empty((width, n), dtype=np.int64)
    out[width - 1] = cur
    for t in range(width - 2, -1, -1):
        cur = np.where(t < lengths - 1, back[t + 1, rows, cur], cur)
        out[t] = cur
    return [out[:length, i].copy() for i, length in enumerate(lengths.tolist())]


def bio_spans(path: Sequence[int] | np.ndarray, tags: Sequence[str],
              probs: np.ndarray | None = None) -> list[SpanTuple]:
    """Turn a tag path into spans.

    Parameters
    ----------
    path : sequence of int
        Tag index per word (a valid BIO path; a stray ``I-X`` opens a new span so that a
        path from plain argmax decoding is still usable).
    tags : sequence of str
        Tag names.
    probs : numpy.ndarray, shape (T, K), optional
        Per-word tag probabilities; a span's confidence is the mean probability of its
        chosen tags (1.0 when omitted).

    Returns
    -------
    list of (start_word, end_word_exclusive, label, confidence)
    """
    spans: list[SpanTuple] = []
    cur_start, cur_label = -1, ""

    def close(end: int) -> None:
        if cur_start >= 0:
            conf = 1.0
            if probs is not None:
                conf = float(np.mean([probs[w, path[w]] for w in range(cur_start, end)]))
            spans.append((cur_start, end, cur_label, conf))

    for w, idx in enumerate(path):
        tag = tags[int(idx)]
        if tag == "O":
            close(w)
            cur_start = -1
        elif tag.startswith("B-") or tag[2:] != cur_label or cur_start < 0:
            close(w)
            cur_start, cur_label = w, tag[2:]
        # else: I-X continuing the open span
    close(len(path))
    return spans

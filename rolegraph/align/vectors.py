"""Sparse vectors of roles (rows) over features (columns) and the cosine similarities between two sets of them; a
small TF-IDF for titles and descriptions.

>>> rows = SparseRows.build(["a", "b"], [("a", "x", 1.0), ("a", "y", 1.0), ("b", "x", 2.0)])
>>> [round(float(v), 3) for v in rows.normalized().gram(rows.normalized())[0]]
[1.0, 0.707]
>>> sorted(tokens("Film and Video Editors"))
['editor', 'film', 'film video', 'video', 'video editor']
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .text import inverse_frequencies

__all__ = ["STOPWORDS", "SparseRows", "tfidf_rows", "tokens"]

Matrix = npt.NDArray[np.float32]

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "in",
        "on",
        "for",
        "to",
        "with",
        "at",
        "by",
        "from",
        "as",
        "other",
        "all",
        "any",
        "its",
        "their",
        "this",
        "that",
        "be",
        "is",
        "are",
        "not",
        "no",
        "nor",
        "except",
        "including",
        "such",
        "e",
        "g",
        "i",
        "etc",
    }
)
"""Words that say nothing about a role in a title or description."""

_WORD = re.compile(r"[a-z0-9]+")
_CHUNK = 2048
"""Feature columns made dense at a time in :meth:`SparseRows.gram` (bounds its memory: rows x 2048 x 4 bytes)."""
_HEAVY = 4096
"""A feature whose holders on both sides make more pairs than this is multiplied densely (BLAS beats pairing)."""
_PAIRS_AT_ONCE = 1_000_000
"""Entry pairs made at a time for the other features (bounds memory: about 40 bytes each)."""


def _stem(word: str) -> str:
    """A crude English singular, enough for titles: 'editors' -> 'editor', 'secretaries' -> 'secretary'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str, bigrams: bool = True) -> list[str]:
    """The words of ``text`` (lower case, singular, without stop words), and with ``bigrams`` the pairs of adjacent
    words as well."""
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    if bigrams:
        return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return words


@dataclass(frozen=True)
class SparseRows:
    """A matrix with a row per item (``names``) in coordinate form: ``values[i]`` at (``rows[i]``, ``cols[i]``)."""

    names: tuple[str, ...]
    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    width: int

    @classmethod
    def build(
        cls, names: Sequence[str], entries: Iterable[tuple[str, str, float]], features: dict[str, int] | None = None
    ) -> SparseRows:
        """The matrix of ``names`` over the features named in ``entries`` (item, feature, value); an item or
        feature pair given twice adds up; entries of items not in ``names`` are left out. Matrices built with the
        same ``features`` (feature -> column, extended here) can be multiplied with each other."""
        index = {name: i for i, name in enumerate(names)}
        features = {} if features is None else features
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for item, feature, value in entries:
            if (row := index.get(item)) is not None:
                rows.append(row)
                cols.append(features.setdefault(feature, len(features)))
                values.append(value)
        return cls(tuple(names), np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                   np.array(values, dtype=np.float64), len(features))  # fmt: skip

    def norms(self) -> npt.NDArray[np.float64]:
        """Each row's Euclidean norm (after adding up repeated pairs)."""
        dense = self._summed()
        out = np.zeros(len(self.names))
        np.add.at(out, dense.rows, dense.values**2)
        return np.sqrt(out)

    def _summed(self) -> SparseRows:
        if len(self.rows) == 0:
            return self
        keys = self.rows * max(self.width, 1) + self.cols
        unique, inverse = np.unique(keys, return_inverse=True)
        values = np.zeros(len(unique))
        np.add.at(values, inverse, self.values)
        width = max(self.width, 1)
        return SparseRows(self.names, unique // width, unique % width, values, self.width)

    def normalized(self) -> SparseRows:
        """The rows scaled to unit length (empty rows stay empty)."""
        summed = self._summed()
        norms = summed.norms()
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return SparseRows(summed.names, summed.rows, summed.cols, summed.values * scale[summed.rows], summed.width)

    def take(self, names: Sequence[str]) -> SparseRows:
        """The rows of ``names`` (all of them rows of this matrix), over the same features."""
        index = {name: i for i, name in enumerate(self.names)}
        order = np.full(len(self.names), -1, dtype=np.int64)
        for new, name in enumerate(names):
            order[index[name]] = new
        keep = order[self.rows] >= 0
        return SparseRows(tuple(names), order[self.rows[keep]], self.cols[keep], self.values[keep], self.width)

    def present(self) -> npt.NDArray[np.bool_]:
        """Whether each row has a non-zero value."""
        out = np.zeros(len(self.names), dtype=bool)
        out[self.rows[self.values != 0]] = True
        return out

    def gram(self, other: SparseRows) -> Matrix:
        """The dot products of every row of this matrix with every row of ``other`` (built with the same features).

        Features many rows of both hold are multiplied as dense blocks; the rest pair their entries directly."""
        out = np.zeros((len(self.names), len(other.names)), dtype=np.float32)
        width = max(self.width, other.width)
        if width == 0 or len(self.rows) == 0 or len(other.rows) == 0:
            return out
        df_a = np.bincount(self.cols, minlength=width)
        df_b = np.bincount(other.cols, minlength=width)
        cost = df_a * df_b
        heavy = np.flatnonzero(cost > _HEAVY)
        for start in range(0, len(heavy), _CHUNK):
            columns = heavy[start : start + _CHUNK]
            out += self._dense(columns) @ other._dense(columns).T
        light = (cost > 0) & (cost <= _HEAVY)
        a_keep, b_keep = light[self.cols], light[other.cols]
        a_order = np.argsort(self.cols[a_keep], kind="stable")
        b_order = np.argsort(other.cols[b_keep], kind="stable")
        a_cols, a_rows, a_vals = (x[a_keep][a_order] for x in (self.cols, self.rows, self.values))
        b_rows, b_vals = (x[b_keep][b_order] for x in (other.rows, other.values))
        b_start = np.concatenate(([0], np.cumsum(df_b * light)))[:-1]
        n_pairs = (df_b * light)[a_cols]
        step = max(1, _PAIRS_AT_ONCE // max(int(n_pairs.max(initial=1)), 1))
        for lo in range(0, len(a_cols), step):
            counts = n_pairs[lo : lo + step]
            if counts.sum() == 0:
                continue
            left = np.repeat(np.arange(lo, lo + len(counts)), counts)
            offsets = np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
            right = b_start[a_cols[left]] + offsets
            flat = a_rows[left] * len(other.names) + b_rows[right]
            out += np.bincount(flat, weights=a_vals[left] * b_vals[right],
                               minlength=out.size).reshape(out.shape).astype(np.float32)  # fmt: skip
        return out

    def _dense(self, columns: npt.NDArray[np.int64]) -> Matrix:
        """The rows over ``columns`` (sorted feature indices) as a dense block."""
        block = np.zeros((len(self.names), len(columns)), dtype=np.float32)
        position = np.searchsorted(columns, self.cols)
        position = np.minimum(position, len(columns) - 1)
        keep = columns[position] == self.cols
        np.add.at(block, (self.rows[keep], position[keep]), self.values[keep].astype(np.float32))
        return block


def tfidf_rows(names: Sequence[str], documents: Sequence[Sequence[str]], min_df: int = 2) -> SparseRows:
    """The TF-IDF vectors (sublinear term frequency, the plain idf of :func:`.text.inverse_frequencies`) of
    ``documents`` (token lists, one per name), without the terms fewer than ``min_df`` documents hold (they can match
    nothing), rows of unit length."""
    df: dict[str, int] = {}
    counts: list[dict[str, int]] = []
    for document in documents:
        tf: dict[str, int] = {}
        for token in document:
            tf[token] = tf.get(token, 0) + 1
        counts.append(tf)
        for token in tf:
            df[token] = df.get(token, 0) + 1
    idf = inverse_frequencies(df, len(documents), smooth=False)
    entries = (
        (name, token, (1.0 + math.log(count)) * idf[token])
        for name, tf in zip(names, counts, strict=True)
        for token, count in tf.items()
        if df[token] >= min_df
    )
    return SparseRows.build(names, entries).normalized()

"""The offline text model: TF-IDF vectors of concept labels (word stems and character n-grams, two views) and their
cosine similarity, top-k per concept. Nothing is downloaded; numpy is the only dependency.

>>> stem("management"), stem("managing"), stem("manage"), stem("budgets")
('manag', 'manag', 'manag', 'budget')
>>> words("Managing the budgets")
['manag', 'budget']
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "METHOD",
    "METHOD_VERSION",
    "Concept",
    "SparseRows",
    "TextModel",
    "char_grams",
    "cosine_pairs",
    "inverse_frequencies",
    "stem",
    "top_matches",
    "words",
]

METHOD = "rolegraph-align tfidf"
METHOD_VERSION = "1"
"""Changes whenever the model's scores change (tokens, weights, views)."""

STOPWORDS = frozenset(
    {"a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on", "or",
     "other", "such", "that", "the", "their", "them", "this", "to", "up", "use", "using", "with", "within", "etc",
     "e", "g", "i", "ie", "eg", "via", "per", "all", "any", "your", "one"}
)  # fmt: skip
_SUFFIXES = (
    "isations", "izations", "ications", "ations", "isation", "ization", "ication", "ation", "ments", "ment",
    "ings", "ing", "ions", "ion", "ities", "ity", "ances", "ance", "ences", "ence", "ers", "er", "ies", "ates",
    "ate", "ives", "ive", "ists", "ist", "als", "al", "ed", "es", "s", "e",
)  # fmt: skip
_SHORT = frozenset({"er", "ers", "al", "als", "es", "e", "s"})
_WORD = re.compile(r"[a-z0-9]+")
LABEL_WEIGHT, ALT_WEIGHT, DESCRIPTION_WEIGHT = 1.0, 0.95, 0.25
"""A match through an alternative label counts a little less than one through the preferred label; descriptions add
evidence with a lower weight."""
COMMON_SHARE, COMMON_MIN = 0.05, 50
"""Character n-grams held by more of the other side's labels than this share (and this number) are left out of the
n-gram view's dot products."""
WHOLE_BELOW = 0.6
"""A label whose n-grams outside the common ones hold less than this norm is compared on all of its n-grams."""
WORD_SHARE = 0.7
"""The word view's share of the lexical score (the character n-gram view has the rest)."""


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stem: British and American spellings made one, then one common suffix stripped (never below 3
    letters), so that manage, managing and management, or budget and budgets, are one stem."""
    word = word.replace("isa", "iza") if "isa" in word else word
    word = word.replace("ise", "ize") if word.endswith(("ise", "ised", "ises", "ising")) else word
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix in _SHORT else 3):
                word = word[: -len(suffix)]
                break
        if suffix not in ("al", "als", "s", "es"):
            break
    if word.endswith("iz") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def inverse_frequencies(df: Mapping[str, int], documents: int, smooth: bool = True) -> dict[str, float]:
    """Each term's inverse document frequency, from ``df`` (term -> how many of the ``documents`` hold it): smoothed,
    log((1 + N) / (1 + df)) + 1 (a term every document holds still counts), or plain log(N / df)."""
    if smooth:
        return {term: math.log((1 + documents) / (1 + frequency)) + 1.0 for term, frequency in df.items()}
    return {term: math.log(documents / frequency) for term, frequency in df.items()}


def words(text: str) -> list[str]:
    """The stems of the words of ``text`` that carry meaning (stopwords dropped), in order."""
    return [stem(token) for token in _WORD.findall(text.casefold()) if token not in STOPWORDS]


COMPOUND_PART = 4
"""The shortest part a compound word is split into."""
_NOT_PARTS = frozenset({"ability", "abilities", "able", "ably", "ible", "ship", "ships", "ness", "less", "ment", "ways",
                        "over", "wise", "like", "ward", "wards", "inter", "multi", "micro", "electro"})  # fmt: skip


def _compounds(tokens: Counter[str]) -> dict[str, tuple[str, str]]:
    """The words of ``tokens`` that are two other, more frequent words of them written together (scriptwriting is
    script + writing, where both appear on their own)."""
    found: dict[str, tuple[str, str]] = {}
    for token, count in tokens.items():
        if len(token) < 2 * COMPOUND_PART or not token.isalpha():
            continue
        for cut in range(COMPOUND_PART, len(token) - COMPOUND_PART + 1):
            head, tail = token[:cut], token[cut:]
            if tail in _NOT_PARTS or head in _NOT_PARTS or head in STOPWORDS:
                continue
            if tokens.get(head, 0) > count and tokens.get(tail, 0) > count:
                found[token] = (head, tail)
                break
    return found


def char_grams(text: str, n: int = 3) -> list[str]:
    """The character ``n``-grams of each word of ``text`` (padded, so that word starts and ends count)."""
    grams: list[str] = []
    for token in _WORD.findall(text.casefold()):
        if token in STOPWORDS:
            continue
        padded = f"<{token}>"
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


@dataclass(frozen=True)
class Concept:
    """A concept to align: its IRI, preferred label, alternative labels, description and the occupations (role IRIs)
    that use it."""

    iri: str
    label: str
    alternatives: tuple[str, ...] = ()
    description: str = ""
    occupations: tuple[str, ...] = ()


@dataclass
class SparseRows:
    """Rows of L2-normalised sparse vectors (compressed rows) and, per row, the concept it belongs to."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    data: npt.NDArray[np.float32]
    owner: npt.NDArray[np.int32]
    """The concept each row belongs to (rows of one concept are consecutive)."""
    weight: npt.NDArray[np.float32]
    """What a match through this row counts (preferred label 1, an alternative label less)."""

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def postings(self, features: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """The rows as an inverted index: per feature, where its postings start, and the postings' rows and weights."""
        row_of = np.repeat(np.arange(self.rows, dtype=np.int32), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=features)
        starts = np.zeros(features + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        return starts, row_of[order], self.data[order]


class TextModel:
    """TF-IDF over every concept's labels (one vocabulary and one inverse document frequency for all sources)."""

    def __init__(self, documents: Iterable[Sequence[str]]) -> None:
        self.word_index: dict[str, int] = {}
        self.gram_index: dict[str, int] = {}
        word_df: Counter[str] = Counter()
        gram_df: Counter[str] = Counter()
        documents = [list(texts) for texts in documents]
        tokens: Counter[str] = Counter(
            t for texts in documents for text in texts for t in _WORD.findall(text.casefold())
        )
        self.compounds = _compounds(tokens)
        count = 0
        for texts in documents:
            count += 1
            word_df.update({w for text in texts for w in self.words(text)})
            gram_df.update({g for text in texts for g in char_grams(text)})
        self.documents = max(count, 1)
        self.word_idf = self._idf(word_df, self.word_index)
        self.gram_idf = self._idf(gram_df, self.gram_index)

    def words(self, text: str) -> list[str]:
        """:func:`words`, with the compounds of the corpus split (scriptwriting: script, writing)."""
        out: list[str] = []
        for token in _WORD.findall(text.casefold()):
            if token in STOPWORDS:
                continue
            out.extend(stem(part) for part in self.compounds.get(token, (token,)))
        return out

    def _idf(self, df: Counter[str], index: dict[str, int]) -> npt.NDArray[np.float32]:
        weights = inverse_frequencies(df, self.documents)
        values = []
        for term in sorted(df):
            index[term] = len(index)
            values.append(weights[term])
        return np.asarray(values, dtype=np.float32)

    def _vector(
        self, terms: Iterable[tuple[str, float]], index: dict[str, int], idf: npt.NDArray[np.float32]
    ) -> dict[int, float]:
        vector: dict[int, float] = {}
        for term, weight in terms:
            position = index.get(term)
            if position is not None:
                vector[position] = vector.get(position, 0.0) + weight * float(idf[position])
        return vector

    def rows(self, concepts: Sequence[Concept], *, view: str, with_description: bool = False) -> SparseRows:
        """One row per label variant of each concept (preferred, then alternatives), or with ``with_description``
        one row per concept of all its labels and its description (lower weight). ``view`` is ``word`` or
        ``gram``."""
        index, idf = (self.word_index, self.word_idf) if view == "word" else (self.gram_index, self.gram_idf)
        split = self.words if view == "word" else char_grams
        indptr, indices, data, owner, weight = [0], [], [], [], []

        def add(vector: dict[int, float], concept: int, counts: float) -> None:
            norm = math.sqrt(sum(v * v for v in vector.values()))
            if norm == 0:
                return
            for position, value in sorted(vector.items()):
                indices.append(position)
                data.append(value / norm)
            indptr.append(len(indices))
            owner.append(concept)
            weight.append(counts)

        for number, concept in enumerate(concepts):
            if with_description:
                terms = [(t, LABEL_WEIGHT) for t in split(concept.label)]
                terms += [(t, ALT_WEIGHT / 2) for alt in concept.alternatives for t in split(alt)]
                terms += [(t, DESCRIPTION_WEIGHT) for t in split(concept.description)]
                add(self._vector(terms, index, idf), number, 1.0)
                continue
            for position, text in enumerate((concept.label, *concept.alternatives)):
                add(self._vector(((t, 1.0) for t in split(text)), index, idf), number,
                    LABEL_WEIGHT if position == 0 else ALT_WEIGHT)  # fmt: skip
        return SparseRows(np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int32),
                          np.asarray(data, dtype=np.float32), np.asarray(owner, dtype=np.int32),
                          np.asarray(weight, dtype=np.float32))  # fmt: skip

    def features(self, view: str) -> int:
        return len(self.word_index if view == "word" else self.gram_index)


def _kept_norms(rows: SparseRows, common: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """Each row's norm over the features that are not ``common``."""
    kept = np.where(common[rows.indices], 0.0, rows.data.astype(np.float64) ** 2)
    sums = np.add.reduceat(kept, rows.indptr[:-1]) if len(kept) else np.zeros(rows.rows)
    sums[np.diff(rows.indptr) == 0] = 0
    return np.sqrt(sums).astype(np.float32)


def _blocks(
    left: SparseRows, right: SparseRows, features: int, cells: int = 4_000_000, *, prune: bool = False
) -> Iterator[tuple[int, int, npt.NDArray[np.float32]]]:
    """The cosine of every row of ``left`` with every row of ``right``, a block of consecutive left rows at a time
    (start, stop, dense block), through the inverted index of ``right``; with ``prune``, features that more than
    :data:`COMMON_SHARE` of the right rows have add nothing (the character n-grams that half the words share, which
    say little and cost most of the time)."""
    starts, post_rows, post_data = right.postings(features)
    width = right.rows
    common = np.diff(starts) > max(COMMON_SHARE * width, COMMON_MIN) if prune else np.zeros(features, dtype=bool)
    # the cosine over the features kept: identical labels still score 1
    left_norm = _kept_norms(left, common)
    right_norm = _kept_norms(right, common)
    # a label made of common n-grams only (most of its weight pruned) is compared on all of them, by plain cosine
    whole = left_norm < WHOLE_BELOW
    left_norm[whole] = 1.0
    step = max(1, cells // max(width, 1))
    for first in range(0, left.rows, step):
        last = min(left.rows, first + step)
        lo, hi = left.indptr[first], left.indptr[last]
        feats = left.indices[lo:hi]
        weights = left.data[lo:hi]
        local = np.repeat(np.arange(last - first, dtype=np.int64), np.diff(left.indptr[first : last + 1]))
        lengths = np.where(common[feats] & ~whole[first + local], 0, starts[feats + 1] - starts[feats])
        total = int(lengths.sum())
        block = np.zeros((last - first) * width, dtype=np.float32)
        if total:
            offsets = np.repeat(starts[feats] - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            cells_at = np.repeat(local, lengths) * width + post_rows[offsets]
            block = np.bincount(cells_at, weights=np.repeat(weights, lengths) * post_data[offsets],
                                minlength=(last - first) * width).astype(np.float32)  # fmt: skip
        scale = np.outer(left_norm[first:last], right_norm)
        scale[whole[first:last]] = 1.0
        yield first, last, np.divide(block.reshape(last - first, width), scale, out=np.zeros_like(scale),
                                     where=scale > 0)  # fmt: skip


def cosine_pairs(left: SparseRows, right: SparseRows, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    """The cosine of the rows of ``left`` and ``right`` named by each (left row, right row) of ``pairs``."""
    out = np.zeros(len(pairs), dtype=np.float32)
    right_rows = [dict(zip(right.indices[right.indptr[i] : right.indptr[i + 1]].tolist(),
                           right.data[right.indptr[i] : right.indptr[i + 1]].tolist(), strict=True))
                  for i in range(right.rows)]  # fmt: skip
    for number, (a, b) in enumerate(pairs.tolist()):
        if a < 0 or b < 0:
            continue
        row = right_rows[b]
        lo, hi = left.indptr[a], left.indptr[a + 1]
        out[number] = sum(
            row.get(f, 0.0) * v for f, v in zip(left.indices[lo:hi].tolist(), left.data[lo:hi].tolist(), strict=True)
        )
    return out


def _pooled(
    model: TextModel, left: Sequence[Concept], right: Sequence[Concept], view: str
) -> Iterator[tuple[int, int, npt.NDArray[np.float32]]]:
    """Per block of left concepts, the best cosine of any of their label variants with any of each right concept's,
    each weighted by what its variants count (concepts without a usable label score 0)."""
    a = model.rows(left, view=view)
    b = model.rows(right, view=view)
    b_starts = np.searchsorted(b.owner, np.arange(len(right)))
    b_has = np.isin(np.arange(len(right)), b.owner)
    concept_step = max(1, 4_000_000 // max(b.rows, 1))
    for first_concept in range(0, len(left), concept_step):
        last_concept = min(len(left), first_concept + concept_step)
        lo_row, hi_row = np.searchsorted(a.owner, [first_concept, last_concept])
        out = np.zeros((last_concept - first_concept, len(right)), dtype=np.float32)
        lo, hi = a.indptr[lo_row], a.indptr[hi_row]
        sub = SparseRows(a.indptr[lo_row : hi_row + 1] - lo, a.indices[lo:hi], a.data[lo:hi], a.owner[lo_row:hi_row],
                         a.weight[lo_row:hi_row])  # fmt: skip
        for first, last, block in _blocks(sub, b, model.features(view), max(b.rows, 4_000_000), prune=view == "gram"):
            block = block * b.weight[None, :] * sub.weight[first:last, None]
            by_right = np.zeros((last - first, len(right)), dtype=np.float32)
            if b.rows:
                pooled = np.maximum.reduceat(block, b_starts[b_has], axis=1)
                by_right[:, b_has] = pooled
            owners = sub.owner[first:last] - first_concept
            heads = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            reduced = np.maximum.reduceat(by_right, heads, axis=0)
            out[owners[heads]] = np.maximum(out[owners[heads]], reduced)
        yield first_concept, last_concept, out


def top_matches(
    model: TextModel, left: Sequence[Concept], right: Sequence[Concept], k: int, floor: float
) -> list[tuple[int, int, float]]:
    """The ``k`` best right concepts of each left concept by lexical score (at least ``floor``): (left, right, score)
    triples. The score mixes the word and character views of the best pair of labels, and (a lower share) the
    cosine of the whole documents with descriptions."""
    if not left or not right:
        return []
    found: list[tuple[int, int, float]] = []
    grams = _pooled(model, left, right, "gram")
    docs_left = model.rows(left, view="word", with_description=True)
    docs_right = model.rows(right, view="word", with_description=True)
    left_doc = {owner: row for row, owner in enumerate(docs_left.owner.tolist())}
    right_doc = {owner: row for row, owner in enumerate(docs_right.owner.tolist())}
    for (first, last, word_block), (_, _, gram_block) in zip(_pooled(model, left, right, "word"), grams, strict=True):
        score = WORD_SHARE * word_block + (1 - WORD_SHARE) * gram_block
        take = min(k * 2, score.shape[1])
        best = np.argpartition(-score, take - 1, axis=1)[:, :take]
        candidates = []
        for local, columns in enumerate(best.tolist()):
            for column in columns:
                if score[local, column] >= floor * 0.8:
                    candidates.append((first + local, column, float(score[local, column])))
        pairs = np.asarray([(left_doc.get(a, -1), right_doc.get(b, -1)) for a, b, _ in candidates], dtype=np.int64)
        docs = cosine_pairs(docs_left, docs_right, pairs.reshape(-1, 2)) if candidates else np.zeros(0)
        rescored: dict[int, list[tuple[int, int, float]]] = {}
        for (a, b, lexical), doc in zip(candidates, docs.tolist(), strict=True):
            value = 0.85 * lexical + 0.15 * max(doc, lexical * 0.8)
            if value >= floor:
                rescored.setdefault(a, []).append((a, b, value))
        for a in sorted(rescored):
            found.extend(sorted(rescored[a], key=lambda item: -item[2])[:k])
        del last
    return found

"""The name index: every distinct canonical name as a sparse TF-IDF vector of its characters and character
bigrams (generic: it knows nothing of the domain), the shortlist of the most similar names for any name
or text, and the per-name contrast features the vectorised scorer reads as bit masks."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from store.lexicon import Lexicon
from store.matching.normalize import Normalized

LARGE = 20_000  # distinct names from which the cheaper candidate generation is used


def grams(text: str) -> list[str]:
    """Characters and character bigrams of a text (a one-character name is its own gram)."""
    return [*text, *(text[i: i + 2] for i in range(len(text) - 1))]


def _tfidf(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], total: int
           ) -> tuple[np.ndarray, sparse.csr_matrix]:
    """IDF weights and the L2-normalised binary TF-IDF matrix of (row, gram) pairs."""
    df = np.bincount(cols, minlength=shape[1]).astype(np.float32)
    idf = np.log((total + 1) / (df + 0.5)).astype(np.float32)
    weights = idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=shape[0]))
    values = (weights / np.maximum(norms[rows], 1e-9)).astype(np.float32)
    return idf, sparse.csr_matrix((values, (rows, cols)), shape=shape)


def _bits(values: Iterable, ids: dict) -> int:
    mask = 0
    for value in values:
        mask |= 1 << (ids.setdefault(value, len(ids)) % 63)
    return mask


class NameIndex:
    """Distinct canonical names with IDF-weighted 1-2-gram vectors and the contrast features of each."""

    def __init__(self, names: Sequence[Normalized], lexicon: Lexicon | None = None, *,
                 informative: int | None = None, frequent_divisor: int = 50, wide: int | None = None) -> None:
        self.names = list(names)
        # the work per name shrinks on large workspaces, where near-duplicates make a short list enough
        self.large = len(self.names) > LARGE
        informative = informative or (8 if self.large else 40)
        self.wide = wide or (80 if self.large else 300)
        self.canonicals = [n.canonical for n in self.names]
        self.texts = np.array(self.canonicals, dtype=object)
        self.position = {c: i for i, c in enumerate(self.canonicals)}
        self.vocabulary: dict[str, int] = {}
        rows = array("i")
        cols = array("i")
        for row, text in enumerate(self.canonicals):
            found = {self.vocabulary.setdefault(g, len(self.vocabulary)) for g in grams(text)}
            rows.extend([row] * len(found))
            cols.extend(found)
        rows_np = np.frombuffer(rows, dtype=np.int32) if len(rows) else np.zeros(0, dtype=np.int32)
        cols_np = np.frombuffer(cols, dtype=np.int32) if len(cols) else np.zeros(0, dtype=np.int32)
        self.total = max(len(self.names), 1)
        shape = (len(self.names), max(len(self.vocabulary), 1))
        self.idf, self.matrix = _tfidf(rows_np, cols_np, shape, self.total)
        self.df = np.bincount(cols_np, minlength=shape[1])
        weights = self.idf[cols_np]
        # the rarest grams each name shares with some other name (a gram of its own finds nothing);
        # frequent ones only while it has fewer than three
        shared = self.df[cols_np] > 1
        order = np.lexsort((-weights, ~shared, rows_np))
        starts = np.searchsorted(rows_np[order], rows_np[order])
        rank = np.arange(len(order)) - starts
        self.frequent = max(50, self.total // frequent_divisor)
        self.informative_count = informative
        chosen = order[shared[order] & (rank < informative) & ((rank < 3) | (self.df[cols_np[order]] <= self.frequent))]
        self.informative = sparse.csr_matrix(
            (weights[chosen].astype(np.float32), (rows_np[chosen], cols_np[chosen])), shape=shape)
        self._postings = self.matrix.T.tocsr()  # gram -> names
        self.lengths = np.array([len(c) for c in self.canonicals], dtype=np.float32)
        ids: dict = {}
        self.qualifiers = np.array([_bits(n.qualifiers, ids) for n in self.names], dtype=np.int64)
        ids = {}
        self.populations = np.array([_bits(n.populations, ids) for n in self.names], dtype=np.int64)
        ids = {}
        self.actions = np.array([_bits(n.actions, ids) for n in self.names], dtype=np.int64)
        self.quoted = np.array([bool(n.quoted) for n in self.names], dtype=bool)
        self.tail = np.array([[ord(ch) for ch in c[-5:].rjust(5, "\0")] for c in self.canonicals],
                             dtype=np.int32).reshape(-1, 5)
        # contrast pairs of the lexicon: bit k of side_a / side_b says the name holds pair k's first / second term
        pairs = sorted(tuple(sorted(p)) for p in (lexicon.pairs if lexicon else ()))
        side_a = np.zeros(len(self.names), dtype=np.int64)
        side_b = np.zeros(len(self.names), dtype=np.int64)
        for k, (first, second) in enumerate(pairs):
            bit = np.int64(1 << (k % 63))
            for row, text in enumerate(self.canonicals):
                if first in text:
                    side_a[row] |= bit
                if second in text:
                    side_b[row] |= bit
        self.pairs = pairs
        self.side_a, self.side_b = side_a, side_b
        self._weights: dict[str, float] | None = None
        self._profiles: dict[str, tuple[frozenset[str], float]] = {}

    def vector(self, text: str) -> sparse.csr_matrix:
        """The TF-IDF vector of any text over this index's grams (grams no name has count as rare ones)."""
        found = sorted({self.vocabulary[g] for g in grams(text) if g in self.vocabulary})
        unknown = len({g for g in grams(text) if g not in self.vocabulary})
        weights = self.idf[found] if found else np.zeros(0, dtype=np.float32)
        norm = math.sqrt(float(np.sum(weights * weights)) + unknown * math.log((self.total + 1) / 0.5) ** 2) or 1.0
        return sparse.csr_matrix((weights / norm, ([0] * len(found), found)), shape=(1, self.matrix.shape[1]))

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the TF-IDF vectors of two texts (one pair, in plain Python: an explanation's cost)."""
        if a == b:
            return 1.0 if a else 0.0
        (grams_a, norm_a), (grams_b, norm_b) = self._profile(a), self._profile(b)
        if not norm_a or not norm_b:
            return 0.0
        weights = self._weights or {}
        rare = math.log((self.total + 1) / 0.5)
        return sum(weights.get(g, rare) ** 2 for g in grams_a & grams_b) / (norm_a * norm_b)

    def _profile(self, text: str) -> tuple[frozenset[str], float]:
        """A text's grams and the norm of their weights (kept for the texts explanations meet again)."""
        found = self._profiles.get(text)
        if found is None:
            if self._weights is None:
                self._weights = dict(zip(self.vocabulary, self.idf.tolist(), strict=True))
            rare = math.log((self.total + 1) / 0.5)
            text_grams = frozenset(grams(text))
            found = (text_grams, math.sqrt(sum(self._weights.get(g, rare) ** 2 for g in text_grams)))
            if len(self._profiles) > 50_000:
                self._profiles.clear()
            self._profiles[text] = found
        return found

    def shortlist(self, rows: Sequence[int], size: int, *, wide: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
        """For each row, the names most similar to it and their cosines: arrays of ``size + 1`` columns,
        the row itself first, -1 where there are fewer.

        Two stages: the names sharing the row's informative (rare) grams, the ``wide`` best of them by the
        weight of those grams; then the ``size`` best of those by the cosine of the full vectors.
        """
        result = np.full((len(rows), size + 1), -1, dtype=np.int64)
        cosines = np.zeros((len(rows), size + 1))
        if not self.names or not len(rows):
            return result, cosines
        chosen, found = self._rank(self.informative[list(rows)], self.matrix[list(rows)], list(rows), size, wide)
        result[:, 0] = rows
        cosines[:, 0] = 1.0
        result[:, 1: 1 + chosen.shape[1]] = chosen
        cosines[:, 1: 1 + chosen.shape[1]] = found
        return result, cosines

    def shortlist_text(self, text: str, size: int) -> np.ndarray:
        """The names most similar to any text (a name rewritten through a learned term), best first."""
        vector = self.vector(text)
        present = vector.indices
        if not len(present):
            return np.zeros(0, dtype=np.int64)
        # its rarest grams, as for a name: frequent ones only while it has fewer than three
        order = np.argsort(-self.idf[present], kind="stable")
        keep = [int(present[i]) for rank, i in enumerate(order)
                if rank < 3 or self.df[present[i]] <= self.frequent][: self.informative_count]
        informative = sparse.csr_matrix((self.idf[keep], ([0] * len(keep), keep)), shape=vector.shape)
        chosen = self._rank(informative, vector, [-1], size, None)[0][0]
        return chosen[chosen >= 0]

    def _rank(self, informative: sparse.csr_matrix, vectors: sparse.csr_matrix, rows: list[int], size: int,
              wide: int | None) -> tuple[np.ndarray, np.ndarray]:
        wide = wide or self.wide
        product = (informative @ self._postings).tocsr()
        first = np.full((len(rows), wide), -1, dtype=np.int64)
        for offset, row in enumerate(rows):
            start, end = product.indptr[offset], product.indptr[offset + 1]
            indices = product.indices[start:end]
            data = product.data[start:end]
            keep = indices != row
            indices, data = indices[keep], data[keep]
            if len(indices) > wide:
                top = np.argpartition(-data, wide)[:wide]
                indices = indices[top]
            first[offset, : len(indices)] = indices
        valid = first >= 0
        query_rows = np.repeat(np.arange(len(rows))[:, None], wide, axis=1)[valid]
        cosine = np.full(first.shape, -1.0)
        cosine[valid] = np.asarray(vectors[query_rows].multiply(self.matrix[first[valid]]).sum(axis=1)).ravel()
        order = np.lexsort((first, -cosine), axis=1)[:, :size]
        chosen = np.take_along_axis(first, order, axis=1)
        found = np.take_along_axis(cosine, order, axis=1)
        chosen[found < 0] = -1
        return chosen, np.maximum(found, 0.0)

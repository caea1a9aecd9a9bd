"""Text normalisation and the shared TF-IDF feature space (word 1-2-grams + char 2-5-grams).

One analyser is used at training and at inference time, so features are identical by
construction. The fitted space is stored as a plain term list plus an idf vector (no pickles),
and every model head shares it: one sparse matrix product scores all labels at once.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np
from scipy import sparse

MAX_CHARS = 1500  # long blog posts add little signal but cost linear time
CHAR_NGRAMS = (2, 3, 4, 5)

_URL = re.compile(r"(?:https?://|www\.)\S+")
_USER = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_REPEAT = re.compile(r"(.)\1{2,}")


def normalise(text: str) -> str:
    """Lower-case and replace URLs, user mentions and digits with placeholders."""
    text = text[:MAX_CHARS].replace("|LBR|", " ")
    text = _URL.sub(" httpurl ", text)
    text = _USER.sub(" atuser ", text)
    text = _DIGITS.sub("0", text.lower())
    # "suuuuper" -> "suuper": keeps the emphasis signal but shares n-grams with "super"
    return _REPEAT.sub(r"\1\1", text)


def tokens(text: str) -> list[str]:
    """Word and single-symbol tokens of normalised text (punctuation and emoji are tokens)."""
    return _TOKEN.findall(text)


def word_features(toks: Sequence[str]) -> list[str]:
    """``w:``-prefixed word unigrams and bigrams."""
    feats = ["w:" + t for t in toks]
    feats.extend(["w:" + a + " " + b for a, b in pairwise(toks)])
    return feats


def char_features(tok: str) -> list[str]:
    """Char n-grams inside one space-padded word token (like sklearn's ``char_wb``).

    Only word tokens get them, so they never contain ``:`` and cannot collide with word features.
    """
    if not (tok[0].isalnum() or tok[0] == "_"):
        return []
    padded = " " + tok + " "
    size = len(padded)
    feats: list[str] = []
    for n in CHAR_NGRAMS:
        if n > size:
            break
        feats.extend([padded[i : i + n] for i in range(size - n + 1)])
    return feats


def analyse(text: str) -> list[str]:
    """All features of one raw text (used for fitting the vocabulary and for explanations)."""
    toks = tokens(normalise(text))
    feats = word_features(toks)
    for tok in toks:
        feats.extend(char_features(tok))
    return feats


class FeatureSpace:
    """A fixed vocabulary with idf weights; transforms texts to l2-normalised sublinear TF-IDF."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray) -> None:
        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.index = {term: i for i, term in enumerate(self.terms)}
        self._cache: dict[str, list[int]] = {}

    @property
    def size(self) -> int:
        return len(self.terms)

    @classmethod
    def fit(cls, texts: Iterable[str], *, min_df: int = 2, max_features: int = 200_000) -> FeatureSpace:
        """Keep the ``max_features`` terms with the highest document frequency (ties by term)."""
        df: Counter[str] = Counter()
        n_docs = 0
        for text in texts:
            df.update(set(analyse(text)))
            n_docs += 1
        kept = [(count, term) for term, count in df.items() if count >= min_df]
        kept.sort(key=lambda item: (-item[0], item[1]))
        kept = sorted(kept[:max_features], key=lambda item: item[1])
        terms = [term for _, term in kept]
        counts = np.array([count for count, _ in kept], dtype=np.float64)
        idf = np.log((1.0 + n_docs) / (1.0 + counts)) + 1.0
        return cls(terms, idf)

    def _token_indices(self, tok: str) -> list[int]:
        """Vocabulary indices of a token's unigram and char n-grams, cached per token.

        Tokens repeat (Zipf), so the cache turns most of the n-gram work into one dict lookup.
        """
        found = self._cache.get(tok)
        if found is None:
            index_get = self.index.get
            found = [j for j in map(index_get, ["w:" + tok, *char_features(tok)]) if j is not None]
            if len(self._cache) > 500_000:  # bound memory on adversarial input
                self._cache.clear()
            self._cache[tok] = found
        return found

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        index_get = self.index.get
        token_indices = self._token_indices
        indptr = array("q", [0])
        indices = array("i")  # typed buffers: numpy wraps them without converting Python ints
        for text in texts:
            toks = tokens(normalise(text))
            for tok in toks:
                indices.extend(token_indices(tok))
            pairs = map(index_get, ["w:" + a + " " + b for a, b in pairwise(toks)])
            indices.extend([j for j in pairs if j is not None])
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (
                np.ones(len(indices)),
                np.frombuffer(indices, dtype=np.int32),
                np.frombuffer(indptr, dtype=np.int64),
            ),
            shape=(len(texts), self.size),
        )
        matrix.sum_duplicates()  # repeated features become counts
        # sublinear tf, then idf, then l2 row normalisation (as TfidfVectorizer(sublinear_tf=True))
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
        matrix.data *= self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0.0] = 1.0
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
        return matrix

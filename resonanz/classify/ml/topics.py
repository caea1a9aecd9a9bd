"""Brand-defined topics from keywords and example posts.

A brand lists topics, each with keywords (``verspät*`` matches as a prefix, multi-word keywords
as phrases) and/or a few example posts. A post gets a topic when a keyword matches or when its
TF-IDF vector is close (cosine) to the centroid of the topic's examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .features import FeatureSpace, normalise, tokens

DEFAULT_SIMILARITY = 0.3


@dataclass(frozen=True)
class BrandTopic:
    name: str
    keywords: Sequence[str] = ()
    examples: Sequence[str] = ()
    min_similarity: float = DEFAULT_SIMILARITY

    def __post_init__(self) -> None:
        # tuples keep the topic hashable (matchers are cached per topic set)
        object.__setattr__(self, "keywords", tuple(self.keywords))
        object.__setattr__(self, "examples", tuple(self.examples))


@dataclass
class TopicMatcher:
    space: FeatureSpace
    topics: Sequence[BrandTopic]
    _centroids: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        centroids = np.zeros((len(self.topics), self.space.size))
        for i, topic in enumerate(self.topics):
            if topic.examples:
                mean = np.asarray(self.space.transform(list(topic.examples)).mean(axis=0)).ravel()
                norm = np.linalg.norm(mean)
                centroids[i] = mean / norm if norm else mean
        self._centroids = centroids

    def match(self, text: str, vector: sparse.csr_matrix) -> list[tuple[str, str]]:
        """``[(topic, reason), ...]`` for one text and its (l2-normalised) feature row."""
        if not self.topics:
            return []
        norm_text = normalise(text)
        toks = set(tokens(norm_text))
        similarities = np.asarray(vector @ self._centroids.T).ravel()
        found: list[tuple[str, str]] = []
        for topic, similarity in zip(self.topics, similarities, strict=True):
            keyword = _matching_keyword(topic.keywords, norm_text, toks)
            if keyword:
                found.append((topic.name, f"keyword '{keyword}'"))
            elif topic.examples and similarity >= topic.min_similarity:
                found.append((topic.name, f"similar to examples (cosine {similarity:.2f})"))
        return found


def _matching_keyword(keywords: Sequence[str], norm_text: str, toks: set[str]) -> str | None:
    for keyword in keywords:
        key = keyword.strip().lower()
        if not key:
            continue
        if key.endswith("*"):
            stem = key[:-1]
            if any(tok.startswith(stem) for tok in toks):
                return keyword
        elif " " in key:
            if key in norm_text:
                return keyword
        elif key in toks:
            return keyword
    return None

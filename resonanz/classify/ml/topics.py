"""Brand-defined topics from keywords and example posts.

A brand lists topics, each with keywords (``verspät*`` matches as a prefix, multi-word keywords
as phrases, case-insensitive, whole words) and/or a few example posts. A post gets a topic when a
keyword matches or when its TF-IDF vector is close (cosine) to the centroid of the topic's examples.

Cost matters: topics run on every ingested post. Keywords are compiled into one regular expression
per topic, and the example similarities of a whole batch are one sparse x dense product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .features import FeatureSpace

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


def keyword_pattern(keywords: Sequence[str]) -> tuple[re.Pattern[str] | None, list[str]]:
    """One regex for a topic's keywords, a group per keyword (``match.lastindex`` names it).

    Words match whole (``bahn`` not inside ``autobahn``), ``*`` at the end of a keyword makes its
    last word a prefix, and the words of a phrase may be separated by any whitespace.
    """
    groups: list[str] = []
    kept: list[str] = []
    for keyword in keywords:
        key = keyword.strip()
        prefix = key.endswith("*")
        words = key.rstrip("*").split()
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        groups.append("(" + body + (r"\w*" if prefix else "") + ")")
        kept.append(keyword)
    if not groups:
        return None, []
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)", re.IGNORECASE), kept


@dataclass
class TopicMatcher:
    space: FeatureSpace
    topics: Sequence[BrandTopic]
    _patterns: list[tuple[re.Pattern[str] | None, list[str]]] = field(init=False)
    _with_examples: list[int] = field(init=False)
    _centroids: np.ndarray = field(init=False)  # (n_features, topics with examples), C-contiguous

    def __post_init__(self) -> None:
        self._patterns = [keyword_pattern(t.keywords) for t in self.topics]
        self._with_examples = [i for i, t in enumerate(self.topics) if t.examples]
        centroids = np.zeros((self.space.size, len(self._with_examples)))
        for column, i in enumerate(self._with_examples):
            mean = np.asarray(self.space.transform(list(self.topics[i].examples)).mean(axis=0)).ravel()
            norm = np.linalg.norm(mean)
            centroids[:, column] = mean / norm if norm else mean
        self._centroids = np.ascontiguousarray(centroids)

    def similarities(self, features: sparse.csr_matrix) -> list[list[float]]:
        """Cosine similarity of every (l2-normalised) row to each example centroid, per text."""
        if not self._with_examples:
            return [[] for _ in range(features.shape[0])]
        return np.asarray(features @ self._centroids).tolist()

    def match(self, text: str, similarities: Sequence[float]) -> list[tuple[str, str]]:
        """``[(topic, reason), ...]`` for one text and its row of :meth:`similarities`."""
        found: list[tuple[str, str]] = []
        column = 0
        for i, topic in enumerate(self.topics):
            similarity = None
            if topic.examples:
                similarity = similarities[column]
                column += 1
            pattern, keywords = self._patterns[i]
            hit = pattern.search(text) if pattern is not None else None
            if hit is not None and hit.lastindex:
                found.append((topic.name, f"keyword '{keywords[hit.lastindex - 1]}'"))
            elif similarity is not None and similarity >= topic.min_similarity:
                found.append((topic.name, f"similar to examples (cosine {similarity:.2f})"))
        return found

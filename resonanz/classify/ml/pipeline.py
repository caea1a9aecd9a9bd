"""The inference pipeline: one ``Classifier`` computing every label of a post in one pass.

All learned heads share one feature space, so a batch costs one sparse x dense product; rules,
topics and explanations then run per post. ``get_classifier()`` caches the loaded artefact
(the shipped one, or a brand's adapted one when it exists).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import artefact as art
from . import explain, language, rules
from .linear import decide, probabilities
from .tasks import SENTIMENT_CLASSES
from .topics import BrandTopic, TopicMatcher

Explanations = dict[str, list[dict[str, Any]]]
Scored = dict[str, tuple[list[float], Any]]  # head -> (probabilities, decision) of one post


@dataclass
class ClassificationResult:
    language: str
    sentiment: str
    sentiment_scores: dict[str, float]
    abuse: bool
    abuse_score: float
    criticism: bool
    praise: bool
    praise_score: float
    engaging: bool
    engaging_score: float
    fact_claiming: bool
    fact_claiming_score: float
    relevant: bool
    relevance_score: float
    aspects: list[str]
    aspect_scores: dict[str, float]
    type: str
    topics: list[str]
    explanations: Explanations
    model_version: str
    missing_models: list[str] = field(default_factory=list)
    # The contract of transfer-aware labels (docs/classify.md): scores are calibrated probabilities;
    # ``sentiment`` is "uncertain" when the model abstains; ``uncertain`` names every head that abstained
    # ("sentiment", "abuse", "criticism"); ``abuse_confident`` is True only above the artefact's
    # automation threshold (leave-one-dataset-out precision >= 0.9); ``confidence`` is the calibrated
    # probability of the label given, per head. Labels stored before these fields existed lack them:
    # readers treat a missing field as "not confident".
    abuse_confident: bool = False
    uncertain: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Classifier:
    """Scores posts with a loaded :class:`~.artefact.Artefact`."""

    def __init__(self, artefact: art.Artefact, *, explain_top_k: int = explain.TOP_K) -> None:
        self.artefact = artefact
        self.space = artefact.space
        self.version = artefact.version
        self.top_k = explain_top_k
        self.heads = artefact.heads
        # all heads stacked: one (n_features, n_outputs) matrix, column slices per head
        self.slices: dict[str, slice] = {}
        start = 0
        for name, head in self.heads.items():
            self.slices[name] = slice(start, start + len(head.outputs))
            start += len(head.outputs)
        # float64 like the feature matrix: a float32 matrix would be up-cast (copied) on every batch
        self.weights = (
            np.ascontiguousarray(np.vstack([h.coef for h in self.heads.values()]).T, dtype=np.float64)
            if self.heads
            else np.zeros((self.space.size, 0))
        )
        self.intercepts = (
            np.concatenate([h.intercept for h in self.heads.values()]) if self.heads else np.zeros(0)
        )
        self._matchers: dict[tuple[BrandTopic, ...], TopicMatcher] = {}
        # thresholds chosen on leave-one-dataset-out outputs (training.py / transfer.py); an artefact
        # without them never abstains and never claims automation-grade confidence
        infos = artefact.manifest.get("heads", {})
        sentiment_t = infos.get("sentiment", {}).get("thresholds", {})
        abuse_t = infos.get("abuse", {}).get("thresholds", {})
        self.sentiment_abstain = float(sentiment_t.get("abstain", 0.0))
        self.abuse_abstain = float(abuse_t.get("abstain", 0.0))
        self.abuse_automation = float(abuse_t.get("automation", float("inf")))

    @classmethod
    def load(cls, directory: Path = art.DEFAULT_DIR) -> Classifier:
        return cls(art.load(directory))

    def classify(
        self, text: str, *, topics: Sequence[BrandTopic] = (), explain: bool = True
    ) -> ClassificationResult:
        return self.classify_many([text], topics=topics, explain=explain)[0]

    def classify_many(
        self, texts: Sequence[str], *, topics: Sequence[BrandTopic] = (), explain: bool = True
    ) -> list[ClassificationResult]:
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        features = self.space.transform(texts)
        logits = np.asarray(features @ self.weights) + self.intercepts
        # probabilities and decisions of every head for the whole batch at once
        # (.tolist(): indexing Python lists per post is much cheaper than indexing numpy arrays)
        scored = {
            name: (
                probabilities(head.kind, logits[:, self.slices[name]]).tolist(),
                decide(head.kind, logits[:, self.slices[name]], head.offsets).tolist(),
            )
            for name, head in self.heads.items()
        }
        matcher = self._matcher(tuple(topics))
        similarities = matcher.similarities(features) if matcher is not None else None
        results = []
        for i, text in enumerate(texts):
            row = features[i] if explain else None
            heads_i = {name: (probs[i], dec[i]) for name, (probs, dec) in scored.items()}
            found = matcher.match(text, similarities[i]) if matcher and similarities is not None else []
            results.append(self._one(text, heads_i, row, found, explain))
        return results

    def _matcher(self, topics: tuple[BrandTopic, ...]) -> TopicMatcher | None:
        if not topics:
            return None
        if topics not in self._matchers:
            if len(self._matchers) > 64:
                self._matchers.clear()
            self._matchers[topics] = TopicMatcher(self.space, topics)
        return self._matchers[topics]

    def _one(
        self, text: str, scored: Scored, row: Any, found_topics: list[tuple[str, str]], want_explain: bool
    ) -> ClassificationResult:
        lang, lang_reason = language.detect(text)
        missing: list[str] = []
        exp: Explanations = {"language": [{"rule": lang_reason}]}
        sentiment, sentiment_scores = self._sentiment(text, lang, scored, missing, exp)
        flags: dict[str, tuple[bool, float]] = {}
        for name in ("abuse", "praise", "engaging", "fact_claiming", "relevance"):
            if name not in scored:
                missing.append(name)
                flags[name] = (False, 0.0)
            else:
                probs, decision = scored[name]
                flags[name] = (bool(decision[0]), round(float(probs[0]), 4))
        aspects, aspect_scores = self._aspects(scored)
        abuse, abuse_score = flags["abuse"]
        confidence: dict[str, float] = {}
        uncertain: list[str] = []
        if sentiment == "uncertain":
            uncertain.append("sentiment")
            confidence["sentiment"] = sentiment_scores[exp["sentiment"][0]["best_guess"]]
        elif sentiment_scores:
            confidence["sentiment"] = sentiment_scores.get(sentiment, 0.0)
        if "abuse" in scored:
            confidence["abuse"] = round(abuse_score if abuse else 1.0 - abuse_score, 4)
            if confidence["abuse"] < self.abuse_abstain:
                uncertain.append("abuse")
        criticism, criticism_reasons = rules.criticism_or_abuse(sentiment, abuse)
        if sentiment == "uncertain" or ("abuse" in uncertain and sentiment == "negative"):
            # criticism combines both labels: unsure about either, unsure about criticism
            uncertain.append("criticism")
            criticism_reasons.append("uncertain: " + " and ".join(h for h in uncertain if h != "criticism"))
        p_criticism = sentiment_scores.get("negative", 0.0) * (1.0 - abuse_score)
        confidence["criticism"] = round(p_criticism if criticism else 1.0 - p_criticism, 4)
        kind = rules.post_type(
            text,
            sentiment=sentiment,
            negative_score=sentiment_scores.get("negative", 0.0),
            praise=flags["praise"][0],
        )
        exp["criticism"] = [{"rule": r} for r in criticism_reasons]
        exp["type"] = [{"rule": r} for r in kind.reasons]
        exp["topics"] = [{"topic": name, "rule": reason} for name, reason in found_topics]
        if want_explain and row is not None:
            exp.update(self._explain(text, row, sentiment, flags, aspects, lang != "en"))
        return ClassificationResult(
            language=lang,
            sentiment=sentiment,
            sentiment_scores=sentiment_scores,
            abuse=flags["abuse"][0],
            abuse_score=flags["abuse"][1],
            criticism=criticism,
            praise=flags["praise"][0],
            praise_score=flags["praise"][1],
            engaging=flags["engaging"][0],
            engaging_score=flags["engaging"][1],
            fact_claiming=flags["fact_claiming"][0],
            fact_claiming_score=flags["fact_claiming"][1],
            relevant=flags["relevance"][0] if "relevance" in self.heads else True,
            relevance_score=flags["relevance"][1],
            aspects=aspects,
            aspect_scores=aspect_scores,
            type=kind.label,
            topics=[name for name, _ in found_topics],
            explanations=exp,
            model_version=self.version,
            missing_models=missing,
            abuse_confident="abuse" in scored and abuse_score >= self.abuse_automation,
            uncertain=uncertain,
            confidence=confidence,
        )

    def _sentiment(
        self, text: str, lang: str, scored: Scored, missing: list[str], exp: Explanations
    ) -> tuple[str, dict[str, float]]:
        if lang == "en":
            label, scores, reasons = english_sentiment(text)
            exp["sentiment"] = reasons
            return label, scores
        if "sentiment" not in scored:
            missing.append("sentiment")
            exp["sentiment"] = [{"rule": "no sentiment model in this artefact; neutral assumed"}]
            return "neutral", {}
        probs, winner = scored["sentiment"]
        outputs = self.heads["sentiment"].outputs
        scores = {o: round(float(p), 4) for o, p in zip(outputs, probs, strict=True)}
        guess = outputs[int(winner)]
        if probs[int(winner)] < self.sentiment_abstain:
            exp["sentiment"] = [
                {
                    "rule": f"uncertain: calibrated probability {probs[int(winner)]:.2f} of the best guess "
                    f"({guess}) is below the abstain threshold {self.sentiment_abstain:.2f}",
                    "best_guess": guess,
                }
            ]
            return "uncertain", scores
        return outputs[int(winner)], scores

    def _aspects(self, scored: Scored) -> tuple[list[str], dict[str, float]]:
        if "aspects" not in scored:
            return [], {}
        outputs = self.heads["aspects"].outputs
        probs, decisions = scored["aspects"]
        chosen = [o for o, on in zip(outputs, decisions, strict=True) if on]
        return chosen, {
            o: round(float(p), 4) for o, p, on in zip(outputs, probs, decisions, strict=True) if on
        }

    def _explain(
        self,
        text: str,
        row: Any,
        sentiment: str,
        flags: dict[str, tuple[bool, float]],
        aspects: list[str],
        learned_sentiment: bool,
    ) -> Explanations:
        """Top words per learned label; flags that are off show the words arguing against."""
        columns: list[tuple[str, int, float]] = []  # (label, column in the stacked matrix, sign)
        if "sentiment" in self.heads and sentiment in SENTIMENT_CLASSES and learned_sentiment:
            columns.append(
                ("sentiment", self.slices["sentiment"].start + SENTIMENT_CLASSES.index(sentiment), 1.0)
            )
        for name in ("abuse", "praise", "engaging", "fact_claiming", "relevance"):
            if name in self.heads:
                columns.append((name, self.slices[name].start, 1.0 if flags[name][0] else -1.0))
        if "aspects" in self.heads:
            outputs = self.heads["aspects"].outputs
            columns.extend(
                (f"aspect:{a}", self.slices["aspects"].start + outputs.index(a), 1.0) for a in aspects
            )
        if not columns:
            return {}
        # only the rows of the post's features: copying the full matrix per post would dominate
        rows = self.weights[row.indices]
        weights = rows[:, [c for _, c, _ in columns]]
        if columns[0][0] == "sentiment":
            # softmax: evidence for the chosen class relative to the average of the others
            block = rows[:, self.slices["sentiment"]]
            weights[:, 0] = weights[:, 0] * 1.5 - block.sum(axis=1) * 0.5
        units = explain.word_contributions(self.space, text, row.indices, row.data, weights)
        return {
            label: [e.to_dict() for e in explain.top_evidence(units, col, sign=sign, k=self.top_k)]
            for col, (label, _, sign) in enumerate(columns)
        }


def english_sentiment(text: str) -> tuple[str, dict[str, float], list[dict[str, Any]]]:
    """VADER (shipped lexicon) for English posts; the usual +-0.05 compound thresholds."""
    scores = _vader().polarity_scores(text)
    compound = scores["compound"]
    label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
    probs = {"negative": scores["neg"], "neutral": scores["neu"], "positive": scores["pos"]}
    return label, probs, [{"rule": f"VADER lexicon (English), compound {compound:+.3f}"}]


_vader_instance: Any = None


def _vader() -> Any:
    global _vader_instance
    if _vader_instance is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader_instance = SentimentIntensityAnalyzer()
    return _vader_instance


_cache: dict[str, Classifier] = {}
_cache_lock = threading.Lock()


def brand_model_dir(brand_slug: str, data_dir: Path | None = None) -> Path:
    """Where a brand's adapted artefact lives: ``<RESONANZ_DATA_DIR or ./var>/models/<slug>/``."""
    if data_dir is None:
        from resonanz import env

        data_dir = env.data_dir()
    return data_dir / "models" / brand_slug


def get_classifier(brand_slug: str | None = None, *, data_dir: Path | None = None) -> Classifier:
    """The cached classifier: the brand's adapted artefact if trained, else the shipped one."""
    directory = art.DEFAULT_DIR
    if brand_slug:
        candidate = brand_model_dir(brand_slug, data_dir)
        if (candidate / "manifest.json").exists():
            directory = candidate
    key = str(directory)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = Classifier.load(directory)
        return _cache[key]


def clear_cache() -> None:
    """Forget loaded artefacts (after training a brand model)."""
    with _cache_lock:
        _cache.clear()

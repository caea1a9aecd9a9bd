"""Crisis detector benchmark: replay real posts with daily/weekly rhythm and injected surges.

Usage:  .venv/bin/python benchmarks/crisis.py [--data DIR] [--weeks 12] [--seed 7] [--json OUT]

The stream: real German customer posts (GermEval 2017, Deutsche Bahn feedback: the dev and diachronic
test files), each classified once with the shipped classifier (``resonanz.classify``) exactly as the
inbox does — the detector counts the posts the *classifier* calls negative, and names topics from the
classifier's aspects. Posts are replayed per brand with a daily rhythm (night low, morning and evening
peaks), a weekly rhythm (quieter weekends) and day-to-day overdispersion (a gamma factor per day, so
that real days vary more than Poisson), for five brand sizes from 5 to 6,000 posts a day.

Surges: extra posts drawn from the *gold*-negative posts of one aspect, so that the negative rate
becomes 1.5x, 2x, 3x or 5x its usual value for 2 hours (8 windows); two per week at random daytime
hours. After 8 weeks of learning, ``--weeks`` weeks are evaluated with the detector's own functions
(``resonanz.alerts.detector``): the weekday x hour baseline relearned every day from the trailing 8
weeks, like ``alerts/detection.py``; at most one open alert per brand, resolved 2 hours after its last
flagged window.

Reported: share of surges flagged, and flagged within 2 windows; median / 90th-percentile delay in
15-minute windows (1 = flagged right after the first surge window); whether the surge's topic was named
first; false alarms per brand-week (alerts not within a surge or the hour after it). Then the trade-off
curve for 3x surges: the tail probability (alpha) swept from 1e-6 to 1e-1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from resonanz.alerts import detector  # noqa: E402  (pure module, no Django)

WPD = 96  # 15-minute windows per day
HOURLY = np.array(
    [0.15, 0.1, 0.08, 0.08, 0.1, 0.25, 0.6, 1.2, 1.6, 1.4, 1.2, 1.1,
     1.2, 1.1, 1.0, 1.1, 1.3, 1.6, 1.7, 1.5, 1.3, 1.0, 0.6, 0.3]
)  # fmt: skip
WEEKLY = np.array([1.05, 1.0, 1.0, 1.0, 1.05, 0.75, 0.65])
BRANDS = {
    "tiny (5 posts/day)": 5,
    "small (60 posts/day)": 60,
    "medium (600 posts/day)": 600,
    "large (2,000 posts/day)": 2000,
    "very large (6,000 posts/day)": 6000,
}
# Relative surges (x the usual negative rate, 2 hours) and one absolute: 8 extra negative posts in an hour,
# what a small brand experiences as a crisis long before its rate triples.
SURGES: tuple[tuple[str, float], ...] = (
    ("1.5x", 1.5),
    ("2x", 2.0),
    ("3x", 3.0),
    ("5x", 5.0),
    ("+8 in 1 h", -8),
)
SURGE_WINDOWS = 8
AFTERMATH = 4  # an alert in the hour after a surge is late, not false
RESOLVE_AFTER = 8  # windows after the last flagged one
SENSITIVITIES = ("low", "medium", "high")
CURVE = (1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
LEARN_WEEKS = 8
DAY_SHAPE = 25.0  # gamma shape of the day factor: coefficient of variation 20 %


@dataclass
class Corpus:
    negative: np.ndarray  # classifier says negative, per post
    topics: list[tuple[str, ...]]  # classifier topics/aspects, per post
    surge_pool: dict[str, np.ndarray]  # aspect -> indices of gold-negative posts with that aspect
    gold_negative_share: float
    model: str


def load_corpus(data: Path) -> Corpus:
    from resonanz.classify.ml.pipeline import get_classifier

    texts, gold_negative, gold_aspects = [], [], []
    for name in ("dev.tsv", "test_dia.tsv"):
        path = data / "germeval2017" / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) < 5 or not cols[1].strip():
                continue
            texts.append(cols[1])
            gold_negative.append(cols[3] == "negative")
            gold_aspects.append({a.split("#")[0] for a in cols[4].split(";") if a})
    if not texts:
        raise SystemExit(f"no GermEval 2017 data under {data}")
    classifier = get_classifier()
    results = classifier.classify_many(texts, explain=False)
    negative = np.array([r.sentiment == "negative" for r in results])
    topics = [tuple(dict.fromkeys([*r.topics, *r.aspects])) for r in results]
    pools: dict[str, list[int]] = {}
    for n, (neg, aspects) in enumerate(zip(gold_negative, gold_aspects, strict=True)):
        for aspect in aspects - {"Allgemein"}:
            if neg:
                pools.setdefault(aspect, []).append(n)
    surge_pool = {a: np.array(ix) for a, ix in pools.items() if len(ix) >= 20}
    return Corpus(
        negative=negative,
        topics=topics,
        surge_pool=surge_pool,
        gold_negative_share=float(np.mean(gold_negative)),
        model=str(results[0].model_version),
    )


def post_rates(posts_per_day: float, days: int, rng: np.random.Generator) -> np.ndarray:
    """Expected posts per window: rhythm x weekday x a gamma day factor."""
    window = np.repeat(HOURLY / HOURLY.sum(), 4) / 4
    day_factor = rng.gamma(DAY_SHAPE, 1 / DAY_SHAPE, size=days)
    weekday = WEEKLY[np.arange(days) % 7] / WEEKLY.mean()
    return (posts_per_day * (day_factor * weekday)[:, None] * window[None, :]).ravel()


def surge_starts(first_day: int, days: int, rng: np.random.Generator) -> list[int]:
    """Two surges per week, starting between 08:00 and 20:00, not overlapping."""
    starts: list[int] = []
    for week in range(days // 7):
        for _ in range(2):
            day = first_day + week * 7 + int(rng.integers(0, 7))
            start = day * WPD + int(rng.integers(8 * 4, 20 * 4))
            if all(abs(start - s) > 2 * (SURGE_WINDOWS + AFTERMATH) for s in starts):
                starts.append(start)
    return sorted(starts)


@dataclass
class Stream:
    negatives: np.ndarray  # classifier-negative posts per window
    post_window: np.ndarray  # window of every replayed post
    post_text: np.ndarray  # corpus index of every replayed post
    surge_of: np.ndarray  # surge number per window (-1: none; includes the aftermath)
    starts: list[int]
    topics: list[str]


def _extra(factor: float, mu: np.ndarray, corpus: Corpus, rng: np.random.Generator) -> np.ndarray:
    """Extra surge posts per surge window: relative (factor > 0) or absolute (-n: n posts in 4 windows)."""
    if factor < 0:
        return np.bincount(rng.integers(0, 4, size=int(-factor)), minlength=len(mu))
    return rng.poisson((factor - 1) * mu * corpus.gold_negative_share)


def replay(posts: float, factor: float, weeks: int, seed: int, corpus: Corpus) -> Stream:
    rng = np.random.default_rng(seed)
    days = (LEARN_WEEKS + weeks) * 7
    mu = post_rates(posts, days, rng)
    counts = rng.poisson(mu)
    windows = np.repeat(np.arange(len(mu)), counts)
    texts = rng.integers(0, len(corpus.negative), size=len(windows))
    starts = surge_starts(LEARN_WEEKS * 7, weeks * 7, rng)
    names = sorted(corpus.surge_pool, key=lambda a: -len(corpus.surge_pool[a]))[:6]
    topics = [names[int(rng.integers(0, len(names)))] for _ in starts]
    surge_of = np.full(len(mu), -1)
    extra_w, extra_t = [], []
    for n, start in enumerate(starts):
        span = np.arange(start, start + SURGE_WINDOWS)
        extra = _extra(factor, mu[span], corpus, rng)
        extra_w.append(np.repeat(span, extra))
        extra_t.append(rng.choice(corpus.surge_pool[topics[n]], size=int(extra.sum())))
        surge_of[start : start + SURGE_WINDOWS + AFTERMATH] = n
    windows = np.concatenate([windows, *extra_w])
    texts = np.concatenate([texts, *extra_t]).astype(np.int64)
    order = np.argsort(windows, kind="stable")
    windows, texts = windows[order], texts[order]
    negatives = np.bincount(windows[corpus.negative[texts]], minlength=len(mu))
    return Stream(negatives, windows, texts, surge_of, starts, topics)


def learn(counts: np.ndarray, end: int) -> np.ndarray:
    """The weekday x hour baseline from the trailing 8 weeks before window ``end``, as [7, 24]."""
    begin = max(0, end - LEARN_WEEKS * 7 * WPD)
    idx = np.arange(begin, end)
    weekday, hour = (idx // WPD) % 7, (idx % WPD) // 4
    sums, windows = np.zeros((7, 24)), np.zeros((7, 24))
    np.add.at(sums, (weekday, hour), counts[begin:end])
    np.add.at(windows, (weekday, hour), 1)
    return np.array(detector.learn_baseline(sums, windows).rates)


def _negative_topics(stream: Stream, corpus: Corpus, first: int, end: int) -> Counter[str]:
    lo, hi = np.searchsorted(stream.post_window, [first, end])
    texts = stream.post_text[lo:hi]
    return Counter(t for i in texts[corpus.negative[texts]] for t in corpus.topics[i])


def named(stream: Stream, corpus: Corpus, t: int, windows: int, surge: int) -> bool:
    """Does the detector name the surge's topic first, comparing with the four weeks before?"""
    flagged = _negative_topics(stream, corpus, t - windows + 1, t + 1)
    usual = _negative_topics(stream, corpus, t - 28 * WPD, t - windows + 1)
    found = detector.driving_topics(flagged, usual)
    return bool(found) and found[0]["topic"] == stream.topics[surge]


def run(stream: Stream, corpus: Corpus, *, sensitivity: str, alpha: float | None = None) -> dict[str, Any]:
    counts = stream.negatives
    first_eval = LEARN_WEEKS * 7 * WPD
    delays: dict[int, int] = {}
    named_count = false_alarms = 0
    blocked_until = -1
    expected = learn(counts, first_eval)
    for t in range(first_eval, len(counts)):
        if t % WPD == 0:
            expected = learn(counts, t)
        span = range(t - detector.LEVEL_WINDOWS - detector.JUDGED_WINDOWS + 1, t + 1)
        mus = [expected[(i // WPD) % 7, (i % WPD) // 4] for i in span]
        found = detector.evaluate([int(counts[i]) for i in span], mus, sensitivity=sensitivity, alpha=alpha)
        if found is None:
            continue
        if t <= blocked_until:  # the open alert covers it; resolved a while after the last flag
            blocked_until = t + RESOLVE_AFTER
            continue
        blocked_until = t + RESOLVE_AFTER
        surge = int(stream.surge_of[t])
        if surge < 0:
            false_alarms += 1
        elif surge not in delays:
            delays[surge] = t - stream.starts[surge] + 1
            named_count += named(stream, corpus, t, found.windows, surge)
    weeks = (len(counts) - first_eval) / WPD / 7
    values = sorted(delays.values())
    return {
        "surges": len(stream.starts),
        "detected": len(delays),
        "within_2": sum(v <= 2 for v in values),
        "median_delay": float(np.median(values)) if values else None,
        "p90_delay": float(np.percentile(values, 90)) if values else None,
        "topic_named": named_count,
        "false_alarms_per_week": round(false_alarms / weeks, 3),
    }


def _delay(r: dict[str, Any]) -> str:
    return "-" if r["median_delay"] is None else f"{r['median_delay']:.0f} / {r['p90_delay']:.0f}"


def table(results: dict[str, dict[str, dict[str, dict[str, Any]]]]) -> str:
    lines = [
        "| brand | surge | sensitivity | flagged | within 2 windows | delay median / p90 | topic named "
        "| false alarms / brand-week |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for brand, by_factor in results.items():
        for factor, by_sens in by_factor.items():
            for sens, r in by_sens.items():
                lines.append(
                    f"| {brand} | {factor} | {sens} | {r['detected']}/{r['surges']} | {r['within_2']}/{r['surges']} "
                    f"| {_delay(r)} | {r['topic_named']}/{r['detected']} | {r['false_alarms_per_week']} |"
                )
    return "\n".join(lines)


def curve_table(curve: dict[str, dict[str, dict[str, Any]]]) -> str:
    header = "| alpha | " + " | ".join(curve) + " |"
    lines = [
        "3x surges: share flagged within 2 windows / false alarms per brand-week",
        "",
        header,
        "|---" * (len(curve) + 1) + "|",
    ]
    for alpha in CURVE:
        cells = []
        for by_alpha in curve.values():
            r = by_alpha[f"{alpha:g}"]
            cells.append(f"{r['within_2'] / max(1, r['surges']):.0%} / {r['false_alarms_per_week']:.2f}")
        lines.append(f"| {alpha:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = load_corpus(args.data)
    results: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    curve: dict[str, dict[str, dict[str, Any]]] = {}
    for n, (brand, posts) in enumerate(BRANDS.items()):
        results[brand] = {}
        for k, (label, factor) in enumerate(SURGES):
            stream = replay(posts, factor, args.weeks, args.seed + 100 * n + k, corpus)
            results[brand][label] = {s: run(stream, corpus, sensitivity=s) for s in SENSITIVITIES}
            if factor == 3.0:
                curve[brand] = {f"{a:g}": run(stream, corpus, sensitivity="medium", alpha=a) for a in CURVE}
        print(f"{brand}: done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    print(table(results))
    print()
    print(curve_table(curve))
    print(
        f"\n{len(corpus.negative):,} real posts (classifier {corpus.model}: "
        f"{corpus.negative.mean():.0%} negative); {args.weeks} weeks evaluated after {LEARN_WEEKS} weeks of "
        f"learning; {time.perf_counter() - started:.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps({"results": results, "curve": curve}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Crisis detector benchmark: replay a realistic stream with injected surges; detection delay vs false alarms.

Usage:  .venv/bin/python benchmarks/crisis.py [--data DIR] [--weeks 8] [--seed 7] [--json OUT]

The stream: real German customer-feedback texts (GermEval 2017, Deutsche Bahn; gold sentiment and aspect
labels stand in for the classifier) replayed per brand with a daily rhythm (night low, morning and
evening peaks), a weekly rhythm (quieter weekends) and day-to-day overdispersion (a gamma factor per day,
so that real days vary more than Poisson). Four brand sizes. After a learning period of 8 weeks (the
production baseline's history), ``--weeks`` weeks are evaluated, relearning the baseline every day from
the trailing 8 weeks exactly as ``alerts/detection.py`` does, with the detector's pure functions
(``resonanz.alerts.detector``). Surges of 1.5x, 2x, 3x and 5x the current negative rate, 2 hours long,
concentrated on one aspect, are injected twice a week at random daytime hours.

Reported per brand size, surge size and sensitivity: share of surges detected, median and 90th-percentile
delay in 15-minute windows (1 = flagged right after the first surge window), whether the driving topic was
named, and false alarms per brand-week (alerts opened outside a surge; an open alert blocks new ones until
it is resolved, simulated as 2 hours after the last flagged window).
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
    [
        0.15,
        0.1,
        0.08,
        0.08,
        0.1,
        0.25,
        0.6,
        1.2,
        1.6,
        1.4,
        1.2,
        1.1,
        1.2,
        1.1,
        1.0,
        1.1,
        1.3,
        1.6,
        1.7,
        1.5,
        1.3,
        1.0,
        0.6,
        0.3,
    ]
)
WEEKLY = np.array([1.05, 1.0, 1.0, 1.0, 1.05, 0.75, 0.65])
NEGATIVE_SHARE = 0.25
BRANDS = {
    "tiny (5 posts/day)": 5,
    "small (60 posts/day)": 60,
    "medium (600 posts/day)": 600,
    "large (6000 posts/day)": 6000,
}
SURGES = (1.5, 2.0, 3.0, 5.0)
SURGE_WINDOWS = 8
SENSITIVITIES = ("low", "medium", "high")
LEARN_WEEKS = 8
DAY_SHAPE = 25.0  # gamma shape of the day factor: coefficient of variation 20 %


@dataclass
class Corpus:
    negative_topics: list[tuple[str, ...]]
    topic_names: list[str]
    usual: Counter[str]


def load_corpus(data: Path) -> Corpus:
    """Negative GermEval 2017 texts with their aspect categories as topics."""
    topics: list[tuple[str, ...]] = []
    for name in ("dev.tsv", "test_dia.tsv"):
        path = data / "germeval2017" / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) >= 5 and cols[3] == "negative" and cols[2] == "true":
                topics.append(tuple(dict.fromkeys(a.split("#")[0] for a in cols[4].split(";") if a)))
    if not topics:
        raise SystemExit(f"no GermEval 2017 data under {data}")
    usual: Counter[str] = Counter(t for ts in topics for t in ts)
    names = [t for t, n in usual.most_common() if t != "Allgemein" and n >= 10]
    return Corpus(negative_topics=topics, topic_names=names, usual=usual)


def rates(posts_per_day: float, days: int, rng: np.random.Generator) -> np.ndarray:
    """True expected negatives per window: rhythm x weekday x a gamma day factor."""
    per_hour = HOURLY / HOURLY.sum()
    window = np.repeat(per_hour, 4) / 4
    day_factor = rng.gamma(DAY_SHAPE, 1 / DAY_SHAPE, size=days)
    weekday = WEEKLY[np.arange(days) % 7] / WEEKLY.mean()
    return (posts_per_day * NEGATIVE_SHARE * (day_factor * weekday)[:, None] * window[None, :]).ravel()


def inject(mu: np.ndarray, factor: float, first_day: int, days: int, rng: np.random.Generator) -> list[int]:
    """Surge starts (window index): two per week, daytime, not overlapping."""
    starts: list[int] = []
    for week in range(days // 7):
        for _ in range(2):
            day = first_day + week * 7 + int(rng.integers(0, 7))
            start = day * WPD + int(rng.integers(8 * 4, 20 * 4))
            if all(abs(start - s) > 4 * SURGE_WINDOWS for s in starts):
                starts.append(start)
    return sorted(starts)


def learn(counts: np.ndarray, end: int) -> detector.Baseline:
    """The baseline from the trailing 8 weeks before window ``end`` (weekday x hour slots)."""
    begin = max(0, end - LEARN_WEEKS * 7 * WPD)
    idx = np.arange(begin, end)
    weekday, hour = (idx // WPD) % 7, (idx % WPD) // 4
    sums, windows = np.zeros((7, 24)), np.zeros((7, 24))
    np.add.at(sums, (weekday, hour), counts[begin:end])
    np.add.at(windows, (weekday, hour), 1)
    return detector.learn_baseline(sums, windows)


def named_topic(
    corpus: Corpus, negatives: int, surge_extra: int, topic: str, rng: np.random.Generator
) -> bool:
    """Replay the texts of the flagged windows and check the detector names the surge's topic."""
    sample = rng.integers(0, len(corpus.negative_topics), size=max(0, negatives - surge_extra))
    counts: Counter[str] = Counter(t for i in sample for t in corpus.negative_topics[i])
    counts[topic] += surge_extra
    usual = Counter({t: n * 50 for t, n in corpus.usual.items()})
    found = detector.driving_topics(counts, usual)
    return bool(found) and found[0]["topic"] == topic


def simulate(posts: float, factor: float, weeks: int, seed: int, corpus: Corpus) -> dict[str, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    days = (LEARN_WEEKS + weeks) * 7
    mu = rates(posts, days, rng)
    counts = rng.poisson(mu)
    first_eval = LEARN_WEEKS * 7
    starts = inject(mu, factor, first_eval, weeks * 7, rng)
    extra = np.zeros_like(counts)
    surge_of = np.full(len(counts), -1)
    for n, start in enumerate(starts):
        window = slice(start, start + SURGE_WINDOWS)
        extra[window] = rng.poisson((factor - 1) * mu[window])
        surge_of[window] = n
    counts = counts + extra
    topics = [corpus.topic_names[int(rng.integers(0, min(8, len(corpus.topic_names))))] for _ in starts]
    results = {}
    for sensitivity in SENSITIVITIES:
        results[sensitivity] = run_detector(
            counts, extra, surge_of, starts, topics, first_eval, sensitivity, corpus, rng
        )
    return results


def run_detector(
    counts, extra, surge_of, starts, topics, first_eval, sensitivity, corpus, rng
) -> dict[str, Any]:
    delays: dict[int, int] = {}
    named = 0
    false_alarms = 0
    blocked_until = -1
    baseline = learn(counts, first_eval * WPD)
    expected = np.array([[baseline.expected(d, h) for h in range(24)] for d in range(7)])
    for t in range(first_eval * WPD, len(counts)):
        if t % WPD == 0:
            baseline = learn(counts, t)
            expected = np.array([[baseline.expected(d, h) for h in range(24)] for d in range(7)])
        span = range(t - detector.LEVEL_WINDOWS - 1, t + 1)
        mus = [expected[(i // WPD) % 7, (i % WPD) // 4] for i in span]
        found = detector.evaluate([int(counts[i]) for i in span], mus, sensitivity=sensitivity)
        if found is None:
            continue
        if t <= blocked_until:
            blocked_until = t + 8
            continue
        blocked_until = t + 8
        surge = int(surge_of[t])
        if surge < 0:
            false_alarms += 1
        elif surge not in delays:
            delays[surge] = t - starts[surge] + 1
            flagged = slice(t - found.windows + 1, t + 1)
            named += named_topic(
                corpus, int(counts[flagged].sum()), int(extra[flagged].sum()), topics[surge], rng
            )
    weeks = (len(counts) / WPD - first_eval) / 7
    values = sorted(delays.values())
    return {
        "surges": len(starts),
        "detected": len(delays),
        "median_delay": float(np.median(values)) if values else None,
        "p90_delay": float(np.percentile(values, 90)) if values else None,
        "within_2": sum(v <= 2 for v in values),
        "topic_named": named,
        "false_alarms_per_week": round(false_alarms / weeks, 3),
    }


def table(results: dict[str, dict[float, dict[str, dict[str, Any]]]]) -> str:
    lines = [
        "| brand | surge | sensitivity | detected | within 2 windows | median / p90 delay (windows) "
        "| topic named | false alarms / brand-week |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for brand, by_factor in results.items():
        for factor, by_sens in by_factor.items():
            for sens, r in by_sens.items():
                delay = (
                    "-" if r["median_delay"] is None else f"{r['median_delay']:.0f} / {r['p90_delay']:.0f}"
                )
                lines.append(
                    f"| {brand} | {factor}x | {sens} | {r['detected']}/{r['surges']} | {r['within_2']}/{r['surges']} "
                    f"| {delay} | {r['topic_named']}/{r['detected']} | {r['false_alarms_per_week']} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    corpus = load_corpus(args.data)
    started = time.perf_counter()
    results: dict[str, dict[float, dict[str, dict[str, Any]]]] = {}
    for n, (brand, posts) in enumerate(BRANDS.items()):
        results[brand] = {
            f: simulate(posts, f, args.weeks, args.seed + 100 * n + int(f * 10), corpus) for f in SURGES
        }
        print(f"{brand}: done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    print(table(results))
    print(
        f"\n{len(corpus.negative_topics)} negative texts replayed; {args.weeks} weeks evaluated after "
        f"{LEARN_WEEKS} weeks of learning; {time.perf_counter() - started:.0f} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps({b: {str(f): r for f, r in v.items()} for b, v in results.items()}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

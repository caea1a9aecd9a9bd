"""Leave-one-dataset-out (LOO) evaluation, and the calibration and thresholds chosen on it.

Within-dataset cross-validation hid how badly the labels transfer to a new kind of post, so every
choice that shapes a label's meaning is made on LOO outputs instead: for each *evaluation domain*
of a head, a model is trained on all other rows (auxiliary rows, e.g. Flausch praise as positive
sentiment evidence, always stay in) and scores the left-out dataset.

On the pooled LOO logits we fit the calibration map (``calibration.py``), the abuse operating
point, the automation threshold (LOO precision >= 0.9) and the abstain thresholds. The figures
reported per domain are *cross-fitted*: the calibration and thresholds applied to domain d were
fitted on the other domains' LOO outputs only, so no reported figure has seen its own domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from . import calibration as cal
from .linear import LinearHead, probabilities
from .tasks import HeadData

# Which datasets each head is evaluated on when left out; others are auxiliary evidence.
EVAL_DOMAINS: dict[str, tuple[str, ...]] = {
    "sentiment": ("germeval2017", "sb10k"),
    "abuse": ("germeval2018", "germeval2021", "gahd", "germeval2017"),
}
# Rows of a domain that only serve as test data in its LOO fold (GAHD dev is GAHD's test).
TEST_FILES: dict[str, str] = {"gahd": "dev.tsv"}
AUTOMATION_PRECISION = 0.9  # abuse_confident (auto-hide) only where LOO precision reaches this
MAX_ABSTAIN = 0.15  # a head may say "uncertain" on at most this share of any LOO domain's posts
MAX_HARMLESS_FLAGGED = 0.20  # abuse operating point: harmless posts flagged per LOO domain
# Written to fool models (minimally edited counterparts): scored, but no flag-rate constraint, which
# would otherwise force a threshold that flags almost nothing anywhere
ADVERSARIAL = {"gahd"}
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)

Fitter = Callable[..., LinearHead]  # (features, targets, weights[, init]) -> head


@dataclass
class LooResult:
    """Raw LOO logits of one head, their domains and targets, plus the fitted choices."""

    logits: np.ndarray
    targets: np.ndarray
    domains: np.ndarray
    test_rows: np.ndarray  # bool: row counts in its domain's reported figure
    calibration: cal.Calibration
    thresholds: dict[str, float] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    offsets: np.ndarray | None = None  # softmax heads: added to the calibrated logits for decisions


def loo_logits(
    data: HeadData, features: sparse.csr_matrix, fitter: Fitter, progress: Callable[[str], None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Logits of every evaluation-domain row from a model that never saw its dataset."""
    domains = np.asarray(data.domains)
    evals = [d for d in EVAL_DOMAINS.get(data.name, ()) if d in set(data.domains)]
    labelled = [d for d in evals if _has_both_labels(data, domains == d)]
    if len(labelled) < 2:
        return None
    targets = data.target_array()
    weights = np.asarray(data.weights)
    mask = np.isin(domains, evals)
    logits = np.zeros((len(targets), len(data.outputs)))
    for domain in evals:
        test = domains == domain
        progress(f"{data.name}: leave-one-dataset-out, {domain} left out ({int(test.sum())} rows)")
        head = fitter(features[~test], targets[~test], weights[~test])
        logits[test] = head.logits(features[test])
    return logits[mask], targets[mask], domains[mask]


def _has_both_labels(data: HeadData, mask: np.ndarray) -> bool:
    t = data.target_array()[mask]
    return len(np.unique(t if t.ndim == 1 else t[:, 0])) > 1


def positive_probability(kind: str, logits: np.ndarray) -> np.ndarray:
    return probabilities("sigmoid", logits)[:, 0] if kind == "sigmoid" else probabilities("softmax", logits)


def choose_abuse_threshold(p: np.ndarray, y: np.ndarray, domains: np.ndarray) -> float:
    """Operating point: best mean official F1 over the labelled domains such that no domain has more
    than MAX_HARMLESS_FLAGGED of its harmless posts flagged (unlabelled domains such as customer
    feedback count only through that constraint)."""
    best, best_score = 0.5, -1.0
    for t in THRESHOLDS:
        pred = p >= t
        flagged_ok = all(
            pred[(domains == d) & (y == 0)].mean() <= MAX_HARMLESS_FLAGGED
            for d in np.unique(domains)
            if d.removeprefix("cv:") not in ADVERSARIAL
        )
        scores = [
            official_f1(y[domains == d], pred[domains == d])
            for d in np.unique(domains)
            if y[domains == d].any()
        ]
        score = float(np.mean(scores)) if scores else 0.0
        if flagged_ok and score > best_score:
            best, best_score = float(t), score
    if best_score < 0:  # no threshold meets the constraint everywhere: the strictest one
        best = float(THRESHOLDS[-1])
    return best


def choose_automation_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Smallest threshold whose pooled LOO precision (and that of every higher one) is >= 0.9.

    Returns (threshold, precision); (1.01, 0.0) when no threshold reaches it (never automate)."""
    order = np.argsort(-p)
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    precision = tp / np.arange(1, len(ys) + 1)
    # from the top, the longest prefix in which precision never drops below the target
    ok = precision >= AUTOMATION_PRECISION
    if not ok[: min(20, len(ok))].all():
        return 1.01, 0.0
    last = int(np.argmin(ok)) - 1 if not ok.all() else len(ok) - 1
    if last < 19:  # fewer than 20 posts: too few to claim a precision
        return 1.01, 0.0
    return float(ps[last]), round(float(precision[last]), 4)


def choose_abstain(
    confidence: np.ndarray, domains: np.ndarray, macro: Callable[[np.ndarray], float]
) -> float:
    """Abstain threshold on the confidence of the label given: the one that maximises the worst
    domain's score on the posts kept, abstaining on at most MAX_ABSTAIN of any domain's posts."""
    best, best_score = 0.0, macro(np.ones(len(confidence), dtype=bool))
    for t in np.round(np.arange(0.34, 0.9, 0.01), 2):
        keep = confidence >= t
        if any((~keep[domains == d]).mean() > MAX_ABSTAIN for d in np.unique(domains)):
            continue
        score = macro(keep)
        if score > best_score + 1e-4:
            best, best_score = float(t), score
    return best


def official_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Harmonic mean of macro precision and macro recall (GermEval 2018/2021), binary labels."""
    y, pred = np.asarray(y, dtype=bool), np.asarray(pred, dtype=bool)
    precisions, recalls = [], []
    for cls in (False, True):
        tp = np.sum((pred == cls) & (y == cls))
        precisions.append(tp / max(np.sum(pred == cls), 1))
        recalls.append(tp / max(np.sum(y == cls), 1))
    mp, mr = float(np.mean(precisions)), float(np.mean(recalls))
    return 2 * mp * mr / (mp + mr) if mp + mr else 0.0


def macro_f1(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    f1s = []
    for cls in range(n_classes):
        tp = np.sum((pred == cls) & (y == cls))
        denom = np.sum(pred == cls) + np.sum(y == cls)
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s))


def _domain_weights(domains: np.ndarray) -> np.ndarray:
    """Each domain counts equally in calibration, whatever its size."""
    names, inverse, counts = np.unique(domains, return_inverse=True, return_counts=True)
    del names
    return 1.0 / counts[inverse]


def evaluate(
    data: HeadData,
    features: sparse.csr_matrix,
    fitter: Fitter,
    progress: Callable[[str], None],
    oof: np.ndarray | None = None,
) -> LooResult | None:
    """LOO logits, pooled calibration and thresholds, and the cross-fitted per-domain report.

    ``oof``: within-dataset out-of-fold logits of all rows. When given, the shipped calibration and
    thresholds are fitted on the LOO rows *and* the evaluation datasets' out-of-fold rows (as
    separate, equally weighted groups ``cv:<dataset>``): the shipped model meets posts like its
    training data as well as new kinds of posts, and LOO logits alone (weaker models) made its
    in-domain decisions absurd (a disappointed complaint came out positive). The reported figures
    stay pure LOO, with choices fitted on the other datasets' rows only."""
    found = loo_logits(data, features, fitter, progress)
    if found is None:
        return None
    logits, targets, domains = found
    in_eval = np.isin(np.asarray(data.domains), np.unique(domains))
    subsets = np.asarray(data.subsets)[in_eval]
    test_rows = np.array(
        [TEST_FILES.get(d, s) == s for d, s in zip(domains, subsets, strict=True)], dtype=bool
    )
    if oof is not None:
        logits = np.vstack([logits, oof[in_eval]])
        targets = np.concatenate([targets, targets])
        domains = np.concatenate([domains, np.char.add("cv:", domains.astype(str))]).astype(object)
        test_rows = np.concatenate([test_rows, test_rows])
    if data.kind == "softmax":
        return _evaluate_softmax(data, logits, targets, domains, test_rows)
    return _evaluate_binary(data, logits, targets[:, 0], domains, test_rows)


def _evaluate_softmax(
    data: HeadData, logits: np.ndarray, y: np.ndarray, domains: np.ndarray, test_rows: np.ndarray
) -> LooResult:
    """Calibrated probabilities, but decisions with class offsets: the calibrated argmax of a model
    that has never seen a domain collapses to its majority class (almost all "neutral"), so the
    offsets are tuned for the mean macro-F1 over the left-out datasets, like the abstain threshold."""
    names = [d for d in dict.fromkeys(domains.tolist()) if not d.startswith("cv:")]

    def choose(mask: np.ndarray) -> tuple[cal.Calibration, np.ndarray, float]:
        c = cal.fit("softmax", logits[mask], y[mask], _domain_weights(domains[mask]))
        z = c.apply(logits[mask])
        offsets = _tune_softmax_offsets(z, y[mask], domains[mask])
        p = probabilities("softmax", z)
        pred = (z + offsets).argmax(axis=1)
        return c, offsets, _softmax_abstain(p, pred, y[mask], domains[mask])

    pooled, offsets, abstain = choose(np.ones(len(y), dtype=bool))
    # cross-fitted figures: everything applied to domain d was fitted on the other domains
    crossed = np.zeros_like(logits)
    report: dict[str, Any] = {}
    for d in names:
        mine = domains == d
        c, o, t = choose(~mine & (domains != "cv:" + d))
        crossed[mine] = c.apply(logits[mine])
        report[d] = _softmax_figures(data.outputs, y[mine], crossed[mine], o, t)
    loo_rows = np.isin(domains, names)
    table, ece = cal.head_reliability("softmax", crossed[loo_rows], y[loo_rows])
    return LooResult(
        logits,
        y,
        domains,
        test_rows,
        pooled,
        {"abstain": abstain},
        {
            "domains": report,
            "worst_domain": min(report, key=lambda d: report[d]["macro_f1"]),
            "reliability": table,
            "ece": ece,
        },
        offsets,
    )


def _tune_softmax_offsets(z: np.ndarray, y: np.ndarray, domains: np.ndarray) -> np.ndarray:
    """Offsets of the two minority classes relative to the majority (grid), best mean macro-F1."""
    n = z.shape[1]
    ref = int(np.bincount(y, minlength=n).argmax())
    others = [i for i in range(n) if i != ref]
    names = np.unique(domains)
    grid = np.round(np.arange(-2.0, 2.01, 0.1), 2)
    best, best_score = np.zeros(n), -1.0
    for a in grid:
        for b in grid if len(others) > 1 else [0.0]:
            offsets = np.zeros(n)
            offsets[others[0]] = a
            if len(others) > 1:
                offsets[others[1]] = b
            pred = (z + offsets).argmax(axis=1)
            score = float(np.mean([macro_f1(y[domains == d], pred[domains == d], n) for d in names]))
            score -= 1e-4 * (abs(a) + abs(b))  # ties: the smallest adjustment
            if score > best_score:
                best, best_score = offsets, score
    return best


def _softmax_abstain(p: np.ndarray, pred: np.ndarray, y: np.ndarray, domains: np.ndarray) -> float:
    names = np.unique(domains)

    def worst(keep: np.ndarray) -> float:
        return min(macro_f1(y[(domains == d) & keep], pred[(domains == d) & keep], p.shape[1]) for d in names)

    return choose_abstain(p[np.arange(len(pred)), pred], domains, worst)


def _softmax_figures(
    outputs: list[str], y: np.ndarray, z: np.ndarray, offsets: np.ndarray, abstain: float
) -> dict[str, Any]:
    from .evaluation import single_label_metrics

    p = probabilities("softmax", z)
    pred = (z + offsets).argmax(axis=1)
    m = single_label_metrics([outputs[i] for i in y], [outputs[i] for i in pred], outputs)
    keep = p[np.arange(len(pred)), pred] >= abstain
    return {
        "n": len(y),
        "micro_f1": round(m["micro_f1"], 4),
        "macro_f1": round(m["macro_f1"], 4),
        "per_class_f1": {c: round(v["f1"], 4) for c, v in m["per_class"].items()},
        "offsets": [round(float(o), 2) for o in offsets],
        "abstain_threshold": abstain,
        "coverage": round(float(keep.mean()), 4),
        "macro_f1_covered": round(macro_f1(y[keep], pred[keep], len(outputs)), 4),
        "predicted_share": {c: round(float((pred == i).mean()), 4) for i, c in enumerate(outputs)},
    }


def _evaluate_binary(
    data: HeadData, logits: np.ndarray, y: np.ndarray, domains: np.ndarray, test_rows: np.ndarray
) -> LooResult:
    names = [d for d in dict.fromkeys(domains.tolist()) if not d.startswith("cv:")]
    has_positives = {d: bool(y[domains == d].any()) for d in np.unique(domains)}
    labelled = np.array([has_positives[d] for d in domains])

    def choices(mask: np.ndarray) -> tuple[cal.Calibration, float, tuple[float, float], float]:
        fit_rows = mask & labelled
        c = cal.fit("sigmoid", logits[fit_rows], y[fit_rows], _domain_weights(domains[fit_rows]))
        p = probabilities("sigmoid", c.apply(logits[mask]))[:, 0]
        t = choose_abuse_threshold(p, y[mask], domains[mask])
        auto = choose_automation_threshold(p[labelled[mask]], y[mask][labelled[mask]])
        decided = p >= t
        confidence = np.where(decided, p, 1 - p)
        lab = labelled[mask]

        def worst(keep: np.ndarray) -> float:
            dm = domains[mask]
            return min(
                official_f1(y[mask][(dm == d) & keep], decided[(dm == d) & keep]) for d in np.unique(dm[lab])
            )

        abstain = choose_abstain(confidence, domains[mask], worst)
        return c, t, auto, abstain

    everything = np.ones(len(y), dtype=bool)
    pooled, t_op, (t_auto, auto_precision), abstain = choices(everything)
    crossed = np.zeros_like(logits)
    report: dict[str, Any] = {}
    for d in names:
        mine = domains == d
        c, t, (ta, _), ab = choices(~mine & (domains != "cv:" + d))
        crossed[mine] = c.apply(logits[mine])
        rows = mine & test_rows
        p = probabilities("sigmoid", crossed[rows])[:, 0]
        report[d] = _binary_figures(y[rows], p, t, ta, ab)
    lab_rows = labelled & test_rows & np.isin(domains, names)
    table, ece = cal.head_reliability("sigmoid", crossed[lab_rows], y[lab_rows][:, None])
    return LooResult(
        logits,
        y,
        domains,
        test_rows,
        pooled,
        {
            "operating": t_op,
            "automation": t_auto,
            "automation_precision": auto_precision,
            "abstain": abstain,
        },
        {
            "domains": report,
            "worst_domain": min(
                (d for d in report if "official_f1" in report[d]), key=lambda d: report[d]["official_f1"]
            ),
            "reliability": table,
            "ece": ece,
        },
    )


def _binary_figures(y: np.ndarray, p: np.ndarray, t: float, t_auto: float, abstain: float) -> dict[str, Any]:
    pred = p >= t
    out: dict[str, Any] = {
        "n": len(y),
        "threshold": t,
        "flagged": round(float(pred.mean()), 4),
        "harmless_flagged": round(float(pred[y == 0].mean()), 4) if (y == 0).any() else None,
    }
    confidence = np.where(pred, p, 1 - p)
    out["coverage"] = round(float((confidence >= abstain).mean()), 4)
    if y.any():
        auto = p >= t_auto
        tp = np.sum(pred & (y == 1))
        f1_pos = 2 * tp / max(pred.sum() + y.sum(), 1)
        f1_neg = 2 * np.sum(~pred & (y == 0)) / max((~pred).sum() + (y == 0).sum(), 1)
        out |= {
            "micro_f1": round(float((pred == y).mean()), 4),
            "macro_f1": round(float((f1_pos + f1_neg) / 2), 4),
            "official_f1": round(official_f1(y, pred), 4),
            "recall": round(float(tp / max(y.sum(), 1)), 4),
            "automation_share": round(float(auto.mean()), 4),
            "automation_precision": round(float(y[auto].mean()), 4) if auto.any() else None,
        }
    return out

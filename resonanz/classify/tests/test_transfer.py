"""Calibration, leave-one-dataset-out thresholds and the transfer-aware label contract."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import sparse

from resonanz.classify.ml import calibration as cal
from resonanz.classify.ml import transfer
from resonanz.classify.ml.artefact import Artefact
from resonanz.classify.ml.evaluate_file import TASKS
from resonanz.classify.ml.linear import LinearHead, probabilities
from resonanz.classify.ml.pipeline import Classifier
from resonanz.classify.ml.tasks import HeadData


def _platt_data(a: float, b: float, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(a * z + b)))).astype(int)
    return z[:, None], y


def test_platt_scaling_recovers_the_true_map() -> None:
    z, y = _platt_data(0.5, -1.0)
    found = cal.fit("sigmoid", z, y[:, None])
    assert found.a[0] == pytest.approx(0.5, abs=0.05) and found.b[0] == pytest.approx(-1.0, abs=0.08)
    table, ece = cal.head_reliability("sigmoid", found.apply(z), y[:, None])
    assert ece < 0.02 and sum(row["n"] for row in table) == len(y)
    _, raw_ece = cal.head_reliability("sigmoid", z, y[:, None])
    assert raw_ece > 0.1  # the uncalibrated scores were overconfident and shifted


def test_vector_scaling_fixes_a_prior_shift_and_folds_into_the_weights() -> None:
    rng = np.random.default_rng(5)
    y = rng.choice(3, size=6000, p=[0.2, 0.6, 0.2])
    logits = rng.normal(0, 1, size=(6000, 3)) + 2.0 * np.eye(3)[y] + np.array([2.0, -1.0, 0.0])
    found = cal.fit("softmax", logits, y)
    nll = lambda z: -np.log(probabilities("softmax", z)[np.arange(len(y)), y]).mean()  # noqa: E731
    assert nll(found.apply(logits)) < nll(logits) - 0.1
    # folding: the head's own logits are the calibrated logits
    coef = rng.normal(size=(3, 4))
    head = LinearHead("sentiment", "softmax", ["negative", "neutral", "positive"], coef, np.zeros(3))
    x = sparse.random(10, 4, density=0.5, random_state=1, format="csr")
    assert np.allclose(cal.fold(head, found).logits(x), found.apply(head.logits(x)))


def test_automation_threshold_keeps_precision_at_or_above_90_percent() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, size=4000)
    p = np.clip(0.35 * y + rng.random(4000) * 0.65, 0, 1)
    t, precision = transfer.choose_automation_threshold(p, y)
    assert 0 < t <= 1 and precision >= 0.9
    assert y[p >= t].mean() >= 0.9
    assert transfer.choose_automation_threshold(rng.random(500), rng.integers(0, 2, 500)) == (1.01, 0.0)


def test_operating_threshold_respects_the_harmless_flag_limit_in_every_domain() -> None:
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, size=3000)
    domains = np.array(["a", "b", "c"])[rng.integers(0, 3, size=3000)]
    p = np.clip(0.3 * y + rng.random(3000) * 0.7 + (domains == "c") * 0.2, 0, 1)
    t = transfer.choose_abuse_threshold(p, y, domains)
    for d in "abc":
        assert (p[(domains == d) & (y == 0)] >= t).mean() <= transfer.MAX_HARMLESS_FLAGGED


def _toy_head() -> tuple[HeadData, sparse.csr_matrix]:
    """Two features: 0 carries the label in every domain, 1 is a topic word of one domain only."""
    rng = np.random.default_rng(2)
    data = HeadData("abuse", "sigmoid", ["abusive"])
    rows = []
    for domain in ("germeval2018", "germeval2021", "gahd"):
        for i in range(300):
            label = int(rng.random() < 0.4)
            signal = label * 1.5 + rng.normal(0, 0.7)
            rows.append([signal, float(domain == "germeval2021")])
            data.add(
                f"{domain}{i}", [label], f"{domain}{i}", domain, subset="dev.tsv" if i % 2 else "train.tsv"
            )
    return data, sparse.csr_matrix(np.asarray(rows))


def _fit(x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(x, y[:, 0], sample_weight=w)
    return LinearHead("abuse", "sigmoid", ["abusive"], model.coef_, model.intercept_)


def test_leave_one_dataset_out_reports_every_domain_with_cross_fitted_choices() -> None:
    data, x = _toy_head()
    messages: list[str] = []
    result = transfer.evaluate(data, x, _fit, messages.append)
    assert result is not None
    assert len(messages) == 3 and all("left out" in m for m in messages)
    report = result.report["domains"]
    assert set(report) == {"germeval2018", "germeval2021", "gahd"}
    assert report["gahd"]["n"] == 150  # GAHD is scored on its dev split only
    assert all(r["official_f1"] > 0.7 for r in report.values())
    assert 0 < result.thresholds["operating"] < 1 and result.report["reliability"]


def test_no_loo_for_a_single_domain() -> None:
    data = HeadData("abuse", "sigmoid", ["abusive"])
    for i in range(20):
        data.add(f"t{i}", [i % 2], f"t{i}", "germeval2018")
    assert transfer.evaluate(data, sparse.csr_matrix(np.eye(20)), _fit, lambda _m: None) is None


def _with_thresholds(classifier: Classifier, **thresholds: dict[str, float]) -> Classifier:
    manifest = copy.deepcopy(classifier.artefact.manifest)
    for head, values in thresholds.items():
        manifest["heads"][head]["thresholds"] = values
    return Classifier(Artefact(classifier.space, classifier.heads, manifest))


def test_an_unsure_sentiment_is_uncertain_and_then_criticism_is_not_claimed(classifier: Classifier) -> None:
    unsure = _with_thresholds(classifier, sentiment={"abstain": 0.999})
    result = unsure.classify("Das Eis war leider geschmolzen und viel zu süß. Enttäuschend.")
    assert result.sentiment == "uncertain" and not result.criticism
    assert {"sentiment", "criticism"} <= set(result.uncertain)
    guess = result.explanations["sentiment"][0]["best_guess"]
    assert "uncertain" in result.explanations["sentiment"][0]["rule"]
    assert result.confidence["sentiment"] == result.sentiment_scores[guess]
    # evaluate scores an abstention at the model's best guess: the label the shipped thresholds give
    shipped = classifier.classify("Das Eis war leider geschmolzen und viel zu süß. Enttäuschend.")
    assert TASKS["sentiment"].predict(result) == guess
    if shipped.sentiment != "uncertain":
        assert guess == shipped.sentiment


def test_abuse_confident_only_above_the_automation_threshold(classifier: Classifier) -> None:
    text = "Halt die Fresse, du dummer Idiot"
    never = _with_thresholds(classifier, abuse={"automation": 1.01, "abstain": 0.0})
    always = _with_thresholds(classifier, abuse={"automation": 0.0, "abstain": 0.0})
    assert not never.classify(text).abuse_confident and always.classify(text).abuse_confident
    shipped = classifier.classify(text)
    threshold = classifier.abuse_automation
    assert shipped.abuse_confident == (shipped.abuse_score >= threshold)
    assert set(shipped.confidence) == {"sentiment", "abuse", "criticism"}
    assert shipped.confidence["abuse"] == pytest.approx(shipped.abuse_score, abs=1e-4)


def test_shipped_thresholds_come_from_leave_one_dataset_out(classifier: Classifier) -> None:
    info = classifier.artefact.manifest["heads"]
    if "loo" not in info.get("abuse", {}) or not info["abuse"]["loo"]:
        pytest.skip("artefact trained without leave-one-dataset-out")
    assert info["abuse"]["thresholds"]["automation_precision"] >= 0.9 or (
        info["abuse"]["thresholds"]["automation"] > 1
    )
    assert set(info["abuse"]["loo"]["domains"]) >= {"germeval2018", "germeval2021", "gahd"}
    assert set(info["sentiment"]["loo"]["domains"]) == {"germeval2017", "sb10k"}
    scores = probabilities("sigmoid", np.array([[0.0]]))
    assert scores.shape == (1, 1)


@pytest.mark.parametrize(
    ("text", "sentiment", "criticism"),
    [
        ("Eure neue App ist der absolute Wahnsinn, danke!", "positive", False),
        ("Das Eis war leider geschmolzen und viel zu süß. Enttäuschend.", "negative", True),
        ("Ich liebe euer Pistazieneis!", "positive", False),
    ],
)
def test_by_hand_examples_of_the_issue(
    classifier: Classifier, text: str, sentiment: str, criticism: bool
) -> None:
    result = classifier.classify(text)
    assert (result.sentiment, result.criticism) == (sentiment, criticism)
    # No confident abuse on any of them (nothing is auto-hidden). Artefact 2026.12.05-66015780 still
    # flags "absolute Wahnsinn" at P(abuse) 0.44, just over its operating point 0.44, and marks that
    # decision uncertain (moderation protects uncertain posts): a known miss, see docs/classify.md.
    assert not result.abuse_confident
    assert not result.abuse or "abuse" in result.uncertain

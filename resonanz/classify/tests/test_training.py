"""Training on the shipped tiny sample: CV, artefact round trip, determinism, license filter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from resonanz.classify.ml import artefact
from resonanz.classify.ml.evaluation import single_label_metrics
from resonanz.classify.ml.pipeline import Classifier
from resonanz.classify.ml.training import TrainConfig, train_all

from .conftest import SAMPLE_DIR

TEXTS = ["Du bist so ein dummer Idiot", "Schönen Tag noch, liebe Grüße", "Halt die Fresse, du Opfer"]


@pytest.fixture(scope="module")
def sample_artefact(tmp_path_factory: pytest.TempPathFactory) -> artefact.Artefact:
    out = tmp_path_factory.mktemp("art")
    return train_all(TrainConfig(SAMPLE_DIR, folds=3, max_features=20_000), out)


def test_training_on_the_sample_writes_a_versioned_artefact(sample_artefact: artefact.Artefact) -> None:
    manifest = sample_artefact.manifest
    assert set(manifest["heads"]) == {"abuse"}
    assert manifest["version"].startswith(manifest["created_at"][:10].replace("-", "."))
    assert manifest["heads"]["abuse"]["datasets"][0]["license"] == "CC BY 4.0"
    cv = manifest["heads"]["abuse"]["cv"]["germeval2018"]
    assert cv["n"] == 400 and 0.4 < cv["official_f1"] <= 1.0
    assert manifest["libraries"]["numpy"]


def test_artefact_round_trip_without_pickle(sample_artefact: artefact.Artefact, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    saved = artefact.save(sample_artefact.space, sample_artefact.heads, {"seed": 1}, out)
    with np.load(out / "weights.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
    loaded = artefact.load(out)
    assert loaded.space.terms == saved.space.terms
    first = Classifier(saved).classify_many(TEXTS)
    second = Classifier(loaded).classify_many(TEXTS)
    assert [r.abuse_score for r in first] == pytest.approx([r.abuse_score for r in second], abs=1e-3)


def test_same_data_and_seed_give_the_same_predictions(
    sample_artefact: artefact.Artefact, tmp_path: Path
) -> None:
    again = train_all(TrainConfig(SAMPLE_DIR, folds=3, max_features=20_000), tmp_path)
    assert again.space.terms == sample_artefact.space.terms
    assert json.dumps(again.manifest["heads"], sort_keys=True) == json.dumps(
        sample_artefact.manifest["heads"], sort_keys=True
    )
    one, two = Classifier(again).classify_many(TEXTS), Classifier(sample_artefact).classify_many(TEXTS)
    assert [r.to_dict() | {"model_version": ""} for r in one] == [
        r.to_dict() | {"model_version": ""} for r in two
    ]


def test_the_sample_model_learns_something(sample_artefact: artefact.Artefact) -> None:
    results = Classifier(sample_artefact).classify_many(TEXTS)
    assert results[0].abuse_score > results[1].abuse_score
    assert results[2].abuse_score > results[1].abuse_score


def test_missing_heads_are_reported_not_invented(sample_artefact: artefact.Artefact) -> None:
    result = Classifier(sample_artefact).classify("Die Bahn ist toll")
    assert "sentiment" in result.missing_models and result.sentiment == "neutral"


def test_permissive_only_skips_non_permissive_datasets(tmp_path: Path, shared_data: Path) -> None:
    from resonanz.classify.ml.tasks import build_heads

    heads = build_heads(shared_data, permissive_only=True)
    assert set(heads) == {"abuse"}
    # GermEval 2018 and GAHD are CC BY 4.0; everything else is non-commercial or of unclear licence
    assert sorted(heads["abuse"].datasets) == ["gahd", "germeval2018"]


def test_empty_data_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no training data"):
        train_all(TrainConfig(tmp_path, folds=0), tmp_path / "out")


def test_official_f1_is_harmonic_mean_of_macro_p_and_r() -> None:
    metrics = single_label_metrics(["A", "A", "B", "B"], ["A", "B", "B", "B"], ["A", "B"])
    p = (1.0 + 2 / 3) / 2
    r = (0.5 + 1.0) / 2
    assert metrics["official_f1"] == pytest.approx(2 * p * r / (p + r))
    assert metrics["micro_f1"] == pytest.approx(0.75)


def test_an_ensemble_head_is_one_linear_model_equal_to_the_sum_of_its_members() -> None:
    from resonanz.classify.ml.features import FeatureSpace
    from resonanz.classify.ml.linear import Component, fit_head
    from resonanz.classify.ml.training import char_columns

    texts = ["gut toll danke", "schlecht mies ärgerlich", "zug fährt heute", "toll super", "mies kaputt"] * 4
    targets = np.array([2, 0, 1, 2, 0] * 4)
    space = FeatureSpace.fit(texts, min_df=1)
    x = space.transform(texts)
    members = (
        Component("nb_lr", 2.0, 0.5),
        Component("lr_unbalanced", 4.0, 0.7),
        Component("lr_char", 8.0, 0.7),
        Component("sgd_huber", 1e-4, 1.0),
    )
    chars = char_columns(space)
    outputs = ["negative", "neutral", "positive"]
    ensemble = fit_head("s", "softmax", outputs, x, targets, ensemble=members, char_columns=chars)
    expected = np.zeros((len(texts), 3))
    for member in members:
        alone = fit_head(
            "s",
            "softmax",
            outputs,
            x,
            targets,
            ensemble=(Component(member.kind, member.c, 1.0),),
            char_columns=chars,
        )
        expected += member.weight * alone.logits(x)
    assert np.allclose(ensemble.logits(x), expected)
    char_only = fit_head("s", "softmax", outputs, x, targets, ensemble=(members[2],), char_columns=chars).coef
    assert not char_only[:, [i for i, t in enumerate(space.terms) if t.startswith("w:")]].any()
    assert (ensemble.logits(x).argmax(axis=1) == targets).all()
    # a class missing from the data (a brand's corrections alone): the plain model, no crash
    two = fit_head("s", "softmax", outputs, x[targets != 1], targets[targets != 1], ensemble=members)
    assert set(two.logits(x).argmax(axis=1)) <= {0, 2}

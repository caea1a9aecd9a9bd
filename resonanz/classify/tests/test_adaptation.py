"""Learning by doing: brand corrections adapt the models; before/after on held-back corrections."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonanz.classify.ml.adaptation import adapt, predicted_label, split_corrections
from resonanz.classify.ml.pipeline import Classifier
from resonanz.classify.ml.training import TrainConfig

from .conftest import SAMPLE_DIR

# A brand whose customers call a good thing "krass" and "Bombe" and a bad one "Murks": words the
# public data do not know in this sense.
PRAISE_WORDS = ["krass", "die Bombe", "einfach krass gut", "echt die Bombe"]
BAD_WORDS = ["Murks", "totaler Murks", "voll Murks", "Murks hoch drei"]
THINGS = [
    "die neue App",
    "der Tarif Flex",
    "das Kundenportal",
    "die Hotline",
    "der Newsletter",
    "die Rechnung",
    "das Update",
    "der Chat",
]


def fixture_corrections() -> list[tuple[str, str, str]]:
    items = []
    for thing in THINGS:
        for word in PRAISE_WORDS:
            items.append((f"{thing} ist {word}", "sentiment", "positive"))
        for word in BAD_WORDS:
            items.append((f"{thing} ist {word}", "sentiment", "negative"))
    items.append(("Bitte mehr Filialen in Sachsen", "type", "suggestion"))
    return items


def test_split_is_stable_and_holds_back_about_a_quarter() -> None:
    items = fixture_corrections()
    train, held = split_corrections(items)
    assert (train, held) == split_corrections(list(items))
    assert 0.1 < len(held) / len(items) < 0.4


@pytest.mark.slow
def test_adapting_improves_held_back_accuracy(tmp_path: Path, classifier: Classifier) -> None:
    config = TrainConfig(SAMPLE_DIR, folds=0, max_features=30_000)
    report = adapt(fixture_corrections(), base=classifier, config=config, out_dir=tmp_path, brand_slug="acme")
    assert report.n_held_back > 0
    assert report.after["sentiment"]["accuracy"] > report.before["sentiment"]["accuracy"]
    assert report.after["sentiment"]["accuracy"] >= 0.8
    assert report.artefact.manifest["brand"] == "acme"
    assert report.artefact.manifest["brand_evaluation"]["held_back"] == report.n_held_back
    assert "sentiment" in report.artefact.manifest["heads"]
    assert any("before" in line for line in report.lines())
    adapted = Classifier.load(tmp_path)
    assert adapted.classify("die Karte ist voll Murks").sentiment == "negative"


@pytest.mark.parametrize(
    ("task", "expected"),
    [("abuse", "not_abusive"), ("relevance", "relevant"), ("engaging", "not_engaging"), ("type", "other")],
)
def test_predicted_label_speaks_the_correction_vocabulary(
    classifier: Classifier, task: str, expected: str
) -> None:
    assert predicted_label(classifier.classify("Ich fahre morgen mit der Bahn nach Köln."), task) == expected

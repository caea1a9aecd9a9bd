"""The shipped classifier: labels, explanations, language, rules, topics, and a quality floor."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from resonanz.classify.ml import language, rules
from resonanz.classify.ml.datasets import load_germeval2017, load_germeval2018, read_tsv
from resonanz.classify.ml.evaluation import single_label_metrics
from resonanz.classify.ml.pipeline import Classifier
from resonanz.classify.ml.topics import BrandTopic

from .conftest import SAMPLE_DIR


def test_result_has_all_labels_and_the_model_version(classifier: Classifier) -> None:
    result = classifier.classify("Die Bahn ist schon wieder 40 Minuten zu spät, echt ärgerlich!")
    assert result.language == "de"
    assert result.sentiment == "negative" and result.criticism and not result.abuse
    assert result.type == "complaint"
    assert result.model_version == classifier.version and result.model_version.startswith("20")
    assert set(result.sentiment_scores) == {"negative", "neutral", "positive"}
    assert sum(result.sentiment_scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert not result.missing_models


def test_explanations_name_the_words_that_drove_a_label(classifier: Classifier) -> None:
    result = classifier.classify("Halt die Fresse, du dummer Idiot")
    assert result.abuse and not result.criticism
    words = [e["feature"] for e in result.explanations["abuse"]]
    assert any(w in " ".join(words) for w in ("idiot", "fresse", "dummer"))
    assert all(e["weight"] > 0 for e in result.explanations["abuse"])
    assert result.explanations["criticism"][0]["rule"].startswith("rule:")


def test_praise_is_detected(classifier: Classifier) -> None:
    result = classifier.classify("Vielen Dank, ihr seid großartig, super freundliches Team!")
    assert result.praise and result.type == "praise"


def test_english_posts_get_vader_sentiment(classifier: Classifier) -> None:
    result = classifier.classify("The train was late again, this is terrible service.")
    assert result.language == "en" and result.sentiment == "negative"
    assert "VADER" in result.explanations["sentiment"][0]["rule"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wann fährt morgen der erste Zug nach Leipzig?", "de"),
        ("Where can I buy a ticket for the train to Berlin?", "en"),
        ("Je voudrais réserver une place dans le train pour Paris demain matin.", "other"),
        ("!!! ???", "other"),
    ],
)
def test_language(text: str, expected: str) -> None:
    assert language.detect(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "sentiment", "praise", "expected"),
    [
        ("Wie kann ich mein Ticket stornieren?", "neutral", False, "question"),
        ("Wäre schön, wenn es im Zug WLAN gäbe.", "neutral", False, "suggestion"),
        ("Der Zug ist schon wieder ausgefallen.", "negative", False, "complaint"),
        ("Danke für die Hilfe!", "positive", True, "praise"),
        ("Ich fahre morgen nach Köln.", "neutral", False, "other"),
        ("Warum ist der Zug SCHON WIEDER zu spät?!", "negative", False, "complaint"),
    ],
)
def test_post_type_rules(text: str, sentiment: str, praise: bool, expected: str) -> None:
    neg = 0.9 if sentiment == "negative" else 0.1
    assert rules.post_type(text, sentiment=sentiment, negative_score=neg, praise=praise).label == expected


def test_criticism_is_negative_and_not_abusive() -> None:
    assert rules.criticism_or_abuse("negative", False)[0] is True
    assert rules.criticism_or_abuse("negative", True)[0] is False
    assert rules.criticism_or_abuse("neutral", False)[0] is False


def test_brand_topics_from_keywords_and_examples(classifier: Classifier) -> None:
    topics = (
        BrandTopic("Verspätung", keywords=["verspät*", "zu spät"]),
        BrandTopic("WLAN", examples=["Das WLAN im ICE funktioniert nicht", "Kein WLAN im Zug, wieder mal"]),
    )
    late = classifier.classify("Mein Zug hat eine Verspätung von 20 Minuten", topics=topics)
    assert late.topics == ["Verspätung"] and "keyword" in late.explanations["topics"][0]["rule"]
    wifi = classifier.classify("WLAN im ICE geht schon wieder nicht", topics=topics)
    assert "WLAN" in wifi.topics
    assert classifier.classify("Schönes Wetter heute", topics=topics).topics == []


def test_batch_equals_single(classifier: Classifier) -> None:
    texts = ["Zug fällt aus", "Danke!", "Du Idiot", ""]
    batch = classifier.classify_many(texts)
    assert [r.to_dict() for r in batch] == [classifier.classify(t).to_dict() for t in texts]


def test_load_is_fast_and_classifies_without_training() -> None:
    start = time.perf_counter()
    fresh = Classifier.load()
    assert time.perf_counter() - start < 5.0  # benchmark target is < 1 s; generous on a busy CI machine
    assert fresh.classify("Hallo").model_version == fresh.version


def test_quality_floor_on_the_shipped_sample(classifier: Classifier) -> None:
    rows = load_germeval2018(SAMPLE_DIR)
    results = classifier.classify_many([r["text"] for r in rows], explain=False)
    predicted = ["OFFENSE" if r.abuse else "OTHER" for r in results]
    metrics = single_label_metrics([r["offense"] for r in rows], predicted, ["OTHER", "OFFENSE"])
    assert metrics["official_f1"] >= 0.6


def test_quality_floor_on_germeval2017(classifier: Classifier, shared_data: Path) -> None:
    rows = load_germeval2017(shared_data)[:400]
    results = classifier.classify_many([r["text"] for r in rows], explain=False)
    metrics = single_label_metrics(
        [r["sentiment"] for r in rows], [r.sentiment for r in results], ["negative", "neutral", "positive"]
    )
    assert metrics["micro_f1"] >= 0.6 and metrics["macro_f1"] >= 0.45


def test_quality_floor_on_handwritten_posts_never_trained_on(classifier: Classifier) -> None:
    """35 posts written for this test (data/samples/handwritten_posts.tsv): no model saw them."""
    rows = read_tsv(SAMPLE_DIR / "handwritten_posts.tsv", ["text", "sentiment", "abusive"])
    results = classifier.classify_many([r["text"] for r in rows], explain=False)
    sentiment = single_label_metrics(
        [r["sentiment"] for r in rows], [r.sentiment for r in results], ["negative", "neutral", "positive"]
    )
    assert sentiment["micro_f1"] >= 0.8  # 2026.12.05-66015780: 0.886 (was >= 0.5)
    abuse = single_label_metrics(
        [r["abusive"] for r in rows], ["1" if r.abuse else "0" for r in results], ["0", "1"]
    )
    assert abuse["micro_f1"] >= 0.85
    complaints = [
        res
        for row, res in zip(rows, results, strict=True)
        if row["sentiment"] == "negative" and row["abusive"] == "0"
    ]
    assert sum(res.criticism for res in complaints) >= len(complaints) // 2  # criticism, not abuse


@pytest.mark.xfail(
    strict=True,
    reason="known regression of 2026.12.05-66015780: 4 of 6 insults flagged (was >= 5); 'Verpiss dich, "
    "du Arschloch' scores 0.34. GAHD labels hate speech against groups, not personal insults, as "
    "OFFENSE (docs/classify.md, Limits)",
)
def test_handwritten_insults_are_flagged(classifier: Classifier) -> None:
    rows = read_tsv(SAMPLE_DIR / "handwritten_posts.tsv", ["text", "sentiment", "abusive"])
    insults = [r["text"] for r in rows if r["abusive"] == "1"]
    flagged = [r.abuse for r in classifier.classify_many(insults, explain=False)]
    assert sum(flagged) >= 0.8 * len(insults)


@pytest.mark.parametrize(
    ("keywords", "text", "hit"),
    [
        (["bahn"], "Die Bahn kommt", "bahn"),
        (["bahn"], "Stau auf der Autobahn", None),  # whole words only
        (["verspät*"], "VERSPÄTUNGEN ohne Ende", "verspät*"),  # prefix, case-insensitive (also ä/Ä)
        (["zu spät"], "wieder zu\nspät gekommen", "zu spät"),  # phrase across any whitespace
        (["zu spät"], "zu späte Ansage", None),
        (["S1", "ICE 4"], "Die s1 fällt aus", "S1"),  # digits are matched as written
        (["S1", "ICE 4"], "Die S2 fällt aus", None),
        (["c++", "(x)"], "Ich mag c++ sehr", "c++"),  # regex characters are literal
    ],
)
def test_topic_keywords(keywords: list[str], text: str, hit: str | None, classifier: Classifier) -> None:
    found = classifier.classify(text, topics=[BrandTopic("T", keywords=keywords)], explain=False)
    assert found.topics == ([] if hit is None else ["T"])
    if hit is not None:
        assert found.explanations["topics"] == [{"topic": "T", "rule": f"keyword '{hit}'"}]


def test_topics_in_a_batch_equal_topics_one_by_one(classifier: Classifier) -> None:
    topics = (
        BrandTopic("WLAN", examples=["Das WLAN im ICE funktioniert nicht", "Kein WLAN im Zug"]),
        BrandTopic("Verspätung", keywords=["verspät*"]),
        BrandTopic("Preis", keywords=["teuer", "preis*"], examples=["Die Tickets sind viel zu teuer"]),
    )
    texts = ["WLAN im Zug geht nicht", "Verspätung!", "Preise hoch, WLAN weg", "Hallo", ""]
    batch = classifier.classify_many(texts, topics=topics, explain=False)
    assert [r.topics for r in batch] == [classifier.classify(t, topics=topics).topics for t in texts]
    assert "Preis" in batch[2].topics and batch[1].topics == ["Verspätung"] and batch[3].topics == []

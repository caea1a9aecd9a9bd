"""Features: normalisation, the analyser, TF-IDF transform, and no Django in the model code."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from resonanz.classify.ml.features import FeatureSpace, analyse, char_features, normalise, tokens


def test_normalise_replaces_urls_users_digits_and_long_repeats() -> None:
    text = normalise("@DB_Bahn Zug 1234 fällt aus!!!! https://t.co/x suuuuper|LBR|ok")
    assert "atuser" in text and "httpurl" in text and "0" in text and "1234" not in text
    assert "!!!!" not in text and "suuper" in text and "|lbr|" not in text


def test_tokens_keep_punctuation_and_emoji_as_tokens() -> None:
    assert tokens("toll!! 😀") == ["toll", "!", "!", "😀"]


def test_analyse_has_prefixed_words_bigrams_and_char_ngrams() -> None:
    feats = analyse("Bahn fährt")
    assert {"w:bahn", "w:fährt", "w:bahn fährt", " ba", "bahn ", "ähr"} <= set(feats)
    assert all(":" not in f for f in char_features("bahn"))


def test_transform_matches_analyse_counts_and_is_l2_normalised() -> None:
    texts = ["Die Bahn ist zu spät", "Die Bahn ist pünktlich", "zu spät zu spät"]
    space = FeatureSpace.fit(texts, min_df=1, max_features=10_000)
    matrix = space.transform(texts)
    assert np.allclose(np.sqrt(matrix.multiply(matrix).sum(axis=1)).A.ravel(), 1.0)
    counts = Counter(analyse(texts[2]))
    row = matrix[2]
    for term in ("w:zu", "w:spät", " zu "):
        assert row[0, space.index[term]] > 0
    ratio = row[0, space.index["w:zu"]] / space.idf[space.index["w:zu"]]
    assert ratio / (row[0, space.index["w:spät"]] / space.idf[space.index["w:spät"]]) == pytest.approx(
        (1 + np.log(counts["w:zu"])) / (1 + np.log(counts["w:spät"]))
    )


def test_unknown_text_gives_empty_row() -> None:
    space = FeatureSpace.fit(["aaa bbb"], min_df=1)
    assert space.transform(["§§§"]).nnz == 0


def test_vocabulary_is_ordered_deterministically() -> None:
    texts = ["b a c", "c a b", "x y z"]
    assert FeatureSpace.fit(texts).terms == FeatureSpace.fit(list(reversed(texts))).terms


def test_model_code_imports_no_django() -> None:
    code = (
        "import sys, resonanz.classify.ml.pipeline, resonanz.classify.ml.training, "
        "resonanz.classify.ml.adaptation, resonanz.classify.ml.evaluate_file, resonanz.classify.commands;"
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

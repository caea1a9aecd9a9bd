"""Language identification: de / en / other.

A fast path decides clear cases from function words and umlauts (most German posts); only
ambiguous texts go to lingua-language-detector (which ships its models, works offline), built
lazily and restricted to a few languages for speed — loading it takes about a second, which
would otherwise count against model load time.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_WORD = re.compile(r"[a-zäöüß']+")
_GERMAN_LETTER = re.compile("[äöüßÄÖÜ]")
GERMAN_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ich",
        "ein",
        "eine",
        "einen",
        "zu",
        "mit",
        "auf",
        "für",
        "von",
        "den",
        "dem",
        "des",
        "sich",
        "es",
        "im",
        "auch",
        "wie",
        "was",
        "wir",
        "ihr",
        "sie",
        "mir",
        "mich",
        "dich",
        "du",
        "noch",
        "nur",
        "schon",
        "aber",
        "oder",
        "wenn",
        "dann",
        "bei",
        "aus",
        "nach",
        "heute",
        "hat",
        "haben",
        "wird",
        "werden",
        "war",
        "sind",
        "kein",
        "keine",
        "mal",
        "doch",
        "jetzt",
        "immer",
        "sehr",
        "bitte",
        "danke",
        "warum",
        "wieso",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "not",
        "you",
        "your",
        "with",
        "for",
        "this",
        "that",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "what",
        "why",
        "how",
        "when",
        "where",
        "there",
        "their",
        "they",
        "from",
        "just",
        "very",
        "thanks",
        "thank",
        "please",
        "it's",
        "don't",
        "i'm",
        "of",
        "to",
        "be",
        "my",
        "me",
        "we",
        "our",
        "at",
        "on",
    ]
)
LINGUA_LANGUAGES = ("GERMAN", "ENGLISH", "FRENCH", "SPANISH", "ITALIAN", "DUTCH", "TURKISH", "POLISH")
_detector: Any = None
_lock = threading.Lock()


def _lingua() -> Any:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                langs = [getattr(Language, name) for name in LINGUA_LANGUAGES]
                _detector = LanguageDetectorBuilder.from_languages(*langs).build()
    return _detector


def fast_guess(text: str) -> tuple[str | None, str]:
    """Return (language or None if unclear, reason) from function words and German letters."""
    words = _WORD.findall(text.lower())
    if not words:
        return "other", "no words"
    de = len([w for w in words if w in GERMAN_WORDS])
    en = len([w for w in words if w in ENGLISH_WORDS])
    umlauts = _GERMAN_LETTER.search(text) is not None
    if (de >= 2 or (de >= 1 and umlauts)) and de > 2 * en:
        return "de", f"{de} German function words"
    if en >= 2 and en > 2 * de and not umlauts:
        return "en", f"{en} English function words"
    if de >= 1 and en == 0 and len(words) <= 12:
        return "de", "German function word, no English ones"
    return None, "unclear"


def detect(text: str) -> tuple[str, str]:
    """``('de'|'en'|'other', reason)``."""
    guess, reason = fast_guess(text)
    if guess is not None:
        return guess, reason
    found = _lingua().detect_language_of(text)
    if found is None:
        # too short or mixed to tell: the product is German-first
        return "de", "undetermined, German assumed"
    name = found.name
    code = {"GERMAN": "de", "ENGLISH": "en"}.get(name, "other")
    return code, f"lingua: {name.lower()}"

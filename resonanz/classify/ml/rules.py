"""Rule-based labels: post type (no training data exists for it) and criticism vs abuse.

Criticism is the product's key protected label: a negative post that is not abusive. Abuse is
decided by the learned abuse head alone; criticism only combines the two learned labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION_START = re.compile(
    r"^\s*(?:@\w+\s+)*(?:wie|wo|wann|warum|wieso|weshalb|was|wer|welche[rsmn]?|wieviel\w*|kann|könnt|"
    r"können|gibt es|habt ihr|hat jemand|weiß jemand|wisst ihr|ist das|sind|muss|darf|"
    r"how|why|when|where|what|who|which|can|could|is there|do you|does|are you)\b",
    re.IGNORECASE,
)
SUGGESTION = re.compile(
    r"\b(?:wäre es nicht|wie wäre es|wäre (?:schön|toll|super|gut|praktisch|cool)|würde mich freuen|"
    r"ihr solltet|ihr könntet|könntet ihr nicht|vorschlag|anregung|idee:|bitte (?:führt|macht|baut|"
    r"bietet)|warum nicht einfach|wünsche mir|wünschenswert|sollte man|"
    r"you should|it would be (?:nice|great)|suggestion|why not)\b",
    re.IGNORECASE,
)
COMPLAINT = re.compile(
    r"\b(?:schon wieder|unverschämt|frechheit|beschwerde|reklamation|zumutung|katastroph\w*|"
    r"enttäuscht|ärgerlich|nervt|verspätung|ausgefallen|kaputt|funktioniert nicht|geht nicht|"
    r"seit \w+ (?:minuten|stunden|tagen|wochen)|refund|complaint|disappointed)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypeDecision:
    label: str
    reasons: list[str]


def post_type(text: str, *, sentiment: str, negative_score: float, praise: bool) -> TypeDecision:
    """question / complaint / praise / suggestion / other.

    Order matters: an explicit suggestion wins; a question counts as a complaint when the post
    is clearly negative ("Warum ist der Zug schon wieder zu spät?!").
    """
    suggestion = SUGGESTION.search(text)
    if suggestion:
        return TypeDecision("suggestion", [f"rule: suggestion phrase '{suggestion.group(0)}'"])
    is_question = "?" in text or bool(QUESTION_START.search(text))
    complaint = COMPLAINT.search(text)
    clearly_negative = sentiment == "negative" and negative_score >= 0.6
    if is_question and not clearly_negative:
        return TypeDecision("question", ["rule: question mark or question word"])
    if sentiment == "negative" or complaint:
        reasons = [f"rule: complaint phrase '{complaint.group(0)}'"] if complaint else []
        return TypeDecision(
            "complaint", [*reasons, "rule: sentiment negative"] if sentiment == "negative" else reasons
        )
    if praise or sentiment == "positive":
        return TypeDecision("praise", ["rule: praise flag or positive sentiment"])
    return TypeDecision("other", ["rule: no cue matched"])


def criticism_or_abuse(sentiment: str, abusive: bool) -> tuple[bool, list[str]]:
    """criticism = negative and not abusive; abuse is the abuse flag itself."""
    if abusive:
        return False, ["rule: abusive posts are abuse, not criticism"]
    if sentiment == "negative":
        return True, ["rule: negative sentiment and not abusive"]
    return False, ["rule: sentiment is not negative"]

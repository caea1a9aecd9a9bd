"""Human names for the classifier's label values in inbox pages (the stored values stay English ids)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

NAMES = {
    "negative": _("negative"),
    "neutral": _("neutral"),
    "positive": _("positive"),
    "question": _("question"),
    "complaint": _("complaint"),
    "praise": _("praise"),
    "suggestion": _("suggestion"),
    "other": _("other"),
    "uncertain": _("uncertain"),
    "abusive": _("abusive"),
    "not_abusive": _("not abusive"),
    # keys of the explanation
    "sentiment": _("Sentiment"),
    "abuse": _("Abuse"),
    "criticism": _("Criticism"),
    "type": _("Type"),
    "topics": _("Topics"),
    "language": _("Language"),
    "relevance": _("Relevance"),
    "engaging": _("Engaging"),
    "fact_claiming": _("Fact claiming"),
}
ROUTES = {
    "complaint": _("complaint"),
    "negative question": _("negative question"),
    "question": _("question"),
    "praise": _("praise"),
    "not relevant": _("not relevant"),
    "default": _("no special signal"),
    "abuse: routed to moderation": _("probably abusive: routed to moderation"),
}


@register.filter
def label_name(value: object) -> str:
    """``negative`` → "negativ", ``aspect:Preis`` → "Preis"; unknown values are shown as they are."""
    text = str(value or "")
    if text.startswith("aspect:"):
        return text.split(":", 1)[1]
    return str(NAMES.get(text, text))


@register.filter
def confidence_percent(labels: object, head: str) -> int | None:
    """The calibrated confidence of ``head``'s label in whole percent; None for labels stored before the
    model reported it (the page then shows the label without a figure rather than a made-up one)."""
    from resonanz.inbox.labels import confidence_of

    if not isinstance(labels, dict):
        return None
    value = confidence_of(labels, head)
    return None if value is None else round(100 * value)


@register.filter
def sentiment_text(labels: object) -> str:
    """ "negativ · sicher 87 %"; for an abstained sentiment "unsicher · eher negativ (41 %)"; labels stored
    before the model reported confidences just "negativ"."""
    if not isinstance(labels, dict) or not labels.get("sentiment"):
        return ""
    sentiment = str(labels["sentiment"])
    if sentiment == "uncertain":
        scores = {
            k: v
            for k, v in (labels.get("sentiment_scores") or {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        if not scores:
            return label_name(sentiment)
        lean = max(scores, key=lambda k: scores[k])
        return gettext("%(uncertain)s · leaning %(label)s (%(pct)d %%)") % {
            "uncertain": label_name(sentiment),
            "label": label_name(lean),
            "pct": round(100 * scores[lean]),
        }
    pct = confidence_percent(labels, "sentiment")
    if pct is None:
        return label_name(sentiment)
    return gettext("%(label)s · sure %(pct)d %%") % {"label": label_name(sentiment), "pct": pct}


@register.filter
def uncertain_heads(labels: object) -> list[str]:
    """The heads the model abstained on, for "unsicher: Stimmung, Beleidigung"."""
    from resonanz.inbox.labels import uncertain_heads as heads_of

    return heads_of(labels) if isinstance(labels, dict) else []


@register.filter
def route_reason(value: object) -> str:
    text = str(value or "")
    return str(ROUTES.get(text, text))


@register.filter
def community_post_id(external_id: object) -> int | None:
    """The forum post behind a community message (for the link into the moderation queue)."""
    from resonanz.sources.community import post_id_of

    return post_id_of(str(external_id or ""))

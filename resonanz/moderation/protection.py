"""Which posts the criticism guard protects: the one answer every path to invisibility asks.

Fail closed: a post is protected (a silencing action needs a second person) unless the classifier is
*confident* that it is abuse (``labels["abuse_confident"] is True``: the calibrated abuse score above the
artefact's automation threshold, chosen for at least 0.9 out-of-domain precision). Unclassified posts,
labels from a classifier without that field, uncertain posts and posts labelled or reported as criticism
are protected; mild or other-domain criticism the classifier calls neutral therefore is protected too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resonanz.community.models import Post
from resonanz.moderation.models import Report

# Why a post is protected, most specific first; the codes go into decisions and the public log.
REPORTED = "reported_criticism"
CRITICISM = "criticism"
UNCLASSIFIED = "unclassified"
UNCERTAIN = "uncertain"
NOT_CONFIDENT = "not_confident_abuse"
# Not a property of one post: a restriction of an author who wrote protected posts in the last 90 days.
AUTHOR_PROTECTED = "author_protected_posts"
REASONS = {
    REPORTED: _("a reporter says it criticises the brand"),
    CRITICISM: _("the classifier labels it criticism"),
    UNCLASSIFIED: _("it has not been classified"),
    UNCERTAIN: _("the classifier is uncertain"),
    NOT_CONFIDENT: _("the classifier is not confident it is abuse"),
    AUTHOR_PROTECTED: _("the author wrote protected posts in the last 90 days"),
}


def protection_reason(post: Post, *, reported_criticism: bool | None = None) -> str | None:
    """The reason code why ``post`` is protected, or None when the classifier is confident it is abuse.

    ``reported_criticism`` spares the query when the caller knows whether a reporter claimed criticism."""
    labels = post.labels or {}
    if reported_criticism is None:
        reported_criticism = Report.objects.filter(post_id=post.pk, criticism=True).exists()
    if reported_criticism:
        return REPORTED
    if labels.get("criticism") is True:
        return CRITICISM
    if not labels:
        return UNCLASSIFIED
    # ``uncertain`` lists the heads that abstained (older labels: a bool); any abstention protects.
    if labels.get("uncertain") or labels.get("sentiment") == "uncertain":
        return UNCERTAIN
    if labels.get("abuse_confident") is not True:
        return NOT_CONFIDENT
    return None


def is_protected(post: Post) -> bool:
    """True when silencing this post needs the four-eyes guard."""
    return protection_reason(post) is not None


def reason_text(code: str | None) -> str:
    """The reason in words for moderators and the log ("" for an unprotected post)."""
    return str(REASONS.get(code or "", code or ""))


def looks_critical(post: Post) -> bool:
    """Negative, criticism, uncertain or unclassified: a decision under content-independent rules on such
    a post is marked in the public log, so readers can check the rule was not a pretext."""
    labels = post.labels or {}
    if not labels or labels.get("criticism") is True or labels.get("uncertain"):
        return True
    if labels.get("sentiment") in ("negative", "uncertain"):
        return True
    return Report.objects.filter(post_id=post.pk, criticism=True).exists()

"""Automatic screening after classification: a post the abuse classifier is *confident* about is hidden
until a moderator reviews it. Automation never removes, and never touches criticism.

Confident means ``abuse_confident`` in the stored labels: the score is above the artefact's automation
threshold, whose precision measured on datasets left out of training is at least 0.9 (docs/classify.md).
A raw score alone is not enough: on posts unlike the training data a high score can be topic words, not
an insult. The brand's own threshold is an additional, stricter condition, never a way around it.
Labels stored before the contract lack the flag and are never hidden automatically.

A post the classifier flags as abuse *without* that confidence is not hidden: it is put in the moderation
queue as an automatic report, so a person looks at it (flagging for review acts on nothing).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.community.models import Post, Visibility
from resonanz.moderation import selectors
from resonanz.moderation.models import Action, ModerationDecision, Report, dsa
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.decisions import lock_post
from resonanz.moderation.services.effects import make_effective
from resonanz.moderation.services.statement import fill_statement

log = logging.getLogger(__name__)


def _score(post: Post) -> float | None:
    score = (post.labels or {}).get("abuse_score")
    return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None


def _confident(post: Post) -> bool:
    return (post.labels or {}).get("abuse_confident") is True


def screen_post(post: Post) -> ModerationDecision | None:
    """Hide ``post`` pending review if the classifier is confident it is abuse and its score reaches the
    brand's threshold; idempotent.

    Returns the automated decision, or None when nothing was done: not confident, below the brand's
    threshold, criticism, already moderated, or no house rule to cite (automation cites a rule like any
    moderator).
    """
    # Read the stored labels: callers often hold a Post loaded before the classifier's update.
    fresh = Post.objects.select_related("brand").filter(pk=post.pk).first()
    if fresh is None:
        return None
    post = fresh
    settings = settings_for(post.brand)
    score = _score(post)
    if score is None or selectors.is_criticism(post):
        return None
    if not _confident(post) or score < settings.auto_hide_threshold:
        if (post.labels or {}).get("abuse") is True:
            flag_for_review(post, score=score)
        return None
    rule = selectors.get_current_rule(post.brand, settings.auto_hide_rule_number)
    if rule is None:
        log.warning("brand %s: no house rule %s to cite, not hiding post %s", post.brand.slug,
                    settings.auto_hide_rule_number, post.pk)  # fmt: skip
        return None
    with transaction.atomic():
        post = lock_post(post)
        # A post any decision was taken on is a moderator's business now (e.g. restored after a review).
        if post.visibility != Visibility.VISIBLE or ModerationDecision.objects.filter(post=post).exists():
            return None
        explanation = _(
            "The automatic screening rated this post as abusive with measured confidence (score "
            "%(score).2f, brand threshold %(threshold).2f). It is hidden until a moderator has looked at "
            "it; nothing is removed automatically."
        ) % {"score": score, "threshold": settings.auto_hide_threshold}
        decision = ModerationDecision(
            brand=post.brand, post=post, subject_id=post.author_id, action=Action.HIDE,
            explanation=explanation, decided_by=None, criticism=False, needs_review=True,
            category=dsa.StatementCategory.ILLEGAL_OR_HARMFUL_SPEECH,
            automated_detection=dsa.AutomatedDetection.YES,
            # A person reviews every automatic hide, so the decision is never FULLY automated.
            automated_decision=dsa.AutomatedDecision.PARTIALLY,
            status=ModerationDecision.Status.EFFECTIVE,
        )  # fmt: skip
        fill_statement(decision, post=post, rules=[rule], reports=[], scope=settings.territorial_scope)
        decision.save()
        decision.rules.set([rule])
        make_effective(decision, post=post)
    return decision


def flag_for_review(post: Post, *, score: float) -> Report | None:
    """Queue ``post`` for a moderator as an automatic report (once; never after a decision). Nothing is
    hidden: the classifier's flag without measured confidence is a hint, not a verdict."""
    with transaction.atomic():
        post = lock_post(post)
        if post.visibility != Visibility.VISIBLE or ModerationDecision.objects.filter(post=post).exists():
            return None
        if Report.objects.filter(post=post, automated=True).exists():
            return None
        note = _(
            "The automatic screening thinks this post may be abusive (probability %(score).0f %%), but not "
            "with the confidence needed to hide it. Please look at it."
        ) % {"score": score * 100}
        return Report.objects.create(
            brand=post.brand, post=post, reporter=None, reason=Report.Reason.ABUSE, note=note, automated=True
        )

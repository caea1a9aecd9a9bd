"""Refusals of the moderation domain; views, API and CLI turn them into clear messages."""

from __future__ import annotations

from resonanz.core.errors import Conflict, InvalidInput, NotAllowed


class RuleRequired(InvalidInput):
    """Every moderation action cites at least one house rule of the brand."""

    code = "rule_required"

    def __init__(self, message: str) -> None:
        super().__init__({"rules": message})


class ExplanationRequired(InvalidInput):
    """Every moderation action (and every appeal decision) carries a written explanation."""

    code = "explanation_required"

    def __init__(self, message: str, *, field: str = "explanation") -> None:
        super().__init__({field: message})


class SecondApprovalRequired(NotAllowed):
    """The criticism guard: the proposer of a decision cannot be its second pair of eyes."""

    code = "second_approval_required"


class SelfAppealDecision(NotAllowed):
    """A moderator cannot decide the appeal against a decision they made or approved."""

    code = "self_appeal_decision"


class AppealWindowClosed(NotAllowed):
    code = "appeal_window_closed"


class AlreadyAppealed(Conflict):
    code = "already_appealed"


class DeletionFrozen(Conflict):
    """A deletion freeze is on: criticism stays up unless a manager records an override."""

    code = "deletion_frozen"


class StaleDecision(Conflict):
    """Another moderator acted on the post since this one looked at it."""

    code = "stale_decision"


class AuthorRestricted(NotAllowed):
    """A moderator restricted the author: no new posts or edits in the brand until the end date."""

    code = "author_restricted"


class ApproverNotEligible(NotAllowed):
    """The second pair of eyes must be an independent, established person: not appointed by the proposer,
    holding an approving role for the brand's minimum time."""

    code = "approver_not_eligible"

"""Two moderators act on one post at the same moment (PostgreSQL, real row locks): one wins, the other
is told what happened."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from resonanz.moderation import selectors, services
from resonanz.moderation.chain import verify_chain
from resonanz.moderation.errors import StaleDecision
from resonanz.moderation.models import ModerationDecision
from resonanz.moderation.tests.factories import post_with_labels, rule, rules_factory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_moderators_one_post_one_wins(brand, moderator, manager):
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import member_factory

    other = member_factory(brand, Role.MODERATOR, username="moritz")
    rules_factory(brand, by=manager)
    post = post_with_labels(brand, abuse=0.7)
    seen = selectors.state_token(post)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(user, action) -> None:
        try:
            barrier.wait()
            services.act_on_post(post, action=action, by=user, rules=[rule(brand)],
                                 explanation="Beleidigung anderer.", expected_state=seen)  # fmt: skip
            outcomes[user.username] = "won"
        except StaleDecision as exc:
            outcomes[user.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(moderator, "hide")),
               threading.Thread(target=act, args=(other, "remove"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(str(v) == "won" for v in outcomes.values()) == [False, True]
    loser_message = next(str(v) for v in outcomes.values() if v != "won")
    winner = next(name for name, v in outcomes.items() if v == "won")
    assert winner in loser_message
    assert ModerationDecision.objects.count() == 1
    assert verify_chain(brand).ok

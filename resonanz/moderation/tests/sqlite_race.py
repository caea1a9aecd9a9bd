"""Run by ``test_concurrency_sqlite``: two moderators act on one post at the same moment, on a real SQLite
file with the product's settings (WAL, ``BEGIN IMMEDIATE``, busy timeout), each thread with its own
connection. Prints the outcome as JSON. The in-memory test database cannot show this: its shared cache
has table locks instead of SQLite's file locking."""

from __future__ import annotations

import json
import os
import sys
import threading


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    from resonanz.accounts.models import Role, User
    from resonanz.accounts.tests.factories import BrandFactory, member_factory
    from resonanz.moderation import selectors, services
    from resonanz.moderation.chain import verify_chain
    from resonanz.moderation.errors import StaleDecision
    from resonanz.moderation.models import ModerationDecision
    from resonanz.moderation.tests.factories import post_with_labels, rule, rules_factory

    assert (
        connection.vendor == "sqlite"
        and connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    )
    brand = BrandFactory.create(slug="race")
    first, second = (member_factory(brand, Role.MODERATOR, username=name) for name in ("mo", "moritz"))
    rules_factory(brand)
    post = post_with_labels(brand, abuse=0.7)
    seen = selectors.state_token(post)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(user: User, action: str) -> None:
        try:
            barrier.wait()
            services.act_on_post(post, action=action, by=user, rules=[rule(brand)],
                                 explanation="Beleidigung anderer.", expected_state=seen)  # fmt: skip
            outcomes[user.username] = "won"
        except StaleDecision as exc:
            outcomes[user.username] = "stale: " + exc.message
        except Exception as exc:  # any other failure ("database is locked") is what the test must see
            outcomes[user.username] = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(first, "hide")),
               threading.Thread(target=act, args=(second, "remove"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    result = {
        "outcomes": outcomes,
        "decisions": ModerationDecision.objects.count(),
        "chain_ok": verify_chain(brand).ok,
    }
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

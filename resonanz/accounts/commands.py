"""The ``reset-second-factor`` subcommand: the way back in for someone who lost both app and recovery
codes. It needs shell access to the server, which is exactly the trust the factor cannot check."""

from __future__ import annotations

import argparse
import sys


def cmd_reset_second_factor(args: argparse.Namespace) -> int:
    from resonanz.cli import setup_django

    setup_django()
    from resonanz.accounts import twofactor
    from resonanz.accounts.models import User

    user = User.objects.filter(username__iexact=args.username).first()
    if user is None:
        print(f"No user named {args.username!r}.", file=sys.stderr)
        return 1
    if not twofactor.reset(user):
        print(f"{user.username} has no second factor; nothing changed.")
        return 0
    print(f"The second factor of {user.username} was removed; they can set up a new one after logging in.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    reset = subparsers.add_parser(
        "reset-second-factor", help="remove a user's second factor (lost phone and recovery codes)"
    )
    reset.add_argument("username")
    reset.set_defaults(func=cmd_reset_second_factor)

"""The ``set-role`` subcommand: the operator gives or withdraws a role in a brand at the command line,
through the same service as the pages (recorded, and logged publicly as "granted by the operator")."""

from __future__ import annotations

import argparse
import sys


def cmd_set_role(args: argparse.Namespace) -> int:
    from resonanz.cli import setup_django

    setup_django()
    from resonanz.accounts.models import Brand, User
    from resonanz.core.errors import DomainError
    from resonanz.moderation.services.roles import OPERATOR, change_role

    brand = Brand.objects.filter(slug=args.brand).first()
    user = User.objects.filter(username__iexact=args.user).first()
    if brand is None or user is None:
        print(f"unknown {'brand' if brand is None else 'user'}: {args.brand if brand is None else args.user}",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        change_role(user, brand=brand, role=None if args.role == "none" else args.role, by=OPERATOR)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(f"{user.username} @ {brand.slug}: {args.role} (logged publicly)")
    return 0


# accounts.Role's values (the parser is built before Django is set up; the service checks them again).
ROLE_CHOICES = ("member", "agent", "moderator", "manager", "admin", "reviewer", "none")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "set-role", help="give a user a role in a brand, or withdraw it (recorded and logged publicly)"
    )
    parser.add_argument("brand", metavar="BRAND_SLUG")
    parser.add_argument("user", metavar="USERNAME")
    parser.add_argument("role", choices=ROLE_CHOICES, help="none withdraws the membership")
    parser.set_defaults(func=cmd_set_role)

"""What ``load_demo`` did, and the login table the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass, field

from resonanz.demo.people import BRANDS, DEMO_PASSWORD, ROLE_ABILITIES, STAFF


@dataclass(frozen=True)
class DemoLogin:
    brand: str
    role: str
    username: str
    password: str
    can: str


@dataclass
class DemoSummary:
    """Counts of rows created by this run (all zero on a repeated run) and the demo logins."""

    brands: int = 0
    users: int = 0
    threads: int = 0
    posts: int = 0
    articles: int = 0
    reports: int = 0
    # What each domain app's own demo seed created: app -> brand slug -> {what: count}.
    seeded: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        seeded = any(
            n for brands in self.seeded.values() for counts in brands.values() for n in counts.values()
        )
        return seeded or any((self.brands, self.users, self.threads, self.posts, self.articles, self.reports))

    def format_counts(self) -> str:
        if not self.created_anything:
            return "Demo data is already loaded; nothing was changed."
        lines = [
            f"Created {self.brands} brands, {self.users} users, {self.threads} threads, "
            f"{self.posts} posts, {self.articles} articles and {self.reports} reports."
        ]
        for app, brands in self.seeded.items():
            for slug, counts in brands.items():
                made = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items() if n)
                if made:
                    lines.append(f"{app} ({slug}): {made}")
        return "\n".join(lines)

    def format_logins(self) -> str:
        """A plain-text table: brand, role, user name, password, what the role can do."""
        header = ("brand", "role", "user", "password", "can")
        rows = [header] + [(x.brand, x.role, x.username, x.password, x.can) for x in self.logins]
        widths = [max(len(row[col]) for row in rows) for col in range(len(header) - 1)]
        lines = [f"Demo logins (the password is the same for all: {DEMO_PASSWORD})", ""]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  ".join([*cells, row[-1]]).rstrip())
        lines.extend(f"! {warning}" for warning in self.warnings)
        return "\n".join(lines)


def demo_logins() -> list[DemoLogin]:
    """One login per role and brand, brand by brand, highest role first."""
    order = list(ROLE_ABILITIES)
    logins = [
        DemoLogin(brand.name, role, user.username, DEMO_PASSWORD, ROLE_ABILITIES[role])
        for brand in BRANDS
        for user in STAFF
        for slug, role in user.roles
        if slug == brand.slug
    ]
    names = [brand.name for brand in BRANDS]
    return sorted(logins, key=lambda login: (names.index(login.brand), order.index(login.role)))

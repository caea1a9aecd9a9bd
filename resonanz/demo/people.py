"""Who is in the demo: the two brands, their forum categories and every account with its role."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "resonanz-demo"  # noqa: S105 - a public demo password, printed on purpose
EMAIL_DOMAIN = "demo.resonanz.invalid"
ELBTAL = "elbtal-bahn"
EISCAFE = "eiscafe-venezia"


@dataclass(frozen=True)
class DemoBrand:
    slug: str
    name: str
    tagline: str
    timezone: str = "Europe/Berlin"


@dataclass(frozen=True)
class DemoCategory:
    brand: str
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    # brand slug -> role value ("member", "agent", "moderator", "manager", "admin", "reviewer")
    roles: tuple[tuple[str, str], ...]
    superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


BRANDS = (
    DemoBrand(ELBTAL, "Elbtal Bahn", "Ihre Regionalbahn zwischen Meißen, Dresden, Pirna und Bad Schandau"),
    DemoBrand(EISCAFE, "Eiscafé Venezia", "Handgemachtes Eis an der Kiellinie, seit 1987"),
)

CATEGORIES = (
    DemoCategory(
        ELBTAL, "fahrplan", "Fahrplan & Verspätungen", "Pünktlichkeit, Ausfälle, Anschlüsse und Baustellen"
    ),
    DemoCategory(ELBTAL, "tickets", "Tickets & Preise", "Deutschlandticket, App, Automaten und Tarife"),
    DemoCategory(ELBTAL, "service", "Service & Sauberkeit", "Züge, Bahnhöfe, Personal und Barrierefreiheit"),
    DemoCategory(ELBTAL, "lob-ideen", "Lob & Ideen", "Was gut läuft und was besser werden könnte"),
    DemoCategory(ELBTAL, "off-topic", "Off-Topic", "Ausflugstipps, Fotos und alles andere rund ums Elbtal"),
    DemoCategory(EISCAFE, "eis", "Eis & Café", "Sorten, Öffnungszeiten und alles rund ums Venezia"),
)

# The staff accounts: one per role, the logins printed after loading.
STAFF = (
    DemoUser("admin", "Admin (Demo)", ((ELBTAL, "admin"), (EISCAFE, "admin")), superuser=True),
    DemoUser("maren", "Maren Vogt (Elbtal Bahn)", ((ELBTAL, "manager"),)),
    DemoUser("mo", "Mo Schubert (Moderation)", ((ELBTAL, "moderator"),)),
    # A second moderator: four eyes on criticism and appeals decided by someone else.
    DemoUser("moritz", "Moritz Lange (Moderation)", ((ELBTAL, "moderator"),)),
    DemoUser("alex", "Alex K. (Elbtal Bahn)", ((ELBTAL, "agent"),)),
    DemoUser("mia", "Mia", ((ELBTAL, "member"), (EISCAFE, "member"))),
    DemoUser("gino", "Gino (Eiscafé Venezia)", ((EISCAFE, "manager"),)),
    # The external reviewer both brands designated: the second pair of eyes from outside the team (the
    # Eiscafé has a single moderator, its manager Gino).
    DemoUser("ombudsfrau", "Ombudsfrau Ute (extern)", ((ELBTAL, "reviewer"), (EISCAFE, "reviewer"))),
)

_ELBTAL_MEMBERS = {
    "jana_dd": "Jana",
    "tobi.pirna": "Tobi",
    "sachsenkind": "",
    "mandy_k": "Mandy K.",
    "ronny1983": "",
    "elbflorenz_fan": "",
    "pendler_heidenau": "Pendler aus Heidenau",
    "schandauer": "",
    "kathrin.meissen": "Kathrin",
    "bergfex_sbs": "Bergfex",
    "gisela_r": "Gisela R.",
    "lukas_radelt": "Lukas",
    "studi_tud": "",
    "frank_m": "Frank M.",
    "heike.w": "Heike",
    "nico_dd": "Nico",
    "sophie_sbs": "Sophie",
    "paul_pendelt": "Paul",
    "steffi_kg": "Steffi",
    "dirk_baut": "Dirk",
    "lena_liest": "Lena",
    "maik77": "",
    "anke.r": "Anke",
    "jonas_zug": "Jonas",
    "uwe_s": "Uwe S.",
    "hannes.h": "Hannes",
    "rentner_klaus": "Klaus",
}
_EISCAFE_MEMBERS = {"kieler_sprotte": "", "leonie_kiel": "Leonie", "fiete_hh": "Fiete", "moin_janne": "Janne"}

MEMBERS = tuple(
    DemoUser(name, display, ((ELBTAL, "member"),)) for name, display in _ELBTAL_MEMBERS.items()
) + tuple(DemoUser(name, display, ((EISCAFE, "member"),)) for name, display in _EISCAFE_MEMBERS.items())

USERS = STAFF + MEMBERS

# What each role may do, for the printed login table.
ROLE_ABILITIES = {
    "admin": "everything, incl. brands, roles and the Django admin (/admin/)",
    "manager": "strategy, house rules, dashboards, crisis alerts",
    "moderator": "hide/remove posts citing house rules, decide reports and appeals",
    "agent": "inbox: read, classify, assign and answer; write blog articles",
    "reviewer": "outside the team: approve or reject proposals to silence protected posts (four eyes)",
    "member": "read, write, react, report abuse, appeal",
}


def users_by_name() -> dict[str, DemoUser]:
    return {user.username: user for user in USERS}

# ruff: noqa: RUF001 - the German texts use typographic quotes and dashes, as German writing does
"""Demo crisis early warning for the demo brands: settings with an escalation list, German holding
statements, and one past alert, acknowledged and resolved, with its post-mortem.

For the Elbtal Bahn, a signal failure one week ago: a dozen complaints arrive on Mastodon within an
hour of the morning rush and go through the one ingestion pipeline and the classifier like any post;
the team answers some of them. The detector then judges the windows of that morning exactly as its
periodic job would — the alert is a real detection on the demo data, with the topics and example posts
it found.

``seed_demo(brand, now=...)`` is idempotent: statements are found by title, the surge posts dedupe on
their ids, and the past alert is written only when the brand has no alert yet. It runs after the inbox
and insights demos. The past alert is written at its own (past) times without e-mails or webhooks; it
does not use crisis mode, since switching the deletion freeze would put entries with today's date into
the public moderation log.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.alerts import detection
from resonanz.alerts.models import Alert, AlertEvent, AlertSettings, HoldingStatement
from resonanz.alerts.postmortem import write_postmortem
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.staging import stage_posts
from resonanz.insights import rollup
from resonanz.sources.incoming import IncomingPost
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.services import get_community_channel

COUNTS = ("settings", "holding_statements", "surge_posts", "alerts")
STATEMENTS = {
    "elbtal-bahn": (
        (
            "Störung – wir sind dran",
            "Hallo {name}, danke für Ihre Nachricht. Wir wissen von der Störung und arbeiten mit Hochdruck "
            "daran. Aktuelle Infos veröffentlichen wir im Blog und auf Mastodon. Viele Grüße, {agent} "
            "vom Team der {brand}",
        ),
        (
            "Entschuldigung und Erstattung",
            "Hallo {name}, das tut uns leid – so soll Ihre Fahrt nicht aussehen. Bei mehr als 60 Minuten "
            "Verspätung erstatten wir 25 % des Fahrpreises; das Formular finden Sie auf unserer Website. "
            "Viele Grüße, {agent}",
        ),
    ),
    "eiscafe-venezia": (
        (
            "Wir kümmern uns",
            "Hallo {name}, danke für den Hinweis – wir schauen uns das heute noch an und melden uns. "
            "Viele Grüße, {agent} vom {brand}",
        ),
    ),
}
# (minutes after 06:50 local, handle, text); a reply of the team is ("team", id of the post it answers).
SURGE = (
    (2, "pendlerin_pirna", "Schon wieder fällt die S1 in Heidenau aus. Keine Durchsage, keine Info in der "
     "App. Wie soll man so pünktlich zur Arbeit kommen?"),
    (6, "mark_dd", "Signalstörung zwischen Heidenau und Pirna und die Elbtal Bahn schweigt. Seit 20 "
     "Minuten stehen wir am Bahnsteig in der Kälte."),
    (9, "jule.sbs", "Zug gestrichen, Ersatzbus nicht in Sicht. Das ist heute schon das dritte Mal diesen "
     "Monat."),
    (14, "radpendler", "Warum erfährt man von Ausfällen erst am Gleis? Die App zeigt alles pünktlich an, "
     "das ist einfach schlecht."),
    (17, "heidenauer", "Überfüllter Zug, weil der vorherige ausgefallen ist. Keine Chance einzusteigen, "
     "ich komme zu spät zum Termin."),
    (21, "anne_k", "Die Anzeige am Bahnhof Pirna ist seit Tagen falsch und heute wieder totales Chaos. "
     "So verliert ihr Kundschaft."),
    (24, "pendler_heidenau", "Keine Information, kein Ersatzverkehr, nichts. Ich bin wirklich enttäuscht "
     "von der Elbtal Bahn."),
    (28, "sven_m", "Stehe seit einer halben Stunde in Heidenau. Ausfall ohne Ansage, die Hotline ist "
     "dauerbesetzt."),
    (33, "lea.dresden", "Schon wieder Verspätung wegen Signalstörung. Das Deutschlandticket ist für diesen "
     "Service zu teuer."),
    (37, "tobi.pirna", "Der Ersatzbus ist voll und fährt einfach vorbei. Schlechter Service heute Morgen."),
    (41, "kathi_r", "Ich verpasse meinen Anschluss in Dresden, weil die S1 ausfällt. Bitte informiert "
     "endlich rechtzeitig!"),
    (46, "gerd_meissen", "Die Kommunikation bei Störungen ist mangelhaft. Nirgends steht, wann es "
     "weitergeht."),
    (52, "team", 1),
    (58, "team", 2),
    (66, "team", 5),
    (75, "team", 8),
)  # fmt: skip
TEAM_ANSWER = (
    "Es tut uns leid: Wegen einer Signalstörung zwischen Heidenau und Pirna fallen Züge aus. Ersatzbusse "
    "sind unterwegs, die Reparatur läuft. Wir informieren hier und im Blog."
)


def _managers(brand: Brand) -> list[User]:
    ids = Membership.objects.filter(brand=brand, role=Role.MANAGER).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def _surge_channel(brand: Brand) -> Channel:
    return Channel.objects.filter(brand=brand, kind=ChannelKind.MASTODON).order_by("pk").first() or (
        get_community_channel(brand)
    )


def _morning(brand: Brand, now: datetime) -> datetime:
    """06:50 local time on the same weekday one week ago (a working-day rush hour, in the baseline's past)."""
    zone = ZoneInfo(brand.timezone)
    day = (now.astimezone(zone) - timedelta(days=7)).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(6, 50), tzinfo=zone)


def _surge_posts(brand: Brand, channel: Channel, start: datetime) -> int:
    posts = []
    for n, (minute, handle, text) in enumerate(SURGE, start=1):
        at = start + timedelta(minutes=minute)
        if handle == "team":
            root = f"demo-surge-{text}"
            posts.append(
                IncomingPost(
                    external_id=f"demo-surge-answer-{n}", text=TEAM_ANSWER, created_at=at,
                    author_handle="elbtalbahn", thread_key=root, in_reply_to=root, from_brand=True,
                )
            )  # fmt: skip
        else:
            key = f"demo-surge-{n}"
            posts.append(
                IncomingPost(
                    external_id=key, text=str(text), created_at=at, author_handle=handle, thread_key=key
                )
            )
    created = stage_posts(channel, posts, enqueue=False).new
    process_pending()
    return created


def _resolution(topics: list[dict]) -> str:
    names = ", ".join(str(t["topic"]).replace("_", " ") for t in topics) or "mehreren Themen"
    return (
        f"Signalstörung zwischen Heidenau und Pirna im Berufsverkehr; Kritik vor allem zu {names}. Wir haben "
        "die Beschwerden persönlich beantwortet und die Ersatzbusse angekündigt; nach der Reparatur gegen "
        "9 Uhr beruhigte sich die Lage. Der Krisenmodus war nicht nötig."
    )


def _past_alert(brand: Brand, start: datetime, managers: list[User]) -> int:
    """Judge the surge morning window by window, as the periodic job does, and keep the first alert."""
    rollup.consume_all(max_steps=10_000)
    surge = None
    moment = start
    while surge is None and moment < start + timedelta(hours=3):
        moment += detection.WINDOW
        surge = detection.find_surge(brand, now=moment + timedelta(minutes=2))
    if surge is None:
        return 0
    manager = managers[0] if managers else None
    opened = surge.end + timedelta(minutes=3)
    acknowledged, resolved = opened + timedelta(minutes=11), opened + timedelta(hours=2, minutes=20)
    alert = Alert.objects.create(
        brand=brand, status=Alert.Status.RESOLVED, window_start=surge.start, window_end=surge.end,
        observed=surge.detection.observed, expected=surge.detection.expected, p_value=surge.detection.p_value,
        driving_topics=surge.topics, example_message_ids=surge.examples, opened_at=opened,
        acknowledged_at=acknowledged, acknowledged_by=manager, resolved_at=resolved, resolved_by=manager,
        resolution=_resolution(surge.topics),
    )  # fmt: skip
    for kind, when, actor in (
        (AlertEvent.Kind.OPENED, opened, None),
        (AlertEvent.Kind.ACKNOWLEDGED, acknowledged, manager),
        (AlertEvent.Kind.RESOLVED, resolved, manager),
    ):
        data = {"observed": alert.observed, "expected": round(alert.expected, 2)} if not actor else {}
        AlertEvent.objects.create(alert=alert, kind=kind, actor=actor, data=data, created_at=when)
    write_postmortem(alert)
    return 1


def seed_demo(brand: Brand, *, now: datetime) -> dict[str, int]:
    """Alert settings, holding statements and a resolved past alert; all 0 on a re-run."""
    counts: Counter[str] = Counter()
    statements = STATEMENTS.get(brand.slug)
    if statements is None:
        return dict.fromkeys(COUNTS, 0)
    with transaction.atomic():
        settings, created = AlertSettings.objects.get_or_create(brand=brand)
        counts["settings"] += created
        managers = _managers(brand)
        if created and managers:
            settings.escalate_to.set(managers)
        for title, body in statements:
            _statement, created = HoldingStatement.objects.get_or_create(
                brand=brand, title=title, defaults={"body": body}
            )
            counts["holding_statements"] += created
        if brand.slug == "elbtal-bahn" and not Alert.objects.filter(brand=brand).exists():
            start = _morning(brand, now)
            counts["surge_posts"] += _surge_posts(brand, _surge_channel(brand), start)
            counts["alerts"] += _past_alert(brand, start, managers)
    return {key: counts[key] for key in COUNTS}

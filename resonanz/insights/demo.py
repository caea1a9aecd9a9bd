# ruff: noqa: RUF001 - the German texts use typographic quotes and dashes, as German writing does
"""Demo strategy for the demo brands: German goals, target groups and KPIs with targets, the insights
settings (public Dialog-Bilanz, monthly report), and rollups that are up to date with the demo inbox.

``seed_demo(brand, now=...)`` is idempotent: goals, target groups and KPIs are found by their names and
never duplicated; the rollups are brought up to date by the incremental consumer, which changes nothing
when run again. It runs after the inbox and moderation demos, so their posts and answers are counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from resonanz.accounts.models import Brand
from resonanz.insights import rollup
from resonanz.insights.models import (
    KPI,
    Goal,
    InsightsSettings,
    KpiPeriod,
    Metric,
    ReportFrequency,
    TargetGroup,
)
from resonanz.sources.models import Channel, ChannelKind

COUNTS = ("target_groups", "goals", "kpis", "settings", "rollup_rows")


@dataclass(frozen=True)
class DemoKpi:
    name: str
    metric: str
    target: float
    period: str = KpiPeriod.MONTH
    threshold_minutes: int | None = None
    topic: str = ""


@dataclass(frozen=True)
class DemoGoal:
    title: str
    description: str
    groups: tuple[str, ...]
    channel_kinds: tuple[str, ...]  # () = every channel of the brand
    kpis: tuple[DemoKpi, ...]


@dataclass(frozen=True)
class DemoStrategy:
    groups: dict[str, str] = field(default_factory=dict)
    goals: tuple[DemoGoal, ...] = ()


ELBTAL = DemoStrategy(
    groups={
        "Pendlerinnen und Pendler": "Fahren werktags zwischen Meißen, Dresden und Pirna; wollen bei "
        "Störungen schnell wissen, wie sie weiterkommen – meist mobil, oft auf Mastodon und in der App.",
        "Ausflügler und Familien": "Wochenendgäste Richtung Sächsische Schweiz; fragen nach Tickets, "
        "Fahrradmitnahme und Anschlüssen, oft im Forum.",
        "Fahrgäste mit eingeschränkter Mobilität": "Brauchen verlässliche Auskunft zu Aufzügen, Rampen "
        "und Hilfe am Bahnsteig; schreiben häufig per E-Mail.",
    },
    goals=(
        DemoGoal(
            "Kritik ernst nehmen und schnell beantworten",
            "Wer sich über Verspätungen, Ausfälle oder Service beschwert, bekommt zügig eine persönliche "
            "Antwort – auch nachts und am Wochenende. Kritik wird nicht gelöscht, sondern beantwortet.",
            ("Pendlerinnen und Pendler", "Fahrgäste mit eingeschränkter Mobilität"),
            (),
            (
                DemoKpi(
                    "90 % der Kritik innerhalb von 2 Stunden beantworten",
                    Metric.CRITICISM_ANSWERED_WITHIN,
                    90,
                    threshold_minutes=120,
                ),
                DemoKpi("Median der ersten Antwort unter 30 Minuten", Metric.MEDIAN_FIRST_RESPONSE, 30),
                DemoKpi("Mindestens 85 % der Anliegen beantwortet", Metric.RESPONSE_RATE, 85),
            ),
        ),
        DemoGoal(
            "Aus Ärger wird Verständnis",
            "Nach unserer Antwort soll die Stimmung besser sein als vorher: erklären, was los ist, "
            "und sagen, was wir tun.",
            ("Pendlerinnen und Pendler",),
            (ChannelKind.COMMUNITY, ChannelKind.MASTODON),
            (DemoKpi("Turnaround in mindestens 30 % der beantworteten Gespräche", Metric.TURNAROUND, 30),),
        ),
        DemoGoal(
            "Eine Community, die wiederkommt",
            "Das Forum soll der Ort sein, an dem Fahrgäste Tipps austauschen – nicht nur ein "
            "Beschwerdekanal.",
            ("Ausflügler und Familien",),
            (ChannelKind.COMMUNITY,),
            (
                DemoKpi(
                    "Anteil positiver Beiträge ≥ 40 % im Quartal",
                    Metric.POSITIVE_SHARE,
                    40,
                    KpiPeriod.QUARTER,
                ),
                DemoKpi(
                    "Mindestens 30 % wiederkehrende Teilnehmende",
                    Metric.RETURNING_SHARE,
                    30,
                    KpiPeriod.QUARTER,
                ),
            ),
        ),
    ),
)
EISCAFE = DemoStrategy(
    groups={"Stammgäste an der Kiellinie": "Kommen jede Woche; fragen nach neuen Sorten und Öffnungszeiten."},
    goals=(
        DemoGoal(
            "Jede Frage am selben Tag beantworten",
            "Ein kleines Team, aber niemand wartet bis morgen.",
            ("Stammgäste an der Kiellinie",),
            (),
            (
                DemoKpi("Antwortquote 100 %", Metric.RESPONSE_RATE, 100),
                DemoKpi("Median der ersten Antwort unter 4 Stunden", Metric.MEDIAN_FIRST_RESPONSE, 240),
            ),
        ),
    ),
)
STRATEGIES = {"elbtal-bahn": ELBTAL, "eiscafe-venezia": EISCAFE}


def _strategy(brand: Brand, spec: DemoStrategy, counts: Counter[str]) -> None:
    groups = {}
    for name, description in spec.groups.items():
        groups[name], created = TargetGroup.objects.get_or_create(
            brand=brand, name=name, defaults={"description": description}
        )
        counts["target_groups"] += created
    channels = list(Channel.objects.filter(brand=brand))
    for goal_spec in spec.goals:
        goal, created = Goal.objects.get_or_create(
            brand=brand, title=goal_spec.title, defaults={"description": goal_spec.description}
        )
        counts["goals"] += created
        if created:
            goal.target_groups.set([groups[g] for g in goal_spec.groups])
            kinds = goal_spec.channel_kinds
            goal.channels.set([c for c in channels if not kinds or c.kind in kinds])
        for k in goal_spec.kpis:
            _kpi, created = KPI.objects.get_or_create(
                brand=brand,
                name=k.name,
                defaults={
                    "goal": goal,
                    "metric": k.metric,
                    "target": k.target,
                    "period": k.period,
                    "threshold_minutes": k.threshold_minutes,
                    "topic": k.topic,
                },
            )
            counts["kpis"] += created


def seed_demo(brand: Brand, *, now: datetime) -> dict[str, int]:
    """Write the brand's demo strategy and settings and bring its rollups up to date (all 0 on a re-run,
    except the rows the consumer takes when new inbox rows arrived in between)."""
    counts: Counter[str] = Counter()
    spec = STRATEGIES.get(brand.slug)
    with transaction.atomic():
        if spec is not None:
            _strategy(brand, spec, counts)
            _settings, created = InsightsSettings.objects.get_or_create(
                brand=brand, defaults={"public_bilanz": True, "report_frequency": ReportFrequency.MONTHLY}
            )
            counts["settings"] += created
    counts["rollup_rows"] += rollup.consume_all(max_steps=10_000)
    return {key: counts[key] for key in COUNTS}

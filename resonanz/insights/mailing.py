"""Mailing the periodic report to the brand's managers once per finished week or month."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.core.links import absolute
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.models import ReportDelivery, ReportFrequency
from resonanz.insights.pdf import render_pdf
from resonanz.insights.reports import build_report, render_html


def due_period(frequency: str, today: date) -> str | None:
    """The label of the last finished period for the frequency (None when reports are off)."""
    found = _last_finished(frequency, today)
    return found[0] if found else None


def _last_finished(frequency: str, today: date) -> tuple[str, date] | None:
    """(label, last day) of the last finished period."""
    if frequency == ReportFrequency.WEEKLY:
        monday = today - timedelta(days=today.weekday() + 7)
        sunday = monday + timedelta(days=6)
        return f"{monday.isoformat()}..{sunday.isoformat()}", sunday
    if frequency == ReportFrequency.MONTHLY:
        last = today.replace(day=1) - timedelta(days=1)
        return f"{last.year}-{last.month:02d}", last
    return None


def _recipients(brand: Brand) -> list[str]:
    ids = Membership.objects.filter(brand=brand, role__in=[Role.MANAGER, Role.ADMIN]).values("user")
    return list(
        User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("email", flat=True)
    )


def send_report(brand: Brand, label: str, recipients: list[str]) -> None:
    report = build_report(brand, label)
    subject = _("[%(brand)s] Report %(period)s") % {"brand": brand.name, "period": label}
    text = _("The report of %(brand)s for %(period)s is attached as PDF and included as HTML.") % {
        "brand": brand.name,
        "period": label,
    }
    page = absolute(reverse("insights:report", args=[brand.slug])) + f"?period={label}"
    text += "\n\n" + _("Online: %(url)s") % {"url": page}
    mail = EmailMultiAlternatives(subject, text, None, recipients)
    mail.attach_alternative(render_html(report), "text/html")
    mail.attach(f"{brand.slug}-{label.replace('..', '_')}.pdf", render_pdf(report), "application/pdf")
    mail.send()


def send_due_reports(*, now: datetime | None = None) -> int:
    """Idempotent: a (brand, period) that was mailed is recorded and never mailed again.

    The scheduler enqueues this job on its first tick, i.e. right when ``resonanz run`` starts. A
    report that was missed while the server was down is still sent then (it was never sent), but a
    period that ended before the brand existed is not: a fresh install or a new brand would otherwise
    get last month's empty report the moment the server starts."""
    now = now or timezone.now()
    sent = 0
    for brand in Brand.objects.filter(is_active=True):
        zone = zoneinfo.ZoneInfo(brand.timezone)
        today = now.astimezone(zone).date()
        finished = _last_finished(settings_for(brand).report_frequency, today)
        recipients = _recipients(brand)
        if finished is None or not recipients:
            continue
        label, last_day = finished
        if brand.created_at.astimezone(zone).date() > last_day:
            continue
        delivery, created = ReportDelivery.objects.get_or_create(brand=brand, period=label)
        if not created:
            continue
        try:
            send_report(brand, label, recipients)
        except Exception:
            delivery.delete()  # try again next hour rather than never
            raise
        ReportDelivery.objects.filter(pk=delivery.pk).update(recipients=len(recipients))
        sent += 1
    return sent

"""The brand admin's page of retention periods."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from resonanz.core.errors import DomainError
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.privacy import services
from resonanz.privacy.forms import RetentionForm
from resonanz.privacy.models import RetentionRun, RetentionSettings


@brand_view
@login_required
def retention(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    current = services.retention_settings(brand, viewer=request.user)
    # The form only validates the input (on a copy); the service checks the role again and saves.
    form = RetentionForm(
        request.POST or None,
        instance=RetentionSettings(
            pk=current.pk, brand=brand, **{name: getattr(current, name) for name in services.PERIOD_FIELDS}
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_retention_settings(
                brand, by=request.user, **{name: form.cleaned_data[name] for name in services.PERIOD_FIELDS}
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(request, _("Retention periods saved."))
            return redirect("privacy:retention", brand.slug)
    last_run = RetentionRun.objects.first()
    counts = last_run.counts.get(brand.slug, {}) if last_run else {}
    return render(request, "privacy/retention.html", {"form": form, "last_run": last_run, "counts": counts})

"""Root URLs: pages per brand under /b/<brand>/, accounts, admin, the API and language switching."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from resonanz.api import api
from resonanz.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("resonanz.accounts.urls")),
    path("b/<slug:brand_slug>/", include("resonanz.community.urls")),
    path("b/<slug:brand_slug>/blog/", include("resonanz.blog.urls")),
    path("b/<slug:brand_slug>/moderation/", include("resonanz.moderation.urls")),
    path("b/<slug:brand_slug>/inbox/", include("resonanz.inbox.urls")),
    path("hooks/", include("resonanz.sources.webhook.urls")),
    path("b/<slug:brand_slug>/moderation/", include("resonanz.moderation.staff_urls")),
    path("b/<slug:brand_slug>/insights/", include("resonanz.insights.urls")),
    path("b/<slug:brand_slug>/alerts/", include("resonanz.alerts.urls")),
    path("b/<slug:brand_slug>/privacy/", include("resonanz.privacy.urls")),
    path("b/<slug:brand_slug>/topics/", include("resonanz.classify.urls")),
    path("b/<slug:brand_slug>/bilanz/", include("resonanz.insights.public_urls")),
]

handler400 = "resonanz.core.views.bad_request"

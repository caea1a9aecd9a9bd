from __future__ import annotations

from django.urls import path

from resonanz.sources.webhook import views

app_name = "hooks"
urlpatterns = [path("<uuid:channel_uuid>/", views.receive, name="receive")]

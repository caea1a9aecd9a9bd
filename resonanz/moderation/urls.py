from __future__ import annotations

from django.urls import path

from resonanz.moderation import views

app_name = "moderation"
urlpatterns = [
    path("report/<int:post_id>/", views.report, name="report"),
    path("reports/", views.my_reports, name="my_reports"),
]

"""Staff pages of classification, mounted at ``b/<slug:brand_slug>/topics/``."""

from __future__ import annotations

from django.urls import path

from resonanz.classify import views

app_name = "classify"
urlpatterns = [
    path("", views.topics, name="topics"),
    path("<int:topic_id>/", views.topic_edit, name="topic_edit"),
    path("<int:topic_id>/delete/", views.topic_delete, name="topic_delete"),
]

from __future__ import annotations

from django.urls import path

from resonanz.community import views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
]

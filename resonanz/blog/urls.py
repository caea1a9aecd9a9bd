from __future__ import annotations

from django.urls import path

from resonanz.blog import views

app_name = "blog"
urlpatterns = [path("", views.index, name="index")]

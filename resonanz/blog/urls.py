from __future__ import annotations

from django.urls import path

from resonanz.blog import views

app_name = "blog"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_article, name="new"),  # before <slug>/: "new" is a valid slug
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/comment/", views.comment, name="comment"),
    path("<slug:slug>/edit/", views.edit_article, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/unpublish/", views.unpublish, name="unpublish"),
]

from __future__ import annotations

from django.urls import path

from resonanz.community import views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("forum/c/<slug:slug>/", views.category, name="category"),
    path("forum/new/", views.new_thread, name="new_thread"),
    path("forum/t/<int:thread_id>/", views.thread, name="thread"),
    path("forum/t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("forum/p/<int:post_id>/", views.post_permalink, name="post"),
    path("forum/p/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("forum/p/<int:post_id>/react/<str:kind>/", views.react, name="react"),
    path("search/", views.search, name="search"),
]

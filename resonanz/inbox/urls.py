from __future__ import annotations

from django.urls import path

from resonanz.inbox.views import confirm, setup
from resonanz.inbox.views import conversations as views

app_name = "inbox"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("c/<int:conversation_id>/", views.conversation, name="conversation"),
    path("c/<int:conversation_id>/assign/", views.assign, name="assign"),
    path("c/<int:conversation_id>/status/", views.set_status, name="status"),
    path("c/<int:conversation_id>/note/", views.add_note, name="note"),
    path("c/<int:conversation_id>/reply/", views.reply, name="reply"),
    path("c/<int:conversation_id>/presence/", views.heartbeat, name="presence"),
    path("c/<int:conversation_id>/saved/<int:saved_id>/", views.saved_reply_text, name="saved_reply_text"),
    path("c/<int:conversation_id>/explain/<int:message_id>/", views.explanation, name="explanation"),
    path("c/<int:conversation_id>/retry/<int:reply_id>/", views.retry_delivery, name="retry"),
    path("c/<int:conversation_id>/moderation/", views.moderation_checked, name="moderation_checked"),
    path("confirm/", confirm.confirm_queue, name="confirm_queue"),
    path("confirm/<int:message_id>/", confirm.confirm_answer, name="confirm_answer"),
    path("channels/", setup.channels, name="channels"),
    path("channels/new/", setup.channel_edit, name="channel_new"),
    path("channels/<int:channel_id>/", setup.channel_edit, name="channel_edit"),
    path("channels/<int:channel_id>/poll/", setup.channel_poll, name="channel_poll"),
    path("channels/<int:channel_id>/import/", setup.channel_import, name="channel_import"),
    path(
        "channels/<int:channel_id>/dead-letters/<int:letter_id>/",
        setup.channel_dead_letter,
        name="channel_dead_letter",
    ),
    path("saved-replies/", setup.saved_replies, name="saved_replies"),
    path("saved-replies/<int:saved_id>/delete/", setup.saved_reply_delete, name="saved_reply_delete"),
    path("targets/", setup.targets, name="targets"),
    path("webhooks/", setup.webhooks, name="webhooks"),
    path("webhooks/<int:endpoint_id>/delete/", setup.webhook_delete, name="webhook_delete"),
]

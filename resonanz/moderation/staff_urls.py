"""URLs of the moderators' pages (namespace ``moderation_staff``) and of the public transparency pages
(namespace ``moderation_public``), mounted together under /b/<brand>/moderation/.

The member-facing report pages of ``resonanz.moderation.urls`` share the prefix; names never clash
because each set has its own namespace.
"""

from __future__ import annotations

from django.urls import include, path

from resonanz.moderation import log_views, public_views, report_views, staff_views

staff_patterns = [
    path("", staff_views.queue, name="queue"),
    path("posts/<int:post_id>/", staff_views.post, name="post"),
    path("threads/<int:thread_id>/", staff_views.thread, name="thread"),
    path("decisions/<str:puid>/approve/", staff_views.approve, name="approve"),
    path("decisions/<str:puid>/reject/", staff_views.reject, name="reject"),
    path("approvals/", staff_views.approvals, name="approvals"),
    path("appeals/", staff_views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/", staff_views.appeal, name="appeal"),
    path("rules/", report_views.rules_editor, name="rules"),
    path("settings/", report_views.settings_page, name="settings"),
    path("posts/<int:post_id>/override/", report_views.freeze_override, name="override"),
    path("log/<int:seq>/redact/", report_views.redact, name="redact"),
    path("transparency/", report_views.transparency_page, name="transparency"),
    path("transparency/<str:fmt>/", report_views.transparency_download, name="transparency_download"),
]

public_patterns = [
    path("rules/", public_views.rules, name="rules"),
    path("rules/v<int:number>/", public_views.rules_version, name="rules_version"),
    path("log/", public_views.log, name="log"),
    path("log/feed.atom", public_views.log_feed, name="log_feed"),
    # The verifiable log (docs/moderation.md, "Verifying the log"): stable URLs, keep them.
    path("log/checkpoint", log_views.checkpoint, name="log_checkpoint"),
    path("log/checkpoint.json", log_views.checkpoint_json, name="log_checkpoint_json"),
    path("log/key", log_views.key, name="log_key"),
    path("log/key.json", log_views.key_json, name="log_key_json"),
    path("log/proof/inclusion/<int:seq>", log_views.inclusion, name="log_inclusion"),
    path("log/proof/consistency", log_views.consistency, name="log_consistency"),
    path("log/entries/<int:seq>.json", log_views.entry_json, name="log_entry_json"),
    path("decisions/", public_views.my_decisions, name="my_decisions"),
    path("decisions/<str:puid>/", public_views.statement, name="statement"),
    path("decisions/<str:puid>/appeal/", public_views.appeal, name="appeal"),
]

urlpatterns = [
    path("staff/", include((staff_patterns, "moderation_staff"))),
    path("", include((public_patterns, "moderation_public"))),
]

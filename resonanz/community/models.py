"""Forum data: every row belongs to a brand. Blog comments are posts in an article's thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.core.models import TimeStampedModel


class Category(TimeStampedModel):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        BLOG = "blog", _("Blog comments")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FORUM)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "slug"], name="community_category_slug_unique")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")
    REMOVED = "removed", _("Removed")
    # Withdrawn by its author (own account deleted under a "remove" policy): their right, not a
    # moderation decision, so no decision explains it; this state does.
    DELETED = "deleted", _("Deleted by the author")


class Thread(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="threads")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE)
    reply_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["brand", "category", "-is_pinned", "-last_post_at"]),
            # The forum index across categories: its first page is read in this order without a sort.
            models.Index(
                fields=["brand", "-is_pinned", "-last_post_at", "-id"], name="community_thread_latest"
            ),
        ]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return self.title


class Post(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="posts")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    is_opening = models.BooleanField(default=False)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE, db_index=True
    )
    like_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    # Filled by the "entered" task: classifier labels and the model version that produced them.
    labels = models.JSONField(default=dict, blank=True)
    model_version = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            models.Index(fields=["brand", "-created_at"]),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"


class Reaction(TimeStampedModel):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        HELPFUL = "helpful", _("Helpful")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="community_reaction_unique")
        ]


class PostEntry(models.Model):
    """The outbox of the community channel: a saved (new or edited) post whose entry work is still due.

    Written in the transaction that saves the post, so a post is never saved without it (and a rolled
    back post leaves none); the drain (community/entry.py) deletes it in the transaction that classifies,
    ingests and screens the post. No job, worker or Redis outage can lose what waits here.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # A post whose processing keeps failing stops being retried after a few attempts (the error says why).
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("post waiting for the inbox")
        verbose_name_plural = _("posts waiting for the inbox")

    def __str__(self) -> str:
        return f"post {self.post_id} ({'edited' if self.edited else 'new'})"

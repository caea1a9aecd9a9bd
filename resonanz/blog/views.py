"""Blog pages: visitors read articles and members comment; the brand team writes and publishes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import check_role
from resonanz.blog import selectors, services
from resonanz.blog.forms import ArticleForm, CommentForm, NewArticleForm
from resonanz.blog.models import Article
from resonanz.community.selectors import list_thread_posts
from resonanz.core.errors import InvalidInput
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.core.web import brand_view, flash, form_errors

ARTICLES_PER_PAGE = 10


@brand_view
def index(request: HttpRequest) -> HttpResponse:
    articles = selectors.list_articles(request.brand, viewer=request.user)  # type: ignore[attr-defined]
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "blog/index.html", {"page": page})


def _article_page(request: HttpRequest, article: Article, form: CommentForm) -> HttpResponse:
    comments = list_thread_posts(article.discussion, viewer=request.user) if article.discussion else []
    return render(request, "blog/article.html", {"article": article, "comments": comments, "form": form})


@brand_view
def article(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.get_article(request.brand, slug, viewer=request.user)  # type: ignore[attr-defined]
    return _article_page(request, current, CommentForm())


@brand_view
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.get_article(request.brand, slug, viewer=request.user)  # type: ignore[attr-defined]
    form = CommentForm(request.POST)
    if form.is_valid():
        check_rate("post", client_key(request))
        try:
            post = services.comment_on_article(current, body=form.cleaned_data["body"], by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            url = reverse("blog:article", args=[request.brand.slug, current.slug])  # type: ignore[attr-defined]
            return redirect(f"{url}#post-{post.pk}")
    return _article_page(request, current, form)


@brand_view
@login_required
def new_article(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    check_role(request.user, brand, Role.AGENT)
    form = NewArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_article(brand, **form.cleaned_data, by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            flash(
                request,
                _("The article was published.") if created.published_at else _("The draft was saved."),
            )
            return redirect("blog:article", brand.slug, created.slug)
    return render(request, "blog/edit.html", {"form": form, "article": None})


@brand_view
@login_required
def edit_article(request: HttpRequest, slug: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    check_role(request.user, brand, Role.AGENT)
    current = selectors.get_article(brand, slug, viewer=request.user)
    initial = {"title": current.title, "summary": current.summary, "body": current.body}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_article(current, **form.cleaned_data, by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            flash(request, _("The article was saved."))
            return redirect("blog:article", brand.slug, current.slug)
    return render(request, "blog/edit.html", {"form": form, "article": current})


@brand_view
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.get_article(request.brand, slug, viewer=request.user)  # type: ignore[attr-defined]
    services.publish_article(current, by=request.user)
    flash(request, _("The article was published."))
    return redirect("blog:article", request.brand.slug, current.slug)  # type: ignore[attr-defined]


@brand_view
@require_POST
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.get_article(request.brand, slug, viewer=request.user)  # type: ignore[attr-defined]
    services.unpublish_article(current, by=request.user)
    flash(request, _("The article is a draft again; only the team sees it."))
    return redirect("blog:article", request.brand.slug, current.slug)  # type: ignore[attr-defined]

"""Forum pages: index, categories, threads, writing, editing, reactions and search.

Views stay thin: parse the request, call one selector or service, render. ``brand_view`` resolves the
brand and turns domain errors (NotAllowed, RateLimited, …) into error pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from resonanz.blog.selectors import list_articles
from resonanz.community import selectors, services
from resonanz.community.forms import EditPostForm, ReplyForm, SearchForm, ThreadForm
from resonanz.community.models import Category, Post, Thread
from resonanz.community.search import search_posts
from resonanz.community.templatetags.forum import POSTS_PER_PAGE, post_location, thread_url
from resonanz.core.errors import InvalidInput, NotFound
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.core.web import brand_view, form_errors

THREADS_PER_PAGE = 25
RESULTS_PER_PAGE = 20
MAX_RESULT_PAGE = 50


@brand_view
def index(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    threads = Paginator(selectors.list_threads(brand, viewer=request.user), THREADS_PER_PAGE)
    context = {
        "categories": selectors.list_categories_with_counts(brand, viewer=request.user),
        "page": threads.get_page(request.GET.get("page")),
        "articles": list_articles(brand)[:3],
    }
    return render(request, "community/index.html", context)


@brand_view
def category(request: HttpRequest, slug: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    current = selectors.get_category(brand, slug)
    threads = Paginator(
        selectors.list_threads(brand, category=current, viewer=request.user), THREADS_PER_PAGE
    )
    context = {"category": current, "page": threads.get_page(request.GET.get("page"))}
    return render(request, "community/category.html", context)


def _forum_thread(request: HttpRequest, thread_id: int) -> Thread:
    """A thread of the forum; an article's comment thread belongs to the blog pages."""
    thread = selectors.get_thread(request.brand, thread_id, viewer=request.user)  # type: ignore[attr-defined]
    if thread.category.kind != Category.Kind.FORUM:
        raise NotFound(f"thread {thread_id} is not a forum thread")
    return thread


def _thread_page(
    request: HttpRequest, thread: Thread, form: ReplyForm, *, last: bool = False
) -> HttpResponse:
    """One page of the thread's posts, oldest first; ``last`` for the page the reply form belongs to."""
    posts = Paginator(selectors.list_thread_posts(thread, viewer=request.user), POSTS_PER_PAGE)
    page = posts.get_page(posts.num_pages if last else request.GET.get("page"))
    shown = list(page.object_list)
    # A moderation decision (or its author) took the opening post away; the replies stay readable.
    opening_gone = page.number == 1 and not any(post.is_opening for post in shown)
    context = {"thread": thread, "posts": shown, "page": page, "form": form, "opening_gone": opening_gone}
    return render(request, "community/thread.html", context)


@brand_view
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    current = selectors.get_thread(brand, thread_id, viewer=request.user)
    if current.category.kind != Category.Kind.FORUM:  # an article's comments are shown with the article
        if getattr(current, "article", None) is None:
            raise NotFound(f"thread {thread_id} has no article")
        return redirect(thread_url(current, brand_slug=brand.slug))
    return _thread_page(request, current, ReplyForm())


@brand_view
def post_permalink(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's stable link (search results, the inbox, notices): to the page of its thread showing it."""
    post = selectors.get_post(request.brand, post_id, viewer=request.user)  # type: ignore[attr-defined]
    return redirect(_location(request, post))


def _location(request: HttpRequest, post: Post) -> str:
    return post_location(post, brand_slug=request.brand.slug, viewer=request.user)  # type: ignore[attr-defined]


@brand_view
@login_required
def new_thread(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = ThreadForm(
        request.POST or None,
        categories=selectors.list_categories(brand),
        initial={"category": request.GET.get("category")},
    )
    if request.method == "POST" and form.is_valid():
        check_rate("post", client_key(request))
        try:
            created = services.create_thread(brand, **form.cleaned_data, by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            return redirect("community:thread", brand.slug, created.pk)
    return render(request, "community/new_thread.html", {"form": form})


@brand_view
@require_POST
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    current = _forum_thread(request, thread_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        check_rate("post", client_key(request))
        try:
            post = services.create_reply(current, body=form.cleaned_data["body"], by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            return redirect(post_location(post, brand_slug=current.brand.slug, viewer=request.user))
    return _thread_page(request, current, form, last=True)


@brand_view
@login_required
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post(request.brand, post_id, viewer=request.user)  # type: ignore[attr-defined]
    services.check_can_edit_post(post, request.user)
    initial = {"title": post.thread.title, "body": post.body}
    form = EditPostForm(request.POST or None, initial=initial, with_title=post.is_opening)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(post, **form.cleaned_data, by=request.user)
        except InvalidInput as exc:
            form_errors(form, exc)
        else:
            return redirect(_location(request, post))
    return render(request, "community/edit_post.html", {"form": form, "post": post})


@brand_view
@require_POST
def react(request: HttpRequest, post_id: int, kind: str) -> HttpResponse:
    post = selectors.get_post(request.brand, post_id, viewer=request.user)  # type: ignore[attr-defined]
    services.toggle_reaction(post, kind=kind, by=request.user)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_location(request, post))
    post = selectors.list_thread_posts(post.thread, viewer=request.user).get(pk=post.pk)
    return render(request, "community/includes/reactions.html", {"post": post})


@brand_view
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = (
        min(max(1, int(request.GET["page"])), MAX_RESULT_PAGE) if request.GET.get("page", "").isdigit() else 1
    )
    offset = (page - 1) * RESULTS_PER_PAGE
    # One result more than shown tells whether a next page exists without counting every match.
    found = search_posts(request.brand, query, limit=RESULTS_PER_PAGE + 1, offset=offset)  # type: ignore[attr-defined]
    context = {"form": form, "query": query, "results": found[:RESULTS_PER_PAGE], "page": page}
    context.update(has_next=len(found) > RESULTS_PER_PAGE, first_number=offset + 1)
    return render(request, "community/search.html", context)

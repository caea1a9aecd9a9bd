"""Community endpoints of the REST API: brands, categories, threads, posts, reactions, search and ``/me``.

Each endpoint parses, checks, calls one service or selector and returns; every read goes through the
brand-scoped selectors, so another brand's object is simply "not found".
"""

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from resonanz.accounts.models import User
from resonanz.accounts.permissions import AnyUser, check_authenticated
from resonanz.accounts.selectors import get_brand, list_brands, list_memberships
from resonanz.api import optional_auth
from resonanz.community import selectors, services
from resonanz.community.models import Post, Reaction, Thread
from resonanz.community.search import search_posts
from resonanz.core.config import product_setting
from resonanz.core.errors import InvalidInput, NotAllowed, NotFound
from resonanz.core.ratelimit import check_rate, client_key

router = Router(tags=["community"])

# --- shared building blocks (the blog and moderation routers use them too) -------------------------

# Slugs as Django's SlugField stores them; anything else can name no object and is refused up front.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# Free text: everything except NUL, which PostgreSQL cannot store (Django forms refuse it the same way).
TEXT_PATTERN = r"^[^\x00]*$"

BrandSlug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=60, description="The brand's slug")]
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]


class ErrorOut(Schema):
    """A refusal by the domain: a stable ``code``, a message for people, and per-field ``errors`` on 422."""

    code: str
    message: str
    errors: dict[str, str] | None = None


class DetailOut(Schema):
    """A refusal by the framework: 401 without credentials, 403 on a failed CSRF check, 429 throttled."""

    detail: str


class ValidationErrorOut(Schema):
    """A request that does not match the schema: one entry per problem, with its location and message."""

    detail: list[dict[str, Any]]


class Pages(PageNumberPagination):
    """Page-number pagination: 25 per page by default, ``page_size`` up to 100."""

    class Input(Schema):
        # Bounded so that page * page_size stays a valid SQL offset.
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=25, max_page_size=100, **kwargs)


def viewer_of(request: HttpRequest) -> AnyUser:
    """The user the auth callbacks put on the request (AnonymousUser for public reads)."""
    return cast(AnyUser, request.user)


def user_of(request: HttpRequest) -> User:
    """The authenticated user of a write (auth has run, so this only narrows the type)."""
    return check_authenticated(viewer_of(request))


def author_handle(author: User | None) -> str | None:
    """The public handle, or None once the account is deleted or anonymised."""
    if author is None or author.is_anonymised:
        return None
    return author.username


# --- schemas ---------------------------------------------------------------------------------------


class BrandOut(Schema):
    slug: str
    name: str
    tagline: str


class CategoryOut(Schema):
    slug: str
    name: str
    description: str
    position: int


class CategoryCountOut(CategoryOut):
    thread_count: int


class PostOut(Schema):
    id: int
    thread_id: int
    author: str | None
    is_opening: bool
    body: str
    body_html: str
    visibility: str
    like_count: int
    helpful_count: int
    created_at: datetime
    edited_at: datetime | None
    can_edit: bool
    my_reactions: list[str]

    @staticmethod
    def resolve_author(obj: Post) -> str | None:
        return author_handle(obj.author)

    @staticmethod
    def resolve_can_edit(obj: Post, context: dict[str, Any]) -> bool:
        return services.can_edit_post(obj, viewer_of(context["request"]))

    @staticmethod
    def resolve_my_reactions(obj: Post, context: dict[str, Any]) -> list[str]:
        own = getattr(obj, "own_reactions", None)  # prefetched by list_thread_posts
        if own is not None:
            return sorted(reaction.kind for reaction in own)
        viewer = viewer_of(context["request"])
        if not viewer.is_authenticated:
            return []
        return sorted(Reaction.objects.filter(post=obj, user_id=viewer.pk).values_list("kind", flat=True))


class ThreadOut(Schema):
    id: int
    category: str
    title: str
    author: str | None
    is_locked: bool
    is_pinned: bool
    visibility: str
    reply_count: int
    created_at: datetime
    last_post_at: datetime

    @staticmethod
    def resolve_category(obj: Thread) -> str:
        return obj.category.slug

    @staticmethod
    def resolve_author(obj: Thread) -> str | None:
        return author_handle(obj.author)


class ThreadDetailOut(ThreadOut):
    opening_post: PostOut | None
    can_edit: bool

    @staticmethod
    def resolve_opening_post(obj: Thread, context: dict[str, Any]) -> Post | None:
        return opening_post(obj, viewer_of(context["request"]))

    @staticmethod
    def resolve_can_edit(obj: Thread, context: dict[str, Any]) -> bool:
        viewer = viewer_of(context["request"])
        post = opening_post(obj, viewer)
        return post is not None and services.can_edit_post(post, viewer)


class ThreadIn(Schema):
    category: Annotated[Text, Field(max_length=80, description="Slug of a forum category of the brand")]
    title: Annotated[Text, Field(max_length=product_setting("MAX_TITLE_CHARS"))]
    body: Annotated[Text, Field(description="Markdown; the server's limit is MAX_POST_CHARS characters")]


class ThreadPatch(Schema):
    title: Annotated[Text, Field(max_length=product_setting("MAX_TITLE_CHARS"))]
    body: Text | None = Field(None, description="New text of the opening post; unchanged when left out")


class PostIn(Schema):
    body: Annotated[Text, Field(description="Markdown; the server's limit is MAX_POST_CHARS characters")]


class ReactionIn(Schema):
    kind: Literal["like", "helpful"] = Field(
        description="Sending the same kind again takes the reaction back"
    )


class ReactionOut(Schema):
    kind: str
    active: bool
    like_count: int
    helpful_count: int


class SearchHitOut(Schema):
    id: int
    thread_id: int
    thread_title: str
    category: str
    author: str | None
    body_html: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Post) -> str | None:
        return author_handle(obj.author)

    @staticmethod
    def resolve_thread_title(obj: Post) -> str:
        return obj.thread.title

    @staticmethod
    def resolve_category(obj: Post) -> str:
        return obj.thread.category.slug


class MembershipOut(Schema):
    brand: BrandOut
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Any]:
        return list(list_memberships(obj))


def opening_post(thread: Thread, viewer: AnyUser) -> Post | None:
    """The thread's first post if the viewer may see it (cached on the thread for the response)."""
    cache: dict[int | None, Post | None] = thread.__dict__.setdefault("_opening_posts", {})
    if viewer.pk not in cache:
        posts = selectors.list_thread_posts(thread, viewer=viewer)
        cache[viewer.pk] = posts.filter(is_opening=True).first()
    return cache[viewer.pk]


# Documented refusals, so clients (and schemathesis) know every status an endpoint may answer with.
NOT_FOUND: dict[int | frozenset[int], Any] = {401: DetailOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int | frozenset[int], Any] = {
    frozenset({400, 401}): DetailOut,  # 400: the body is not JSON
    frozenset({403, 429}): ErrorOut | DetailOut,
    frozenset({404, 409}): ErrorOut,
    422: ErrorOut | ValidationErrorOut,
}


# --- brands and the account ------------------------------------------------------------------------


@router.get("/brands", response={200: list[BrandOut], 401: DetailOut}, auth=optional_auth, tags=["brands"])
def brands(request: HttpRequest) -> Any:
    """The active brands."""
    return list_brands()


@router.get(
    "/brands/{brand_slug}", response={200: BrandOut, **NOT_FOUND}, auth=optional_auth, tags=["brands"]
)
def brand_detail(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    return get_brand(brand_slug)


@router.get("/me", response={200: MeOut, 401: DetailOut}, tags=["account"])
def me(request: HttpRequest) -> Any:
    """The authenticated user with their role in each brand."""
    return user_of(request)


# --- categories and threads ------------------------------------------------------------------------


@router.get(
    "/brands/{brand_slug}/categories", response={200: list[CategoryCountOut], **NOT_FOUND}, auth=optional_auth
)
def categories(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The forum's categories with the number of threads the viewer can see in each."""
    return selectors.list_categories_with_counts(get_brand(brand_slug), viewer=viewer_of(request))


@router.get(
    "/brands/{brand_slug}/categories/{category_slug}",
    response={200: CategoryOut, **NOT_FOUND},
    auth=optional_auth,
)
def category_detail(
    request: HttpRequest, brand_slug: BrandSlug, category_slug: Annotated[str, Path(pattern=SLUG_PATTERN)]
) -> Any:
    return selectors.get_category(get_brand(brand_slug), category_slug)


@router.get("/brands/{brand_slug}/threads", response={200: list[ThreadOut], **NOT_FOUND}, auth=optional_auth)
@paginate(Pages)
def threads(
    request: HttpRequest,
    brand_slug: BrandSlug,
    category: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="Only this category")] = None,
) -> Any:
    """Threads of the brand's forum, pinned first, then by latest activity."""
    brand = get_brand(brand_slug)
    in_category = selectors.get_category(brand, category) if category else None
    return selectors.list_threads(brand, category=in_category, viewer=viewer_of(request))


@router.post("/brands/{brand_slug}/threads", response={201: ThreadDetailOut, **WRITE_ERRORS})
def create_thread(request: HttpRequest, brand_slug: BrandSlug, payload: ThreadIn) -> Any:
    """Open a thread; the body becomes its opening post."""
    brand = get_brand(brand_slug)
    try:
        category = selectors.get_category(brand, payload.category)
    except NotFound as exc:
        raise InvalidInput({"category": _("Unknown category.")}) from exc
    check_rate("post", client_key(request))
    thread = services.create_thread(
        brand, category=category, title=payload.title, body=payload.body, by=viewer_of(request)
    )
    return Status(201, thread)


@router.get(
    "/brands/{brand_slug}/threads/{thread_id}",
    response={200: ThreadDetailOut, **NOT_FOUND},
    auth=optional_auth,
)
def thread_detail(request: HttpRequest, brand_slug: BrandSlug, thread_id: ObjectId) -> Any:
    return selectors.get_thread(get_brand(brand_slug), thread_id, viewer=viewer_of(request))


@router.patch("/brands/{brand_slug}/threads/{thread_id}", response={200: ThreadDetailOut, **WRITE_ERRORS})
def edit_thread(
    request: HttpRequest, brand_slug: BrandSlug, thread_id: ObjectId, payload: ThreadPatch
) -> Any:
    """Rename the thread (and optionally edit the opening post): its author, within the edit window."""
    viewer = viewer_of(request)
    thread = selectors.get_thread(get_brand(brand_slug), thread_id, viewer=viewer)
    post = opening_post(thread, viewer)
    if post is None:  # hidden by the moderators: nothing left to edit
        raise NotAllowed(_("This post is not visible."))
    body = post.body if payload.body is None else payload.body
    services.edit_post(post, body=body, title=payload.title, by=viewer)
    return selectors.get_thread(thread.brand, thread.pk, viewer=viewer)


# --- posts -----------------------------------------------------------------------------------------


@router.get(
    "/brands/{brand_slug}/threads/{thread_id}/posts",
    response={200: list[PostOut], **NOT_FOUND},
    auth=optional_auth,
)
@paginate(Pages)
def thread_posts(request: HttpRequest, brand_slug: BrandSlug, thread_id: ObjectId) -> Any:
    """The thread's posts in the order they were written, opening post first."""
    viewer = viewer_of(request)
    thread = selectors.get_thread(get_brand(brand_slug), thread_id, viewer=viewer)
    return selectors.list_thread_posts(thread, viewer=viewer)


@router.post("/brands/{brand_slug}/threads/{thread_id}/posts", response={201: PostOut, **WRITE_ERRORS})
def reply(request: HttpRequest, brand_slug: BrandSlug, thread_id: ObjectId, payload: PostIn) -> Any:
    viewer = viewer_of(request)
    thread = selectors.get_thread(get_brand(brand_slug), thread_id, viewer=viewer)
    check_rate("post", client_key(request))
    return Status(201, services.create_reply(thread, body=payload.body, by=viewer))


@router.get("/brands/{brand_slug}/posts/{post_id}", response={200: PostOut, **NOT_FOUND}, auth=optional_auth)
def post_detail(request: HttpRequest, brand_slug: BrandSlug, post_id: ObjectId) -> Any:
    return selectors.get_post(get_brand(brand_slug), post_id, viewer=viewer_of(request))


@router.patch("/brands/{brand_slug}/posts/{post_id}", response={200: PostOut, **WRITE_ERRORS})
def edit_post(request: HttpRequest, brand_slug: BrandSlug, post_id: ObjectId, payload: PostIn) -> Any:
    """Edit your own post within the edit window."""
    viewer = viewer_of(request)
    post = selectors.get_post(get_brand(brand_slug), post_id, viewer=viewer)
    return services.edit_post(post, body=payload.body, by=viewer)


@router.post("/brands/{brand_slug}/posts/{post_id}/reactions", response={200: ReactionOut, **WRITE_ERRORS})
def react(request: HttpRequest, brand_slug: BrandSlug, post_id: ObjectId, payload: ReactionIn) -> Any:
    """Toggle a reaction; the answer says whether it is now set, with the new counts."""
    viewer = viewer_of(request)
    post = selectors.get_post(get_brand(brand_slug), post_id, viewer=viewer)
    active = services.toggle_reaction(post, kind=payload.kind, by=viewer)
    post.refresh_from_db(fields=["like_count", "helpful_count"])
    return {
        "kind": payload.kind,
        "active": active,
        "like_count": post.like_count,
        "helpful_count": post.helpful_count,
    }


# --- search ----------------------------------------------------------------------------------------


@router.get(
    "/brands/{brand_slug}/search", response={200: list[SearchHitOut], **NOT_FOUND}, auth=optional_auth
)
def search(
    request: HttpRequest,
    brand_slug: BrandSlug,
    q: Annotated[
        str, Query(max_length=200, pattern=TEXT_PATTERN, description="Words to find (all must match)")
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Any:
    """Visible posts of the brand matching every word of ``q``, best first."""
    return search_posts(get_brand(brand_slug), q, limit=limit, offset=offset)

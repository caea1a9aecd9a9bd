"""The demo texts as typed records, read from the ``data/*.txt`` files (format in ``textformat``).

Every post carries a ``kind`` tag written by hand. It is ground truth for tests of the classifier on demo
data: ``demo_post_kinds()`` returns (text, kind) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, cast, get_args

from resonanz.demo.people import EISCAFE, ELBTAL
from resonanz.demo.textformat import RawBlock, RawPost, parse_blocks

DATA_DIR = Path(__file__).parent / "data"
PostKind = Literal["praise", "question", "suggestion", "complaint", "criticism", "abuse", "answer", "other"]
KINDS: tuple[str, ...] = get_args(PostKind)
# "answer": the brand's own replies; "other": small talk, thanks, tips between members.

FORUM_FILES = {
    ELBTAL: ("elbtal_fahrplan.txt", "elbtal_tickets.txt", "elbtal_service.txt", "elbtal_lob_offtopic.txt"),
    EISCAFE: ("eiscafe.txt",),
}
BLOG_FILES = {ELBTAL: ("elbtal_blog.txt",)}
SUMMARY_PREFIX = "Summary:"


@dataclass(frozen=True)
class DemoPost:
    author: str
    kind: PostKind
    text: str
    likes: int = 0
    helpful: int = 0
    reported_by: str = ""


@dataclass(frozen=True)
class DemoThread:
    brand: str
    category: str
    title: str
    posts: tuple[DemoPost, ...]
    days_ago: int | None = None
    pinned: bool = False
    locked: bool = False


@dataclass(frozen=True)
class DemoArticle:
    brand: str
    title: str
    summary: str
    body: str
    author: str
    published: bool
    days_ago: int
    comments: tuple[DemoPost, ...]


def _post(raw: RawPost) -> DemoPost:
    author, kind = raw.header.fields[:2]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} for a post by {author}")
    return DemoPost(
        author=author, kind=cast("PostKind", kind), text=raw.text,
        likes=raw.header.option_int("likes"), helpful=raw.header.option_int("helpful"),
        reported_by=raw.header.options.get("report", ""),
    )  # fmt: skip


def _thread(brand: str, block: RawBlock) -> DemoThread:
    category, title = block.header.fields[:2]
    days = block.header.options.get("days")
    return DemoThread(
        brand=brand, category=category, title=title, posts=tuple(_post(raw) for raw in block.posts),
        days_ago=int(days) if days is not None else None,
        pinned="pinned" in block.header.options, locked="locked" in block.header.options,
    )  # fmt: skip


def _article(brand: str, block: RawBlock) -> DemoArticle:
    status, title = block.header.fields[:2]
    summary, _newline, body = block.text.partition("\n")
    if not summary.startswith(SUMMARY_PREFIX):
        raise ValueError(f"article {title!r} must start with a {SUMMARY_PREFIX} line")
    return DemoArticle(
        brand=brand, title=title, summary=summary.removeprefix(SUMMARY_PREFIX).strip(), body=body.strip(),
        author=block.header.options["author"], published=status == "published",
        days_ago=block.header.option_int("days", 1), comments=tuple(_post(raw) for raw in block.posts),
    )  # fmt: skip


def _read(name: str) -> list[RawBlock]:
    return parse_blocks((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def demo_threads() -> tuple[DemoThread, ...]:
    """All forum threads of all demo brands, in file order."""
    return tuple(
        _thread(brand, block)
        for brand, files in FORUM_FILES.items()
        for name in files
        for block in _read(name)
    )


@cache
def demo_articles() -> tuple[DemoArticle, ...]:
    return tuple(
        _article(brand, block)
        for brand, files in BLOG_FILES.items()
        for name in files
        for block in _read(name)
    )


def demo_posts() -> list[DemoPost]:
    """Every demo post: thread posts first, then article comments."""
    posts = [post for thread in demo_threads() for post in thread.posts]
    return posts + [post for article in demo_articles() for post in article.comments]


def demo_post_kinds() -> list[tuple[str, str]]:
    """(text, kind) for every demo post, kind one of ``KINDS``: ground truth for the classifier."""
    return [(post.text, post.kind) for post in demo_posts()]

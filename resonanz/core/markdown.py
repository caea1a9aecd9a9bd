"""Markdown to sanitized HTML, with @mentions linked to profiles.

markdown-it renders CommonMark with raw HTML disabled; nh3 then removes anything that is not on the
allow-list, so no user-supplied HTML, script or javascript: URL survives either step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,29})")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "del", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}}
MentionResolver = Callable[[Iterable[str]], Mapping[str, str]]


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_@"):
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if not match:
        return False
    name = match.group(1).rstrip(".-")
    urls: Mapping[str, str] = state.env.get("mention_urls", {})
    if name.lower() not in urls:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"name": name, "url": urls[name.lower()]}
    state.pos += 1 + len(name)
    return True


def _render_mention(self: object, tokens: list, idx: int, options: object, env: object) -> str:
    meta = tokens[idx].meta
    return f'<a class="mention" href="{escape(meta["url"])}">@{escape(meta["name"])}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["image"])  # images would load third-party content into our pages
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_PARSER = _build_parser()


def mentioned_names(text: str) -> set[str]:
    return {match.group(1).rstrip(".-").lower() for match in MENTION_RE.finditer(text)}


def render_markdown(text: str, *, resolve_mentions: MentionResolver | None = None) -> str:
    """Render ``text`` to safe HTML; ``resolve_mentions`` maps lower-case names to profile URLs."""
    env: dict[str, object] = {}
    names = mentioned_names(text)
    if names and resolve_mentions is not None:
        env["mention_urls"] = {name.lower(): url for name, url in resolve_mentions(names).items()}
    html = _PARSER.render(text, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )

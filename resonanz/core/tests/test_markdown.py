"""Markdown rendering never lets user HTML or script through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from resonanz.core.markdown import mentioned_names, render_markdown


class ActiveContentFinder(HTMLParser):
    """Collects what a browser would execute or load: tags, event handlers, URL schemes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "img", "iframe", "object", "embed", "style", "svg"}:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(name)
            if name in {"href", "src"} and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.problems.append(f"{name}={value}")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[klick](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='x' onclick='alert(1)'>x</a>",
        "![bild](https://tracker.example/pixel.gif)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_dangerous_input_is_neutralised(text):
    finder = ActiveContentFinder()
    finder.feed(render_markdown(text))
    assert finder.problems == []


def test_basic_markdown_and_links():
    html = render_markdown("**fett** und [Seite](https://example.org)\n\n- eins\n- zwei")
    assert "<strong>fett</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow ugc noopener noreferrer"' in html
    assert "<li>eins</li>" in html


def test_mentions_resolved_only_when_known():
    html = render_markdown(
        "Hallo @Mia und @bob, mail an a@b.de", resolve_mentions=lambda names: {"mia": "/u/Mia/"}
    )
    assert 'class="mention" href="/u/Mia/"' in html and ">@Mia</a>" in html
    assert "@bob" in html and "/u/bob" not in html
    assert mentioned_names("Hallo @Mia und @bob, mail an a@b.de") == {"mia", "bob"}

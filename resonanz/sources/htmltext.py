"""HTML of mails, feeds and fediverse posts as plain text: paragraphs and line breaks kept, tags dropped,
the content of style/script/head (CSS, code, titles) dropped, whitespace collapsed as a browser would.

One helper for e-mail, RSS and Mastodon, with the standard library's tolerant HTMLParser (it never
raises on broken markup, which real mails and feeds are full of).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "pre",
    "section", "article", "header", "footer", "dd", "dt", "hr", "address", "center",
}  # fmt: skip
# Their text is never shown by a browser (Outlook puts whole style sheets into <head>).
HIDDEN = {"style", "script", "head", "title", "template", "noscript", "xml", "o:p"}
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
BLANK_RUNS = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            # Source line breaks inside a paragraph are spaces in HTML, not line breaks.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    lines = (SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()

"""A small line-based format for the demo texts, so German prose stays readable and needs no escaping.

    # comment lines, allowed only before the first block (inside a block "#" is Markdown)
    === field one | field two | key=value flag
    optional block text (an article body)
    --- author | kind | likes=3 helpful=1 report=mia
    the post text, several lines and blank lines allowed

A block opens with ``===``; each ``---`` line opens a post inside the current block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCK_MARK = "=== "
POST_MARK = "--- "
COMMENT_MARK = "#"


@dataclass
class Header:
    fields: list[str]
    options: dict[str, str]

    def option_int(self, name: str, default: int = 0) -> int:
        return int(self.options.get(name, default))


@dataclass
class RawPost:
    header: Header
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class RawBlock:
    header: Header
    lines: list[str] = field(default_factory=list)
    posts: list[RawPost] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def parse_header(line: str) -> Header:
    """``a | b | k=v flag`` -> fields [a, b] and options {k: v, flag: "1"} (options only in the last part)."""
    parts = [part.strip() for part in line.split("|")]
    options: dict[str, str] = {}
    last = parts[-1].split()
    if len(parts) > 1 and last and all(_is_option(word) for word in last):
        parts.pop()
        for word in last:
            key, _sep, value = word.partition("=")
            options[key] = value or "1"
    return Header(fields=parts, options=options)


def _is_option(word: str) -> bool:
    key, sep, _value = word.partition("=")
    return bool(sep) or key in {"pinned", "locked"}


def parse_blocks(source: str) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith(BLOCK_MARK):
            blocks.append(RawBlock(header=parse_header(line[len(BLOCK_MARK) :])))
        elif line.startswith(POST_MARK):
            if not blocks:
                raise ValueError(f"line {number}: a post before the first block")
            blocks[-1].posts.append(RawPost(header=parse_header(line[len(POST_MARK) :])))
        elif not blocks:
            if line.strip() and not line.startswith(COMMENT_MARK):
                raise ValueError(f"line {number}: text before the first block")
        elif blocks[-1].posts:
            blocks[-1].posts[-1].lines.append(line)
        else:
            blocks[-1].lines.append(line)
    return blocks

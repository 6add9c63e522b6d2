"""Markdown as text archives keep transcripts: YAML front matter, then paragraphs with escapes,
emphasis, a few HTML tags and struck-out words. Read as plain text, nothing else."""
from __future__ import annotations

import html
import re

import yaml

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
STRUCK_OUT = re.compile(r"<s>.*?</s>", re.DOTALL | re.IGNORECASE)  # a correction: the words were withdrawn
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}|\*{1,3}(?![\w*])")  # *…*, **…**, not a star inside a word
BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n")  # archives also part paragraphs with lines of no-break spaces


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, the rest) of a text; ({}, text) when it opens with none or the block is no
    YAML mapping (then it is kept as text: nothing is dropped unread)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group("yaml"))
    except yaml.YAMLError:
        return {}, text
    return (data, text[match.end():]) if isinstance(data, dict) else ({}, text)


def plain_paragraphs(markdown: str, paragraph_starts: re.Pattern | None = None) -> list[str]:
    """The paragraphs of Markdown as plain text: wrapped lines joined, struck-out words dropped,
    escapes, emphasis and tags removed, whitespace (no-break spaces too) collapsed.
    `paragraph_starts`: a pattern matching the newline before a line that opens a paragraph even
    without a blank line above it (a speaker's label in a transcript)."""
    text = STRUCK_OUT.sub("", markdown.replace("\r\n", "\n"))
    if paragraph_starts is not None:
        text = paragraph_starts.sub("\n\n", text)
    paragraphs = []
    for block in BLANK_LINES.split(text):
        plain = " ".join(html.unescape(ESCAPE.sub(r"\1", EMPHASIS.sub("", TAG.sub("", block)))).split())
        if plain:
            paragraphs.append(plain)
    return paragraphs

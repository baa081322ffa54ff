"""Markdown inline marks: a Markdown line to its plain text, and how much of it was links and images.

What scrapers' Markdown converters (html2text, markdownify, Jina-style readers) write inside a
line, reduced to what a reader sees:

* ``[text](url)`` -> text (counted as link text); ``![alt](url)`` -> nothing (an image is not the
  article's words; its alt text is a caption at best), also inside a link: ``[ ![logo](…) Home ](/)``;
* ``<https://…>`` -> the URL; ``\\(`` and the other backslash escapes -> the character;
* ``**x**``, ``__x__``, ``*x*``, ``_x_`` -> x (marks at a word's edge only: ``snake_case`` stays).

One left-to-right scan with a stack of open brackets, linear in the line: a link's URL is looked
for at most ``MAX_URL_CHARS`` ahead and at most ``MAX_FAILED_URLS`` times a line, so hostile input
('[](((((…') cannot make it quadratic.
"""
from __future__ import annotations

import re
from typing import NamedTuple

MAX_URL_CHARS = 4096
MAX_FAILED_URLS = 32
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
#: emphasis marks at a word's edge: before a word (not after a letter) or after one (not before a letter)
_EMPHASIS = re.compile(r"(?<![\w*_\\])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_\\])[*_]{1,3}(?![\w*_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")


class Inline(NamedTuple):
    text: str
    #: characters of ``text`` that were link text
    link_chars: int
    #: images the line held (dropped from ``text``)
    images: int
    #: their alt texts, in order (what an image-only line says)
    alts: tuple[str, ...] = ()


def _url_end(line: str, start: int) -> int:
    """Index just after the ``)`` that closes the ``(`` at ``start``; -1 when none is near."""
    depth = 0
    i = start
    stop = min(len(line), start + MAX_URL_CHARS)
    while i < stop:
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def parse_inline(line: str) -> Inline:
    """``line``'s plain text, link characters and image count (see the module docstring)."""
    if "[" not in line and "*" not in line and "_" not in line and "<" not in line and "\\" not in line:
        return Inline(line, 0, 0)
    out: list[str] = []
    total = 0  # characters in out
    stack: list[tuple[int, int, bool]] = []  # (index in out, total before it, is an image)
    link_chars = images = failed = 0
    alts: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            total += 2
            i += 2
            continue
        if ch == "[" or (ch == "!" and line.startswith("[", i + 1)):
            image = ch == "!"
            stack.append((len(out), total, image))
            mark = "![" if image else "["
            out.append(mark)
            total += len(mark)
            i += len(mark)
            continue
        if ch == "]" and stack:
            idx, before, image = stack.pop()
            end = _url_end(line, i + 1) if line.startswith("(", i + 1) and failed < MAX_FAILED_URLS else -1
            if end < 0:
                failed += line.startswith("(", i + 1)
                out.append("]")
                total += 1
                i += 1
                continue
            if image:
                alts.append("".join(out[idx + 1:]).strip())
                del out[idx:]
                total = before
                images += 1
            else:
                mark_len = len(out[idx])
                out[idx] = ""
                total -= mark_len
                link_chars += total - before
            i = end
            continue
        out.append(ch)
        total += 1
        i += 1
    text = "".join(out)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    alts = [_ESCAPE.sub(r"\1", a) if "\\" in a else a for a in alts]
    return Inline(text, min(link_chars, len(text)), images, tuple(a for a in alts if a))

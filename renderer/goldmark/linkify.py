"""goldmark's linkify (``extension/linkify.go``, Hugo's ``markup.goldmark.extensions.linkify``) as a mistune rule.

Bare links as goldmark finds them, in place of mistune's ``url`` rule:
``http://``, ``https://`` and ``ftp://`` URLs whose host has a dot and a
lower-case top-level name (so ``http://localhost:1313/`` stays text),
``www.`` names (linked with ``https://``, Hugo's ``linkifyProtocol``) and
e-mail addresses (``mailto:``); only at the start of a line or after a
space, ``*``, ``_``, ``~`` or ``(``, never inside a link's text. The end is
goldmark's: a final ``.`` dropped, unbalanced ``)`` left out, a trailing
entity-like ``&name;`` left out, then trailing ``?!.,:*_~`` left out.
"""

from __future__ import annotations

import re
from typing import Any

import mistune
from mistune.util import escape_url

PROTOCOL = "https"  # Hugo's markup.goldmark.extensions.linkifyProtocol default
# (The local part of an address is bounded, at 64 characters as in RFC 5321: a long run of its
# characters is then scanned a bounded number of times, never once per character.)
PATTERN = r"(?<![^ \t\n\v\f\r*_~(])(?:(?:https?|ftp)://|www\.|[A-Za-z0-9][!#$%&'*+\-./0-9=?A-Z^_`a-z{|}~]{0,63}@)"
_URL = re.compile(r"(?:http|https|ftp)://[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::[0-9]+)?"
                  r"(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=();,'\">^{}\[\]`]*)?")
_WWW = re.compile(r"www\.[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?:[/#?][-a-zA-Z0-9@:%_+.~#!?&/=();,'\">^{}\[\]`]*)?")
_EMAIL_LOCAL = re.compile(r"[!#$%&'*+\-./0-9=?A-Z^_`a-z{|}~]{1,64}")
_EMAIL_DOMAIN = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*")


def _url_end(line: str) -> int:
    """Where the URL or www. name at the start of ``line`` ends (goldmark's adjustments), 0 if none."""
    m = _URL.match(line) if line.startswith(("http:", "https:", "ftp:")) else None
    if m is None and line.startswith("www."):
        m = _WWW.match(line)
    if m is None:
        return 0
    end = m.end()
    last = line[end - 1]
    if last == ".":
        end -= 1
    elif last == ")":
        closing = line[:end].count(")") - line[:end].count("(")
        if closing > 0:
            end -= closing
    elif last == ";":
        i = end - 2
        while i >= 0 and line[i].isascii() and line[i].isalnum():
            i -= 1
        if i != end - 2 and line[i] == "&":
            end = i
    return end


def _email_end(line: str) -> int:
    """Where the e-mail address at the start of ``line`` ends (util.FindEmailIndex), 0 if none."""
    local = _EMAIL_LOCAL.match(line)
    if local is None or local.end() >= len(line) or line[local.end()] != "@":
        return 0
    domain = _EMAIL_DOMAIN.match(line, local.end() + 1)
    if domain is None or "." not in line[local.end() + 1:domain.end() - 1]:
        return 0
    end = domain.end()
    if line[end - 1] == ".":
        end -= 1
    if end < len(line) and line[end] in "-_":
        return 0
    return end


def parse_linkify(inline: mistune.InlineParser, m: re.Match[str], state: Any) -> int | None:
    if state.in_link or state.brackets or state.depth >= inline.max_nested_level:
        return None  # goldmark: never inside a link label
    src: str = state.src
    eol = src.find("\n", m.start())
    line = src[m.start():eol if eol >= 0 else len(src)]
    email = not line.startswith(("http:", "https:", "ftp:", "www."))
    end = _email_end(line) if email else _url_end(line)
    while end > 1 and line[end - 1] in "?!.,:*_~":
        end -= 1
    if end <= 1 or (not email and end <= line.find(".")):
        return None
    text = line[:end]
    url = "mailto:" + text if email else (f"{PROTOCOL}://{text}" if text.startswith("www.") else text)
    state.append_token({"type": "link", "children": [{"type": "text", "raw": text}],
                        "attrs": {"url": escape_url(url)}, "_autolink": text})
    return m.start() + end


def linkify(md: mistune.Markdown) -> None:
    """In place of mistune's ``url`` rule, at its place. Registered under a name of its own and without
    start characters: mistune then finds the next candidate with one regular-expression search rather
    than stopping at every letter (a match may start at any letter or digit: an e-mail address)."""
    md.inline.register("goldmark_linkify", PATTERN, parse_linkify, before="url_link")
    if "url_link" in md.inline.rules:
        md.inline.rules.remove("url_link")

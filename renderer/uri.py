"""The core's own URL rules: reference resolution (RFC 3986, section 5.2) and the
backslash rule, written out so that no answer depends on the CPython version.

``urllib.parse.urljoin`` changed between the host's CPython (3.11) and the
guest's (3.14): 3.11 still splits RFC 2396 ``;params`` off the last segment,
so ``urljoin("/posts/x/", "notes;")`` is ``/posts/x/notes`` there and
``/posts/x/notes;`` in the sandbox. Here a ``;`` is an ordinary path
character, as RFC 3986 has it, on both.

Values found in HTML are escaped: ``resolve_in_html`` unescapes, resolves and
escapes again, so ``&amp;`` is never taken apart.
"""

from __future__ import annotations

import html
import re

# RFC 3986, appendix B: scheme, authority, path, query, fragment.
_PARTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def split(url: str) -> tuple[str | None, str | None, str, str | None, str | None]:
    """``url``'s scheme, authority, path, query and fragment (None: absent, "": present and empty)."""
    m = _PARTS.match(url)
    assert m is not None  # the pattern matches every string
    scheme, authority, path, query, fragment = m.groups()
    return scheme, authority, path, query, fragment


def unsplit(scheme: str | None, authority: str | None, path: str, query: str | None, fragment: str | None) -> str:
    """RFC 3986, 5.3: the parts put back together."""
    out = ""
    if scheme is not None:
        out += scheme + ":"
    if authority is not None:
        out += "//" + authority
    out += path
    if query is not None:
        out += "?" + query
    if fragment is not None:
        out += "#" + fragment
    return out


def remove_dot_segments(path: str) -> str:
    """RFC 3986, 5.2.4: ``.`` and ``..`` segments removed (never above the root)."""
    out: list[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith("./"):
            rest = rest[2:]
        elif rest.startswith("/./"):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if out:
                out.pop()
        elif rest == "/..":
            rest = "/"
            if out:
                out.pop()
        elif rest in (".", ".."):
            rest = ""
        else:
            start = 1 if rest.startswith("/") else 0
            end = rest.find("/", start)
            end = len(rest) if end < 0 else end
            out.append(rest[:end])
            rest = rest[end:]
    return "".join(out)


def _merge(base_authority: str | None, base_path: str, ref_path: str) -> str:
    """RFC 3986, 5.2.3."""
    if base_authority is not None and base_path == "":
        return "/" + ref_path
    return base_path[:base_path.rfind("/") + 1] + ref_path


def resolve(base: str, ref: str) -> str:
    """RFC 3986, 5.2.2 (strict): the target of reference ``ref`` on the page at ``base``.

    ``base`` may be a full URL or a site-relative path such as ``/posts/x/``.
    """
    r_scheme, r_auth, r_path, r_query, r_frag = split(ref)
    b_scheme, b_auth, b_path, b_query, _ = split(base)
    if r_scheme is not None:
        return unsplit(r_scheme, r_auth, remove_dot_segments(r_path), r_query, r_frag)
    if r_auth is not None:
        return unsplit(b_scheme, r_auth, remove_dot_segments(r_path), r_query, r_frag)
    if r_path == "":
        return unsplit(b_scheme, b_auth, b_path, r_query if r_query is not None else b_query, r_frag)
    if r_path.startswith("/"):
        path = remove_dot_segments(r_path)
    else:
        path = remove_dot_segments(_merge(b_auth, b_path, r_path))
    return unsplit(b_scheme, b_auth, path, r_query, r_frag)


_IP_LITERAL = re.compile(r"(?:[^@\[\]]*@)?\[[0-9A-Fa-f:.]+\](?::[0-9]*)?")


def plain_authority(authority: str) -> bool:
    """Whether ``authority`` (``host``, ``user@host:port``, ``[::1]:8080``) has no character a
    URL's host part may not: brackets (but around an IPv6 address), spaces, controls, ``<>"`\\``."""
    if "[" in authority or "]" in authority:
        return bool(_IP_LITERAL.fullmatch(authority))
    return not any(ch in '<>"`\\ ' or ord(ch) < 0x21 or ch == "\x7f" for ch in authority)


def escape_attribute(value: str) -> str:
    """An attribute value as the core writes one: ``& < > "`` escaped (as Markdown's renderer does)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def resolve_in_html(base: str, escaped_ref: str) -> str:
    """``escaped_ref`` (an href or src as it stands in HTML) resolved against the page at ``base``,
    escaped again: the reference is unescaped first, so an entity such as ``&amp;`` is one character."""
    return escape_attribute(resolve(base, html.unescape(escaped_ref)))


def has_scheme(url: str) -> bool:
    """Whether ``url`` starts with a scheme (``https:``, ``mailto:``, ``a:``)."""
    return bool(_SCHEME.match(url))


def protocol_relative(url: str) -> bool:
    """Whether a browser reads ``url`` as ``//host...``: it turns each ``\\`` into ``/`` in http(s)
    URLs and drops tabs and newlines, so ``\\\\host``, ``/\\host`` and ``\\/host`` are all a host."""
    plain = "".join(ch for ch in url if ch not in "\t\n\r").lstrip("".join(map(chr, range(0x21))))
    return plain[:2].replace("\\", "/") == "//"


def backslash_host(url: str) -> bool:
    """Whether ``url`` names a host only once a browser has turned its backslashes into slashes
    (``\\\\host/x``, ``/\\host``, ``\\/host``): one rule for every URL check of the core, which
    refuses these as links elsewhere written to look like paths."""
    plain = "".join(ch for ch in url if ch not in "\t\n\r").lstrip("".join(map(chr, range(0x21))))
    return protocol_relative(plain) and "\\" in plain[:2]

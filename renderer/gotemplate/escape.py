"""``html/template``'s contextual autoescaping, as Go (and Hugo's fork of it) does it.

A port of ``html/template``'s ``context.go``, ``transition.go``, ``escape.go``
(text and action escaping), ``html.go``, ``attr.go``, ``url.go``, ``js.go``,
``css.go`` and ``content.go``. Go decides each action's escapers once, by
walking the template text; here the same state machine runs as the output
is written: a template's text moves the context on exactly as Go's
transition functions do (and is rewritten as Go rewrites it: comments
dropped, a ``<`` that starts no tag written ``&lt;``), and each action's
value passes the escapers Go would insert for the context it lands in
(``htmlescaper``, ``attrescaper``, ``urlfilter`` + ``urlnormalizer``,
``jsvalescaper``, ``cssvaluefilter``, ...). For a template Go accepts, the
bytes are the same; where Go refuses a template at parse time (branches
ending in different contexts), this refuses it when the ambiguous output is
written.

Typed strings (:class:`values.HTML` and the others, from ``safeHTML``,
``safeURL``, ...) pass the escaper of their own context unchanged, as in Go.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any, NamedTuple

from .values import CSS, HTML, JS, URL, HTMLAttr, JSStr, Srcset, TemplateError, _digits, format_float, sprint

# states
(TEXT, TAG, ATTR_NAME, AFTER_NAME, BEFORE_VALUE, HTML_CMT, RCDATA, ATTR, URL_STATE, SRCSET, JS_STATE, JS_DQ, JS_SQ,
 JS_TMPL, JS_REGEXP, JS_BLOCK_CMT, JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT, CSS_STATE, CSS_DQ, CSS_SQ,
 CSS_DQ_URL, CSS_SQ_URL, CSS_URL, CSS_BLOCK_CMT, CSS_LINE_CMT, ERROR, META, META_URL) = range(30)
# delimiters
D_NONE, D_DOUBLE, D_SINGLE, D_SPACE = range(4)
# url parts
U_NONE, U_PRE_QUERY, U_QUERY, U_UNKNOWN = range(4)
# js contexts
JS_REGEXP_CTX, JS_DIV_OP, JS_UNKNOWN = range(3)
# elements
E_NONE, E_SCRIPT, E_STYLE, E_TEXTAREA, E_TITLE, E_META = range(6)
# attributes
A_NONE, A_SCRIPT, A_SCRIPT_TYPE, A_STYLE, A_URL, A_SRCSET, A_META = range(7)

FAILSAFE = "ZgotmplZ"


class Context(NamedTuple):
    state: int = TEXT
    delim: int = D_NONE
    url_part: int = U_NONE
    js_ctx: int = JS_REGEXP_CTX
    braces: tuple[int, ...] = ()
    attr: int = A_NONE
    element: int = E_NONE
    error: str = ""


START = Context()
_COMMENTS = frozenset([HTML_CMT, JS_BLOCK_CMT, JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT, CSS_BLOCK_CMT,
                       CSS_LINE_CMT])
_IN_TAG = frozenset([TAG, ATTR_NAME, AFTER_NAME, BEFORE_VALUE, ATTR])
_SCRIPT_LITERAL = frozenset([JS_DQ, JS_SQ, JS_TMPL, JS_REGEXP])
_ELEMENT_CONTENT = {E_NONE: TEXT, E_SCRIPT: JS_STATE, E_STYLE: CSS_STATE, E_TEXTAREA: RCDATA, E_TITLE: RCDATA,
                    E_META: TEXT}
_ELEMENT_NAMES = {"script": E_SCRIPT, "style": E_STYLE, "textarea": E_TEXTAREA, "title": E_TITLE, "meta": E_META}
_END_MARKERS = {E_SCRIPT: "script", E_STYLE: "style", E_TEXTAREA: "textarea", E_TITLE: "title", E_META: ""}
_ATTR_START = {A_NONE: ATTR, A_SCRIPT: JS_STATE, A_SCRIPT_TYPE: ATTR, A_STYLE: CSS_STATE, A_URL: URL_STATE,
               A_SRCSET: SRCSET, A_META: META}
_DELIM_ENDS = {D_DOUBLE: '"', D_SINGLE: "'", D_SPACE: " \t\n\f\r>"}
_WS = " \t\n\f\r"


def _error(message: str) -> Context:
    return Context(state=ERROR, error=message)


# -- content types (attr.go) -------------------------------------------------------------------

C_PLAIN, C_CSS, C_HTML, C_HTMLATTR, C_JS, C_JSSTR, C_URL, C_SRCSET, C_UNSAFE = range(9)

_ATTR_TYPES = {
    "accept": C_PLAIN, "accept-charset": C_UNSAFE, "action": C_URL, "alt": C_PLAIN, "archive": C_URL,
    "async": C_UNSAFE, "autocomplete": C_PLAIN, "autofocus": C_PLAIN, "autoplay": C_PLAIN, "background": C_URL,
    "border": C_PLAIN, "checked": C_PLAIN, "cite": C_URL, "challenge": C_UNSAFE, "charset": C_UNSAFE,
    "class": C_PLAIN, "classid": C_URL, "codebase": C_URL, "cols": C_PLAIN, "colspan": C_PLAIN, "content": C_UNSAFE,
    "contenteditable": C_PLAIN, "contextmenu": C_PLAIN, "controls": C_PLAIN, "coords": C_PLAIN,
    "crossorigin": C_UNSAFE, "data": C_URL, "datetime": C_PLAIN, "default": C_PLAIN, "defer": C_UNSAFE,
    "dir": C_PLAIN, "dirname": C_PLAIN, "disabled": C_PLAIN, "draggable": C_PLAIN, "dropzone": C_PLAIN,
    "enctype": C_UNSAFE, "for": C_PLAIN, "form": C_UNSAFE, "formaction": C_URL, "formenctype": C_UNSAFE,
    "formmethod": C_UNSAFE, "formnovalidate": C_UNSAFE, "formtarget": C_PLAIN, "headers": C_PLAIN,
    "height": C_PLAIN, "hidden": C_PLAIN, "high": C_PLAIN, "href": C_URL, "hreflang": C_PLAIN,
    "http-equiv": C_UNSAFE, "icon": C_URL, "id": C_PLAIN, "ismap": C_PLAIN, "keytype": C_UNSAFE, "kind": C_PLAIN,
    "label": C_PLAIN, "lang": C_PLAIN, "language": C_UNSAFE, "list": C_PLAIN, "longdesc": C_URL, "loop": C_PLAIN,
    "low": C_PLAIN, "manifest": C_URL, "max": C_PLAIN, "maxlength": C_PLAIN, "media": C_PLAIN,
    "mediagroup": C_PLAIN, "method": C_UNSAFE, "min": C_PLAIN, "multiple": C_PLAIN, "name": C_PLAIN,
    "novalidate": C_UNSAFE, "open": C_PLAIN, "optimum": C_PLAIN, "pattern": C_UNSAFE, "placeholder": C_PLAIN,
    "poster": C_URL, "profile": C_URL, "preload": C_PLAIN, "pubdate": C_PLAIN, "radiogroup": C_PLAIN,
    "readonly": C_PLAIN, "rel": C_UNSAFE, "required": C_PLAIN, "reversed": C_PLAIN, "rows": C_PLAIN,
    "rowspan": C_PLAIN, "sandbox": C_UNSAFE, "spellcheck": C_PLAIN, "scope": C_PLAIN, "scoped": C_PLAIN,
    "seamless": C_PLAIN, "selected": C_PLAIN, "shape": C_PLAIN, "size": C_PLAIN, "sizes": C_PLAIN,
    "span": C_PLAIN, "src": C_URL, "srcdoc": C_HTML, "srclang": C_PLAIN, "srcset": C_SRCSET, "start": C_PLAIN,
    "step": C_PLAIN, "style": C_CSS, "tabindex": C_PLAIN, "target": C_PLAIN, "title": C_PLAIN, "type": C_UNSAFE,
    "usemap": C_URL, "value": C_UNSAFE, "width": C_PLAIN, "wrap": C_PLAIN, "xmlns": C_URL,
}


def attr_type(name: str) -> int:
    """The content type of the (lower-case) attribute ``name``: a conservative guess, as Go's."""
    if name.startswith("data-"):
        name = name[5:]
    elif ":" in name:
        prefix, _, rest = name.partition(":")
        if prefix == "xmlns":
            return C_URL
        name = rest
    found = _ATTR_TYPES.get(name)
    if found is not None:
        return found
    if name.startswith("on"):
        return C_JS
    if "src" in name or "uri" in name or "url" in name:
        return C_URL
    return C_PLAIN


# -- transitions (transition.go) ---------------------------------------------------------------


def _alpha(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z"


def _alnum(c: str) -> bool:
    return _alpha(c) or "0" <= c <= "9"


def _eat_tag_name(s: str, i: int) -> tuple[int, int]:
    if i == len(s) or not _alpha(s[i]):
        return i, E_NONE
    j = i + 1
    while j < len(s):
        x = s[j]
        if _alnum(x):
            j += 1
            continue
        if x in ":-" and j + 1 < len(s) and _alnum(s[j + 1]):
            j += 2
            continue
        break
    return j, _ELEMENT_NAMES.get(s[i:j].lower(), E_NONE)


def _eat_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _eat_attr_name(s: str, i: int) -> int:
    for j in range(i, len(s)):
        c = s[j]
        if c in " \t\n\f\r=>":
            return j
        if c in "'\"<":
            return -1
    return len(s)


def t_text(c: Context, s: str) -> tuple[Context, int]:
    k = 0
    while True:
        i = s.find("<", k)
        if i < 0 or i + 1 == len(s):
            return c, len(s)
        if s.startswith("<!--", i):
            return Context(state=HTML_CMT), i + 4
        i += 1
        end = False
        if s[i] == "/":
            if i + 1 == len(s):
                return c, len(s)
            end, i = True, i + 1
        j, e = _eat_tag_name(s, i)
        if j != i:
            if end:
                e = E_NONE
            return Context(state=TAG, element=e), j
        k = j


def t_tag(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] == ">":
        if c.element == E_META:
            return Context(state=TEXT), i + 1
        return Context(state=_ELEMENT_CONTENT[c.element], element=c.element), i + 1
    j = _eat_attr_name(s, i)
    if j < 0:
        return _error(f"{s[i:i + 1]!r} in attribute name: {s[:32]!r}"), len(s)
    if i == j:
        return _error(f"expected space, attr name, or end of tag, but got {s[i:]!r}"), len(s)
    name = s[i:j].lower()
    attr = A_NONE
    if c.element == E_SCRIPT and name == "type":
        attr = A_SCRIPT_TYPE
    elif c.element == E_META and name == "content":
        attr = A_META
    else:
        t = attr_type(name)
        attr = {C_URL: A_URL, C_CSS: A_STYLE, C_JS: A_SCRIPT, C_SRCSET: A_SRCSET}.get(t, A_NONE)
    state = ATTR_NAME if j == len(s) else AFTER_NAME
    return Context(state=state, element=c.element, attr=attr), j


def t_attr_name(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_attr_name(s, 0)
    if i < 0:
        return _error(f"bad character in attribute name: {s[:32]!r}"), len(s)
    if i != len(s):
        c = c._replace(state=AFTER_NAME)
    return c, i


def t_after_name(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] != "=":
        return c._replace(state=TAG), i
    return c._replace(state=BEFORE_VALUE), i + 1


def t_before_value(c: Context, s: str) -> tuple[Context, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    delim = D_SPACE
    if s[i] == "'":
        delim, i = D_SINGLE, i + 1
    elif s[i] == '"':
        delim, i = D_DOUBLE, i + 1
    return c._replace(state=_ATTR_START[c.attr], delim=delim), i


def t_html_cmt(c: Context, s: str) -> tuple[Context, int]:
    i = s.find("-->")
    if i >= 0:
        return Context(), i + 3
    return c, len(s)


def _index_tag_end(s: str, tag: str) -> int:
    res = 0
    low = s
    while low:
        i = low.find("</")
        if i < 0:
            return -1
        low = low[i + 2:]
        if len(tag) <= len(low) and low[:len(tag)].lower() == tag:
            low = low[len(tag):]
            if low and low[0] in "> \t\n\f/":
                return res + i
            res += len(tag)
        res += i + 2
    return -1


def t_special_tag_end(c: Context, s: str) -> tuple[Context, int]:
    if c.element != E_NONE:
        if c.element == E_SCRIPT and (c.state in _SCRIPT_LITERAL or c.state in _COMMENTS):
            return c, len(s)
        i = _index_tag_end(s, _END_MARKERS[c.element])
        if i >= 0:
            return Context(), i
    return c, len(s)


def t_attr(c: Context, s: str) -> tuple[Context, int]:
    return c, len(s)


def t_url(c: Context, s: str) -> tuple[Context, int]:
    if "#" in s or "?" in s:
        c = c._replace(url_part=U_QUERY)
    elif len(s) != _eat_ws(s, 0) and c.url_part == U_NONE:
        c = c._replace(url_part=U_PRE_QUERY)
    return c, len(s)


_REGEXP_PRECEDERS = frozenset(["break", "case", "continue", "delete", "do", "else", "finally", "in", "instanceof",
                               "return", "throw", "try", "typeof", "void"])


def _js_ident_part(c: str) -> bool:
    return c == "$" or c == "_" or "0" <= c <= "9" or "A" <= c <= "Z" or "a" <= c <= "z"


def next_js_ctx(s: str, preceding: int) -> int:
    s = s.rstrip("\t\n\f\r \u2028\u2029")
    if not s:
        return preceding
    c, n = s[-1], len(s)
    if c in "+-":
        start = n - 1
        while start > 0 and s[start - 1] == c:
            start -= 1
        return JS_REGEXP_CTX if (n - start) & 1 else JS_DIV_OP
    if c == ".":
        if n != 1 and "0" <= s[n - 2] <= "9":
            return JS_DIV_OP
        return JS_REGEXP_CTX
    if c in ",<>=*%&|^?!~([:;{}":
        return JS_REGEXP_CTX
    j = n
    while j > 0 and _js_ident_part(s[j - 1]):
        j -= 1
    if s[j:] in _REGEXP_PRECEDERS:
        return JS_REGEXP_CTX
    return JS_DIV_OP


_JS_SPECIALS = re.compile(r"[\"`'/{}<\-#]")


def t_js(c: Context, s: str) -> tuple[Context, int]:
    m = _JS_SPECIALS.search(s)
    if m is None:
        return c._replace(js_ctx=next_js_ctx(s, c.js_ctx)), len(s)
    i = m.start()
    c = c._replace(js_ctx=next_js_ctx(s[:i], c.js_ctx))
    ch = s[i]
    if ch == '"':
        c = c._replace(state=JS_DQ, js_ctx=JS_REGEXP_CTX)
    elif ch == "'":
        c = c._replace(state=JS_SQ, js_ctx=JS_REGEXP_CTX)
    elif ch == "`":
        c = c._replace(state=JS_TMPL, js_ctx=JS_REGEXP_CTX)
    elif ch == "/":
        if i + 1 < len(s) and s[i + 1] == "/":
            c, i = c._replace(state=JS_LINE_CMT), i + 1
        elif i + 1 < len(s) and s[i + 1] == "*":
            c, i = c._replace(state=JS_BLOCK_CMT), i + 1
        elif c.js_ctx == JS_REGEXP_CTX:
            c = c._replace(state=JS_REGEXP)
        elif c.js_ctx == JS_DIV_OP:
            c = c._replace(js_ctx=JS_REGEXP_CTX)
        else:
            return _error(f"'/' could start a division or regexp: {s[i:i + 32]!r}"), len(s)
    elif ch == "<":
        if i + 3 < len(s) and s.startswith("<!--", i):
            c, i = c._replace(state=JS_HTML_OPEN_CMT), i + 3
    elif ch == "-":
        if i + 2 < len(s) and s.startswith("-->", i):
            c, i = c._replace(state=JS_HTML_CLOSE_CMT), i + 2
    elif ch == "#":
        if i + 1 < len(s) and s[i + 1] == "!":
            c, i = c._replace(state=JS_LINE_CMT), i + 1
    elif ch == "{":
        if not c.braces:
            return c._replace(js_ctx=next_js_ctx("{", c.js_ctx)), i + 1
        c = c._replace(braces=c.braces[:-1] + (c.braces[-1] + 1,), js_ctx=next_js_ctx("{", c.js_ctx))
    elif ch == "}":
        if not c.braces:
            return c._replace(js_ctx=next_js_ctx("}", c.js_ctx)), i + 1
        depth = c.braces[-1] - 1
        if depth >= 0:
            return c._replace(braces=c.braces[:-1] + (depth,), js_ctx=next_js_ctx("}", c.js_ctx)), i + 1
        c = c._replace(braces=c.braces[:-1], state=JS_TMPL)
    return c, i + 1


def t_js_tmpl(c: Context, s: str) -> tuple[Context, int]:
    k = 0
    while True:
        m = re.compile(r"[`\\$]").search(s, k)
        if m is None:
            return c, len(s)
        i = m.start()
        ch = s[i]
        if ch == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in JS string: {s!r}"), len(s)
        elif ch == "$":
            if len(s) >= i + 2 and s[i + 1] == "{":
                return c._replace(braces=c.braces + (0,), state=JS_STATE), i + 2
        elif ch == "`":
            return c._replace(state=JS_STATE), i + 1
        k = i + 1


def t_js_delimited(c: Context, s: str) -> tuple[Context, int]:
    specials = {JS_SQ: "\\'", JS_REGEXP: "\\/[]"}.get(c.state, '\\"')
    k, in_charset = 0, False
    while True:
        i = -1
        for j in range(k, len(s)):
            if s[j] in specials:
                i = j
                break
        if i < 0:
            break
        ch = s[i]
        if ch == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in JS string: {s!r}"), len(s)
        elif ch == "[":
            in_charset = True
        elif ch == "]":
            in_charset = False
        elif ch == "/" and i > 0 and s[i - 1:i + 7].lower() == "</script":
            i += 1  # "</script" in a regular expression does not end it: escape_text writes \x3C/script
        elif not in_charset:
            return c._replace(state=JS_STATE, js_ctx=JS_DIV_OP), i + 1
        k = i + 1
    if in_charset:
        return _error(f"unfinished JS regexp charset: {s!r}"), len(s)
    return c, len(s)


def t_block_cmt(c: Context, s: str) -> tuple[Context, int]:
    i = s.find("*/")
    if i < 0:
        return c, len(s)
    return c._replace(state=JS_STATE if c.state == JS_BLOCK_CMT else CSS_STATE), i + 2


def t_line_cmt(c: Context, s: str) -> tuple[Context, int]:
    if c.state == CSS_LINE_CMT:
        terminators, end = "\n\f\r", CSS_STATE
    else:
        terminators, end = "\n\r\u2028\u2029", JS_STATE
    for i, ch in enumerate(s):
        if ch in terminators:
            return c._replace(state=end), i
    return c, len(s)


def _css_nmchar(r: str) -> bool:
    o = ord(r)
    return ("a" <= r <= "z" or "A" <= r <= "Z" or "0" <= r <= "9" or r in "-_" or 0x80 <= o <= 0xD7FF
            or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF)


def _ends_with_css_keyword(b: str, kw: str) -> bool:
    i = len(b) - len(kw)
    if i < 0:
        return False
    if i != 0 and _css_nmchar(b[i - 1]):
        return False
    return b[i:].lower() == kw


def _is_hex(c: str) -> bool:
    return c in "0123456789abcdefABCDEF" and c != ""


def decode_css(s: str) -> str:
    if "\\" not in s:
        return s
    out: list[str] = []
    while s:
        i = s.find("\\")
        if i < 0:
            i = len(s)
        out.append(s[:i])
        s = s[i:]
        if len(s) < 2:
            break
        if _is_hex(s[1]):
            j = 2
            while j < len(s) and j < 7 and _is_hex(s[j]):
                j += 1
            r = int(s[1:j], 16)
            if r > 0x10FFFF:
                r, j = r // 16, j - 1
            out.append(chr(r) if not 0xD800 <= r < 0xE000 else "\ufffd")
            s = s[j:]
            if s[:2] == "\r\n":
                s = s[2:]
            elif s[:1] in ("\t", "\n", "\f", " ", "\r") and s:
                s = s[1:]
        else:
            out.append(s[1])
            s = s[2:]
    return "".join(out)


def t_css(c: Context, s: str) -> tuple[Context, int]:
    k = 0
    while True:
        i = -1
        for j in range(k, len(s)):
            if s[j] in "(\"'/":
                i = j
                break
        if i < 0:
            return c, len(s)
        ch = s[i]
        if ch == "(":
            p = s[:i].rstrip("\t\n\f\r ")
            if _ends_with_css_keyword(p, "url"):
                rest = s[i + 1:].lstrip("\t\n\f\r ")
                j = len(s) - len(rest)
                if j != len(s) and s[j] == '"':
                    return c._replace(state=CSS_DQ_URL), j + 1
                if j != len(s) and s[j] == "'":
                    return c._replace(state=CSS_SQ_URL), j + 1
                return c._replace(state=CSS_URL), j
        elif ch == "/":
            if i + 1 < len(s):
                if s[i + 1] == "/":
                    return c._replace(state=CSS_LINE_CMT), i + 2
                if s[i + 1] == "*":
                    return c._replace(state=CSS_BLOCK_CMT), i + 2
        elif ch == '"':
            return c._replace(state=CSS_DQ), i + 1
        elif ch == "'":
            return c._replace(state=CSS_SQ), i + 1
        k = i + 1


def t_css_str(c: Context, s: str) -> tuple[Context, int]:
    if c.state in (CSS_DQ, CSS_DQ_URL):
        end_and_esc = '\\"'
    elif c.state in (CSS_SQ, CSS_SQ_URL):
        end_and_esc = "\\'"
    else:
        end_and_esc = "\\\t\n\f\r )"
    k = 0
    while True:
        i = -1
        for j in range(k, len(s)):
            if s[j] in end_and_esc:
                i = j
                break
        if i < 0:
            c2, nread = t_url(c, decode_css(s[k:]))
            return c2, k + nread
        if s[i] == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in CSS string: {s!r}"), len(s)
        else:
            return c._replace(state=CSS_STATE), i + 1
        c, _ = t_url(c, decode_css(s[:i + 1]))
        k = i + 1


def t_error(c: Context, s: str) -> tuple[Context, int]:
    return c, len(s)


def t_meta(c: Context, s: str) -> tuple[Context, int]:
    for i in range(len(s)):
        if i + 3 <= len(s) - 1 and s[i:i + 3].lower() == "url":
            j = _eat_ws(s, i + 3)
            if j < len(s) and s[j] == "=":
                return c._replace(state=META_URL), j + 1
    return c, len(s)


def t_meta_url(c: Context, s: str) -> tuple[Context, int]:
    i = s.find(";")
    if i >= 0:
        return c._replace(state=META), i + 1
    return c, len(s)


_TRANSITIONS = {
    TEXT: t_text, TAG: t_tag, ATTR_NAME: t_attr_name, AFTER_NAME: t_after_name, BEFORE_VALUE: t_before_value,
    HTML_CMT: t_html_cmt, RCDATA: t_special_tag_end, ATTR: t_attr, URL_STATE: t_url, SRCSET: t_url,
    JS_STATE: t_js, JS_DQ: t_js_delimited, JS_SQ: t_js_delimited, JS_TMPL: t_js_tmpl, JS_REGEXP: t_js_delimited,
    JS_BLOCK_CMT: t_block_cmt, JS_LINE_CMT: t_line_cmt, JS_HTML_OPEN_CMT: t_line_cmt,
    JS_HTML_CLOSE_CMT: t_line_cmt, CSS_STATE: t_css, CSS_DQ: t_css_str, CSS_SQ: t_css_str, CSS_DQ_URL: t_css_str,
    CSS_SQ_URL: t_css_str, CSS_URL: t_css_str, CSS_BLOCK_CMT: t_block_cmt, CSS_LINE_CMT: t_line_cmt,
    ERROR: t_error, META: t_meta, META_URL: t_meta_url,
}

_JS_TYPES = frozenset(["", "application/ld+json", "module", "application/ecmascript", "application/javascript",
                       "application/json",
                       "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript",
                       "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
                       "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
                       "text/x-ecmascript", "text/x-javascript"])


def is_js_type(mime: str) -> bool:
    return mime.lower().split(";", 1)[0].strip() in _JS_TYPES


def context_after_text(c: Context, s: str) -> tuple[Context, int]:
    if c.delim == D_NONE:
        c1, i = t_special_tag_end(c, s)
        if i == 0:
            return c1, 0
        return _TRANSITIONS[c.state](c, s[:i])
    ends = _DELIM_ENDS[c.delim]
    i = len(s)
    for j, ch in enumerate(s):
        if ch in ends:
            i = j
            break
    if c.delim == D_SPACE:
        for ch in s[:i]:
            if ch in "\"'<=`":
                return _error(f"{ch!r} in unquoted attr: {s[:i]!r}"), len(s)
    if i == len(s):
        u = _html.unescape(s)
        while u:
            c1, i1 = _TRANSITIONS[c.state](c, u)
            c, u = c1, u[i1:]
        return c, len(s)
    element = c.element
    if c.state == ATTR and c.element == E_SCRIPT and c.attr == A_SCRIPT_TYPE and not is_js_type(s[:i]):
        element = E_NONE
    if c.delim != D_SPACE:
        i += 1
    return Context(state=TAG, element=element), i


_SPECIAL_SCRIPT_TAG = re.compile(r"(?i)<(script|/script|!--)")


def escape_text(c: Context, s: str) -> tuple[Context, str]:
    """The context after template text ``s`` written in context ``c``, and the text as Go rewrites it."""
    written, i = 0, 0
    b: list[str] = []
    while i != len(s):
        c1, nread = context_after_text(c, s[i:])
        i1 = i + nread
        if c.state in (TEXT, RCDATA):
            end = i1
            if c1.state != c.state:
                j = s.rfind("<", i, end)
                if j >= 0:
                    end = j
            for j in range(i, end):
                if s[j] == "<" and not s[j:j + 9].upper().startswith("<!DOCTYPE"):
                    b.append(s[written:j])
                    b.append("&lt;")
                    written = j + 1
        elif c.state in _COMMENTS and c.delim == D_NONE:
            if c.state == JS_BLOCK_CMT:
                b.append("\n" if any(ch in s[written:i1] for ch in "\n\r\u2028\u2029") else " ")
            elif c.state == CSS_BLOCK_CMT:
                b.append(" ")
            written = i1
        if c.state != c1.state and c1.state in _COMMENTS and c1.delim == D_NONE:
            cs = i1 - 2
            if c1.state in (HTML_CMT, JS_HTML_OPEN_CMT):
                cs -= 2
            elif c1.state == JS_HTML_CLOSE_CMT:
                cs -= 1
            b.append(s[written:cs])
            written = i1
        if c.state in _SCRIPT_LITERAL and _SPECIAL_SCRIPT_TAG.search(s[i:i1]):
            b.append(s[written:i])
            b.append(_SPECIAL_SCRIPT_TAG.sub(lambda m: "\\x3C" + m.group(1), s[i:i1]))
            written = i1
        if i == i1 and c.state == c1.state:
            raise TemplateError("html/template: the escaper made no progress")  # cannot happen for Go's table
        c, i = c1, i1
    if written != 0 and c.state != ERROR:
        if c.state not in _COMMENTS or c.delim != D_NONE:
            b.append(s[written:])
        return c, "".join(b)
    return c, s


# -- escapers (html.go, url.go, js.go, css.go) -------------------------------------------------


_CONTENT_TYPES: dict[type, int] = {CSS: C_CSS, HTML: C_HTML, HTMLAttr: C_HTMLATTR, JS: C_JS, JSStr: C_JSSTR, URL: C_URL,
                  Srcset: C_SRCSET}


def stringify(value: Any) -> tuple[str, int]:
    """The text of an action's value and its content type (content.go's stringify)."""
    if isinstance(value, str):
        if type(value) is str:
            return value, C_PLAIN
        for cls in type(value).__mro__:
            kind = _CONTENT_TYPES.get(cls)
            if kind is not None:
                return str.__str__(value), kind
        return str.__str__(value), C_PLAIN
    if value is None:
        return "", C_PLAIN
    return sprint([value]), C_PLAIN


_HTML_TABLE = {"\0": "\ufffd", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;", "<": "&lt;", ">": "&gt;"}
_HTML_NORM_TABLE = {k: v for k, v in _HTML_TABLE.items() if k != "&"}
_NOSPACE_TABLE = {"\0": "&#xfffd;", "\t": "&#9;", "\n": "&#10;", "\v": "&#11;", "\f": "&#12;", "\r": "&#13;",
                  " ": "&#32;", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;", "<": "&lt;", "=": "&#61;",
                  ">": "&gt;", "`": "&#96;"}
_NOSPACE_NORM_TABLE = {k: v for k, v in _NOSPACE_TABLE.items() if k != "&"}
_HTML_CHARS = re.compile("[\0\"&'+<>]")


def _html_replace(s: str, table: dict[str, str], bad_runes: bool) -> str:
    out: list[str] = []
    for ch in s:
        repl = table.get(ch)
        if repl is not None:
            out.append(repl)
        elif not bad_runes and (0xFDD0 <= ord(ch) <= 0xFDEF or 0xFFF0 <= ord(ch) <= 0xFFFF):
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
    return "".join(out)


def html_escape(s: str) -> str:
    """Go's htmlReplacer with htmlReplacementTable: text for HTML text and quoted attributes."""
    if not _HTML_CHARS.search(s):
        return s
    return _HTML_CHARS.sub(lambda m: _HTML_TABLE[m.group(0)], s)


def strip_tags(text: str) -> str:
    """The text content of an HTML snippet (html.go's stripTags), for HTML printed in an attribute."""
    b: list[str] = []
    s, c, i, all_text = text, Context(), 0, True
    while i != len(s):
        if c.delim == D_NONE:
            st = c.state
            if c.element != E_NONE and st not in _IN_TAG:
                st = RCDATA
            d, nread = _TRANSITIONS[st](c, s[i:])
            i1 = i + nread
            if c.state in (TEXT, RCDATA):
                j = i1
                if d.state != c.state:
                    k = s.rfind("<", i, j)
                    if k >= 0:
                        j = k
                b.append(s[i:j])
            else:
                all_text = False
            c, i = d, i1
            continue
        ends = _DELIM_ENDS[c.delim]
        i1 = -1
        for j in range(i, len(s)):
            if s[j] in ends:
                i1 = j
                break
        if i1 < 0:
            break
        if c.delim != D_SPACE:
            i1 += 1
        c, i = Context(state=TAG, element=c.element), i1
    if all_text:
        return text
    if c.state in (TEXT, RCDATA):
        b.append(s[i:])
    return "".join(b)


def html_escaper(v: Any) -> str:
    s, t = stringify(v)
    return s if t == C_HTML else html_escape(s)


def attr_escaper(v: Any) -> str:
    s, t = stringify(v)
    if t == C_HTML:
        return _html_replace(strip_tags(s), _HTML_NORM_TABLE, True)
    return html_escape(s)


def rcdata_escaper(v: Any) -> str:
    s, t = stringify(v)
    if t == C_HTML:
        return _html_replace(s, _HTML_NORM_TABLE, True)
    return html_escape(s)


def nospace_escaper(v: Any) -> str:
    s, t = stringify(v)
    if s == "":
        return FAILSAFE  # <p name={{.}}> must not leave name= empty
    if t == C_HTML:
        return _html_replace(strip_tags(s), _NOSPACE_NORM_TABLE, False)
    return _html_replace(s, _NOSPACE_TABLE, False)


def html_name_filter(v: Any) -> str:
    s, t = stringify(v)
    if t == C_HTMLATTR:
        return s
    if not s:
        return FAILSAFE
    s = s.lower()
    if attr_type(s) != C_PLAIN:
        return FAILSAFE
    if not all("0" <= r <= "9" or "a" <= r <= "z" for r in s):
        return FAILSAFE
    return s


def comment_escaper(v: Any) -> str:
    return ""


def is_safe_url(s: str) -> bool:
    protocol, sep, _ = s.partition(":")
    if sep and "/" not in protocol:
        if protocol.lower() not in ("http", "https", "mailto"):
            return False
    return True


def url_filter(v: Any) -> str:
    s, t = stringify(v)
    if t == C_URL:
        return s
    if not is_safe_url(s):
        return "#" + FAILSAFE
    return s


_URL_RESERVED = frozenset("!#$&*+,/:;=?@[]")
_URL_UNRESERVED = frozenset("-._~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def process_url(s: str, norm: bool) -> str:
    """url.go's processURLOnto: percent-encode what a URL part may not hold (normalize keeps reserved ones)."""
    out: list[str] = []
    data = s.encode("utf-8", "surrogatepass")
    n = len(data)
    for i in range(n):
        c = chr(data[i])
        if c in _URL_RESERVED and norm:
            out.append(c)
            continue
        if c in _URL_UNRESERVED:
            out.append(c)
            continue
        if c == "%" and norm and i + 2 < n and _is_hex(chr(data[i + 1])) and _is_hex(chr(data[i + 2])):
            out.append(c)
            continue
        out.append(f"%{data[i]:02x}")
    return "".join(out)


def url_escaper(v: Any) -> str:
    s, t = stringify(v)
    return process_url(s, t == C_URL)


def url_normalizer(v: Any) -> str:
    s, _ = stringify(v)
    return process_url(s, True)


def _html_space(c: str) -> bool:
    return c in "\t\n\f\r "


def srcset_escaper(v: Any) -> str:
    s, t = stringify(v)
    if t == C_SRCSET:
        return s
    if t == C_URL:
        return process_url(s, True).replace(",", "%2c")
    out: list[str] = []
    written = 0
    for i, ch in enumerate(s):
        if ch == ",":
            out.append(_srcset_element(s, written, i))
            out.append(",")
            written = i + 1
    out.append(_srcset_element(s, written, len(s)))
    return "".join(out)


def _srcset_element(s: str, left: int, right: int) -> str:
    start = left
    while start < right and _html_space(s[start]):
        start += 1
    end = right
    for i in range(start, right):
        if _html_space(s[i]):
            end = i
            break
    url = s[start:end]
    if is_safe_url(url):
        if all(_html_space(c) or (c.isascii() and c.isalnum()) for c in s[end:right]):
            return s[left:start] + process_url(url, True) + s[end:right]
    return "#" + FAILSAFE


_LOW_UNICODE = {chr(i): f"\\u{i:04x}" for i in range(0x20)}
_LOW_UNICODE.update({"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_JS_STR = {"\0": "\\u0000", "\t": "\\t", "\n": "\\n", "\v": "\\u000b", "\f": "\\f", "\r": "\\r", '"': "\\u0022",
           "`": "\\u0060", "&": "\\u0026", "'": "\\u0027", "+": "\\u002b", "/": "\\/", "<": "\\u003c",
           ">": "\\u003e", "\\": "\\\\"}
_JS_BQ = dict(_JS_STR, **{"$": "\\u0024", "{": "\\u007b", "}": "\\u007d"})
_JS_STR_NORM = {k: v for k, v in _JS_STR.items() if k != "\\"}
_JS_REGEXP = {"\0": "\\u0000", "\t": "\\t", "\n": "\\n", "\v": "\\u000b", "\f": "\\f", "\r": "\\r",
              '"': "\\u0022", "$": "\\$", "&": "\\u0026", "'": "\\u0027", "(": "\\(", ")": "\\)", "*": "\\*",
              "+": "\\u002b", "-": "\\-", ".": "\\.", "/": "\\/", "<": "\\u003c", ">": "\\u003e", "?": "\\?",
              "[": "\\[", "\\": "\\\\", "]": "\\]", "^": "\\^", "{": "\\{", "|": "\\|", "}": "\\}"}


def _js_replace(s: str, table: dict[str, str]) -> str:
    out: list[str] = []
    for ch in s:
        repl = _LOW_UNICODE.get(ch) or table.get(ch)
        if repl is None:
            if ch == "\u2028":
                repl = "\\u2028"
            elif ch == "\u2029":
                repl = "\\u2029"
            else:
                out.append(ch)
                continue
        out.append(repl)
    return "".join(out)


def js_str_escaper(v: Any) -> str:
    s, t = stringify(v)
    return _js_replace(s, _JS_STR_NORM if t == C_JSSTR else _JS_STR)


def js_tmpl_lit_escaper(v: Any) -> str:
    s, _ = stringify(v)
    return _js_replace(s, _JS_BQ)


def js_regexp_escaper(v: Any) -> str:
    s, _ = stringify(v)
    s = _js_replace(s, _JS_REGEXP)
    return s or "(?:)"


def go_json(value: Any, depth: int = 0) -> str:
    """encoding/json.Marshal of a template value: Go's escaping of <, >, & and U+2028/9, map keys sorted."""
    if depth > 100:
        raise TemplateError("json: value nested too deeply")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise TemplateError(f"json: unsupported value: {value}")
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(str.__str__(value))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: str(k))
        return "{" + ",".join(_json_string(str(k)) + ":" + go_json(value[k], depth + 1) for k in keys) + "}"
    to_json = getattr(type(value), "go_json", None)
    if to_json is not None:
        return go_json(to_json(value), depth + 1)
    return "{}"


def _json_float(f: float) -> str:
    # encoding/json: 'f' format unless the exponent is < -6 or >= 21, then 'e' with a 2-digit minimum exponent.
    if f == 0:
        return "-0" if str(f).startswith("-") else "0"
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        digits, point = _digits(f)
        exp = point - 1
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = f"{'-' if f < 0 else ''}{body}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
        # Go writes e-07 as e-7
        mant, _, e = text.partition("e")
        sign, num = e[0], e[1:].lstrip("0") or "0"
        return f"{mant}e{sign}{num}"
    return format_float(f, "f", -1)


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "<": "\\u003c", ">": "\\u003e",
                 "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029", "\b": "\\b", "\f": "\\f"}


def _json_string(s: str) -> str:
    out = ['"']
    for ch in s:
        e = _JSON_ESCAPES.get(ch)
        if e is not None:
            out.append(e)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) < 0xE000:
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def js_val_escaper(v: Any) -> str:
    if type(v) is JS:
        return str.__str__(v)
    if type(v) is JSStr:
        return '"' + str.__str__(v) + '"'
    try:
        b = go_json(v)
    except TemplateError as exc:
        return f" /* {str(exc).replace('*/', '* /')} */null "
    if not b:
        return " null "
    # Padding keeps an identifier or a number from running into a neighbouring keyword (x in{{.}}).
    pad = _js_ident_part(b[0]) or _js_ident_part(b[-1])
    b = b.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return " " + b + " " if pad else b


def css_escaper(v: Any) -> str:
    s, _ = stringify(v)
    table = {"\0": "\\0", "\t": "\\9", "\n": "\\a", "\f": "\\c", "\r": "\\d", '"': "\\22", "&": "\\26",
             "'": "\\27", "(": "\\28", ")": "\\29", "+": "\\2b", "/": "\\2f", ":": "\\3a", ";": "\\3b",
             "<": "\\3c", ">": "\\3e", "\\": "\\\\", "{": "\\7b", "}": "\\7d"}
    out: list[str] = []
    n = len(s)
    for i, ch in enumerate(s):
        repl = table.get(ch)
        if repl is None:
            out.append(ch)
            continue
        out.append(repl)
        if repl != "\\\\" and (i + 1 == n or _is_hex(s[i + 1]) or s[i + 1] in "\t\n\f\r "):
            out.append(" ")
    return "".join(out)


def css_value_filter(v: Any) -> str:
    s, t = stringify(v)
    if t == C_CSS:
        return s
    b = decode_css(s)
    ident: list[str] = []
    for i, c in enumerate(b):
        if c in "\0\"'()/;@[\\]`{}<>":
            return FAILSAFE
        if c == "-":
            if i != 0 and b[i - 1] == "-":
                return FAILSAFE
        elif ord(c) < 0x80 and _css_nmchar(c):
            ident.append(c)
    low = "".join(ident).lower()
    if "expression" in low or "mozbinding" in low:
        return FAILSAFE
    return b


# -- the escapers an action gets (escape.go's escapeAction) ------------------------------------


def _nudge(c: Context) -> Context:
    if c.state == TAG:
        return c._replace(state=ATTR_NAME)
    if c.state == BEFORE_VALUE:
        return c._replace(state=_ATTR_START[c.attr], delim=D_SPACE, attr=A_NONE)
    if c.state == AFTER_NAME:
        return c._replace(state=ATTR_NAME, attr=A_NONE)
    return c


_EQUIVALENT = {"html": (html_escaper, attr_escaper, rcdata_escaper), "urlquery": (url_escaper, url_normalizer)}


def escape_action(c: Context, value: Any, predefined: str = "") -> tuple[Context, str]:
    """``value`` printed by an action in context ``c``: the text, and the context after it.

    ``predefined`` is ``html`` or ``urlquery`` when the action's pipeline ended with that function
    (``value`` is then what it was given): as in Go, it takes the place of an equivalent contextual
    escaper, or runs before the contextual ones when none is equivalent."""
    c = _nudge(c)
    state = c.state
    chain: list[Any] = []
    if state == ERROR:
        raise TemplateError(f"html/template: {c.error}")
    if state in (URL_STATE, CSS_DQ, CSS_SQ, CSS_DQ_URL, CSS_SQ_URL, CSS_URL):
        if c.url_part == U_NONE:
            chain.append(url_filter)
        if c.url_part in (U_NONE, U_PRE_QUERY):
            chain.append(css_escaper if state in (CSS_DQ, CSS_SQ) else url_normalizer)
        elif c.url_part == U_QUERY:
            chain.append(url_escaper)
        else:
            raise TemplateError("html/template: an action appears in an ambiguous context within a URL")
    elif state == META:
        pass
    elif state == META_URL:
        chain.append(url_filter)
    elif state == JS_STATE:
        chain.append(js_val_escaper)
        c = c._replace(js_ctx=JS_DIV_OP)
    elif state in (JS_DQ, JS_SQ):
        chain.append(js_str_escaper)
    elif state == JS_TMPL:
        chain.append(js_tmpl_lit_escaper)
    elif state == JS_REGEXP:
        chain.append(js_regexp_escaper)
    elif state == CSS_STATE:
        chain.append(css_value_filter)
    elif state == TEXT:
        chain.append(html_escaper)
    elif state == RCDATA:
        chain.append(rcdata_escaper)
    elif state == ATTR:
        pass
    elif state in (ATTR_NAME, TAG):
        c = c._replace(state=ATTR_NAME)
        chain.append(html_name_filter)
    elif state == SRCSET:
        chain.append(srcset_escaper)
    elif state in _COMMENTS:
        chain.append(comment_escaper)
    else:
        raise TemplateError(f"html/template: unexpected state {state}")
    if c.delim == D_SPACE:
        chain.append(nospace_escaper)
    elif c.delim != D_NONE:
        chain.append(attr_escaper)
    if predefined:
        fn_predefined = _PREDEFINED[predefined]
        equivalent = [i for i, fn in enumerate(chain) if fn in _EQUIVALENT[predefined]]
        if equivalent:
            for i in equivalent:
                chain[i] = fn_predefined
        else:
            chain.insert(0, fn_predefined)
    out: Any = value
    for fn in chain:
        out = fn(out)
    if not chain:
        return c, stringify(value)[0]
    return c, out


def _html_builtin(v: Any) -> str:
    """text/template's html: Go's HTMLEscapeString of the value's text (no '+' escaping)."""
    s = "<no value>" if v is None else sprint([v])
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") \
        .replace("'", "&#39;").replace("\0", "\ufffd")


def _urlquery_builtin(v: Any) -> str:
    s = "<no value>" if v is None else sprint([v])
    out = []
    for b in s.encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


_PREDEFINED = {"html": _html_builtin, "urlquery": _urlquery_builtin}


def escaper_for(name: str) -> Any:
    """Go's ``html``, ``js`` and ``urlquery`` template functions' html/template counterparts."""
    return {"html": html_escaper}.get(name)


def end_check(c: Context, name: str) -> None:
    """Go refuses a template that ends inside a tag, attribute, comment, script or style."""
    if c.state == ERROR:
        raise TemplateError(f"html/template:{name}: {c.error}")
    if c.state != TEXT:
        raise TemplateError(f"html/template:{name}: ends in a non-text context")


def as_json(value: Any) -> str:
    """``jsonify``'s text: Go's encoding/json with Hugo's defaults."""
    return go_json(value)


"""Hugo's built-in shortcodes, made safe and private.

Embeds are link cards: no iframe, no third-party script or image, nothing
fetched at build time or when the page is read, until the reader clicks.
Every argument is escaped, and every URL argument must pass the rule
Markdown links follow (:func:`renderer.sanitize.safe_url`): the output is
trusted by the sanitizer, so it has to be safe by construction.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from .. import highlight as hl
from ..sanitize import safe_url


class ShortcodeError(ValueError):
    """A call that cannot be rendered; the message says how to fix it."""


@dataclass
class Call:
    """One shortcode call: what the built-in or template sees."""

    name: str
    args: list[str]
    kwargs: dict[str, str]
    inner: str | None  # None when not paired; Markdown already rendered for {{% %}}
    markdown_inner: bool  # the {{% %}} form
    line: int
    context: Any  # shortcodes.Context
    refs: list[tuple[str, int]] = field(default_factory=list)

    def get(self, key: str | int, default: str = "") -> str:
        """A named argument, else the positional one at ``index`` (as Hugo's ``.Get``)."""
        if isinstance(key, int):
            return self.args[key] if key < len(self.args) else default
        return self.kwargs.get(key, default)

    def first(self, name: str, index: int = 0) -> str:
        """The argument named ``name``, else the positional one at ``index``."""
        return self.kwargs.get(name) or (self.args[index] if index < len(self.args) else "")


def esc(value: str) -> str:
    return html.escape(value, quote=True)


def _url(call: Call, value: str, what: str) -> str:
    if not safe_url(value):
        raise ShortcodeError(f"shortcode '{call.name}': {what} {value[:80]!r} is not an http(s) URL or a path")
    return value


def _markdown_inline(call: Call, text: str) -> str:
    """Markdown of a caption or title, rendered inline (through the page's raw-HTML policy)."""
    if not text:
        return ""
    rendered: str = call.context.render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def figure(call: Call) -> str:
    src = call.first("src")
    if not src:
        raise ShortcodeError("shortcode 'figure' needs a src: {{< figure src=\"/images/x.png\" >}}")
    img = f'<img src="{esc(_url(call, src, "src"))}"'
    alt = call.kwargs.get("alt") or re.sub(r"<[^>]*>", "", call.kwargs.get("caption", ""))
    img += f' alt="{esc(alt)}"'
    for attr in ("width", "height"):
        if call.kwargs.get(attr, "").isdigit():
            img += f' {attr}="{call.kwargs[attr]}"'
    img += ' loading="lazy" />'
    link = call.kwargs.get("link", "")
    if link:
        rel = f' rel="{esc(call.kwargs["rel"])}"' if call.kwargs.get("rel") else ""
        img = f'<a href="{esc(_url(call, link, "link"))}"{rel}>{img}</a>'
    cls = f' class="{esc(call.kwargs["class"])}"' if call.kwargs.get("class") else ""
    title, caption, attr = (call.kwargs.get(k, "") for k in ("title", "caption", "attr"))
    caption_html = ""
    if title or caption or attr:
        caption_html = "<figcaption>"
        if title:
            caption_html += f"<h4>{esc(title)}</h4>"
        if caption or attr:
            attr_html = _markdown_inline(call, attr)
            if attr and call.kwargs.get("attrlink"):
                attr_html = f'<a href="{esc(_url(call, call.kwargs["attrlink"], "attrlink"))}">{attr_html}</a>'
            caption_html += f"<p>{_markdown_inline(call, caption)}{attr_html}</p>"
        caption_html += "</figcaption>"
    return f"<figure{cls}>{img}{caption_html}</figure>"


_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NUMBER = re.compile(r"^[0-9]{1,32}$")
_USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _card(kind: str, url: str, label: str, title: str = "") -> str:
    """A link card: the only thing an embed becomes (no request to the service until a click)."""
    shown = f'<span class="embed-title">{esc(title)}</span>' if title else ""
    return (f'<p class="embed embed-{kind}"><a class="embed-card" href="{esc(url)}" rel="noopener">'
            f'<span class="embed-icon" aria-hidden="true">▶</span> <span class="embed-label">{esc(label)}</span>'
            f"{shown}</a></p>")


def _checked(call: Call, value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(value or ""):
        raise ShortcodeError(f"shortcode '{call.name}' needs {what}, not {value[:40]!r}")
    return value


def youtube_card(video: str, start: str = "", title: str = "") -> str:
    """The card of YouTube video ``video`` (a checked id): the shortcode's, and a raw YouTube iframe's."""
    url = f"https://www.youtube-nocookie.com/embed/{video}"
    if start.isdigit():
        url += f"?start={start}"
    return _card("youtube", url, "Watch on YouTube", title)


def vimeo_card(video: str, title: str = "") -> str:
    """The card of Vimeo video ``video`` (a checked number): the shortcode's, and a raw Vimeo iframe's."""
    return _card("vimeo", f"https://vimeo.com/{video}", "Watch on Vimeo", title)


def media_card(kind: str, url: str, title: str = "") -> str:
    """The card of a raw ``<video>`` or ``<audio>`` (``kind``) whose source is ``url`` (checked http(s)
    or relative): a link to the file, nothing fetched until a click."""
    return _card(kind, url, "Play the video" if kind == "video" else "Play the audio", title)


def youtube(call: Call) -> str:
    video = _checked(call, call.first("id"), _VIDEO_ID, "a video id such as 'ZJthWmvUzzc'")
    return youtube_card(video, call.kwargs.get("start", ""), call.kwargs.get("title", ""))


def vimeo(call: Call) -> str:
    video = _checked(call, call.first("id"), _NUMBER, "a numeric video id such as '146022717'")
    return vimeo_card(video, call.kwargs.get("title", ""))


def x_post(call: Call) -> str:
    post = _checked(call, call.kwargs.get("id") or (call.args[-1] if call.args else ""), _NUMBER,
                    "a post id such as '1453110110599868418'")
    user = call.kwargs.get("user") or (call.args[0] if len(call.args) > 1 else "")
    if user:
        _checked(call, user, _USER, "a user name such as 'SanDiegoZoo'")
    url = f"https://x.com/{user or 'i'}/status/{post}"
    return _card("x", url, f"Post by @{user} on X" if user else "Post on X")


def instagram(call: Call) -> str:
    post = _checked(call, call.first("id"), _VIDEO_ID, "a post id such as 'CxOWiQNP2MO'")
    return _card("instagram", f"https://www.instagram.com/p/{post}/", "View on Instagram")


def gist(call: Call) -> str:
    user = _checked(call, call.first("user", 0), _USER, "a user name and a gist id")
    gist_id = _checked(call, call.first("id", 1), re.compile(r"^[0-9a-fA-F]{1,64}$"), "a gist id such as '7896402'")
    url = f"https://gist.github.com/{user}/{gist_id}"
    name = call.first("file", 2)
    label = f"Gist {user}/{gist_id}"
    if name:
        url += "#file-" + quote(re.sub(r"[^A-Za-z0-9_-]", "-", name.lower()))
        label += f" ({name})"
    return f'<p class="gist"><a href="{esc(url)}" rel="noopener">{esc(label)}</a></p>'


def highlight_code(call: Call) -> str:
    if call.inner is None:
        raise ShortcodeError("shortcode 'highlight' needs a closing {{< /highlight >}}")
    lang = call.first("lang", 0).strip()
    code = call.inner.strip("\n") + "\n"
    spans = hl.highlight(code, lang) if lang else None
    if spans is None:
        cls = f' class="language-{esc(lang)}"' if lang else ""
        return f"<pre><code{cls}>{esc(code)}</code></pre>"
    return (f'<pre class="highlight" data-lang="{esc(lang)}"><code class="language-{esc(lang)}">'
            f"{spans}</code></pre>")


def details(call: Call) -> str:
    summary = call.kwargs.get("summary", "Details")
    is_open = " open" if call.kwargs.get("open", "").lower() in ("true", "open", "1") else ""
    inner = call.inner or ""
    if not call.markdown_inner:  # Hugo renders the inner text of details as Markdown either way
        inner = call.context.render(inner)
    return f"<details{is_open}><summary>{_markdown_inline(call, summary)}</summary>\n{inner}</details>"


def comment(call: Call) -> str:
    return ""


def _ref(call: Call, absolute: bool) -> str:
    target = call.first("path", 0).strip()
    if not target:
        raise ShortcodeError(f"shortcode '{call.name}' needs a page: {{{{< {call.name} \"posts/x.md\" >}}}}")
    call.refs.append((target, call.line))
    return ("wasmblog-absref:" if absolute else "wasmblog-ref:") + quote(target, safe="")


def param(call: Call) -> str:
    key = call.first("name", 0)
    if not key:
        raise ShortcodeError("shortcode 'param' needs a name: {{< param \"author\" >}}")
    page = call.context.page
    # Hugo's .Page.Param: the page's front matter (its params: block and cascaded values included, keys
    # case-insensitive), then the site's params.
    for scope in (page.get("param_scope", page.get("params", {})), call.context.site.get("params", {})):
        value: Any = scope
        for part in key.split("."):
            value = next((v for k, v in value.items() if str(k).lower() == part.lower()), None) \
                if isinstance(value, dict) else None
        if value is not None and not isinstance(value, (dict, list)):
            text = str(value).lower() if isinstance(value, bool) else str(value)
            # {{% param %}}: the value is Markdown of the page, as Hugo renders it; {{< >}}: text
            return _markdown_inline(call, text) if call.markdown_inner else esc(text)
    raise ShortcodeError(f"shortcode 'param': no front-matter or site parameter {key!r}")


BUILTINS: dict[str, Callable[[Call], str]] = {
    "figure": figure,
    "youtube": youtube,
    "vimeo": vimeo,
    "vimeo_simple": vimeo,
    "x": x_post,
    "tweet": x_post,
    "twitter": x_post,
    "twitter_simple": x_post,
    "instagram": instagram,
    "instagram_simple": instagram,
    "gist": gist,
    "highlight": highlight_code,
    "details": details,
    "comment": comment,
    "ref": lambda call: _ref(call, True),
    "relref": lambda call: _ref(call, False),
    "param": param,
}

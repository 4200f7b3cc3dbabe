"""The core's URL and HTML helpers give the same bytes on the host's CPython and the guest's.

The host runs CPython 3.11, the sandbox 3.14; any helper of the standard
library whose answer changed in between (``urljoin`` did, for ``;``) would make
the engines disagree. The component has no export for a single helper, so
the helpers are driven through what uses them: sites of generated posts, each
full of links written to hit the corners of URL resolution and entity
decoding (``;``, ``&amp;``, dot segments, queries, fragments, percent escapes,
backslashes, numeric and named references, non-ASCII), in Markdown links,
images, reference definitions, autolinks and raw HTML. Their summaries are
rebased on list pages and in the feeds (full content), which is where the
engines used to differ. Every file and diagnostic must be byte-identical.
Seeded, so a failure is reproduced by its seed.
"""

from __future__ import annotations

import random

import pytest

from renderer import Source
from sitekit import get_renderer, render

pytestmark = [pytest.mark.wasm, pytest.mark.slow]

CONFIG = ('title = "Links"\nbase_url = "https://example.org/blog/"\nsummary_words = 400\n'
          '[feed]\nfull_content = true\n')
PIECES = ["notes", "a", "b.html", ";", ";x", "x;", "&amp;", "&", "&#59;", "&semi;", "&#x3b;", "&quot;", "%3B", "%2F",
          "%25", "%", "?", "?q=1", "&y=2", "#", "#frag", ".", "..", "./", "../", "../../", "/", "//", "=", "+", "~",
          "'", "\\", "é", "日本", "%C3%A9", "&#0;", "&#x110000;", "&#55296;", "&ampx", "&notin;", "&not", "@", "!",
          "$", "*", ",", "(", ")", "[", "]", "g;x=1/../y", "g?y/./x", "./g/.", "mailto:a@b", "http:g", ":"]


def destination(rng: random.Random) -> str:
    url = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
    return url.replace(" ", "")


def link(rng: random.Random, i: int) -> str:
    url = destination(rng)
    kind = rng.randrange(6)
    if kind == 0:
        return f"[l{i}](<{url}>)"
    if kind == 1:
        return f"![i{i}](<{url}>)"
    if kind == 2:
        return f'<a href="{url.replace(chr(34), "&quot;")}">r{i}</a>'
    if kind == 3:
        return f"<img src='{url.replace(chr(39), '&#39;')}' alt='i{i}'>"
    if kind == 4:
        return f"[d{i}][ref{i}]\n\n[ref{i}]: <{url}>\n"
    return f'[t{i}](<{url}> "t&amp;{i}")'


def posts(seed: int, count: int = 12, links: int = 16) -> list[Source]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        body = "\n\n".join(" ".join(link(rng, n * links + j) for j in range(k, k + 4)) for k in range(0, links, 4))
        text = f"---\ntitle: Post {n}\ndate: 2023-01-{n + 1:02d}\ntags: [links]\n---\n{body}\n"
        out.append(Source(f"posts/p{n}.md", text.encode("utf-8")))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_link_heavy_sites_are_byte_identical_on_both_engines(seed):
    sources = posts(seed)
    native = render(get_renderer("native"), sources, config=CONFIG)
    wasm = render(get_renderer("wasm"), sources, config=CONFIG)
    assert [d.format() for d in wasm.diagnostics] == [d.format() for d in native.diagnostics], seed
    assert sorted(wasm.files) == sorted(native.files), seed
    for path, content in native.files.items():
        assert wasm.files[path] == content, (seed, path)


def test_the_reproducer_is_the_same_on_both_engines():
    # issue 22: "[n](notes;)" was "notes" natively and "notes;" in wasm on list pages and in feeds.
    sources = [Source("posts/semi.md", b"---\ntitle: Semi\ndate: 2023-01-01\n---\n[n](notes;)\n")]
    native = render(get_renderer("native"), sources, config=CONFIG)
    wasm = render(get_renderer("wasm"), sources, config=CONFIG)
    for path in ("index.html", "index.xml", "atom.xml", "feed.json", "tags/index.html"):
        if path in native.files:
            assert wasm.files[path] == native.files[path], path
    assert 'href="/blog/posts/semi/notes;"' in native["index.html"]
    assert "https://example.org/blog/posts/semi/notes;" in native["index.xml"] or \
        "/blog/posts/semi/notes;" in native["index.xml"]


# html.parser.HTMLParser (summaries) changed its rules for comments, bogus comments, CDATA, the end
# of <script> and raw-text elements in 3.13/3.14 security releases; with raw_html = "allow" the
# author's markup reaches it as written.
ODD_HTML = {
    "textarea": "Before <textarea><b>x</b> y</textarea> after words here.\n\nSecond para.\n",
    "comment": "A <!--> b <!---> c --!> d <!-- x --!> e.\n\nSecond.\n",
    "script": "<p>A <script>var a='</scripts>'; </script > b</p>\n\nSecond.\n",
    "bogus": "A </ x> b </1> c.\n\nSecond.\n",
    "cdata": "A <![CDATA[ <b>x</b> ]]> b.\n\nSecond.\n",
    "title": "A <title><i>t</i></title> b.\n\nSecond.\n",
    "unclosed": "A <b title='x>y'>bold <i>it\n\nSecond <a href=x.\n",
}


def test_summaries_of_odd_raw_html_are_byte_identical_on_both_engines():
    config = 'title = "T"\nbase_url = "https://example.org/"\n[markdown]\nraw_html = "allow"\n'
    sources = [Source(f"posts/{k}.md", f"---\ntitle: {k}\ndate: 2023-01-01\n---\n{v}".encode())
               for k, v in ODD_HTML.items()]
    native = render(get_renderer("native"), sources, config=config)
    wasm = render(get_renderer("wasm"), sources, config=config)
    assert [d.format() for d in wasm.diagnostics] == [d.format() for d in native.diagnostics]
    assert {p: c for p, c in wasm.files.items()} == native.files

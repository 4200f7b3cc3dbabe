"""A small site that touches every feature and error path of the core.

The guest renders it while componentize-py pre-initialises the component,
so that every module, regex, lexer and compiled template it needs is in
the snapshot. A path the warm-up never takes may need a lazy import that
cannot happen inside the sandbox; add a case here when that shows up.
"""

BUILD_TIME = 1_700_000_000 * 1_000_000

CONFIG = """\
title = "Warm-up"
base_url = "https://example.org/"
author = "Guest"
description = "Warming the snapshot"
timezone = "UTC"
page_size = 2
[feed]
full_content = true
[markdown]
raw_html = false
[[menu]]
name = "About"
url = "/posts/about/"
[params]
x = 1
"""

CONFIG_PREFIXED = """\
title = "Warm-up"
base_url = "https://example.org/blog/"
page_size = 3
unknown_key = 1
[markdown]
raw_html = true
highlight_style = "monokai"
[limits]
render_timeout = 3.0
[feed]
formats = ["json", "atom", "bogus"]
[search]
enabled = false
"""

_CODE = "\n".join(
    f"```{lang}\nfn main() {{ let x = \"s\"; return 1 + 2; }} // c\n# c\n<a href='x'>y</a>\n```\n"
    for lang in ("python", "rust", "bash", "console", "js", "ts", "json", "yaml", "toml", "html",
                 "css", "go", "c", "cpp", "java", "wat", "sql", "diff", "dockerfile", "ini",
                 "unknown-language", "")
)

_RICH = f"""---
title: "Rich <post> & \\"quotes\\""
description: A post with everything
date: 2023-11-15T17:04:04.016Z
lastmod: 2023-11-16
draft: false
tags: ["NaBloPoMo2023", "wasm", "Go"]
categories: ["challenge"]
preview: "/images/x.png"
aliases: ["/old/rich/", "older.html"]
custom:
  nested: [1, 2.5, true, null, "s"]
---

Intro paragraph with *emphasis*, **strong**, `code`, ~~gone~~, a [link](/posts/about/ "t"),
an autolink https://example.org/x, and <span>raw html</span> <a href="/posts/about/#top">raw link</a>. Footnote[^1].
Search words: café, ΟΔΟΣ, ﬁne, 日本語のテキスト, İstanbul.

<!--more-->

## Section one

| a | b |
|---|:-:|
| 1 | 2 |

- [x] done
- [ ] todo
  1. nested
  2. list

> quote
> > nested quote

![img](/images/x.png 'title')
[bad](javascript:alert(1)) [data](data:text/html;base64,x) <script>alert(1)</script>

### Section one

Setext
------

{_CODE}

[^1]: The note.
"""

SOURCES = [
    ("posts/rich.md", _RICH.encode("utf-8")),
    ("posts/about.md", b"---\ntitle: About\ndate: 2023-01-01\nsummary: The [*about*](/posts/rich/) page.\n"
                       b"images: [pics/about.png]\n---\nHello.\n"),
    ("posts/naive.md", b"---\ntitle: Naive\ndate: 2023-03-04 05:06\n---\n" + b"word " * 200 + b"\n\n" + b"more " * 50),
    ("posts/offset.md", b"---\ntitle: Offset\ndate: 2023-03-04T05:06:07+02:00\nslug: Custom Slug\ntags: solo\n---\n# H1\n"),
    ("posts/toml.md", b'+++\ntitle = "Toml"\ndate = 2023-05-06T07:08:09Z\ntags = ["a"]\n+++\nBody\n'),
    ("posts/draft.md", b"---\ntitle: Draft\ndate: 2023-02-02\ndraft: true\n---\nDraft.\n"),
    ("posts/future.md", b"---\ntitle: Future\ndate: 2099-01-01\n---\nLater.\n"),
    ("posts/bundle/index.md", b"\xef\xbb\xbf---\ntitle: Bundle\ndate: 2023-06-07\n---\nBOM.\n"),
    ("posts/utf16.md", "---\ntitle: UTF-16\ndate: 2023-06-08\n---\nWide.\n".encode("utf-16")),
    ("posts/dup.md", b"---\ntitle: Dup\ndate: 2023-06-09\nslug: about\n---\nDup.\n"),
    ("posts/no-title.md", b"---\ndate: 2023-06-10\nslug: con\n---\nNo title.\n"),
    # Error paths:
    ("posts/bad-yaml.md", b"---\ntitle: [unclosed\n---\nx\n"),
    ("posts/bad-yaml2.md", b"---\ntitle: a\n  b: c\n---\nx\n"),
    ("posts/bad-date.md", b"---\ntitle: x\ndate: yesterday\n---\nx\n"),
    ("posts/bad-date2.md", b"---\ntitle: x\ndate: 2023-02-30\n---\nx\n"),
    ("posts/bad-title.md", b"---\ntitle: [a, b]\ndate: 2023-01-01\n---\nx\n"),
    ("posts/bad-tags.md", b"---\ntitle: x\ndate: 2023-01-01\ntags: [1, {a: b}]\n---\nx\n"),
    ("posts/bad-draft.md", b"---\ntitle: x\ndate: 2023-01-01\ndraft: maybe\n---\nx\n"),
    ("posts/bad-slug.md", b"---\ntitle: x\ndate: 2023-01-01\nslug: ../../x\n---\nx\n"),
    ("posts/bad-alias.md", b"---\ntitle: x\ndate: 2023-01-01\naliases: [../../etc]\n---\nx\n"),
    ("posts/bad-utf8.md", b"---\ntitle: x\ndate: 2023-01-01\n---\n\xff\xfe\xfd bad\n"),
    ("posts/binary.md", b"\x00\x01\x02\x03"),
    ("posts/empty.md", b""),
    ("posts/no-fm.md", b"Just text.\n"),
    ("posts/unclosed.md", b"---\ntitle: x\n"),
    ("posts/list-fm.md", b"---\n- a\n- b\n---\nx\n"),
    ("posts/deep-yaml.md", b"---\ntitle: " + b"[" * 80 + b"]" * 80 + b"\ndate: 2023-01-01\n---\nx\n"),
    ("posts/bomb.md", b"---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                      b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                      b"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: x\ndate: 2023-01-01\n---\nx\n"),
    ("posts/bad-toml.md", b"+++\ntitle = \n+++\nx\n"),
    ("posts/deep.md", b"---\ntitle: Deep\ndate: 2023-01-01\n---\n" + b">" * 200 + b" x\n\n" + b"[" * 200 + b"\n"),
]

TEMPLATE_SETS = [
    {"post.html": "{% extends 'base.html' %}{% block main %}{{ page.title }}{{ page.content }}{% endblock %}"},
    {"post.html": "{% for x in %}broken", "extra.html": "{{ oops( }}"},
    {"list.html": "{{ page.nope.deeper }}{{ ''.__class__.__mro__ }}{{ 'x' * 10000000 }}"},
    {"list.html": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"},
    {"list.html": "{% for i in range(10**12) %}{% endfor %}"},
]

MARKDOWN = _RICH.split("---\n", 2)[2]

MARKDOWN_OPTIONS = [
    {"extensions": True, "raw_html": False, "highlight": True, "heading_ids": True, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 32},
    {"extensions": False, "raw_html": True, "highlight": False, "heading_ids": False, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 6},
]


def run(parse_posts, plan_site, render_pages, render_site, render_markdown, tzif: bytes = b"") -> None:
    """Drive the core through the warm-up site with the given stage functions.

    The guest passes its WIT-typed exports (so the conversions are warmed
    too); the component builder passes the core's own functions to find out,
    natively, which modules the core imports.
    """
    configs = [(CONFIG, b""), (CONFIG_PREFIXED, b""), ("", b"")]
    if tzif:
        configs.append((CONFIG.replace('timezone = "UTC"', 'timezone = "Europe/Berlin"'), tzif))
    for config, zone in configs:
        parsed = parse_posts(SOURCES, config, zone)
        plan = plan_site(parsed.posts, config, (BUILD_TIME, True, True))
        render_pages(plan.jobs, parsed.posts, config, {})
        for templates in TEMPLATE_SETS:
            render_pages(plan.jobs[:8], parsed.posts, config, templates)
        render_site(SOURCES, config, {}, (BUILD_TIME, False, False), zone)
    for options in MARKDOWN_OPTIONS:
        render_markdown(MARKDOWN, options)

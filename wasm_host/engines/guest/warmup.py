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
raw_html = "escape"
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
raw_html = "allow"
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

# Raw HTML the sanitizer cleans (every kind of construct it handles), and every
# built-in shortcode, so that their code paths are in the snapshot.
_HTML_HEAVY = """---
title: Raw HTML and shortcodes
date: 2023-07-01
---

<table><caption>c</caption><thead><tr><th style="text-align:center">h</th></tr></thead>
<tbody><tr><td colspan="2">x<select><option>o</select><textarea>t</textarea></td></tr></tbody></table>
<dl><dt>term</dt><dd>def <abbr title="x">abbr</abbr> <cite>cite</cite> <kbd>k</kbd> <q cite="https://x">q</q></dd></dl>
<figure><img src="x.png" alt="a" onerror="alert(1)"><figcaption>cap</figcaption></figure>
<details open><summary>s</summary>d</details>
<div class="gallery"><a href="javascript:alert(1)">j</a><a href="jav&#x61;script:x">e</a><img src="data:x"></div>
<script>alert(1)</script><style>p{}</style><iframe src="x">i</iframe><template><p>t</template>
<svg><script>x</script></svg><math><mi>x</mi></math><!-- comment --><noscript>n</noscript>
<form action="x"><input type="text"><input type="checkbox" checked disabled></form><unknown-tag>u</unknown-tag>

Inline <b>bold</b> <span onclick="x">span</span> and a [link]({{< relref "posts/about.md" >}}).

{{< figure src="/images/x.png" title="T" caption="A *caption*" attr="by" attrlink="https://example.org" link="/x/" >}}
{{< youtube ZJthWmvUzzc >}} {{< vimeo 146022717 >}} {{< vimeo_simple 146022717 >}}
{{< x user="SanDiegoZoo" id="1453110110599868418" >}} {{< tweet 877500564405444608 >}} {{< instagram CxOWiQNP2MO >}}
{{< gist spf13 7896402 "img.html" >}} {{< param "custom" >}} {{< ref "posts/about.md" >}}
{{< highlight go >}}
x := 1
{{< /highlight >}}
{{% details summary="More" %}}**inner** {{< youtube w7Ft2ymGmfc >}}{{% /details %}}
{{< comment >}}hidden{{< /comment >}} {{</* youtube x */>}} {{< unknown >}} {{< bad "open >}}
{{< foo.inline >}}{{ now }}{{< /foo.inline >}} {{< /stray >}} {{< youtube "bad id!" >}} {{< site a b >}}
{{< site k="v" >}}inner{{< /site >}} {{< broken >}} {{< raises >}}

```python
{{< param "custom" >}}
```
"""

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

_SOURCES = [
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
    ("posts/html-heavy.md", _HTML_HEAVY.encode("utf-8")),
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

# Pages, intros and a bundle with a file beside it (wasmblog's layout).
_SOURCES += [
    ("_index.md", b"---\ntitle: Home\naliases: [/start/]\n---\nWelcome {{< relref \"posts/about.md\" >}}.\n"),
    ("posts/_index.md", b"---\ntitle: All posts\n---\nEvery post.\n"),
    ("tags/wasm/_index.md", b"---\ntitle: WebAssembly\n---\nAbout wasm.\n"),
    ("tags/_index.md", b"---\ntitle: Topics\n---\n"),
    ("pages/about.md", b"---\ntitle: About me\n---\nHi. {{< ref \"nowhere.md\" >}}\n"),
    ("pages/docs/faq.md", b"---\ntitle: FAQ\ndate: 2023-01-01\nurl: /faq/\n---\nQ.\n"),
    ("posts/nested/_index.md", b"---\ntitle: Nested\n---\n"),
    ("elsewhere.md", b"---\ntitle: x\n---\n"),
]
SOURCES = [(path, data, ("posts/bundle/cover.png",) if path == "posts/bundle/index.md" else ())
           for path, data in _SOURCES]

# A Hugo site's layout, with the front-matter keys Hugo sites use.
HUGO_CONFIG = """\
title = "Hugo"
base_url = "https://example.org/"
layout = "hugo"
content_dir = "content"
main_sections = ["post"]
copyright = "(c) me"
taxonomies = { tag = "tags", category = "categories", series = "series" }
[permalinks]
post = "/:year/:month/:slug/"
page = "/:slug/"
"""
HUGO_SOURCES = [
    ("content/_index.md", b"+++\nauthor = 'x'\n+++\nIntro.\n", ()),
    ("content/about.md", b"+++\ntitle = 'About'\ndate = '2019-02-28'\naliases = ['about-us']\n+++\nAbout.\n", ()),
    ("content/post/_index.md", b"+++\ntitle = 'Posts'\naliases = ['posts']\n+++\n", ()),
    ("content/post/rich.md", b"---\ntitle: Rich\ndate: 2019-03-10\nseries: [Themes]\nweight: 2\nauthor: [A, B]\n"
                             b"featured_image: cover.jpg\npublishDate: 2019-03-11\nexpiryDate: 2099-01-01\n"
                             b"menu: main\nLayout: x\naliases: [old]\n---\nText {{< figure src=\"x.jpg\" >}}\n", ()),
    ("content/post/trip/index.md", b"---\ntitle: Trip\ndate: 2020-01-01\n---\n![a](a.jpg)\n",
     ("content/post/trip/a.jpg",)),
    ("content/post/expired.md", b"---\ntitle: Old\ndate: 2019-01-01\nexpirydate: 2020-01-01\n---\nx\n", ()),
    ("content/page/contact.md", b"---\ntitle: Contact\n---\nMail.\n", ()),
    ("content/homepage/index.md", b"---\nheadless: true\n---\n", ()),
    ("content/series/themes/_index.md", b"---\ntitle: Themes\n---\nA series.\n", ()),
    ("content/post/bad-url.md", b"---\ntitle: x\ndate: 2019-01-01\nurl: https://x.org/\n---\nx\n", ()),
    ("content/post/go/index.md", b"---\ntitle: Go\ndate: 2019-01-01\nx: 1\n---\n"
                                 b"{{< go \"javascript:x\" \"\" >}}\n  *inner* <b>x</b>\n"
                                 b"{{< go >}}nested{{< /go >}}\n{{< /go >}}\n{{% go x %}}**md**{{% /go %}}\n"
                                 b"{{< go_broken >}} {{< go_unsupported >}}x{{< /go_unsupported >}} {{< go_fails >}}"
                                 b" {{< go_loops >}} {{< go 42 true 1.5 >}}\n", ("content/post/go/a.png",)),
]

TEMPLATE_SETS = [
    {"post.html": "{% extends 'base.html' %}{% block main %}{{ page.title }}{{ page.content }}{% endblock %}"},
    {"post.html": "{% for x in %}broken", "extra.html": "{{ oops( }}"},
    {"list.html": "{{ page.nope.deeper }}{{ ''.__class__.__mro__ }}{{ 'x' * 10000000 }}"},
    {"list.html": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"},
    {"list.html": "{% for i in range(10**12) %}{% endfor %}"},
    # what a build checks before it renders: a template named that exists nowhere, a block never shown
    {"post.html": "{% extends 'base.html' %}{% block aside %}x{% endblock %}{% include 'nope.html' %}",
     "base.html": "<html>{% block head %}{% endblock %}{% from 'macros.html' import m %}</html>"},
]

MARKDOWN = _RICH.split("---\n", 2)[2]

# Site shortcodes: one that works, one that does not compile, one that fails when run.
SHORTCODES = {
    "site": "<span class=\"sc\">{{ args|join(',') }}{{ kwargs.k }}{{ get(0) }}{{ inner }}"
            "{{ page.title }}{{ site.title }}{{ inner|markdownify }}</span>",
    "broken": "{% for x in %}",
    "raises": "{{ 1 // 0 }}",
    "missing": "{% include 'elsewhere' %}",
    # Go-template shortcodes and a partial of a Hugo site (renderer.gotemplate): every escaping context,
    # the function library, and the failure paths (syntax error, unsupported function, runtime error).
    "go:shortcodes/go.html": (
        '{{ define "d" }}<i>{{ . }}</i>{{ end }}{{- $v := .Get 0 | default "x" -}}'
        '<a href="{{ $v }}?q={{ $v }}" title="{{ $v }}" data-x={{ $v }} onclick="f({{ $v }})" style="color: {{ $v }}"'
        ' srcset="{{ $v }} 2x" {{ .Get "attr" | default "class" }}="x">{{ $v }}</a>'
        '<script>var a = {{ $v }}; var b = "{{ $v }}"; var c = `${ {{ $v }} }{{ $v }}`; var r = /{{ $v }}/;'
        ' // {{ $v }}\n</script><style>p { content: "{{ $v }}"; background: url({{ $v }}) }</style>'
        '<textarea>{{ $v }}</textarea><!-- {{ $v }} --><meta content="0; url={{ $v }}">'
        '{{ template "d" (printf "%5.2f %q %v %x %T %d" 3.14159 $v (slice 1 "a") 255 (dict) 7) }}'
        '{{ range $i, $e := seq 3 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}'
        '{{ range $k, $e := dict "b" 1 "a" 2 }}{{ $k }}{{ end }}{{ range 2 }}{{ . }}{{ else }}none{{ end }}'
        '{{ with .Inner }}{{ . | markdownify }}{{ .  | plainify }}{{ else with .Get 1 }}{{ . }}{{ end }}'
        '{{ .Page.Title }}{{ .Page.Date.Format "Jan 2, 2006 15:04 MST" }}{{ .Page.Params.x }}{{ .Site.Title }}'
        '{{ .Site.BaseURL }}{{ .Site.Params.x }}{{ .Page.RelPermalink }}{{ .Page.Permalink }}{{ .Name }}'
        '{{ .Ordinal }}{{ .IsNamedParams }}{{ .Position }}{{ with .Parent }}{{ .Name }}{{ end }}'
        '{{ with .Page.Resources.GetMatch "*.png" }}{{ .RelPermalink }}{{ .MediaType.SubType }}{{ end }}'
        '{{ .Page.File.Path }}{{ .Page.RenderString "*x*" }}{{ .InnerDeindent }}{{ .Page.Param "x" }}'
        '{{ lower "A" }}{{ upper "a" }}{{ title "a tale of two" }}{{ urlize "A b" }}{{ anchorize "A b!" }}'
        '{{ humanize "a-b" }}{{ humanize 3 }}{{ replaceRE "(a)" "$1$1" "ab" }}{{ findRE "a." "abac" 1 }}'
        '{{ delimit (split "a,b" ",") "-" }}{{ replace "aa" "a" "b" }}{{ trim " a " " " }}{{ int "08" }}'
        '{{ float "1.5" }}{{ string 1 }}{{ jsonify (dict "a" (slice 1 2.5 nil true)) }}{{ emojify ":smile:" }}'
        '{{ htmlEscape "<" }}{{ htmlUnescape "&lt;" }}{{ time "2020-01-02" }}{{ dateFormat ":date_long" "2020-01-02" }}'
        '{{ path.Base "a/b" }}{{ strings.HasPrefix "ab" "a" }}{{ strings.Repeat 2 "a" }}{{ hasSuffix "ab" "b" }}'
        '{{ first 1 (slice 1 2) }}{{ last 1 (slice 1 2) }}{{ after 1 (slice 1 2) }}{{ in (slice 1) 1 }}'
        '{{ isset (dict "a" 1) "a" }}{{ index (dict "a" (slice 1)) "a" 0 }}{{ merge (dict "a" 1) (dict "b" 2) }}'
        '{{ cond true 1 2 }}{{ and 1 0 }}{{ or 0 1 }}{{ not 0 }}{{ lt 1 2 }}{{ le "a" "b" }}{{ gt 2.5 1 }}'
        '{{ ge 1 1 }}{{ ne 1 2 }}{{ len "ab" }}{{ add 1 2 }}{{ sub 1 2 }}{{ mul 2 3 }}{{ div 6 4 }}{{ mod 5 3 }}'
        '{{ math.Round 1.5 }}{{ print 1 "a" }}{{ println 1 }}{{ querify "a" 1 }}{{ (urls.Parse "https://x/a").Path }}'
        '{{ $s := newScratch }}{{ $s.Set "a" 1 }}{{ $s.Add "a" 2 }}{{ $s.Get "a" }}{{ .Scratch.Set "b" 2 }}'
        '{{ relURL "a" }}{{ absURL "/b" }}{{ relref . "about.md" }}{{ ref . (dict "path" "about.md") }}'
        '{{ safeHTML "<b>" }}{{ safeURL "javascript:x" }}{{ safeJS "1" }}{{ safeCSS "a" }}{{ safeHTMLAttr "a=b" }}'
        '{{ partial "p.html" (dict "a" 1) }}{{ partialCached "p" (dict) 1 }}{{ warnf "w %d" 1 }}{{ uniq (slice 1 1) }}'
        '{{ sort (slice 2 1) }}{{ where (slice (dict "a" 1)) "a" 1 }}{{ md5 "a" }}{{ sha256 "a" }}'
        '{{ base64Encode "a" }}{{ truncate 3 "abcdef" }}{{ substr "abc" 1 }}{{ countwords "a b" }}'
        '{{ collections.Dictionary "a" 1 }}{{ transform.Markdownify "*a*" }}{{ strings.ToLower "A" }}'
        '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}{{ block "bl" . }}{{ .Name }}{{ end }}{{/* c */}}{{- " " -}}'),
    "go:partials/p.html": "{{ with .a }}{{ . }}{{ end }}{{ return 2 }}",
    "go:shortcodes/go_broken.html": "{{ if }}",
    "go:shortcodes/go_unsupported.html": '{{ readFile "x" }}{{ os.Getenv "X" }}',
    "go:shortcodes/go_fails.html": '{{ errorf "no %s" "way" }}{{ index (slice) 3 }}',
    "go:shortcodes/go_loops.html": '{{ range seq 200000 }}{{ end }}{{ template "x" }}',
}

_GOLDMARK_OFF = {"typographer": False, "definition_lists": False, "heading_attributes": False,
                 "block_attributes": False, "heading_id_type": "", "hard_wraps": False,
                 "markup": "", "link_hook": "", "linkify": True}
_GOLDMARK_ON = {"typographer": True, "definition_lists": True, "heading_attributes": True,
                "block_attributes": True, "heading_id_type": "github", "hard_wraps": True,
                "markup": "hugo", "link_hook": "embedded", "linkify": False}
MARKDOWN_OPTIONS = [
    {"extensions": True, "raw_html": "escape", "highlight": True, "heading_ids": True, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 32, "max_marks": 2000, **_GOLDMARK_OFF},
    {"extensions": False, "raw_html": "allow", "highlight": False, "heading_ids": False, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 6, "max_marks": 2000, **_GOLDMARK_OFF},
    {"extensions": True, "raw_html": "sanitize", "highlight": True, "heading_ids": True, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 32, "max_marks": 2000, **_GOLDMARK_OFF},
    {"extensions": True, "raw_html": "omit", "highlight": True, "heading_ids": True, "base_path": "/",
     "toc_min_level": 2, "toc_max_level": 4, "max_nesting": 32, "max_marks": 2000, **_GOLDMARK_ON},
]


def run(parse_posts, plan_site, render_pages, render_site, render_markdown, tzif: bytes = b"") -> None:
    """Drive the core through the warm-up site with the given stage functions.

    The guest passes its WIT-typed exports (so the conversions are warmed
    too); the component builder passes the core's own functions to find out,
    natively, which modules the core imports.
    """
    configs = [(CONFIG, b"", SOURCES), (CONFIG_PREFIXED, b"", SOURCES), ("", b"", SOURCES),
               ("[markdown]\nraw_html = \"omit\"\n", b"", SOURCES), (HUGO_CONFIG, b"", HUGO_SOURCES)]
    if tzif:
        configs.append((CONFIG.replace('timezone = "UTC"', 'timezone = "Europe/Berlin"'), tzif, SOURCES))
    for config, zone, sources in configs:
        parsed = parse_posts(sources, config, zone, SHORTCODES)
        plan = plan_site(parsed.posts, config, (BUILD_TIME, True, True))
        render_pages(plan.jobs, parsed.posts, config, {})
        for templates in TEMPLATE_SETS:
            render_pages(plan.jobs[:8], parsed.posts, config, templates)
        render_site(sources, config, {"shortcodes/site.html": SHORTCODES["site"]}, (BUILD_TIME, False, False), zone)
    for options in MARKDOWN_OPTIONS:
        render_markdown(MARKDOWN, options)
        render_markdown(_HTML_HEAVY.split("---\n", 2)[2], options)

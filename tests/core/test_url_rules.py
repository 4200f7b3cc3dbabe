"""URLs by the core's own rules: the same answer on every CPython and engine.

Relative links in a summary on a list page, or in a post in a feed, are
resolved against the post's URL by RFC 3986 (section 5.2), not by
``urllib.parse.urljoin``, whose answer changed between the host's CPython and
the guest's. A URL a browser reads as ``//host`` once it has turned its
backslashes into slashes is refused wherever the core checks URLs. A ``url``
or alias in front matter is checked by the core, at the post's line.
"""

from __future__ import annotations

import pytest

from renderer import Source, uri
from renderer.sanitize import safe_url
from sitekit import render

POST = "---\ntitle: {title}\ndate: 2023-01-0{day}\n{extra}---\n{body}\n"


def post(name: str, body: str, extra: str = "", day: int = 1) -> Source:
    return Source(f"posts/{name}.md", POST.format(title=name, day=day, extra=extra, body=body).encode())


# RFC 3986, 5.4.1 and 5.4.2: the normal and abnormal examples, base "http://a/b/c/d;p?q".
RFC_EXAMPLES = {
    "g:h": "g:h", "g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/", "/g": "http://a/g",
    "//g": "http://g", "?y": "http://a/b/c/d;p?y", "g?y": "http://a/b/c/g?y", "#s": "http://a/b/c/d;p?q#s",
    "g#s": "http://a/b/c/g#s", "g?y#s": "http://a/b/c/g?y#s", ";x": "http://a/b/c/;x", "g;x": "http://a/b/c/g;x",
    "g;x?y#s": "http://a/b/c/g;x?y#s", "": "http://a/b/c/d;p?q", ".": "http://a/b/c/", "./": "http://a/b/c/",
    "..": "http://a/b/", "../": "http://a/b/", "../g": "http://a/b/g", "../..": "http://a/", "../../": "http://a/",
    "../../g": "http://a/g",
    "../../../g": "http://a/g", "../../../../g": "http://a/g", "/./g": "http://a/g", "/../g": "http://a/g",
    "g.": "http://a/b/c/g.", ".g": "http://a/b/c/.g", "g..": "http://a/b/c/g..", "..g": "http://a/b/c/..g",
    "./../g": "http://a/b/g", "./g/.": "http://a/b/c/g/", "g/./h": "http://a/b/c/g/h", "g/../h": "http://a/b/c/h",
    "g;x=1/./y": "http://a/b/c/g;x=1/y", "g;x=1/../y": "http://a/b/c/y", "g?y/./x": "http://a/b/c/g?y/./x",
    "g?y/../x": "http://a/b/c/g?y/../x", "g#s/./x": "http://a/b/c/g#s/./x", "g#s/../x": "http://a/b/c/g#s/../x",
    "http:g": "http:g",
}


@pytest.mark.parametrize("ref", RFC_EXAMPLES)
def test_references_resolve_as_rfc_3986_says(ref):
    assert uri.resolve("http://a/b/c/d;p?q", ref) == RFC_EXAMPLES[ref]


def test_a_semicolon_is_part_of_the_path_against_a_site_path():
    assert uri.resolve("/posts/x/", "notes;") == "/posts/x/notes;"
    assert uri.resolve("/posts/x/", "a;b/../c;") == "/posts/x/c;"


def test_an_escaped_reference_is_resolved_as_the_characters_it_stands_for():
    # &amp; holds a ';' that is not the reference's: the value is unescaped, resolved, escaped again.
    assert uri.resolve_in_html("/posts/x/", "a?x=1&amp;y=&quot;2&quot;") == "/posts/x/a?x=1&amp;y=&quot;2&quot;"
    assert uri.resolve_in_html("/posts/x/", "..&#47;z") == "/posts/z"


def test_a_relative_link_with_a_semicolon_is_the_same_on_list_pages_and_in_feeds(engine):
    site = render(engine, [post("semi", "[n](notes;) [m](a;b?c=1&d=2)")],
                  config='title = "T"\nbase_url = "https://example.org/"\n[feed]\nfull_content = true\n')
    list_page = site["index.html"]
    assert 'href="/posts/semi/notes;"' in list_page
    assert 'href="/posts/semi/a;b?c=1&amp;d=2"' in list_page
    for feed in ("index.xml", "atom.xml"):
        assert "/posts/semi/notes;" in site[feed], feed
    assert "/posts/semi/notes;" in site["feed.json"]


@pytest.mark.parametrize("url", ["\\\\host/x", "/\\host/x", "\\/host/x", " \\\\host", "\t/\\host"])
def test_a_url_a_browser_reads_as_another_host_is_refused_however_its_slashes_lean(url):
    assert uri.backslash_host(url)
    assert not safe_url(url)


@pytest.mark.parametrize("url", ["//cdn.example/x", "/a\\b", "a\\b", "https://example.org/\\x", "#\\"])
def test_a_backslash_elsewhere_is_left_to_the_other_rules(url):
    assert not uri.backslash_host(url)
    assert safe_url(url)


def test_a_shortcode_refuses_a_backslash_host_as_it_refuses_a_slash_one(engine):
    # In a quoted shortcode argument a backslash is escaped by another: /\evil.example and \\evil.example.
    site = render(engine, [post("fig", r'{{< figure src="/\\evil.example/a.png" >}}' "\n\n"
                                       r'{{< figure src="\\\\evil.example/b.png" >}}')])
    assert [w.split(": warning: ")[1] for w in site.warnings] == [
        r"shortcode 'figure': src '/\\evil.example/a.png' is not an http(s) URL or a path; shown as text",
        r"shortcode 'figure': src '\\\\evil.example/b.png' is not an http(s) URL or a path; shown as text"]
    assert "<img" not in site["posts/fig/index.html"].split('<div class="content">', 1)[1]


@pytest.mark.parametrize("front, message", [
    ("url: /a:b/\n", "'url' '/a:b/' must be a path on this site: no ':', '<', '>', '\"', NUL or control characters"),
    ("url: javascript:alert(1)\n", "'url' 'javascript:alert(1)' must be a path on this site"),
    ("url: '/c\"<x>/'\n", "'url' '/c\"<x>/' must be a path on this site"),
    ("url: \"/a\\0b/\"\n", "'url' '/a\\x00b/' must be a path on this site"),
    ("aliases: [/x:y/]\n", "alias '/x:y/' must be a path on this site: no ':', '<', '>', '\"', NUL or control"),
    ("aliases: [/ok/, '/x%3Ay/']\n", "alias '/x%3Ay/' must be a path on this site"),
    ("aliases: ['/<b>/']\n", "alias '/<b>/' must be a path on this site"),
])
def test_a_url_or_alias_the_site_cannot_have_is_an_error_at_its_line(engine, front, message):
    site = render(engine, [post("bad", "x", extra="tags: [t]\n" + front), post("good", "fine", day=2)])
    assert len(site.errors) == 1 and site.errors[0].startswith("posts/bad.md:5: error: " + message), site.errors
    assert "posts/good/index.html" in site
    assert "/bad" not in site["index.html"]  # no list links to a page that is not there


@pytest.mark.parametrize("base_url", ["https://[x/", "https://a b/", "https:/x/", "javascript:alert(1)"])
def test_a_base_url_that_is_not_one_is_an_error_line_not_a_traceback(engine, base_url):
    site = render(engine, [post("ok", "x")], config=f'title = "T"\nbase_url = "{base_url}"\n')
    assert any(e.startswith("site.toml:2: error: 'base_url' must be an http(s) URL or a path") for e in site.errors)


@pytest.mark.parametrize("base_url, root, path", [("https://example.org/blog/", "https://example.org", "/blog/"),
                                                  ("HTTPS://Example.org:8080/b/", "https://Example.org:8080", "/b/"),
                                                  ("http://[::1]:8080/", "http://[::1]:8080", "/")])
def test_base_url_parts_are_the_core_s_own(base_url, root, path):
    from renderer import load_config
    config, diagnostics = load_config(f'title = "T"\nbase_url = "{base_url}"\n')
    assert (config.site_root, config.base_path, list(diagnostics)) == (root, path, [])

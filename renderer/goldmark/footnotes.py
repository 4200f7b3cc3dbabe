"""Footnotes in goldmark's markup, as Hugo writes them (``extension/footnote.go`` with Hugo's settings).

mistune's ``footnotes`` plugin parses them; this changes what they become:
``<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>``
for a reference (the second reference to the same note is ``fnref1:1``, the
third ``fnref2:1``: ids stay unique), and at the end
``<div class="footnotes" role="doc-endnotes"><hr><ol><li id="fn:1">`` with
one back link (``&#x21a9;&#xfe0e;``, Hugo's ``backlinkHTML``) per reference.
"""

from __future__ import annotations

import re
from typing import Any

import mistune
from mistune.core import BlockState
from mistune.plugins import footnotes as mistune_footnotes

COUNTS = "goldmark_footnote_refs"  # state.env key: references so far, by note key
BACKLINK = "&#x21a9;&#xfe0e;"


def parse_inline_footnote(inline: mistune.InlineParser, m: re.Match[str], state: Any) -> int:
    """mistune's rule, then the reference numbered among the references to the same note."""
    end: int = mistune_footnotes.parse_inline_footnote(inline, m, state)
    token = state.tokens[-1] if state.tokens else None
    if token is not None and token["type"] == "footnote_ref":
        counts = state.env.setdefault(COUNTS, {})
        token["attrs"]["occurrence"] = counts.get(token["raw"], 0)
        counts[token["raw"]] = token["attrs"]["occurrence"] + 1
    return end


def _ref_id(index: int, occurrence: int) -> str:
    return f"fnref:{index}" if occurrence == 0 else f"fnref{occurrence}:{index}"


def render_footnote_ref(renderer: Any, key: str, index: int, occurrence: int = 0) -> str:
    return (f'<sup id="{_ref_id(index, occurrence)}"><a href="#fn:{index}" class="footnote-ref" '
            f'role="doc-noteref">{index}</a></sup>')


def render_footnotes(renderer: Any, text: str) -> str:
    return f'<div class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n{text}</ol>\n</div>\n'


def render_footnote_item(renderer: Any, text: str, key: str, index: int, refs: int = 1) -> str:
    back = "".join(f'&#160;<a href="#{_ref_id(index, n)}" class="footnote-backref" role="doc-backlink">'
                   f"{BACKLINK}</a>" for n in range(max(refs, 1)))
    text = text.rstrip()
    text = text[:-4] + back + "</p>" if text.endswith("</p>") else text + "\n" + back
    return f'<li id="fn:{index}">\n{text}\n</li>\n'


def footnotes_hook(md: mistune.Markdown, result: Any, state: BlockState) -> Any:
    """mistune's hook that appends the notes, with each note's count of references."""
    notes = state.env.get("footnotes")
    if not notes:
        return result
    counts = state.env.get(COUNTS, {})
    children = []
    for i, key in enumerate(notes):
        item = mistune_footnotes.parse_footnote_item(md.block, key, i + 1, state)
        item["attrs"]["refs"] = counts.get(key, 1)
        children.append(item)
    child = BlockState(parent=state)
    child.tokens = [{"type": "footnotes", "children": children}]
    return result + md.render_state(child)


def hugo_footnotes(md: mistune.Markdown) -> None:
    """After mistune's ``footnotes`` plugin: Hugo's markup instead of mistune's."""
    md.inline.register("footnote", mistune_footnotes.INLINE_FOOTNOTE, parse_inline_footnote, before="link")
    md.after_render_hooks[:] = [footnotes_hook if hook is mistune_footnotes.md_footnotes_hook else hook
                                for hook in md.after_render_hooks]
    if md.renderer is not None:
        md.renderer.register("footnote_ref", render_footnote_ref)
        md.renderer.register("footnote_item", render_footnote_item)
        md.renderer.register("footnotes", render_footnotes)

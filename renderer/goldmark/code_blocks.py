"""Indented code blocks end with a newline, as CommonMark has them and goldmark writes them.

mistune strips the last newline of an indented code block (``<pre><code>foo</code></pre>``);
CommonMark's examples, goldmark and so Hugo keep it (``<pre><code>foo\\n</code></pre>``), as
mistune itself does for fenced code. A before-render hook puts it back on wasmblog's instance.
"""

from __future__ import annotations

from typing import Any

import mistune


def _walk(tokens: list[dict[str, Any]]) -> None:
    for tok in tokens:
        if tok["type"] == "block_code" and tok.get("style") == "indent" and not tok["raw"].endswith("\n"):
            tok["raw"] += "\n"
        elif isinstance(tok.get("children"), list):
            _walk(tok["children"])


def _hook(md: mistune.Markdown, state: Any) -> None:
    _walk(state.tokens)


def indented_code_newline(md: mistune.Markdown) -> None:
    md.before_render_hooks.append(_hook)

"""Task-list items in goldmark's markup, as Hugo writes them (``extension/tasklist.go``).

``<li><input checked="" disabled="" type="checkbox"> done</li>``: no classes,
the attributes as goldmark writes them, and the space after the box kept.
"""

from __future__ import annotations

from typing import Any

import mistune


def render_task_list_item(renderer: Any, text: str, checked: bool = False) -> str:
    box = '<input checked="" disabled="" type="checkbox"> ' if checked else '<input disabled="" type="checkbox"> '
    text = text.replace("<p>", "<p>" + box, 1) if text.startswith("<p>") else box + text
    return f"<li>{text}</li>\n"


def hugo_task_lists(md: mistune.Markdown) -> None:
    """After mistune's ``task_lists`` plugin: Hugo's markup instead of mistune's."""
    if md.renderer is not None:
        md.renderer.register("task_list_item", render_task_list_item)

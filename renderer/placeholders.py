"""Trusted HTML set aside while a post's Markdown is parsed and its raw HTML sanitized.

Shortcode output and highlighted code are made by wasmblog (or by the site's
own templates), not typed by the post's author, so they must reach the page
as they are. Each is replaced by a placeholder word, which Markdown and the
sanitizer leave alone, and put back at the end; a placeholder alone in a
paragraph takes the paragraph's place, as Hugo does, so a block shortcode
is not wrapped in ``<p>``.

The word is made of letters and digits that the post's text does not
contain, so no text of the post can be mistaken for one.
"""

from __future__ import annotations

import re


class Placeholders:
    """Trusted HTML fragments, each behind a placeholder word unique to one document."""

    def __init__(self, text: str) -> None:
        k = 0
        while f"WBTRUST{k}X" in text:
            k += 1
        self.prefix = f"WBTRUST{k}X"
        self.items: list[str] = []
        self._pattern: re.Pattern[str] | None = None

    def add(self, html: str) -> str:
        """The placeholder that stands for ``html`` until :meth:`restore`."""
        self.items.append(html)
        self._pattern = None
        return f"{self.prefix}{len(self.items) - 1}Z"

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            word = re.escape(self.prefix) + r"(\d+)Z"
            self._pattern = re.compile(rf"<p>{word}</p>\n?|{word}")
        return self._pattern

    def restore(self, html: str, plain: bool = False, below: int | None = None) -> str:
        """``html`` with every placeholder replaced by its fragment (the text of
        the fragment when ``plain``: for anchors and the table of contents).

        A fragment may hold placeholders itself (a shortcode inside another's
        inner text), always of fragments made before it: only those are put
        back into it, so no fragment can contain itself.
        """
        limit = len(self.items) if below is None else below
        if not limit or self.prefix not in html:
            return html

        def put_back(m: re.Match[str]) -> str:
            index = int(m.group(1) if m.group(1) is not None else m.group(2))
            if index >= limit:
                return m.group(0)
            fragment = self.restore(self.items[index], plain, index)
            if plain:
                return re.sub(r"<[^>]*>", "", fragment)
            return fragment + "\n" if m.group(1) is not None else fragment

        return self.pattern.sub(put_back, html)

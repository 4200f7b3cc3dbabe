"""Goldmark's Markdown (Hugo's), as mistune plugins on wasmblog's own Markdown instance.

One concern per module: ``typographer`` (quotes, dashes, ellipses,
guillemets), ``attributes`` (``{#id .class}`` after headings and blocks),
``heading_ids`` (Hugo's ``autoIDType`` algorithms) and
``unicode`` (Go's character classes, the same on both engines). Definition
lists and tables in blockquotes and lists are mistune's own plugins
(``def_list``, ``table_in_quote``, ``table_in_list``); hard wraps are
``SiteRenderer.softbreak`` (``renderer.markdown``).
``renderer.markdown`` registers them from its options; nothing here changes
mistune itself.
"""

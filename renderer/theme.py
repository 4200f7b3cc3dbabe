"""The default theme, as data.

The templates live in this module rather than in files so the core never
reads a file (and the WebAssembly snapshot holds them compiled). A site
overrides any of them by name with ``SITE/templates/NAME``.

Every template sees ``site``, ``page``, ``kind``, ``relurl(path)`` and
``absurl(path)``; list pages add ``posts`` and ``pager``; term pages
``term``; taxonomy pages ``terms``; feeds ``posts``, ``lastmod`` and maybe
``term``; the sitemap ``links``; alias pages ``target``. See
``renderer/templates/views.py`` for the fields of each object.
"""

BASE = """\
<!DOCTYPE html>
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% if page.title != site.title %}{{ page.title }} · {% endif %}{{ site.title }}{% endblock %}</title>
{% set desc = page.description or site.description %}
{% if desc %}
<meta name="description" content="{{ desc }}">
{% endif %}
<meta name="generator" content="wasmblog">
<meta name="color-scheme" content="light dark">
<link rel="canonical" href="{{ page.permalink }}">
<link rel="stylesheet" href="{{ relurl('css/style.css') }}">
<link rel="alternate" type="application/rss+xml" title="{{ site.title }}" href="{{ site.feed_url }}">
{% block head %}{% endblock %}
</head>
<body class="kind-{{ kind }}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="wrap">
<a class="site-title" href="{{ relurl('') }}"{% if kind == 'list' %} aria-current="page"{% endif %}>{{ site.title }}</a>
<nav aria-label="Main">
<ul>
<li><a href="{{ relurl('tags/') }}"{% if kind == 'taxonomy' and taxonomy == 'tags' %} aria-current="page"{% endif %}>Tags</a></li>
<li><a href="{{ relurl('categories/') }}"{% if kind == 'taxonomy' and taxonomy == 'categories' %} aria-current="page"{% endif %}>Categories</a></li>
{% for item in site.menu %}
<li><a href="{{ item.url }}">{{ item.name }}</a></li>
{% endfor %}
<li><a href="{{ site.feed_url }}" class="feed-link">RSS</a></li>
</ul>
</nav>
</div>
</header>
<main id="main" class="wrap">
{% block main %}{% endblock %}
</main>
<footer class="site-footer">
<div class="wrap">
<p>{% if site.author %}&copy; {{ site.author }} · {% endif %}Made with wasmblog · <a href="{{ site.feed_url }}">RSS</a> · <a href="{{ relurl('sitemap.xml') }}">Sitemap</a></p>
</div>
</footer>
</body>
</html>
"""

META = """\
<p class="meta">
<time datetime="{{ post.date.iso }}">{{ post.date.human }}</time>
<span aria-hidden="true">·</span> {{ post.reading_time }} min read
{% if post.draft %}<span aria-hidden="true">·</span> <span class="badge">Draft</span>{% endif %}
{% if post.categories %}
<span aria-hidden="true">·</span> in {% for c in post.categories %}<a href="{{ c.url }}">{{ c.name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}
{% endif %}
</p>
"""

POST = """\
{% extends "base.html" %}
{% block head %}
<meta property="og:type" content="article">
<meta property="og:title" content="{{ page.title }}">
<meta property="og:url" content="{{ page.permalink }}">
{% if page.preview %}
<meta property="og:image" content="{{ absurl(page.preview) if page.preview.startswith('/') else page.preview }}">
{% endif %}
<meta property="article:published_time" content="{{ page.date.iso }}">
{% endblock %}
{% block main %}
<article class="post">
<header class="post-header">
<h1>{{ page.title }}</h1>
{% with post = page %}{% include "meta.html" %}{% endwith %}
{% if page.description %}
<p class="lede">{{ page.description }}</p>
{% endif %}
</header>
{% if page.toc_count >= 3 and page.params.toc is not sameas false %}
<nav class="toc" aria-label="Table of contents">
<details open>
<summary>Contents</summary>
{{ page.toc }}
</details>
</nav>
{% endif %}
<div class="content">
{{ page.content }}
</div>
{% if page.tags %}
<footer class="post-footer">
<h2 class="visually-hidden">Tags</h2>
<ul class="tags">
{% for tag in page.tags %}
<li><a href="{{ tag.url }}" rel="tag">#{{ tag.name }}</a></li>
{% endfor %}
</ul>
</footer>
{% endif %}
</article>
{% if page.newer or page.older %}
<nav class="post-nav" aria-label="More posts">
{% if page.newer %}
<a class="newer" href="{{ page.newer.url }}" rel="next"><span class="label">← Newer</span> {{ page.newer.title }}</a>
{% endif %}
{% if page.older %}
<a class="older" href="{{ page.older.url }}" rel="prev"><span class="label">Older →</span> {{ page.older.title }}</a>
{% endif %}
</nav>
{% endif %}
{% endblock %}
"""

LIST = """\
{% extends "base.html" %}
{% block main %}
{% block list_header %}
<h1{% if pager.number == 1 %} class="visually-hidden"{% endif %}>{{ page.title }}</h1>
{% if pager.number == 1 and site.description %}
<p class="lede site-description">{{ site.description }}</p>
{% endif %}
{% endblock %}
{% for post in posts %}
<article class="summary">
<h2><a href="{{ post.url }}">{{ post.title }}</a></h2>
{% include "meta.html" %}
<div class="excerpt">
{{ post.summary }}
</div>
{% if post.truncated %}
<p><a class="more" href="{{ post.url }}">Read more<span class="visually-hidden"> of “{{ post.title }}”</span> →</a></p>
{% endif %}
</article>
{% else %}
<p class="empty">No posts yet.</p>
{% endfor %}
{% include "pagination.html" %}
{% endblock %}
"""

TERM = """\
{% extends "list.html" %}
{% block list_header %}
<h1>{{ term.taxonomy_singular }}: <span class="term-name">{{ term.name }}</span></h1>
<p class="meta">{{ term.count }} post{{ '' if term.count == 1 else 's' }} · <a href="{{ term.feed_url }}">RSS feed</a> · <a href="{{ relurl(term.taxonomy ~ '/') }}">All {{ term.taxonomy }}</a></p>
{% endblock %}
"""

PAGINATION = """\
{% if pager and pager.total > 1 %}
<nav class="pagination" aria-label="Pages">
{% if pager.prev_url %}
<a href="{{ pager.prev_url }}" rel="prev">← Newer posts</a>
{% endif %}
<span class="page-count">Page {{ pager.number }} of {{ pager.total }}</span>
{% if pager.next_url %}
<a href="{{ pager.next_url }}" rel="next">Older posts →</a>
{% endif %}
</nav>
{% endif %}
"""

TAXONOMY = """\
{% extends "base.html" %}
{% block main %}
<h1>{{ page.title }}</h1>
{% if terms %}
<ul class="terms">
{% for term in terms %}
<li><a href="{{ term.url }}">{{ term.name }}</a> <span class="count">{{ term.count }}</span></li>
{% endfor %}
</ul>
{% else %}
<p class="empty">None yet.</p>
{% endif %}
{% endblock %}
"""

NOT_FOUND = """\
{% extends "base.html" %}
{% block main %}
<h1>Page not found</h1>
<p>There is nothing at this address. It may have moved, or never existed.</p>
<p><a href="{{ relurl('') }}">Go to the latest posts</a> or browse by <a href="{{ relurl('tags/') }}">tag</a>.</p>
{% endblock %}
"""

ALIAS = """\
<!DOCTYPE html>
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8">
<title>Moved: {{ target }}</title>
<link rel="canonical" href="{{ canonical }}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{ target }}">
</head>
<body>
<p>This page has moved to <a href="{{ target }}">{{ target }}</a>.</p>
</body>
</html>
"""

RSS = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ site.title }}{% if term %} · {{ term.name }}{% endif %}</title>
<link>{{ absurl(term.url if term else '') }}</link>
<description>{% if term %}Posts {{ 'tagged' if term.taxonomy == 'tags' else 'in' }} {{ term.name }} on {{ site.title }}{% else %}{{ site.description or ('Latest posts on ' ~ site.title) }}{% endif %}</description>
<generator>wasmblog</generator>
<language>{{ site.language }}</language>
{% if site.author %}
<copyright>{{ site.author }}</copyright>
{% endif %}
{% if lastmod %}
<lastBuildDate>{{ lastmod.rfc822 }}</lastBuildDate>
{% endif %}
<atom:link href="{{ page.permalink }}" rel="self" type="application/rss+xml"/>
{% for post in posts %}
<item>
<title>{{ post.title }}</title>
<link>{{ post.permalink }}</link>
<guid isPermaLink="true">{{ post.permalink }}</guid>
<pubDate>{{ post.date.rfc822 }}</pubDate>
{% for c in post.categories %}
<category>{{ c.name }}</category>
{% endfor %}
<description>{{ post.content_html if site.feed_full_content else post.summary_html }}</description>
</item>
{% endfor %}
</channel>
</rss>
"""

SITEMAP = """\
<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{% for link in links %}
<url>
<loc>{{ link.url }}</loc>
{% if link.lastmod %}
<lastmod>{{ link.lastmod }}</lastmod>
{% endif %}
</url>
{% endfor %}
</urlset>
"""

ROBOTS = """\
User-agent: *
Allow: /
Sitemap: {{ absurl('sitemap.xml') }}
"""

STYLE = """\
/* wasmblog default theme */
/* Syntax highlighting (Pygments), first so the theme's own rules win over its generic ones */
{{ highlight_css }}
:root {
  --bg: #fcfcfa;
  --fg: #1d2125;
  --muted: #5d6671;
  --accent: #0a5cc2;
  --accent-soft: #e8f0fb;
  --border: #e3e5e8;
  --code-bg: #f4f5f7;
  --measure: 44rem;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417;
    --fg: #e4e6e9;
    --muted: #9ba4ae;
    --accent: #74b3ff;
    --accent-soft: #1b2a3d;
    --border: #2a2f36;
    --code-bg: #1a1e24;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--fg);
  font: 1.0625rem/1.7 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-rendering: optimizeLegibility;
}
.wrap { max-width: var(--measure); margin: 0 auto; padding: 0 1.25rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
.site-header { border-bottom: 1px solid var(--border); margin-bottom: 2.5rem; }
.site-header .wrap { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1.5rem; padding-top: 1.25rem; padding-bottom: 1rem; }
.site-title { font-weight: 700; font-size: 1.2rem; color: var(--fg); text-decoration: none; letter-spacing: -0.01em; }
.site-header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0 1.1rem; margin: 0; padding: 0; }
.site-header nav a { color: var(--muted); text-decoration: none; }
.site-header nav a:hover, .site-header nav a[aria-current] { color: var(--fg); text-decoration: underline; }
h1, h2, h3, h4 { line-height: 1.25; letter-spacing: -0.015em; margin: 2rem 0 0.75rem; }
h1 { font-size: clamp(1.75rem, 4vw, 2.25rem); margin-top: 0; }
h2 { font-size: 1.45rem; }
h3 { font-size: 1.2rem; }
.content h2 .anchor, .content h3 .anchor, .content h4 .anchor { opacity: 0; text-decoration: none; color: var(--muted); margin-left: 0.25rem; }
.content h2:hover .anchor, .content h3:hover .anchor, .content h4:hover .anchor { opacity: 1; }
p, ul, ol, blockquote, pre, table, figure { margin: 0 0 1.25rem; }
img { max-width: 100%; height: auto; border-radius: 6px; }
hr { border: 0; border-top: 1px solid var(--border); margin: 2.5rem 0; }
blockquote { margin-left: 0; padding: 0.25rem 1.25rem; border-left: 4px solid var(--border); color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
:not(pre) > code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
pre { background: var(--code-bg); padding: 1rem 1.1rem; overflow-x: auto; border-radius: 8px; line-height: 1.5; border: 1px solid var(--border); }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--border); padding: 0.4rem 0.75rem; text-align: left; }
th { background: var(--code-bg); }
.meta { color: var(--muted); font-size: 0.92rem; margin: 0.25rem 0 1rem; }
.meta a { color: inherit; }
.lede { font-size: 1.15rem; color: var(--muted); }
.badge { background: #b5470b; color: #fff; border-radius: 4px; padding: 0 0.4rem; font-size: 0.8rem; }
.summary { padding-bottom: 1.5rem; margin-bottom: 2rem; border-bottom: 1px solid var(--border); }
.summary h2 { margin: 0 0 0.25rem; font-size: 1.5rem; }
.summary h2 a { color: var(--fg); text-decoration: none; }
.summary h2 a:hover { color: var(--accent); }
.more { font-weight: 600; }
.toc { background: var(--accent-soft); border-radius: 8px; padding: 0.5rem 1.25rem; margin-bottom: 2rem; font-size: 0.95rem; }
.toc summary { cursor: pointer; font-weight: 600; }
.toc ul { margin: 0.25rem 0; padding-left: 1.25rem; }
.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.tags a { display: inline-block; background: var(--accent-soft); padding: 0.1rem 0.6rem; border-radius: 999px; text-decoration: none; font-size: 0.9rem; }
.post-footer { margin-top: 2.5rem; }
.post-nav { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 3rem 0 1rem; }
.post-nav a { display: block; border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem 1rem; text-decoration: none; }
.post-nav .older { grid-column: 2; text-align: right; }
.post-nav .label { display: block; color: var(--muted); font-size: 0.85rem; }
.pagination { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin: 2rem 0; }
.page-count { color: var(--muted); font-size: 0.9rem; }
.terms { list-style: none; padding: 0; columns: 2 12rem; }
.terms li { margin-bottom: 0.35rem; }
.count { color: var(--muted); font-size: 0.85rem; }
.term-name { color: var(--accent); }
.footnotes { font-size: 0.92rem; color: var(--muted); border-top: 1px solid var(--border); margin-top: 2.5rem; padding-top: 1rem; }
.task-list-item { list-style: none; }
.task-list-item input { margin-right: 0.4rem; }
.site-footer { border-top: 1px solid var(--border); margin-top: 4rem; padding: 1.25rem 0 2rem; color: var(--muted); font-size: 0.9rem; }
.site-footer a { color: inherit; }
@media (max-width: 34rem) {
  body { font-size: 1rem; }
  .post-nav { grid-template-columns: 1fr; }
  .post-nav .older { grid-column: 1; }
}
@media print {
  .site-header nav, .site-footer, .post-nav, .pagination, .skip-link { display: none; }
}
"""

THEME: dict[str, str] = {
    "base.html": BASE,
    "meta.html": META,
    "post.html": POST,
    "list.html": LIST,
    "term.html": TERM,
    "pagination.html": PAGINATION,
    "taxonomy.html": TAXONOMY,
    "404.html": NOT_FOUND,
    "alias.html": ALIAS,
    "rss.xml": RSS,
    "sitemap.xml": SITEMAP,
    "robots.txt": ROBOTS,
    "style.css": STYLE,
}

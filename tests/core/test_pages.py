"""Pages, bundles, intros, taxonomies and permalinks: the core decides where everything lands."""

from __future__ import annotations

from renderer import Source
from sitekit import BUILD_TIME, CONFIG, find_all, render, text_of, tzif_for


def src(path: str, front: str, body: str = "Text.\n", resources: tuple[str, ...] = ()) -> Source:
    return Source(path, f"---\n{front}---\n{body}".encode(), resources)


POST = src("posts/hello.md", "title: Hello\ndate: 2023-01-01\ntags: [go]\nseries: [Basics]\n")


def test_a_page_is_published_at_its_own_url_and_not_listed(engine):
    site = render(engine, [POST, src("pages/about.md", "title: About me\n", "I write.\n")])
    about = site.html("about/index.html")
    assert text_of(next(about.iter("h1"))) == "About me" and "I write." in text_of(about)
    assert '<body class="kind-page">' in site["about/index.html"]
    assert "About me" not in site["index.html"] and "About me" not in site["index.xml"]
    assert "https://example.org/about/" in site["sitemap.xml"]


def test_pages_in_folders_keep_their_folders_and_url_overrides_them(engine):
    site = render(engine, [src("pages/docs/faq.md", "title: FAQ\n"), src("pages/x.md", "title: X\nurl: /elsewhere/\n")])
    assert "docs/faq/index.html" in site and "elsewhere/index.html" in site and "x/index.html" not in site


def test_a_bundle_tells_the_host_to_copy_its_files_next_to_the_page(engine):
    bundle = src("posts/2023/trip/index.md", "title: Trip\ndate: 2023-02-01\npreview: view.png\n",
                 "![the view](view.png) and [the map](maps/map.pdf).\n",
                 ("posts/2023/trip/view.png", "posts/2023/trip/maps/map.pdf"))
    parsed = engine.parse_posts([bundle], CONFIG, tzif_for(CONFIG))
    from renderer import BuildOptions
    plan = engine.plan_site(parsed.posts, CONFIG, BuildOptions(BUILD_TIME))
    assert [(c.source, c.path) for c in plan.copies] == [
        ("posts/2023/trip/maps/map.pdf", "posts/trip/maps/map.pdf"), ("posts/2023/trip/view.png", "posts/trip/view.png")]
    post = parsed.posts[0]
    assert 'src="/posts/trip/view.png"' in post.content_html  # root-relative: works on lists and in feeds too
    assert 'href="/posts/trip/maps/map.pdf"' in post.content_html
    assert post.preview == "/posts/trip/view.png"


def test_a_headless_bundle_publishes_nothing(engine):
    parsed = engine.parse_posts([src("posts/parts/index.md", "headless: true\n", resources=("posts/parts/a.png",))],
                                CONFIG, tzif_for(CONFIG))
    assert parsed.posts == [] and parsed.diagnostics == []


def test_intros_title_and_text_for_the_home_page_the_post_list_and_a_term(engine):
    site = render(engine, [POST, src("_index.md", "title: Welcome\n", "Hello **reader**.\n"),
                           src("posts/_index.md", "title: Every post\n", "All of them.\n"),
                           src("tags/go/_index.md", "title: The Go language\n", "About Go.\n"),
                           src("tags/_index.md", "title: Topics\n", "By topic.\n")])
    home = site.html("index.html")
    assert "Hello reader." in text_of(home)
    assert text_of(next(site.html("posts/index.html").iter("h1"))) == "Every post"
    term = site.html("tags/go/index.html")
    assert text_of(next(term.iter("h1"))) == "The Go language" and "About Go." in text_of(term)
    assert text_of(next(site.html("tags/index.html").iter("h1"))) == "Topics"


def test_without_posts_index_md_there_is_no_post_list_page(engine):
    assert "posts/index.html" not in render(engine, [POST])


def test_aliases_in_an_intro_redirect_to_its_list(engine):
    site = render(engine, [POST, src("posts/_index.md", "title: All\naliases: [/articles/]\n")])
    assert 'href="/posts/"' in site["articles/index.html"]


def test_any_taxonomy_gets_its_pages_and_feeds(engine):
    config = CONFIG + 'taxonomies = { tag = "tags", series = "series" }\n'
    site = render(engine, [POST], config=config)
    assert {"series/index.html", "series/basics/index.html", "series/basics/index.xml", "tags/go/index.html"} <= \
        set(site.files)
    assert "categories/index.html" not in site  # the taxonomies configured replace the default ones
    nav = [text_of(a) for a in find_all(site.html("index.html"), "a") if a.get("href") in ("/tags/", "/series/")]
    assert nav == ["Tags", "Series"]
    assert text_of(next(site.html("series/basics/index.html").iter("h1"))) == "Series: Basics"


def test_permalink_patterns_decide_post_urls(engine):
    config = CONFIG + '[permalinks]\nposts = "/:year/:month/:slug/"\n'
    site = render(engine, [POST], config=config)
    assert "2023/01/hello/index.html" in site and "posts/hello/index.html" not in site


def test_an_unknown_permalink_token_is_an_error_and_the_default_is_used(engine):
    site = render(engine, [POST], config=CONFIG + '[permalinks]\nposts = "/:author/:slug/"\n')
    assert any("permalink '/:author/:slug/' for 'posts': unknown token :author" in e for e in site.errors)
    assert "posts/hello/index.html" in site


def test_publish_and_expiry_dates_decide_what_is_live(engine):
    later = src("posts/later.md", "title: Later\ndate: 2020-01-01\npublishDate: 2099-01-01\n")
    gone = src("posts/gone.md", "title: Gone\ndate: 2020-01-01\nexpiryDate: 2021-01-01\n")
    site = render(engine, [POST, later, gone])
    assert "posts/hello/index.html" in site
    assert "posts/later/index.html" not in site and "posts/gone/index.html" not in site
    assert "posts/later/index.html" in render(engine, [POST, later], future=True)


def test_weight_puts_posts_first_and_author_reaches_templates(engine):
    heavy = src("posts/pinned.md", "title: Pinned\ndate: 2020-01-01\nweight: 1\nauthor: [Ada, Grace]\n")
    site = render(engine, [POST, heavy], templates={"post.html": "{{ page.author }}|{{ page.weight }}"})
    assert site.post_titles("index.html")[0] == "Pinned"
    assert site["posts/pinned/index.html"] == "Ada, Grace|1"


def test_a_page_and_a_post_on_one_url_is_an_error(engine):
    site = render(engine, [POST, src("pages/x.md", "title: X\nurl: /posts/hello/\n")])
    assert "pages/x.md: error: URL /posts/hello/ is already used by posts/hello.md; give one of them another " \
           "'slug:'" in site.errors


def test_a_content_file_out_of_place_is_a_warning(engine):
    parsed = engine.parse_posts([src("posts/sub/_index.md", "title: Sub\n")], CONFIG, tzif_for(CONFIG))
    assert [d.format() for d in parsed.diagnostics] == [
        "posts/sub/_index.md: warning: not used: an _index.md of a nested section: its posts are listed in the "
        "section above it, and this intro is not used"]

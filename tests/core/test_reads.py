"""Which body fields a kind of page's templates can read (renderer.reads): what its render call is given."""

from __future__ import annotations

import pytest

from renderer.model import PageKind
from renderer.reads import ALL_BODY, withheld_fields


def test_the_default_list_page_is_given_no_body_but_its_summary_reading_time_and_cut():
    hidden = withheld_fields({})[PageKind.LIST]
    assert {"content_html", "toc_html", "word_count", "links", "search_terms"} <= hidden
    assert not {"summary_html", "reading_time", "truncated"} & hidden


def test_the_default_search_page_is_given_no_body_nor_reading_time():
    assert {"content_html", "reading_time", "word_count"} <= withheld_fields({})[PageKind.SEARCH]


def test_a_feed_of_the_default_theme_is_given_the_body_it_may_print():
    assert "content_html" not in withheld_fields({})[PageKind.FEED]


@pytest.mark.parametrize("template", [
    "{% for p in posts %}{{ p.content }}{% endfor %}",
    "{% for p in posts %}{{ p['content_html'] }}{% endfor %}",
    "{{ posts|map(attribute='content')|join }}",
])
def test_an_override_that_names_the_body_on_a_list_is_given_it(template):
    assert "content_html" not in withheld_fields({"list.html": template})[PageKind.LIST]


def test_an_override_in_an_included_template_counts_for_every_page_that_includes_it():
    hidden = withheld_fields({"meta.html": "{{ post.word_count }} words"})
    assert "word_count" not in hidden[PageKind.LIST] and "word_count" not in hidden[PageKind.TERM]


@pytest.mark.parametrize("template", [
    "{{ posts|tojson }}",
    "{% for p in posts %}{{ p }}{% endfor %}",
    "{% set first = posts|first %}{{ first|pprint }}",
    "{% for p in posts %}{% for k in keys %}{{ p[k] }}{% endfor %}{% endfor %}",
    "{% for p in posts %}{{ p|attr(name) }}{% endfor %}",
    "{% for p in posts %}{{ show(p) }}{% endfor %}",
    "{% for p in posts %}",  # does not parse
])
def test_a_template_that_could_read_a_field_without_naming_it_is_given_every_field(template):
    assert withheld_fields({"list.html": template})[PageKind.LIST] == frozenset()


def test_a_computed_include_reaches_every_template():
    hidden = withheld_fields({"list.html": "{% include name %}", "extra.html": "{{ post.content }}"})
    assert "content_html" not in hidden[PageKind.LIST]


def test_page_is_the_list_page_itself_unless_a_template_binds_it():
    assert "content_html" in withheld_fields({"list.html": "{{ page.content }}"})[PageKind.LIST]
    rebound = "{% for page in posts %}{{ page.content }}{% endfor %}"
    assert "content_html" not in withheld_fields({"list.html": rebound})[PageKind.LIST]


def test_links_and_search_terms_are_no_template_s():
    assert {"links", "search_terms"} <= withheld_fields({"list.html": "{{ post.links }}"})[PageKind.LIST]
    assert ALL_BODY >= withheld_fields({})[PageKind.LIST]

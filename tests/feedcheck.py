"""Feed validation for the tests: each feed parsed by an independent parser and checked for
what its specification requires.

- RSS 2.0 (https://www.rssboard.org/rss-specification): a channel with title, link and
  description; items with a title or description, absolute links, RFC 822 dates.
- Atom 1.0 (RFC 4287): a feed with id, title, updated, an author (on the feed or on every
  entry) and a self link; entries with id, title, updated, an alternate link; ids are IRIs;
  times are RFC 3339.
- JSON Feed 1.1 (https://jsonfeed.org/version/1.1): version, title and items (all required),
  each item with a string id and content_html or content_text; every field its type.

Each returns the titles of the items, in order.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"


def _absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rfc3339(text: str | None) -> datetime:
    assert text and "T" in text, text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, text
    return moment


def check_rss(text: str) -> list[str]:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for name in ("title", "link", "description"):
        assert channel.find(name) is not None, name
    assert _absolute(channel.findtext("link"))
    titles = []
    for item in channel.findall("item"):
        assert item.find("title") is not None or item.find("description") is not None
        assert _absolute(item.findtext("link"))
        assert item.find("guid").get("isPermaLink") == "true" and _absolute(item.findtext("guid"))
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        titles.append(item.findtext("title"))
    return titles


def check_atom(text: str) -> list[str]:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert _absolute(root.findtext(f"{ATOM}id"))
    _rfc3339(root.findtext(f"{ATOM}updated"))
    assert any(link.get("rel") == "self" and _absolute(link.get("href")) for link in root.findall(f"{ATOM}link"))
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    titles, ids = [], set()
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert _absolute(entry.findtext(f"{ATOM}id"))
        ids.add(entry.findtext(f"{ATOM}id"))
        _rfc3339(entry.findtext(f"{ATOM}updated"))
        _rfc3339(entry.findtext(f"{ATOM}published"))
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        links = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert len(links) == 1 and _absolute(links[0].get("href"))
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}summary") is not None
        for part in (entry.find(f"{ATOM}summary"), entry.find(f"{ATOM}content")):
            assert part is None or part.get("type") in ("text", "html")
        titles.append(entry.findtext(f"{ATOM}title"))
    assert len(ids) == len(titles)  # ids are unique
    return titles


def check_json_feed(text: str) -> list[str]:
    feed = json.loads(text)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and isinstance(feed["items"], list)
    for key in ("home_page_url", "feed_url"):
        assert _absolute(feed.get(key)), key
    for key in ("description", "language"):
        assert isinstance(feed.get(key, ""), str), key
    assert all(isinstance(a, dict) and isinstance(a.get("name"), str) for a in feed.get("authors", []))
    titles, ids = [], set()
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        ids.add(item["id"])
        assert isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)
        assert _absolute(item.get("url"))
        for key in ("title", "summary", "image"):
            assert isinstance(item.get(key, ""), str), key
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        for key in ("date_published", "date_modified"):
            _rfc3339(item[key])
        titles.append(item["title"])
    assert len(ids) == len(titles)
    return titles

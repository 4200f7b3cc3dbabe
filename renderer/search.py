"""Site search, the build side: tokenising posts and writing ``search-index.json``.

The index is made here so that the reader's script
(``themes/default/templates/search.js``) only looks words up: it fetches
one JSON file, tokenises the query the same way, matches prefixes and ranks.

Tokenising is version-neutral. The guest runs CPython 3.14 (Unicode 16.0)
and the host 3.11 (Unicode 14.0), so code points unassigned in 14.0 are
separators on both (:mod:`renderer.ucd`); everything else is the same on
both: compatibility decomposition (NFKD: fullwidth letters, ligatures,
accents split off), combining marks dropped ("café" is "cafe"), lower case,
then runs of letters and digits. Han, Hiragana and Katakana (Chinese and
Japanese, written without spaces between words) are cut into overlapping
character bigrams instead: "日本語の" is 日本, 本語, 語の, and a run of one
character is itself; a query is cut the same way, so a word of two or more
characters matches where its bigrams all occur, and a single character as
the prefix of its bigrams (as Lucene's CJK analyzer and Pagefind do: no
dictionary to carry). Text in other scripts gives exactly the terms it
gave before, so the index of a site without CJK text is unchanged. The
script does the same steps with the browser's Unicode tables
(``String.normalize``, ``\\p{M}``, ``toLowerCase``, ``\\p{L}\\p{N}``); a
browser test checks that the two agree.

Each post's terms are counted once, when the post is parsed (in parallel,
cached with the post), and bounded: at most :data:`MAX_TERMS` distinct
terms, the most frequent, from the first :data:`MAX_TEXT` characters. A
term's weight is its count in the text, plus :data:`TITLE_BOOST` per
occurrence in the title and :data:`TAG_BOOST` per tag or category it is in.

The index is inverted on the build side too, so the browser only parses
it: the posts (url, title, dates, tags, summary), the terms sorted as
JavaScript compares strings (by UTF-16 code unit), and for each term its
postings as a string of base-64 VLQ numbers (as in source maps, without
the sign bit: five bits a character, the sixth says another follows),
``gap weight gap weight...``, where a gap is the post's number minus the
previous one's (most numbers are one character). A string is one token for
the browser's JSON parser; the script decodes only the postings of the
terms a query matches. For 1,000 generated posts the index is 0.8 MB, as
numbers ``[gap, weight, ...]`` it was 1.3 MB and took Chromium 18-32 ms to
read and parse here (a first form, a ``{"term": weight}`` object per post,
3.0 MB).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from operator import itemgetter
from typing import Iterable, Sequence

from .ucd import mask_unassigned

MAX_TOKEN = 32  # characters of a term kept; longer words are cut (a query is cut the same way)
MAX_TERMS = 300  # distinct terms kept per post, the heaviest
MAX_CJK_TERMS = 1_500  # and CJK bigrams, apart (a page of Japanese has about as many distinct bigrams as characters)
MAX_TEXT = 50_000  # characters of a post's HTML that are indexed (about 7,000 words of text)
MAX_SUMMARY = 180  # characters of the summary shown in results
TITLE_BOOST = 10
TAG_BOOST = 5
INDEX_VERSION = 2  # 2: postings as VLQ strings

# Han (with the compatibility block), Hiragana and Katakana: runs cut into bigrams.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
_CJK_START = re.compile(f"[{_CJK}]")
# A word longer than MAX_TOKEN in ASCII text, where _TOKEN's words are runs of [a-zA-Z0-9].
_ASCII_LONG = re.compile(f"[a-zA-Z0-9]{{{MAX_TOKEN + 1}}}")
_NON_ASCII = re.compile("[^\x00-\x7f]+")
_TAG = re.compile(r"<[^>]*>")
# Tags that do not separate words (as in renderer.summary): "**two**," is one word.
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|"
                         r"strong|sub|sup|time|u|var)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _fold(run: re.Match[str]) -> str:
    """A run of non-ASCII characters, masked, decomposed and without combining marks.

    Run by run, not over the whole text: the same result (NFKD decomposes
    character by character and reorders only marks, which are never ASCII),
    and masking a 10 KB post at once took 6 ms (a regex over every
    character), against well under 1 ms for its few non-ASCII runs.
    """
    text = unicodedata.normalize("NFKD", mask_unassigned(run.group(0), " "))
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))


def normalise(text: str) -> str:
    """``text`` as terms are made from it: decomposed, without accents, in lower case."""
    if not text.isascii():
        text = _NON_ASCII.sub(_fold, text)
    return text.lower()


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> list[str]:
    """The terms of ``text``, in order (a query is split the same way by the script)."""
    folded = normalise(text)
    if folded.isascii():  # no CJK character: every token is a word (most posts; a regex a token saved)
        tokens: list[str] = _TOKEN.findall(folded)
        if _ASCII_LONG.search(folded) is None:  # no word to cut (one scan in C, not a slice a token)
            return tokens
        return [token[:MAX_TOKEN] for token in tokens]
    if _CJK_START.search(folded) is None:  # no CJK character anywhere: no token is cut into bigrams
        return [token[:MAX_TOKEN] for token in _TOKEN.findall(folded)]
    out: list[str] = []
    for token in _TOKEN.findall(folded):
        if _CJK_START.match(token):
            out.extend(_bigrams(token))
        else:
            out.append(token[:MAX_TOKEN])
    return out


def is_cjk(term: str) -> bool:
    """Whether ``term`` is a CJK bigram (or a lone CJK character)."""
    return not term.isascii() and _CJK_START.match(term) is not None  # (isascii: a flag of the string, O(1))


def plain_text(html_text: str) -> str:
    """The visible text of an HTML fragment, with tags as word breaks where they break words."""
    return html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", html_text)))


def post_terms(title: str, description: str, html_text: str, terms: Iterable[str]) -> str:
    """A post's weighted terms, heaviest first, as ``"term weight term weight..."``.

    ``html_text`` is the post's rendered body (its first :data:`MAX_TEXT`
    characters are read), ``terms`` its tags and categories. Terms hold no
    spaces (letters and digits only).
    """
    counts: Counter[str] = Counter(tokenize(description + "\n" + plain_text(html_text[:MAX_TEXT])))
    for token in tokenize(title):
        counts[token] += TITLE_BOOST
    for name in terms:
        for token in dict.fromkeys(tokenize(name)):  # each once, in order (a set's order is the hash seed's)
            counts[token] += TAG_BOOST
    # Heaviest first; among equals, the first seen (sorted() is stable and a
    # Counter keeps insertion order): the same terms on every engine. CJK bigrams are
    # kept apart, with their own bound, so that they crowd out no word (nor words them).
    ranked = sorted(counts.items(), key=itemgetter(1), reverse=True)  # reverse=True keeps equals in order
    kept = [item for item in ranked if item[0].isascii() or not is_cjk(item[0])][:MAX_TERMS]
    if len(kept) < len(ranked):
        cjk = [item for item in ranked if is_cjk(item[0])][:MAX_CJK_TERMS]
        if cjk:  # merged back in weight order (stable: words before bigrams of the same weight)
            kept = sorted(kept + cjk, key=lambda item: -item[1])
    return " ".join(f"{term} {weight}" for term, weight in kept)


def short_summary(description: str, summary_html: str) -> str:
    """The line shown under a result: the description, else the summary's text, shortened."""
    text = _SPACES.sub(" ", description or plain_text(summary_html)).strip()
    if len(text) <= MAX_SUMMARY:
        return text
    cut = text[:MAX_SUMMARY]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SUMMARY // 2 else cut).rstrip(" ,.;:") + "…"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _utf16(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


VLQ_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _vlq_one(n: int) -> str:
    out = []
    while n >= 32:
        out.append(VLQ_DIGITS[32 | (n & 31)])
        n >>= 5
    out.append(VLQ_DIGITS[n])
    return "".join(out)


_VLQ_SMALL = [_vlq_one(n) for n in range(4096)]  # gaps and weights are nearly all below this


def _vlq_of(n: int) -> str:
    return _VLQ_SMALL[n] if n < 4096 else _vlq_one(n)


def vlq(numbers: Iterable[int]) -> str:
    """Non-negative ``numbers`` as base-64 VLQ: five bits a character, low bits first,
    32 added to every character but a number's last."""
    return "".join(map(_vlq_of, numbers))


def index_json(entries: Sequence[dict[str, object]], terms: Sequence[str]) -> str:
    """``search-index.json``, inverted.

    ``entries`` are the posts' fields (url, title, date, day, tags, summary),
    newest first, and ``terms`` their :func:`post_terms` texts, in the same order.
    """
    # term -> its postings so far, already encoded, and the last post it was in. (One pass
    # over every term of every post: 267,000 for 1,000 generated posts, the cost of this
    # page, which every edit renders again: 194 ms natively before this loop was tightened.)
    postings: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    weights: dict[str, str] = {}  # a weight as the index text has it -> its VLQ
    for doc, text in enumerate(terms):
        if not text:
            continue
        parts = iter(text.split(" "))
        for term, weight in zip(parts, parts, strict=False):  # pairs from one iterator
            encoded = weights.get(weight)
            if encoded is None:
                encoded = weights[weight] = _vlq_of(int(weight))
            found = postings.get(term)
            if found is None:
                postings[term] = [_vlq_of(doc), encoded]
            else:
                found.append(_vlq_of(doc - last[term]))
                found.append(encoded)
            last[term] = doc
    order = sorted(postings, key=_utf16)  # as JavaScript sorts and compares strings
    head = _dumps({"version": INDEX_VERSION, "boost": {"title": TITLE_BOOST, "tags": TAG_BOOST},
                   "max_token": MAX_TOKEN})[:-1]
    return (head + ',"posts":[\n' + ",\n".join(_dumps(entry) for entry in entries)
            + '\n],\n"terms":' + _dumps(order)
            + ',\n"postings":[\n' + ",\n".join(f'"{"".join(postings[term])}"' for term in order) + "\n]}\n")

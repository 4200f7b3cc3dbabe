/* wasmblog search: the reader's side of /search/.
 *
 * Loads the index the build wrote (search-index.json, from the URL in the
 * form's data-index attribute, so it works under any base path and with no
 * other server), tokenises the query exactly as renderer/search.py
 * tokenises posts, matches every query word as a prefix (as the reader
 * types), keeps the posts that match all of them, and ranks them by the
 * weights in the index (term frequency, title and tag boosts); an exact
 * word counts fully, a longer word it begins half. The query lives in the
 * URL (?q=), so results can be linked. Without this script the page lists
 * every post; the script removes that list as soon as it runs (before the
 * browser lays out a list of thousands), and puts it back only if the index
 * cannot be loaded.
 *
 * Keyboard: type to search; Down moves into the results, Up and Down move
 * between them, Escape goes back to the box (and, in the box, clears it).
 */
(function () {
  "use strict";

  if (window.performance && performance.mark) { performance.mark("wasmblog:search-start"); }

  // Han, Hiragana and Katakana (no spaces between words): runs cut into overlapping bigrams.
  var CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var TOKEN = new RegExp("[" + CJK + "]+|(?:(?![" + CJK + "])[\\p{L}\\p{N}])+", "gu");
  var CJK_START = new RegExp("^[" + CJK + "]");
  var MARKS = /\p{M}+/gu;
  var SHOWN = 100;  // results listed at most
  var maxToken = 32;  // the index says; this is its default

  /* The terms of a text: NFKD, combining marks dropped, lower case, runs of
     letters and digits, CJK runs as bigrams (renderer.search.tokenize, step for step). */
  function tokenize(text) {
    var norm = String(text).normalize("NFKD").replace(MARKS, "").toLowerCase();
    var found = norm.match(TOKEN) || [], out = [];
    found.forEach(function (t) {
      if (CJK_START.test(t)) {  // CJK characters are all in the BMP: one code unit each
        if (t.length === 1) { out.push(t); }
        for (var i = 0; i + 1 < t.length; i++) { out.push(t.slice(i, i + 2)); }
      } else {
        out.push(t.length > maxToken ? Array.from(t).slice(0, maxToken).join("") : t);
      }
    });
    return out;
  }

  /* Base-64 VLQ (renderer.search.vlq): five bits a character, low bits
     first; a character of 32 or more says another follows. */
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < DIGITS.length; d++) { DIGIT[DIGITS.charCodeAt(d)] = d; }

  function numbers(text) {
    var out = [], n = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i) & 127];
      n += (digit & 31) * scale;
      if (digit & 32) { scale *= 32; } else { out.push(n); n = 0; scale = 1; }
    }
    return out;
  }

  /* The index as the build wrote it: posts, terms sorted by UTF-16 code
     unit (as < compares), and per term its postings, [gap, weight, gap,
     weight...] as one VLQ string, decoded when a query first needs them. */
  function prepare(index) {
    if (index.max_token) { maxToken = index.max_token; }
    var encoded = index.postings, decoded = new Array(encoded.length);
    return {
      posts: index.posts, terms: index.terms,
      postings: function (i) { return decoded[i] || (decoded[i] = numbers(encoded[i])); }
    };
  }

  function firstAtLeast(sorted, key) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* Posts matching every word of the query, best first: [{post, score}]. */
  function search(db, query) {
    var words = Array.from(new Set(tokenize(query)));
    if (!words.length) { return []; }
    var total = null;
    for (var w = 0; w < words.length; w++) {
      var word = words[w], scores = new Map();
      for (var i = firstAtLeast(db.terms, word); i < db.terms.length && db.terms[i].startsWith(word); i++) {
        var list = db.postings(i), factor = db.terms[i] === word ? 1 : 0.5, doc = 0;
        for (var k = 0; k < list.length; k += 2) {
          doc += list[k];
          var score = list[k + 1] * factor;
          if (!(scores.get(doc) >= score)) { scores.set(doc, score); }
        }
      }
      if (total === null) {
        total = scores;
      } else {
        var both = new Map();
        total.forEach(function (value, doc) {
          if (scores.has(doc)) { both.set(doc, value + scores.get(doc)); }
        });
        total = both;
      }
      if (!total.size) { return []; }
    }
    var hits = [];
    total.forEach(function (score, doc) { hits.push({ doc: doc, score: score }); });
    // The index lists posts newest first: among equal scores, the newer post wins.
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits.map(function (hit) { return { post: db.posts[hit.doc], score: hit.score }; });
  }

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function show(results, list, query) {
    var items = document.createDocumentFragment();
    results.slice(0, SHOWN).forEach(function (hit) {
      var post = hit.post, li = el("li", "search-result"), link = el("a", "", post.title);
      link.href = post.url;
      li.appendChild(link);
      var meta = el("p", "meta");
      var time = el("time", "", post.day);
      time.setAttribute("datetime", post.date);
      meta.appendChild(time);
      if (post.tags && post.tags.length) {
        meta.appendChild(document.createTextNode(" · " + post.tags.map(function (t) { return "#" + t; }).join(" ")));
      }
      li.appendChild(meta);
      if (post.summary) { li.appendChild(el("p", "search-summary", post.summary)); }
      items.appendChild(li);
    });
    list.replaceChildren(items);
    list.hidden = !results.length;
  }

  /* The page's words: English here, the page's language from the form's data-strings (the
     theme's translation tables, renderer/i18n, written only when they differ from these), with
     plural forms chosen by the browser's CLDR rules for the page's language. */
  // (\u007b{ is two opening braces, written so: this file is a template of the theme, served as it is;
  // placeholders are Go's, as in the translation tables)
  var STRINGS = {
    searchNoMatch: { other: "No posts match \u201c\u007b{ .Query }}\u201d." },
    searchMatches: { one: "\u007b{ .Count }} post matches \u201c\u007b{ .Query }}\u201d",
                     other: "\u007b{ .Count }} posts match \u201c\u007b{ .Query }}\u201d" },
    searchAllShown: { other: "." },
    searchFirstShown: { other: "; the first \u007b{ .Count }} are listed." },
    searchLoading: { other: "Loading the search index\u2026" },
    searchUnavailable: { other: "Search is unavailable: the index could not be loaded. Every post is listed below." }
  };
  var ACTION = /\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g;
  var plurals = null;

  function say(key, values) {
    var forms = STRINGS[key] || {}, count = values && values.Count;
    var form = "other";
    if (typeof count === "number" && plurals) { form = plurals.select(count); }
    else if (count === 1) { form = "one"; }
    var text = forms[form] !== undefined ? forms[form] : (forms.other || "");
    return text.replace(ACTION, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : "<no value>";
    });
  }

  function useStrings(form) {
    var own = form.getAttribute("data-strings");
    if (own) {
      try {
        var parsed = JSON.parse(own);
        Object.keys(STRINGS).forEach(function (key) { if (parsed[key]) { STRINGS[key] = parsed[key]; } });
        plurals = new Intl.PluralRules(document.documentElement.lang || "en");
      } catch (e) { /* the English ones stay */ }
    }
  }

  function describe(count, query) {
    if (!query.trim()) { return ""; }
    var shown = query.trim();
    if (!count) { return say("searchNoMatch", { Query: shown }); }
    var text = say("searchMatches", { Count: count, Query: shown });
    return text + (count > SHOWN ? say("searchFirstShown", { Count: SHOWN }) : say("searchAllShown"));
  }

  function setQueryInUrl(query) {
    var url = new URL(window.location.href);
    if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  function start() {
    var form = document.querySelector("form.search-form[data-index]");
    if (!form) { return; }
    // Asked for first: the page preloads it, and this takes it over while the rest is set up.
    var loading = fetch(form.getAttribute("data-index"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
    useStrings(form);
    var input = form.querySelector("input[name=q]");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var everything = document.getElementById("search-all");
    var db = null, first = true;
    var anchor = everything ? everything.nextSibling : null, parent = everything ? everything.parentNode : null;
    if (everything) { everything.remove(); }  // the list for readers without JavaScript

    function run() {
      var query = input.value;
      setQueryInUrl(query);
      if (!db) { return; }
      var results = search(db, query);
      show(results, list, query);
      status.textContent = describe(results.length, query);
      if (first && results.length) {
        first = false;
        if (window.performance && performance.mark) { performance.mark("wasmblog:search-first-result"); }
      }
    }

    input.value = new URLSearchParams(window.location.search).get("q") || "";
    if (!input.value) { input.focus(); }  // ready to type; what is typed is searched once the index is in
    status.textContent = say("searchLoading");
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      var links = list.querySelectorAll("a");
      if (event.key === "ArrowDown" && links.length) { event.preventDefault(); links[0].focus(); }
      if (event.key === "Escape" && input.value) { event.preventDefault(); input.value = ""; run(); }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (at < 0) { return; }
      if (event.key === "ArrowDown" && at + 1 < links.length) { event.preventDefault(); links[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      if (event.key === "Escape") { event.preventDefault(); input.focus(); }
    });

    loading
      .then(function (index) {
        db = prepare(index);
        status.textContent = "";
        run();
      })
      .catch(function () {
        status.textContent = say("searchUnavailable");
        if (everything && parent) { parent.insertBefore(everything, anchor); }
      });
  }

  window.wasmblogSearch = { tokenize: tokenize, prepare: prepare, search: search, numbers: numbers };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

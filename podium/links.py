"""Finding the article links, their dates and the next page on a listing page.

A config-only source gives a listing URL and, optionally, hints (`links`, `next`, `date`: a CSS
selector or an XPath; `date_order`: DMY, MDY or YMD; `drop_query`: true to strip query strings from
article links). Without hints the links are found by their shape: same-site links outside the
navigation, repeated in one list structure, whose URLs or link texts look like articles (dates,
ids, slugs, titles of several words) rather than menu entries.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import dateparser
from lxml import html as lxml_html

from podium.html import clean_text

log = logging.getLogger(__name__)

# Containers whose links are site furniture, not content: matched on tag, or on class/id/role.
FURNITURE_TAGS = {"nav", "header", "footer", "aside", "form", "select"}
FURNITURE_NAMES = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|submenu|breadcrumbs?|bread-crumbs|footer|header|sidebar|"
    r"social|share|paging|pagination|pager|topbar|top-bar|skip|slider|carousel|slick)([\s_-]|$)", re.I)
# Paths of files and of pages that are never articles.
NOT_ARTICLE_PATH = re.compile(r"\.(pdf|jpe?g|png|gif|zip|docx?|xlsx?|mp[34]|css|js)$|/(tag|tags|category|author|"
                              r"search|login|contact|about)(/|$)", re.I)
# What makes a URL look like an article's: a date, a long number, a hex id, a slug of many words.
URL_DATE = re.compile(r"/(19|20)\d{2}[/-](0?[1-9]|1[0-2])([/-](0?[1-9]|[12]\d|3[01]))?(/|$|-)")
URL_ID = re.compile(r"/[^/]*(\d{5,}|[0-9a-f]{12,})[^/]*$")
URL_SLUG = re.compile(r"/[^/?]*[a-z0-9]+(-[a-z0-9]+){3,}[^/]*/?$", re.I)
MIN_TITLE_WORDS = 4      # menu labels are short; article titles rarely are
MIN_GROUP_SIZE = 2       # a list of articles repeats one structure
MIN_GROUP_SCORE = 0.5    # share of a group's links that look like articles

# Next-page links: rel=next, or a link labelled as the next or older page.
NEXT_XPATH = "//a[@rel='next'][@href] | //link[@rel='next'][@href]"
NEXT_LABELS = re.compile(r"^(next( page)?|older( (posts|entries|news))?|›|»|>|→|next ›|next »)$", re.I)
CURRENT_PAGE_XPATH = ("//*[contains(concat(' ', normalize-space(@class), ' '), ' active ') or "
                      "contains(concat(' ', normalize-space(@class), ' '), ' current ') or @aria-current='page']")

# Dates shown beside a listed link.
DATE_IN_TEXT = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{1,2} [A-Z][a-z]+\.? \d{4}|"
    r"[A-Z][a-z]+\.? \d{1,2}, \d{4})\b")


@dataclass(frozen=True)
class Link:
    url: str
    anchor: str
    date: dt.date | None = None


def _select(tree, selector: str):
    """Elements matching a hint: an XPath when it starts like one, else a CSS selector."""
    if selector.startswith(("/", "(", "./")):
        return tree.xpath(selector)
    return tree.cssselect(selector)


def _same_site(url: str, page_url: str) -> bool:
    def host(u):
        return (urlsplit(u).hostname or "").lower().removeprefix("www.")
    return host(url) == host(page_url)


def _furniture(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in FURNITURE_TAGS:
            return True
        names = " ".join(filter(None, (ancestor.get("class"), ancestor.get("id"), ancestor.get("role"))))
        if names and FURNITURE_NAMES.search(names):
            return True
    return False


def _absolute(href: str, page_url: str, drop_query: bool) -> str | None:
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    parts = urlsplit(urljoin(page_url, href.strip()))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "" if drop_query else parts.query, ""))


def looks_like_article_url(url: str) -> bool:
    path = urlsplit(url).path
    if NOT_ARTICLE_PATH.search(path):
        return False
    return bool(URL_DATE.search(path) or URL_ID.search(path) or URL_SLUG.search(path))


def _signature(element) -> str:
    """The link's place in the page structure: tags and classes of its ancestors, no positions."""
    steps = [f"{e.tag}.{'.'.join(sorted((e.get('class') or '').split()))}"
             for e in [element, *element.iterancestors()]]
    return "/".join(reversed(steps[:6]))


def _score(url: str, anchor: str, page_url: str) -> float:
    """How much a link looks like an article's: its URL's shape, its text's length, and whether it
    sits under the listing's own path (a ministry's statements live below its statements page)."""
    score = 0.6 if looks_like_article_url(url) else 0.0
    score += 0.5 if len(anchor.split()) >= MIN_TITLE_WORDS else 0.0
    listing_dir = urlsplit(page_url).path.rsplit("/", 1)[0] + "/"
    under = len(listing_dir) > 1 and urlsplit(url).path.startswith(listing_dir)
    return min(score, 1.0) + (0.5 if under and score else 0.0)


def _candidates(tree, page_url: str, drop_query: bool):
    for a in tree.iter("a"):
        url = _absolute(a.get("href"), page_url, drop_query)
        if not url or url.rstrip("/") == page_url.rstrip("/") or not _same_site(url, page_url):
            continue
        if _furniture(a) or NOT_ARTICLE_PATH.search(urlsplit(url).path):
            continue
        yield a, url, clean_text(a.text_content())


def _discovered(tree, page_url: str, drop_query: bool) -> list:
    """(element, url, anchor) of the links of the page's main article list: the repeated link
    structure that looks most like a list of articles (menus and teasers elsewhere lose)."""
    groups: dict[str, list] = defaultdict(list)
    for a, url, anchor in _candidates(tree, page_url, drop_query):
        groups[_signature(a)].append((a, url, anchor))
    best, best_total = [], 0.0
    for signature, members in groups.items():
        scores = [_score(url, anchor, page_url) for _, url, anchor in members]
        total = sum(scores)
        if len({url for _, url, _ in members}) < MIN_GROUP_SIZE or total / len(scores) < MIN_GROUP_SCORE:
            log.debug("not an article list (%d links, total %.1f): %s", len(members), total, signature)
        elif total > best_total:
            best, best_total = members, total  # short titles in the list are still its items
    return sorted(best, key=lambda m: m[0].sourceline or 0)


def _hinted(tree, page_url: str, selector: str, drop_query: bool) -> list:
    found = []
    for element in _select(tree, selector):
        a = element if element.tag == "a" else next(iter(element.iter("a")), None)
        url = _absolute(a.get("href"), page_url, drop_query) if a is not None else None
        if url:
            found.append((a, url, clean_text(a.text_content())))
    return found


def parse_listing_date(text: str, date_order: str | None = None) -> dt.date | None:
    """The first date written in a listing item's text ("2/26/20", "26.02.2020", "26 February 2020")."""
    match = DATE_IN_TEXT.search(text or "")
    if not match:
        return None
    settings = {"DATE_ORDER": date_order} if date_order else {}
    parsed = dateparser.parse(match.group(1), languages=["en"], settings={**settings, "STRICT_PARSING": True})
    return parsed.date() if parsed else None


def _item(a, links: set):
    """The largest ancestor of a link that holds no other listed link: its listing item."""
    item = a
    for ancestor in a.iterancestors():
        others = {id(x) for x in ancestor.iter("a")} & links
        if len(others) > 1:
            break
        item = ancestor
    return item


def _date_of(a, links: set, hints: dict) -> dt.date | None:
    item = _item(a, links)
    if hints.get("date"):
        found = _select(item, hints["date"])
        text = " ".join(clean_text(e if isinstance(e, str) else e.text_content()) for e in found)
    else:
        text = clean_text(item.text_content())
    return parse_listing_date(text, hints.get("date_order"))


def listing_tree(page: str | bytes | lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """A listing page parsed once, for both article_links and next_page."""
    return page if isinstance(page, lxml_html.HtmlElement) else lxml_html.fromstring(page)


def article_links(page: str | bytes | lxml_html.HtmlElement, page_url: str, hints: dict | None = None) -> list[Link]:
    """The article links of a listing page (its text, or listing_tree of it), in page order, each
    with the date shown beside it."""
    hints = hints or {}
    tree = listing_tree(page)
    drop_query = bool(hints.get("drop_query"))
    if hints.get("links"):
        found = _hinted(tree, page_url, hints["links"], drop_query)
    else:
        found = _discovered(tree, page_url, drop_query)
    elements = {id(a) for a, _, _ in found}
    links, seen = [], set()
    for a, url, anchor in found:
        if url not in seen:
            seen.add(url)
            links.append(Link(url, anchor, _date_of(a, elements, hints)))
    return links


def _numbered_next(tree, page_url: str) -> str | None:
    """In numbered paging, the link labelled one more than the current page's number."""
    current = [clean_text(e.text_content()) for e in tree.xpath(CURRENT_PAGE_XPATH)]
    numbers = [int(text) for text in current if text.isdigit()]
    wanted = str((numbers[0] if numbers else 1) + 1)
    for a in tree.iter("a"):
        if clean_text(a.text_content()) == wanted and a.get("href"):
            return _absolute(a.get("href"), page_url, False)
    return None


def next_page(page: str | bytes | lxml_html.HtmlElement, page_url: str, hints: dict | None = None) -> str | None:
    """The URL of the listing's next (older) page, or None on the last page."""
    hints = hints or {}
    tree = listing_tree(page)
    if hints.get("next"):
        found = _select(tree, hints["next"])
        return _absolute(found[0].get("href"), page_url, False) if found else None
    for element in tree.xpath(NEXT_XPATH):
        return _absolute(element.get("href"), page_url, False)
    for a in tree.iter("a"):
        if NEXT_LABELS.match(clean_text(a.text_content())) and a.get("href"):
            return _absolute(a.get("href"), page_url, False)
    return _numbered_next(tree, page_url)

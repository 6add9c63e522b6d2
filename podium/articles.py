"""News articles and ministry statement pages → documents and their statements.

A statement source's page is one press statement. A news report's statements are its quotes
(podium.quotes): each direct quote and reported clause becomes a statement of its speaker, dated
by the words around it (podium.news_dates: "on Wednesday", the dateline) against the
publication date, with offsets into the document's text.

The body text is trafilatura's (favor_precision, with its fallback extractors) checked line by line
against newspaper4k's (podium.cleaning.agreed_body; newspaper4k never touches the network:
`download(input_html=...)`), after line cleaning (podium.cleaning). bench/extraction.py measures it
against both libraries alone. The language is
the text's where it is clear, else the declared one. Metadata is read conservatively, each date
with its basis:

  page_metadata   a publication date the page declares (meta tags, JSON-LD, <time pubdate>)
  title           a full date written in the title ("… (May 15, 2020)")
  url             a date in the URL path (/2019/11/20/)
  listing         the date shown beside the link on the listing page, or the feed's/sitemap's date
  text            a date line of the body, such as a statement's closing "25 JANUARY 2022"
  page_markup     news only, when none of the above: the date htmldate reads from the page's
                  markup without its extensive search (a site's own meta tag such as
                  "sn-post-date", a byline's date element): saved pages of any site need it
  undated         none of these
Template timestamps and copyright years are ignored: on ministry sites they are often wrong.
Placeholder dates (0001-01-01) are not dates; a UTC timestamp one day off the URL's date yields the
URL's date (the publisher's local day), with basis "url".
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from urllib.parse import urlsplit

import dateparser
import htmldate
import trafilatura

from podium.cleaning import MIN_TEXT_CHARS, agreed_body, clean_body, text_language
from podium.dates import MONTHS, full_title_date, iso_date
from podium.extract import (Document, Extraction, ExtractionError, Statement, StoredPage, doc_id_for,
                            statement_id_for, text_hash)
from podium.html import PageDecodeError, clean_text, decode, parse
from podium.news_dates import settle_dates, statement_date, unquoted
from podium.quote_spans import CUE_WORDS, paragraphs
from podium.quotes import Quote, find_quotes
from podium.settings import Source
from podium.speakers import Registry

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "articles-5"  # 3: news quotes become statements; 4: places, addresses and police reports;
                                 # 5: body text checked against newspaper4k's (podium.cleaning.agreed_body)

# Declared publication dates, strongest first.
PUBLISHED_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate' or @name='publishdate' or @name='publish-date' or @name='date' or "
    "@name='dc.date' or @name='DC.date.issued' or @name='dcterms.created' or @name='sailthru.date' or "
    "@name='parsely-pub-date' or @name='article.published' or @name='og:article:published_time']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//time[@pubdate]/@datetime",
)
JSON_LD = "//script[@type='application/ld+json']/text()"
AUTHOR_META = ("//meta[@name='author']/@content", "//meta[@property='article:author']/@content")
FIRST_H1 = "(//h1)[1]"
HEAD_TITLE = "//head/title"
OG_TITLE = "//meta[@property='og:title']/@content"
# "Headline | Site", "Headline - Site", "Headline — Site": where a <title> appends the site's name.
SITE_NAME_SUFFIX = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|-|$)")
# The same with the month's short name: /2019/nov/18/.
URL_DATE_MONTH_NAME = re.compile(r"/((?:19|20)\d{2})/([a-z]{3})/(0?[1-9]|[12]\d|3[01])(?:/|-|$)", re.IGNORECASE)
# Placeholders such as 0001-01-01 in JSON-LD are not dates; nor is anything after tomorrow.
EARLIEST_DATE = dt.date(1990, 1, 1)
# A timestamp in UTC ("…Z") names the UTC day, which can be a day off the publisher's own: when the
# URL's date is that close, the URL's is the local day.
UTC_SUFFIX = re.compile(r"(?:Z|[+-]00:?00)$")
# A body line that is only a date, perhaps with a place: "December 6, 2021, Minsk", "25 JANUARY 2022".
DATE_LINE = re.compile(r"^(?:[A-Z .'-]{3,30}[,\s]+)?(\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+ \d{1,2}, \d{4})"
                       r"(?:,? [A-Za-z .'-]{2,30})?\.?$")
TEXT_DATE_LINES = 6        # where a statement puts its date: its first or last few lines
# A statement whose title names who made it: "Statement by the Minister of Foreign Affairs of
# Belarus V.Makei at …", "Statement by Deputy Minister … , Andrei Dapkiunas, at …".
SPEAKER_IN_TITLE = re.compile(
    r"\b(?:Statement|Address|Remarks|Speech)\s+by\s+(?:the\s+)?(?P<role>(?:Deputy\s+)?(?:Foreign\s+)?Minister"
    r"(?:\s+of\s+Foreign\s+Affairs)?(?:\s+of\s+(?:the\s+Republic\s+of\s+)?[A-Z][a-z]+)?),?\s+"
    r"(?P<name>[A-Z]\.\s?[A-Z][a-z]+|[A-Z][a-z]+\s+[A-Z][a-z]+)\b")

PRONOUNS = {"he", "she", "they", "it", "we"}
# A double-quoted passage inside a sentence (what was said, not when).
REPORTED_CLAUSE = re.compile(rf"\b(?:{CUE_WORDS}) that\b.*$")


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parsed = dateparser.parse(value.strip()[:40], languages=["en"],
                              settings={"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False})
    return plausible(parsed.date()) if parsed else None


def plausible(day: dt.date | None, latest: dt.date | None = None) -> dt.date | None:
    """The day, unless it is before EARLIEST_DATE or after `latest` (None: no upper bound)."""
    return day if day and EARLIEST_DATE <= day and (latest is None or day <= latest) else None


def latest_day(page: StoredPage) -> dt.date | None:
    """The last day a page can be dated: the day after it was fetched (time zones); None for a
    page whose fetch time is not known. The page's own time, never the clock's: reading stays pure."""
    return page.fetched_at.date() + dt.timedelta(days=1) if page.fetched_at else None


def _json_ld_dates(tree) -> list[str]:
    found = []
    for blob in tree.xpath(JSON_LD):
        try:
            data = json.loads(blob)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack += item
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                stack += [v for v in item.values() if isinstance(v, (list, dict))]
    return found


def metadata_date(tree) -> dt.date | None:
    for xpath in PUBLISHED_META:
        for value in tree.xpath(xpath):
            day = _parse_date(value)
            if day:
                return day
    return next(filter(None, map(_parse_date, _json_ld_dates(tree))), None)


def url_date(url: str) -> dt.date | None:
    path = urlsplit(url).path
    if match := URL_DATE.search(path):
        year, month, day = map(int, match.groups())
    elif (match := URL_DATE_MONTH_NAME.search(path)) and match.group(2).lower() in MONTHS:
        year, month, day = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        return None
    try:
        return plausible(dt.date(year, month, day))
    except ValueError:
        return None


def metadata_timestamps_in_utc(tree) -> bool:
    values = [v for xpath in PUBLISHED_META for v in tree.xpath(xpath)] + _json_ld_dates(tree)
    return bool(values) and bool(UTC_SUFFIX.search(values[0].strip()))


def local_day(tree, declared: dt.date, url: str) -> tuple[dt.date, str]:
    """The declared date, unless it is a UTC day one off the URL's date (then the URL's)."""
    in_url = url_date(url)
    if in_url and abs((declared - in_url).days) == 1 and metadata_timestamps_in_utc(tree):
        return in_url, "url"
    return declared, "page_metadata"


def text_date(text: str) -> dt.date | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[-TEXT_DATE_LINES:][::-1] + lines[:TEXT_DATE_LINES]:
        match = DATE_LINE.match(line)
        if match:
            day = _parse_date(match.group(1))
            if day:
                return day
    return None


def markup_date(html: str, url: str, latest: dt.date | None = None) -> dt.date | None:
    """The publication date htmldate finds in the markup; its extensive search (any date-like
    text) is left out: template and copyright dates would pass for publication dates."""
    found = htmldate.find_date(html, url=url, original_date=True, extensive_search=False,
                               max_date=latest.isoformat() if latest else None)
    return plausible(dt.date.fromisoformat(found), latest) if found else None


def date_with_basis(tree, title: str, url: str, text: str, listing: dict | None,
                    latest: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The first day found, by the bases in order, that is not after `latest`."""
    listed = (listing or {}).get("date")
    candidates = (
        ("page_metadata", lambda: metadata_date(tree)),
        ("title", lambda: full_title_date(title)),
        ("url", lambda: url_date(url)),
        ("listing", lambda: plausible(iso_date(listed))),
        ("text", lambda: text_date(text)),
    )
    for basis, find in candidates:
        day = plausible(find(), latest)
        if day:
            return local_day(tree, day, url) if basis == "page_metadata" else (day, basis)
    return None, "undated"


def page_title(tree, extracted: str | None) -> str:
    """The headline: the page's first <h1> when the <title> repeats it (the <title> then only adds
    the site's name), else the title trafilatura read from the metadata, else <title>."""
    first_h1 = next((clean_text(h.text_content()) for h in tree.xpath(FIRST_H1)), "")
    head_title = next((clean_text(t.text_content()) for t in tree.xpath(HEAD_TITLE)), "")
    if first_h1 and first_h1 in head_title:
        return first_h1
    return clean_text(extracted or "") or head_title or first_h1


def page_language(tree, source: Source, text: str = "") -> str:
    """The language of the text where it is clear (podium.cleaning.text_language), else the page's
    declared language (`<html lang>`), else the source's."""
    declared = (tree.get("lang") or "").split("-")[0].strip().lower()
    declared = declared if re.fullmatch(r"[a-z]{2}", declared) else source.language
    return text_language(text, declared) or declared


def authors(tree, extracted: str | None) -> list[str]:
    raw = extracted or next((v for x in AUTHOR_META for v in tree.xpath(x) if v.strip()), "")
    names = [clean_text(name) for name in re.split(r";|,| and ", raw or "")]
    return [name for name in names if name and not name.startswith("http")]


def headlines(tree) -> list[str]:
    """The page's own titles (first <h1>, og:title, <title> and its part before the site's name):
    a body line that only repeats one of them is the headline, not article text."""
    found = [clean_text(e.text_content()) for x in (FIRST_H1, HEAD_TITLE) for e in tree.xpath(x)]
    found += [clean_text(v) for v in tree.xpath(OG_TITLE)]
    found += [SITE_NAME_SUFFIX.split(t)[0] for t in found if SITE_NAME_SUFFIX.search(t)]
    return [t for t in found if t]


def _trafilatura_text(html, url: str) -> str:
    # Never fast=True: without its fallback extractors trafilatura loses whole articles on pages it
    # was not tuned for (F1 0.85 against 0.91 on unseen news pages, the same on the dev pages).
    return trafilatura.extract(html, url=url, fast=False, favor_precision=True, include_comments=False,
                               include_tables=True, deduplicate=False) or ""


def _newspaper_text(html: str, url: str) -> str:
    from newspaper import Article  # imported late: slow to import, rarely needed

    article = Article(url, fetch_images=False)  # never fetch images: no network while parsing
    try:
        article.download(input_html=html)
        article.parse()
    except Exception as error:  # newspaper4k raises several kinds (e.g. a missing tokenizer)
        log.warning("newspaper4k could not parse %s: %s", url, error)
        return ""
    return article.text or ""


def body_text(html: str, url: str, tree=None) -> str:
    """The article's main text, one cleaned paragraph a line (see podium.cleaning).

    trafilatura's text, checked line by line against newspaper4k's (podium.cleaning.agreed_body):
    trafilatura keeps more of the article, newspaper4k less of what surrounds it. Chosen on the
    article-extraction benchmark and on news pages no rule was tuned on: bench/extraction.py.
    `tree`: parse(html), if the caller has it."""
    if tree is None:
        try:
            tree = parse(html)
        except PageDecodeError:  # e.g. XHTML with an XML declaration, which trafilatura still reads
            pass
    titles = headlines(tree) if tree is not None else []
    # The page itself, not our tree: trafilatura's own loading extracts better (measured).
    text = clean_body(_trafilatura_text(html, url), titles)
    return agreed_body(text, clean_body(_newspaper_text(html, url), titles))


def _read(page: StoredPage) -> tuple[str, str, object]:
    try:
        encoding, html = decode(page.body, page.content_type)
        return encoding, html, parse(html)
    except PageDecodeError as error:
        raise ExtractionError(f"{page.url}: {error}") from error


def extract_article(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A news article or a ministry's statement page → its document (and, for statement sources,
    one press statement attributed to whoever the title names, else to the institution)."""
    encoding, html, tree = _read(page)
    # only the title and author are used: the date search is left to date_with_basis/markup_date,
    # so trafilatura's (htmldate's extensive search) is skipped
    meta = trafilatura.extract_metadata(html, default_url=page.url, extensive=False)
    text = body_text(html, page.url, tree)
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError(f"{page.url}: no article text found ({len(text)} characters)")
    title = page_title(tree, meta.title if meta else None)
    published, basis = date_with_basis(tree, title, page.url, text, page.listing, latest_day(page))
    if published is None and source.kind == "news":
        published = markup_date(html, page.url, latest_day(page))
        basis = "page_markup" if published else basis
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type="statement" if source.kind == "statement" else "article", title=title,
        published_at=published, date_basis=basis, date_latest=None, language=page_language(tree, source, text),
        text=text, text_hash=text_hash(text), encoding=encoding, extractor=EXTRACTOR_VERSION,
        authors=authors(tree, meta.author if meta else None),
    )
    return Extraction(document, statements_of(document, source, registry))


def statements_of(document: Document, source: Source, registry: Registry) -> list[Statement]:
    if source.kind == "statement":
        return [press_statement(document, source, registry)]
    if source.kind == "news":
        return news_statements(document, registry)
    return []


def speaker_in_title(title: str) -> tuple[str, str] | None:
    """(name, role) of the person a statement's title says made it, if it names one."""
    match = SPEAKER_IN_TITLE.search(title or "")
    return (match.group("name"), clean_text(match.group("role"))) if match else None


def press_statement(document: Document, source: Source, registry: Registry) -> Statement:
    named = speaker_in_title(document.title)
    speaker = registry.resolve(named[0]) if named else None
    role = speaker.role_on(document.published_at) if speaker else None
    return Statement(
        statement_id=statement_id_for(document.doc_id, 1), doc_id=document.doc_id, seq=1,
        speaker_id=speaker.speaker_id if speaker else None,
        speaker_raw=named[0] if named else source.institution,
        role=role.role if role else (named[1] if named else None),
        institution=role.institution if role else source.institution,
        country=speaker.country if speaker else source.country,
        statement_date=document.published_at, date_basis=document.date_basis, kind="press_statement",
        text=document.text, question=None, questioner=None, char_start=0, char_end=len(document.text),
        language=document.language,
    )


def news_statements(document: Document, registry: Registry) -> list[Statement]:
    """Every quote of a news report, in text order, as a statement; quotes without a named
    person ("officials said", "the ministry said") are kept with the organisation they give."""
    quotes = find_quotes(document.text, registry)
    return [quote_statement(document, quote, seq, registry, day)
            for seq, (quote, day) in enumerate(zip(quotes, quote_dates(document, quotes)), start=1)]


def quote_dates(document: Document, quotes: list[Quote]) -> list[tuple[dt.date | None, str]]:
    """When each quote was said: its own sentence's day, then what the whole report says."""
    if not document.published_at:
        return [(None, document.date_basis)] * len(quotes)
    lede = next((document.text[p.start:p.end] for p in paragraphs(document.text)), None)
    own = [statement_date(attribution_words(document, q), document.published_at, lede=lede) for q in quotes]
    return settle_dates(own, quotes, document.text, document.published_at)


def quote_statement(document: Document, quote: Quote, seq: int, registry: Registry,
                    dated: tuple[dt.date | None, str]) -> Statement:
    day, basis = dated
    speaker = registry.by_id(quote.speaker_id)
    held = speaker.role_on(day, prefer=_role_noun(quote.role)) if speaker else None
    return Statement(
        statement_id=statement_id_for(document.doc_id, seq), doc_id=document.doc_id, seq=seq,
        speaker_id=quote.speaker_id, speaker_raw=quote.speaker_raw,
        role=held.role if held else quote.role,
        institution=held.institution if held else _organisation(quote.organisation),
        country=speaker.country if speaker else None,
        statement_date=day, date_basis=basis, kind=quote.kind, text=quote.text, question=None,
        questioner=None, char_start=quote.char_start, char_end=quote.char_end, language=document.language,
    )


def attribution_words(document: Document, quote: Quote) -> str:
    """The quote's sentence without what was said: a day named in the quoted words ("the call on
    July 25") is not the day they were said; the attribution's ("she said on Tuesday") is."""
    said = document.text[quote.char_start:quote.char_end].strip()
    words = quote.context.replace(said, " ") if said else quote.context
    # 'he claimed that Canberra's decision to cancel it on Wednesday has "seriously damaged …"':
    # what follows "claimed that" is what was said, its days included
    words = REPORTED_CLAUSE.sub(" ", words)
    return unquoted(words)


def _organisation(words: str | None) -> str | None:
    """The organisation a quote gives, not a pronoun ("they said": a group the text named before)."""
    return None if not words or words.lower() in PRONOUNS else words


def _role_noun(role: str | None) -> str | None:
    """The noun of a role as an article writes it ("Chinese Foreign Ministry spokesperson" →
    "spokesperson"), to pick the registry's role of that kind when a speaker holds several."""
    words = (role or "").split()
    return words[-1] if words else None

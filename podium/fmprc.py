"""China MFA pages: the TRS CMS templates of its columns, as recorded 2016–2020 and as served today.

Selectors are named here once; the spiders take links from `read_listing`, the extractor reads
titles and paragraphs with the detail selectors. Two eras, both read:

* 2016–2020, www.fmprc.gov.cn: listings `default.shtml`, `default_1.shtml` …; English links in
  `div.newsLst_mod`, Chinese items in `div.rebox_news` with the date beside the link; detail
  pages `…/t<id>.shtml` with the title in `div.content_mod h2.title` (English) or
  `#News_Body_Title` (Chinese), the body in `div.content_mod div.content` or `#News_Body_Txt_A`.
* Today, www.mfa.gov.cn (www.fmprc.gov.cn URLs of 2021 and later lead there): listings
  `index.shtml`, `index_1.shtml` … (English: `index.html`, `index_1.html` …), links under
  `ul.list1`; detail pages `…/YYYYMM/tYYYYMMDD_<n>.shtml` (Chinese) and `….html` (English), the
  title in `div.news-title h1` (from late 2021; `#News_Body_Title` before), the date line in
  `div.news-title p.time`, the body still in `#News_Body_Txt_A`.

A listing where no selector matches is read by the shape of its links' URLs (ARTICLE_PATH below
the listing's folder) and says so (`Listing.by_url_pattern`); a detail page where no body selector
matches raises LayoutChanged naming the selectors: a redesign is seen the first night.

Chinese column 发言人表态: besides the 例行记者会 transcripts it lists single answers (答记者问),
statements (发表谈话) and announcements ("外交部发言人耿爽宣布：…"). They are read the same way:
a question makes an `answer`; text without a question is the spokesperson's `press_statement`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from podium.dates import DatedAs, date_of_briefing, date_of_listed_item, iso_date
from podium.extract import (Document, Extraction, ExtractionError, LayoutChanged, Statement, StoredPage,
                            doc_id_for, statement_id_for, text_hash)
from podium.html import clean_text, decode, element_text, lines, parse
from podium.settings import Source
from podium.speakers import Registry
from podium.transcript import CJK, Paragraph, Turn, TurnRules, segment

# -- listings ------------------------------------------------------------------------------------
LISTING_LINKS = "div.newsLst_mod ul li a"  # English, 2016–2020
LISTING_ITEMS_ZH = "div.rebox_news ul li"  # Chinese, 2016–2020: <a href="./t….shtml">title</a>(2020-07-03)
LISTING_LINKS_TODAY = "ul.list1 li a"  # today (the Chinese column; the English one is assumed alike)
# One selector group: each part matches one era's markup and nothing on the other's pages.
LISTING_ANCHORS = f"{LISTING_LINKS}, {LISTING_ITEMS_ZH} a, {LISTING_LINKS_TODAY}"
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")  # beside a listed link ("(2020-07-03)"), in a date line
# The page count, in a script: "var countPage = 67" (2016–2020) or "createPageHTML(29, 0, …)".
LISTING_PAGE_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)|createPageHTML\(\s*['\"]?(\d+)")
# A listing page's file name: page 0 is default.shtml / index.shtml / index.html, page n <stem>_n.<ext>.
LISTING_PAGE_NAME = re.compile(r"^(?P<stem>default|index)(?:_(?P<index>\d+))?\.(?P<ext>s?html?)$")
FORMER_LISTING_STEM = "default"  # the 2016–2020 site's listings; today's are named index
# An article of the column, by its path below the listing's folder: t1794584.shtml (2016–2020),
# 202404/t20240403_11276141.shtml (Chinese today), 202305/t20230524_11083200.html (English today).
ARTICLE_PATH = re.compile(r"^(?:t\d+|\d{6}/t\d{8}_\d+)\.s?html?$")
ARTICLE_DAY = re.compile(r"/\d{6}/t(?P<day>\d{8})_\d+\.s?html?$")

# -- detail pages --------------------------------------------------------------------------------
DETAIL_TITLE = "div.content_mod h2.title"  # English, 2016–2020
DETAIL_TITLE_ZH = "#News_Body_Title"  # Chinese, until late 2021
DETAIL_TITLE_TODAY = "div.news-title h1"  # both languages, today
DETAIL_BODY = "div.content_mod div.content"  # English, 2016–2020
DETAIL_BODY_ZH = "#News_Body_Txt_A"  # Chinese of both eras; English today
DETAIL_BODIES = f"{DETAIL_BODY}, {DETAIL_BODY_ZH}"  # as named in a LayoutChanged error
DETAIL_DATE_ZH = "#News_Body_Time"  # "2019-05-14", "2020-09-02 19:08"; empty on English 2016–2020 pages
DETAIL_DATE_TODAY = "div.news-title p.time"  # "2024-04-03 21:30"
DETAIL_PARAGRAPHS = ".//p"
# Some titles hold "&lt;br&gt;": the page's own script turns it into a line break.
TITLE_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
SPOKESPERSON_IN_TITLE = re.compile(r"Spokesperson\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})['’]s\b")
# "…外交部发言人耿爽主持例行记者会", "…发言人华春莹就…答记者问", "外交部发言人耿爽2月15日答记者问";
# not "外交部发言人就第74届…" (no name: 就 opens the topic).
SPOKESPERSON_IN_TITLE_ZH = re.compile(r"发言人(?!就)(?P<name>[\u4e00-\u9fff]{2,3}?)(?=主持|就|答|发表|表明|宣布|\d)")
# Announcements open with "外交部发言人耿爽宣布：" and name the spokesperson only there.
SPOKESPERSON_ANNOUNCES_ZH = re.compile(r"^外交部发言人(?P<name>[\u4e00-\u9fff]{2,3}?)(?:宣布|表示)[:：]")
UNNAMED_SPOKESPERSON_ZH = "外交部发言人"
BRIEFING_IN_TITLE_ZH = "例行记者会"
BOLD_QUESTION_SHARE = 0.6  # a paragraph mostly in <b>/<strong> is a question
# A row of asterisks parts the questions from a closing note; set in bold, it is still no question.
SEPARATOR_LINE = re.compile(r"^[*＊]+$")
BOOK_TITLE_MARKS = re.compile(r"[《》]")
EXTRACTOR_VERSION = "fmprc-transcript-2"

# -- turns (podium/transcript.py) ---------------------------------------------------------------
# Older era: questions `Q:`, answers `A:` (the spokesperson of the title); in Chinese `问：`, `答：`.
# Newer era: a question opens with the outlet (`Reuters:`, `Follow-up:`), an answer with the
# speaker's name (`Zhao Lijian:`); in Chinese the reporter (`路透社记者：`, `彭博社记者追问：`, `追问：`)
# and the name (`赵立坚：`). A reporter's label marks a question even when it is not in bold (short
# interjections such as `记者：是的。` are set in plain type). Questions are otherwise set in bold.
TURN_LABEL = re.compile(r"^(?P<label>[^:：]{1,45}?)\s*[:：]\s*(?P<rest>.*)$", re.DOTALL)
ANSWER_LABELS = frozenset({"a", "答"})
QUESTION_LABELS = {"q", "问"}
# Labels that say a question was asked without naming who asked it.
ANONYMOUS_QUESTIONERS = {
    "q", "问", "follow-up", "follow up", "journalist", "reporter", "foreign journalist",
    "journalist adds", "记者", "追问",
}
# Chinese labels of a question: "<outlet>记者", "记者追问", "彭博社记者提问", "会后有记者问及", "追问二".
REPORTER_LABEL = re.compile(r"记者(?:追问|提问|问及?|澄清|解释)?$|^追问")
# The outlet in a Chinese reporter's label ("中央广播电视总台央视记者" → "中央广播电视总台央视").
OUTLET_LABEL = re.compile(r"^(?P<outlet>[^，,、（(]+?)记者(?:追问|提问)?$")


class NoTranscriptBody(ValueError):
    """The page has the detail template but no text in its body."""


@dataclass(frozen=True)
class ListedLink:
    url: str
    anchor: str
    shown_date: str | None = None  # the date shown beside the link ("2020-07-03"), if any


@dataclass(frozen=True)
class Listing:
    links: tuple[ListedLink, ...]
    by_url_pattern: bool = False  # no listing selector matched: the links (if any) are found by URL shape
    page_count: int | None = None


@dataclass(frozen=True)
class DetailPage:
    title: str
    paragraphs: tuple[Paragraph, ...]
    page_date: str | None = None  # the page's own date line, when the template has one


def read_listing(text: str, page_url: str) -> Listing:
    """The article links of a listing page of either era, in listing order, and its page count.
    When no listing selector matches: the links below the listing's folder whose path has an
    article's shape (ARTICLE_PATH), each once."""
    tree = parse(text)
    anchors = [a for a in tree.cssselect(LISTING_ANCHORS) if a.get("href")]
    count = listing_page_count(text) or _pager_count(tree, page_url)
    if anchors:
        return Listing(tuple(_listed(a, page_url) for a in anchors), False, count)
    found = [_listed(a, page_url) for a in tree.xpath("//a[@href]")]
    return Listing(_first_of_each([link for link in found if is_column_article(link.url, page_url)]), True, count)


def _listed(anchor, page_url: str) -> ListedLink:
    """A link, with the date shown beside it in its list item (or in its own text)."""
    parent = anchor.getparent()
    item = parent if parent is not None and parent.tag == "li" else anchor
    shown = ISO_DATE.search(element_text(item))
    return ListedLink(urljoin(page_url, anchor.get("href")), element_text(anchor), shown.group(1) if shown else None)


def _first_of_each(links: list[ListedLink]) -> tuple[ListedLink, ...]:
    """The links in order, a URL linked twice (title and "more") kept at its first place."""
    first: dict[str, ListedLink] = {}
    for link in links:
        first.setdefault(link.url, link)
    return tuple(first.values())


def is_column_article(url: str, listing_url: str) -> bool:
    """Whether `url` is an article page of the column that `listing_url` lists (same folder)."""
    folder = urlsplit(listing_url).path.rsplit("/", 1)[0] + "/"
    path = urlsplit(url).path
    return path.startswith(folder) and bool(ARTICLE_PATH.match(path[len(folder):]))


def url_date(url: str) -> dt.date | None:
    """The day in an article URL of today's site (…/202404/t20240403_11276141.shtml)."""
    match = ARTICLE_DAY.search(urlsplit(url).path)
    try:
        return dt.datetime.strptime(match.group("day"), "%Y%m%d").date() if match else None
    except ValueError:
        return None


def listing_page_count(text: str) -> int | None:
    match = LISTING_PAGE_COUNT.search(text)
    return int(match.group(1) or match.group(2)) if match else None


def _pager_count(tree, page_url: str) -> int | None:
    """Without a count in a script: one more than the highest page a pager link names."""
    indexes = [int(m.group("index")) for href in tree.xpath("//a/@href")
               if (m := LISTING_PAGE_NAME.match(urljoin(page_url, href).rsplit("/", 1)[1])) and m.group("index")]
    return max(indexes) + 1 if indexes else None


def listing_page_url(first_page_url: str, index: int) -> str:
    """Page `index` (0 = the first) of a listing: default.shtml → default_3.shtml (2016–2020),
    index.shtml → index_3.shtml, index.html → index_3.html (today)."""
    base, name = first_page_url.rsplit("/", 1)
    match = LISTING_PAGE_NAME.match(name)
    if not match:
        raise ValueError(f"{first_page_url} is not the first page of a listing "
                         "(default.shtml, index.shtml or index.html)")
    stem, ext = match.group("stem"), match.group("ext")
    return f"{base}/{stem}.{ext}" if index == 0 else f"{base}/{stem}_{index}.{ext}"


def is_former_listing(url: str) -> bool:
    """A listing of the 2016–2020 site (default.shtml): today's site lists its columns elsewhere."""
    match = LISTING_PAGE_NAME.match(urlsplit(url).path.rsplit("/", 1)[1])
    return bool(match) and match.group("stem") == FORMER_LISTING_STEM


# What a listed link is staged with, for the extractor. English column: its place and its
# neighbours' titles, NEIGHBOURS on each side (a defective title's date is inferred from them);
# Chinese column: its place and the date shown beside it.
NEIGHBOURS = 10


def english_listing_metadata(listing_url: str, page: int, links: tuple[ListedLink, ...], i: int,
                             newer_before: list[str]) -> dict:
    """The listing metadata of the i-th link of an English listing page; `newer_before`: the
    titles above this page (the previous page's, nearest first)."""
    anchors = [link.anchor for link in links]
    newer = (anchors[:i][::-1] + newer_before)[:NEIGHBOURS]
    metadata = {"listing_url": listing_url, "page": page, "rank": i, "anchor": anchors[i], "newer": newer,
                "older": anchors[i + 1:i + 1 + NEIGHBOURS]}
    if links[i].shown_date:
        metadata["list_date"] = links[i].shown_date
    return metadata


def chinese_listing_metadata(listing_url: str, page: int, link: ListedLink, rank: int) -> dict:
    """The listing metadata of a link of a Chinese listing page."""
    return {"listing_url": listing_url, "page": page, "rank": rank, "anchor": link.anchor, "list_date": link.shown_date}


def listed_item_date(url: str, listing: dict) -> dt.date | None:
    """A listed item's date as the extractor reads it: a full date in its title, else the title's
    month and day in the year of the listing's date, else the listing's date; without any of them,
    the day in its URL (today's site names pages tYYYYMMDD_<n>)."""
    dated = date_of_listed_item(listing["anchor"], iso_date(listing.get("list_date"))).date
    return dated or url_date(url)


def read_detail(text: str) -> DetailPage:
    tree = parse(text)
    title = _title(tree)
    bodies = tree.cssselect(DETAIL_BODY) or tree.cssselect(DETAIL_BODY_ZH)
    if not bodies:
        raise LayoutChanged(f"detail page {title!r} has no body: selector {DETAIL_BODIES!r} matched nothing",
                            DETAIL_BODIES)
    paragraphs = tuple(_paragraphs(bodies[0]))
    if not paragraphs:
        raise NoTranscriptBody(f"detail page {title!r} has an empty body (no text in {DETAIL_BODIES!r})")
    return DetailPage(title, paragraphs, _page_date(tree))


def _title(tree) -> str:
    found = (tree.cssselect(DETAIL_TITLE) or tree.cssselect(DETAIL_TITLE_ZH) or tree.cssselect(DETAIL_TITLE_TODAY)
             or tree.xpath("//title"))
    return clean_text(TITLE_LINE_BREAK.sub("", element_text(found[0]))) if found else ""


def _page_date(tree) -> str | None:
    """The page's date line as an ISO date ("2020-09-02 19:08" → "2020-09-02"), if it has one."""
    for element in tree.cssselect(DETAIL_DATE_TODAY) or tree.cssselect(DETAIL_DATE_ZH):
        shown = ISO_DATE.search(element_text(element))
        if shown:
            return shown.group(1)
    return None


def _paragraphs(body):
    for element in body.xpath(DETAIL_PARAGRAPHS):
        for text, bold_share in lines(element):
            yield Paragraph(text, bold_share >= BOLD_QUESTION_SHARE and not SEPARATOR_LINE.match(text))


def spokesperson_in_title(title: str) -> str | None:
    match = SPOKESPERSON_IN_TITLE.search(title) or SPOKESPERSON_IN_TITLE_ZH.search(title)
    return match.group("name") if match else None


def spokesperson_of(detail: DetailPage) -> str | None:
    """Who speaks for the ministry on this page: named in the title, else in an announcement's
    opening line; a Chinese item that names no one is still the spokesperson's (外交部发言人)."""
    named = spokesperson_in_title(detail.title)
    if named:
        return named
    announced = SPOKESPERSON_ANNOUNCES_ZH.match(detail.paragraphs[0].text)
    if announced:
        return announced.group("name")
    return UNNAMED_SPOKESPERSON_ZH if CJK.search(detail.title) else None


def date_of_page(detail: DetailPage, listing: dict) -> DatedAs:
    """Chinese pages: the title, the listing's date, the page's date line. English pages: the
    title and its listing neighbours (podium/dates.py says why); a title without a date takes the
    listing's or the page's date (today's pages have a date line) before the neighbours' range."""
    list_date, page_date = iso_date(listing.get("list_date")), iso_date(detail.page_date)
    if CJK.search(detail.title):
        return date_of_listed_item(detail.title, list_date, page_date)
    dated = date_of_briefing(detail.title, listing.get("newer"), listing.get("older"))
    if dated.basis in ("title", "title_repaired", "title_year_from_listing") or not (list_date or page_date):
        return dated
    return date_of_listed_item(detail.title, list_date, page_date)


def is_statement_item(title: str) -> bool:
    """A Chinese item other than a 例行记者会 transcript: its text without a question is a
    press statement of the spokesperson rather than a briefing's opening remarks."""
    return bool(CJK.search(title)) and BRIEFING_IN_TITLE_ZH not in title


def extract_transcript(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A briefing transcript page → its document and one statement per turn."""
    try:
        encoding, text = decode(page.body, page.content_type)
        detail = read_detail(text)
    except ExtractionError:
        raise  # LayoutChanged: recorded as such, its selector named
    except ValueError as error:
        raise ExtractionError(str(error)) from error
    dated = date_of_page(detail, page.listing or {})
    unasked = "press_statement" if is_statement_item(detail.title) else "opening_remarks"
    transcript = segment(detail.paragraphs, turn_rules(spokesperson_of(detail), registry, unasked))
    turns = transcript.turns
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type=_doc_type(turns), title=detail.title,
        published_at=dated.date, date_basis=dated.basis, date_latest=dated.latest,
        language=source.language, text=transcript.text, text_hash=text_hash(transcript.text),
        encoding=encoding, extractor=EXTRACTOR_VERSION,
    )
    statements = [_statement(document, seq, turn, source, registry) for seq, turn in enumerate(turns, 1)]
    return Extraction(document, statements)


def turn_rules(spokesperson: str | None, registry: Registry, unasked_kind: str) -> TurnRules:
    """A page's turn rules: its spokesperson answers unlabelled and under `A:`."""
    return TurnRules(
        label=TURN_LABEL, is_question=is_question_label, is_speaker=lambda label: registry.resolve(label) is not None,
        questioner_of=questioner_of, default_speaker=spokesperson, answer_labels=ANSWER_LABELS,
        bold_questions=True, unlabelled_opens_turn=True, unasked_kind=unasked_kind,
    )


def is_question_label(label: str) -> bool:
    return label.casefold() in QUESTION_LABELS or bool(REPORTER_LABEL.search(label))


def questioner_of(label: str | None) -> str | None:
    """Who asked: the outlet named in the label, or None when the label names nobody."""
    if label is None or label.casefold() in ANONYMOUS_QUESTIONERS:
        return None
    if CJK.search(label):  # only "<outlet>记者" names someone; "会后有记者问及" does not
        match = OUTLET_LABEL.match(label)
        return match.group("outlet").strip("《》 ") if match else None
    return label


def _doc_type(turns: tuple[Turn, ...]) -> str:
    if not turns:
        return "page"
    return "statement" if all(turn.kind == "press_statement" for turn in turns) else "transcript"


def _statement(document: Document, seq: int, turn: Turn, source: Source, registry: Registry) -> Statement:
    speaker = registry.resolve(turn.speaker) if turn.speaker else None
    role = speaker.role_on(document.published_at, prefer="Spokesperson") if speaker else None
    return Statement(
        statement_id=statement_id_for(document.doc_id, seq), doc_id=document.doc_id, seq=seq,
        speaker_id=speaker.speaker_id if speaker else None, speaker_raw=turn.speaker,
        role=role.role if role else None,
        institution=role.institution if role else source.institution,
        country=speaker.country if speaker else source.country,
        statement_date=document.published_at, date_basis=document.date_basis, kind=turn.kind,
        text=turn.text, question=turn.question, questioner=_outlet(turn.questioner),
        char_start=turn.char_start, char_end=turn.char_end, language=document.language,
    )


def _outlet(questioner: str | None) -> str | None:
    """An outlet without book-title marks, inner ones too: "韩国《中央日报》" → "韩国中央日报"."""
    return BOOK_TITLE_MARKS.sub("", questioner) if questioner else questioner

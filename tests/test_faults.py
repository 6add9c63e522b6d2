"""Hostile servers: real nightly runs against a fault-injection site (tests/faults.py).

For every fault the run finishes; a failure is a crawl_errors row with the URL and a reason a
person can read; the next run, with the transient faults gone, retries and archives those pages;
and what was archived before keeps its documents and statements.

All faults share one site and one pair of nightly runs (faulty, then healed): a run per fault
would cost minutes of crawling each on a shared machine, and the faults do not interact — each
is a different URL of the same listing. Transient faults (5xx, 429, timeouts, truncation) heal
in the second run; permanent ones (too large, not HTML, redirect loop, robots.txt) stay and are
recorded again.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

import pytest

from conftest import SNAPSHOTS
from faults import Answer, FaultSite, error, huge, page, redirect, serving, slow, truncated
from podium.extract import ExtractionError, StoredPage, refuse_non_html
from podium.html import PageDecodeError, decode, parse
from storage.db import open_archive

BASE = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
LISTING_URL = BASE + "default.shtml"
# A real listing page (the 13th of the recording), made the only page so the crawl stops there.
LISTING = re.sub(rb"var\s+countPage\s*=\s*\d+", b"var countPage = 1",
                 (SNAPSHOTS / "fmprc_en" / "list" / "default_12.shtml").read_bytes())
TIMEOUT = 2  # seconds: the download timeout of these runs; the slow page takes twice as long


def url(stem: str) -> str:
    return f"{BASE}{stem}.shtml"


def en_page(stem: str) -> bytes:
    return (SNAPSHOTS / "fmprc_en" / "detail" / f"{stem}.shtml").read_bytes()


def zh_text(stem: str) -> str:
    return gzip.decompress((SNAPSHOTS / "fmprc_zh" / "detail" / f"{stem}.shtml.gz").read_bytes()).decode("utf-8")


# Chinese pages and their titles as the pages' News_Body_Title shows them. Re-encoded as GBK, the
# one character GBK lacks (the ç of the nav bar's "Français") becomes a character reference.
GBK_PAGE = zh_text("t1611144").encode("gbk", errors="xmlcharrefreplace")
GBK_TITLE = "2018年11月7日外交部发言人华春莹主持例行记者会"
UTF8_PAGE = zh_text("t1616338").encode("utf-8")
UTF8_TITLE = "2018年11月26日外交部发言人耿爽主持例行记者会"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LOOP = url("t1562307")
UNDECODABLE = b"<html><body>" + bytes(range(256)) * 8  # served as UTF-8 HTML: no encoding makes text of it


@dataclass(frozen=True)
class Case:
    stem: str                  # the listed URL it happens at
    good: Answer               # what a healthy server answers
    fault: Answer | None = None  # what the faulty server keeps answering instead
    first: tuple = ()          # answered once each before that
    reason: str | None = None  # pattern of the crawl error; None: archived by the first run
    stage: str = "fetch"
    heals: bool = True         # whether the second run's server is healthy for it


CASES = {
    "5xx then success": Case("t1567257", page(en_page("t1568234")), first=(error(500), error(502), error(503))),
    "good page": Case("t1566835", page(en_page("t1566835"))),
    "429 Retry-After too long": Case("t1566463", page(en_page("t1568643")), error(429, retry_after=3600),
                                     reason=r"HTTP 429 Too Many Requests.*Retry-After 3600 s"),
    "slower than the timeout": Case("t1566054", page(en_page("t1569335")), slow(page(en_page("t1569335")), 2 * TIMEOUT),
                                    reason=rf"no answer within the {TIMEOUT} s download timeout"),
    "truncated body": Case("t1565728", page(en_page("t1572054")), truncated(en_page("t1572054")),
                           reason=r"connection closed before the whole page arrived"),
    "GBK served as UTF-8": Case("t1564980", page(GBK_PAGE, "text/html; charset=utf-8")),
    "UTF-8 served as GBK": Case("t1564526", page(UTF8_PAGE, "text/html; charset=gbk")),
    "good page 2": Case("t1563933", page(en_page("t1563933"))),
    "20 MB page": Case("t1563568", page(en_page("t1573983")), huge(20_000_000), heals=False,
                       reason=r"larger than the 10 MB download limit"),
    "PDF": Case("t1562652", page(en_page("t1577090")), page(PDF, "application/pdf"), heals=False,
                stage="extract", reason=r"^not an HTML page \(application/pdf\)$"),
    "redirect loop": Case("t1562307", page(en_page("t1579567")), redirect(LOOP + "?to=b"), heals=False,
                          reason=r"redirect loop: .*t1562307\.shtml → .*\?to=b → .*t1562307\.shtml"),
    "robots.txt": Case("t1561931", page(en_page("t1581940")), heals=False, reason=r"disallowed by robots\.txt"),
    "undecodable bytes": Case("t1560672", page(UNDECODABLE), heals=False, stage="extract",
                              reason=r"^binary content \(NUL bytes\), not a text page$"),
    "503 every time": Case("t1561528", page(en_page("t1583054")), error(503),
                           reason=r"HTTP 503 Service Unavailable, still after 3 retries"),
}
ROBOTS = f"User-agent: *\nDisallow: /mfa_eng/xwfw_665399/s2510_665401/2511_665403/{CASES['robots.txt'].stem}.shtml\n"


def fault_site(healed: bool) -> FaultSite:
    site = FaultSite(ROBOTS)
    site.add(LISTING_URL, page(LISTING))
    for case in CASES.values():
        faulty = case.fault is not None and not (healed and case.heals)
        site.add(url(case.stem), case.fault if faulty else case.good, *(() if healed else case.first))
    # the other half of the redirect loop
    site.add(LOOP + "?to=b", redirect(LOOP))
    return site


def nightly_over(site: FaultSite, archive) -> dict:
    from flows.nightly import nightly

    with serving(site) as server:
        return nightly(sources=["fmprc_en"], replay=server.url, archive=str(archive))


def archived(archive) -> dict:
    """What the archive holds: documents by URL (title, encoding), statements by document URL,
    crawl errors by URL (stage, reason) in order."""
    with open_archive(archive, read_only=True) as con:
        docs = {u: (t, e) for u, t, e in con.execute("SELECT url, title, encoding FROM documents").fetchall()}
        statements = {}
        for doc_url, sid, text in con.execute("SELECT d.url, s.statement_id, s.text FROM statements s"
                                              " JOIN documents d USING (doc_id) ORDER BY 2").fetchall():
            statements.setdefault(doc_url, []).append((sid, text))
        errors = {}
        for err_url, stage, reason in con.execute("SELECT url, stage, error FROM crawl_errors"
                                                  " ORDER BY error_id").fetchall():
            errors.setdefault(err_url, []).append((stage, reason))
    return {"documents": docs, "statements": statements, "errors": errors}


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    """The archive after a run against the faulty site, and after a second run once healed."""
    archive = tmp_path_factory.mktemp("faults") / "archive.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("PODIUM_TIMEOUT_SECONDS", str(TIMEOUT))
    sites = (fault_site(healed=False), fault_site(healed=True))
    try:
        first_summary = nightly_over(sites[0], archive)
        first = archived(archive)
        second_summary = nightly_over(sites[1], archive)
        second = archived(archive)
    finally:
        mp.undo()
    return {"first": first, "second": second, "summaries": (first_summary, second_summary), "sites": sites}


def test_both_runs_finish(runs):
    assert [s["run"]["status"] for s in runs["summaries"]] == ["completed", "completed"]


@pytest.mark.parametrize("name, attempts", [("5xx then success", 4), ("503 every time", 4),
                                             ("slower than the timeout", 4), ("truncated body", 4),
                                             ("429 Retry-After too long", 1), ("20 MB page", 1),
                                             ("redirect loop", 1), ("PDF", 1), ("robots.txt", 0)])
def test_what_is_retried_within_a_run(runs, name, attempts):
    """Server errors, timeouts and truncation are retried (RETRY_TIMES = 3) before giving up;
    a long Retry-After, a too-large page, a loop, a non-HTML page and robots.txt are not."""
    assert len(runs["sites"][0].hits_of(url(CASES[name].stem))) == attempts


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.reason])
def test_a_failure_is_a_crawl_error_with_its_url_and_a_readable_reason(runs, name):
    case = CASES[name]
    errors = runs["first"]["errors"].get(url(case.stem))
    assert errors and len(errors) == 1, errors
    stage, reason = errors[0]
    assert stage == case.stage and re.search(case.reason, reason), reason
    assert url(case.stem) not in runs["first"]["documents"]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.reason is None])
def test_what_survives_retries_or_decodes_is_archived_in_the_first_run(runs, name):
    case = CASES[name]
    assert url(case.stem) in runs["first"]["documents"]
    assert runs["first"]["statements"].get(url(case.stem))
    assert url(case.stem) not in runs["first"]["errors"]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.reason and c.heals])
def test_the_next_run_retries_what_is_retryable(runs, name):
    case = CASES[name]
    assert url(case.stem) in runs["second"]["documents"]
    assert runs["second"]["statements"].get(url(case.stem))
    assert runs["second"]["errors"][url(case.stem)] == runs["first"]["errors"][url(case.stem)]  # history kept


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.heals])
def test_a_permanent_fault_is_tried_again_and_recorded_again(runs, name):
    case = CASES[name]
    errors = runs["second"]["errors"][url(case.stem)]
    assert len(errors) == 2 and all(re.search(case.reason, reason) for _, reason in errors), errors
    assert url(case.stem) not in runs["second"]["documents"]


def test_nothing_archived_before_is_lost(runs):
    first, second = runs["first"], runs["second"]
    assert first["documents"].items() <= second["documents"].items()
    for doc_url, statements in first["statements"].items():
        assert second["statements"][doc_url] == statements


@pytest.mark.parametrize("name, title", [("GBK served as UTF-8", GBK_TITLE), ("UTF-8 served as GBK", UTF8_TITLE)])
def test_a_wrongly_labelled_charset_is_decoded_right(runs, name, title):
    doc_title, encoding = runs["first"]["documents"][url(CASES[name].stem)]
    assert doc_title == title
    assert "\ufffd" not in "".join(text for _, text in runs["first"]["statements"][url(CASES[name].stem)])
    assert encoding in ({"gbk", "gb2312", "gb18030"} if "GBK served" in name else {"utf-8"})


# -- decoding rules, one by one ---------------------------------------------------------------

def test_decode_believes_a_label_that_fits():
    assert decode("Café".encode("cp1252"), "text/html; charset=windows-1252") == ("cp1252", "Café")
    assert decode(GBK_PAGE, "text/html; charset=gbk")[1] == GBK_PAGE.decode("gbk")


def test_decode_takes_valid_utf8_whatever_the_label_says():
    assert decode(UTF8_PAGE, "text/html; charset=gbk") == ("utf-8", UTF8_PAGE.decode("utf-8"))
    assert decode("Café".encode("utf-8"), "text/html; charset=iso-8859-1") == ("utf-8", "Café")


def test_decode_guesses_when_the_label_does_not_fit():
    encoding, text = decode(GBK_PAGE, "text/html; charset=utf-8")
    assert encoding in {"gbk", "gb2312", "gb18030"} and GBK_TITLE in text and "\ufffd" not in text


def test_an_xhtml_page_declaring_its_encoding_is_parsed():
    """lxml refuses a decoded string that declares an encoding; the declaration is dropped."""
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>Café</title></head><body><p>Hello</p></body></html>")
    assert parse(page).findtext(".//title") == "Café"


@pytest.mark.parametrize("body", [b"", b"  \n", b"\x00\x01\x02\xff\xfe\x00" * 200])
def test_decode_refuses_what_is_no_text(body):
    with pytest.raises(PageDecodeError):
        decode(body, "text/html; charset=utf-8")


# -- what is not a page -----------------------------------------------------------------------

def stored(body: bytes, content_type: str | None) -> StoredPage:
    return StoredPage("p", "fmprc_en", url("t1562652"), body, content_type)


@pytest.mark.parametrize("body, content_type, reason", [
    (PDF, "application/pdf", "not an HTML page (application/pdf)"),
    (PDF, "text/html; charset=utf-8", "not an HTML page (application/pdf, served as text/html)"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), None, "not an HTML page (image/png, served as no content type)"),
    (b"PK\x03\x04" + bytes(64), "application/octet-stream", "not an HTML page (application/octet-stream)"),
])
def test_a_binary_body_is_refused_with_its_kind(body, content_type, reason):
    with pytest.raises(ExtractionError) as refused:
        refuse_non_html(stored(body, content_type))
    assert str(refused.value) == reason


@pytest.mark.parametrize("content_type", ["text/html", "application/xhtml+xml", "application/rss+xml; charset=utf-8",
                                          "application/json", "application/xml", None])
def test_pages_feeds_and_json_are_let_through(content_type):
    refuse_non_html(stored(UTF8_PAGE, content_type))

"""Build the replay snapshots of the config-only sources (run by hand; see each PROVENANCE.md).

  belarus_mfa   real pages from ../shared/corpus/other_mfa/belarus_mfa; the listing's item links,
                which the corpus's source had rewritten to http://localhost/<id>.html, are mapped
                back to their probable live URLs (the only edit)
  malaysia_kln  real pages from ../shared/corpus/other_mfa/malaysia_kln, unchanged
  news_feeds, news_sitemap, news_urls
                real news pages from ../shared/corpus/extraction-benchmark/dev (gzipped, unchanged),
                listed by SYNTHETIC feeds and sitemaps written here
  example_mfa   a SYNTHETIC ministry (www.example-mfa.test): hand-written pages kept in the folder,
                in a listing layout unlike the real ones; this script only indexes them
"""
import datetime as dt
import json
import gzip
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from podium import replay

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
OTHER_MFA = CORPUS / "other_mfa"
BENCHMARK = CORPUS / "extraction-benchmark" / "dev"
COLUMNS = ["file", "url", "http_status", "content_type", "bytes", "origin", "original_path", "edited"]

BELARUS_LISTING = "https://mfa.gov.by/en/press/statements/"
BELARUS_IDS = ["bf7e69d3fec2c5f0", "b7b71aff55bfca76", "f179725988c80350", "cf70e7349e4f19db", "dad9272a52869cef"]
MALAYSIA_DETAIL = ("https://www.kln.gov.my/web/guest/-/"
                   "united-arab-emirates-contributes-500-000-doses-of-covid-19-vaccine-to-malaysia")
NEWS_HOST = "https://feeds.example-news.test"
# Benchmark pages per news source: id prefix → (publication date read off the page's metadata).
NEWS_FEEDS_RSS = {"b37be3535e": "2019-11-18", "a1fca19b88": "2019-11-19", "7916ecca96": "2019-11-20",
                  "e372e42c0a": "2019-11-20"}
NEWS_FEEDS_ATOM = {"1f765c4878": "2019-11-18", "624fcd903d": "2019-11-19", "833caf3bdb": "2019-11-20"}
NEWS_SITEMAP_NEWS = {"e1c7023ee2": "2019-11-18", "e7994d5500": "2019-11-20"}
NEWS_SITEMAP_PLAIN = {"961bd85ca8": "2019-11-20", "c90731f051": "2019-11-20"}
NEWS_URLS = {"70cb2d5bca": "2019-11-19", "42aad16bde": "2019-11-19", "db6b0816c6": "2019-11-20"}


EXAMPLE_MFA = "https://www.example-mfa.test/en/press/statements/"
EXAMPLE_MFA_DETAILS = {
    "statement-on-the-humanitarian-situation-in-the-northern-region": "2024/03/14",
    "minister-condemns-attack-on-un-convoy": "2024/03/12",
    "exampleland-welcomes-the-ceasefire-agreement": "2024/03/05",
    "joint-communique-on-fisheries-cooperation": "2024/02/27",
    "statement-on-the-elections-in-the-neighbouring-republic": "2024/02/20",
    "ministry-summons-ambassador-over-airspace-violation": "2024/02/08",
}


# -- synthetic feeds and sitemaps: each lists real benchmark pages by their real URLs ----------

def _rfc822(day: dt.date) -> str:
    return f"{day:%a, %d %b %Y} 12:00:00 +0000"


def rss_feed(entries: list[dict]) -> str:
    items = "".join(
        f"    <item>\n      <title>{escape(e['title'])}</title>\n      <link>{escape(e['url'])}</link>\n"
        f"      <guid isPermaLink=\"true\">{escape(e['url'])}</guid>\n      <pubDate>{_rfc822(e['date'])}</pubDate>\n"
        "    </item>\n" for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!-- SYNTHETIC feed written by snapshots/build_generic.py -->\n'
            '<rss version="2.0">\n  <channel>\n    <title>World news (synthetic test feed)</title>\n'
            f"    <link>{NEWS_HOST}/world/</link>\n    <description>Real articles, synthetic feed</description>\n"
            f"{items}  </channel>\n</rss>\n")


def atom_feed(entries: list[dict]) -> str:
    items = "".join(
        f"  <entry>\n    <title>{escape(e['title'])}</title>\n    <link href=\"{escape(e['url'])}\"/>\n"
        f"    <id>{escape(e['url'])}</id>\n    <published>{e['date']}T12:00:00Z</published>\n"
        f"    <updated>{e['date']}T12:00:00Z</updated>\n  </entry>\n" for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!-- SYNTHETIC feed written by snapshots/build_generic.py -->\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n  <title>World news (synthetic test feed)</title>\n'
            f"  <id>{NEWS_HOST}/world/atom.xml</id>\n  <updated>2019-11-20T12:00:00Z</updated>\n{items}</feed>\n")


SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
SYNTHETIC_NOTE = "<!-- SYNTHETIC sitemap written by snapshots/build_generic.py -->\n"


def sitemap_index(children: list[str]) -> str:
    maps = "".join(f"  <sitemap><loc>{escape(url)}</loc></sitemap>\n" for url in children)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{SYNTHETIC_NOTE}'
            f'<sitemapindex {SITEMAP_NS}>\n{maps}</sitemapindex>\n')


def news_sitemap(entries: list[dict]) -> str:
    urls = "".join(
        f"  <url>\n    <loc>{escape(e['url'])}</loc>\n    <news:news>\n"
        "      <news:publication><news:name>Example News</news:name>"
        "<news:language>en</news:language></news:publication>\n"
        f"      <news:publication_date>{e['date']}</news:publication_date>\n"
        f"      <news:title>{escape(e['title'])}</news:title>\n    </news:news>\n  </url>\n" for e in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{SYNTHETIC_NOTE}<urlset {SITEMAP_NS} {NEWS_NS}>\n{urls}</urlset>\n'


def url_sitemap(entries: list[dict]) -> str:
    urls = "".join(f"  <url><loc>{escape(e['url'])}</loc><lastmod>{e['date']}</lastmod></url>\n" for e in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{SYNTHETIC_NOTE}<urlset {SITEMAP_NS}>\n{urls}</urlset>\n'


# -- snapshot folders ------------------------------------------------------------------------

def write_index(folder: Path, rows: list[dict]) -> None:
    for row in rows:
        row["bytes"] = (folder / row["file"]).stat().st_size
    replay.write_index(folder, rows, COLUMNS)
    print(f"{folder.name}: {len(rows)} files", file=sys.stderr)


def row(file: str, url: str, content_type: str, origin: str, original_path: str = "", edited: str = "") -> dict:
    return {"file": file, "url": url, "http_status": 200, "content_type": content_type, "origin": origin,
            "original_path": original_path, "edited": edited}


def gzipped(data: bytes, target: Path) -> None:
    """Store a page gzipped (mtime 0, so rebuilds are byte-identical); the replay server serves it plain."""
    target.write_bytes(gzip.compress(data, mtime=0))


def fresh(name: str) -> Path:
    """The source's folder, emptied of what this script writes (hand-written pages are kept)."""
    folder = HERE / name
    for sub in ("pages", "feeds") if name == "example_mfa" else ("list", "detail", "pages", "feeds"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    folder.mkdir(exist_ok=True)
    return folder


def build_belarus() -> None:
    folder, src = fresh("belarus_mfa"), OTHER_MFA / "belarus_mfa"
    (folder / "list").mkdir()
    (folder / "detail").mkdir()
    page_type = "text/html; charset=windows-1251"
    listing = (src / "list" / "belarus.html").read_bytes().replace(b"http://localhost/", BELARUS_LISTING.encode())
    gzipped(listing, folder / "list" / "statements.html.gz")
    rows = [row("list/statements.html.gz", BELARUS_LISTING, page_type, "real",
                "other_mfa/belarus_mfa/list/belarus.html", "item links http://localhost/<id>.html -> live URLs")]
    for page_id in BELARUS_IDS:
        gzipped((src / "detail" / f"{page_id}.html").read_bytes(), folder / "detail" / f"{page_id}.html.gz")
        rows.append(row(f"detail/{page_id}.html.gz", f"{BELARUS_LISTING}{page_id}.html", page_type, "real",
                        f"other_mfa/belarus_mfa/detail/{page_id}.html"))
    write_index(folder, rows)


def build_malaysia() -> None:
    folder, src = fresh("malaysia_kln"), OTHER_MFA / "malaysia_kln"
    (folder / "list").mkdir()
    (folder / "detail").mkdir()
    gzipped((src / "list" / "press-release.html").read_bytes(), folder / "list" / "press-releases.html.gz")
    gzipped((src / "detail" / "uae-500.html").read_bytes(), folder / "detail" / "uae-500.html.gz")
    page_type = "text/html; charset=UTF-8"
    write_index(folder, [
        row("list/press-releases.html.gz", "https://www.kln.gov.my/web/guest/press-releases", page_type, "real",
            "other_mfa/malaysia_kln/list/press-release.html"),
        row("detail/uae-500.html.gz", MALAYSIA_DETAIL, page_type, "real", "other_mfa/malaysia_kln/detail/uae-500.html"),
    ])


def benchmark_pages(folder: Path, chosen: dict) -> tuple[list[dict], list[dict]]:
    """Copy the chosen benchmark pages; their index rows and (url, title, date) entries for listings."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    (folder / "pages").mkdir(exist_ok=True)
    rows, entries = [], []
    for prefix, day in chosen.items():
        page_id = next(k for k in truth if k.startswith(prefix))
        shutil.copyfile(BENCHMARK / f"{page_id}.html.gz", folder / "pages" / f"{page_id}.html.gz")
        url = truth[page_id]["url"]
        rows.append(row(f"pages/{page_id}.html.gz", url, "text/html; charset=utf-8", "real",
                        f"extraction-benchmark/dev/{page_id}.html.gz"))
        entries.append({"url": url, "date": dt.date.fromisoformat(day), "title": title_of(folder / rows[-1]["file"])})
    return rows, entries


def title_of(page: Path) -> str:
    """The page's og:title (else <title>), for the synthetic listings' item titles."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(gzip.decompress(page.read_bytes()))
    found = tree.xpath("//meta[@property='og:title']/@content") or tree.xpath("//title/text()")
    return " ".join(found[0].split()) if found else ""


def synthetic_file(folder: Path, name: str, url: str, text: str, content_type: str) -> dict:
    (folder / "feeds").mkdir(exist_ok=True)
    (folder / "feeds" / name).write_text(text, encoding="utf-8")
    return row(f"feeds/{name}", url, content_type, "synthetic")


def build_news_feeds() -> None:
    folder = fresh("news_feeds")
    rss_rows, rss_entries = benchmark_pages(folder, NEWS_FEEDS_RSS)
    atom_rows, atom_entries = benchmark_pages(folder, NEWS_FEEDS_ATOM)
    feeds = [
        synthetic_file(folder, "world.rss", f"{NEWS_HOST}/world/rss.xml", rss_feed(rss_entries),
                       "application/rss+xml; charset=utf-8"),
        synthetic_file(folder, "world.atom", f"{NEWS_HOST}/world/atom.xml", atom_feed(atom_entries),
                       "application/atom+xml; charset=utf-8"),
    ]
    write_index(folder, feeds + rss_rows + atom_rows)


def build_news_sitemap() -> None:
    folder = fresh("news_sitemap")
    news_rows, news_entries = benchmark_pages(folder, NEWS_SITEMAP_NEWS)
    plain_rows, plain_entries = benchmark_pages(folder, NEWS_SITEMAP_PLAIN)
    children = [f"{NEWS_HOST}/sitemaps/news.xml", f"{NEWS_HOST}/sitemaps/pages.xml"]
    maps = [
        synthetic_file(folder, "sitemap_index.xml", f"{NEWS_HOST}/sitemap_index.xml", sitemap_index(children),
                       "application/xml"),
        synthetic_file(folder, "news.xml", children[0], news_sitemap(news_entries), "application/xml"),
        synthetic_file(folder, "pages.xml", children[1], url_sitemap(plain_entries), "application/xml"),
    ]
    write_index(folder, maps + news_rows + plain_rows)


def build_news_urls() -> None:
    folder = fresh("news_urls")
    rows, _ = benchmark_pages(folder, NEWS_URLS)
    write_index(folder, rows)


def build_example_mfa() -> None:
    folder = fresh("example_mfa")
    page_type = "text/html; charset=utf-8"
    rows = [row("list/statements.html", EXAMPLE_MFA, page_type, "synthetic"),
            row("list/statements-page-2.html", f"{EXAMPLE_MFA}?page=2", page_type, "synthetic")]
    for slug, day in EXAMPLE_MFA_DETAILS.items():
        rows.append(row(f"detail/{slug}.html", f"{EXAMPLE_MFA}{day}/{slug}", page_type, "synthetic"))
    write_index(folder, rows)


if __name__ == "__main__":
    build_belarus()
    build_malaysia()
    build_news_feeds()
    build_news_sitemap()
    build_news_urls()
    build_example_mfa()

"""The fmprc_zh snapshot's pages of today's site (run through build_fmprc_zh.py; see fmprc_zh/PROVENANCE.md).

From ../shared/corpus/fmprc_zh_2020s (653 real pages of 2020-09 … 2024-04, saved by a researcher's
crawler in 2024 and re-serialised by R's xml2, so not byte-exact):
  * SAMPLE: 32 detail pages, every spokesperson, both detail templates (#News_Body_Title until late
    2021, div.news-title h1 after), questions in <b> (2020–21) and in <strong>, and the column's
    single answers, statements and announcements; copied byte for byte (gzipped as in the corpus);
  * the transcripts the bundled press reports quote (build_press_reports.py), copied the same way;
  * SYNTHETIC listing pages in today's layout, index.shtml, index_1.shtml …, listing exactly these
    pages, newest first, as the crawler's listing order had them.
Each page's URL is the one the crawler fetched it at: the repository's article_urls.RDS lists the
1000 links its listings gave, all on www.mfa.gov.cn; page raw/<n> is link n. That URL is
https://www.mfa.gov.cn + the path the page declares in <meta name="Url"> (under /web/), as checked
for all 653 pages against the RDS; the declared URL (test.fmprc.gov.cn, www.fmprc.gov.cn or
www.mfa.gov.cn) is kept in the `declared_url` column.
"""
import gzip
import html
import sys
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from build_press_reports import quoted_transcripts
from podium.replay import read_index

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "fmprc_zh_2020s"
TARGET = HERE / "fmprc_zh"
COLUMN = "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/"
PER_PAGE = 16
SYNTHETIC = "synthetic (snapshots/build_fmprc_zh_today.py)"

SAMPLE = [
    # <b> questions, #News_Body_Title template (2020-09 … 2021-09)
    "t20200902_7816619",  # Hua Chunying; the corpus' oldest page (declared on test.fmprc.gov.cn)
    "t20200907_7816627",  # Zhao Lijian
    "t20200927_7816688",  # 中国政府向莱索托、安哥拉派遣抗疫医疗专家组: an announcement, no question
    "t20200928_7816691",  # Wang Wenbin
    "t20201002_7816704",  # 华春莹就…答记者问, the question not in bold
    "t20201007_7816708",  # 华春莹就…答记者问, the question in <strong>
    "t20201109_7816821",  # 汪文斌就…发表谈话: a statement
    "t20201210_7816953",  # Hua Chunying
    "t20210305_9710948",  # 汪文斌就…答记者问, "&lt;br&gt;" in the title (declared on www.fmprc.gov.cn)
    "t20210309_9710952",  # Zhao Lijian (declared on www.fmprc.gov.cn)
    "t20210322_9177306",  # 外交部发言人宣布…实施制裁: an announcement naming no one
    "t20210507_9177344",  # Wang Wenbin
    "t20210524_9177357",  # 外交部发言人就第74届…发表谈话: no name, 就 right after 发言人
    "t20210626_9177383",  # 外交部发言人就…答记者问: no name, a question
    # <strong> questions
    "t20211019_9604337",  # Wang Wenbin: listed in the column, filed under 记者会实录 (jzhsl_673025); h1 template
    "t20211023_9729494",  # Wang Wenbin, 2021-10-22 in the title; #News_Body_Title template, <strong>
    "t20211122_10451497",  # Zhao Lijian
    "t20211201_10460717",  # Wang Wenbin (declared on www.fmprc.gov.cn)
    "t20220127_10635286",  # Zhao Lijian; h1 template from here on
    "t20220805_10735604",  # 外交部宣布…反制措施: no spokesperson in the title
    "t20220805_10735734",  # Hua Chunying's last briefing in the corpus
    "t20220905_10762291",  # Mao Ning's first
    "t20221202_10984381",  # Zhao Lijian's last
    "t20230219_11027188",  # 外交部发言人介绍中美接触情况
    "t20230406_11055401",  # Mao Ning
    "t20230509_11073780",  # 外交部发言人宣布…为&lt;br&gt;"不受欢迎的人"
    "t20230901_11136944",  # Wang Wenbin, 2023-09-01 in the title, the page's date line 2023-09-02 00:05
    "t20240102_11215840",  # 外交部发言人就中美建交45周年发表谈话
    "t20240308_11256472",  # Mao Ning
    "t20240318_11262087",  # Lin Jian's first
    "t20240329_11273630",  # Lin Jian
    "t20240403_11276141",  # Wang Wenbin; the corpus' newest page
]

LISTING = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>发言人表态_中华人民共和国外交部</title>
</head>
<body>
<!-- SYNTHETIC: a stand-in for a listing page of today's www.mfa.gov.cn (none is recorded), built by
     snapshots/build_fmprc_zh_today.py from the real pages' index. See PROVENANCE.md. -->
<div class="wrapper">
  <div class="break"><a href="../../">首页</a> &gt; <a href="../">外交动态</a> &gt; <a href="./">发言人表态</a></div>
  <div class="main clearfix">
    <div class="newsBd">
      <ul class="list1">
{items}
      </ul>
    </div>
    <div class="page"><script>createPageHTML({count}, {current}, "index", "shtml");</script></div>
  </div>
</div>
</body>
</html>
"""
ITEM = '        <li><a href="{href}" target="_blank">{title}</a><span>{date}</span></li>'


def fetched_url(declared: str) -> str:
    """The URL the crawler fetched a page at (see the module docstring)."""
    path = urlsplit(declared).path
    return "https://www.mfa.gov.cn" + (path if path.startswith("/web/") else "/web" + path)


def page_title(body: bytes) -> tuple[str, str]:
    """(the page's <title>, its own title line: div.news-title h1 or #News_Body_Title)."""
    tree = lxml_html.document_fromstring(body.decode("utf-8"))
    shown = tree.cssselect("div.news-title h1") or tree.cssselect("#News_Body_Title")
    return tree.findtext(".//title").strip(), shown[0].text_content().strip()


def detail_rows() -> list[dict]:
    """The sample's index rows, newest first (the crawler's listing order: raw/1 was its first link)."""
    by_stem = {Path(r["file"]).name.split(".")[0]: r for r in read_index(CORPUS)}
    rows = []
    quoted = sorted(quoted_transcripts()["fmprc_zh_2020s"] - set(SAMPLE))
    for stem in SAMPLE + quoted:
        source = by_stem[stem]
        body = gzip.decompress((CORPUS / source["file"]).read_bytes())
        title, shown = page_title(body)
        rows.append({"file": source["file"], "url": fetched_url(source["url"]), "http_status": "200",
                     "fetched_at_utc": "", "server_date": "", "content_type": "text/html", "bytes": str(len(body)),
                     "title": title, "list_anchor_text": shown, "list_date": source["date"], "listed_on": "",
                     "original_path": source["original_path"], "declared_url": source["url"]})
    return sorted(rows, key=lambda r: int(r["original_path"].split("/")[1]))


def listing_pages(rows: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """(file name, HTML, rows listed) of each synthetic listing page, PER_PAGE items each."""
    chunks = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]
    pages = []
    for index, chunk in enumerate(chunks):
        name = "index.shtml" if index == 0 else f"index_{index}.shtml"
        items = "\n".join(ITEM.format(href=_href(r["url"]), title=html.escape(r["list_anchor_text"], quote=False),
                                      date=r["list_date"]) for r in chunk)
        pages.append((name, LISTING.format(items=items, count=len(chunks), current=index), chunk))
    return pages


def _href(url: str) -> str:
    """A link relative to the column, as today's listings write them ("./202404/t….shtml"; the
    one page filed under another column "../../fyrbt_673021/…")."""
    return "./" + url[len(COLUMN):] if url.startswith(COLUMN) else "../.." + urlsplit(url).path[len("/web"):]


def build_today() -> list[dict]:
    """Copy the sample, write the synthetic listing pages; returns their index rows (listings first)."""
    rows = detail_rows()
    listing_rows = []
    for name, text, listed in listing_pages(rows):
        (TARGET / "list").mkdir(parents=True, exist_ok=True)
        (TARGET / "list" / name).write_text(text, encoding="utf-8")
        listing_rows.append({"file": f"list/{name}", "url": COLUMN + name, "http_status": "200",
                             "content_type": "text/html", "bytes": str(len(text.encode("utf-8"))),
                             "title": "发言人表态_中华人民共和国外交部", "original_path": SYNTHETIC})
        for row in listed:
            row["listed_on"] = name
    for row in rows:
        (TARGET / row["file"]).parent.mkdir(parents=True, exist_ok=True)
        (TARGET / row["file"]).write_bytes((CORPUS / row["file"]).read_bytes())
    print(f"fmprc_zh today: {len(listing_rows)} synthetic listing + {len(rows)} detail files", file=sys.stderr)
    return listing_rows + rows

"""Copy the fmprc_zh replay snapshot from ../shared/corpus (run by hand; see fmprc_zh/PROVENANCE.md).

A compact, fixed subset of the recorded China MFA 发言人表态 pages of 2018–2020 (../shared/corpus/fmprc/zh):
  * the first LISTING_PAGES listing pages (2018-11-05 … 2020-07-03), so paging reaches 2018;
  * every other 例行记者会 transcript dated on a day the fmprc_en snapshot also holds (the en/zh
    join is tested on those days);
  * the transcripts around the switch from 问/答 to named turns (2020-03);
  * the other item kinds of the column: 答记者问, 发表谈话, announcements without a question;
  * the transcripts the bundled press reports quote (build_press_reports.py), with the listing
    pages down to the oldest of them.
Files are copied byte for byte (detail pages stay gzipped as in the corpus) with their index rows.
Then the pages of today's site (build_fmprc_zh_today.py): a sample of ../shared/corpus/fmprc_zh_2020s
and two synthetic listing pages in today's layout. One index.csv lists both.
"""
import shutil
import sys
from pathlib import Path

from build import copy_recorded, sampled_en_details
from build_press_reports import quoted_transcripts
from build_fmprc_zh_today import build_today
from podium.dates import full_title_date
from podium.replay import read_index, write_index

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "fmprc" / "zh"
EN_CORPUS = CORPUS.parent / "en"
TARGET = HERE / "fmprc_zh"
LISTING_PAGES = 31  # default.shtml … default_30.shtml

# Named-era switch (问/答 until 2020-03-23, `<outlet>记者：` / `<name>：` from 2020-03-25).
SWITCH = {"t1758730", "t1759895", "t1761007", "t1761580", "t1763648", "t1765268"}
# Items that are not regular briefings, one of each shape.
OTHER_KINDS = {
    "t1764242",  # 外交部发言人答记者问: one Q/A, no name in the title
    "t1763023",  # 中国政府向巴基斯坦派遣抗疫医疗专家组: "外交部发言人耿爽宣布：" + text
    "t1672526",  # 外交部发言人耿爽就香港修例问题发表谈话: plain statement
    "t1686212",  # 2019年8月5日外交部发言人华春莹答记者问: written answers, dated title
    "t1719086",  # 2019年11月26日外交部发言人耿爽答记者问 (en: "Geng Shuang's Remarks on November 26, 2019")
    "t1767286",  # 外交部发言人赵立坚就…答记者问
    "t1781766",  # 外交部发言人就全国人大会议涉港议程发表谈话: no name anywhere
}
# Briefings with unusual turns: non-bold "记者：" interjections inside answers; Zhao Lijian's
# first weeks, still in the 问/答 form.
UNUSUAL_TURNS = {"t1681160", "t1723659", "t1749650"}


def en_dates() -> set[str]:
    """The days of the fmprc_en snapshot's sampled transcripts (not those added for press reports)."""
    rows = read_index(EN_CORPUS)
    sampled = sampled_en_details(rows)
    dates = set()
    for row in rows:
        day = full_title_date(row["list_anchor_text"] or row["title"])
        if row["file"] in sampled and day:
            dates.add(day.isoformat())
    return dates


def listing_pages(rows: list[dict], quoted: set[str]) -> int:
    """LISTING_PAGES, or more: enough for the crawl to reach every quoted transcript."""
    listed_on = [r["listed_on"] for r in rows if Path(r["file"]).name.split(".")[0] in quoted]
    numbers = [int(name.split("_")[1].split(".")[0]) if "_" in name else 0 for name in listed_on]
    return max([LISTING_PAGES - 1, *numbers]) + 1


def chosen_rows(rows: list[dict]) -> list[dict]:
    quoted = quoted_transcripts()["fmprc/zh"]
    pages = listing_pages(rows, quoted)
    listings = {"list/default.shtml"} | {f"list/default_{i}.shtml" for i in range(1, pages)}
    oldest = min(r["list_date"] for r in rows if r["listed_on"] == f"default_{LISTING_PAGES - 1}.shtml")
    shared_days = en_dates()
    briefings = sorted((r for r in rows if r["file"].startswith("detail/") and r["list_date"] >= oldest
                        and r["list_date"] in shared_days and "例行记者会" in r["list_anchor_text"]),
                       key=lambda r: r["list_date"])
    keep = {r["file"] for r in briefings[::2]}
    keep |= {f"detail/{stem}.shtml.gz" for stem in SWITCH | OTHER_KINDS | UNUSUAL_TURNS | quoted}
    return [r for r in rows if r["file"] in listings or r["file"] in keep]


def build_fmprc_zh() -> None:
    chosen = chosen_rows(read_index(CORPUS))
    if TARGET.exists():
        for old in (TARGET / "list", TARGET / "detail"):
            shutil.rmtree(old, ignore_errors=True)
    copy_recorded(CORPUS, TARGET, chosen)
    details = sum(1 for r in chosen if r["file"].startswith("detail/"))
    print(f"fmprc_zh 2018-2020: {len(chosen) - details} listing + {details} detail files", file=sys.stderr)
    write_index(TARGET, chosen + build_today(), [*chosen[0], "declared_url"])


if __name__ == "__main__":
    build_fmprc_zh()

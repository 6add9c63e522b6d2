"""Copy the U.S. State Department press-release feed snapshots from ../shared/corpus (run by hand).

All five recorded versions of https://www.state.gov/rss-feed/press-releases/feed/ are copied byte
for byte into `state_gov_press/feeds/`. The replay server can serve only one version per URL:
`index.csv` lists the 2022-05-06 one (the default recording `make demo` replays; it holds signed
statements, Department releases, readouts and a Department Press Briefing). Tests that need an
older or newer feed copy the folder and point the index row at another file.
"""
import shutil
import sys
from pathlib import Path

from podium.replay import write_index

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "state_gov" / "rss"
DEST = HERE / "state_gov_press"
FEED_URL = "https://www.state.gov/rss-feed/press-releases/feed/"
REPO = "markschaver/State-Department-PR"
# corpus file → commit of the source repository that holds it as data.rss
COMMITS = {
    "press-releases_2021-05-23_15-10-29Z.rss": "dbdf3ea964c57209d488d40aea08064227e8529a",
    "press-releases_2021-07-10_12-57-13Z.rss": "117b0bd3f5e47b7020b4bfa4f5ea8091c826fa5d",
    "press-releases_2022-03-24_20-35-32Z.rss": "594c0f5f2ec7b27277fc499a49b7dda493e4c4d0",
    "press-releases_2022-05-06_20-28-26Z.rss": "f284b996a0d5e6e5b68c93acf1787bba950edde7",
    "press-releases_2022-08-03_20-24-44Z.rss": "cd530c3f052fb81ae5ecc187d0c335100d3de922",
}
DEFAULT = "press-releases_2022-05-06_20-28-26Z.rss"
COLUMNS = ["file", "url", "http_status", "content_type", "recorded_at_utc", "bytes", "source_repo",
           "source_commit", "original_path"]


def row_for(name: str) -> dict:
    stamp = name.removeprefix("press-releases_").removesuffix("Z.rss")
    day, clock = stamp.split("_")
    return {
        "file": f"feeds/{name}", "url": FEED_URL, "http_status": 200,
        "content_type": "application/rss+xml; charset=UTF-8",
        "recorded_at_utc": f"{day}T{clock.replace('-', ':')}Z", "bytes": (CORPUS / name).stat().st_size,
        "source_repo": REPO, "source_commit": COMMITS[name], "original_path": "data.rss",
    }


def build() -> None:
    for name in COMMITS:
        shutil.copyfile(CORPUS / name, DEST / "feeds" / name)
    write_index(DEST, [row_for(DEFAULT)], COLUMNS)
    write_index(DEST / "feeds", [row_for(name) for name in COMMITS], COLUMNS, name="versions.csv")
    print(f"state_gov_press: {len(COMMITS)} feed versions, default {DEFAULT}", file=sys.stderr)


if __name__ == "__main__":
    build()

"""Copy the bundled replay snapshot from ../shared/corpus (run by hand; see PROVENANCE.md).

The snapshot is a compact, fixed subset of the recorded pages: every listing page plus
every fourth detail page of the China MFA English column, the pages with known
title defects and the transcripts the bundled press reports quote (build_press_reports.py),
copied byte for byte with their index rows.
"""
import shutil
import sys
from pathlib import Path

from build_press_reports import quoted_transcripts
from podium.replay import read_index, write_index

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus"

# Pages whose titles are defective or unusual; the tests rely on them.
FMPRC_EN_SPECIAL = {
    "t1568234", "t1568643", "t1593756", "t1594148", "t1600384", "t1687014",
    "t1686991", "t1687683", "t1719112", "t1739548", "t1752564", "t1558711",
    "t1794629", "t1583054", "t1606490",
}


def copy_recorded(src: Path, dst: Path, chosen: list[dict]) -> None:
    """Copy the chosen rows' files byte for byte, and write them as `dst`'s index."""
    for row in chosen:
        target = dst / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / row["file"], target)
    write_index(dst, chosen)


def sampled_en_details(rows: list[dict]) -> set[str]:
    """Every fourth detail page and the special ones (the fmprc_zh snapshot pairs its days with these)."""
    details = sorted(r["file"] for r in rows if r["file"].startswith("detail/"))
    return {f for i, f in enumerate(details) if i % 4 == 0} | {f"detail/{stem}.shtml" for stem in FMPRC_EN_SPECIAL}


def build_fmprc_en() -> None:
    src, dst = CORPUS / "fmprc" / "en", HERE / "fmprc_en"
    rows = read_index(src)
    keep = sampled_en_details(rows) | {f"detail/{stem}.shtml" for stem in quoted_transcripts()["fmprc/en"]}
    chosen = [r for r in rows if r["file"].startswith("list/") or r["file"] in keep]
    copy_recorded(src, dst, chosen)
    print(f"fmprc_en: {len(chosen)} files", file=sys.stderr)


if __name__ == "__main__":
    build_fmprc_en()

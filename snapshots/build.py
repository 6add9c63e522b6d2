"""Copy the bundled replay snapshot from ../shared/corpus (run by hand; see PROVENANCE.md).

The snapshot is a compact, fixed subset of the recorded pages: every listing page plus
every fourth detail page of the China MFA English column and the pages with known
title defects, copied byte for byte with their index rows.
"""
import csv
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus"

# Pages whose titles are defective or unusual; the tests rely on them.
FMPRC_EN_SPECIAL = {
    "t1568234", "t1568643", "t1593756", "t1594148", "t1600384", "t1687014",
    "t1686991", "t1687683", "t1719112", "t1739548", "t1752564", "t1558711",
    "t1794629", "t1583054", "t1606490",
}


def build_fmprc_en() -> None:
    src, dst = CORPUS / "fmprc" / "en", HERE / "fmprc_en"
    rows = list(csv.DictReader(open(src / "index.csv", encoding="utf-8")))
    details = sorted(r["file"] for r in rows if r["file"].startswith("detail/"))
    keep = {f for i, f in enumerate(details) if i % 4 == 0}
    keep |= {f"detail/{stem}.shtml" for stem in FMPRC_EN_SPECIAL}
    chosen = [r for r in rows if r["file"].startswith("list/") or r["file"] in keep]
    for row in chosen:
        target = dst / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / row["file"], target)
    with open(dst / "index.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    print(f"fmprc_en: {len(chosen)} files", file=sys.stderr)


if __name__ == "__main__":
    build_fmprc_en()

"""Reading WARC files: records cut short, over the size cap, with a bad status line or a target
that is not http(s) are refused one by one and recorded, never archived as pages; a file that is
no WARC at all is refused whole. WARCs are written here with warcio's own writer, then damaged."""
from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import SNAPSHOTS, snapshot_rows
from podium.settings import settings
from podium.warc import WarcError, warc_records
from storage.db import open_archive
from test_ingest import measured, podium, staged_lines, zeros_gzip

DETAILS = ["t1558711", "t1752564", "t1794629"]
ROWS = {r["file"]: r for r in snapshot_rows("fmprc_en")}
URLS = [ROWS[f"detail/{stem}.shtml"]["url"] for stem in DETAILS]


class Zeros(io.RawIOBase):
    """`size` zero bytes, read (and re-read for the writer's digests) without being held."""

    def __init__(self, size: int):
        self.size, self.position = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.position if n is None or n < 0 else min(n, self.size - self.position)
        self.position += n
        return bytes(n)

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset
        return offset

    def tell(self) -> int:
        return self.position


@dataclass
class Response:
    url: str
    body: bytes | Zeros = b""
    status: str = "200 OK"
    headers: tuple = (("Content-Type", "text/html; charset=utf-8"),)
    warc_headers: dict | None = None

    def payload(self) -> tuple[io.IOBase, int]:
        if isinstance(self.body, Zeros):
            return self.body, self.body.size
        return io.BytesIO(self.body), len(self.body)


def page(index: int) -> Response:
    """The bundled fmprc_en detail page DETAILS[index], as recorded under its real URL."""
    return Response(URLS[index], (SNAPSHOTS / "fmprc_en" / "detail" / f"{DETAILS[index]}.shtml").read_bytes())


def write_warc(path: Path, responses: list[Response], gzip: bool = True) -> list[int]:
    """Write the responses as WARC response records; returns where each record starts, and the end."""
    offsets = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for response in responses:
            offsets.append(handle.tell())
            payload, length = response.payload()
            http = StatusAndHeaders(response.status, list(response.headers), protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(response.url, "response", payload=payload, length=length,
                                                          http_headers=http,
                                                          warc_headers_dict=response.warc_headers or {}))
        offsets.append(handle.tell())
    return offsets


def read(path: Path) -> tuple[list[dict], Counter]:
    skipped: Counter = Counter()
    return list(warc_records(path, settings(), skipped=skipped)), skipped


def summary_of(records: list[dict]) -> list[tuple]:
    return [(r["type"], r["url"]) for r in records]


def test_a_record_cut_short_is_an_error_never_a_page(tmp_path):
    warc = tmp_path / "crawl.warc"
    write_warc(warc, [page(0), page(1), page(2)], gzip=False)
    warc.write_bytes(warc.read_bytes()[:-300])
    records, _ = read(warc)
    assert summary_of(records) == [("page", URLS[0]), ("page", URLS[1]), ("error", URLS[2])]
    cut = records[2]
    assert cut["stage"] == "import" and cut["source_id"] == "fmprc_en"
    assert re.fullmatch(r"crawl\.warc: record cut short: 296 of its \d+ bytes missing; not imported", cut["error"])


def test_a_gzipped_warc_cut_in_half_keeps_the_records_before_the_cut(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, [page(0), page(1), page(2)])
    half = offsets[-1] // 2
    cut_record = next(i for i in range(3) if offsets[i] <= half < offsets[i + 1])
    warc.write_bytes(warc.read_bytes()[:half])
    records, _ = read(warc)
    assert summary_of(records) == [("page", url) for url in URLS[:cut_record]] + [("error", URLS[cut_record])]
    assert records[-1]["error"].endswith("not imported")


def test_a_gzip_member_cut_inside_its_warc_headers_is_recorded(tmp_path):
    """warcio itself ends quietly at such a member, as if the file had ended cleanly."""
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, [page(0), page(1), page(2)])
    data, target = warc.read_bytes(), f"WARC-Target-URI: {URLS[2]}\r\n".encode()
    # The shortest cut of the last member whose decompressed start holds its target URI line.
    cut = next(end for end in range(offsets[2] + 1, offsets[3])
               if target in zlib.decompressobj(31).decompress(data[offsets[2]:end]))
    assert b"\r\n\r\n" not in zlib.decompressobj(31).decompress(data[offsets[2]:cut])  # the headers are unfinished
    warc.write_bytes(data[:cut])
    records, _ = read(warc)
    assert summary_of(records) == [("page", URLS[0]), ("page", URLS[1]), ("error", URLS[2])]


def test_a_record_marked_truncated_is_refused(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    truncated = page(0)
    truncated.warc_headers = {"WARC-Truncated": "length"}
    write_warc(warc, [truncated, page(1)])
    records, _ = read(warc)
    assert summary_of(records) == [("error", URLS[0]), ("page", URLS[1])]
    assert "recorded truncated (WARC-Truncated: length)" in records[0]["error"]


def test_targets_that_are_not_http_are_skipped_alone(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [Response("file:///etc/passwd", b"root:x:0:0"), Response("javascript:alert(1)", b"<html>"),
                      page(0)])
    records, skipped = read(warc)
    assert summary_of(records) == [("page", URLS[0])]
    assert skipped == {"target is not an http(s) URL (file:)": 1, "target is not an http(s) URL (javascript:)": 1}


def test_a_bad_status_line_refuses_that_record_alone(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    weird = page(0)
    weird.status = "abc Weird"
    write_warc(warc, [weird, page(1)])
    records, _ = read(warc)
    assert summary_of(records) == [("error", URLS[0]), ("page", URLS[1])]
    assert records[0]["error"] == "crawl.warc.gz: bad HTTP status line 'HTTP/1.1 abc Weird'; not imported"


def test_records_over_the_size_cap_are_refused(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    bomb = Response(URLS[0], zeros_gzip(64), headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")))
    write_warc(warc, [bomb, Response(URLS[1], Zeros(settings().download_max_bytes + 1)), page(2)])
    records, _ = read(warc)
    assert summary_of(records) == [("error", URLS[0]), ("error", URLS[1]), ("page", URLS[2])]
    assert all("page larger than the 10 MB limit" in r["error"] for r in records[:2])


def test_a_file_that_is_no_warc_is_refused_whole(tmp_path):
    bogus = tmp_path / "x.warc.gz"
    bogus.write_bytes(b"this is not a warc file at all\nnor is this line\n")
    with pytest.raises(WarcError, match=r"x\.warc\.gz: not a readable WARC file"):
        read(bogus)


def test_import_holds_no_more_than_about_the_cap_in_memory(tmp_path):
    """A gzip bomb served with Content-Encoding (1 GiB once decoded) and a 200 MB record in a
    small .warc.gz: each is read no further than the cap, and records are staged as they come."""
    warc = tmp_path / "crawl.warc.gz"
    bomb = Response(URLS[0], zeros_gzip(1024), headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")))
    write_warc(warc, [bomb, Response(URLS[1], Zeros(200_000_000)), page(2)])
    assert warc.stat().st_size < 6_000_000
    setup = ("from collections import Counter\nfrom pathlib import Path\nfrom flows.imports import stage\n"
             "from podium.settings import settings\nfrom podium.warc import warc_records")
    work = (f"staged = stage('import-warc', warc_records(Path({str(warc)!r}), settings(), skipped=Counter()))\n"
            "result = [str(staged.path), sum(staged.pages.values())]")
    (path, pages), grown = measured(setup, work, tmp_path / "data")
    assert grown < 100, f"peak memory grew by {grown:.0f} MB"
    assert pages == 1
    assert summary_of(staged_lines(Path(path))) == [("error", URLS[0]), ("error", URLS[1]), ("page", URLS[2])]


# The command line, end to end (each run is a process of its own).

THIS_RUN = r"^this run: {fetched} pages? fetched\W+{new} new, 0 revised, {unchanged} unchanged\b.*\b{errors} errors?$"


def archive_rows(archive: Path, sql: str, *parameters) -> list[tuple]:
    with open_archive(archive, read_only=True) as con:
        return con.execute(sql, list(parameters)).fetchall()


def test_a_truncated_warc_never_replaces_good_text(tmp_path):
    warc, archive = tmp_path / "crawl.warc", tmp_path / "a.duckdb"
    write_warc(warc, [page(0), page(1), page(2)], gzip=False)
    assert podium("import-warc", str(warc), "--archive", str(archive), data=tmp_path / "data").returncode == 0
    text_of_last = "SELECT text FROM documents WHERE url = ?"
    before = archive_rows(archive, text_of_last, URLS[2])
    cut = tmp_path / "cut.warc"
    cut.write_bytes(warc.read_bytes()[:-300])
    done = podium("import-warc", str(cut), "--archive", str(archive), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert re.search(THIS_RUN.format(fetched=2, new=0, unchanged=2, errors=1), done.stdout, re.M), done.stdout
    run_errors = archive_rows(archive, "SELECT stage, url, error FROM crawl_errors")
    assert [e[:2] for e in run_errors] == [("import", URLS[2])] and "record cut short" in run_errors[0][2]
    assert archive_rows(archive, "SELECT revision FROM pages WHERE url = ?", URLS[2]) == [(1,)]
    assert archive_rows(archive, text_of_last, URLS[2]) == before and len(before[0][0]) > 1000


def test_the_command_imports_a_gzipped_warc_cut_in_half_up_to_the_cut(tmp_path):
    warc, archive = tmp_path / "crawl.warc.gz", tmp_path / "a.duckdb"
    offsets = write_warc(warc, [page(0), page(1), page(2)])
    half = offsets[-1] // 2
    cut_record = next(i for i in range(3) if offsets[i] <= half < offsets[i + 1])
    warc.write_bytes(warc.read_bytes()[:half])
    done = podium("import-warc", str(warc), "--archive", str(archive), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    fetched = THIS_RUN.format(fetched=cut_record, new=cut_record, unchanged=0, errors=1)
    assert re.search(fetched, done.stdout, re.M), done.stdout
    assert URLS[cut_record] in done.stdout  # the summary's table of errors
    assert archive_rows(archive, "SELECT url FROM pages ORDER BY url") == [(url,) for url in sorted(URLS[:cut_record])]
    assert archive_rows(archive, "SELECT stage, url FROM crawl_errors") == [("import", URLS[cut_record])]


def test_the_command_refuses_bad_records_one_by_one(tmp_path):
    warc, archive = tmp_path / "crawl.warc.gz", tmp_path / "a.duckdb"
    weird = page(1)
    weird.status = "abc Weird"
    bomb = Response(URLS[2], zeros_gzip(1024), headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")))
    write_warc(warc, [page(0), Response("file:///etc/passwd", b"root:x:0:0"), Response("javascript:alert(1)", b"x"),
                      weird, bomb])
    done = podium("import-warc", str(warc), "--archive", str(archive), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(THIS_RUN.format(fetched=1, new=1, unchanged=0, errors=2), done.stdout, re.M), done.stdout
    assert re.search(r"^skipped 1 WARC records?: target is not an http\(s\) URL \(file:\)$", done.stdout, re.M)
    assert re.search(r"^skipped 1 WARC records?: target is not an http\(s\) URL \(javascript:\)$", done.stdout, re.M)
    assert archive_rows(archive, "SELECT url FROM pages") == [(URLS[0],)]
    assert archive_rows(archive, "SELECT stage, url, error FROM crawl_errors ORDER BY url") == [
        ("import", URLS[1], "crawl.warc.gz: bad HTTP status line 'HTTP/1.1 abc Weird'; not imported"),
        ("import", URLS[2], "crawl.warc.gz: page larger than the 10 MB limit (crawl.download_max_bytes); not imported"),
    ]

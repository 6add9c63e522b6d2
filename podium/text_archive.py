"""Text archives of transcripts → staging records: a folder of Markdown or plain-text files, the way
archives keep briefings (one file a briefing, gzipped or not), becomes archived pages without
fetching anything.

Each file needs a URL and should have a date. Both come from the file's YAML front matter
(`source_url` or `url`, `date`), else from an index CSV in the folder (`index.csv`: the file's path
relative to the folder in `file` or `original_path`, its URL in `source_url` or `url`, its `date`).
A folder with an index.csv imports the files it lists; one without imports every .md, .markdown
and .txt file. A README, PROVENANCE, LICENSE, CHANGELOG or NOTES file is documentation, never a
transcript.
A file with no URL, an unreadable file or one over the download cap is an error record naming the
file, never a page; a folder with no transcript files is refused before anything is staged.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

from podium.ingest import IngestError, over_limit, read_saved
from podium.families import text_formats
from podium.markdown import split_front_matter
from podium.settings import Settings, Source

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
DOCUMENTATION = {"readme", "provenance", "license", "licence", "changelog", "notes"}  # no transcripts
INDEX_NAME = "index.csv"
MEDIA_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain"}
URL_FIELDS = ("source_url", "url")
FILE_FIELDS = ("file", "original_path", "path")


def check_text_source(source: Source) -> None:
    """IngestError unless the source's pages are text transcripts."""
    if source.format not in text_formats():
        raise IngestError(f"source {source.key!r} reads {source.format} pages, not text transcripts; "
                          f"import-transcripts takes a source of format {' or '.join(text_formats())}")


def transcript_files(folder: Path) -> list[Path]:
    """The transcript files under a folder (any depth), in path order: .md, .markdown, .txt, gzipped or not."""
    if not folder.is_dir():
        raise IngestError(f"{folder}: no such folder" if not folder.exists()
                          else f"{folder} is a file; give its folder")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _plain_name(p).endswith(TEXT_SUFFIXES)
                   and _plain_name(p).split(".")[0] not in DOCUMENTATION)
    if not files:
        raise IngestError(f"{folder}: no transcript files ({', '.join(TEXT_SUFFIXES)}, or those gzipped) in it")
    return files


def read_index(folder: Path) -> dict[str, dict]:
    """index.csv's rows by the file they describe (index_key of its first file column); {} without one."""
    path = folder / INDEX_NAME
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    named = ((_first(row, FILE_FIELDS), row) for row in rows)
    return {index_key(name): row for name, row in named if name}


def index_key(name: str) -> str:
    """A file's name as an index may write it: "sub\\a.md", "./sub/a.md.gz" and "sub/a.md" are one."""
    return name.strip().replace("\\", "/").removeprefix("./").removesuffix(".gz")


def archive_files(folder: Path) -> tuple[list[Path], dict[str, dict]]:
    """The transcript files to import and the index: with an index.csv, the files it lists (a
    folder whose index lists none of them is refused); without one, every transcript file."""
    files, index = transcript_files(folder), read_index(folder)
    if not index:
        return files, index
    listed = [path for path in files if index_key(_relative(path, folder)) in index]
    if not listed:
        raise IngestError(f"{folder / INDEX_NAME} lists none of the {len(files)} transcript files in {folder}")
    if len(listed) < len(files):
        log.warning("%s: not imported, not listed in %s: %d of its files", folder, INDEX_NAME, len(files) - len(listed))
    return listed, index


def transcript_records(folder: Path, config: Settings, source: str) -> Iterator[dict]:
    """Staging records of a folder's transcripts, one file at a time, as pages of `source`; a row of
    the index whose file is not in the folder is an error record."""
    files, index = archive_files(folder)
    present = {index_key(_relative(path, folder)) for path in files}
    for key, row in index.items():
        if key not in present:
            yield _error(source, key, f"{key}: listed in {INDEX_NAME} but not in {folder}", _first(row, URL_FIELDS))
    for path in files:
        yield _record(path, folder, index, config, source)


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _record(path: Path, folder: Path, index: dict, config: Settings, source: str) -> dict:
    relative = _relative(path, folder)
    limit = config.download_max_bytes
    try:
        body = read_saved(path, limit)
    except IngestError as error:
        return _error(source, relative, str(error))
    row = index.get(index_key(relative), {})
    front, _ = split_front_matter(body[:limit].decode("utf-8", errors="replace"))
    url = _first(front, URL_FIELDS) or _first(row, URL_FIELDS)
    if not url:
        return _error(source, relative, f"{relative}: no URL: its front matter has no source_url or url, and "
                                        f"no {INDEX_NAME} row in {folder} names the file")
    if len(body) > limit:
        return _error(source, relative, f"{relative}: {over_limit(limit, path.suffix == '.gz')}; not imported", url)
    listing = {"file": relative, "date": _first(row, ("date",))} if row else {"file": relative}
    return {"type": "page", "source_id": source, "url": url, "final_url": None, "status": 200,
            "headers": {"Content-Type": f"{MEDIA_TYPES[Path(_plain_name(path)).suffix]}; charset=utf-8"},
            "page_kind": "detail", "listing": listing,
            "fetched_at": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(),
            "body_b64": base64.b64encode(body).decode("ascii")}


def _error(source: str, relative: str, reason: str, url: str | None = None) -> dict:
    log.warning("%s", reason)
    return {"type": "error", "stage": "import", "source_id": source, "url": url or f"file:{relative}",
            "http_status": None, "error": reason}


def _first(row: dict, names: tuple[str, ...]) -> str | None:
    values = (str(row[name]).strip() for name in names if row.get(name))
    return next((value for value in values if value), None)


def _plain_name(path: Path) -> str:
    return path.name.removesuffix(".gz").lower()

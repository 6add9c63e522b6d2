"""Opening the archive and keeping its schema current.

Migrations are the numbered files in storage/migrations/. Each is applied once, in a transaction
together with its row in `schema_migrations`; an applied file must never change (its checksum is
kept and checked), so a schema change is always a new file.
"""
from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import shutil
import time
from contextlib import contextmanager
from functools import cache
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import duckdb
import pyarrow as pa
from filelock import FileLock, Timeout

from podium.crash import crash_point
from podium.settings import settings

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# The storage format a new archive file is written in. DuckDB otherwise writes new files in the
# v1.0 format, whose long strings (document and statement texts) take 1.7x the space and longer
# to write (bench/load.py). Files made before stay in their format; DuckDB >= 1.5 opens both.
STORAGE_VERSION = "v1.5.0"
WRITER_CONFIG = {"storage_compatibility_version": STORAGE_VERSION}  # applies to files it creates


class ArchiveError(RuntimeError):
    """The archive cannot be opened or used as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


@cache
def migrations() -> tuple[Migration, ...]:
    """The package's migration files, read once: every writer applies them, every reader checks
    the published copy's schema against the last."""
    found = []
    for entry in files("storage").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return tuple(sorted(found, key=lambda m: m.version))


def extension_path(name: str, package: str) -> Path:
    """A DuckDB extension's binary as its wheel ships it (duckdb-extension-<name>): no download."""
    folder = Path(importlib.import_module(package).__file__).parent
    candidates = sorted(folder.rglob(f"{name}.duckdb_extension"))
    if not candidates:
        raise ArchiveError(f"{package} is installed but has no {name} extension file under {folder}")
    return candidates[0]


def load_packaged_extension(con: duckdb.DuckDBPyConnection, name: str, package: str) -> None:
    """Load an extension, installing it from its wheel the first time."""
    try:
        con.load_extension(name)
    except duckdb.Error:
        con.install_extension(str(extension_path(name, package)))
        con.load_extension(name)


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    load_packaged_extension(con, "fts", "duckdb_extension_fts")


# DuckDB's words for a file another process holds, for a file that is no database, and for a damaged one.
LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
NOT_A_DATABASE = "not a valid DuckDB database file"
DUCKDB_MAGIC = b"DUCK"  # at offset 8 of every DuckDB database file
LOCK_POLL_SECONDS = 1.0
NOT_AN_ARCHIVE = "{path} is not a DuckDB archive (pass the archive file with --archive)"
A_FOLDER = "{path} is a directory, not an archive file"


def is_duckdb_file(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(12)[8:12] == DUCKDB_MAGIC


def open_error(path: Path, error: Exception, waited: float = 0.0) -> ArchiveError:
    """What went wrong when opening an archive, in words: another program holds it, it is not an
    archive, it is damaged, or something else DuckDB says."""
    text = str(error)
    held = LOCK_HELD.search(text)
    if held:
        after = f" (still after waiting {waited:.0f} s)" if waited else ""
        return ArchiveError(
            f"the archive {path} is open in another program, {held['program']} (PID {held['pid']}){after}. "
            f"It is not a podium run (runs queue on {path}.lock): most likely a client such as `duckdb` "
            f"opened the archive itself. Readers should open {published_path(path)}; close that program "
            "and try again")
    if NOT_A_DATABASE in text:
        return ArchiveError(NOT_AN_ARCHIVE.format(path=path))
    if "Is a directory" in text:
        return ArchiveError(A_FOLDER.format(path=path))
    if "Could not read enough bytes" in text or "Corrupt" in text or "checksum" in text.lower():
        return ArchiveError(f"the archive {path} is damaged (cut short or overwritten): {text}")
    return ArchiveError(f"cannot open the archive {path}: {text}")


def _open_duckdb(path: Path, read_only: bool, config: dict, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting up to `wait_seconds` while another program holds the file's lock."""
    started, told = time.monotonic(), False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            waited = time.monotonic() - started
            held = LOCK_HELD.search(str(error))
            if held is None or waited >= wait_seconds:
                raise open_error(path, error, waited) from error
            if not told:
                log.warning("%s (PID %s) holds %s; waiting up to %.0f s for it", held["program"], held["pid"],
                            path, wait_seconds)
                told = True
            time.sleep(LOCK_POLL_SECONDS)


def connect(path: Path | str, read_only: bool = False, wait_seconds: float | None = None,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the archive file; a writable one also brings the schema up to date.
    A writer waits up to `wait_seconds` (default: the settings' lock_wait_seconds) while another
    program holds the file, then fails saying which program it is."""
    path = Path(path)
    if read_only and not path.exists():
        raise ArchiveError(no_archive(path))
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if wait_seconds is None:
        wait_seconds = 0.0 if read_only else settings().lock_wait_seconds
    con = _open_duckdb(path, read_only, {**({} if read_only else WRITER_CONFIG), **(config or {})}, wait_seconds)
    if not read_only:
        try:
            migrate(con)
        except duckdb.IOException as error:  # a file that opens but cannot be read through
            con.close()
            raise open_error(path, error) from error
    return con


def no_archive(path: Path) -> str:
    return f"no archive at {path}; run a flow (e.g. `podium nightly`, or `make demo`) to create it"


@contextmanager
def open_archive(path: Path | str, read_only: bool = False, **options):
    con = connect(path, read_only=read_only, **options)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def applied_migrations(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    return dict(con.execute("SELECT version, checksum FROM schema_migrations").fetchall())


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet applied; refuse if an applied one was edited."""
    applied = applied_migrations(con)
    done = []
    for migration in migrations():
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise ArchiveError(
                    f"migration {migration.name} was changed after it was applied; "
                    "restore it and put the change in a new numbered file"
                )
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                [migration.version, migration.name, migration.checksum],
            )
        log.info("applied migration %s", migration.name)
        done.append(migration.name)
    return done


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[list]) -> None:
    """Insert many rows at once through an Arrow table: DuckDB's parameter binding costs far more
    per value than the insert itself."""
    if not rows:
        return
    data = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    names = ", ".join(columns)
    con.register("_podium_rows", data)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _podium_rows")
    finally:
        con.unregister("_podium_rows")


@contextmanager
def id_table(con: duckdb.DuckDBPyConnection, ids: list[str], name: str = "_ids"):
    """Ids as a registered table `<name>(id)` for `WHERE x IN (SELECT id FROM <name>)`.
    Binding a Python list as a parameter costs DuckDB 1.5 a failed `import pandas` per element
    (~86 µs each); an Arrow table costs next to nothing."""
    con.register(name, pa.table({"id": list(ids)}))
    try:
        yield name
    finally:
        con.unregister(name)


@contextmanager
def writer_lock(path: Path | str, wait_seconds: float):
    """Hold the archive's writer lock (<archive>.lock) for a whole run: two writing runs never
    overlap; the second waits up to `wait_seconds`, then fails with a clear message."""
    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout as error:
        raise ArchiveError(f"another run is writing {path} (its lock {path}.lock was held for over "
                           f"{wait_seconds:.0f} s); try again when that run has finished") from error
    try:
        yield
    finally:
        lock.release()


def published_path(path: Path | str) -> Path:
    """Where the read-only copy of an archive is published for readers."""
    return Path(f"{path}.published")


def publish(path: Path | str) -> Path:
    """Publish a consistent read-only copy of the archive beside it, atomically (copy, then rename
    over the old copy): readers open the copy and are never blocked by a writing run. Call with
    no connection to the archive open (the flow holds the writer lock meanwhile)."""
    staging = _copy_for_readers(Path(path))
    crash_point("publish-copied")
    os.replace(staging, published_path(path))
    return published_path(path)


def publish_first(path: Path | str) -> Path:
    """Publish a copy of an archive that has none yet (its first run is starting), so that
    readers never open the file the run writes."""
    os.replace(_copy_for_readers(Path(path)), published_path(path))
    return published_path(path)


def _copy_for_readers(path: Path) -> Path:
    target = published_path(path)
    staging = target.with_name(target.name + ".tmp")
    shutil.copyfile(path, staging)  # overwrites a copy a crash left half written
    return staging


def check_archive_file(path: Path | str) -> None:
    """ArchiveError unless `path` is a DuckDB file: it is missing, a folder, or something else."""
    path = Path(path)
    if not path.exists():
        raise ArchiveError(no_archive(path))
    if path.is_dir():
        raise ArchiveError(A_FOLDER.format(path=path))
    if not is_duckdb_file(path):
        raise ArchiveError(NOT_AN_ARCHIVE.format(path=path))


def reader_path(path: Path | str) -> Path:
    """The file a reader opens: the published copy, never the file a run writes. Without one,
    say why: there is no archive, it is no archive, or its first run has not finished."""
    published, path = published_path(path), Path(path)
    if published.exists():
        return published
    check_archive_file(path)
    raise ArchiveError(f"the archive {path} has no published copy ({published.name}) yet: its first run "
                       "has not finished. Readers never open the file a run writes; try again when it has")


@contextmanager
def open_reader(path: Path | str, **options):
    """A read-only connection for readers (queries, search, export, report): to the published
    copy, so a run that is writing the archive never blocks them. A copy published by an older
    podium (its schema behind this one's: views and columns missing) is refused with what to do."""
    with open_archive(reader_path(path), read_only=True, **options) as con:
        check_schema_current(con, path)
        yield con


def check_schema_current(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    latest = migrations()[-1]
    applied = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
    if applied < latest.version:
        raise ArchiveError(
            f"the published copy of {path} has schema {applied}, and this podium reads schema {latest.version} "
            f"({latest.name}): run a flow on the archive once (e.g. `podium nightly`), which brings it up to "
            "date and publishes it again")

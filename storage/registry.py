"""Mirroring the configured sources and the speakers registry into the archive, for SQL joins."""
from __future__ import annotations

import duckdb

from podium.mentions import ENTITY_COLUMNS
from podium.settings import Source
from podium.speakers import Registry, normalise_name
from storage.db import insert_rows, transaction


def sync_sources(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...]) -> None:
    with transaction(con):
        for s in sources:
            con.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [s.key, s.name, s.country, s.institution, s.kind, s.language, s.base_url, s.enabled],
            )


def sync_speakers(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Replace the archive's copy of the registry with the configured one."""
    with transaction(con):
        for table in ("speakers", "speaker_roles", "speaker_aliases"):
            con.execute(f"DELETE FROM {table}")
        for speaker in registry:
            latest = speaker.roles[-1] if speaker.roles else None
            con.execute(
                "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?, ?)",
                [speaker.speaker_id, speaker.name, latest and latest.role, latest and latest.institution,
                 speaker.country, min((r.start for r in speaker.roles if r.start), default=None),
                 None if any(r.end is None for r in speaker.roles)
                 else max((r.end for r in speaker.roles), default=None)],
            )
            for role in speaker.roles:
                con.execute("INSERT INTO speaker_roles VALUES (?, ?, ?, ?, ?)",
                            [speaker.speaker_id, role.role, role.institution, role.start, role.end])
            aliases = {normalise_name(a) for a in (speaker.name, *speaker.aliases)}
            con.executemany("INSERT INTO speaker_aliases VALUES (?, ?)",
                            [[alias, speaker.speaker_id] for alias in sorted(aliases)])


def sync_entities(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Replace the archive's copy of the gazetteer's entities (countries, organisations)."""
    with transaction(con):
        con.execute("DELETE FROM entities")
        insert_rows(con, "entities", ENTITY_COLUMNS, [list(row) for row in rows])

"""Configuration: sources and speakers are checked when read; every source has its parts."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from conftest import FIXTURES, SNAPSHOTS, snapshot_rows
from podium.settings import ConfigError, load_sources, settings
from podium.speakers import registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("source", [s.key for s in settings().sources])
def test_every_configured_source_has_spider_snapshot_and_fixtures(source):
    module = importlib.import_module(f"spiders.sources.{source}")
    spiders = [v for v in vars(module).values() if getattr(v, "name", None) == source]
    assert spiders, f"spiders/sources/{source}.py defines no spider named {source!r}"
    assert snapshot_rows(source), f"snapshots/{source}/index.csv lists no recorded pages"
    for row in snapshot_rows(source):
        assert (SNAPSHOTS / source / row["file"]).is_file(), row["file"]
    assert list((FIXTURES / source).glob("*.json")), f"tests/fixtures/{source}/ holds no expected JSON"


@pytest.mark.parametrize("row, message", [
    ("- {name: X, country: CN, institution: I, kind: briefing, language: en, start_urls: [u]}",
     "source #1: field 'key' is missing"),
    ("- {key: x, name: X, country: China, institution: I, kind: briefing, language: en, start_urls: [u]}",
     "source 'x': field 'country' must be an ISO 3166"),
    ("- {key: x, name: X, country: CN, institution: I, kind: blog, language: en, start_urls: [u]}",
     "source 'x': field 'kind' must be one of"),
])
def test_a_bad_source_row_is_refused_naming_file_row_and_field(tmp_path, row, message):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  {row}\n")
    with pytest.raises(ConfigError, match=f"sources.yaml, {message}"):
        load_sources(path)


def test_speakers_resolve_by_alias_in_any_script_and_case():
    assert registry().resolve("Hua chunying").speaker_id == "hua_chunying"
    assert registry().resolve("赵立坚").speaker_id == "zhao_lijian"
    assert registry().resolve("Reuters") is None


@pytest.mark.parametrize("name", ["Lu Kang", "Hua Chunying", "Geng Shuang", "Zhao Lijian", "Wang Wenbin",
                                  "Mao Ning", "Wang Yi"])
def test_registry_has_the_spokespersons_and_ministers_with_tenures(name):
    speaker = registry().resolve(name)
    assert speaker and speaker.country == "CN" and speaker.roles
    assert all(r.start for r in speaker.roles)


def test_role_follows_the_date():
    wang_yi = registry().resolve("Wang Yi")
    import datetime as dt
    assert wang_yi.role_on(dt.date(2020, 1, 1)).role == "Minister of Foreign Affairs"
    assert wang_yi.role_on(dt.date(2023, 3, 1)).role != "Minister of Foreign Affairs"

"""Configuration: sources and speakers are checked when read; every source has its parts."""
from __future__ import annotations

import os

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from conftest import FIXTURES, SNAPSHOTS, snapshot_rows
from podium.extract import extractor_for
from podium.settings import ConfigError, load_sources, settings
from podium.speakers import registry

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")


@pytest.mark.parametrize("source", [s.key for s in settings().sources])
def test_every_configured_source_has_spider_snapshot_and_fixtures(source):
    assert source in SpiderLoader.from_settings(get_project_settings()).list(), f"no spider named {source!r}"
    assert snapshot_rows(source), f"snapshots/{source}/index.csv lists no recorded pages"
    for row in snapshot_rows(source):
        assert (SNAPSHOTS / source / row["file"]).is_file(), row["file"]
    assert list((FIXTURES / source).glob("*.json")), f"tests/fixtures/{source}/ holds no expected JSON"


@pytest.mark.parametrize("row, message", [
    ("- {name: X, country: CN, institution: I, kind: briefing, language: en, start_urls: ['https://x.org/']}",
     "source #1: field 'key' is missing"),
    ("- {key: x, name: X, country: China, institution: I, kind: briefing, language: en, start_urls: ['https://x.org/']}",
     "source 'x': field 'country' must be an ISO 3166"),
    ("- {key: x, name: X, country: CN, institution: I, kind: blog, language: en, start_urls: ['https://x.org/']}",
     "source 'x': field 'kind' must be one of"),
    ("- {key: x, name: X, country: CN, institution: I, kind: news, language: en}",
     "source 'x': give at least one of start_urls"),
    ("- {key: x, name: X, country: CN, institution: I, kind: news, language: en, feed_urls: [ftp://x]}",
     "source 'x': field 'feed_urls' holds 'ftp://x'"),
    ("- {key: x, name: X, country: CN, institution: I, kind: news, language: en, feed_urls: ['https://x.org/'], colour: red}",
     r"source 'x': unknown field\(s\) \['colour'\]"),
])
def test_a_bad_source_row_is_refused_naming_file_row_and_field(tmp_path, row, message):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  {row}\n")
    with pytest.raises(ConfigError, match=f"sources.yaml, {message}"):
        load_sources(path)


@pytest.mark.parametrize("source", settings().sources, ids=lambda s: s.key)
def test_every_source_format_has_an_extractor(source):
    assert extractor_for(source) is not None


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

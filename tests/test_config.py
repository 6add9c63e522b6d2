"""Configuration: sources and speakers are checked when read; every source has its parts."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from podium.extract import extractor_for
from podium.settings import ConfigError, load_settings, load_sources, settings
from podium.speakers import registry

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")


# Every configured source's parts (spider, reader, recordings, expected values): tests/test_sources.py.


# The fields every row below shares; each case adds or replaces what makes it wrong.
ROW = "key: x, name: X, country: CN, institution: I, kind: news, language: en, spider: url_list"
URL = "start_urls: ['https://x.org/']"


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
    ("- {key: x, name: X, country: CN, institution: I, kind: news, language: en, feed_urls: ['https://x.org/'], "
     "colour: red}",
     r"source 'x': unknown field\(s\) \['colour'\]"),
    # issue 12 point 8: rows that used to be accepted
    (f"- {{{ROW.replace('url_list', 'nosuchspider')}, {URL}}}",
     "source 'x': field 'spider' must be empty or one of listing, feed, sitemap, url_list, imported, "
     "not 'nosuchspider'"),
    (f"- {{{ROW.replace(', spider: url_list', '')}, {URL}}}",
     "source 'x': field 'spider' is empty, so spiders/sources/x.py must exist, and it does not"),
    (f"- {{{ROW}, {URL}, format: nosuchformat}}", "source 'x': field 'format' must be one of .*article"),
    (f"- {{{ROW.replace('url_list', 'imported')}}}",
     "source 'x': spider 'imported' needs a format that reads text transcripts \\(whitehouse_transcript\\), "
     "not 'article'"),
    (f"- {{{ROW}, {URL}, enabled: 'no'}}", "source 'x': field 'enabled' must be true or false, not 'no'"),
    (f"- {{{ROW}, {URL}, enabled: 'yes'}}", "source 'x': field 'enabled' must be true or false, not 'yes'"),
    (f"- {{{ROW}, {URL}, enabled: '1'}}", "source 'x': field 'enabled' must be true or false, not '1'"),
    (f"- {{{ROW}, {URL}, enabled: 0}}", "source 'x': field 'enabled' must be true or false, not 0"),
    (f"- {{{ROW}, {URL}, enabled: no}}", "source 'x': field 'enabled' must be true or false, not 'no'"),
    (f"- {{{ROW}, {URL}, enabled: off}}", "source 'x': field 'enabled' must be true or false, not 'off'"),
    (f"- {{{ROW}, {URL}, replay_only: 'no'}}", "source 'x': field 'replay_only' must be true or false"),
    (f"- {{{ROW}, start_urls: ['http:///list/']}}",
     "source 'x': field 'start_urls' holds 'http:///list/', which has no host"),
    (f"- {{{ROW}, start_urls: ['http://a b/']}}",
     "source 'x': field 'start_urls' holds 'http://a b/', which holds a space"),
    (f"- {{{ROW}, feed_urls: [\"https://x.org/a\\nb\"]}}",
     r"source 'x': field 'feed_urls' holds 'https://x.org/a\\nb', which holds a"),
    (f"- {{{ROW}, api_urls: ['https://x.org:99999/']}}",
     "source 'x': field 'api_urls' holds 'https://x.org:99999/', which"),
    (f"- {{{ROW}, start_urls: [https://x.org/], allowed_domains: ['https://x.org/']}}",
     "source 'x': field 'allowed_domains' holds 'https://x.org/', which is not a bare host name"),
    (f"- {{{ROW}, start_urls: [https://x.org/], allowed_domains: [y.org]}}",
     "source 'x': field 'start_urls' holds 'https://x.org/', whose host x.org is not in allowed_domains"),
    (f"- {{{ROW}, start_urls: 'https://x.org/'}}", "source 'x': field 'start_urls' must be a list"),
    (f"- {{{ROW}, {URL}, hints: [1, 2]}}", "source 'x': field 'hints' must be a mapping of hint names to values"),
    (f"- {{{ROW}, {URL}, hints: {{colour: red}}}}", "source 'x': field 'hints' has an unknown hint 'colour'"),
    (f"- {{{ROW}, {URL}, hints: {{drop_query: 'yes'}}}}", "source 'x': field 'hints.drop_query' must be true or false"),
    (f"- {{{ROW}, {URL}, hints: {{date_order: XYZ}}}}",
     "source 'x': field 'hints.date_order' must be one of DMY, MDY, YMD"),
    (f"- {{{ROW}, {URL}, hints: {{listing_pattern: '(['}}}}",
     "source 'x': field 'hints.listing_pattern' is not a regular expression"),
    (f"- {{{ROW}, {URL}, hints: {{links: 'div[[['}}}}", "source 'x': field 'hints.links' is not a CSS selector"),
    (f"- {{{ROW}, {URL}, hints: {{next: '//a[@'}}}}", "source 'x': field 'hints.next' is not an XPath"),
    (f"- {{{ROW.replace('name: X', 'name: 12')}, {URL}}}", "source 'x': field 'name' must be text, not 12"),
    (f"- {{{ROW.replace('name: X', 'name: ')}, {URL}}}", "source 'x': field 'name' must not be empty"),
    ("- [1, 2]", "source #1: expected a mapping of fields"),
    # a field given twice: YAML itself would silently keep the last one
    ("- key: x\n    enabled: true\n    name: X\n    enabled: false",
     "source 'x': field 'enabled' is given twice"),
    (f"- {{{ROW}, {URL}, hints: {{links: a, links: b}}}}", "source 'x': field 'hints.links' is given twice"),
])
def test_a_bad_source_row_is_refused_naming_file_row_and_field(tmp_path, row, message):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  {row}\n")
    with pytest.raises(ConfigError, match=f"sources.yaml, {message}") as refused:
        load_sources(path)
    _assert_plain(str(refused.value))


def _assert_plain(message: str) -> None:
    """One line of plain words: no pydantic report, no links to its documentation."""
    assert "\n" not in message and "pydantic" not in message and "http" + "s://errors" not in message
    assert "Input should" not in message and "[type=" not in message


def test_a_well_formed_row_keeps_the_interface_the_spiders_read(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {{{ROW}, start_urls: ['https://x.org/a'], feed_urls: ['https://x.org/f'],"
                    " hints: {drop_query: true, date_order: MDY, links: 'ul.news a'}}\n")
    (source,) = load_sources(path)
    assert source.start_urls == ("https://x.org/a",) and source.feed_urls == ("https://x.org/f",)
    assert source.allowed_domains == ("x.org",) and source.base_url == "https://x.org/a"
    assert source.hints == {"drop_query": True, "date_order": "MDY", "links": "ul.news a"}
    assert source.enabled is True and source.replay_only is False and source.format == "article"


@pytest.mark.parametrize("text, message", [
    ("sources:\n  - {key: x}\nsources:\n  - {key: y}\n", "sources.yaml: key 'sources' is given twice"),
    ("sources: [\n", "sources.yaml: not valid YAML"),
    ("rows: []\n", "sources.yaml: expected a mapping with a 'sources' list"),
    (f"sources:\n  - {{{ROW}, {URL}}}\n  - {{{ROW}, {URL}}}\n", r"sources.yaml: duplicate source keys \['x'\]"),
])
def test_a_bad_sources_file_is_refused_naming_the_file(tmp_path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as refused:
        load_sources(path)
    _assert_plain(str(refused.value))


def test_yaml_reads_only_true_and_false_as_booleans(tmp_path):
    """Norway's country code stays a code (PyYAML's YAML 1.1 habit reads `NO` as false)."""
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {{{ROW.replace('CN', 'NO')}, {URL}, enabled: false, replay_only: True}}\n")
    (source,) = load_sources(path)
    assert (source.country, source.enabled, source.replay_only) == ("NO", False, True)


def test_the_spider_families_checked_are_those_the_family_table_names():
    from podium.config_schema import SPIDER_FAMILIES
    from podium.families import GENERIC_SPIDERS, load
    from spiders.base import PodiumSpider

    assert sorted(GENERIC_SPIDERS) == sorted(SPIDER_FAMILIES)
    assert all(issubclass(load(target), PodiumSpider) for target in GENERIC_SPIDERS.values())


def test_synthetic_sources_are_replay_only_and_real_ones_are_not():
    replay_only = {s.key for s in settings().sources if s.replay_only}
    assert replay_only == {"example_mfa", "news_feeds", "news_sitemap"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project home whose config is a copy of the real one, for podium.toml cases to spoil."""
    (tmp_path / "config").mkdir()
    for name in ("podium.toml", "sources.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / "config" / name)
    monkeypatch.setenv("PODIUM_HOME", str(tmp_path))
    for name in ("PODIUM_TIMEOUT_SECONDS", "PODIUM_EXTRACT_BATCH", "PODIUM_LOAD_EVERY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "config" / "podium.toml"


@pytest.mark.parametrize("old, new, message", [
    ("max_pages = 2000", "max_pages = 0", r"\[crawl\] max_pages: must be a whole number above 0, not 0"),
    ("max_pages = 2000", 'max_pages = "2000"', r"\[crawl\] max_pages: must be a whole number above 0, not '2000'"),
    ("extract_batch = 200", "extract_batch = true", r"\[run\] extract_batch: must be a whole number above 0, not true"),
    ("extract_seconds_per_page = 20", "extract_seconds_per_page = 0",
     r"\[run\] extract_seconds_per_page: must be a number above 0"),
    ("lock_wait_seconds = 600", "lock_wait_seconds = -1", r"\[run\] lock_wait_seconds: must be a number of 0 or more"),
    ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"',
     r"\[run\] timezone: 'Mars/Olympus' is not an IANA time zone"),
    ('nightly_cron = "30 2 * * *"', 'nightly_cron = "61 2 * * *"',
     r"\[run\] nightly_cron: '61 2 \* \* \*' is not a cron"),
    ('nightly_cron = "30 2 * * *"', 'nightly_cron = "30 2 * *"', r"\[run\] nightly_cron: '30 2 \* \*' is not a cron"),
    ('contact = "podium-operator@example.org"', 'contact = ""', r"\[crawl\] contact: must not be empty"),
    ('contact = "podium-operator@example.org"', "", r"\[crawl\] contact: is missing"),
    ("[run]", "[run]\ncolour = 'red'", r"\[run\] colour: unknown key"),
    ("[archive]", "[archive]\npath = 'x.duckdb'", "not valid TOML"),
    ("[archive]", "[archives]", r"\[archive\]: the section is missing"),
])
def test_a_bad_podium_toml_is_refused_naming_file_section_and_key(home, old, new, message):
    text = home.read_text(encoding="utf-8")
    assert old in text
    home.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"podium.toml, {message}|podium.toml: {message}") as refused:
        load_settings()
    _assert_plain(str(refused.value))


def test_a_missing_config_folder_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PODIUM_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match=r"podium.toml: no such file .*nowhere"):
        load_settings()


@pytest.mark.parametrize("variable, value", [("PODIUM_LOAD_EVERY", "abc"), ("PODIUM_EXTRACT_BATCH", "0"),
                                             ("PODIUM_TIMEOUT_SECONDS", "-5"), ("PODIUM_TIMEOUT_SECONDS", "1.5")])
def test_a_bad_environment_value_is_refused_naming_the_variable(home, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"environment variable {variable}: must be a whole number above 0, "
                                          f"not '{re.escape(value)}'"):
        load_settings()


def test_environment_values_override_podium_toml(home, monkeypatch, tmp_path):
    for name, value in [("PODIUM_LOAD_EVERY", "7"), ("PODIUM_EXTRACT_BATCH", "3"), ("PODIUM_TIMEOUT_SECONDS", "4"),
                        ("PODIUM_ARCHIVE", str(tmp_path / "a.duckdb")), ("PODIUM_DATA", "elsewhere")]:
        monkeypatch.setenv(name, value)
    loaded = load_settings()
    assert (loaded.load_every, loaded.extract_batch, loaded.timeout_seconds) == (7, 3, 4)
    assert loaded.archive_path == tmp_path / "a.duckdb" and loaded.data_dir == tmp_path / "elsewhere"
    assert loaded.timezone == "Asia/Shanghai" and loaded.nightly_cron == "30 2 * * *" and loaded.max_pages == 2000


def test_settings_are_read_lazily_and_once(tmp_path):
    """Importing podium.settings reads no file: a broken home fails only when settings are asked for."""
    code = ("import podium.settings as s\n"
            "try:\n    s.settings()\nexcept s.ConfigError as e:\n    print('refused:', e)\n")
    env = {**os.environ, "PODIUM_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused: podium.toml: no such file")
    assert settings() is settings()


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

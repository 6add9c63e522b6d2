"""Every configured source has its parts (a family in podium/families.py that reads its format,
a spider made from that table or an importer, recorded pages, expected values in the one schema
of tests/expected.py), and its reader finds in each recorded page what a person read off it.
Family-specific checks stay in the family's test module. What a new source touches, as the
README's "Adding a source" says: tests/test_adding_a_source.py."""
from __future__ import annotations

import os

import pytest
from pydantic import ValidationError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from conftest import FIXTURES, SNAPSHOTS, snapshot_rows
from expected import ExpectedPage, fixture_paths, read_expected
from expected_checks import mismatches
from podium import families
from podium.settings import settings

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")


@pytest.mark.parametrize("source", [s.key for s in settings().sources])
def test_every_configured_source_has_its_parts_and_reads_its_pages_as_expected(source):
    """A spider (or `spider: imported` and a text format), a registered reader for its format,
    recorded pages, and expected values that validate, each naming a recorded file of the source
    and its URL; then each recorded page, read, holds what its expected values say."""
    assert_spider_reader_and_recordings(source)
    pages = validated_expectations(source)
    for expected in pages:
        assert (SNAPSHOTS / source / expected.file).is_file(), f"{expected.file!r} is not in snapshots/{source}"
        assert expected.url.startswith(("http://", "https://")), expected.url
    found = {expected.name: mismatches(source, expected) for expected in pages}
    assert {name: wrong for name, wrong in found.items() if wrong} == {}


def assert_spider_reader_and_recordings(source: str) -> None:
    config = settings().source(source)
    family = families.family_of(config.format)
    assert family is not None, f"no family in podium/families.py reads the format {config.format!r}"
    assert callable(families.load(family.formats[config.format])), f"{family.name}'s extractor is not a function"
    loader = get_spider_loader(get_project_settings())
    if config.crawled:
        assert source in loader.list(), f"no spider named {source!r}"
        spider = loader.load(source)
        if spider.__module__ != f"spiders.sources.{source}":  # a module of its own takes the table's place
            target = families.spider_target(config.format, config.language, config.spider)
            assert target, f"neither the family {family.name!r} nor the row's `spider` names a spider"
            assert issubclass(spider, families.load(target)), f"{source}: not the spider the table names"
    else:  # filled by podium import-transcripts: no spider, and a family that reads text
        assert source not in loader.list() and family.text
    assert snapshot_rows(source), f"snapshots/{source}/index.csv lists no recorded pages"
    for row in snapshot_rows(source):
        assert (SNAPSHOTS / source / row["file"]).is_file(), row["file"]


def validated_expectations(source: str) -> list[ExpectedPage]:
    """The source's expected values; fails naming every file that does not fit the schema."""
    assert (FIXTURES / source).is_dir(), f"tests/fixtures/{source}/ is missing"
    paths = fixture_paths(source)
    assert paths, f"tests/fixtures/{source}/ holds no expected JSON"
    pages, refused = [], {}
    for path in paths:
        try:
            pages.append(read_expected(path))
        except (ValidationError, ValueError) as error:
            refused[path.name] = str(error)
    assert refused == {}, f"tests/fixtures/{source}: files that do not fit tests/expected.py"
    return pages

"""The README's "Adding a source" holds: a ministry with a transcript format of its own is added
by its family's code, one row of the family table (podium/families.py), its sources.yaml row and
speakers.yaml, and nothing else podium reads. Here a throwaway family (a reader and a spider,
written to a temporary folder) is registered only by a row of the table, configured only by a
sources.yaml row in a temporary PODIUM_HOME, and then checked, crawled (its listing read by the
spider the loader makes from the table) and extracted with podium's own lookups."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

from conftest import ROOT

READER = '''
"""Exampleland's bulletins: one spokesperson's statement a page, the speaker in <p class=by>."""
from podium.extract import Document, Extraction, LayoutChanged, Statement, doc_id_for, statement_id_for, text_hash
from podium.html import decode, parse

TITLE, BYLINE, BODY = "h1", "p.by", "div.bulletin p"
LINKS = "ul.bulletins a"  # on a listing page


def extract_bulletin(page, source, registry):
    encoding, html = decode(page.body, page.content_type)
    tree = parse(html)
    body = [p.text_content().strip() for p in tree.cssselect(BODY)]
    if not body:
        raise LayoutChanged(f"{page.url}: no bulletin body", BODY)
    text = "\\n\\n".join(body)
    speaker_raw = tree.cssselect(BYLINE)[0].text_content().strip()
    speaker = registry.resolve(speaker_raw)
    document = Document(doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
                        doc_type="statement", title=tree.cssselect(TITLE)[0].text_content().strip(),
                        published_at=None, date_basis="undated", date_latest=None, language=source.language,
                        text=text, text_hash=text_hash(text), encoding=encoding, extractor="bulletin-1")
    statement = Statement(statement_id=statement_id_for(document.doc_id, 1), doc_id=document.doc_id, seq=1,
                          speaker_id=speaker.speaker_id if speaker else None, speaker_raw=speaker_raw, role=None,
                          institution=source.institution, country=source.country, statement_date=None,
                          date_basis="undated", kind="press_statement", text=text, question=None,
                          questioner=None, char_start=0, char_end=len(text), language=source.language)
    return Extraction(document, [statement])
'''

SPIDER = '''
from exampleland_bulletin import LINKS
from spiders.base import PodiumSpider
from spiders.items import page_record


class BulletinSpider(PodiumSpider):
    def listing_requests(self):
        for url in self.source.start_urls:
            yield self.listing_request(url)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        for rank, href in enumerate(response.css(LINKS + "::attr(href)").getall()):
            url = response.urljoin(href)
            request = self.request_listed(url, {"listing_url": response.url, "rank": rank},
                                          self.skip_reason(url, None))
            if request:
                yield request
'''

ROW = """
  - key: exampleland_mfa
    name: Ministry of Foreign Affairs of Exampleland
    country: XX
    institution: Ministry of Foreign Affairs of Exampleland
    kind: statement
    language: en
    format: exampleland_bulletin
    start_urls: [https://www.mfa.exampleland.test/bulletins/]
"""

SPEAKER = """
  - id: ada_example
    name: Ada Example
    country: XX
    aliases: [Ada Example]
    roles:
      - {role: Spokesperson, institution: Ministry of Foreign Affairs of Exampleland, from: 2020-01-01, to: null}
"""

# What the README's "Adding a source" says the family table's row is; the child registers exactly
# that, nothing else.
CHILD = '''
import json
from podium import families
families.FAMILIES += (families.Family("exampleland", {"exampleland_bulletin": "exampleland_bulletin:extract_bulletin"},
                                      spider="exampleland_bulletin_spider:BulletinSpider"),)

from scrapy.http import HtmlResponse, Request
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from podium.extract import StoredPage, extract
from podium.settings import settings
from podium.speakers import registry

source = settings().source("exampleland_mfa")
loader = get_spider_loader(get_project_settings())
spider_class = loader.load("exampleland_mfa")
spider = spider_class.from_crawler(get_crawler(spider_class))
listing_url = source.start_urls[0]
listing = HtmlResponse(listing_url, body=b'<ul class="bulletins"><li><a href="b/1.html">On rain</a></li></ul>',
                       encoding="utf-8", request=Request(listing_url))
requested = [r.url for r in spider.parse_listing(listing) if isinstance(r, Request)]
page = StoredPage("p1", source.key, requested[0],
                  b"<html><body><h1>On rain</h1><p class=by>Ada Example</p>"
                  b"<div class=bulletin><p>It will rain.</p><p>Bring umbrellas.</p></div></body></html>",
                  "text/html")
extraction = extract(page, source, registry())
(statement,) = extraction.statements
print(json.dumps({"spider_bases": [c.__name__ for c in spider_class.__mro__[1:3]], "requested": requested,
                  "title": extraction.document.title, "speaker": statement.speaker_id, "text": statement.text}))
'''


def test_a_new_family_needs_only_its_code_its_table_row_and_its_configuration(tmp_path):
    code, home = tmp_path / "code", tmp_path / "home"
    code.mkdir()
    (code / "exampleland_bulletin.py").write_text(textwrap.dedent(READER), encoding="utf-8")
    (code / "exampleland_bulletin_spider.py").write_text(textwrap.dedent(SPIDER), encoding="utf-8")
    shutil.copytree(ROOT / "config", home / "config")
    (home / "config" / "sources.yaml").write_text("sources:" + ROW, encoding="utf-8")
    speakers = home / "config" / "speakers.yaml"
    speakers.write_text(speakers.read_text(encoding="utf-8").rstrip("\n") + "\n" + SPEAKER, encoding="utf-8")
    env = {**os.environ, "PODIUM_HOME": str(home), "SCRAPY_SETTINGS_MODULE": "spiders.settings",
           "PYTHONPATH": os.pathsep.join([str(code), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"spider_bases": ["BulletinSpider", "PodiumSpider"],
                      "requested": ["https://www.mfa.exampleland.test/bulletins/b/1.html"],
                      "title": "On rain", "speaker": "ada_example", "text": "It will rain.\n\nBring umbrellas."}


def test_without_its_table_row_the_new_format_is_refused_naming_the_row_and_field(tmp_path):
    """The table is the one place a format is registered: the same row, with no family row, is
    refused when the configuration is read."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "config", home / "config")
    (home / "config" / "sources.yaml").write_text("sources:" + ROW, encoding="utf-8")
    code = ("from podium.settings import ConfigError, settings\ntry:\n    settings()\n"
            "except ConfigError as error:\n    print('refused:', error)\n")
    env = {**os.environ, "PODIUM_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.match(r"refused: sources.yaml, source 'exampleland_mfa': field 'format' must be one of ", done.stdout)


def test_the_readme_lists_exactly_what_a_new_source_touches():
    """The README's "Adding a source" names the files a new ministry touches, and the family table
    is where its test above registers it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a source", 1)[1].split("\n## ", 1)[0]
    touched = re.search(r"touches at most:\n\n((?:(?:- |  ).*\n)+)", section)
    assert touched, "the section lists what a new source touches"
    named = set(re.findall(r"^- `([^`]+)`", touched.group(1), re.MULTILINE))
    assert named == {"config/sources.yaml", "config/speakers.yaml", "podium/<family>.py", "podium/families.py",
                     "spiders/families/<family>.py", "pyproject.toml", "snapshots/<key>/", "tests/fixtures/<key>/"}
    assert "families.Family(" in CHILD and "FAMILIES +=" in CHILD


def test_every_row_of_the_table_names_code_that_exists():
    """Each family's extractors are functions; each spider it names is a PodiumSpider without a
    name of its own (the loader names it after a source)."""
    from podium import families
    from spiders.base import PodiumSpider

    for family in families.FAMILIES:
        assert family.formats, family.name
        for target in family.formats.values():
            assert callable(families.load(target)), target
        spiders = family.spider.values() if isinstance(family.spider, dict) else [family.spider] * bool(family.spider)
        assert not (family.text and spiders), f"{family.name}: a text family is imported, not crawled"
        for target in [*spiders, *families.GENERIC_SPIDERS.values()]:
            spider = families.load(target)
            assert issubclass(spider, PodiumSpider) and not getattr(spider, "name", None), target

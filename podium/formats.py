"""Source formats: how each family's pages become documents. A row of config/sources.yaml names
its `format`; this table says which family module reads it, so that the configuration is checked,
and the extractor found, without importing any reader."""
from __future__ import annotations

# format name → "module:function". An extractor takes (StoredPage, Source, Registry) and returns an
# Extraction (podium.extract).
EXTRACTORS = {
    "fmprc_transcript": "podium.fmprc:extract_transcript",
    "state_rss_item": "podium.state_gov:extract_item",
    "govuk_content": "podium.gov_uk:extract_content_item",
    "article": "podium.articles:extract_article",
    "whitehouse_transcript": "podium.whitehouse:extract_transcript",
}
# The formats whose pages are text transcripts (Markdown or plain text), not web pages: their
# sources are filled by `podium import-transcripts`.
TEXT_FORMATS = ("whitehouse_transcript",)

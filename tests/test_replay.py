"""The replay server: recorded pages at their live paths, with their recorded status."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import SNAPSHOTS, snapshot_rows
from podium.replay import INDEX_PATH


def get(url: str, host: str | None = None):
    request = urllib.request.Request(url, headers={"X-Forwarded-Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_serves_recorded_bytes_at_the_live_path(replay_url):
    row = next(r for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/"))
    path = row["url"].split("www.fmprc.gov.cn", 1)[1]
    status, content_type, body = get(replay_url + path, "www.fmprc.gov.cn")
    assert (status, content_type) == (200, row["content_type"])
    assert body == (SNAPSHOTS / "fmprc_en" / row["file"]).read_bytes()


def test_lists_what_it_recorded(replay_url):
    _, _, body = get(replay_url + INDEX_PATH)
    recorded = {r["url"] for index in SNAPSHOTS.glob("*/index.csv") for r in snapshot_rows(index.parent.name)}
    assert set(json.loads(body)) == recorded


def test_unrecorded_paths_are_404(replay_url):
    with pytest.raises(urllib.error.HTTPError) as raised:
        get(replay_url + "/mfa_eng/not/recorded.shtml", "www.fmprc.gov.cn")
    assert raised.value.code == 404

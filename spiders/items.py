"""The two kinds of record a spider stages: a fetched page, and a failure to fetch one."""
from __future__ import annotations

import base64
import datetime as dt


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def page_record(source_id: str, response, page_kind: str, listing: dict | None = None) -> dict:
    return {
        "type": "page",
        "source_id": source_id,
        "url": response.request.meta.get("live_url") or response.url,
        "final_url": response.url,
        "status": response.status,
        "headers": {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v},
        "fetched_at": utc_now(),
        "page_kind": page_kind,
        "listing": listing,
        "body_b64": base64.b64encode(response.body).decode("ascii"),
    }


def error_record(source_id: str, url: str, error: str, http_status: int | None = None,
                 listing: dict | None = None, stage: str = "fetch", page_kind: str | None = None) -> dict:
    """`page_kind`: the role the URL was requested in (listing or detail), so a retry keeps it."""
    return {
        "type": "error", "source_id": source_id, "url": url, "stage": stage, "page_kind": page_kind,
        "error": error, "http_status": http_status, "listing": listing, "at": utc_now(),
    }

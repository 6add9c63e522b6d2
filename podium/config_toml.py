"""The shape of `config/podium.toml`, checked whole (the checks are those of podium.config_schema):
any problem is one ConfigError naming the file, `[section]` and key, in plain words."""
from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from podium.config_schema import (ConfigError, Text, Whole, _choice, _matching, _Model, _number, _plain, _shown,
                                  _text)


def _zone(value: Any) -> str:
    if _text(value) not in zoneinfo.available_timezones():
        raise PydanticCustomError("podium", "{zone} is not an IANA time zone (like UTC or Asia/Shanghai)",
                                  {"zone": _shown(value)})
    return value


def _cron(value: Any) -> str:
    from cronsim import CronSim, CronSimError  # the parser Prefect's own scheduler (pydocket) uses

    try:
        CronSim(_text(value), dt.datetime(2000, 1, 1))
    except CronSimError as error:
        raise PydanticCustomError("podium", "{cron} is not a cron schedule of five fields, minute hour day "
                                  "month weekday ({why})", {"cron": _shown(value), "why": str(error)}) from None
    return value


class _Archive(_Model):
    path: Text                                  # PODIUM_ARCHIVE


class _Run(_Model):
    data_dir: Text                              # PODIUM_DATA
    timezone: Annotated[str, BeforeValidator(_zone)] = "UTC"
    extract_seconds_per_page: Annotated[float, BeforeValidator(_number(0, inclusive=False))] = 20.0
    lock_wait_seconds: Annotated[float, BeforeValidator(_number(0, inclusive=True))] = 600.0
    extract_batch: Whole = 200                  # PODIUM_EXTRACT_BATCH
    load_every: Whole = 100_000                 # PODIUM_LOAD_EVERY
    nightly_cron: Annotated[str, BeforeValidator(_cron)] = "30 2 * * *"


class _Crawl(_Model):
    user_agent: Text
    contact: Text
    max_pages: Whole = 2000
    download_max_bytes: Whole = 10_000_000
    timeout_seconds: Whole = 30                 # PODIUM_TIMEOUT_SECONDS


RUNNERS = ("thread", "process", "dask")


def _workers(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PydanticCustomError("podium", "must be a whole number of 0 or more (0: one per core), not {value}",
                                  {"value": _shown(value)})
    return value


def _dask_address(value: Any) -> str:
    if value == "":
        return value
    return _matching(r"(tcp|tls|ucx|inproc)://\S+", "must be a Dask scheduler address like tcp://10.0.0.5:8786")(value)


class _Extract(_Model):
    runner: Annotated[str, BeforeValidator(_choice(*RUNNERS))] = "thread"  # PODIUM_EXTRACT_RUNNER
    workers: Annotated[int, BeforeValidator(_workers)] = 0  # PODIUM_EXTRACT_WORKERS
    chunk_pages: Whole = 25
    dask_address: Annotated[str, BeforeValidator(_dask_address)] = ""  # PODIUM_DASK_ADDRESS


class PodiumToml(_Model):
    archive: _Archive
    run: _Run
    crawl: _Crawl
    extract: _Extract = _Extract()


def _toml_problem(item: dict) -> str:
    section, *key = [str(part) for part in item["loc"]]
    if not key:
        words = {"missing": "the section is missing", "extra_forbidden": "unknown section"}.get(item["type"])
        return f"[{section}]: {words or _plain(item)}"
    if item["type"] == "extra_forbidden":
        known = ", ".join(PodiumToml.model_fields[section].annotation.model_fields)
        return f"[{section}] {'.'.join(key)}: unknown key (known keys: {known})"
    return f"[{section}] {'.'.join(key)}: {_plain(item)}"


def read_podium_toml(path: Path) -> PodiumToml:
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path.name}: no such file ({path}; PODIUM_HOME names the folder holding config/)") from None
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot be read ({error.strerror}: {path})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None
    try:
        return PodiumToml.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(_toml_problem(item) for item in error.errors(include_url=False))
        raise ConfigError(f"{path.name}, {problems}") from None



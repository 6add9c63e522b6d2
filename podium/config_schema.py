"""The shape of `config/sources.yaml`, checked whole (one row per source, pydantic models below),
and the checks it shares with `config/podium.toml` (podium/config_toml.py). Any problem is one
ConfigError naming the file, the row (source key or #n) and the field, in plain words.
podium.settings reads the files through these checks and adds the environment's overrides."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from podium import families
from podium.families import IMPORTED
from podium.strict_yaml import read_yaml


SOURCE_KINDS = ("briefing", "statement", "news")
SCHEDULES = ("nightly",)
# The generic spiders a row may name in `spider` (podium/families.py, GENERIC_SPIDERS), checked by
# name without importing Scrapy.
SPIDER_FAMILIES = tuple(families.GENERIC_SPIDERS)
# Where a source-specific spider module may live (`spider` empty, and the family of the row's format
# has no spider of its own): beside the code, whatever PODIUM_HOME says.
SPIDER_MODULES = Path(__file__).resolve().parents[1] / "spiders" / "sources"
DATE_ORDERS = ("DMY", "MDY", "YMD")


class ConfigError(ValueError):
    """A configuration file holds a value podium cannot use; the message names file, row and field."""



@dataclass(frozen=True)
class Source:
    key: str
    name: str
    country: str
    institution: str
    kind: str
    language: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    format: str = "article"
    spider: str = ""  # "" = its family's spider (or spiders/sources/<key>.py); else a generic spider, or IMPORTED
    feed_urls: tuple[str, ...] = ()
    api_urls: tuple[str, ...] = ()
    hints: dict = field(default_factory=dict, hash=False, compare=False)
    schedule: str = "nightly"
    enabled: bool = True
    replay_only: bool = False  # synthetic test sites: crawled only when replaying a recording


    @property
    def crawled(self) -> bool:
        """Whether a spider fetches this source (an imported one is filled from text archives)."""
        return self.spider != IMPORTED

    @property
    def listing_urls(self) -> tuple[str, ...]:
        """Where the source's crawl starts: its start, feed and API URLs."""
        return self.start_urls + self.feed_urls + self.api_urls

    @property
    def base_url(self) -> str:
        return next(iter(self.listing_urls), "")


# -- checks shared by both files: each raises a PydanticCustomError whose message is plain words --

def _shown(value: Any) -> str:
    """A value as the user wrote it (YAML/TOML spelling for booleans)."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _refuse(words: str, value: Any = None) -> PydanticCustomError:
    return PydanticCustomError("podium", words + ", not {shown}", {"shown": _shown(value)})


def _text(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PydanticCustomError("podium", "must not be empty")
    if not isinstance(value, str):
        raise _refuse("must be text", value)
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):  # bool("no") is True: only true and false themselves are taken
        raise _refuse("must be true or false", value)
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _refuse("must be a whole number above 0", value)
    return value


def _number(minimum: float, inclusive: bool):
    words = f"must be a number {'of' if inclusive else 'above'} {minimum:g}{' or more' if inclusive else ''}"

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                value >= minimum if inclusive else value > minimum):
            raise _refuse(words, value)
        return float(value)
    return check


def _choice(*choices: str):
    def check(value: Any) -> str:
        if value not in choices:
            raise _refuse(f"must be one of {', '.join(choices)}", value)
        return value
    return check


def _matching(pattern: str, words: str):
    def check(value: Any) -> str:
        if not re.fullmatch(pattern, _text(value)):
            raise _refuse(words, value)
        return value
    return check


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Whole = Annotated[int, BeforeValidator(_whole)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _plain(error: dict) -> str:
    """pydantic's description of one problem, in the words of podium's config files."""
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is unknown"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping, not {_shown(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list (in brackets: [a, b]), not {_shown(value)}"
    return error["msg"]  # our own checks' words (PydanticCustomError), or pydantic's as a last resort


# -- sources.yaml --

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
_HOST = re.compile(r"(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
_KEY = r"[a-z][a-z0-9_]*"


def _is_host(name: str) -> bool:
    try:
        return bool(_HOST.fullmatch(name.lower().encode("idna").decode("ascii")))
    except UnicodeError:
        return False


def _url_problem(url: str) -> str | None:
    """Why a configured URL cannot be crawled, or None: http(s), a host, nothing Scrapy would rewrite."""
    unsafe = _UNSAFE.search(url)
    if unsafe:
        return {" ": "a space", "\\": "a backslash"}.get(unsafe.group(), "a control character")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port out of range
    except ValueError as error:
        return f"is no URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    if parts.username is not None or parts.password is not None:
        return "has a user name or password before its host"
    return None if _is_host(parts.hostname) else f"has {parts.hostname!r}, which is not a host name, as its host"


def _url(value: Any) -> str:
    problem = _url_problem(_text(value))
    if problem:
        verb = "which holds" if problem.startswith("a ") else "which"
        raise PydanticCustomError("podium", "holds {url}, {verb} {problem}",
                                  {"url": _shown(value), "verb": verb, "problem": problem})
    return value


def _host(value: Any) -> str:
    if not _is_host(_text(value)):
        raise PydanticCustomError("podium", "holds {host}, which is not a bare host name (like www.example.org)",
                                  {"host": _shown(value)})
    return value


def _compiles(compile_, words: str):
    def check(value: Any) -> str:
        try:
            compile_(_text(value))
        except Exception as error:  # re.error, lxml's XPathSyntaxError, cssselect's SelectorError
            raise PydanticCustomError("podium", "is not {words} ({why})",
                                      {"words": words, "why": " ".join(str(error).split())}) from None
        return value
    return check


def _selector(value: Any) -> str:
    """A CSS selector, or an XPath when it starts like one (podium.links._select decides the same way)."""
    from lxml import etree
    from lxml.cssselect import CSSSelector

    if _text(value).startswith(("/", "(", "./")):
        return _compiles(etree.XPath, "an XPath expression")(value)
    return _compiles(CSSSelector, "a CSS selector")(value)


Selector = Annotated[str, BeforeValidator(_selector)]


class Hints(_Model):
    """What the generic listing spider (podium.links) and the page roles (podium.warc) read."""
    links: Selector = ""       # the article links on a listing page
    next: Selector = ""        # the link to the next (older) listing page
    date: Selector = ""        # the date beside each link, within its listing item
    date_order: Annotated[str, BeforeValidator(_choice(*DATE_ORDERS))] = ""
    drop_query: Flag = False   # strip query strings from article links
    listing_pattern: Annotated[str, BeforeValidator(_compiles(re.compile, "a regular expression"))] = ""


def _hints(value: Any) -> Any:
    known = ", ".join(Hints.model_fields)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _refuse(f"must be a mapping of hint names to values ({known}), like {{drop_query: true}}", value)
    for name in value:
        if name not in Hints.model_fields:
            raise PydanticCustomError("podium", "has an unknown hint {name} (known hints: {known})",
                                      {"name": _shown(name), "known": known})
    return value


def _format(value: Any) -> str:
    return _choice(*families.formats())(_text(value))


def _spider(value: Any) -> str:
    if value is None or value == "":
        return ""
    if value not in (*SPIDER_FAMILIES, IMPORTED):
        raise _refuse(f"must be empty or one of {', '.join((*SPIDER_FAMILIES, IMPORTED))}", value)
    return value


_URL_FIELDS = ("start_urls", "feed_urls", "api_urls")
Urls = Annotated[tuple[Annotated[str, BeforeValidator(_url)], ...], BeforeValidator(lambda v: () if v is None else v)]


class SourceRow(_Model):
    """One row of sources.yaml as written; `Source` is what the rest of podium reads."""
    key: Annotated[str, BeforeValidator(_matching(_KEY, "must be lower-case letters, digits and _ (it names "
                                                        "a spider)"))]
    name: Text
    country: Annotated[str, BeforeValidator(_matching(r"[A-Z]{2}", "must be an ISO 3166 alpha-2 code"))]
    institution: Text
    kind: Annotated[str, BeforeValidator(_choice(*SOURCE_KINDS))]
    language: Annotated[str, BeforeValidator(_matching(r"[a-z]{2}", "must be an ISO 639-1 code (en, zh, …)"))]
    format: Annotated[str, BeforeValidator(_format)] = "article"
    spider: Annotated[str, BeforeValidator(_spider)] = ""
    start_urls: Urls = ()
    feed_urls: Urls = ()
    api_urls: Urls = ()
    allowed_domains: tuple[Annotated[str, BeforeValidator(_host)], ...] = ()
    hints: Annotated[Hints, BeforeValidator(_hints)] = Hints()
    schedule: Annotated[str, BeforeValidator(_choice(*SCHEDULES))] = "nightly"
    enabled: Flag = True
    replay_only: Flag = False

    @model_validator(mode="after")
    def _whole_row(self) -> "SourceRow":
        if self.spider == IMPORTED:
            if self.format not in families.text_formats():
                raise PydanticCustomError("podium", "spider 'imported' needs a format that reads text transcripts "
                                          "({formats}), not {format}",
                                          {"formats": ", ".join(families.text_formats()), "format": repr(self.format)})
            return self._hosts_allowed()
        if not any(getattr(self, name) for name in _URL_FIELDS):
            raise PydanticCustomError("podium", "give at least one of {fields}", {"fields": ", ".join(_URL_FIELDS)})
        if (not self.spider and not families.spider_target(self.format, self.language, "")
                and not (SPIDER_MODULES / f"{self.key}.py").is_file()):
            raise PydanticCustomError("podium", "field 'spider' is empty, so spiders/sources/{key}.py must exist, "
                                      "and it does not: the family of format {format} has no spider for "
                                      "language {language} (or name a generic family: {families})",
                                      {"key": self.key, "families": ", ".join(SPIDER_FAMILIES),
                                       "format": repr(self.format), "language": repr(self.language)})
        return self._hosts_allowed()

    def _hosts_allowed(self) -> "SourceRow":
        for name in _URL_FIELDS:
            for url in getattr(self, name):
                host = urlsplit(url).hostname
                if self.allowed_domains and not in_domains(host, self.allowed_domains):
                    raise PydanticCustomError("podium", "field {field} holds {url}, whose host {host} is not in "
                                              "allowed_domains", {"field": repr(name), "url": repr(url), "host": host})
        return self

    def source(self) -> Source:
        """The row as podium reads it: allowed_domains default to its URLs' hosts; hints as given."""
        urls = [url for name in _URL_FIELDS for url in getattr(self, name)]
        domains = self.allowed_domains or tuple(sorted({urlsplit(url).hostname for url in urls}))
        return Source(**{**self.model_dump(exclude={"hints"}), "allowed_domains": domains},
                      hints=self.hints.model_dump(exclude_unset=True))


def in_domains(host: str, domains: tuple[str, ...]) -> bool:
    """Whether a host is one of `domains` or below one (Scrapy's offsite rule)."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _row_label(index: int, row: Any) -> str:
    key = row.get("key") if isinstance(row, dict) else None
    return f"source {key!r}" if isinstance(key, str) and re.fullmatch(_KEY, key) else f"source #{index + 1}"


def _row_problems(error: ValidationError) -> str:
    """Every problem of one row, in plain words, unknown fields together."""
    problems, unknown = [], []
    for item in error.errors(include_url=False):
        place = ".".join(str(part) for part in item["loc"] if isinstance(part, str))
        if item["type"] == "extra_forbidden" and "." not in place:
            unknown.append(place)
        elif place:
            problems.append(f"field {place!r} {_plain(item)}")
        else:
            problems.append(_plain(item))
    if unknown:
        known = ", ".join(SourceRow.model_fields)
        problems.insert(0, f"unknown field(s) {sorted(unknown)} (known fields: {known})")
    return "; ".join(problems)


def _source_from_row(path: Path, index: int, row: Any) -> Source:
    where = f"{path.name}, {_row_label(index, row)}"
    if not isinstance(row, dict):
        raise ConfigError(f"{where}: expected a mapping of fields, got {_shown(row)}")
    try:
        return SourceRow.model_validate(row).source()
    except ValidationError as error:
        raise ConfigError(f"{where}: {_row_problems(error)}") from None


def _duplicate_message(path: Path, data: Any, duplicate: tuple[tuple, str, int]) -> str:
    where, key, line = duplicate
    if len(where) >= 2 and where[0] == "sources" and isinstance(where[1], int):
        row = _row_label(where[1], data["sources"][where[1]])
        field_name = ".".join(str(part) for part in (*where[2:], key))
        return f"{path.name}, {row}: field {field_name!r} is given twice (line {line}); give it once"
    place = ".".join(str(part) for part in where)
    return f"{path.name}: key {key!r}{f' in {place}' if place else ''} is given twice (line {line}); give it once"


def load_sources(path: Path) -> tuple[Source, ...]:
    try:
        data, duplicate = read_yaml(path)
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot be read ({error.strerror}: {path})") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path.name}: not valid YAML: {' '.join(str(error).split())}") from None
    if duplicate:
        raise ConfigError(_duplicate_message(path, data, duplicate))
    if not isinstance(data, dict) or set(data) != {"sources"} or not isinstance(data["sources"], list):
        raise ConfigError(f"{path.name}: expected a mapping with a 'sources' list (and nothing else) at the top")
    sources = tuple(_source_from_row(path, i, row) for i, row in enumerate(data["sources"]))
    keys = [s.key for s in sources]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise ConfigError(f"{path.name}: duplicate source keys {sorted(duplicated)}")
    return sources

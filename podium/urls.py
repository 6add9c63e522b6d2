"""Which URLs podium may fetch: http(s) pages of public hosts.

A URL is checked as Scrapy will request it (w3lib's `safe_url_string`, the normalisation
scrapy.Request applies), so the host checked is the host connected to: a backslash, a stray
`@` or an encoded character cannot make the two read different hosts. Control characters are
refused outright (a newline would split one URL into two lines of a crawl's URL file).
Host names are resolved, and any loopback, private, link-local or otherwise non-public
address refuses the URL; the crawl's own resolver (spiders/resolver.py) checks again at
connection time. Replays and tests allow loopback hosts explicitly.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from podium.settings import ConfigError, settings


class UrlRefused(ValueError):
    """A URL podium will not fetch; the message says which and why."""


def normalised(url: str) -> str:
    """The URL as Scrapy will request it, or UrlRefused if it is not an http(s) URL with a host."""
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise UrlRefused(f"refused {url!r}: it holds a control character (a newline or tab?)")
    try:
        safe = safe_url_string(url.strip())
        parts = urlsplit(safe)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        raise UrlRefused(f"refused {url!r}: not a valid URL ({error})") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(f"refused {url!r}: only http(s) URLs with a host can be crawled")
    return safe


def is_public(address: str) -> bool:
    """Whether an IP address is one of the public internet's (not loopback, private, link-local,
    multicast, reserved or unspecified)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def addresses(host: str) -> list[str]:
    """What the host resolves to (a literal in any form the system accepts: 127.1, 0x7f000001);
    empty when it does not resolve (the crawl then records that it could not)."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def literal_refusal(host: str) -> str | None:
    """Why a host, as written, must not be fetched from (a loopback name, a non-public address
    literal), or None; names are not resolved here."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback host"
    try:
        return None if is_public(host.strip("[]")) else f"{host} is a loopback or private address"
    except ValueError:  # a name, or an address in a form only the resolver reads (127.1)
        return None


def host_refusal(host: str) -> str | None:
    """Why a host must not be fetched from, or None: as written, or by what it resolves to."""
    refusal = literal_refusal(host)
    if refusal:
        return refusal
    host = host.lower().rstrip(".")
    private = [a for a in addresses(host) if not is_public(a)]
    if private:
        return f"{host} is (or resolves to) a loopback or private address ({', '.join(private)})"
    return None


def checked(url: str, allow_private: bool = False) -> str:
    """The URL as it will be requested, or UrlRefused: not http(s), no host, a control character,
    or (unless `allow_private`: replays and tests) a host that is not public."""
    safe = normalised(url)
    if not allow_private:
        refusal = host_refusal(urlsplit(safe).hostname)
        if refusal:
            raise UrlRefused(f"refused {url!r}: {refusal}")
    return safe


def group_urls(urls: list[str], sources: list[str], allow_private: bool = False) -> dict[str, list[str]]:
    """The URLs, as they will be requested, by the configured source (among `sources`, or any)
    whose allowed domains hold them; a URL that is refused or belongs to no source is an error."""
    if len(urls) > settings().max_pages:
        raise ConfigError(f"{len(urls)} URLs is over the per-run page cap of {settings().max_pages}")
    grouped: dict[str, list[str]] = {}
    for url in urls:
        safe = checked(url, allow_private)
        grouped.setdefault(settings().source_for_url(safe, sources).key, []).append(safe)
    return grouped

"""The crawls' DNS resolver: Scrapy's caching resolver, refusing names that resolve to a
loopback, private or otherwise non-public address. This is the connection-time half of the URL
guard (podium/urls.py checks before a run starts): the address refused here is the one the
connection would have gone to, whatever the name said when the run was checked. Replay runs,
which fetch from a local server on purpose, use Scrapy's resolver instead (flows/crawl.py)."""
from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from podium.urls import is_public


class PrivateAddressRefused(DNSLookupError):
    """A host name resolved to an address podium does not fetch from."""


# Twisted turns a failed resolution into "no results for hostname lookup", losing the reason:
# the reason per host is kept here for the spider's errback and the retry middleware.
_refused: dict[str, str] = {}


def refusal(host: str | None) -> str | None:
    """Why the resolver refused this host in this crawl, or None."""
    return _refused.get(host or "")


class PublicOnlyResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self._public_only, name)
        return resolved

    @staticmethod
    def _public_only(address: str, name: str) -> str:
        if not is_public(address):
            _refused[name] = f"refused: {name} resolves to {address}, a loopback or private address"
            raise PrivateAddressRefused(_refused[name])
        return address

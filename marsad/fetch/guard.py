"""Server-side request forgery guard: marsad fetches URLs that come from third-party feeds.

A feed may point (or redirect) at ``http://169.254.169.254/`` or an intranet host; the
check runs on every address the name resolves to, for every redirect hop.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from marsad.errors import FetchRefused, FetchUnavailable

Resolver = Callable[[str], Sequence[str]]
"""host -> IP address strings. Injectable so tests can make a name resolve anywhere."""

ALLOWED_SCHEMES = frozenset({"http", "https"})

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str) -> list[str]:
    """All addresses the OS resolver returns (A and AAAA)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched, or None if it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = address_problem(embedded)
            return f"{inner} (embedded in {ip})" if inner else None
    checks: tuple[tuple[bool, str], ...] = (
        (ip in _METADATA, "cloud metadata address"),
        (ip.is_loopback, "loopback address"),
        (ip.is_unspecified, "unspecified address"),
        (ip.is_link_local, "link-local address"),
        (ip.is_multicast, "multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT address"),
        (ip.is_private, "private address"),
        (ip.is_reserved, "reserved address"),
        (not ip.is_global, "non-global address"),
    )
    for bad, reason in checks:
        if bad:
            return reason
    return None


def resolve_checked(
    host: str, *, allow_private_hosts: bool = False, resolver: Resolver | None = None
) -> list[str]:
    """Resolve ``host`` (an IP literal resolves to itself) and refuse any forbidden address.

    With ``allow_private_hosts`` the addresses are returned unchecked. Raises FetchRefused
    with the reason, or FetchUnavailable when DNS itself fails (transient for a known outlet).
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            raw = list((resolver or system_resolver)(host))
        except (OSError, UnicodeError) as exc:
            raise FetchUnavailable(f"DNS lookup failed for {host!r}: {exc}") from exc
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]
        except ValueError as exc:
            raise FetchRefused(f"refused {host!r}: resolver returned {raw!r}") from exc
        if not addresses:
            raise FetchUnavailable(f"DNS lookup for {host!r} returned no address") from None
    if not allow_private_hosts:
        for ip in addresses:
            problem = address_problem(ip)
            if problem:
                raise FetchRefused(f"refused {host}: it resolves to {ip}, a {problem}")
    return [str(ip) for ip in addresses]


def check_url(
    url: str, *, allow_private_hosts: bool = False, resolver: Resolver | None = None
) -> list[str]:
    """Refuse ``url`` unless it is http(s) to a host whose EVERY address is public.

    Returns the resolved addresses (empty when ``allow_private_hosts`` skips resolution).
    This is the per-hop pre-check; :mod:`marsad.fetch.transport` repeats the address check
    at connect time so a DNS answer that changes in between (rebinding) is caught too.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchRefused(f"refused {url!r}: scheme {scheme or '(none)'!r} is not http(s)")
    try:
        host = parts.hostname
    except ValueError as exc:
        raise FetchRefused(f"refused {url!r}: malformed host ({exc})") from exc
    if not host:
        raise FetchRefused(f"refused {url!r}: no host")
    if allow_private_hosts:
        return []
    try:
        return resolve_checked(host, resolver=resolver)
    except FetchRefused as exc:
        raise FetchRefused(f"refused {url!r}: {str(exc).removeprefix('refused ')}") from None

"""An httpx transport that re-checks addresses at connect time (DNS rebinding defence).

``check_url`` resolves a host before each hop, but the HTTP library would resolve it again
when connecting; a hostile DNS server can answer "public" the first time and "127.0.0.1"
the second. Here the socket is opened to an address that was checked in the same call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from marsad.errors import FetchRefused
from marsad.fetch.guard import Resolver, resolve_checked
from marsad.fetch.options import FetchOptions


class GuardedNetworkBackend(httpcore.NetworkBackend):
    """Resolves with the guard's resolver, refuses forbidden addresses, then connects."""

    def __init__(self, *, allow_private_hosts: bool, resolver: Resolver | None = None) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private_hosts
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self._allow_private and self._resolver is None:
            return self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        addresses = resolve_checked(
            host, allow_private_hosts=self._allow_private, resolver=self._resolver
        )
        last: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None  # resolve_checked never returns an empty list
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise FetchRefused("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connection pool dials through the guarded backend."""

    def __init__(
        self,
        *,
        allow_private_hosts: bool,
        resolver: Resolver | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(trust_env=False, limits=limits)
        ssl_context = self._pool._ssl_context  # reuse the verified default context
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(
                allow_private_hosts=allow_private_hosts, resolver=resolver
            ),
        )


def make_client(
    options: FetchOptions, *, resolver: Resolver | None = None, limits: httpx.Limits | None = None
) -> httpx.Client:
    """The pooled client the shell should share across fetches (one per worker process).

    No environment proxies (``trust_env=False``): the core never reads the environment, and
    a proxy would hide the real destination from the guard.
    """
    transport = GuardedTransport(
        allow_private_hosts=options.allow_private_hosts, resolver=resolver, limits=limits
    )
    return httpx.Client(transport=transport, trust_env=False, follow_redirects=False)

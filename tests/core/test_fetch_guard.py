"""SSRF guard: checked after DNS on every resolved address."""

from __future__ import annotations

import pytest

from marsad.errors import FetchRefused, FetchUnavailable
from marsad.fetch.guard import check_url


def resolver_for(*addresses: str):
    def resolve(host: str) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.20.30.40", "private"),
        ("192.168.1.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.10.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.7", "carrier-grade NAT"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::5", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("240.0.0.9", "address"),
    ],
)
def test_hostname_resolving_to_forbidden_address_is_refused(address, reason):
    with pytest.raises(FetchRefused, match=reason):
        check_url("https://akhbar.example/x", resolver=resolver_for(address))


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.5"):
        check_url("https://akhbar.example/", resolver=resolver_for("93.184.216.34", "10.0.0.5"))


def test_public_addresses_pass_and_are_returned():
    resolve = resolver_for("93.184.216.34", "2606:4700::1")
    got = check_url("https://akhbar.example/", resolver=resolve)
    assert got == ["93.184.216.34", "2606:4700::1"]


def test_ip_literals_checked_without_resolver():
    def boom(host: str) -> list[str]:
        raise AssertionError("IP literal must not be resolved")

    with pytest.raises(FetchRefused, match="metadata"):
        check_url("http://169.254.169.254/latest/meta-data/", resolver=boom)
    with pytest.raises(FetchRefused, match="loopback"):
        check_url("http://[::1]:8080/", resolver=boom)


def test_allow_private_hosts_skips_address_checks_but_not_scheme():
    assert check_url("http://127.0.0.1:9/", allow_private_hosts=True) == []
    with pytest.raises(FetchRefused, match="scheme"):
        check_url("file:///etc/passwd", allow_private_hosts=True)


def test_dns_failure_is_transient():
    def fail(host: str) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchUnavailable, match="DNS"):
        check_url("https://no-such-outlet.example/", resolver=fail)


def test_localhost_name_refused_with_system_resolver():
    with pytest.raises(FetchRefused, match="loopback"):
        check_url("http://localhost/")

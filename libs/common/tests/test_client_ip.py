"""The one client-IP rule the gateway and auth share (launchforge_common.client_ip)."""

from __future__ import annotations

from ipaddress import IPv4Address, ip_network
from typing import Any

import pytest
from launchforge_common.client_ip import TrustedProxies, client_ip, forwarded_chain, parse_ip

LOOPBACK = [ip_network("127.0.0.0/8")]
INTERNAL = TrustedProxies([ip_network("10.0.0.0/8"), ip_network("::1/128")])


def scope(peer: str | None, *headers: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "client": (peer, 4711) if peer is not None else None,
        "headers": [(name.encode(), value.encode()) for name, value in headers],
    }


def test_untrusted_peer_headers_are_ignored() -> None:
    request = scope("203.0.113.50", ("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=1.2.3.4"))
    assert INTERNAL.client_ip(request) == "203.0.113.50"


def test_no_trusted_networks_believes_nothing() -> None:
    assert TrustedProxies([]).client_ip(scope("10.0.0.1", ("x-forwarded-for", "1.2.3.4"))) == (
        "10.0.0.1"
    )


def test_forwarded_for_is_walked_right_to_left_past_trusted_hops() -> None:
    # The client wrote "6.6.6.6"; the ingress (10.0.0.9) appended the real client.
    request = scope("10.0.0.2", ("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.9"))
    assert INTERNAL.client_ip(request) == "203.0.113.9"


def test_every_hop_trusted_gives_the_leftmost() -> None:
    assert INTERNAL.client_ip(scope("10.0.0.2", ("x-forwarded-for", "10.0.0.7, 10.0.0.8"))) == (
        "10.0.0.7"
    )


def test_several_forwarded_for_headers_are_one_list_in_order() -> None:
    request = scope(
        "10.0.0.2", ("x-forwarded-for", "203.0.113.1"), ("x-forwarded-for", "198.51.100.2")
    )
    assert INTERNAL.client_ip(request) == "198.51.100.2"


@pytest.mark.parametrize("garbage", ["not-an-ip", "_hidden", "unknown", "999.1.1.1"])
def test_garbage_stops_the_walk_at_the_last_good_hop(garbage: str) -> None:
    request = scope("10.0.0.2", ("x-forwarded-for", f"203.0.113.9, {garbage}, 10.0.0.9"))
    assert INTERNAL.client_ip(request) == "10.0.0.9"


def test_rfc7239_forwarded_is_read_without_x_forwarded_for() -> None:
    request = scope(
        "10.0.0.2",
        ("forwarded", 'for=198.51.100.7;proto=https, For="[2001:db8::1]:4711"'),
        ("forwarded", "for=10.0.0.9:8080;by=10.0.0.2"),
    )
    assert INTERNAL.client_ip(request) == "2001:db8::1"
    assert forwarded_chain([], ['for="198.51.100.7:443"']) == ["198.51.100.7"]
    assert forwarded_chain([], ["proto=https;host=example.com"]) == []


def test_x_forwarded_for_wins_over_forwarded() -> None:
    request = scope(
        "10.0.0.2", ("forwarded", "for=198.51.100.7"), ("x-forwarded-for", "203.0.113.9")
    )
    assert INTERNAL.client_ip(request) == "203.0.113.9"


def test_ipv4_mapped_peers_and_hops_are_their_ipv4() -> None:
    # A dual-stack socket reports an IPv4 proxy as ::ffff:10.0.0.2: still trusted.
    request = scope("::ffff:10.0.0.2", ("x-forwarded-for", "::ffff:203.0.113.9"))
    assert INTERNAL.client_ip(request) == "203.0.113.9"
    assert INTERNAL.is_trusted("::ffff:10.0.0.2")
    # An untrusted mapped peer is answered as its IPv4 too (one bucket, not two).
    assert INTERNAL.client_ip(scope("::ffff:203.0.113.5")) == "203.0.113.5"
    assert parse_ip(" ::ffff:192.0.2.1 ") == IPv4Address("192.0.2.1")


def test_peers_that_are_not_addresses() -> None:
    assert INTERNAL.client_ip(scope(None, ("x-forwarded-for", "1.2.3.4"))) == "unknown"
    assert INTERNAL.client_ip(scope("/run/app.sock", ("x-forwarded-for", "1.2.3.4"))) == (
        "/run/app.sock"
    )


def test_trusted_ipv6_proxy() -> None:
    assert INTERNAL.client_ip(scope("::1", ("x-forwarded-for", "2001:DB8::5"))) == "2001:db8::5"


def test_header_values_form() -> None:
    """The same rule for callers holding header values rather than a scope."""
    assert client_ip("127.0.0.1", "203.0.113.9", LOOPBACK) == "203.0.113.9"
    assert client_ip("127.0.0.1", "10.9.9.9, 203.0.113.9", LOOPBACK) == "203.0.113.9"
    assert client_ip("203.0.113.50", "1.2.3.4", LOOPBACK) == "203.0.113.50"
    assert client_ip("127.0.0.1", None, LOOPBACK, forwarded="for=192.0.2.60") == "192.0.2.60"
    assert client_ip("127.0.0.1", None, LOOPBACK) == "127.0.0.1"


def test_ipv4_mapped_networks_are_their_ipv4() -> None:
    trusted = TrustedProxies([ip_network("::ffff:10.0.0.0/104")])
    assert trusted.networks == (ip_network("10.0.0.0/8"),)
    assert trusted.client_ip(scope("10.1.2.3", ("x-forwarded-for", "203.0.113.9"))) == (
        "203.0.113.9"
    )
    assert not trusted.is_trusted("11.0.0.1")

"""The client's address: the socket peer, or — only when the peer is a configured trusted proxy — the
right-most hop of X-Forwarded-For that is not itself a trusted proxy.

Proxies append the address they received the request from; everything to the left of the last trusted
proxy's entry was written by the client and can be anything, so it is never used as a key.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=64)
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in trusted)


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: tuple[str, ...]) -> str:
    """``peer`` is the socket peer's host; ``forwarded_for`` the X-Forwarded-For header values in order."""
    if not peer:
        return "unknown"
    nets = networks(trusted)
    if not nets or not _is_trusted(peer, nets):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        ip = _valid_ip(hop)
        if ip is None:
            # A trusted proxy always writes a real address; garbage here was written by the client, and the
            # proxy's own peer (the hop examined before) is then the best we know.
            return client
        client = ip
        if not _is_trusted(ip, nets):
            return ip
    return client  # every hop is a trusted proxy: the left-most one


def uvicorn_proxy_options(trusted: tuple[str, ...]) -> dict[str, Any]:
    """uvicorn's proxy handling from ``LIFECERT_TRUSTED_PROXIES`` only. Left alone, uvicorn believes
    X-Forwarded-For from 127.0.0.1 (its default), which lets any local client choose its own address."""
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": list(trusted)}

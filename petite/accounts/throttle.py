"""Brute force without lockout abuse (P8, ASVS 2.2.1): a progressive delay on sign-in.

Failed sign-ins are counted in two places, each with its own allowance:

- per (address, network): the guesses against one account from one network;
- per network: the guesses from one network against any account.

A network is an IPv4 address, or an IPv6 /64 (one subscriber's allocation: an
attacker changes addresses inside it for free). Past its allowance, a counter
makes the next attempt wait, doubling with each further failure up to a ceiling;
the wait ends by itself, and a successful sign-in clears the (address, network)
counter. Nothing is ever keyed on the address alone: failures typed from another
network cannot slow the owner down, and the owner's own network is only ever
delayed, never locked. The figures are in ``settings`` (``PETITE_SIGNIN_*``) and in
docs/security.md.

Counters live in the cache (Redis when scaled out), keyed by a hash: no address or
IP address is stored in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_PREFIX = "petite:signin:"


def network(ip: str) -> str:
    """The network an address counts for: itself (IPv4), or its /64 (IPv6)."""
    try:
        parsed = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@dataclass(frozen=True)
class _Counter:
    key: str
    allowance: int
    forget_after: int


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return _PREFIX + digest


def _counters(email: str, ip: str) -> list[_Counter]:
    where = network(ip)
    address = email.strip().lower()
    return [
        _Counter(
            _key(settings.SECRET_KEY, "pair", address, where),
            settings.PETITE_SIGNIN_ACCOUNT_ALLOWANCE,
            settings.PETITE_SIGNIN_ACCOUNT_FORGET_SECONDS,
        ),
        _Counter(
            _key(settings.SECRET_KEY, "network", where),
            settings.PETITE_SIGNIN_NETWORK_ALLOWANCE,
            settings.PETITE_SIGNIN_NETWORK_FORGET_SECONDS,
        ),
    ]


def delay_after(failures: int, allowance: int) -> float:
    """Seconds to wait after the last failure, given how many failures were counted."""
    if failures < allowance:
        return 0.0
    doubling = failures - allowance
    return float(min(2**doubling, settings.PETITE_SIGNIN_MAX_DELAY_SECONDS))


def wait_seconds(*, email: str, ip: str) -> int:
    """How long this attempt must wait before its password is even checked (0: go)."""
    now = time.time()
    longest = 0.0
    for counter in _counters(email, ip):
        failures, last = cache.get(counter.key, (0, 0.0))
        longest = max(longest, last + delay_after(failures, counter.allowance) - now)
    return math.ceil(longest) if longest > 0 else 0


def failed(*, email: str, ip: str) -> None:
    """Count one failed sign-in (wrong password, or an attempt made while it had to wait)."""
    now = time.time()
    for counter in _counters(email, ip):
        failures, _last = cache.get(counter.key, (0, 0.0))
        cache.set(counter.key, (failures + 1, now), timeout=counter.forget_after)


def succeeded(*, email: str, ip: str) -> None:
    """The member signed in: their own counter starts again (the network's does not)."""
    cache.delete(_counters(email, ip)[0].key)

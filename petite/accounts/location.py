"""Where an IP address is, approximately: country and network, resolved offline (R1.2).

Callers only use :func:`resolve`. Behind it sits a resolver chosen by settings:
geoip2fast's bundled country + ASN data by default, or a MaxMind database when
``PETITE_GEOIP_MAXMIND_PATH`` names one (the ``maxminddb`` reader must then be
installed). Loopback, private and reserved addresses never reach a database:
they resolve to :data:`UNKNOWN`, as does anything a database does not know.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import ipaddress
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Location:
    """An approximate location. Empty strings (and ``asn=None``) mean unknown."""

    country_code: str = ""
    country_name: str = ""
    asn: int | None = None
    network_name: str = ""

    @property
    def known(self) -> bool:
        return bool(self.country_code or self.network_name)


UNKNOWN = Location()


class Resolver(Protocol):
    def resolve(self, ip: str) -> Location: ...


class GeoIP2FastResolver:
    """geoip2fast with its bundled country + ASN data (IPv4 and IPv6).

    The data takes about half a second to load, so it is loaded on first use and
    only once per process, whatever the number of threads asking at that moment.
    """

    DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"

    def __init__(self) -> None:
        self._database: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._database is None:
                # geoip2fast 1.2.2 has an invalid escape sequence (a SyntaxWarning,
                # an error under `-W error`) and may print while loading.
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore", SyntaxWarning)
                    from geoip2fast import GeoIP2Fast

                    self._database = GeoIP2Fast(geoip2fast_data_file=self.DATA_FILE)
        return self._database

    def resolve(self, ip: str) -> Location:
        database = self._database or self._load()
        result = database.lookup(ip)
        code = result.country_code or ""
        if result.is_private or len(code) != 2 or not code.isalpha():
            # "--" (not found or special range) and "" (invalid address).
            code = ""
        return Location(
            country_code=code.upper(),
            country_name=result.country_name if code else "",
            asn=None,  # the bundled data names the network but not its number
            network_name=(result.asn_name or "")[:200],
        )


class MaxMindResolver:
    """A MaxMind (GeoLite2/GeoIP2) database read with the ``maxminddb`` package.

    Country and City databases give the country; ASN databases give the network.
    """

    def __init__(self, path: str) -> None:
        try:
            maxminddb = importlib.import_module("maxminddb")
        except ImportError as error:
            raise ImproperlyConfigured(
                "PETITE_GEOIP_MAXMIND_PATH is set but the 'maxminddb' package is not "
                "installed: add it to the dependencies, or unset the setting to use the "
                "bundled geoip2fast data."
            ) from error
        try:
            self._reader = maxminddb.open_database(path)
        except (OSError, ValueError) as error:
            raise ImproperlyConfigured(
                f"PETITE_GEOIP_MAXMIND_PATH: cannot open the MaxMind database ({error})."
            ) from error

    def resolve(self, ip: str) -> Location:
        record = self._reader.get(ip) or {}
        country = record.get("country") or record.get("registered_country") or {}
        asn = record.get("autonomous_system_number")
        return Location(
            country_code=str(country.get("iso_code") or "").upper(),
            country_name=str((country.get("names") or {}).get("en") or ""),
            asn=int(asn) if asn else None,
            network_name=str(record.get("autonomous_system_organization") or "")[:200],
        )


@lru_cache(maxsize=4)
def _resolver_for(maxmind_path: str) -> Resolver:
    if maxmind_path:
        return MaxMindResolver(maxmind_path)
    return GeoIP2FastResolver()


def get_resolver() -> Resolver:
    return _resolver_for(settings.PETITE_GEOIP_MAXMIND_PATH or "")


def resolve(ip: str) -> Location:
    """The approximate location of ``ip``; :data:`UNKNOWN` for non-public addresses."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if not address.is_global:
        return UNKNOWN
    return get_resolver().resolve(str(address))

"""The sign-in risk check: which signals a sign-in raises against the member's history.

Signals (issue 14): a device not seen before (its signed cookie), a network not
seen before (the /16 of an IPv4 address, the /64 of an IPv6 one, as Mastodon
does), a country not seen before, and impossible travel: the speed implied by
the distance from the previous sign-in's place, above
``PETITE_IMPOSSIBLE_TRAVEL_KMH`` (900 km/h by default, an airliner's speed).

geoip2fast resolves countries only (no city), so a place is its country's
centroid (``data/country_centroids.json``, taken from the countryinfo package):
two sign-ins in one country are never "impossible travel", and the distance
between two countries is centroid to centroid. A MaxMind city database would
sharpen it; the signals would not change.

Whether a sign-in is worth an alert (:func:`worth_an_alert`): a new country,
impossible travel or a wrong second factor always; a new network only from a
new device too, so that a member's own laptop on a café's Wi-Fi raises nothing
(the false alerts Nextcloud members complain of), and a new browser on a known
network neither.
"""

from __future__ import annotations

import ipaddress
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings

CENTROIDS = Path(__file__).resolve().parent / "data" / "country_centroids.json"
EARTH_RADIUS_KM = 6371.0


def network_of(ip: str) -> str:
    """The /16 (IPv4) or /64 (IPv6) network of ``ip``, or "" when it is not an address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 16 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    data = json.loads(CENTROIDS.read_text())
    return {code: (float(lat), float(lon)) for code, (lat, lon) in data.items()}


def distance_km(country_a: str, country_b: str) -> float | None:
    """Great-circle distance between two countries' centroids; None when unknown."""
    table = centroids()
    a, b = table.get(country_a.upper()), table.get(country_b.upper())
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Previous:
    """What the risk check needs of the member's history."""

    first_sign_in: bool
    known_device: bool
    known_network: bool
    known_country: bool
    last_country: str = ""
    last_at: datetime | None = None


@dataclass(frozen=True)
class Assessment:
    reasons: list[str] = field(default_factory=list)
    speed_kmh: float | None = None


def impossible_travel(
    country: str, at: datetime, last_country: str, last_at: datetime | None
) -> float | None:
    """The implied speed in km/h when it exceeds the setting, else None."""
    if not country or not last_country or last_at is None or country == last_country:
        return None
    distance = distance_km(country, last_country)
    if distance is None:
        return None
    hours = max((at - last_at).total_seconds() / 3600, 1 / 60)  # at least a minute apart
    speed = distance / hours
    limit = float(getattr(settings, "PETITE_IMPOSSIBLE_TRAVEL_KMH", 900))
    return speed if speed > limit else None


def assess(*, previous: Previous, country: str, network: str, at: datetime) -> Assessment:
    if previous.first_sign_in:
        return Assessment()  # nothing to compare with: never an alert
    reasons: list[str] = []
    if not previous.known_device:
        reasons.append("new_device")
    if network and not previous.known_network:
        reasons.append("new_network")
    if country and not previous.known_country:
        reasons.append("new_country")
    speed = impossible_travel(country, at, previous.last_country, previous.last_at)
    if speed is not None:
        reasons.append("impossible_travel")
    return Assessment(reasons=reasons, speed_kmh=speed)


def worth_an_alert(reasons: list[str]) -> bool:
    strong = {"new_country", "impossible_travel", "second_factor"}
    if strong & set(reasons):
        return True
    return {"new_device", "new_network"} <= set(reasons)

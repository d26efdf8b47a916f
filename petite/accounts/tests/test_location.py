"""IP addresses resolve offline to a country and a network (R1.2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from petite.accounts import location


@pytest.mark.clause("R1.2")
def test_a_french_address_resolves_to_france_and_its_network():
    where = location.resolve("90.0.0.1")

    assert (where.country_code, where.country_name) == ("FR", "France")
    assert "Orange" in where.network_name


@pytest.mark.clause("R1.2")
def test_a_google_address_resolves_to_the_united_states():
    assert location.resolve("8.8.8.8").country_code == "US"


@pytest.mark.clause("R1.2")
def test_an_ipv6_address_resolves_too():
    assert location.resolve("2001:4860:4860::8888").country_code == "US"


@pytest.mark.clause("R1.2")
@pytest.mark.parametrize(
    "ip",
    ["127.0.0.1", "10.0.0.1", "192.168.1.1", "100.64.0.1", "::1", "fe80::1", "0.0.0.0"],  # noqa: S104
)
def test_loopback_private_and_reserved_addresses_are_unknown(ip):
    assert location.resolve(ip) == location.UNKNOWN


@pytest.mark.parametrize("ip", ["", "999.1.1.1", "not an address", "<script>"])
def test_invalid_addresses_are_unknown(ip):
    assert location.resolve(ip) == location.UNKNOWN


def test_an_ipv4_mapped_ipv6_address_resolves_as_ipv4():
    assert location.resolve("::ffff:90.0.0.1").country_code == "FR"


def test_a_maxmind_path_without_its_reader_installed_is_a_configuration_error(settings):
    settings.PETITE_GEOIP_MAXMIND_PATH = "/nonexistent/GeoLite2-Country.mmdb"

    with pytest.raises(ImproperlyConfigured, match="maxminddb"):
        location.resolve("90.0.0.1")

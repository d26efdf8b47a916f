"""The payment processors, found by key: ``providers.get("stripe")``.

Each module of this package named in ``MODULES`` brings one ``Provider``. A
processor is *offered* when its settings are present (``is_configured()``).
"""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from .base import NotConfigured, Provider

# key → class path. A third processor: a new module and one line here.
MODULES = {
    "stripe": "petite.payments.providers.stripe.StripeProvider",
    "paypal": "petite.payments.providers.paypal.PayPalProvider",
    "demo": "petite.payments.providers.demo.DemoProvider",
}


@cache
def _provider_class(key: str) -> type[Provider]:
    cls: type[Provider] = import_string(MODULES[key])
    return cls


def get(key: str) -> Provider:
    if key not in MODULES:
        raise NotConfigured(code="unknown_provider")
    return _provider_class(key)()


def offered() -> list[Provider]:
    """The processors a member can pay with now, in display order."""
    return [provider for key in MODULES if (provider := get(key)).is_configured()]

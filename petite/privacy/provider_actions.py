"""Writes to the provider register and to who works for a provider (S4): audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from petite.core import audit

from .events import Event
from .providers import ProviderAgent, ServiceProvider


@transaction.atomic
def save_provider(*, actor: Any, provider: ServiceProvider, changed: list[str]) -> ServiceProvider:
    """Save a register entry; the notice the code generates changes with it."""
    created = provider.pk is None
    provider.save()
    audit.record(
        Event.PROVIDER_ADDED if created else Event.PROVIDER_CHANGED,
        actor=actor,
        target=provider,
        key=provider.key,
        fields=sorted(changed),
        purposes=list(provider.purposes),
        categories=list(provider.categories),
        reveal_categories=list(provider.reveal_categories),
    )
    return provider


@transaction.atomic
def set_provider_agent(*, actor: Any, member: Any, provider: ServiceProvider | None) -> None:
    """Make a staff account work for ``provider`` (None: for the platform itself)."""
    if provider is None:
        ProviderAgent.objects.filter(member=member).delete()
        audit.record(Event.PROVIDER_AGENT_REMOVED, actor=actor, target=member)
        return
    ProviderAgent.objects.update_or_create(member=member, defaults={"provider": provider})
    audit.record(Event.PROVIDER_AGENT_SET, actor=actor, target=member, provider=provider.key)

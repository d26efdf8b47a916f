"""Recording accountable actions. Called from actions, never from views."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(
    action: str,
    *,
    actor: models.Model | None = None,
    target: models.Model | None = None,
    **data: Any,
) -> AuditEvent:
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )

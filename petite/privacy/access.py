"""Who may see what, and the log of who saw what (S4, SEC1 staff access).

:func:`viewer_for` turns a staff account into a :class:`Viewer`: the data
categories it may see, derived from its declared roles (:mod:`.roles`) or, for
the staff of a service provider, from that provider's register entry
(:mod:`.providers`); superusers see everything. Every back-office screen,
export, help-desk page and API that shows a member's personal data to staff asks
the viewer which fields it may show (:meth:`Viewer.may_see`) and calls
:func:`record_access`.

The log is coalesced: one :class:`AccessRecord` per viewer, member and hour,
whose categories and reasons grow as the hour goes on, so the log stays small
and a list page of fifty members costs one cache read when nothing is new.
Members read their lines in plain words on "Who looked at your data" and get them
in their export. ``hidden_until`` is for legal holds (issue 15): a line made
while an authority forbids telling the member stays hidden until that date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import categories as category_module
from . import roles as roles_module
from .declarations import Erasure, Personal
from .providers import ProviderAgent, ServiceProvider
from .registry import declaration_for, is_member_model

MAX_REASONS = 10


class AccessRecord(models.Model):
    """One viewer's views of one member's data within one hour."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_records",
        verbose_name=_("member"),
    )
    # The person, kept for the privacy team; the member reads the role and provider.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("viewer"),
    )
    role = models.CharField(_("role"), max_length=40)
    provider = models.ForeignKey(
        ServiceProvider,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service provider"),
    )
    provider_name = models.CharField(_("provider"), max_length=120, blank=True)
    categories = models.JSONField(_("kinds of data"), default=list)
    # Why: {"kind": "help_request", "reference": "#12"} dicts, in the order seen.
    reasons = models.JSONField(_("reasons"), default=list)
    revealed = models.BooleanField(_("revealed on request"), default=False)
    hour = models.DateTimeField(_("hour"))
    first_at = models.DateTimeField(_("first view"))
    last_at = models.DateTimeField(_("last view"))
    views = models.PositiveIntegerField(_("views"), default=1)
    # Set by a legal hold (issue 15): the member does not see the line before this.
    hidden_until = models.DateTimeField(_("hidden until"), null=True, blank=True)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["viewer", "member", "hour"], name="privacy_access_once_per_hour"
            )
        ]
        indexes = [models.Index(fields=["member", "-hour"])]
        verbose_name = _("staff access")
        verbose_name_plural = _("staff accesses")

    class Privacy:
        subject = "member"
        timestamp = "hour"
        fields = {
            "role": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "provider_name": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "categories": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "reasons": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "revealed": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "first_at": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
            "last_at": Personal(category_module.STAFF_ACCESS, ["P8"], Erasure.DELETE),
        }
        # The viewer is the staff member's identity, for the privacy team only.
        technical = ["id", "member", "viewer", "provider", "hour", "views", "hidden_until"]

    def __str__(self) -> str:
        return f"Access #{self.pk}"


# --- The viewer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    member: Any
    role: str
    # Category keys it sees; None: every category.
    categories: frozenset[str] | None
    # Categories it sees only after giving a reason ("reveal").
    reveal: frozenset[str] = frozenset()
    provider: ServiceProvider | None = None
    # Purposes its work serves (a provider's); None: every purpose.
    purposes: frozenset[str] | None = None
    roles: tuple[str, ...] = field(default=())

    @property
    def is_everything(self) -> bool:
        return self.categories is None

    def may_see(self, category: str | None) -> bool:
        """May this viewer see data of ``category`` (None: a technical field) without a reveal?"""
        if category is None or self.categories is None:
            return True
        return category in self.categories

    def may_reveal(self, category: str | None) -> bool:
        return category is not None and category in self.reveal

    def serves(self, purposes: Iterable[str]) -> bool:
        """Does a record kept for ``purposes`` belong to this viewer's work?"""
        if self.purposes is None:
            return True
        wanted = set(purposes)
        return not wanted or bool(wanted & self.purposes)


def viewer_for(user: Any) -> Viewer:
    """What a signed-in account may see; a member who is not staff sees no one else's data."""
    cached = getattr(user, "_petite_viewer", None)
    if isinstance(cached, Viewer):
        return cached
    viewer = _compute_viewer(user)
    if getattr(user, "pk", None):
        user._petite_viewer = viewer
    return viewer


def _compute_viewer(user: Any) -> Viewer:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Viewer(user, "anonymous", frozenset(), purposes=frozenset())
    if not user.is_staff:
        return Viewer(user, "member", frozenset(), purposes=frozenset())
    agent = ProviderAgent.objects.select_related("provider").filter(member=user).first()
    if agent is not None:
        provider = agent.provider
        if not provider.active:
            return Viewer(
                user, "provider_agent", frozenset(), provider=provider, purposes=frozenset()
            )
        seen = frozenset(provider.categories)
        return Viewer(
            user,
            "provider_agent",
            seen,
            reveal=frozenset(provider.reveal_categories) - seen,
            provider=provider,
            purposes=frozenset(provider.purposes),
            roles=tuple(r.key for r in roles_module.roles_of(user)),
        )
    if user.is_superuser:
        return Viewer(user, "superuser", None)
    held = roles_module.roles_of(user)
    if not held:
        return Viewer(user, "staff", frozenset())
    if any(r.categories is None for r in held):
        seen_all: frozenset[str] | None = None
    else:
        seen_all = frozenset().union(*(r.categories or frozenset() for r in held))
    return Viewer(user, held[0].key, seen_all, roles=tuple(r.key for r in held))


# --- Which category a field holds -----------------------------------------------------


def field_category(model: type[models.Model], path: str) -> str | None:
    """The category of the field at ``path`` ("email", "member__email"), from the
    declarations; None for technical fields. A field of a model that declares nothing
    is unknown, and treated as its own category so that only "see everything" shows it."""
    current: type[models.Model] = model
    parts = path.lstrip("^=@").split("__")
    for index, name in enumerate(parts):
        try:
            found = current._meta.get_field(name)
        except Exception:
            return None
        last = index == len(parts) - 1
        if last or not found.is_relation or found.related_model is None:
            declaration = declaration_for(current)
            if declaration is None:
                return None
            personal = declaration.fields.get(name)
            if personal is None:
                return None
            return personal.category.key
        related = found.related_model
        if isinstance(related, str):
            return None
        current = related
    return None


def subject_path(model: type[models.Model]) -> str | None:
    declaration = declaration_for(model)
    if declaration is None:
        return None
    if is_member_model(model):
        return ""
    return declaration.subject


def subject_ids(objects: Iterable[models.Model], model: type[models.Model]) -> list[int]:
    """The members the rows are about (for the log)."""
    path = subject_path(model)
    if path is None:
        return []
    if path == "":
        return [obj.pk for obj in objects]
    ids = []
    first = path.split("__")[0]
    for obj in objects:
        if "__" not in path:
            value = getattr(obj, f"{first}_id", None)
        else:
            value = obj
            for part in path.split("__"):
                value = getattr(value, part, None)
                if value is None:
                    break
            value = getattr(value, "pk", None)
        if value is not None:
            ids.append(int(value))
    return ids


# --- The log ------------------------------------------------------------------------


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _cache_key(viewer_id: int, member_id: int, hour: datetime) -> str:
    return f"petite:access:{viewer_id}:{member_id}:{int(hour.timestamp())}"


def record_access(
    viewer: Viewer | Any,
    member: Any,
    categories: Iterable[str],
    reason: dict[str, str] | str,
    *,
    revealed: bool = False,
) -> None:
    """Log that ``viewer`` saw ``categories`` of ``member``'s data, for ``reason``
    ("help request #12", or {"kind": ..., "reference": ...}). Coalesced per hour."""
    member_id = getattr(member, "pk", member)
    record_many(viewer, [member_id], categories, reason, revealed=revealed)


def record_many(
    viewer: Viewer | Any,
    member_ids: Sequence[int],
    categories: Iterable[str],
    reason: dict[str, str] | str,
    *,
    revealed: bool = False,
) -> None:
    """:func:`record_access` for the members of a list page, in one cache round trip."""
    if not isinstance(viewer, Viewer):
        viewer = viewer_for(viewer)
    if not settings.PETITE_ACCESS_LOG or viewer.role in ("anonymous", "member"):
        return
    staff_id = getattr(viewer.member, "pk", None)
    shown = sorted(set(categories))
    targets = sorted({int(m) for m in member_ids if m is not None and int(m) != staff_id})
    if staff_id is None or not shown or not targets:
        return
    why = reason if isinstance(reason, dict) else {"kind": "other", "reference": str(reason)}
    now = timezone.now()
    hour = _hour(now)
    keys = {_cache_key(staff_id, m, hour): m for m in targets}
    known = cache.get_many(list(keys))
    signature = (tuple(shown), why.get("kind", ""), why.get("reference", ""), revealed)
    for key, member_id in keys.items():
        seen = known.get(key)
        if seen is not None and _covers(seen, signature):
            continue
        merged = _write(viewer, member_id, shown, why, revealed, now, hour)
        cache.set(key, merged, timeout=3600)


def _covers(seen: Any, signature: tuple[Any, ...]) -> bool:
    categories_seen, reasons_seen, revealed_seen = seen
    shown, kind, reference, revealed = signature
    return (
        set(shown) <= set(categories_seen)
        and (kind, reference) in {tuple(r) for r in reasons_seen}
        and (revealed_seen or not revealed)
    )


def _write(
    viewer: Viewer,
    member_id: int,
    shown: list[str],
    why: dict[str, str],
    revealed: bool,
    now: datetime,
    hour: datetime,
) -> tuple[list[str], list[tuple[str, str]], bool]:
    provider = viewer.provider
    defaults = {
        "role": viewer.role
        if provider is None
        else (viewer.roles[0] if viewer.roles else viewer.role),
        "provider": provider,
        "provider_name": provider.name if provider is not None else "",
        "categories": shown,
        "reasons": [why],
        "revealed": revealed,
        "first_at": now,
        "last_at": now,
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                record, created = AccessRecord.objects.select_for_update().get_or_create(
                    viewer=viewer.member, member_id=member_id, hour=hour, defaults=defaults
                )
        except IntegrityError:  # another process created it in between
            record = AccessRecord.objects.select_for_update().get(
                viewer=viewer.member, member_id=member_id, hour=hour
            )
            created = False
        if not created:
            record.categories = sorted(set(record.categories) | set(shown))
            if why not in record.reasons and len(record.reasons) < MAX_REASONS:
                record.reasons = [*record.reasons, why]
            record.revealed = record.revealed or revealed
            record.last_at = now
            record.views += 1
            record.save(update_fields=["categories", "reasons", "revealed", "last_at", "views"])
    reasons = [(r.get("kind", ""), r.get("reference", "")) for r in record.reasons]
    if len(record.reasons) >= MAX_REASONS:
        reasons.append((why.get("kind", ""), why.get("reference", "")))
    return (list(record.categories), reasons, record.revealed)


def visible_to_member(member: Any, *, now: datetime | None = None) -> QuerySet[AccessRecord]:
    """The member's lines, without those a legal hold still hides."""
    moment = now or timezone.now()
    return AccessRecord.objects.filter(member=member).filter(
        Q(hidden_until__isnull=True) | Q(hidden_until__lte=moment)
    )


def since(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)

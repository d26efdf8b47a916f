"""The back-office: the incident register (Art. 33(5)) with its 72-hour clock,
severity and notices, and the read-only security records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import bulkmail
from petite.core.admin import ReadOnlyAdmin, ReadOnlyInline, action_page
from petite.core.errors import ActionRefused

from . import actions
from .forms import (
    AffectedMembersForm,
    AuthorityNotificationForm,
    ConfirmForm,
    IncidentForm,
    NotNotifiedForm,
)
from .models import AffectedMember, AuthorityNotification, Incident, SecurityEvent, SignInAlert


class NotificationInline(ReadOnlyInline[AuthorityNotification, Incident]):
    model = AuthorityNotification
    fields = ["phase", "sent_at", "reference", "content"]
    readonly_fields = ["phase", "sent_at", "reference", "content"]


class AffectedInline(ReadOnlyInline[AffectedMember, Incident]):
    model = AffectedMember
    fields = ["member", "categories"]
    readonly_fields = ["member", "categories"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    form = IncidentForm
    list_display = ["reference", "title", "source", "aware_at", "deadline_status", "severity_band"]
    list_filter = ["source", "authority"]
    readonly_fields = [
        "reference", "source", "deadline", "deadline_status", "severity_display",
        "authority", "not_notified_reason", "warnings_sent", "notices_progress",
    ]  # fmt: skip
    inlines = [NotificationInline, AffectedInline]

    @admin.display(description=_("72-hour deadline"))
    def deadline_status(self, obj: Incident) -> str:
        if obj.authority != Incident.Authority.UNDECIDED:
            return str(obj.get_authority_display())
        left = (obj.deadline - timezone.now()).total_seconds() / 3600
        if left < 0:
            return gettext("overdue by %(hours)d h") % {"hours": -left}
        return gettext("%(hours)d h left") % {"hours": left}

    @admin.display(description=_("severity (ENISA)"))
    def severity_display(self, obj: Incident) -> str:
        tell = (
            gettext("members must be told (Art. 34)")
            if obj.members_must_be_told
            else gettext("members need not be told")
        )
        return f"{obj.severity:.2f} ({obj.severity_band}): {tell}"

    @admin.display(description=_("notices to members"))
    def notices_progress(self, obj: Incident) -> str:
        progress = bulkmail.progress(obj.notices.all())
        if not progress.total:
            return "—"
        return gettext("%(sent)d of %(total)d sent, %(failed)d failed (%(percent)d%%)") % {
            "sent": progress.sent,
            "total": progress.total,
            "failed": progress.failed,
            "percent": progress.percent,
        }

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the register is a record: incidents are closed, never deleted

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        actor = cast(Member, request.user)
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in actions.incidents.EDITABLE
        }
        if change:
            updated = actions.update_incident(incident=obj, actor=actor, **fields)
            obj.pk = updated.pk
            return
        created = actions.open_incident(
            title=form.cleaned_data["title"],
            source=Incident.Source.STAFF,
            actor=actor,
            aware_at=form.cleaned_data.get("aware_at"),
        )
        rest = {k: v for k, v in fields.items() if k not in ("title", "aware_at")}
        if rest:
            actions.update_incident(incident=created, actor=actor, **rest)
        obj.pk = created.pk

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        tools = [
            {"url": reverse(f"admin:security_incident_{slug}", args=[object_id]), "label": label}
            for slug, label in self.ACTIONS
        ]
        context = {**(extra_context or {}), "incident_actions": tools}
        return super().change_view(request, object_id, form_url, context)

    ACTIONS = (
        ("notified", _("Record a notification to the authority")),
        ("not_notified", _("Record why the authority is not notified")),
        ("affected", _("Add affected members")),
        ("notices", _("Send the notices to affected members (Art. 34)")),
    )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                f"<int:object_id>/{slug}/",
                self.admin_site.admin_view(self._action(slug)),
                name=f"security_incident_{slug}",
            )
            for slug, _label in self.ACTIONS
        ]
        return own + super().get_urls()

    def _action(self, slug: str) -> Callable[..., HttpResponse]:
        form_classes: dict[str, type[forms.Form]] = {
            "notified": AuthorityNotificationForm,
            "not_notified": NotNotifiedForm,
            "affected": AffectedMembersForm,
            "notices": ConfirmForm,
        }
        titles = dict(self.ACTIONS)

        def view(request: HttpRequest, object_id: int) -> HttpResponse:
            obj = self.get_object(request, str(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise Http404
            form = form_classes[slug](request.POST or None)
            if request.method == "POST" and form.is_valid():
                actor = cast(Member, request.user)
                data = form.cleaned_data
                try:
                    self._act(slug, obj, actor, data)
                except ActionRefused as refused:
                    form.add_error(None, str(refused.message))
                else:
                    self.message_user(request, gettext("Done."), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:security_incident_change", args=[obj.pk])
                    )
            return action_page(
                self, request, obj, form, title=str(titles[slug]), submit=gettext("Save")
            )

        return view

    def _act(self, slug: str, obj: Incident, actor: Member, data: dict[str, Any]) -> None:
        if slug == "notified":
            actions.record_authority_notification(
                incident=obj, actor=actor, phase=data["phase"], content=data["content"],
                reference=data["reference"], sent_at=data["sent_at"],
            )  # fmt: skip
        elif slug == "not_notified":
            actions.decide_not_to_notify(incident=obj, actor=actor, reason=data["reason"])
        elif slug == "affected":
            emails = {line.strip().lower() for line in data["emails"].splitlines() if line.strip()}
            members = list(Member.objects.filter(email__in=emails))
            if len(members) != len(emails):
                raise ActionRefused(gettext("Some addresses are not members' addresses."))
            actions.add_affected_members(
                incident=obj, actor=actor, affected=dict.fromkeys(members, data["categories"])
            )
        else:
            actions.plan_member_notices(incident=obj, actor=actor)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin[SecurityEvent]):
    list_display = ["at", "kind", "source", "signature", "network", "incident"]
    list_filter = ["kind"]


@admin.register(SignInAlert)
class SignInAlertAdmin(ReadOnlyAdmin[SignInAlert]):
    list_display = ["created_at", "member", "place", "device", "disowned_at"]
    exclude = ["device_hash"]

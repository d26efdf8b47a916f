"""Policy versions in the back-office: the draft's summary of changes, publication
with an effective date, the notice campaign's progress and failures (E1-E3).

Drafts are made by :func:`petite.policies.actions.prepare_draft` (hourly, or the
button on the list), never typed in; nothing is deleted here. Each write calls
one function of actions.py, which keeps the audit trail.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from petite.accounts.models import Member
from petite.core.admin import action_page
from petite.core.models import Delivery

from . import actions, diffing, selectors
from .forms import EffectiveDateForm
from .models import PolicyAcknowledgement, PolicyNotice, PolicyVersion

DRAFT_MESSAGES = {
    "unchanged": _("The notice matches the latest published version: no draft needed."),
    "initial": _("No version was recorded: the notice in force is now version 1."),
    "created": _("The notice changed: a draft is ready for its summary of changes."),
    "updated": _("The notice changed again: the draft now holds the new text."),
    "discarded": _("The notice is back to the published text: the draft was discarded."),
}


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ("__str__", "status", "published_at", "effective_at", "notices")
    list_filter = ("status",)
    ordering = ("-created_at",)
    change_form_template = "admin/policies/policyversion/change_form.html"
    change_list_template = "admin/policies/policyversion/change_list.html"
    fieldsets = (
        (None, {"fields": ("status", "number", "content_hash", "created_at")}),
        (_("Summary of changes"), {"fields": ("summary_en", "summary_fr")}),
        (_("Changes from the latest published version"), {"fields": ("changes",)}),
        (
            _("Publication"),
            {"fields": ("published_at", "planned_effective_at", "effective_at", "moved")},
        ),
        (
            _("Notice e-mails"),
            {
                "fields": (
                    "notices",
                    "failures",
                    "campaign_planned_at",
                    "campaign_finished_at",
                    "last_notice_sent_at",
                )
            },
        ),
    )
    read_only = (
        "status",
        "number",
        "content_hash",
        "created_at",
        "changes",
        "published_at",
        "planned_effective_at",
        "effective_at",
        "moved",
        "notices",
        "failures",
        "campaign_planned_at",
        "campaign_finished_at",
        "last_notice_sent_at",
    )

    class Media:
        css = {"all": ["policies/policies.css"]}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.is_draft:
            return self.read_only
        return (*self.read_only, "summary_en", "summary_fr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published version is frozen: its page is read-only.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        actions.edit_draft(
            version=obj,
            summary_en=form.cleaned_data["summary_en"],
            summary_fr=form.cleaned_data["summary_fr"],
            actor=cast(Member, request.user),
        )

    # --- What staff read --------------------------------------------------------------

    @admin.display(description=_("notice e-mails"))
    def notices(self, obj: PolicyVersion) -> str:
        if obj.is_draft:
            return "—"
        if not obj.announced:
            return gettext("none: the first recorded version is announced to nobody")
        if obj.campaign_planned_at is None:
            return gettext("not planned yet: the task worker plans them (within 5 minutes)")
        progress = selectors.campaign_progress(obj)
        text = gettext("%(sent)d sent of %(total)d, %(failed)d failed, %(waiting)d waiting") % {
            "sent": progress.sent,
            "total": progress.total,
            "failed": progress.failed,
            "waiting": progress.waiting,
        }
        if progress.skipped:
            text += gettext(", %(skipped)d not sent (account closed)") % {
                "skipped": progress.skipped
            }
        return text

    @admin.display(description=_("failures"))
    def failures(self, obj: PolicyVersion) -> str | SafeString:
        failed = selectors.notices(obj).filter(status=Delivery.Status.FAILED)
        count = failed.count()
        retrying = (
            selectors.notices(obj).filter(status=Delivery.Status.PENDING, attempts__gt=0).count()
        )
        if not count and not retrying:
            return gettext("none")
        link = reverse("admin:policies_policynotice_changelist")
        return format_html(
            '{} <a href="{}?version__id__exact={}&amp;status__exact=failed">{}</a>',
            gettext("%(failed)d failed after every retry, %(retrying)d waiting for another try.")
            % {"failed": count, "retrying": retrying},
            link,
            obj.pk,
            gettext("List them"),
        )

    @admin.display(description=_("effective date moved"))
    def moved(self, obj: PolicyVersion) -> str:
        if obj.effective_moved_at is None:
            return gettext("no")
        return gettext("yes, because notices were still being sent (on %(date)s)") % {
            "date": timezone.localtime(obj.effective_moved_at).strftime("%Y-%m-%d %H:%M")
        }

    @admin.display(description=_("changes"))
    def changes(self, obj: PolicyVersion) -> SafeString:
        previous = selectors.previous(obj)
        if previous is None:
            return format_html("{}", gettext("The first version: nothing to compare with."))
        comparison = diffing.compare(previous.text_en, obj.text_en)
        return render_to_string(
            "admin/policies/policyversion/changes.html",
            {"comparison": comparison, "previous": previous},
        )

    # --- Publication ------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("prepare/", wrap(self.prepare_view), name=f"{info}_prepare"),
            path("<int:pk>/publish/", wrap(self.publish_view), name=f"{info}_publish"),
            path("<int:pk>/postpone/", wrap(self.postpone_view), name=f"{info}_postpone"),
            *super().get_urls(),
        ]

    def prepare_view(self, request: HttpRequest) -> HttpResponse:
        return require_POST(self._prepare)(request)

    def _prepare(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise Http404
        outcome = actions.prepare_draft(actor=cast(Member, request.user))
        self.message_user(request, DRAFT_MESSAGES[outcome.outcome], messages.INFO)
        if outcome.version is not None and outcome.version.is_draft:
            return HttpResponseRedirect(self._change_url(outcome.version))
        return HttpResponseRedirect(reverse("admin:policies_policyversion_changelist"))

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._editable(request, pk)
        if not version.is_draft:
            raise Http404
        return self._date_view(
            request,
            version,
            title=gettext("Publish %(version)s") % {"version": version},
            button=gettext("Publish and notify every member"),
            act=lambda when: actions.publish(
                version=version, effective_at=when, actor=cast(Member, request.user)
            ),
            done=gettext("Published. The notice e-mails are being sent."),
        )

    def postpone_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._editable(request, pk)
        if version.is_draft:
            raise Http404
        return self._date_view(
            request,
            version,
            title=gettext("Move the effective date of %(version)s") % {"version": version},
            button=gettext("Move the effective date"),
            act=lambda when: actions.postpone(
                version=version, effective_at=when, actor=cast(Member, request.user)
            ),
            done=gettext("The effective date moved."),
        )

    def _date_view(
        self,
        request: HttpRequest,
        version: PolicyVersion,
        *,
        title: str,
        button: str,
        act: Any,
        done: str,
    ) -> HttpResponse:
        earliest = actions.earliest_effective_at(version)
        form = EffectiveDateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                act(form.cleaned_data["effective_at"])
            except actions.PolicyError as refused:
                form.add_error("effective_at", str(refused))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(version))
        return action_page(
            self,
            request,
            version,
            form,
            title=title,
            submit=button,
            template="admin/policies/policyversion/date_form.html",
            earliest=earliest,
        )

    def _editable(self, request: HttpRequest, pk: int) -> PolicyVersion:
        if not self.has_change_permission(request):
            raise Http404
        return get_object_or_404(PolicyVersion, pk=pk)

    def _change_url(self, version: PolicyVersion) -> str:
        return reverse("admin:policies_policyversion_change", args=[version.pk])


class _ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyNotice)
class PolicyNoticeAdmin(_ReadOnlyAdmin[PolicyNotice]):
    """Every notice e-mail of every version; the failed ones say why (never an address)."""

    list_display = ("__str__", "version", "member", "status", "attempts", "error", "sent_at")
    list_filter = ("status", "version")
    list_select_related = ("version", "member")
    ordering = ("-pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyNotice]:
        return super().get_queryset(request).select_related("version", "member")


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(_ReadOnlyAdmin[PolicyAcknowledgement]):
    list_display = ("__str__", "version", "member", "acknowledged_at")
    list_filter = ("version",)
    list_select_related = ("version", "member")
    ordering = ("-acknowledged_at",)

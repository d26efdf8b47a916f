"""Commercial e-mail in the back-office: topics, the campaign composer (write,
preview, send, follow the progress) and the suppression list.

Members' choices are not listed here: they are the members' own business, and
the only thing staff need from them, who receives a campaign, is decided by the
consent check when each message is built.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.bulkmail import Progress

from . import actions, content, emails, selectors
from .addresses import address_hash
from .forms import CampaignForm
from .models import Campaign, Suppression, Topic


def _staff(request: HttpRequest) -> Member:
    return cast(Member, request.user)


# --- Topics -------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ("slug", "name_en", "name_fr", "is_offered", "position", "members")
    list_editable = ()
    ordering = ("position", "slug")
    fields = (
        "slug",
        "name_en",
        "description_en",
        "name_fr",
        "description_fr",
        "is_offered",
        "position",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(member_count=Count("subscriptions"))

    @admin.display(description=_("members who chose it"), ordering="member_count")
    def members(self, obj: Topic) -> int:
        return int(getattr(obj, "member_count", 0))

    def get_readonly_fields(
        self, request: HttpRequest, obj: Topic | None = None
    ) -> tuple[str, ...]:
        # Members' choices and campaigns refer to the key.
        return ("slug",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Topic | None = None) -> bool:
        # Choices and their proof refer to topics: stop offering one instead.
        return False

    def save_model(self, request: HttpRequest, obj: Topic, form: Any, change: bool) -> None:
        actions.save_topic(topic=obj, actor=_staff(request))


# --- Campaigns ----------------------------------------------------------------------


def progress_html(progress: Progress) -> SafeString:
    return format_html(
        '<progress max="{}" value="{}"></progress> {}',
        max(progress.total, 1),
        progress.total - progress.waiting,
        gettext(
            "%(sent)d sent of %(total)d · %(skipped)d skipped (no consent any more) · "
            "%(failed)d failed · %(waiting)d waiting"
        )
        % {
            "sent": progress.sent,
            "total": progress.total,
            "skipped": progress.skipped,
            "failed": progress.failed,
            "waiting": progress.waiting,
        },
    )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    form = CampaignForm
    list_display = ("subject_en", "topic", "status", "progress", "sending_started_at")
    list_filter = ("status", "topic")
    search_fields = ("subject_en", "subject_fr")
    change_form_template = "admin/marketing/campaign/change_form.html"
    editable = ("topic", "subject_en", "subject_fr", "body_format", "body_en", "body_fr")
    recorded = (
        "status",
        "progress",
        "created_by",
        "created_at",
        "sending_started_at",
        "sending_finished_at",
    )

    def get_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[Any]:
        return [*self.editable, *self.recorded] if obj is not None else [*self.editable]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Campaign | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        if obj.status != Campaign.Status.DRAFT:
            return (*self.editable, *self.recorded)
        return self.recorded

    @admin.display(description=_("progress"))
    def progress(self, obj: Campaign) -> SafeString | str:
        if obj.status == Campaign.Status.DRAFT:
            return "-"
        return progress_html(selectors.progress(obj))

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        # Once sending has started the campaign is the record of what was sent.
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        actions.save_campaign(campaign=obj, actor=_staff(request))

    def delete_model(self, request: HttpRequest, obj: Campaign) -> None:
        actions.delete_drafts(campaigns=[obj], actor=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        # Only drafts go; a campaign that was sent stays as the record of it.
        actions.delete_drafts(campaigns=queryset, actor=_staff(request))

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("marketing.send_campaign")

    # --- Preview and send pages ---------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="marketing_campaign_preview",
            ),
            path(
                "<int:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="marketing_campaign_send",
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            "can_send": obj is not None
            and obj.status == Campaign.Status.DRAFT
            and self.has_send_permission(request),
        }
        return super().change_view(request, object_id, form_url, context)

    def _campaign(self, request: HttpRequest, object_id: int) -> Campaign:
        campaign = self.get_object(request, str(object_id))
        if campaign is None or not self.has_view_permission(request, campaign):
            raise Http404
        return campaign

    def _context(self, request: HttpRequest, campaign: Campaign, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "campaign": campaign,
            "original": campaign,
        }

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Each language's message, exactly as a member receives it (footer, headers,
        plain text), addressed to the staff member looking at it."""
        campaign = self._campaign(request, object_id)
        staff = _staff(request)
        versions = []
        for code, name in (("en", _("English")), ("fr", _("French"))):
            with translation.override(code):
                message = emails.render(campaign, member_id=staff.pk, to=staff.email)
                versions.append(
                    {
                        "code": code,
                        "language": name,
                        "subject": message.subject,
                        "headers": {
                            k: v for k, v in message.extra_headers.items() if k.startswith("List-")
                        },
                        "text": message.body,
                        # Sanitised: only the allowed tags and link schemes remain.
                        "html": SafeString(content.to_html(campaign.body, campaign.body_format)),
                    }
                )
        context = {
            **self._context(request, campaign, gettext("Preview")),
            "versions": versions,
            "can_send": campaign.status == Campaign.Status.DRAFT
            and self.has_send_permission(request),
        }
        return TemplateResponse(request, "admin/marketing/campaign/preview.html", context)

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        campaign = self._campaign(request, object_id)
        if not self.has_send_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:marketing_campaign_change", args=[campaign.pk])
        if campaign.status != Campaign.Status.DRAFT:
            self.message_user(
                request, gettext("This campaign is already being sent."), messages.WARNING
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            try:
                planned = actions.start_sending(campaign=campaign, actor=_staff(request))
            except actions.CampaignError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Sending started: %(count)d member chose this topic.",
                        "Sending started: %(count)d members chose this topic.",
                        planned,
                    )
                    % {"count": planned},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self._context(request, campaign, gettext("Send this campaign")),
            "audience": selectors.audience(campaign).count(),
        }
        return TemplateResponse(request, "admin/marketing/campaign/send.html", context)


# --- The suppression list -----------------------------------------------------------


class SuppressionForm(forms.ModelForm[Suppression]):
    """Staff block an address at its owner's request: the address is hashed, never kept."""

    address = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Only a keyed fingerprint of the address is stored, never the address."),
    )

    class Meta:
        model = Suppression
        fields: list[str] = []


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin[Suppression]):
    form = SuppressionForm
    list_display = ("fingerprint", "reason", "created_at")
    list_filter = ("reason",)
    date_hierarchy = "created_at"
    search_fields = ("address_hash",)
    search_help_text = _("Type a full e-mail address to find whether it is blocked.")
    actions = ("lift",)

    @admin.display(description=_("address fingerprint"))
    def fingerprint(self, obj: Suppression) -> str:
        return obj.address_hash[:16] + "…"

    def get_fields(self, request: HttpRequest, obj: Suppression | None = None) -> list[Any]:
        if obj is None:
            return ["address"]
        return ["fingerprint", "reason", "member", "created_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Suppression | None = None
    ) -> tuple[str, ...]:
        return ("fingerprint", "reason", "member", "created_at") if obj is not None else ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Suppression], search_term: str
    ) -> tuple[QuerySet[Suppression], bool]:
        # Staff search by address; the table only knows fingerprints.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(address_hash=address_hash(term)), False

    def has_change_permission(self, request: HttpRequest, obj: Suppression | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Suppression | None = None) -> bool:
        return False

    def has_lift_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("marketing.delete_suppression")

    def save_model(self, request: HttpRequest, obj: Suppression, form: Any, change: bool) -> None:
        entry = actions.suppress(
            address=form.cleaned_data["address"],
            reason=Suppression.Reason.STAFF,
            actor=_staff(request),
        )
        # The admin then logs and redirects to the entry the action made (or found).
        obj.pk = entry.pk
        obj.address_hash = entry.address_hash
        obj.reason = entry.reason
        obj.created_at = entry.created_at

    @admin.action(description=_("Lift the block on the selected addresses"), permissions=["lift"])
    def lift(self, request: HttpRequest, queryset: QuerySet[Suppression]) -> None:
        count = actions.lift_suppressions(entries=queryset, actor=_staff(request))
        self.message_user(
            request,
            ngettext(
                "%(count)d address may receive commercial e-mail again.",
                "%(count)d addresses may receive commercial e-mail again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

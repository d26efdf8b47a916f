"""The ad inventory in the back-office: interests, advertisers, campaigns, reports."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core.admin import ReadOnlyAdmin, ReadOnlyInline, action_page
from petite.core.errors import ActionRefused

from . import actions
from .forms import CampaignForm, CreativeForm, InterestCategoryForm, ReportForm
from .models import (
    Advertiser,
    Campaign,
    Creative,
    DailyCount,
    InterestCategory,
    Report,
)


class InventoryAdmin[M: Advertiser | Campaign](admin.ModelAdmin[M]):
    """Saves and deletions go through the app's actions: audited, and the chooser's cached
    inventory is refreshed at once."""

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        actions.save_inventory(
            actor=cast(Member, request.user), item=obj, fields=list(form.changed_data)
        )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        actions.delete_inventory(actor=cast(Member, request.user), item=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for item in formset.save(commit=False):
            actions.save_inventory(actor=cast(Member, request.user), item=item, fields=[])
        for item in formset.deleted_objects:
            actions.delete_inventory(actor=cast(Member, request.user), item=item)
        formset.save_m2m()


@admin.register(InterestCategory)
class InterestCategoryAdmin(admin.ModelAdmin[InterestCategory]):
    form = InterestCategoryForm
    list_display = ["name_en", "name_fr", "key"]
    search_fields = ["name_en", "name_fr", "key"]

    def save_model(
        self, request: HttpRequest, obj: InterestCategory, form: Any, change: bool
    ) -> None:
        # The form's model validation already refused an Art. 9 category; the action
        # refuses it again for any other path, and writes the audit record.
        actions.save_interest_category(
            actor=cast(Member, request.user), interest=obj, fields=list(form.changed_data)
        )


class CreativeInline(admin.StackedInline[Creative, Campaign]):
    model = Creative
    form = CreativeForm
    extra = 0
    fields = ["headline", "text", "destination", "image", "image_alt"]


class DailyCountInline(ReadOnlyInline[DailyCount, Campaign]):
    model = DailyCount
    fields = ("day", "impressions", "clicks")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(InventoryAdmin[Campaign]):
    form = CampaignForm
    list_display = [
        "name",
        "advertiser",
        "starts_on",
        "ends_on",
        "impressions",
        "budget_impressions",
    ]
    list_filter = ["advertiser", "on_home", "on_articles", "on_offers"]
    search_fields = ["name", "advertiser__name"]
    readonly_fields = ["impressions"]
    filter_horizontal = ["interests"]
    inlines = [CreativeInline, DailyCountInline]


@admin.register(Advertiser)
class AdvertiserAdmin(InventoryAdmin[Advertiser]):
    list_display = ["name", "paid_by", "receives_reports"]
    search_fields = ["name", "paid_by"]
    change_form_template = "admin/ads/advertiser/change_form.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="ads_advertiser_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        advertiser = self.get_object(request, str(pk))
        if advertiser is None or not self.has_change_permission(request, advertiser):
            return HttpResponseRedirect(reverse("admin:ads_advertiser_changelist"))
        form = ReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = actions.hand_over_report(
                    actor=cast(Member, request.user),
                    advertiser=advertiser,
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                )
            except ActionRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Report written and logged as handed over."))
                return HttpResponseRedirect(reverse("admin:ads_report_change", args=[report.pk]))
        return action_page(
            self,
            request,
            advertiser,
            form,
            title=gettext("Report to %(name)s") % {"name": advertiser.name},
            submit=gettext("Write the report"),
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin[Report]):
    list_display = ["advertiser", "first_day", "last_day", "suppressed_cells", "created_at"]
    list_filter = ["advertiser"]
    fields = ("advertiser", "first_day", "last_day", "rows", "suppressed_cells", "created_at")
    readonly_fields = fields

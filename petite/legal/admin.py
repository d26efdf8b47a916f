"""The back-office of the register (privacy team): requests, holds, transfers.

Every change goes through an action: the register's rows are never edited by hand.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from petite.accounts.models import Member
from petite.core.admin import ReadOnlyAdmin, ReadOnlyInline, action_page
from petite.core.errors import ActionRefused

from . import actions, forms
from .models import AuthorityRequest, Handover, LegalHold, RequestedAccount, Transfer


def _staff(request: HttpRequest) -> Member:
    # The back-office is behind staff sign-in: the user is a member.
    return cast(Member, request.user)


class RequestedAccountInline(ReadOnlyInline[RequestedAccount, AuthorityRequest]):
    model = RequestedAccount
    fields = ("identifier", "member", "disclosed", "hidden_until")
    readonly_fields = fields


class HandoverInline(ReadOnlyInline[Handover, AuthorityRequest]):
    model = Handover
    fields = ("created_at", "members", "expires_at", "downloaded_at")
    readonly_fields = fields


@admin.register(AuthorityRequest)
class AuthorityRequestAdmin(ReadOnlyAdmin[AuthorityRequest]):
    list_display = ("pk", "received_on", "requester", "country", "decision", "gag", "gag_review_at")
    list_filter = ("decision", "gag", "authority_type", "country")
    inlines = (RequestedAccountInline, HandoverInline)
    readonly_fields = ("steps",)
    exclude = ("reminded_for",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        form = forms.RequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = actions.record_request(
                    actor=_staff(request),
                    requester=data["requester"],
                    authority_type=data["authority_type"],
                    country=data["country"],
                    instrument=data["instrument"],
                    legal_basis=data["legal_basis"],
                    received_on=data["received_on"],
                    due_on=data["due_on"],
                    identifiers=data["identifiers"].splitlines(),
                    categories=data["categories"],
                    since=data["requested_since"],
                    until=data["requested_until"],
                    gag_review_at=data["gag_review_at"],
                )
            except ActionRefused as refused:
                form.add_error(None, str(refused))
            else:
                return HttpResponseRedirect(self._change_url(created))
        return action_page(
            self,
            request,
            None,
            cast(Form, form),
            title="Record a request from an authority",
            submit="Record",
        )

    @admin.display(description="Next steps")
    def steps(self, obj: AuthorityRequest) -> SafeString:
        links = [
            ("art48", "Record the Art. 48 check"),
            ("decide", "Decide"),
            ("produce", "Produce the disclosure and its one-time link"),
            ("extend", "Extend the non-disclosure order"),
            ("lift", "Lift the non-disclosure order"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"admin:legal_authorityrequest_{name}", args=[obj.pk]), label)
                for name, label in links
            ),
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/art48/", wrap(self.art48_view), name="legal_authorityrequest_art48"),
            path("<int:pk>/decide/", wrap(self.decide_view), name="legal_authorityrequest_decide"),
            path(
                "<int:pk>/produce/", wrap(self.produce_view), name="legal_authorityrequest_produce"
            ),
            path("<int:pk>/extend/", wrap(self.extend_view), name="legal_authorityrequest_extend"),
            path("<int:pk>/lift/", wrap(self.lift_view), name="legal_authorityrequest_lift"),
            *super().get_urls(),
        ]

    def _change_url(self, obj: AuthorityRequest) -> str:
        return reverse("admin:legal_authorityrequest_change", args=[obj.pk])

    def _page(
        self, request: HttpRequest, pk: int, form_class: type[Form], title: str, run: Any
    ) -> HttpResponse:
        obj = get_object_or_404(AuthorityRequest, pk=pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run(obj, form.cleaned_data)
            except ActionRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"{title}: done.")
                return HttpResponseRedirect(self._change_url(obj))
        return action_page(self, request, obj, form, title=title, submit=title)

    def art48_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(
            request,
            pk,
            forms.Art48Form,
            "Record the Art. 48 check",
            lambda obj, data: actions.record_art48_check(
                request=obj, actor=_staff(request), agreement=data["agreement"]
            ),
        )

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(
            request,
            pk,
            forms.DecisionForm,
            "Decide",
            lambda obj, data: actions.decide(
                request=obj,
                actor=_staff(request),
                decision=data["decision"],
                reasons=data["reasons"],
                categories=data["categories"],
                since=data["since"],
                until=data["until"],
            ),
        )

    def extend_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(
            request,
            pk,
            forms.ExtendGagForm,
            "Extend the non-disclosure order",
            lambda obj, data: actions.extend_gag(
                request=obj,
                actor=_staff(request),
                review_at=data["review_at"],
                reason=data["reason"],
            ),
        )

    def lift_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(
            request,
            pk,
            Form,
            "Lift the non-disclosure order",
            lambda obj, data: actions.lift_gag(request=obj, actor=_staff(request)),
        )

    def produce_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(AuthorityRequest, pk=pk)
        form = Form(request.POST or None)
        if request.method == "POST":
            try:
                handover, token = actions.produce_disclosure(request=obj, actor=_staff(request))
            except ActionRefused as refused:
                form.add_error(None, str(refused))
            else:
                link = request.build_absolute_uri(reverse("legal_machine:download", args=[token]))
                # Shown once: only the token's hash is kept.
                messages.warning(
                    request,
                    format_html(
                        "One-time link for the authority, valid until {} (shown only now): {}",
                        handover.expires_at,
                        link,
                    ),
                )
                return HttpResponseRedirect(self._change_url(obj))
        return action_page(
            self, request, obj, form, title="Produce the disclosure", submit="Produce", danger=True
        )


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin[LegalHold]):
    list_display = ("pk", "member", "reason", "placed_at", "lifted_at")
    actions = ("lift",)
    raw_id_fields = ("member", "request")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed by the add form and the list's action; saving goes through actions.
        return obj is None and bool(request.user.is_staff)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["member", "request", "reason"]

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        if obj.member is None:
            raise ActionRefused("Choose the member to hold.", code="legal.hold_member")
        placed = actions.place_hold(
            member=obj.member,
            actor=_staff(request),
            reason=obj.reason,
            request=obj.request,
        )
        obj.pk = placed.pk

    @admin.action(description="Lift the selected holds (erasure resumes)")
    def lift(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        for hold in queryset.filter(lifted_at__isnull=True):
            actions.lift_hold(hold=hold, actor=_staff(request))
        messages.success(request, "Lifted.")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin[Transfer]):
    list_display = ("pk", "recipient", "kind", "planned_at", "status", "dataset_members")
    actions = ("start", "execute")
    form = forms.TransferForm

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and bool(request.user.is_staff)

    def save_model(self, request: HttpRequest, obj: Transfer, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = actions.record_transfer(
            actor=_staff(request),
            recipient=data["recipient"],
            kind=data["kind"],
            planned_at=data["planned_at"],
            categories=data["categories"],
            active_within_days=data.get("active_within_days"),
        )
        obj.pk = created.pk

    @admin.action(description="Start the notices to members in scope")
    def start(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> None:
        for transfer in queryset:
            try:
                planned = actions.start_notices(transfer=transfer, actor=_staff(request))
            except ActionRefused as refused:
                messages.error(request, f"{transfer}: {refused}")
            else:
                messages.success(request, f"{transfer}: {planned} notices planned.")

    @admin.action(description="Execute the transfer")
    def execute(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> None:
        for transfer in queryset:
            try:
                actions.execute_transfer(transfer=transfer, actor=_staff(request))
            except ActionRefused as refused:
                messages.error(request, f"{transfer}: refused. {refused}")
            else:
                messages.success(request, f"{transfer}: executed.")

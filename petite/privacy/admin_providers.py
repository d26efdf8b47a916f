"""The back-office of the provider register (editable by the privacy team, audited),
who works for which provider, and the staff access log (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from petite.core.admin import ReadOnlyAdmin

from . import provider_actions
from .access import AccessRecord
from .categories import CATEGORIES
from .providers import ProviderAgent, ServiceProvider
from .purposes import PURPOSES


class ServiceProviderForm(forms.ModelForm[ServiceProvider]):
    purposes = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    reveal_categories = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ServiceProvider
        fields = (
            "key",
            "name",
            "service",
            "description_en",
            "description_fr",
            "purposes",
            "categories",
            "reveal_categories",
            "contract_date",
            "dpa_date",
            "country",
            "transfer_mechanism",
            "sub_processors",
            "contact",
            "active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = [(k, str(p)) for k, p in PURPOSES.items()]  # type: ignore[attr-defined]
        category_choices = [(k, str(c.name)) for k, c in CATEGORIES.items()]
        self.fields["categories"].choices = category_choices  # type: ignore[attr-defined]
        self.fields["reveal_categories"].choices = category_choices  # type: ignore[attr-defined]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin[ServiceProvider]):
    form = ServiceProviderForm
    list_display = ("name", "service", "country", "transfer_mechanism", "contract_date", "active")
    list_filter = ("active", "transfer_mechanism", "country")
    search_fields = ("name", "service", "key")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A provider leaves the register by being made inactive: its history stays readable.
        return False

    def save_model(
        self, request: HttpRequest, obj: ServiceProvider, form: ModelForm[Any], change: bool
    ) -> None:
        provider_actions.save_provider(
            actor=request.user, provider=obj, changed=list(form.changed_data)
        )


@admin.register(ProviderAgent)
class ProviderAgentAdmin(admin.ModelAdmin[ProviderAgent]):
    list_display = ("member", "provider", "since")
    list_filter = ("provider",)
    raw_id_fields = ("member",)

    def save_model(
        self, request: HttpRequest, obj: ProviderAgent, form: ModelForm[Any], change: bool
    ) -> None:
        provider_actions.set_provider_agent(
            actor=request.user, member=obj.member, provider=obj.provider
        )

    def delete_model(self, request: HttpRequest, obj: ProviderAgent) -> None:
        provider_actions.set_provider_agent(actor=request.user, member=obj.member, provider=None)


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin[AccessRecord]):
    list_display = (
        "hour",
        "member",
        "viewer",
        "role",
        "provider_name",
        "categories",
        "views",
        "revealed",
    )
    list_filter = ("role", "provider_name", "revealed", "hour")
    date_hierarchy = "hour"

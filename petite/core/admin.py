"""Back-office helpers shared by the apps' admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


def action_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    obj: Any,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    danger: bool = False,
    template: str = "admin/petite/action.html",
    **context: Any,
) -> TemplateResponse:
    """A page with one form acting on ``obj`` (a refund, a deadline extension, an
    effective date), in the admin's layout, with a way back to the object."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            "original": obj,
            "form": form,
            "media": model_admin.media + form.media,
            "submit_label": submit,
            "danger": danger,
            **context,
        },
    )

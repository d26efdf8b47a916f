"""Staff register apps in the back-office; members' codes and tokens stay out of it (S3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken

from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.thirdparty.models import Application

from .factories import issue_tokens

pytestmark = pytest.mark.clause("S3")

ADD = reverse("admin:thirdparty_application_add")


def form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Skychart",
        "owner": "Skychart GmbH",
        "description": "Maps of the night sky.",
        "website": "https://skychart.example",
        "privacy_policy_url": "https://skychart.example/privacy",
        "client_type": "public",
        "redirect_uris": "https://skychart.example/callback",
        "client_secret": "",
        **overrides,
    }


def test_staff_register_an_app_with_its_owner_policy_and_redirect_uris(staff, staff_client):
    response = staff_client.post(ADD, form())

    assert response.status_code == 302, response.content.decode()[:2000]
    app = Application.objects.get(name="Skychart")
    assert app.owner == "Skychart GmbH"
    assert app.privacy_policy_url == "https://skychart.example/privacy"
    assert app.redirect_uris == "https://skychart.example/callback"
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.algorithm == Application.RS256_ALGORITHM
    assert app.skip_authorization is False
    assert AuditEvent.objects.filter(
        action="thirdparty.app_registered", actor=staff, target_id=str(app.pk)
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("privacy_policy_url", ""),
        ("owner", ""),
        ("redirect_uris", ""),
        ("redirect_uris", "javascript:alert(1)"),
    ],
)
def test_an_app_needs_an_owner_a_policy_and_valid_redirect_uris(staff_client, field, value):
    response = staff_client.post(ADD, form(**{field: value}))
    assert response.status_code == 200
    assert not Application.objects.filter(name="Skychart").exists()


def test_members_and_visitors_cannot_register_apps(alice):
    assert Client().get(ADD).status_code == 302
    assert signed_in(alice).get(ADD).status_code == 302
    assert not Application.objects.exists()


def test_staff_do_not_browse_members_tokens(alice, app, staff_client):
    issue_tokens(alice, app)
    token = AccessToken.objects.get(user=alice)
    for url in (
        reverse("admin:oauth2_provider_accesstoken_changelist"),
        reverse("admin:oauth2_provider_accesstoken_change", args=[token.pk]),
        reverse("admin:oauth2_provider_refreshtoken_changelist"),
        reverse("admin:oauth2_provider_grant_changelist"),
        reverse("admin:oauth2_provider_idtoken_changelist"),
    ):
        assert staff_client.get(url).status_code == 403, url
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "Third-party apps" in index
    assert "Access tokens" not in index


def test_the_app_list_counts_authorised_members(alice, bob, app, staff_client):
    issue_tokens(alice, app)
    issue_tokens(bob, app)
    page = staff_client.get(reverse("admin:thirdparty_application_changelist"))
    assert page.status_code == 200
    assert page.context["cl"].result_list[0].authorised_count == 2

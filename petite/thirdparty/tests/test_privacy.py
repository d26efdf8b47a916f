"""Grants, tokens, authorisations and the disclosure log are declared: exported (secrets
only as "set") and erased with the member, with no special case in the engines (S3)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.core import checks
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from petite.accounts.tests.factories import signed_in
from petite.privacy import erasure, export, registry
from petite.privacy.models import Disclosure, ErasureReceipt
from petite.thirdparty.models import Application, Authorisation

from .factories import bearer, issue_tokens, pkce_pair
from .oauth import authorize_url, consent, exchange

pytestmark = pytest.mark.clause("S3")


@pytest.fixture
def connected(alice, app, bob):
    """Alice authorised the app (a full code exchange: grant, tokens, ID token), it read
    her data, and she holds a pending code; Bob authorised it too."""
    client = signed_in(alice)
    verifier, params = consent(client, app, scope="openid profile email")
    tokens = exchange(client, app, params["code"], verifier).json()
    Client().get("/api/me", headers=bearer(tokens["access_token"]))
    # Asking again for scopes she already granted skips the screen: a code, not exchanged yet.
    _verifier, challenge = pkce_pair()
    again = client.get(authorize_url(app, scope="openid", code_challenge=challenge))
    assert "code=" in again["Location"]
    issue_tokens(bob, app, scope="profile")
    return tokens


def test_every_oauth_model_is_declared_and_the_checks_are_clean(db):
    for model in (Grant, AccessToken, RefreshToken, IDToken, Application, Authorisation):
        declaration = registry.declaration_for(model)
        assert declaration is not None, model
        assert declaration.unclassified() == [], model
    errors = [m for m in checks.run_checks() if m.id and m.id.startswith("privacy.")]
    assert errors == []


def test_the_export_holds_grants_tokens_and_reads_with_secrets_only_as_set(
    connected, alice, tmp_path: Path
):
    path = tmp_path / "archive.zip"
    export.write_archive(alice, str(path))
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        raw = b"".join(archive.read(name) for name in archive.namelist())
    records = {record["model"]: record for record in data["records"]}

    [authorisation] = records["thirdparty.Authorisation"]["items"]
    assert authorisation["app_name"] == "Stargazer"
    assert authorisation["scope"] == "openid profile email"
    tokens = records["oauth2_provider.AccessToken"]["items"]
    assert len(tokens) == 1
    assert tokens[0]["token_checksum"] == {"set": True}
    assert tokens[0]["scope"] == "openid profile email"
    assert records["oauth2_provider.RefreshToken"]["items"][0]["token_checksum"] == {"set": True}
    [pending] = records["oauth2_provider.Grant"]["items"]
    assert pending["code"] == {"set": True}
    assert len(records["oauth2_provider.IDToken"]["items"]) == 1
    reads = records["privacy.Disclosure"]["items"]
    assert {r["reference"] for r in reads} == {"ID token", "GET /api/me"}
    assert all(r["recipient_name"] == "Stargazer" for r in reads)
    # No usable secret in the archive: not the tokens, not their checksums, not the code.
    for secret in (connected["access_token"], connected["refresh_token"]):
        assert secret.encode() not in raw
        assert hashlib.sha256(secret.encode()).hexdigest().encode() not in raw
    code = Grant.objects.get(user=alice).code
    assert code.encode() not in raw
    # Bob's authorisation is his alone.
    assert len(records["thirdparty.Authorisation"]["items"]) == 1


def test_erasure_removes_every_grant_token_authorisation_and_read_and_the_scan_is_clean(
    connected, alice, bob, app
):
    receipt = erasure.erase_member(member=alice, reason="test")

    assert receipt.status == ErasureReceipt.Status.VERIFIED, receipt.scan
    assert receipt.scan["clean"] is True
    for model in (Grant, AccessToken, RefreshToken, IDToken, Authorisation):
        assert not model.objects.filter(
            **({"member_id": alice.pk} if model is Authorisation else {"user_id": alice.pk})
        ).exists(), model
    assert not Disclosure.objects.filter(member_id=alice.pk).exists()
    assert receipt.outcome["oauth2_provider.AccessToken"]["deleted"] == 1
    assert receipt.outcome["thirdparty.Authorisation"]["deleted"] == 1
    # The app, and Bob's authorisation of it, are untouched.
    assert Application.objects.filter(pk=app.pk).exists()
    assert Authorisation.objects.filter(member=bob).exists()
    assert AccessToken.objects.filter(user=bob).exists()


def test_tokens_are_stored_only_as_checksums(connected):
    stored = AccessToken.objects.get(
        token_checksum=hashlib.sha256(connected["access_token"].encode()).hexdigest()
    )
    assert stored.token == ""
    refresh = RefreshToken.objects.get(access_token=stored)
    assert refresh.token == ""

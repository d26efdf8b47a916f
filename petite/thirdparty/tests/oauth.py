"""Driving the authorisation endpoint with Django's test client, as a browser would."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from petite.thirdparty.models import Application

from .factories import REDIRECT_URI, pkce_pair

AUTHORIZE = "/o/authorize/"
TOKEN = "/o/token/"


def authorize_url(application: Application, **params: Any) -> str:
    query = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": "s-123",
        "code_challenge_method": "S256",
        **params,
    }
    return AUTHORIZE + "?" + urlencode({k: v for k, v in query.items() if v is not None})


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def consent(
    client: Client, application: Application, *, allow: bool = True, **params: Any
) -> tuple[str, dict[str, str]]:
    """Show the consent screen and answer it; returns the PKCE verifier and the
    parameters the browser is sent back to the app with."""
    verifier, challenge = pkce_pair()
    params.setdefault("code_challenge", challenge)
    url = authorize_url(application, **params)
    page = client.get(url)
    assert page.status_code == 200, page.content[:500]
    form = hidden_fields(page.content.decode())
    if allow:
        form["allow"] = "true"
    response = client.post(url, form)
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI)
    return verifier, query_of(response["Location"])


def exchange(client: Client, application: Application, code: str, verifier: str) -> Any:
    return client.post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id,
            "code_verifier": verifier,
        },
    )

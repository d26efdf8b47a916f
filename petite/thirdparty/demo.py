"""Demo data for `make run`: one registered app, so that the consent screen can be tried."""

from __future__ import annotations

from typing import Any

from .models import Application

DEMO_CLIENT_ID = "petite-demo-notes"
DEMO_REDIRECT_URI = "http://127.0.0.1:8001/callback"


def load(stdout: Any) -> None:
    """Register the demo app unless it exists (idempotent)."""
    if Application.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        return
    from . import actions

    application = Application(
        client_id=DEMO_CLIENT_ID,
        name="Petite Notes (demo)",
        owner="Demo Notes Ltd",
        description="A note-taking app that greets you by name.",
        website="http://127.0.0.1:8001/",
        privacy_policy_url="http://127.0.0.1:8001/privacy",
        redirect_uris=DEMO_REDIRECT_URI,
        client_type=Application.CLIENT_PUBLIC,
        client_secret="",
    )
    actions.save_application(application=application, actor=None, created=True)
    stdout.write(
        f"Demo app registered: client_id {DEMO_CLIENT_ID}, redirect URI {DEMO_REDIRECT_URI} "
        "(authorisation code with PKCE)."
    )

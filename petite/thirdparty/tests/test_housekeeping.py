"""Expired tokens and lapsed authorisations are deleted daily; the demo app loads once (S3)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from petite.core import schedule
from petite.thirdparty import demo, tasks
from petite.thirdparty.models import Application, Authorisation

from .factories import issue_tokens

pytestmark = pytest.mark.clause("S3")


def test_the_daily_task_is_scheduled():
    names = {p.name for p in schedule.periodic_tasks()}
    assert "petite.thirdparty.tasks.clear_expired_tokens" in names


def test_expired_tokens_and_lapsed_authorisations_go_live_ones_stay(alice, bob, app, settings):
    issue_tokens(alice, app)
    later = timezone.now() + timedelta(days=1)
    with time_machine.travel(later - timedelta(minutes=5)):
        issue_tokens(bob, app)  # still valid tomorrow

    refresh_days = settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"] // 86400
    with time_machine.travel(timezone.now() + timedelta(days=refresh_days, hours=2)):
        result = tasks.clear_expired_tokens.enqueue().return_value

    assert result == {"lapsed_authorisations": 1}
    assert not AccessToken.objects.filter(user=alice).exists()
    assert not RefreshToken.objects.filter(user=alice).exists()
    assert not Authorisation.objects.filter(member=alice).exists()
    assert Authorisation.objects.filter(member=bob).exists()


def test_the_demo_app_is_registered_once(db):
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    app = Application.objects.get(client_id=demo.DEMO_CLIENT_ID)
    assert app.redirect_uris.startswith("http://127.0.0.1:")
    assert app.client_type == Application.CLIENT_PUBLIC
    assert out.getvalue().count("Demo app registered") == 1

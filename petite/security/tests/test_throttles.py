"""Abuse throttles and the breached-password check (P8)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import address
from petite.messaging import limits
from petite.security import passwords

pytestmark = pytest.mark.clause("P8")

LEAKED_HERE_ONLY = "Correct-Horse-Staple-1987"  # "breached" only by the fake range API


def test_new_accounts_get_a_quarter_of_the_message_limit(
    alice: Member, bob: Member, settings: Any
) -> None:
    Member.objects.filter(pk=bob.pk).update(date_joined=timezone.now() - timedelta(days=30))
    used_by_new = sum(limits.consume("message", alice.pk, count=8, seconds=3600) for _ in range(8))
    used_by_old = sum(limits.consume("message", bob.pk, count=8, seconds=3600) for _ in range(8))
    assert (used_by_new, used_by_old) == (2, 8)
    comments = sum(limits.consume("comment", alice.pk, count=20, seconds=3600) for _ in range(20))
    assert comments == 5


def test_sign_ups_are_limited_per_ip_address_per_day(db: None, settings: Any) -> None:
    statuses = []
    for i in range(7):
        response = Client().post(
            reverse("account_signup"),
            {
                "first_name": "New",
                "last_name": f"Comer{i}",
                "email": address(f"newcomer{i}"),
                "password1": "violet lantern over quiet fjords",
                "password2": "violet lantern over quiet fjords",
            },
            REMOTE_ADDR="90.0.0.1",
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5, statuses
    assert statuses[5:] == [429, 429]
    assert Member.objects.count() == 5


@pytest.mark.parametrize("password", ["trustno1", "Trustno1", "iloveyou2", "michael1"])
def test_a_password_from_the_bundled_breach_list_is_refused(db: None, password: str) -> None:
    assert passwords.in_bundled_list(password)
    with pytest.raises(ValidationError) as refused:
        passwords.BreachedPasswordValidator().validate(password)
    assert "data breaches" in str(refused.value)


def test_an_uncommon_password_passes_the_bundled_list() -> None:
    assert not passwords.in_bundled_list("a quiet orchard at dawn 7")


class FakeRange(BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self) -> None:
        type(self).requested.append(self.path)
        digest = hashlib.sha1(LEAKED_HERE_ONLY.encode(), usedforsecurity=False).hexdigest().upper()
        lines = [f"{'0' * 35}:0", f"{'F' * 35}:0"]  # padding
        if self.path.endswith("/" + digest[:5]):
            lines.append(f"{digest[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def range_api(settings: Any) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeRange)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PETITE_PWNED_RANGE_URL = f"http://127.0.0.1:{server.server_port}/range"
    FakeRange.requested = []
    yield settings.PETITE_PWNED_RANGE_URL
    server.shutdown()
    server.server_close()


def test_the_range_api_sees_only_a_five_digit_prefix(range_api: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(LEAKED_HERE_ONLY)
    digest = hashlib.sha1(LEAKED_HERE_ONLY.encode(), usedforsecurity=False).hexdigest().upper()
    assert FakeRange.requested == [f"/range/{digest[:5]}"]
    validate_password("a quiet orchard at dawn 7")  # padding lines (count 0) are not hits


def test_a_silent_range_api_does_not_block(settings: Any) -> None:
    settings.PETITE_PWNED_RANGE_URL = "http://127.0.0.1:9/range"
    settings.PETITE_PWNED_TIMEOUT_SECONDS = 1
    assert passwords.in_range_api(LEAKED_HERE_ONLY) is None
    validate_password(LEAKED_HERE_ONLY)

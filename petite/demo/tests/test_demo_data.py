"""`make run` loads the demo data every time: it must be idempotent."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from petite.accounts.models import Member
from petite.contact.models import ContactMessage
from petite.portraits.models import Portrait


@pytest.mark.django_db
def test_demo_data_loads_once_and_twice_changes_nothing() -> None:
    call_command("demo_data")
    call_command("demo_data")

    assert Member.objects.count() == 2
    assert Member.objects.filter(is_staff=True).count() == 1
    assert EmailAddress.objects.filter(verified=True).count() == 2
    assert Portrait.objects.get().city == "Lyon"
    assert ContactMessage.objects.count() == 1

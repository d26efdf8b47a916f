"""Fixtures of the policy-version tests: a notice that changes, a published first
version, a draft with its summaries, and members in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.policies import actions
from petite.policies.models import PolicyVersion

SUMMARY_EN = "Contact messages are now kept for five years instead of three."
SUMMARY_FR = "Les messages de contact sont désormais conservés cinq ans au lieu de trois."


@pytest.fixture(autouse=True)
def _policy_settings(settings: Any) -> None:
    settings.SITE_URL = "https://petite.example"
    settings.PETITE_POLICY_NOTICE_DAYS = 15
    settings.PETITE_POLICY_NOTICE_BATCH_SIZE = 3


@pytest.fixture
def change_notice(settings: Any) -> Callable[[int], None]:
    """Change what the generated notice says, the way a code change to a purpose would:
    the contact retention period it publishes."""

    def change(days: int = 5 * 365) -> None:
        settings.PETITE_CONTACT_RETENTION_DAYS = days

    return change


@pytest.fixture
def first_version(db: None) -> PolicyVersion:
    outcome = actions.prepare_draft()
    assert outcome.outcome == "initial"
    assert outcome.version is not None
    return outcome.version


@pytest.fixture
def draft(
    first_version: PolicyVersion, change_notice: Callable[[int], None], staff: Member
) -> PolicyVersion:
    change_notice(5 * 365)
    outcome = actions.prepare_draft()
    assert outcome.outcome == "created"
    assert outcome.version is not None
    return actions.edit_draft(
        version=outcome.version, summary_en=SUMMARY_EN, summary_fr=SUMMARY_FR, actor=staff
    )


@pytest.fixture
def members(db: None) -> list[Member]:
    """Five active members, two of whom read French, who joined a while ago."""
    joined = timezone.now() - timedelta(days=30)
    english = [
        MemberFactory.create(email=address(f"reader{n}"), language="en", date_joined=joined)
        for n in range(3)
    ]
    french = [
        MemberFactory.create(email=address(f"lectrice{n}"), language="fr", date_joined=joined)
        for n in range(2)
    ]
    return english + french


def publish(draft: PolicyVersion, staff: Member, *, days: float = 20) -> PolicyVersion:
    return actions.publish(
        version=draft, effective_at=timezone.now() + timedelta(days=days), actor=staff
    )


def at(moment: datetime) -> Any:
    import time_machine

    return time_machine.travel(moment, tick=False)

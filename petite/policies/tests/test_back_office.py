"""Staff prepare, write and publish versions in the back-office, and follow each
campaign's progress and failures there (E2, E3)."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.policies import selectors
from petite.policies.models import PolicyVersion

from .conftest import SUMMARY_EN, SUMMARY_FR, at
from .test_notice import FailingBackend, publish_and_run

CHANGE = "admin:policies_policyversion_change"


def publish_page(version: PolicyVersion) -> str:
    return reverse("admin:policies_policyversion_publish", args=[version.pk])


def date_fields(moment: Any) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {
        "effective_at_0": local.strftime("%Y-%m-%d"),
        "effective_at_1": local.strftime("%H:%M:%S"),
    }


@pytest.mark.clause("E2")
def test_staff_prepare_the_draft_and_write_its_summary(
    staff_client: Client, first_version: PolicyVersion, change_notice: Any, staff: Member
) -> None:
    change_notice(5 * 365)

    response = staff_client.post(reverse("admin:policies_policyversion_prepare"))

    draft = selectors.draft()
    assert draft is not None
    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGE, args=[draft.pk])
    page = staff_client.get(reverse(CHANGE, args=[draft.pk])).content.decode()
    assert "Publish…" in page
    assert "policy-ins" in page
    response = staff_client.post(
        reverse(CHANGE, args=[draft.pk]), {"summary_en": SUMMARY_EN, "summary_fr": SUMMARY_FR}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.summary_en, draft.summary_fr) == (SUMMARY_EN, SUMMARY_FR)
    assert AuditEvent.objects.filter(action="policies.draft_edited", actor=staff).exists()


@pytest.mark.clause("E3")
def test_staff_publish_with_an_effective_date_refused_at_14_days_accepted_at_15(
    staff_client: Client, draft: PolicyVersion
) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    with at(now):
        assert staff_client.get(publish_page(draft)).status_code == 200
        refused = staff_client.post(publish_page(draft), date_fields(now + timedelta(days=14)))
        assert refused.status_code == 200
        assert "at least 15 days after the last notice" in refused.content.decode()
        draft.refresh_from_db()
        assert draft.is_draft

        accepted = staff_client.post(publish_page(draft), date_fields(now + timedelta(days=15)))

    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.effective_at) == (
        "published",
        2,
        now + timedelta(days=15),
    )


@pytest.mark.clause("E3")
def test_a_missing_or_malformed_date_is_an_error_not_a_crash(
    staff_client: Client, draft: PolicyVersion
) -> None:
    response = staff_client.post(
        publish_page(draft), {"effective_at_0": "soon", "effective_at_1": ""}
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.clause("E3")
def test_staff_see_progress_and_failures_of_the_campaign(
    staff_client: Client,
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "petite.policies.tests.test_notice.FailingBackend"}}
    FailingBackend.failures, FailingBackend.max_failures, FailingBackend.fail_after = 0, 1, 0
    FailingBackend.error = smtplib.SMTPRecipientsRefused({"x": (550, b"5.1.1 unknown")})
    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, timedelta(days=20))

    page = staff_client.get(reverse(CHANGE, args=[version.pk])).content.decode()

    assert "5 sent of 6, 1 failed, 0 waiting" in page
    assert "1 failed after every retry" in page
    assert "Move the effective date…" in page
    failures = staff_client.get(
        reverse("admin:policies_policynotice_changelist"),
        {"version__id__exact": str(version.pk), "status__exact": "failed"},
    ).content.decode()
    assert "SMTPRecipientsRefused" in failures
    listing = staff_client.get(reverse("admin:policies_policyversion_changelist")).content.decode()
    assert "5 sent of 6" in listing


@pytest.mark.clause("E3")
def test_published_versions_cannot_be_edited_or_published_again(
    staff_client: Client,
    draft: PolicyVersion,
    staff: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, timedelta(days=20))

    staff_client.post(reverse(CHANGE, args=[version.pk]), {"summary_en": "x", "summary_fr": "y"})
    version.refresh_from_db()

    assert version.summary_en == SUMMARY_EN
    assert staff_client.get(publish_page(version)).status_code == 404


@pytest.mark.clause("E3")
def test_only_staff_reach_the_back_office_pages(
    client: Client, alice: Member, draft: PolicyVersion
) -> None:
    for who in (client, signed_in(alice)):
        for url in (
            reverse("admin:policies_policyversion_changelist"),
            reverse(CHANGE, args=[draft.pk]),
            publish_page(draft),
        ):
            response = who.get(url)
            assert response.status_code == 302
            assert "/back-office/login/" in response["Location"]
        response = who.post(publish_page(draft), date_fields(timezone.now() + timedelta(days=30)))
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_draft

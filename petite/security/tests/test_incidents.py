"""The incident register: 72-hour clock, ENISA severity, Art. 34 notices (P8)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.core import bulkmail
from petite.core.errors import ActionRefused
from petite.privacy import categories
from petite.security import actions, tasks
from petite.security.models import Incident, IncidentNotice

pytestmark = pytest.mark.clause("P8")

AWARE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Status = IncidentNotice.Status


@pytest.fixture
def incident(db: None) -> Incident:
    with time_machine.travel(AWARE, tick=False):
        return actions.open_incident(
            title="Backup copy readable by a contractor",
            source=Incident.Source.STAFF,
            confidentiality=True,
            categories=[categories.IDENTITY.key, categories.CONTACT.key],
        )


def warnings_mailed() -> list[EmailMessage]:
    return [m for m in mail.outbox if "not yet notified" in m.subject]


def test_opening_tells_the_privacy_team_the_72_hour_deadline(
    incident: Incident, settings: Any
) -> None:
    (message,) = [m for m in mail.outbox if incident.reference in m.subject]
    assert message.to == [settings.PETITE_PRIVACY_EMAIL]
    assert incident.deadline == AWARE + timedelta(hours=72)
    assert "2026-03-05" in message.subject


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(23.9, []), (24, [24]), (47.9, [24]), (48, [24, 48]), (65.9, [24, 48]), (66, [24, 48, 66])],
)
def test_the_warnings_fire_at_24_48_and_66_hours(
    incident: Incident, hours: float, expected: list[int]
) -> None:
    mail.outbox.clear()
    for step in sorted({h for h in (24, 48, 66, hours) if h <= hours}):
        with time_machine.travel(AWARE + timedelta(hours=step), tick=False):
            tasks.warn_of_incident_deadlines.call()
    incident.refresh_from_db()
    assert incident.warnings_sent == expected
    assert len(warnings_mailed()) == len(expected)
    if expected:
        assert f"{72 - expected[-1]} hours left" in warnings_mailed()[-1].body


def test_a_warning_is_not_repeated_and_stops_once_notified(
    incident: Incident, staff: Member
) -> None:
    mail.outbox.clear()
    with time_machine.travel(AWARE + timedelta(hours=25), tick=False):
        tasks.warn_of_incident_deadlines.call()
        tasks.warn_of_incident_deadlines.call()
    assert len(warnings_mailed()) == 1
    actions.record_authority_notification(
        incident=incident, actor=staff, phase="initial", content="Initial notification",
        reference="CNIL-123",
    )  # fmt: skip
    with time_machine.travel(AWARE + timedelta(hours=50), tick=False):
        tasks.warn_of_incident_deadlines.call()
    assert len(warnings_mailed()) == 1
    incident.refresh_from_db()
    assert incident.authority == Incident.Authority.NOTIFIED
    assert incident.notifications.get().reference == "CNIL-123"


def test_not_notifying_needs_a_reason(incident: Incident, staff: Member) -> None:
    with pytest.raises(ActionRefused):
        actions.decide_not_to_notify(incident=incident, actor=staff, reason=" ")
    decided = actions.decide_not_to_notify(
        incident=incident, actor=staff, reason="Encrypted data, key not exposed."
    )
    assert decided.authority == Incident.Authority.NOT_NOTIFIED


@pytest.mark.parametrize(
    ("context", "ease", "circumstances", "band", "tell"),
    [
        (1, 0.25, 0, "low", False),
        (2, 1, 0, "medium", False),
        (3, 1, 0, "high", True),
        (4, 1, 0.5, "very_high", True),
        (3, 0.25, 0.5, "low", False),
    ],
)
def test_enisa_severity_decides_whether_members_are_told(
    incident: Incident, staff: Member, context: int, ease: float, circumstances: float,
    band: str, tell: bool,
) -> None:  # fmt: skip
    updated = actions.update_incident(
        incident=incident, actor=staff, data_processing_context=context,
        ease_of_identification=ease, circumstances=circumstances,
    )  # fmt: skip
    assert updated.severity_band == band
    assert updated.members_must_be_told is tell


class DyingBackend(EmailBackend):
    """Accepts ``fail_after`` messages, then dies once (SystemExit: a killed worker)."""

    fail_after = 2
    died = False

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        cls = type(self)
        if len(mail.outbox) >= cls.fail_after and not cls.died:
            cls.died = True
            raise SystemExit(1)
        return super().send_messages(messages)


def test_art_34_notices_go_exactly_once_per_member_after_a_killed_worker(
    incident: Incident, staff: Member, settings: Any
) -> None:
    members = [
        MemberFactory.create(email=address(f"member{i}"), first_name=f"M{i}") for i in range(5)
    ]
    members[0].language = "fr"
    members[0].save()
    actions.add_affected_members(
        incident=incident, actor=staff,
        affected={m: [categories.CONTACT.key] for m in members[:3]}
        | {m: [categories.IDENTITY.key, categories.CONTACT.key] for m in members[3:]},
    )  # fmt: skip
    actions.update_incident(
        incident=incident, actor=staff, data_processing_context=3, ease_of_identification=1,
        advice="Beware of messages asking for your password.",
    )  # fmt: skip
    mail.outbox.clear()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DyingBackend"}}
    settings.PETITE_BULKMAIL_BATCH_SIZE = 3
    DyingBackend.died = False

    # The task runs at once in tests; the immediate backend records the dead worker's
    # task as failed instead of letting SystemExit end the test.
    actions.plan_member_notices(incident=incident, actor=staff)
    assert len(mail.outbox) == 2
    assert IncidentNotice.objects.filter(status=Status.SENDING).count() == 1

    later = bulkmail.lease() + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        tasks.resume_incident_notices.call()
    with time_machine.travel(later * 2, tick=False):
        tasks.resume_incident_notices.call()

    recipients = Counter(a for m in mail.outbox for a in m.to)
    assert sorted(recipients) == sorted(m.email for m in members)
    assert set(recipients.values()) == {1}
    by_member = {m.to[0]: m for m in mail.outbox}
    # Written from the registry: each member reads the categories of THEIR data.
    assert "Identity" not in by_member[members[1].email].body
    assert "Contact details" in by_member[members[1].email].body
    assert "Identity" in by_member[members[4].email].body
    assert "Beware of messages" in by_member[members[4].email].body
    assert (
        "Coordonnées" in by_member[members[0].email].body
        or "données" in by_member[members[0].email].body
    )
    progress = bulkmail.progress(incident.notices.all())
    assert (progress.total, progress.sent) == (5, 5)


def test_notices_are_refused_below_high_severity(incident: Incident, staff: Member) -> None:
    with pytest.raises(ActionRefused) as refused:
        actions.plan_member_notices(incident=incident, actor=staff)
    assert refused.value.code == "security.severity_too_low"


def test_members_see_the_incidents_that_affected_them(
    incident: Incident, staff: Member, alice: Member, bob: Member
) -> None:
    actions.add_affected_members(
        incident=incident, actor=staff, affected={alice: [categories.CONTACT.key]}
    )
    actions.update_incident(
        incident=incident, actor=staff, data_processing_context=4, ease_of_identification=1
    )
    actions.plan_member_notices(incident=incident, actor=staff)
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("security:incidents")).content.decode()
    assert incident.reference in page
    assert "Contact details" in page
    client.force_login(bob)
    assert incident.reference not in client.get(reverse("security:incidents")).content.decode()


def test_staff_open_an_incident_and_record_the_authority_in_the_back_office(
    staff_client: Client,
) -> None:
    response = staff_client.post(
        reverse("admin:security_incident_add"),
        {
            "title": "Lost laptop", "aware_at_0": "2026-03-02", "aware_at_1": "09:00:00",
            "confidentiality": "on", "categories": ["identity"], "data_processing_context": "1",
            "ease_of_identification": "0.5", "circumstances": "0.25",
            "notifications-TOTAL_FORMS": "0", "notifications-INITIAL_FORMS": "0",
            "affected-TOTAL_FORMS": "0", "affected-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert (incident.source, incident.categories) == (Incident.Source.STAFF, ["identity"])
    page = staff_client.get(reverse("admin:security_incident_change", args=[incident.pk]))
    assert page.status_code == 200
    done = staff_client.post(
        reverse("admin:security_incident_not_notified", args=[incident.pk]),
        {"reason": "Disk encrypted."},
    )
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.not_notified_reason == "Disk encrypted."

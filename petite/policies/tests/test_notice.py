"""Publishing a version e-mails every active member once, in their language, at least
15 days before it takes effect (E3), with a link to delete their account (E4); the
campaign survives a killed worker and late sending moves the effective date."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.core import bulkmail, schedule
from petite.core.models import AuditEvent, Delivery
from petite.policies import actions, selectors, tasks
from petite.policies import mail as mail_module
from petite.policies.actions import PolicyError
from petite.policies.models import PolicyNotice, PolicyVersion

from .conftest import SUMMARY_EN, SUMMARY_FR, at

Status = Delivery.Status
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
DAY = timedelta(days=1)


class FailingBackend(EmailBackend):
    """Accepts messages until ``fail_after`` have gone, then raises ``error``
    ``max_failures`` times (SystemExit plays a worker killed mid-batch)."""

    fail_after = 0
    error: BaseException = SystemExit(1)
    failures = 0
    max_failures = 1

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        cls = type(self)
        if len(mail.outbox) >= cls.fail_after and cls.failures < cls.max_failures:
            cls.failures += 1
            raise cls.error
        return super().send_messages(messages)


@pytest.fixture
def failing_backend(settings: Any) -> type[FailingBackend]:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    FailingBackend.failures = 0
    FailingBackend.max_failures = 1
    return FailingBackend


def member_notices() -> list[EmailMessage]:
    return [m for m in mail.outbox if m.to != [_team()]]


def team_mail() -> list[EmailMessage]:
    return [m for m in mail.outbox if m.to == [_team()]]


def _team() -> str:
    from django.conf import settings

    return str(settings.PETITE_TEAM_EMAIL)


def expected_recipients(version: PolicyVersion) -> list[str]:
    return sorted(actions.notice_recipients(version).values_list("email", flat=True))


def publish_and_run(
    capture: Capture, draft: PolicyVersion, staff: Member, effective_in: timedelta
) -> PolicyVersion:
    """Publish, then run what the commit enqueues (the campaign, in batches)."""
    with capture(execute=True):
        version = actions.publish(
            version=draft, effective_at=timezone.now() + effective_in, actor=staff
        )
    version.refresh_from_db()
    return version


def resume(capture: Capture) -> None:
    """What the scheduler does every 5 minutes."""
    with capture(execute=True):
        tasks.resume_policy_notices.enqueue()


# --- The 15 days (E3) --------------------------------------------------------------------------


@pytest.mark.clause("E3")
def test_an_effective_date_14_days_out_is_refused_and_15_days_accepted(
    draft: PolicyVersion, staff: Member
) -> None:
    now = timezone.now()
    with at(now):
        with pytest.raises(PolicyError, match="at least 15 days after the last notice"):
            actions.publish(version=draft, effective_at=now + 14 * DAY, actor=staff)
        draft.refresh_from_db()
        assert draft.is_draft
        with pytest.raises(PolicyError):
            actions.publish(
                version=draft, effective_at=now + 15 * DAY - timedelta(seconds=1), actor=staff
            )

        published = actions.publish(version=draft, effective_at=now + 15 * DAY, actor=staff)

    assert (published.status, published.number) == ("published", 2)
    assert published.effective_at == now + 15 * DAY
    assert published.published_at == now
    event = AuditEvent.objects.get(action="policies.version_published")
    assert event.actor == staff
    assert event.data["number"] == 2


@pytest.mark.clause("E3")
def test_the_notice_period_cannot_be_configured_below_15_days(
    draft: PolicyVersion, staff: Member, settings: Any
) -> None:
    settings.PETITE_POLICY_NOTICE_DAYS = 3

    with pytest.raises(PolicyError):
        actions.publish(version=draft, effective_at=timezone.now() + 10 * DAY, actor=staff)


@pytest.mark.clause("E3")
def test_a_draft_without_both_summaries_is_not_published(
    draft: PolicyVersion, staff: Member
) -> None:
    actions.edit_draft(version=draft, summary_en=SUMMARY_EN, summary_fr="  ", actor=staff)

    with pytest.raises(PolicyError, match="in English and in French"):
        actions.publish(version=draft, effective_at=timezone.now() + 20 * DAY, actor=staff)


@pytest.mark.clause("E3")
def test_a_draft_overtaken_by_a_new_change_is_refreshed_not_published(
    draft: PolicyVersion, staff: Member, change_notice: Callable[[int], None]
) -> None:
    change_notice(6 * 365)

    with pytest.raises(PolicyError, match="changed since this draft was prepared"):
        actions.publish(version=draft, effective_at=timezone.now() + 20 * DAY, actor=staff)

    draft.refresh_from_db()
    assert draft.is_draft
    assert "6 years" in draft.text_en
    assert draft.summary_en == SUMMARY_EN


# --- The campaign (E3, E4) ------------------------------------------------------------------------


@pytest.mark.clause("E3")
@pytest.mark.clause("E4")
def test_publishing_emails_every_active_member_once_in_their_language(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    closing = MemberFactory.create(
        email=address("leaving"), deletion_due_at=timezone.now() + 10 * DAY
    )
    inactive = MemberFactory.create(email=address("inactive"), is_active=False)

    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 20 * DAY)

    recipients = sorted(address for m in member_notices() for address in m.to)
    assert recipients == expected_recipients(version)
    assert sorted({m.email for m in members} | {staff.email}) == recipients
    assert closing.email not in recipients
    assert inactive.email not in recipients
    assert Counter(recipients).most_common(1)[0][1] == 1
    assert selectors.notices(version).filter(status=Status.SENT).count() == len(recipients)

    english = next(m for m in member_notices() if m.to == [members[0].email])
    french = next(m for m in member_notices() if m.to == [members[3].email])
    assert english.subject.startswith("[Petite] Our privacy notice changes on")
    assert french.subject.startswith("[Petite] Notre politique de confidentialité change le")
    assert SUMMARY_EN in english.body
    assert SUMMARY_FR in french.body
    assert "https://petite.example/privacy/versions/compare/?old=1&new=2" in english.body
    assert "https://petite.example/fr/privacy/versions/compare/?old=1&new=2" in french.body
    # E4: every notice says how to leave.
    assert "https://petite.example/account/delete/" in english.body
    assert "https://petite.example/fr/account/delete/" in french.body
    assert isinstance(english, EmailMultiAlternatives)
    html_body = str(english.alternatives[0][0])
    assert 'href="https://petite.example/account/delete/"' in html_body
    assert english.extra_headers["Message-ID"].startswith("<policies.policynotice.")


@pytest.mark.clause("E3")
def test_members_who_join_after_publication_are_not_emailed(
    draft: PolicyVersion, staff: Member, django_capture_on_commit_callbacks: Capture
) -> None:
    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 20 * DAY)
    late = MemberFactory.create(email=address("late"))

    actions.plan_notices(version=version)

    assert not selectors.notices(version).filter(member=late).exists()


@pytest.mark.clause("E3")
def test_a_member_closing_their_account_after_planning_is_skipped(
    draft: PolicyVersion, staff: Member, members: list[Member], settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    version = actions.publish(version=draft, effective_at=timezone.now() + 20 * DAY, actor=staff)
    actions.plan_notices(version=version)
    leaving = members[1]
    leaving.deletion_due_at = timezone.now() + 14 * DAY
    leaving.save()

    while tasks.send_policy_notices.call(version.pk).get("waiting"):
        pass

    assert selectors.notices(version).get(member=leaving).status == Status.SKIPPED
    assert not [m for m in mail.outbox if m.to == [leaving.email]]


@pytest.mark.clause("E3")
def test_an_interrupted_campaign_resumes_with_exactly_one_notice_per_member(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # The worker dies after 2 messages, in the middle of its first batch of 3.
    failing_backend.fail_after = 2
    failing_backend.error = SystemExit(1)
    start = timezone.now()

    with at(start):
        version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 30 * DAY)
        assert len(mail.outbox) == 2
        stranded = selectors.notices(version).filter(status=Status.SENDING)
        assert stranded.count() == 1
        # A restart at once leaves the dead worker's claim alone, sends the rest...
        resume(django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 5
        assert list(selectors.notices(version).filter(status=Status.SENDING)) == list(stranded)

    # ...and, once the claim's lease has expired, the stranded notices too.
    with at(start + bulkmail.lease() + timedelta(minutes=1)):
        resume(django_capture_on_commit_callbacks)

    recipients = Counter(address for m in member_notices() for address in m.to)
    assert sorted(recipients) == expected_recipients(version)
    assert set(recipients.values()) == {1}
    assert selectors.notices(version).filter(status=Status.SENT).count() == len(recipients)
    version.refresh_from_db()
    assert version.campaign_finished_at is not None


@pytest.mark.clause("E3")
def test_the_scheduler_resumes_campaigns_every_five_minutes() -> None:
    periodic = {p.name: p for p in schedule.periodic_tasks()}

    assert periodic["petite.policies.tasks.resume_policy_notices"].every == timedelta(minutes=5)


@pytest.mark.clause("E3")
def test_a_campaign_whose_planning_was_lost_is_planned_by_the_scheduler(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Published, but the worker never ran the campaign (the commit's task was lost).
    with django_capture_on_commit_callbacks(execute=False):
        version = actions.publish(
            version=draft, effective_at=timezone.now() + 20 * DAY, actor=staff
        )
    assert mail.outbox == []

    resume(django_capture_on_commit_callbacks)

    assert sorted(a for m in member_notices() for a in m.to) == expected_recipients(version)


# --- Late sending moves the effective date (E3) --------------------------------------------------


@pytest.mark.clause("E3")
def test_sending_still_running_15_days_before_the_date_moves_it_and_tells_staff(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    failing_backend.fail_after = 2
    failing_backend.error = SystemExit(1)
    start = timezone.now()
    with at(start):
        version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 15 * DAY)
    planned = start + 15 * DAY
    assert version.effective_at == planned

    # The worker was down for an hour: the last notices go out an hour late.
    restart = start + timedelta(hours=1)
    with at(restart):
        resume(django_capture_on_commit_callbacks)

    version.refresh_from_db()
    assert version.campaign_finished_at == restart
    assert version.last_notice_sent_at == restart
    assert version.effective_at == restart + 15 * DAY
    assert version.planned_effective_at == planned
    moved = AuditEvent.objects.get(action="policies.effective_date_moved")
    assert moved.data["before"] == planned.isoformat()
    assert moved.data["after"] == (restart + 15 * DAY).isoformat()
    told = [m for m in team_mail() if "now takes effect" in m.subject]
    assert len(told) == 1
    assert "still being sent" in told[0].body
    finished = [m for m in team_mail() if "Notices of policy version 2" in m.subject]
    assert len(finished) == 1
    assert "0 failed" in finished[0].subject


@pytest.mark.clause("E3")
def test_after_the_campaign_the_date_cannot_be_less_than_15_days_after_the_last_notice(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    failing_backend.fail_after = 3
    failing_backend.error = SystemExit(1)
    start = timezone.now()
    with at(start):
        version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 30 * DAY)
    last_sent = start + 16 * DAY  # the worker stayed down for 16 days
    with at(last_sent):
        resume(django_capture_on_commit_callbacks)
        version.refresh_from_db()
        assert version.last_notice_sent_at == last_sent
        assert version.effective_at == last_sent + 15 * DAY

        assert actions.earliest_effective_at(version) == last_sent + 15 * DAY
        with pytest.raises(PolicyError):
            actions.postpone(version=version, effective_at=last_sent + 14 * DAY, actor=staff)
        later = actions.postpone(version=version, effective_at=last_sent + 20 * DAY, actor=staff)

    assert later.effective_at == last_sent + 20 * DAY
    assert AuditEvent.objects.filter(action="policies.effective_date_changed").count() == 1


@pytest.mark.clause("E3")
def test_a_published_date_only_moves_later(
    draft: PolicyVersion, staff: Member, django_capture_on_commit_callbacks: Capture
) -> None:
    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 40 * DAY)

    with pytest.raises(PolicyError, match="only move later"):
        actions.postpone(version=version, effective_at=timezone.now() + 30 * DAY, actor=staff)


# --- Failures: retried with back-off, reported (E3) -----------------------------------------------


@pytest.mark.clause("E3")
def test_a_temporary_failure_is_retried_after_its_back_off_by_the_scheduler(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    failing_backend.fail_after = 1
    failing_backend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    start = timezone.now()
    with at(start):
        version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 20 * DAY)
    waiting = selectors.notices(version).get(status=Status.PENDING)
    assert (waiting.attempts, waiting.error) == (1, "SMTPServerDisconnected")
    assert waiting.next_attempt_at is not None

    with at(waiting.next_attempt_at + timedelta(seconds=1)):
        resume(django_capture_on_commit_callbacks)

    recipients = Counter(a for m in member_notices() for a in m.to)
    assert sorted(recipients) == expected_recipients(version)
    assert set(recipients.values()) == {1}


@pytest.mark.clause("E3")
def test_a_permanent_failure_is_reported_to_staff(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    failing_backend.fail_after = 0
    failing_backend.error = smtplib.SMTPRecipientsRefused({"x": (550, b"5.1.1 unknown user")})

    version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 20 * DAY)

    failed = selectors.notices(version).get(status=Status.FAILED)
    assert failed.error == "SMTPRecipientsRefused"
    progress = selectors.campaign_progress(version)
    assert (progress.failed, progress.sent, progress.done) == (1, progress.total - 1, True)
    report = next(m for m in team_mail() if "Notices of policy version 2" in m.subject)
    assert "1 failed" in report.subject
    assert "Failed after every retry: 1" in report.body
    assert "/back-office/policies/policyversion/" in report.body
    finished = AuditEvent.objects.get(action="policies.notices_finished")
    assert finished.data["failed"] == 1


@pytest.mark.clause("E3")
def test_the_notice_rows_are_one_per_member_and_version() -> None:
    constraints = {c.name for c in PolicyNotice._meta.constraints}

    assert "policies_notice_once" in constraints


@pytest.mark.clause("E3")
@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default])
def test_each_notice_is_the_languages_message_with_the_members_own_headers(
    draft: PolicyVersion, staff: Member, members: list[Member], policy: Any
) -> None:
    version = actions.publish(version=draft, effective_at=timezone.now() + 20 * DAY, actor=staff)
    actions.plan_notices(version=version)
    builder = mail_module.NoticeMail(version)
    first, second = (
        builder.build(selectors.notices(version).get(member=member)) for member in members[:2]
    )
    assert first is not None
    assert second is not None
    first.extra_headers["Message-ID"] = "<first" + "@" + "petite.example>"
    second.extra_headers["Message-ID"] = "<second" + "@" + "petite.example>"

    fast = [m.message(policy=policy).as_bytes() for m in (first, second)]
    built = EmailMultiAlternatives.message(first, policy=policy).as_bytes()

    assert all(b"placeholder.invalid" not in raw for raw in fast)
    parsed = [email.message_from_bytes(raw, policy=email.policy.default) for raw in fast]
    reference = email.message_from_bytes(built, policy=email.policy.default)
    assert [p["To"] for p in parsed] == [members[0].email, members[1].email]
    assert [p["Message-ID"] for p in parsed] == [
        "<first" + "@" + "petite.example>",
        "<second" + "@" + "petite.example>",
    ]
    for header in ("Subject", "From", "Reply-To", "Auto-Submitted", "MIME-Version"):
        assert parsed[0][header] == reference[header], header
    assert [part.get_content() for part in parsed[0].iter_parts()] == [
        part.get_content() for part in reference.iter_parts()
    ]
    assert [part.get_content_type() for part in parsed[1].iter_parts()] == [
        "text/plain",
        "text/html",
    ]


@pytest.mark.clause("E3")
def test_a_campaign_stalled_past_the_effective_date_still_moves_it(
    draft: PolicyVersion,
    staff: Member,
    members: list[Member],
    failing_backend: type[FailingBackend],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    failing_backend.fail_after = 1
    failing_backend.error = SystemExit(1)
    start = timezone.now()
    with at(start):
        version = publish_and_run(django_capture_on_commit_callbacks, draft, staff, 20 * DAY)
    # Workers and scheduler were down for a month: nobody else was told.
    back = start + 30 * DAY
    with at(back):
        resume(django_capture_on_commit_callbacks)

    version.refresh_from_db()
    assert version.last_notice_sent_at == back
    assert version.effective_at == back + 15 * DAY

"""A campaign reaches only members who consent to its topic when their message leaves,
in their language, with one-click unsubscribe, exactly once each (P10)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.core.models import AuditEvent, Delivery
from petite.marketing import actions, tasks, tokens
from petite.marketing.models import Campaign, CampaignDelivery, Source, Suppression
from petite.privacy import consent, purposes

from .conftest import subscribe
from .factories import CampaignFactory

pytestmark = pytest.mark.clause("P10")

Status = Delivery.Status


def recipients() -> list[str]:
    return sorted(a for message in mail.outbox for a in message.to)


def message_to(member: Member) -> Any:
    return next(m for m in mail.outbox if m.to == [member.email])


def html_of(message: Any) -> str:
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


def send(campaign: Campaign, staff: Member, django_capture_on_commit_callbacks: Any) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return actions.start_sending(campaign=campaign, actor=staff)


def test_consent_is_asked_of_the_privacy_core_per_member_and_topic(alice, bob, newsletter, offers):
    subscribe(alice, newsletter)

    assert consent.given(purposes.P10, member=alice, topic="newsletter")
    assert not consent.given(purposes.P10, member=alice, topic="offers")
    assert not consent.given(purposes.P10, member=bob, topic="newsletter")
    assert consent.given(purposes.P10, member=alice)  # some topic
    assert not consent.given(purposes.P10, member=None, topic="newsletter")


def test_a_campaign_reaches_only_the_members_who_chose_its_topic(
    alice, bob, staff, newsletter, offers, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    subscribe(bob, offers)
    campaign = CampaignFactory.create(topic=newsletter)

    planned = send(campaign, staff, django_capture_on_commit_callbacks)

    assert planned == 1
    assert recipients() == [alice.email]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert campaign.totals["sent"] == 1
    assert CampaignDelivery.objects.get(member=alice).status == Status.SENT
    assert AuditEvent.objects.filter(action="marketing.campaign_sending", actor=staff).exists()


def test_a_member_who_withdraws_between_planning_and_sending_gets_nothing(
    alice, bob, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    subscribe(bob, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)
    # Planned, but the worker has not run yet (no on-commit execution).
    actions.start_sending(campaign=campaign, actor=staff)
    assert CampaignDelivery.objects.filter(campaign=campaign).count() == 2

    actions.withdraw(member=bob, topics=[newsletter], source=Source.PREFERENCES)
    tasks.send_campaign.enqueue(campaign.pk)

    assert recipients() == [alice.email]
    assert CampaignDelivery.objects.get(member=bob).status == Status.SKIPPED
    campaign.refresh_from_db()
    assert (campaign.totals["sent"], campaign.totals["skipped"]) == (1, 1)


@pytest.mark.parametrize("reason", ["suppressed", "closing", "unverified", "deactivated"])
def test_members_who_may_not_be_e_mailed_are_skipped_even_if_they_chose_the_topic(
    reason, staff, newsletter, django_capture_on_commit_callbacks
):
    member = MemberFactory.create(verified=reason != "unverified")
    subscribe(member, newsletter)
    if reason == "suppressed":
        actions.suppress(address=member.email, reason=Suppression.Reason.BOUNCE)
    elif reason == "closing":
        member.deletion_due_at = timezone.now() + timedelta(days=14)
        member.save()
    elif reason == "deactivated":
        member.is_active = False
        member.save()

    send(CampaignFactory.create(topic=newsletter), staff, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_each_member_gets_their_language_in_plain_text_and_html_with_one_click_headers(
    alice, bob, staff, newsletter, django_capture_on_commit_callbacks
):
    bob.language = "fr"
    bob.save()
    subscribe(alice, newsletter)
    subscribe(bob, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)

    send(campaign, staff, django_capture_on_commit_callbacks)

    english, french = message_to(alice), message_to(bob)
    assert english.subject == "Spring news"
    assert french.subject == "Les nouvelles du printemps"
    assert "Our spring news." in english.body
    assert "Read more <https://petite.example/spring>" in english.body
    assert "Nos nouvelles du printemps." in french.body
    html, mimetype = french.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "<strong>printemps</strong>" in html
    for message, member in ((english, alice), (french, bob)):
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<https://petite.example/unsubscribe/")
        assert header.endswith("/>")
        link = header[1:-1]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.body
        assert link in message.alternatives[0][0]
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert tokens.read(token) == tokens.Unsubscription(member.pk, "newsletter")
        assert message.extra_headers["Message-ID"].startswith("<marketing.campaigndelivery.")
    assert "Les nouvelles" in french.body
    # The message says why it was sent and where to choose, in the member's language.
    assert "/fr/email/" in french.body
    assert "https://petite.example/email/" in english.body


def test_the_rfc_headers_survive_into_the_sent_bytes(
    alice, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)

    send(CampaignFactory.create(topic=newsletter), staff, django_capture_on_commit_callbacks)

    raw = mail.outbox[0].message().as_string()
    assert "\nList-Unsubscribe: <https://petite.example/unsubscribe/" in raw
    assert "\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_script_tags_in_a_campaign_body_never_reach_members(
    alice, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    campaign = actions.save_campaign(
        campaign=Campaign(
            topic=newsletter,
            subject_en="Hi",
            subject_fr="Salut",
            body_format=Campaign.Format.HTML,
            body_en='<p onclick="steal()">Hello <script>steal(document.cookie)</script>'
            '<a href="javascript:steal()">x</a><img src="https://tracker.example/p.gif"></p>',
            body_fr="<p>Bonjour</p><script>steal()</script>",
        ),
        actor=staff,
    )
    assert "script" not in campaign.body_en
    assert "steal" not in campaign.body_en
    assert "script" not in campaign.body_fr

    send(campaign, staff, django_capture_on_commit_callbacks)

    html = html_of(mail.outbox[0])
    assert "<script" not in html
    assert "steal" not in html
    assert "onclick" not in html
    assert "tracker.example" not in html
    assert "Hello" in html


def test_markdown_with_raw_script_is_sanitised_too(
    alice, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    campaign = CampaignFactory.create(
        topic=newsletter, body_en="Hello\n\n<script>alert(1)</script>\n\n*there*"
    )

    send(campaign, staff, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert "<script" not in html_of(message)
    assert "alert" not in message.body
    assert "<em>there</em>" in html_of(message)


def test_a_sent_campaign_cannot_be_sent_or_changed_again(
    alice, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)
    send(campaign, staff, django_capture_on_commit_callbacks)

    with pytest.raises(actions.CampaignError):
        actions.start_sending(campaign=campaign, actor=staff)
    campaign.subject_en = "Changed"
    with pytest.raises(actions.CampaignError):
        actions.save_campaign(campaign=campaign, actor=staff)
    assert len(mail.outbox) == 1


class CrashingBackend(EmailBackend):
    """Accepts ``crash_after`` messages in all, then fails the next send once."""

    crash_after = 0
    crashed = False

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        cls = type(self)
        if len(mail.outbox) >= cls.crash_after and not cls.crashed:
            cls.crashed = True
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_an_interrupted_sending_resumes_and_every_member_gets_exactly_one_message(
    staff, newsletter, settings, django_capture_on_commit_callbacks
):
    members = MemberFactory.create_batch(7)
    for member in members:
        subscribe(member, newsletter)
    settings.PETITE_BULKMAIL_BATCH_SIZE = 3
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CrashingBackend"}}
    CrashingBackend.crash_after, CrashingBackend.crashed = 4, False
    campaign = CampaignFactory.create(topic=newsletter)

    send(campaign, staff, django_capture_on_commit_callbacks)
    # The fifth message failed: it waits for its back-off; the rest went.
    assert len(mail.outbox) == 6
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING

    # A worker "killed" after claiming a batch: rows left in SENDING with a claim.
    waiting = CampaignDelivery.objects.get(status=Status.PENDING)
    CampaignDelivery.objects.filter(pk=waiting.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), next_attempt_at=None
    )
    tasks.resume_campaigns.enqueue()
    assert len(mail.outbox) == 6  # the claim's lease has not expired yet

    lease = timedelta(seconds=settings.PETITE_BULKMAIL_LEASE_SECONDS)
    with time_machine.travel(timezone.now() + lease + timedelta(seconds=1)):
        tasks.resume_campaigns.enqueue()

    assert recipients() == sorted(m.email for m in members)
    assert set(CampaignDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert campaign.totals == {
        "total": 7,
        "sent": 7,
        "failed": 0,
        "skipped": 0,
        "waiting": 0,
        "due": 0,
    }


def test_members_who_choose_the_topic_after_planning_are_not_added(
    alice, bob, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)
    actions.start_sending(campaign=campaign, actor=staff)
    subscribe(bob, newsletter)

    tasks.send_campaign.enqueue(campaign.pk)

    assert recipients() == [alice.email]


def test_unsubscribe_link_in_a_message_names_the_member_not_their_address(
    alice, staff, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)

    send(CampaignFactory.create(topic=newsletter), staff, django_capture_on_commit_callbacks)

    link = mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert alice.email not in link
    assert address("alice").split("@")[0] not in link

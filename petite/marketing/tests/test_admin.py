"""The back-office: topics, the campaign composer with preview, send and progress, and
the suppression list searched by address (P10)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from petite.accounts.tests.factories import MemberFactory, address, signed_in
from petite.core.models import AuditEvent
from petite.marketing import actions
from petite.marketing.addresses import address_hash
from petite.marketing.models import Campaign, Suppression, Topic

from .conftest import subscribe
from .factories import CampaignFactory

pytestmark = pytest.mark.clause("P10")


def composer_data(topic: str = "newsletter", **overrides: str) -> dict[str, str]:
    return {
        "topic": topic,
        "subject_en": "Autumn news",
        "subject_fr": "Les nouvelles de l'automne",
        "body_format": "html",
        "body_en": "<p>Hello <strong>autumn</strong></p><script>alert(1)</script>",
        "body_fr": "<p>Bonjour <em>automne</em></p>",
        **overrides,
    }


def test_staff_write_a_campaign_and_its_html_is_stored_sanitised(staff_client, staff, newsletter):
    response = staff_client.post(reverse("admin:marketing_campaign_add"), composer_data())

    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.body_en == "<p>Hello <strong>autumn</strong></p>"
    assert (campaign.status, campaign.created_by) == (Campaign.Status.DRAFT, staff)
    assert AuditEvent.objects.filter(action="marketing.campaign_created", actor=staff).exists()


def test_the_composer_needs_both_languages(staff_client, newsletter):
    response = staff_client.post(
        reverse("admin:marketing_campaign_add"), composer_data(subject_fr="", body_fr="")
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"subject_fr", "body_fr"}
    assert not Campaign.objects.exists()


def test_the_preview_shows_both_languages_as_members_receive_them(staff_client, newsletter):
    campaign = CampaignFactory.create(
        topic=newsletter, body_format="html", body_en="<p>Hi<script>x()</script></p>"
    )

    response = staff_client.get(reverse("admin:marketing_campaign_preview", args=[campaign.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Spring news" in body
    assert "Les nouvelles du printemps" in body
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in body
    assert "<p>Hi</p>" in body
    assert "x()" not in body
    assert "Stop receiving it (no sign-in needed):" in body  # the plain-text footer
    assert mail.outbox == []


def test_sending_from_the_back_office_reaches_consenting_members_and_shows_progress(
    staff_client, staff, alice, bob, newsletter, django_capture_on_commit_callbacks
):
    subscribe(alice, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)
    send_page = reverse("admin:marketing_campaign_send", args=[campaign.pk])

    confirm = staff_client.get(send_page)
    assert "will go to the 1 member who chose “Newsletter”" in confirm.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(send_page)

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[alice.email]]
    change = staff_client.get(reverse("admin:marketing_campaign_change", args=[campaign.pk]))
    assert "1 sent of 1 · 0 skipped (no consent any more) · 0 failed · 0 waiting" in (
        change.content.decode()
    )
    listing = staff_client.get(reverse("admin:marketing_campaign_changelist"))
    assert "1 sent of 1" in listing.content.decode()


def test_a_campaign_being_sent_shows_its_progress_and_cannot_be_edited(
    staff_client, staff, alice, bob, newsletter
):
    subscribe(alice, newsletter)
    subscribe(bob, newsletter)
    campaign = CampaignFactory.create(topic=newsletter)
    actions.start_sending(campaign=campaign, actor=staff)  # planned; the worker has not run

    page = staff_client.get(reverse("admin:marketing_campaign_change", args=[campaign.pk]))
    body = page.content.decode()
    assert "0 sent of 2 · 0 skipped (no consent any more) · 0 failed · 2 waiting" in body
    assert 'http-equiv="refresh"' in body
    assert 'name="subject_en"' not in body  # read-only
    assert "marketing_campaign_send" not in body
    again = staff_client.post(reverse("admin:marketing_campaign_send", args=[campaign.pk]))
    assert again.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_composer_and_its_pages_are_closed_to_non_staff(who, alice, newsletter):
    campaign = CampaignFactory.create(topic=newsletter)
    client = Client() if who == "visitor" else signed_in(alice)
    subscribe(alice, newsletter)

    for url in (
        reverse("admin:marketing_campaign_add"),
        reverse("admin:marketing_campaign_preview", args=[campaign.pk]),
        reverse("admin:marketing_campaign_send", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 302, url  # to the back-office sign-in
    client.post(reverse("admin:marketing_campaign_send", args=[campaign.pk]))
    assert Campaign.objects.get().status == Campaign.Status.DRAFT
    assert mail.outbox == []


def test_staff_without_the_send_permission_cannot_send(alice, newsletter):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Permission

    writer = MemberFactory.create(is_staff=True, email=address("writer", "petite.example"))
    writer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_campaign", "change_campaign"])
    )
    TOTP.activate(writer, generate_totp_secret())
    campaign = CampaignFactory.create(topic=newsletter)

    response = signed_in(writer).post(reverse("admin:marketing_campaign_send", args=[campaign.pk]))

    assert response.status_code == 403
    assert Campaign.objects.get().status == Campaign.Status.DRAFT


def test_staff_manage_topics_and_cannot_delete_them(staff_client, staff):
    response = staff_client.post(
        reverse("admin:marketing_topic_add"),
        {
            "slug": "events",
            "name_en": "Events",
            "name_fr": "Événements",
            "description_en": "Meet-ups near you.",
            "description_fr": "Des rencontres près de chez vous.",
            "is_offered": "on",
            "position": "3",
        },
    )

    assert response.status_code == 302
    assert Topic.objects.get(pk="events").name_fr == "Événements"
    assert AuditEvent.objects.filter(action="marketing.topic_created", actor=staff).exists()
    delete = staff_client.get(reverse("admin:marketing_topic_delete", args=["events"]))
    assert delete.status_code == 403


def test_staff_block_an_address_without_it_being_stored_and_find_it_by_address(
    staff_client, staff, alice
):
    response = staff_client.post(
        reverse("admin:marketing_suppression_add"), {"address": alice.email}
    )

    assert response.status_code == 302
    entry = Suppression.objects.get()
    assert (entry.address_hash, entry.reason, entry.member) == (
        address_hash(alice.email),
        Suppression.Reason.STAFF,
        alice,
    )
    listing = staff_client.get(
        reverse("admin:marketing_suppression_changelist"), {"q": alice.email.upper()}
    )
    assert listing.context["cl"].result_count == 1
    assert alice.email not in str(list(Suppression.objects.values()))
    other = staff_client.get(
        reverse("admin:marketing_suppression_changelist"), {"q": address("nobody")}
    )
    assert other.context["cl"].result_count == 0


def test_staff_lift_a_block_with_an_audit_record(staff_client, staff, alice):
    entry = actions.suppress(address=alice.email, reason=Suppression.Reason.BOUNCE)

    response = staff_client.post(
        reverse("admin:marketing_suppression_changelist"),
        {"action": "lift", "_selected_action": [entry.pk]},
    )

    assert response.status_code == 302
    assert not Suppression.objects.exists()
    lifted = AuditEvent.objects.get(action="marketing.suppression_lifted")
    assert (lifted.actor, lifted.data["reasons"]) == (staff, ["bounce"])


def test_a_sent_campaign_cannot_be_deleted_but_a_draft_can(staff_client, staff, newsletter):
    draft = CampaignFactory.create(topic=newsletter)
    sent = CampaignFactory.create(topic=newsletter, status=Campaign.Status.SENT)

    changelist = reverse("admin:marketing_campaign_changelist")

    single = staff_client.get(reverse("admin:marketing_campaign_delete", args=[sent.pk]))
    mixed = staff_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [draft.pk, sent.pk], "post": "yes"},
    )
    assert (single.status_code, mixed.status_code) == (403, 403)
    assert Campaign.objects.count() == 2
    staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
    )

    assert list(Campaign.objects.values_list("pk", flat=True)) == [sent.pk]
    assert AuditEvent.objects.filter(action="marketing.campaigns_deleted", actor=staff).exists()


def test_the_preview_shows_the_plain_text_part_as_text_never_as_markup(staff_client, newsletter):
    campaign = CampaignFactory.create(
        topic=newsletter,
        body_format="html",
        body_en='<p>&lt;img src=x onerror=alert(1)&gt; <a href="https://petite.example/a">more</a></p>',
    )

    body = staff_client.get(
        reverse("admin:marketing_campaign_preview", args=[campaign.pk])
    ).content.decode()

    assert "more &lt;https://petite.example/a&gt;" in body
    assert "<img" not in body


def test_a_campaign_being_sent_cannot_be_changed_through_the_form(staff_client, staff, newsletter):
    campaign = CampaignFactory.create(topic=newsletter)
    actions.start_sending(campaign=campaign, actor=staff)
    change = reverse("admin:marketing_campaign_change", args=[campaign.pk])

    page = staff_client.get(change).content.decode()
    response = staff_client.post(change, composer_data(subject_en="Changed after sending"))

    assert 'name="_save"' not in page
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.subject_en == "Spring news"

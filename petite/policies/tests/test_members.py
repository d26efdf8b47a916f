"""What members see and what is kept about them: the banner until they acknowledge a
new version, the version coming at sign-up, their notices and acknowledgements in
their export and erased with them (E3, E4)."""

from __future__ import annotations

import html
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address, signed_in
from petite.core.models import AuditEvent
from petite.policies import actions, selectors
from petite.policies.models import PolicyAcknowledgement, PolicyNotice, PolicyVersion
from petite.privacy import export
from petite.privacy.erasure import erase_member

from .conftest import SUMMARY_EN, SUMMARY_FR, at, publish

BANNER = "policy-banner"


@pytest.fixture
def announced(draft: PolicyVersion, staff: Member, alice: Member) -> PolicyVersion:
    """Version 2, published after Alice joined; the campaign has not run (no worker)."""
    alice.date_joined = timezone.now() - timedelta(days=60)
    alice.save(update_fields=["date_joined"])
    return publish(draft, staff, days=20)


# --- The banner (E3, E4) -----------------------------------------------------------------------


@pytest.mark.clause("E3")
@pytest.mark.clause("E4")
def test_a_member_sees_the_banner_on_every_page_until_they_acknowledge(
    announced: PolicyVersion, alice: Member
) -> None:
    client = signed_in(alice)

    for page in ("/", "/privacy/", "/contact/"):
        content = client.get(page).content.decode()
        assert BANNER in content, page
    content = html.unescape(client.get("/").content.decode())
    assert "version 2 takes effect on" in content
    assert 'href="/privacy/versions/compare/?old=1&new=2"' in content
    assert 'href="/account/delete/"' in content  # E4: the way out, from the banner too

    response = client.post("/privacy/versions/2/acknowledge/", {"next": "/contact/"})

    assert response.status_code == 302
    assert response["Location"] == "/contact/"
    assert BANNER not in client.get("/").content.decode()
    acknowledgement = PolicyAcknowledgement.objects.get(member=alice)
    assert acknowledgement.version == announced
    assert AuditEvent.objects.filter(action="policies.acknowledged", actor=alice).count() == 1


@pytest.mark.clause("E3")
def test_acknowledging_twice_records_it_once(announced: PolicyVersion, alice: Member) -> None:
    client = signed_in(alice)

    client.post("/privacy/versions/2/acknowledge/")
    response = client.post("/privacy/versions/2/acknowledge/")

    assert response.status_code == 302
    assert response["Location"] == "/privacy/versions/2/"
    assert PolicyAcknowledgement.objects.filter(member=alice).count() == 1


@pytest.mark.clause("E3")
def test_the_banner_is_a_plain_form_that_works_without_javascript(
    announced: PolicyVersion, alice: Member
) -> None:
    content = signed_in(alice).get("/contact/").content.decode()

    form = content[content.index(BANNER) :]
    assert 'method="post" action="/privacy/versions/2/acknowledge/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/contact/"' in form
    assert "<script" not in form[: form.index("</section>")]


@pytest.mark.clause("E3")
def test_an_acknowledgement_never_redirects_to_another_site(
    announced: PolicyVersion, alice: Member
) -> None:
    outside = "https:" + "//elsewhere.example/"
    response = signed_in(alice).post("/privacy/versions/2/acknowledge/", {"next": outside})

    assert response["Location"] == "/privacy/versions/2/"


@pytest.mark.clause("E3")
def test_visitors_members_who_joined_later_and_staff_who_acknowledged_see_no_banner(
    announced: PolicyVersion, staff: Member, client: Client
) -> None:
    newcomer = MemberFactory.create(email=address("newcomer"))
    staff.date_joined = timezone.now() - timedelta(days=90)
    staff.save(update_fields=["date_joined"])
    actions.acknowledge(member=staff, version=announced)

    assert BANNER not in client.get("/").content.decode()
    assert BANNER not in signed_in(newcomer).get("/").content.decode()
    assert BANNER not in signed_in(staff).get("/").content.decode()


@pytest.mark.clause("E3")
def test_the_first_recorded_version_shows_no_banner(
    first_version: PolicyVersion, alice: Member
) -> None:
    alice.date_joined = timezone.now() - timedelta(days=60)
    alice.save(update_fields=["date_joined"])

    assert selectors.to_acknowledge(alice) is None
    assert BANNER not in signed_in(alice).get("/").content.decode()


@pytest.mark.clause("E3")
def test_the_banner_stays_after_the_date_until_acknowledged(
    announced: PolicyVersion, alice: Member
) -> None:
    assert announced.effective_at is not None
    with at(announced.effective_at + timedelta(days=1)):
        content = html.unescape(signed_in(alice).get("/").content.decode())

    assert "version 2 is in force since" in content


@pytest.mark.clause("E3")
def test_acknowledging_needs_a_signed_in_member_and_a_post(
    announced: PolicyVersion, client: Client, alice: Member
) -> None:
    anonymous = client.post("/privacy/versions/2/acknowledge/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/privacy/versions/2/")

    assert signed_in(alice).get("/privacy/versions/2/acknowledge/").status_code == 405
    assert signed_in(alice).post("/privacy/versions/9/acknowledge/").status_code == 404
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.clause("E3")
def test_a_draft_cannot_be_acknowledged(draft: PolicyVersion, alice: Member) -> None:
    with pytest.raises(actions.PolicyError):
        actions.acknowledge(member=alice, version=draft)


@pytest.mark.clause("E3")
def test_the_version_page_offers_the_acknowledgement_to_whom_the_banner_shows(
    announced: PolicyVersion, alice: Member, bob: Member
) -> None:
    assert "I have read it" in signed_in(alice).get("/privacy/versions/2/").content.decode()
    # Bob joined after publication: he saw the version when he signed up.
    page = signed_in(bob).get("/privacy/versions/2/").content.decode()
    assert 'action="/privacy/versions/2/acknowledge/"' not in page


# --- Sign-up during the notice period (E3) ----------------------------------------------------


@pytest.mark.clause("E3")
def test_people_signing_up_during_the_notice_period_see_the_version_coming(
    announced: PolicyVersion, client: Client
) -> None:
    english = html.unescape(client.get("/accounts/signup/").content.decode())
    french = html.unescape(client.get("/fr/accounts/signup/").content.decode())

    assert 'id="policy-upcoming"' in english
    assert SUMMARY_EN in english
    assert 'href="/privacy/versions/1/"' in english  # the version in force now
    assert 'href="/privacy/versions/2/"' in english
    assert SUMMARY_FR in french


@pytest.mark.clause("E3")
def test_the_sign_up_page_says_nothing_once_the_version_is_in_force(
    announced: PolicyVersion, client: Client
) -> None:
    assert announced.effective_at is not None
    with at(announced.effective_at + timedelta(seconds=1)):
        content = client.get("/accounts/signup/").content.decode()

    assert 'id="policy-upcoming"' not in content


# --- The member's record: export and erasure (E3) ----------------------------------------------


@pytest.fixture
def notified_alice(
    announced: PolicyVersion, alice: Member, django_capture_on_commit_callbacks: Any
) -> Member:
    with django_capture_on_commit_callbacks(execute=True):
        actions.plan_notices(version=announced)
        from petite.policies import tasks

        tasks.send_policy_notices.enqueue(announced.pk)
    assert [m for m in mail.outbox if m.to == [alice.email]]
    actions.acknowledge(member=alice, version=announced)
    return alice


@pytest.mark.clause("E3")
def test_the_notice_and_the_acknowledgement_are_in_the_members_export(
    notified_alice: Member, announced: PolicyVersion, tmp_path: Path
) -> None:
    path = tmp_path / "archive.zip"
    export.write_archive(notified_alice, str(path))
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        page = archive.read("index.html").decode()

    records = {r["model"]: r for r in data["records"]}
    notice = records["policies.PolicyNotice"]["items"]
    acknowledgement = records["policies.PolicyAcknowledgement"]["items"]
    assert len(notice) == 1
    assert len(acknowledgement) == 1
    assert notice[0]["status"] == "sent"
    assert notice[0]["sent_at"]
    assert acknowledgement[0]["acknowledged_at"]
    assert "Notices of changes to this policy" in page


@pytest.mark.clause("E3")
def test_erasing_a_member_removes_their_notices_and_acknowledgements_not_the_version(
    notified_alice: Member, announced: PolicyVersion
) -> None:
    receipt = erase_member(member=notified_alice, reason="test")

    assert not PolicyNotice.objects.filter(member_id=notified_alice.pk).exists()
    assert not PolicyAcknowledgement.objects.filter(member_id=notified_alice.pk).exists()
    assert PolicyVersion.objects.filter(pk=announced.pk).exists()
    assert receipt.outcome["policies.PolicyNotice"]["deleted"] == 1
    assert receipt.outcome["policies.PolicyAcknowledgement"]["deleted"] == 1

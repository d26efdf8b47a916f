"""Asking for, following and downloading a copy of one's data (U3)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from petite.accounts.actions import request_account_deletion
from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.privacy import export as export_engine
from petite.rights import actions, tasks
from petite.rights.models import DataExport

from .conftest import reauthenticate, sign_in

EXPORTS = reverse("rights:exports")


def page(export: DataExport) -> str:
    return reverse("rights:export", args=[export.pk])


def download_url(export: DataExport) -> str:
    return reverse("rights:download", args=[export.pk])


@pytest.fixture
def ready(alice: Member, django_capture_on_commit_callbacks: Any) -> DataExport:
    """Alice's export, built by the task."""
    with django_capture_on_commit_callbacks(execute=True):
        started = actions.start_export(member=alice)
    started.refresh_from_db()
    assert started.status == DataExport.Status.READY
    return started


def ask(client: Client, password: str, django_capture_on_commit_callbacks: Any) -> Any:
    """Ask for an export the way a member does: the button, then the password again."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORTS)
        return reauthenticate(client, password, EXPORTS)


# --- Asking -------------------------------------------------------------------------------


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_asking_requires_the_password_again(alice: Member, password: str) -> None:
    client = sign_in(alice, password)

    response = client.post(EXPORTS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not DataExport.objects.exists()


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_a_stale_confirmation_asks_for_the_password_again(alice: Member, password: str) -> None:
    client = sign_in(alice, password)
    confirmed = reauthenticate(client, password, reverse("rights:index"))  # valid 5 minutes
    assert confirmed["Location"] == reverse("rights:index")

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post(EXPORTS)

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not DataExport.objects.exists()


@pytest.mark.clause("U3")
def test_after_the_password_the_archive_is_built_and_the_member_sees_its_page(
    alice: Member, password: str, django_capture_on_commit_callbacks: Any, export_dir: Path
) -> None:
    client = sign_in(alice, password)

    response = ask(client, password, django_capture_on_commit_callbacks)

    made = DataExport.objects.get(member=alice)
    assert response.status_code == 302
    assert response["Location"] == page(made)
    assert made.status == DataExport.Status.READY
    assert made.requested_by_staff is None
    assert (export_dir / str(made.archive)).is_file()
    assert made.progress_done == made.progress_total > 0
    assert made.expires_at == made.finished_at + timedelta(days=7)  # type: ignore[operator]


@pytest.mark.clause("U3")
def test_the_archive_is_stored_outside_the_web_root_under_a_random_name(
    ready: DataExport, export_dir: Path, settings: Any
) -> None:
    path = export_dir / str(ready.archive)
    assert path.is_file()
    assert len(str(ready.archive)) > 30
    assert str(ready.pk) not in str(ready.archive)
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not path.resolve().is_relative_to(Path(public).resolve())


@pytest.mark.clause("U3")
def test_the_member_is_emailed_a_link_to_the_download_page(ready: DataExport) -> None:
    [message] = mail.outbox
    assert message.to == [ready.member.email]
    assert "http://127.0.0.1:8000" + page(ready) in message.body
    assert "ready" in message.subject


@pytest.mark.clause("U3")
@pytest.mark.clause("U2")
def test_a_member_closing_their_account_is_not_emailed_when_the_archive_is_ready(
    ready: DataExport,
) -> None:
    mail.outbox.clear()
    request_account_deletion(member=ready.member, immediate=False)

    tasks.send_export_ready.call(str(ready.pk))

    assert mail.outbox == []


@pytest.mark.clause("U3")
def test_the_email_is_in_the_members_language(
    alice: Member, django_capture_on_commit_callbacks: Any
) -> None:
    alice.language = "fr"
    alice.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        made = actions.start_export(member=alice)

    [message] = mail.outbox
    assert "/fr/your-data/exports/" + str(made.pk) in message.body
    assert "Bonjour Alice" in message.body
    assert "prête" in message.subject


@pytest.mark.clause("U3")
def test_a_second_export_within_24_hours_is_refused_with_the_next_time(
    alice: Member, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = sign_in(alice, password)
    ask(client, password, django_capture_on_commit_callbacks)

    response = client.post(EXPORTS, follow=True)

    assert DataExport.objects.filter(member=alice).count() == 1
    assert response.redirect_chain[-1][0] == EXPORTS
    [message] = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert "every 24 hours" in message
    first = DataExport.objects.get(member=alice)
    next_time = timezone.localtime(first.created_at + timedelta(hours=24))
    assert formats.date_format(next_time, "DATETIME_FORMAT") in message


@pytest.mark.clause("U3")
def test_the_limit_is_in_the_action_too(alice: Member, ready: DataExport) -> None:
    with pytest.raises(actions.ExportTooSoon) as refusal:
        actions.start_export(member=alice)

    assert refusal.value.next_possible_at == ready.created_at + timedelta(hours=24)


@pytest.mark.clause("U3")
def test_after_24_hours_the_member_may_ask_again(
    alice: Member, ready: DataExport, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        time_machine.travel(ready.created_at + timedelta(hours=24, seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = actions.start_export(member=alice)

    assert again.pk != ready.pk


@pytest.mark.clause("U3")
def test_exports_started_by_staff_are_not_limited(
    alice: Member, staff: Member, ready: DataExport, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.start_export(member=alice, requested_by_staff=staff)
        second = actions.start_export(member=alice, requested_by_staff=staff)

    assert DataExport.objects.filter(member=alice, requested_by_staff=staff).count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == DataExport.Status.READY
    assert len(mail.outbox) == 3  # each one ready for the member to download, signed in


@pytest.mark.clause("U3")
def test_a_failed_export_does_not_count_against_the_limit(
    alice: Member, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export_engine, "write_archive", broken)
    with django_capture_on_commit_callbacks(execute=True):
        failed = actions.start_export(member=alice)

    assert actions.next_member_export_at(alice) is None
    failed.refresh_from_db()
    assert failed.status == DataExport.Status.FAILED


@pytest.mark.clause("U3")
def test_the_request_is_audited(alice: Member, ready: DataExport) -> None:
    actions_recorded = list(
        AuditEvent.objects.filter(target_id=str(ready.pk)).values_list("action", flat=True)
    )
    assert sorted(actions_recorded) == [
        "rights.export.ready",
        "rights.export.requested",
        "rights.export.started",
    ]


# --- Following the build --------------------------------------------------------------------


@pytest.mark.clause("U3")
def test_the_page_shows_a_progress_bar_that_polls_while_it_builds(alice: Member) -> None:
    building = DataExport.objects.create(
        member=alice, status=DataExport.Status.RUNNING, progress_done=40, progress_total=100
    )

    response = signed_in(alice).get(page(building))

    body = response.content.decode()
    assert '<progress id="export-progress" max="100" value="40">40%</progress>' in body
    assert 'hx-trigger="every 2s"' in body
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert f'<a href="{page(building)}">Refresh</a>' in body


@pytest.mark.clause("U3")
def test_htmx_loads_from_our_own_static_files_with_the_csp_nonce(alice: Member) -> None:
    building = DataExport.objects.create(member=alice, status=DataExport.Status.RUNNING)

    response = signed_in(alice).get(page(building))

    body = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script src="/static/rights/htmx.min.js" nonce="{nonce}" defer></script>' in body
    assert "http" not in body.split("<script")[1].split("</script>")[0]


@pytest.mark.clause("U3")
def test_htmx_polling_gets_only_the_status(alice: Member) -> None:
    building = DataExport.objects.create(
        member=alice, status=DataExport.Status.RUNNING, progress_done=3, progress_total=9
    )

    response = signed_in(alice).get(page(building), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="export-status"')
    assert "<html" not in body
    assert 'value="3"' in body


@pytest.mark.clause("U3")
def test_polling_stops_once_the_archive_is_ready(ready: DataExport) -> None:
    response = signed_in(ready.member).get(page(ready), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "hx-trigger" not in body
    assert download_url(ready) in body


# --- Downloading -----------------------------------------------------------------------------


@pytest.mark.clause("U3")
def test_the_owner_downloads_the_archive(ready: DataExport) -> None:
    response = signed_in(ready.member).get(download_url(ready))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="petite-data-')
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert AuditEvent.objects.filter(
        action="rights.export.downloaded", target_id=str(ready.pk)
    ).exists()
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    # Closing the response ends the request, which closes the database connection
    # (PostgreSQL): no query after this line.
    response.close()
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = json.loads(archive.read("data.json"))
    assert data["member"] == {"id": ready.member.pk}


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_anonymous_visitors_are_sent_to_sign_in(ready: DataExport) -> None:
    for url in (download_url(ready), page(ready), EXPORTS):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_another_member_gets_not_found(ready: DataExport, bob: Member) -> None:
    client = signed_in(bob)

    assert client.get(download_url(ready)).status_code == 404
    assert client.get(page(ready)).status_code == 404


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_staff_get_not_found_too(ready: DataExport, staff_client: Client) -> None:
    assert staff_client.get(download_url(ready)).status_code == 404
    assert staff_client.get(page(ready)).status_code == 404


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_the_list_of_copies_shows_only_ones_own(
    ready: DataExport, bob: Member, staff_client: Client
) -> None:
    mine = signed_in(ready.member).get(EXPORTS).content.decode()
    theirs = signed_in(bob).get(EXPORTS).content.decode()
    staffs = staff_client.get(EXPORTS).content.decode()

    assert page(ready) in mine
    assert page(ready) not in theirs
    assert page(ready) not in staffs


@pytest.mark.clause("U3")
def test_an_expired_link_shows_a_clear_page_and_no_file(ready: DataExport) -> None:
    assert ready.expires_at is not None
    with time_machine.travel(ready.expires_at + timedelta(seconds=1)):
        response = signed_in(ready.member).get(download_url(ready))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "This download link has expired" in response.content.decode()


@pytest.mark.clause("U3")
def test_a_copy_still_being_made_cannot_be_downloaded(alice: Member) -> None:
    building = DataExport.objects.create(member=alice, status=DataExport.Status.RUNNING)

    response = signed_in(alice).get(download_url(building))

    assert response.status_code == 404
    assert "not ready yet" in response.content.decode()


# --- Expiry ----------------------------------------------------------------------------------


@pytest.mark.clause("U3")
def test_the_periodic_task_deletes_expired_archives(ready: DataExport, export_dir: Path) -> None:
    path = export_dir / str(ready.archive)
    assert ready.expires_at is not None

    with time_machine.travel(ready.expires_at + timedelta(minutes=1)):
        outcome = tasks.expire_exports.call()

    assert outcome["expired"] == 1
    assert not path.exists()
    ready.refresh_from_db()
    assert ready.status == DataExport.Status.EXPIRED
    assert str(ready.archive) == ""
    response = signed_in(ready.member).get(download_url(ready))
    assert response.status_code == 410


@pytest.mark.clause("U3")
def test_archives_still_valid_are_kept(ready: DataExport, export_dir: Path) -> None:
    tasks.expire_exports.call()

    assert (export_dir / str(ready.archive)).is_file()
    ready.refresh_from_db()
    assert ready.status == DataExport.Status.READY


@pytest.mark.clause("U3")
def test_files_no_export_claims_are_swept(ready: DataExport, export_dir: Path) -> None:
    orphan = export_dir / "left-by-a-dead-worker.zip"
    orphan.write_bytes(b"PK")

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        outcome = tasks.expire_exports.call()

    assert outcome["orphans"] == 1
    assert not orphan.exists()
    assert (export_dir / str(ready.archive)).is_file()


# --- Crashes ---------------------------------------------------------------------------------


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_running_the_task_again_after_a_crash_rebuilds_cleanly(
    alice: Member, export_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    export_dir.mkdir(parents=True)
    (export_dir / "dead.zip.part").write_bytes(b"half an archive")
    crashed = DataExport.objects.create(
        member=alice,
        status=DataExport.Status.RUNNING,
        archive="dead.zip",
        progress_done=5,
        progress_total=50,
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_export.call(str(crashed.pk))

    crashed.refresh_from_db()
    assert crashed.status == DataExport.Status.READY
    assert str(crashed.archive) != "dead.zip"
    assert sorted(p.name for p in export_dir.iterdir()) == [str(crashed.archive)]
    with zipfile.ZipFile(export_dir / str(crashed.archive)) as archive:
        assert archive.testzip() is None


@pytest.mark.clause("U3")
def test_a_stalled_build_is_restarted_by_the_periodic_task(
    alice: Member, django_capture_on_commit_callbacks: Any
) -> None:
    stalled = DataExport.objects.create(
        member=alice,
        status=DataExport.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=20),
    )

    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.expire_exports.call()

    assert outcome["restarted"] == 1
    stalled.refresh_from_db()
    assert stalled.status == DataExport.Status.READY


@pytest.mark.clause("U3")
def test_a_run_that_was_superseded_stops_and_leaves_no_file(
    alice: Member, export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = DataExport.objects.create(member=alice)
    real = export_engine.write_archive

    def overtaken(*args: Any, progress: Any, **kwargs: Any) -> Any:
        # Another worker claims the export while this one is half-way.
        DataExport.objects.filter(pk=made.pk).update(run_token=None)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(export_engine, "write_archive", overtaken)

    assert actions.build_export(export_id=made.pk) is None
    assert list(export_dir.iterdir()) == []
    made.refresh_from_db()
    assert made.status == DataExport.Status.RUNNING  # the newer run will finish it


@pytest.mark.clause("U3")
def test_a_failure_marks_the_export_failed_without_details(
    alice: Member, export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("cannot export " + alice.email)

    monkeypatch.setattr(export_engine, "write_archive", broken)
    made = DataExport.objects.create(member=alice)

    with pytest.raises(ValueError, match="cannot export"):
        actions.build_export(export_id=made.pk)

    made.refresh_from_db()
    assert made.status == DataExport.Status.FAILED
    assert made.error == "ValueError"
    assert list(export_dir.iterdir()) == []


@pytest.mark.clause("U3")
def test_a_finished_export_is_not_rebuilt(ready: DataExport) -> None:
    name = str(ready.archive)

    tasks.build_export.call(str(ready.pk))

    ready.refresh_from_db()
    assert str(ready.archive) == name


# --- Erasure ---------------------------------------------------------------------------------


@pytest.mark.clause("U3")
@pytest.mark.clause("U5")
def test_erasing_the_member_deletes_their_archives(
    transactional_db: None, alice: Member, export_dir: Path
) -> None:
    from petite.privacy.erasure import erase_member

    actions.build_export(export_id=DataExport.objects.create(member=alice).pk)
    assert len(list(export_dir.iterdir())) == 1

    receipt = erase_member(member=alice, reason="test")

    assert list(export_dir.iterdir()) == []
    assert not DataExport.objects.exists()
    assert receipt.scan["clean"] is True

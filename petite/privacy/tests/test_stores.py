"""The non-model stores registry (issue 11 items 6-7): cookies, file stores and session
terminators declared by the apps, read by the banner, /cookies/, the notice, the
record of processing, the scan, retention, erasure and the export."""

from __future__ import annotations

import os
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage
from django.test import Client

from petite.accounts import actions
from petite.consent import cookies as consent_cookies
from petite.datarequests import quarantine
from petite.privacy import checks, erasure, retention, stores
from petite.privacy.export import write_archive
from petite.privacy.models import ErasureReceipt
from petite.privacy.notice import render_notice
from petite.privacy.ropa import render_register

from .population import BRUNO, OTTILIE, Populated, populate

# Every cookie the platform sets (issue 11 item 7 found csrftoken, consent,
# sessionid and messages in a browser; the language cookie is set on a choice).
EXPECTED_COOKIES = {
    "sessionid",
    "csrftoken",
    "django_language",
    "consent",
    "messages",
    "petite_device",
}


@pytest.fixture
def ottilie(db: None) -> Populated:
    return populate(OTTILIE)


def quarantined(sender: str, text: str, *, days_old: int = 0) -> Path:
    """A message in the quarantine, as quarantine.keep leaves it (without its clamd scan)."""
    raw = f"From: {sender}\r\nTo: privacy@petite.example\r\nSubject: ?\r\n\r\n{text}\r\n"
    folder = quarantine.directory()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"20260101T000000-{len(list(folder.iterdir())):012d}"
    path = folder / f"{stem}{quarantine.SUFFIX}"
    path.write_bytes(raw.encode())
    (folder / f"{stem}.reason.txt").write_text("test: no usable request\n")
    if days_old:
        then = time.time() - days_old * 86400
        os.utime(path, (then, then))
    return path


def cookies_section(markdown: str) -> str:
    return markdown.split("### Cookies", 1)[1].split("###", 1)[0]


@pytest.mark.clause("R1.5")
def test_the_apps_declare_every_cookie_the_platform_sets() -> None:
    assert stores.cookie_names() == EXPECTED_COOKIES
    assert all(cookie.consent is None for cookie in stores.cookies())


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_notice_lists_exactly_the_declared_cookies(language: str) -> None:
    listed = re.findall(r"^- `([^`]+)`", cookies_section(render_notice(language)), re.M)

    assert sorted(listed) == sorted(stores.cookie_names())


@pytest.mark.clause("R1.5")
def test_the_cookies_page_lists_exactly_the_declared_cookies(client: Client) -> None:
    html = client.get("/cookies/").content.decode()

    listed = re.findall(r"<tr><td><code>([^<]+)</code></td>", html)

    assert sorted(listed) == sorted(stores.cookie_names())
    assert {c.name for c in consent_cookies.necessary_cookies()} == stores.cookie_names()


def test_the_record_of_processing_lists_every_store_and_cookie() -> None:
    register = render_register("en")
    for store in stores.file_stores():
        assert f"`{store.key}`" in register
    for name in stores.cookie_names():
        assert f"`{name}`" in register


def test_the_notice_publishes_the_quarantine_and_its_retention(settings: Any) -> None:
    settings.PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS = 45

    notice = render_notice("en")

    assert "Unreadable request e-mails" in notice
    assert "45 days" in notice


@pytest.mark.clause("U5")
def test_the_scan_searches_the_quarantine(ottilie: Populated) -> None:
    # Sent from another address, it names her: the erasure cannot know it is hers.
    path = quarantined(BRUNO.email, f"Please erase {OTTILIE.first_name} {OTTILIE.last_name}.")

    receipt = erasure.erase_member(member=ottilie.member, reason="test")

    where = {entry["where"] for entry in receipt.scan["findings"]}
    assert f"quarantine:{path.name}" in where
    assert receipt.status == ErasureReceipt.Status.FINDINGS


@pytest.mark.clause("U5")
def test_the_erasure_deletes_the_members_quarantined_messages(ottilie: Populated) -> None:
    hers = quarantined(OTTILIE.email, "Delete my account.")
    someone_elses = quarantined(BRUNO.email, "Hello.")

    receipt = erasure.erase_member(member=ottilie.member, reason="test")

    assert not hers.exists()
    assert not hers.with_name(hers.stem + ".reason.txt").exists()
    assert someone_elses.exists()
    assert receipt.status == ErasureReceipt.Status.VERIFIED


@pytest.mark.clause("U5")
def test_the_scan_searches_declared_stores_only(
    ottilie: Populated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    undeclared = tmp_path / "undeclared"
    undeclared.mkdir()
    (undeclared / "note.txt").write_text(f"{OTTILIE.first_name} {OTTILIE.last_name}")
    declared = tmp_path / "declared"
    declared.mkdir()
    (declared / "note.txt").write_text(f"{OTTILIE.first_name} {OTTILIE.last_name}")
    monkeypatch.setattr(stores, "_storages", {**stores._storages})
    monkeypatch.setattr(stores, "_file_stores", {**stores._file_stores})
    stores.storage("notes", lambda: FileSystemStorage(location=declared))
    stores.file_store(
        stores.FileStore(
            key="test.notes", label="Notes", description="", purposes=("P6",), storage="notes"
        )
    )

    receipt = erasure.erase_member(member=ottilie.member, reason="test")

    where = {entry["where"] for entry in receipt.scan["findings"]}
    assert where == {"notes:note.txt"}


@pytest.mark.clause("R1.2")
def test_retention_deletes_quarantined_files_past_their_retention(db: None, settings: Any) -> None:
    settings.PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS = 30
    old = quarantined(BRUNO.email, "Old.", days_old=31)
    recent = quarantined(BRUNO.email, "Recent.", days_old=29)

    preview = retention.purge_expired(dry_run=True)
    assert preview["files:datarequests.quarantine"] == 1
    assert old.exists()

    counts = retention.purge_expired()

    assert counts["files:datarequests.quarantine"] == 1
    assert not old.exists()
    assert recent.exists()


@pytest.mark.clause("U3")
def test_the_export_gives_the_member_their_quarantined_messages(
    ottilie: Populated, tmp_path: Path
) -> None:
    hers = quarantined(OTTILIE.email, "Please send me my data.")
    quarantined(BRUNO.email, "Not hers.")
    target = tmp_path / "export.zip"

    summary = write_archive(ottilie.member, str(target))

    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        copied = archive.read(f"files/stores/datarequests.quarantine/{hers.name}")
    assert copied == hers.read_bytes()
    assert [n for n in names if n.startswith("files/stores/")] == [
        f"files/stores/datarequests.quarantine/{hers.name}",
        f"files/stores/datarequests.quarantine/{hers.stem}.reason.txt",
    ]
    assert summary.files >= 2


@pytest.mark.clause("U5")
def test_erasure_and_account_closing_end_sessions_through_the_declared_terminators(
    ottilie: Populated, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[Any] = []

    def a_second_store_of_sessions(member: Any) -> int:
        ended.append(member.pk)
        return 1

    monkeypatch.setattr(stores, "_terminators", [*stores._terminators])
    stores.session_terminator(a_second_store_of_sessions)
    member_pk = ottilie.member.pk

    actions.request_account_deletion(member=ottilie.member, immediate=False)
    receipt = erasure.erase_member(member=ottilie.member, reason="test")

    assert ended == [member_pk, member_pk]
    assert receipt.outcome["sessions.Session"]["deleted"] >= 1


def test_a_store_naming_an_unknown_purpose_or_category_fails_the_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stores, "_file_stores", {**stores._file_stores})
    stores.file_store(
        stores.FileStore(
            key="test.bad", label="", description="", purposes=("P99",), category="nope"
        )
    )

    errors = [e for e in checks.check_stores() if isinstance(e, Error)]

    assert [e.id for e in errors] == ["privacy.E009"]
    assert "P99" in errors[0].msg
    assert "nope" in errors[0].msg

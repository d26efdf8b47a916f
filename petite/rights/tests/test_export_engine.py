"""The export engine (petite/privacy/export.py): complete, self-describing, safe to hand over (U3)."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import connection

from petite.accounts.models import Member, UsageCount
from petite.accounts.tests.factories import MemberFactory
from petite.portraits.models import Portrait
from petite.privacy import categories, export, registry
from petite.privacy.declarations import Erasure, Personal
from petite.rights.models import DataExport

from .conftest import CITY, MESSAGE, POSTCODE, STREET

FULLY_POPULATED = [
    "accounts.Member",
    "account.EmailAddress",
    "mfa.Authenticator",
    "usersessions.UserSession",
    "accounts.ConnectionEvent",
    "accounts.UsageCount",
    "portraits.Portrait",
    "contact.ContactMessage",
    "core.AuditEvent",
]


class Archive:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.names = zf.namelist()
            self.data = json.loads(zf.read("data.json"))
            self.html = zf.read("index.html").decode("utf-8")
            self.raw = b"".join(zf.read(name) for name in self.names)

    def records(self, label: str) -> dict[str, Any]:
        return next(r for r in self.data["records"] if r["model"] == label)

    def items(self, label: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.records(label)["items"]
        return items


def build(member: Member, tmp_path: Path, **options: Any) -> Archive:
    path = tmp_path / "archive.zip"
    export.write_archive(member, str(path), **options)
    return Archive(path)


@pytest.fixture
def temporary_registration() -> Iterator[Any]:
    """Register a declaration for the test only."""
    added: list[tuple[type[Any], type | None]] = []

    def register(model: type[Any], spec: type) -> None:
        added.append((model, registry._registered.get(model)))
        registry.register(model, spec)

    yield register
    for model, previous in reversed(added):
        if previous is None:
            registry._registered.pop(model, None)
        else:
            registry._registered[model] = previous


@pytest.mark.clause("U3")
def test_every_declared_field_of_a_full_member_is_exported_with_its_purposes(
    full_member: Member, tmp_path: Path
) -> None:
    archive = build(full_member, tmp_path)

    for label in FULLY_POPULATED:
        declaration = next(d for d in registry.declarations() if d.label == label)
        section = archive.records(label)
        assert section["count"] >= 1, label
        assert all(section[key] for key in ("legal_bases", "retention", "recipients")), label
        described = {entry["name"]: entry for entry in section["fields"]}
        for name in declaration.fields:
            entry = described[name]
            assert entry["category"]["key"] == declaration.fields[name].category.key
            assert [p["id"] for p in entry["purposes"]] == list(declaration.fields[name].purposes)
            for purpose in entry["purposes"]:
                described_purpose = ("name", "legal_basis", "retention", "recipients")
                assert all(purpose[key] for key in described_purpose), (label, name)
            for item in section["items"]:
                assert name in item, (label, name)


@pytest.mark.clause("U3")
def test_the_values_are_the_members_own_with_addresses_decrypted(
    full_member: Member, tmp_path: Path
) -> None:
    archive = build(full_member, tmp_path)

    [member] = archive.items("accounts.Member")
    assert member["first_name"] == "Alice"
    assert member["email"] == full_member.email
    [portrait] = archive.items("portraits.Portrait")
    assert (portrait["street"], portrait["postcode"], portrait["city"]) == (STREET, POSTCODE, CITY)
    [message] = archive.items("contact.ContactMessage")
    assert message["message"] == MESSAGE
    failed = [e for e in archive.items("accounts.ConnectionEvent") if not e["succeeded"]]
    assert failed[0]["ip"] == "90.0.0.1"
    assert failed[0]["country_code"] == "FR"
    [audit_event] = archive.items("core.AuditEvent")
    assert audit_event["actor"] == export.SELF


@pytest.mark.clause("U3")
@pytest.mark.clause("SEC1")
def test_credentials_are_exported_only_as_whether_they_are_set(
    full_member: Member, tmp_path: Path
) -> None:
    archive = build(full_member, tmp_path)

    [member] = archive.items("accounts.Member")
    assert member["password"] == {"set": True}
    authenticators = archive.items("mfa.Authenticator")
    assert {a["type"] for a in authenticators} == {"totp", "recovery_codes"}
    assert all(a["data"] == {"set": True} for a in authenticators)
    # Neither the hash nor the two-factor secret is anywhere in the archive.
    secret = Authenticator.objects.get(user=full_member, type="totp").data["secret"]
    assert full_member.password.encode() not in archive.raw
    assert secret.encode() not in archive.raw


@pytest.mark.clause("U3")
def test_every_declared_model_has_its_place_in_the_export(alice: Member, tmp_path: Path) -> None:
    archive = build(alice, tmp_path)

    exported = [r["model"] for r in archive.data["records"]]
    assert sorted(exported) == sorted(d.label for d in registry.declarations())
    assert archive.names == ["data.json", "index.html"]


@pytest.mark.clause("U3")
def test_a_model_declared_later_is_exported_with_no_other_change(
    alice: Member, tmp_path: Path, temporary_registration: Any
) -> None:
    class GroupPrivacy:  # any model, declared the way an app would
        subject = "user"
        fields = {"name": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE)}
        technical = ["id", "permissions"]

    temporary_registration(Group, GroupPrivacy)
    alice.groups.add(Group.objects.create(name="Gardeners"))

    archive = build(alice, tmp_path)

    assert archive.items("auth.Group") == [{"id": alice.groups.get().pk, "name": "Gardeners"}]
    assert "Gardeners" in archive.html


@pytest.mark.clause("U3")
def test_other_members_appear_only_as_another_member(
    alice: Member, bob: Member, tmp_path: Path, temporary_registration: Any
) -> None:
    # No declared model relates a member to another one yet: declare one that does.
    class ExportWithStaff:
        subject = "member"
        fields = {
            "member": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.DELETE),
            "requested_by_staff": Personal(categories.DATA_REQUESTS, ["P4"], Erasure.BLANK),
        }
        technical = [
            f.name
            for f in DataExport._meta.concrete_fields
            if f.name not in ("member", "requested_by_staff")
        ]

    temporary_registration(DataExport, ExportWithStaff)
    DataExport.objects.create(member=alice, requested_by_staff=bob)

    archive = build(alice, tmp_path)

    [item] = archive.items("rights.DataExport")
    assert item["member"] == "self"
    assert item["requested_by_staff"] == "another member"
    assert "Durand" not in archive.html
    assert bob.email.encode() not in archive.raw


@pytest.mark.clause("U3")
def test_index_html_is_self_contained(full_member: Member, tmp_path: Path) -> None:
    archive = build(full_member, tmp_path)

    page = archive.html.lower()
    assert page.startswith("<!doctype html>")
    for outside in ("http://", "https://", "<script", "<link", "src=", "url(", "@import"):
        assert outside not in page, outside
    assert STREET in archive.html
    assert "<style>" in page


@pytest.mark.clause("U3")
def test_text_the_member_typed_is_escaped_in_index_html(alice: Member, tmp_path: Path) -> None:
    Portrait.objects.create(member=alice, bio='<script>alert("hi")</script><img src=x>')

    archive = build(alice, tmp_path)

    assert "<script" not in archive.html
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in archive.html
    [portrait] = archive.items("portraits.Portrait")
    assert portrait["bio"].startswith("<script>")  # the data itself is kept as typed


@pytest.mark.clause("U3")
def test_index_html_is_in_the_members_language(alice: Member, tmp_path: Path) -> None:
    archive = build(alice, tmp_path, language="fr")

    assert '<html lang="fr">' in archive.html
    assert "Vos données" in archive.html
    assert "Accès et utilisation de la Plateforme" in archive.html
    assert archive.data["language"] == "fr"


@pytest.mark.clause("U3")
def test_progress_counts_rows_first_then_reports_each_chunk(alice: Member, tmp_path: Path) -> None:
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(25)]
    UsageCount.objects.bulk_create(UsageCount(member=alice, day=d, area="home") for d in days)
    calls: list[tuple[int, int]] = []

    build(alice, tmp_path, chunk_size=10, progress=lambda done, total: calls.append((done, total)))

    total = sum(d.queryset_for(alice).count() for d in registry.declarations())
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert {t for _d, t in calls} == {total}
    done = [d for d, _t in calls]
    assert done == sorted(done)
    assert (10, total) in calls or any(0 < d < total for d in done)  # chunks, not one lump


def _peak_memory(member: Member, tmp_path: Path) -> int:
    tracemalloc.start()
    try:
        export.write_archive(member, str(tmp_path / f"{member.pk}.zip"), chunk_size=500)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _usage_rows(member: Member, count: int) -> None:
    """``count`` daily usage rows, inserted in one statement (the ORM would take seconds)."""
    areas = [f"area-{n}" for n in range(50)]
    start = date(2025, 1, 1)
    rows = [
        (member.pk, start + timedelta(days=n // 50), areas[n % 50], n % 7 + 1) for n in range(count)
    ]
    table = connection.ops.quote_name(UsageCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (member_id, day, area, count) VALUES (%s, %s, %s, %s)",  # noqa: S608
            rows,
        )


@pytest.mark.clause("U3")
def test_memory_stays_flat_as_the_members_data_grows(db: None, tmp_path: Path) -> None:
    small, large = MemberFactory.create(), MemberFactory.create()
    _usage_rows(small, 500)
    _usage_rows(large, 5_000)
    _peak_memory(small, tmp_path)  # templates, translations and caches load once

    small_peak = _peak_memory(small, tmp_path)
    large_peak = _peak_memory(large, tmp_path)

    # Ten times the rows. The engine's peak is about 1 MB whatever the size (measured up
    # to 20,000 rows); keeping even 100 bytes of each of the 4,500 more rows would show.
    assert large_peak - small_peak < 400_000, (small_peak, large_peak)


@pytest.mark.clause("U3")
def test_many_to_many_fields_are_exported_as_the_related_ids(
    alice: Member, tmp_path: Path, temporary_registration: Any
) -> None:
    declared = registry.declaration_for(Member)
    assert declared is not None
    with_groups = {
        **declared.fields,
        "groups": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
    }
    without_groups = [name for name in declared.technical if name != "groups"]

    class MemberWithGroups:
        subject = ""
        fields = with_groups
        technical = without_groups

    temporary_registration(Member, MemberWithGroups)
    gardeners, cellists = (
        Group.objects.create(name="Gardeners"),
        Group.objects.create(name="Cellists"),
    )
    alice.groups.add(gardeners, cellists)

    archive = build(alice, tmp_path)

    [member] = archive.items("accounts.Member")
    assert member["groups"] == sorted([gardeners.pk, cellists.pk])
    assert member["first_name"] == "Alice"

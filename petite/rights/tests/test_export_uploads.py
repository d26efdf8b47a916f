"""Uploads go into the archive (U3). No declared model has a file field yet, so this
module declares one of its own, with a table that lives only while its tests run."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, models

from petite.accounts.models import Member
from petite.privacy import categories, export, registry
from petite.privacy.declarations import Erasure, Personal

LETTER = b"%PDF-1.4 a scanned letter\n"


class UploadPrivacy:
    subject = "member"
    fields = {
        "title": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
        "document": Personal(categories.CORRESPONDENCE, ["P6"], Erasure.DELETE),
    }
    technical = ["id", "member"]


@pytest.fixture(scope="module")
def upload_model(django_db_setup: None, django_db_blocker: Any) -> Iterator[type[models.Model]]:
    """A declared model with a FileField, registered and given a table for this module only."""
    model: type[models.Model] = type(
        "ExportTestUpload",
        (models.Model,),
        {
            "__module__": __name__,
            "member": models.ForeignKey(
                settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
            ),
            "title": models.CharField("title", max_length=100),
            "document": models.FileField("document", upload_to="uploads/", blank=True),
            "Meta": type("Meta", (), {"app_label": "rights"}),
        },
    )
    registry.register(model, UploadPrivacy)
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(model)
    yield model
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(model)
    registry._registered.pop(model, None)
    del apps.all_models["rights"]["exporttestupload"]
    apps.clear_cache()


def build(member: Member, tmp_path: Path) -> tuple[list[str], dict[str, Any], str, zipfile.ZipFile]:
    path = tmp_path / "archive.zip"
    export.write_archive(member, str(path))
    archive = zipfile.ZipFile(path)
    data = json.loads(archive.read("data.json"))
    return archive.namelist(), data, archive.read("index.html").decode(), archive


@pytest.mark.clause("U3")
def test_uploaded_files_are_in_the_archive(
    upload_model: Any, alice: Member, tmp_path: Path
) -> None:
    upload = upload_model(member=alice, title="Letter")
    upload.document.save("letter.pdf", ContentFile(LETTER), save=True)

    names, data, page, archive = build(alice, tmp_path)

    with archive:
        path = f"files/rights.ExportTestUpload/{upload.pk}/document/letter.pdf"
        assert path in names
        assert archive.read(path) == LETTER
    [item] = next(r for r in data["records"] if r["model"] == "rights.ExportTestUpload")["items"]
    assert item == {"id": upload.pk, "title": "Letter", "document": {"path": path}}
    assert f'<a href="{path}">letter.pdf</a>' in page


@pytest.mark.clause("U3")
def test_a_missing_file_is_reported_not_fatal(
    upload_model: Any, alice: Member, tmp_path: Path
) -> None:
    upload_model.objects.create(member=alice, title="Gone", document="uploads/gone.pdf")

    names, data, _page, archive = build(alice, tmp_path)

    archive.close()
    [item] = next(r for r in data["records"] if r["model"] == "rights.ExportTestUpload")["items"]
    assert item["document"] == {"path": None, "missing": True}
    assert not [n for n in names if n.startswith("files/")]


@pytest.mark.clause("U3")
def test_another_members_uploads_stay_out(
    upload_model: Any, alice: Member, bob: Member, tmp_path: Path
) -> None:
    theirs = upload_model(member=bob, title="Bob's")
    theirs.document.save("bob.pdf", ContentFile(b"bob"), save=True)

    names, _data, page, archive = build(alice, tmp_path)

    archive.close()
    assert not [n for n in names if n.startswith("files/")]
    assert "Bob&#x27;s" not in page
    assert "bob.pdf" not in page

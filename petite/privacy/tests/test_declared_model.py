"""A model that declares itself is exported and erased with no other change (issue 3).

The models are defined here, at run time, in the privacy app, with their table
created and dropped around each test: nothing in the engines names them.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.tests.factories import MemberFactory
from petite.privacy import categories, checks, erasure, export, registry
from petite.privacy.declarations import Erasure, Personal
from petite.privacy.models import ErasureReceipt

from .population import OTTILIE, Populated, populate

KEPT_BECAUSE = _("invoices are kept 10 years (French Commercial Code, art. L123-22)")


@contextmanager
def runtime_models(*build: Any) -> Iterator[list[type[models.Model]]]:
    """Define models, create their tables; drop and forget them afterwards, so that no
    other test ever sees them."""
    made: list[type[models.Model]] = []
    try:
        made = [factory() for factory in build]
        with connection.schema_editor() as editor:
            for model in made:
                editor.create_model(model)
        yield made
    finally:
        with connection.schema_editor() as editor:
            for model in made:
                editor.delete_model(model)
        for model in made:
            del apps.all_models[model._meta.app_label][str(model._meta.model_name)]
        apps.clear_cache()


def scrapbook_model() -> type[models.Model]:
    class RuntimeScrapbook(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        title = models.CharField(max_length=100)
        page = models.FileField(upload_to="scrapbooks/")

        class Meta:
            app_label = "privacy"

        class Privacy:
            subject = "member"
            fields = {
                "title": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
                "page": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE),
            }
            technical = ["id", "member"]

        def __str__(self) -> str:
            return f"Scrapbook page #{self.pk}"

    return RuntimeScrapbook


def invoice_model() -> type[models.Model]:
    class RuntimeInvoice(models.Model):
        member = models.ForeignKey(
            settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
        )
        billing_name = models.CharField(max_length=200)
        billing_email = models.EmailField()
        note = models.TextField(blank=True)
        amount_cents = models.PositiveIntegerField()
        issued_at = models.DateTimeField(default=timezone.now)

        class Meta:
            app_label = "privacy"

        class Privacy:
            subject = "member"
            timestamp = "issued_at"
            fields = {
                "member": Personal(categories.ACCOUNT, ["P3"], Erasure.BLANK),
                "billing_name": Personal(
                    categories.IDENTITY, ["P3"], Erasure.KEEP, kept_because=KEPT_BECAUSE
                ),
                "billing_email": Personal(categories.CONTACT, ["P3"], Erasure.ANONYMISE),
                "note": Personal(categories.CORRESPONDENCE, ["P3"], Erasure.BLANK),
                "amount_cents": Personal(
                    categories.ACCOUNT, ["P3"], Erasure.KEEP, kept_because=KEPT_BECAUSE
                ),
            }
            technical = ["id", "issued_at"]

        def __str__(self) -> str:
            return f"Invoice #{self.pk}"

    return RuntimeInvoice


@pytest.fixture
def ottilie(transactional_db: None, settings: Any, tmp_path: Path) -> Populated:
    return populate(OTTILIE)


def declaration_problems(model: type[models.Model]) -> list[Any]:
    declaration = registry.declaration_for(model)
    assert declaration is not None
    return checks.check_declaration(declaration)


def exported(member: models.Model) -> dict[str, Any]:
    buffer = io.BytesIO()
    export.write_archive(member, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return json.loads(archive.read("data.json"))


@pytest.mark.clause("U3", "U5")
def test_a_declared_model_with_rows_to_delete_is_exported_and_erased(ottilie, settings):
    with runtime_models(scrapbook_model) as (scrapbook,):
        assert declaration_problems(scrapbook) == []
        page: Any = scrapbook(member=ottilie.member, title="Roses of June")
        page.page.save("june.txt", ContentFile(b"Pressed petals"), save=True)
        stored = Path(settings.MEDIA_ROOT) / page.page.name

        assert "Roses of June" in json.dumps(exported(ottilie.member))

        receipt = erasure.erase_member(member=ottilie.member, reason="test")

        assert not scrapbook._default_manager.exists()
        assert not stored.exists()
        assert receipt.outcome["privacy.RuntimeScrapbook"]["deleted"] == 1
        assert receipt.status == ErasureReceipt.Status.VERIFIED
    assert "privacy.RuntimeScrapbook" not in [d.label for d in registry.declarations()]


@pytest.mark.clause("U3", "U5")
def test_a_record_kept_by_law_stays_pseudonymised_and_the_scan_allows_it(ottilie):
    with runtime_models(invoice_model) as (invoice_model_,):
        assert declaration_problems(invoice_model_) == []
        invoice: Any = invoice_model_._default_manager.create(
            member=ottilie.member,
            billing_name=f"{OTTILIE.first_name} {OTTILIE.last_name}",
            billing_email=OTTILIE.email,
            note="Deliver to the neighbour",
            amount_cents=4200,
        )

        assert "Deliver to the neighbour" in json.dumps(exported(ottilie.member))

        receipt = erasure.erase_member(member=ottilie.member, reason="test")

        invoice.refresh_from_db()
        assert invoice.member is None
        assert invoice.note == ""
        assert invoice.billing_email == erasure.pseudonym_email(receipt)
        assert invoice.billing_email.endswith("@" + erasure.ERASED_EMAIL_DOMAIN)
        assert invoice.billing_name == f"{OTTILIE.first_name} {OTTILIE.last_name}"
        assert invoice.amount_cents == 4200
        counts = receipt.outcome["privacy.RuntimeInvoice"]
        assert (counts["blanked"], counts["anonymised"], counts["kept"]) == (1, 1, 1)
        assert counts["kept_because"]["billing_name"] == str(KEPT_BECAUSE)
        assert receipt.status == ErasureReceipt.Status.VERIFIED
        assert receipt.scan["allowed"] == [
            {
                "where": f"{invoice_model_._meta.db_table}.billing_name",
                "count": 1,
                "model": "privacy.RuntimeInvoice",
                "allowed_because": str(KEPT_BECAUSE),
            }
        ]


def postcard_model() -> type[models.Model]:
    class RuntimePostcard(models.Model):
        sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        addressee = models.ForeignKey(
            settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
        )
        text = models.TextField()

        class Meta:
            app_label = "privacy"

        class Privacy:
            subject = "sender"
            shared_with = ["addressee"]
            fields = {"text": Personal(categories.MESSAGES, ["P5"], Erasure.DELETE)}
            technical = ["id", "sender", "addressee"]

        def __str__(self) -> str:
            return f"Postcard #{self.pk}"

    return RuntimePostcard


@pytest.mark.clause("U3", "U5")
def test_a_row_given_to_another_member_is_in_their_copy_but_stays_the_senders(ottilie):
    addressee: Any = MemberFactory()
    with runtime_models(postcard_model) as (postcard,):
        assert declaration_problems(postcard) == []
        postcard._default_manager.create(
            sender=ottilie.member, addressee=addressee, text="Greetings from Arles"
        )

        assert "Greetings from Arles" in json.dumps(exported(addressee))
        assert "Greetings from Arles" in json.dumps(exported(ottilie.member))

        erasure.erase_member(member=addressee, reason="test")
        kept: Any = postcard._default_manager.get()
        assert kept.text == "Greetings from Arles"

        erasure.erase_member(member=ottilie.member, reason="test")
        assert not postcard._default_manager.exists()

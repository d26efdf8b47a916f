"""The record of processing activities (GDPR Art. 30), generated from the registry.

Staff read it at ``privacy:register``; ``manage.py generate_notice`` also writes
it to ``docs/privacy/register.md``. Like the notice, it is built only from the
purposes and the declarations, so adding a declared model updates it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from petite.core.fields import EncryptedTextField

from . import provider_register, stores
from .declarations import Declaration, Erasure, Personal
from .document import Code, Document, Item, Link, Strong, Text, fmt, join, to_html, to_markdown
from .notice import Format, security_measures
from .purposes import PURPOSES, Purpose, describe_days
from .registry import declarations
from .wording import (
    category_uses,
    field_label,
    labelled,
    names,
    record_name,
    semicolon,
    timestamp_name,
)


def render_register(language: str, *, format: Format = "markdown") -> str:
    with translation.override(language):
        document = build_register()
        return to_markdown(document) if format == "markdown" else to_html(document)


def erasure_label(personal: Personal) -> str:
    labels = {
        Erasure.DELETE: _("delete the row"),
        Erasure.BLANK: _("blank the value"),
        Erasure.ANONYMISE: _("anonymise the value"),
        Erasure.KEEP: _("keep under a legal retention"),
    }
    label = labels[personal.erasure]
    if personal.erasure is Erasure.KEEP and personal.kept_because:
        return f"{label}: {personal.kept_because}"
    return label


def is_encrypted(model: type[models.Model], name: str) -> bool:
    return isinstance(model._meta.get_field(name), EncryptedTextField)


def build_register() -> Document:
    found = declarations()
    doc = Document()
    doc.heading(1, _("Record of processing activities"))
    doc.paragraph(
        *fmt(
            _(
                "Controller: %(controller)s, contact %(email)s. This record (GDPR Article 30) "
                "is generated from the purposes and the inventory of personal data the "
                "Platform's code declares: it lists what the software actually holds."
            ),
            controller=Strong(settings.PETITE_CONTROLLER_NAME),
            email=Link(settings.PETITE_PRIVACY_EMAIL, f"mailto:{settings.PETITE_PRIVACY_EMAIL}"),
        )
    )
    doc.heading(2, _("Processing activities"), anchor="purposes")
    for purpose in PURPOSES.values():
        _activity(doc, purpose, [d for d in found if purpose.id in d.purpose_ids])
    provider_register.section(doc)
    doc.heading(2, _("Records and fields"), anchor="records")
    for declaration in found:
        _record(doc, declaration)
    _stores(doc)
    doc.heading(2, _("Security measures"), anchor="security")
    doc.paragraph(_("These measures protect every processing activity above:"))
    doc.bullets([(m,) for m in security_measures()])
    return doc


def _stores(doc: Document) -> None:
    """What is kept outside the models, as the apps declared it (privacy.stores)."""
    doc.heading(2, _("Files and cookies"), anchor="stores")
    items = []
    for store in stores.file_stores():
        days = store.days
        where = f"{store.storage}:{store.prefix or '/'}"
        items.append(
            labelled(
                Code(store.key),
                str(store.label),
                " (",
                Code(where),
                "). ",
                *fmt(_("Purposes: %(purposes)s."), purposes=", ".join(store.purposes) or "-"),
                " ",
                describe_days(days)
                if days is not None
                else _("as long as the record it belongs to"),
                ".",
            )
        )
    doc.bullets(items)
    doc.bullets(
        [
            labelled(
                Code(cookie.name),
                str(cookie.label),
                " (",
                cookie.purpose,
                "). ",
                describe_days(cookie.days) if cookie.days else _("until the browser closes"),
                ".",
            )
            for cookie in stores.cookies()
        ]
    )


def _activity(doc: Document, purpose: Purpose, records: list[Declaration]) -> None:
    doc.heading(3, f"{purpose.id}: {purpose.name}", anchor=f"purpose-{purpose.id}")
    uses = [u for u in category_uses(records) if purpose.id in u.purpose_ids]
    encrypted = [
        Code(f"{d.label}.{name}")
        for d in records
        for name, personal in d.fields.items()
        if purpose.id in personal.purposes and is_encrypted(d.model, name)
    ]
    measures: Text = (_("the general measures listed below"),)
    if encrypted:
        measures = (*measures, semicolon(), _("encryption at rest of"), " ", *join(encrypted))
    overrides = [
        labelled(
            Code(d.label),
            d.retention.text,
        )
        for d in records
        if d.retention != purpose.retention
    ]
    rows: list[Item | Text] = [
        labelled(Strong(_("Description")), str(purpose.description)),
        labelled(Strong(_("Legal basis")), str(purpose.legal_basis.label)),
        labelled(
            Strong(_("Consent required")),
            purpose.consent if purpose.consent else _("none"),
        ),
        labelled(
            Strong(_("Data subjects")),
            ", ".join(str(s.name) for s in purpose.data_subjects),
        ),
        labelled(
            Strong(_("Categories of data")),
            ", ".join(str(u.category.name) for u in uses) if uses else _("none yet"),
        ),
        labelled(
            Strong(_("Records")),
            *(join(Code(d.label) for d in records) if records else (_("none yet"),)),
        ),
        labelled(
            Strong(_("Recipients")),
            ", ".join(str(r.name) for r in purpose.recipients),
        ),
        Item(
            labelled(Strong(_("Retention")), purpose.retention.text),
            tuple(overrides),
        ),
        labelled(Strong(_("Security measures")), *measures),
    ]
    doc.bullets(rows)


def _subject(declaration: Declaration) -> Text:
    parts: list[Text] = []
    if declaration.subject == "":
        parts.append((_("the member row itself"),))
    elif declaration.subject:
        parts.append(fmt(_("the member reached by %(path)s"), path=Code(declaration.subject)))
    if declaration.subject_email:
        parts.append(
            fmt(
                _("the member whose e-mail address is in %(field)s"),
                field=Code(declaration.subject_email),
            )
        )
    if not parts:
        parts.append((str(declaration.note) if declaration.note else _("not tied to a member"),))
    text: list[Text] = []
    for index, part in enumerate(parts):
        if index:
            text.append((_("; or "),))
        text.append(part)
    return tuple(piece for part in text for piece in part)


def _record(doc: Document, declaration: Declaration) -> None:
    doc.heading(
        3,
        record_name(declaration),
        " (",
        Code(declaration.label),
        ")",
        anchor=f"record-{declaration.label}",
    )
    retention = declaration.retention.text
    if declaration.timestamp and declaration.retention.days is not None:
        retention = _("%(retention)s (counted from: %(timestamp)s)") % {
            "retention": retention,
            "timestamp": timestamp_name(declaration),
        }
    doc.bullets(
        [
            labelled(Strong(_("About")), *_subject(declaration)),
            labelled(
                Strong(_("Purposes")),
                names(declaration.purposes),
            ),
            labelled(Strong(_("Retention")), retention),
        ]
    )
    model = declaration.model
    doc.table(
        [(_("Field"),), (_("Category"),), (_("Purposes"),), (_("On erasure"),), (_("Protection"),)],
        [
            (
                (Code(name), " ", field_label(model, name)),
                (str(personal.category.name),),
                (", ".join(personal.purposes),),
                (erasure_label(personal),),
                (_("encrypted at rest") if is_encrypted(model, name) else "",),
            )
            for name, personal in declaration.fields.items()
        ],
    )
    if declaration.technical:
        doc.paragraph(
            _("Technical fields (no personal data of their own):"),
            " ",
            *join(Code(name) for name in declaration.technical),
        )

"""The public privacy notice, generated from the registry and the purposes.

Nothing in the notice is written by hand about a particular model: what is
collected comes from the declarations (grouped by the situation of each data
category), why from the purposes, how long from the retention settings, who
receives it from the recipients. The contact addresses come from settings.
``manage.py generate_notice`` writes the same text to ``docs/privacy/`` and a
test fails when the committed copy drifts from what the code says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from .categories import CATEGORIES, SITUATIONS, Category, Situation
from .declarations import Declaration
from .document import (
    Code,
    Document,
    Inline,
    Item,
    Link,
    Strong,
    Text,
    fmt,
    to_html,
    to_markdown,
)
from .purposes import PURPOSES, LegalBasis, Purpose
from .recipients import Recipient
from .registry import declarations

Format = Literal["markdown", "html"]

# The two statements the clause's §4 makes, the second without the source's typo (SEC2).
SECURITY_MEASURES_SENTENCE = gettext_noop(
    "The Platform implements organisational, technical, software and physical security "
    "measures to protect personal data against alteration, destruction and unauthorised access."
)
INTERNET_SENTENCE = gettext_noop(
    "The Internet is not a completely secure environment, and the Platform cannot guarantee "
    "the security of the transmission or storage of information over the Internet."
)


def render_notice(language: str, *, format: Format = "markdown") -> str:
    """The notice in ``language``, as Markdown (the committed copy) or HTML (the page)."""
    with translation.override(language):
        document = build_notice()
        return to_markdown(document) if format == "markdown" else to_html(document)


# --- What the registry says, grouped for the reader ----------------------------------


@dataclass
class CategoryUse:
    """One data category as the notice tells it: where it is kept and what for."""

    category: Category
    # Record kind (a declaration) -> the verbose names of its fields in this category.
    records: dict[str, tuple[Declaration, list[str]]] = field(default_factory=dict)
    purpose_ids: set[str] = field(default_factory=set)

    @property
    def purposes(self) -> list[Purpose]:
        return [p for key, p in PURPOSES.items() if key in self.purpose_ids]


def category_uses(found: Iterable[Declaration] | None = None) -> list[CategoryUse]:
    """Every category some declaration uses, in the order categories are defined."""
    uses: dict[str, CategoryUse] = {}
    for declaration in found if found is not None else declarations():
        for name, personal in declaration.fields.items():
            use = uses.setdefault(personal.category.key, CategoryUse(personal.category))
            use.purpose_ids.update(personal.purposes)
            _, names = use.records.setdefault(declaration.label, (declaration, []))
            names.append(field_label(declaration.model, name))
    return sorted(uses.values(), key=lambda u: _category_order(u.category))


def _category_order(category: Category) -> tuple[int, int, str]:
    situation = SITUATIONS.index(category.situation) if category.situation in SITUATIONS else 99
    known = list(CATEGORIES)
    position = known.index(category.key) if category.key in known else len(known)
    return (situation, position, category.key)


def purposes_in_use(found: Iterable[Declaration]) -> set[str]:
    return {purpose_id for d in found for purpose_id in d.purpose_ids}


def recipients_by_purpose() -> list[tuple[Recipient, list[Purpose]]]:
    """Each recipient once, in the order the purposes first name them."""
    found: dict[str, tuple[Recipient, list[Purpose]]] = {}
    for purpose in PURPOSES.values():
        for recipient in purpose.recipients:
            found.setdefault(recipient.key, (recipient, []))[1].append(purpose)
    return list(found.values())


def record_name(declaration: Declaration) -> str:
    return capfirst(str(declaration.verbose_name))


def field_label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def timestamp_name(declaration: Declaration) -> str:
    assert declaration.timestamp is not None
    return field_label(declaration.model, declaration.timestamp)


def url(name: str) -> str:
    """A page of the platform, or "" while the app that serves it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _maybe_link(text: str, name: str) -> Link | str:
    href = url(name)
    return Link(text, href) if href else text


def names(purposes: Iterable[Purpose]) -> str:
    # Purpose names contain commas: a semicolon keeps them apart.
    return semicolon().join(str(p.name) for p in purposes)


def semicolon() -> str:
    return pgettext("list separator", "; ")


def labelled(label: Inline | Text, *text: Inline) -> Text:
    """ "Label: text", with the punctuation of the active language."""
    return fmt(_("%(label)s: %(text)s"), label=label, text=tuple(text))


def _mail(address: str) -> Link:
    return Link(address, f"mailto:{address}")


# --- The notice itself ---------------------------------------------------------------


def build_notice() -> Document:
    found = declarations()
    doc = Document()
    controller = settings.PETITE_CONTROLLER_NAME
    privacy_email = _mail(settings.PETITE_PRIVACY_EMAIL)

    doc.heading(1, _("Privacy notice"))
    doc.paragraph(
        *fmt(
            _(
                "This notice explains what personal data %(controller)s collects about you "
                "on the Platform, why, how long it is kept, who receives it and how to use "
                "your rights. It is generated from the Platform's own inventory of personal "
                "data, so it says what the software actually does."
            ),
            controller=controller,
        )
    )

    doc.heading(2, _("Who is responsible for your data"), anchor="controller")
    doc.paragraph(
        *fmt(
            _(
                "The controller of your personal data is %(controller)s. For any question "
                "about your data, or to use your rights, write to %(email)s. For anything "
                "else, use the %(contact_form)s."
            ),
            controller=Strong(controller),
            email=privacy_email,
            contact_form=_maybe_link(_("contact form"), "contact:form"),
        )
    )

    _collection(doc, found)
    _purposes(doc, found)
    _retention(doc, found)
    _recipients(doc)
    _security(doc)
    _rights(doc, privacy_email)
    _changes(doc)
    return doc


def _collection(doc: Document, found: list[Declaration]) -> None:
    doc.heading(2, _("1. What we collect, and when"), anchor="collection")
    uses = category_uses(found)
    for situation in SITUATIONS:
        in_situation = [u for u in uses if u.category.situation == situation]
        if in_situation:
            _situation(doc, situation, in_situation)
    _cookies(doc)


def _situation(doc: Document, situation: Situation, uses: list[CategoryUse]) -> None:
    doc.heading(3, str(situation.title), anchor=f"collection-{situation.key}")
    doc.paragraph(str(situation.intro))
    items = []
    for use in uses:
        text: Text = labelled(
            Strong(str(use.category.name)),
            str(use.category.description),
            " ",
            *fmt(
                _("Purposes: %(purposes)s."),
                purposes=names(use.purposes),
            ),
        )
        children = tuple(
            labelled(record_name(declaration), f"{', '.join(field_names)}.")
            for _label, (declaration, field_names) in sorted(use.records.items())
        )
        items.append(Item(text, children))
    doc.bullets(items)


def _cookies(doc: Document) -> None:
    doc.heading(3, _("Cookies"), anchor="cookies")
    doc.paragraph(
        _(
            "The Platform sets only the cookies it needs to work: no advertising, "
            "analytics or tracking cookie, and nothing from another site."
        )
    )
    session_days = settings.SESSION_COOKIE_AGE // 86400
    doc.bullets(
        [
            labelled(
                Code(settings.SESSION_COOKIE_NAME),
                ngettext(
                    "keeps you signed in; it is set when you sign in and ends when you "
                    "sign out or after %(days)d day without a visit.",
                    "keeps you signed in; it is set when you sign in and ends when you "
                    "sign out or after %(days)d days without a visit.",
                    session_days,
                )
                % {"days": session_days},
            ),
            labelled(
                Code(settings.CSRF_COOKIE_NAME),
                _(
                    "protects the forms you send (such as signing in) against forgery "
                    "by another site."
                ),
            ),
            labelled(
                Code(settings.LANGUAGE_COOKIE_NAME),
                _("remembers the language you chose, only if you use the language settings."),
            ),
        ]
    )
    doc.paragraph(
        _(
            "These cookies are strictly necessary, so they need no consent. You can block "
            "or delete cookies in your browser settings: the public pages, this notice and "
            "the contact form keep working; signing in needs the first two."
        )
    )


def _purposes(doc: Document, found: list[Declaration]) -> None:
    doc.heading(2, _("2. Why we use it"), anchor="purposes")
    doc.paragraph(_("We use your personal data only for the following purposes:"))
    in_use = purposes_in_use(found)
    items = []
    for purpose in PURPOSES.values():
        text: Text = labelled(
            Strong(str(purpose.name)),
            str(purpose.description),
            " ",
            *fmt(_("Legal basis: %(basis)s."), basis=str(purpose.legal_basis.label)),
        )
        if purpose.legal_basis is LegalBasis.CONSENT:
            text = (*text, " ", _("You can withdraw your consent at any time."))
        if purpose.id not in in_use:
            text = (*text, " ", _("The Platform does not offer this yet: no data is used for it."))
        items.append(Item(text))
    doc.bullets(items)


def _retention(doc: Document, found: list[Declaration]) -> None:
    doc.heading(2, _("3. How long we keep it"), anchor="retention")
    doc.paragraph(_("Each purpose has its own retention period:"))
    doc.bullets([labelled(Strong(str(p.name)), p.retention.text, ".") for p in PURPOSES.values()])
    own = []
    for declaration in found:
        retention = declaration.retention
        if retention.days is not None and declaration.timestamp:
            own.append(
                labelled(
                    Strong(record_name(declaration)),
                    *fmt(
                        _("%(retention)s (counted from: %(timestamp)s)."),
                        retention=retention.text,
                        timestamp=timestamp_name(declaration),
                    ),
                )
            )
        elif declaration.note is not None:
            own.append(labelled(Strong(record_name(declaration)), str(declaration.note)))
    if own:
        doc.paragraph(
            _(
                "Some records are kept for a fixed period, whatever they are used for; "
                "a task deletes them every day once it has passed:"
            )
        )
        doc.bullets(own)


def _recipients(doc: Document) -> None:
    doc.heading(2, _("4. Who receives it"), anchor="recipients")
    doc.paragraph(
        _(
            "Your data is shared only with the following recipients, and only for the "
            "purposes given:"
        )
    )
    doc.bullets(
        [
            labelled(
                Strong(str(recipient.name)),
                str(recipient.description),
                " ",
                *fmt(
                    _("For: %(purposes)s."),
                    purposes=names(used_for),
                ),
            )
            for recipient, used_for in recipients_by_purpose()
        ]
    )


def security_measures() -> list[str]:
    return [
        _("passwords stored only as Argon2 hashes, never in clear;"),
        _("two-factor authentication, mandatory for staff;"),
        _("the postal address of your Portrait encrypted in the database;"),
        _("encrypted connections (HTTPS) and strict security headers;"),
        _("staff access limited to what each task needs, with an audit trail of staff actions;"),
        _("personal data kept out of logs and error reports;"),
        _("records deleted automatically once their retention period has passed."),
    ]


def _security(doc: Document) -> None:
    doc.heading(2, _("5. Security and confidentiality"), anchor="security")
    doc.paragraph(_(SECURITY_MEASURES_SENTENCE), " ", _("Among them:"))
    doc.bullets([(m,) for m in security_measures()])
    doc.paragraph(_(INTERNET_SENTENCE))


def _rights(doc: Document, privacy_email: Link) -> None:
    doc.heading(2, _("6. Your rights"), anchor="rights")
    doc.paragraph(_("Under the data-protection regulations (GDPR), you have the following rights:"))
    legitimate = [p for p in PURPOSES.values() if p.legal_basis is LegalBasis.LEGITIMATE_INTEREST]
    consented = [p for p in PURPOSES.values() if p.legal_basis is LegalBasis.CONSENT]
    doc.bullets(
        [
            labelled(Strong(_("access")), _("get a copy of all the data we hold about you;")),
            labelled(Strong(_("rectification")), _("have inaccurate data corrected;")),
            labelled(Strong(_("erasure")), _("have your data deleted;")),
            labelled(
                Strong(_("account deletion")),
                _("delete your account, with the data kept for it;"),
            ),
            labelled(
                Strong(_("restriction")),
                _("have the use of your data suspended while a request is examined;"),
            ),
            labelled(
                Strong(_("portability")),
                _("receive the data you gave us in a machine-readable format;"),
            ),
            labelled(
                Strong(_("objection")),
                *fmt(
                    _(
                        "object at any time to the uses based on our legitimate interest (%(purposes)s);"
                    ),
                    purposes=names(legitimate),
                ),
            ),
            labelled(
                Strong(_("withdrawal of consent")),
                *fmt(
                    _(
                        "withdraw at any time, as easily as you gave it, the consent asked for %(purposes)s;"
                    ),
                    purposes=names(consented),
                ),
            ),
            labelled(
                Strong(_("instructions after death")),
                _("tell us what should happen to your data after your death."),
            ),
        ]
    )
    doc.heading(3, _("How to use them"), anchor="how")
    doc.bullets(
        [
            fmt(
                _(
                    "Once signed in, you can change or delete most of your data yourself, "
                    "in your %(account)s and your %(portrait)s."
                ),
                account=_maybe_link(_("account page"), "accounts:security"),
                portrait=_maybe_link(_("Portrait"), "portraits:edit"),
            ),
            fmt(
                _(
                    "For everything else (a copy of your data, a correction, erasure, deleting "
                    "your account, an objection), write to %(email)s."
                ),
                email=privacy_email,
            ),
            (
                _(
                    "Before acting on a request, we may ask you to prove your identity, so that "
                    "no one else obtains or deletes your data."
                ),
            ),
            (
                _(
                    "We answer within one month. If a request is complex, we may extend this "
                    "by two more months; we then tell you why within the first month."
                ),
            ),
            fmt(
                _(
                    "If you believe we do not respect your rights, you can lodge a complaint "
                    "with the CNIL, the French data-protection authority: %(cnil)s."
                ),
                cnil=Link("www.cnil.fr", _("https://www.cnil.fr/en/complaints")),
            ),
        ]
    )


def _changes(doc: Document) -> None:
    doc.heading(2, _("7. Changes to this notice"), anchor="changes")
    doc.paragraph(
        _(
            "We may change this notice at any time. Each new version is published on this "
            "site, and every member is informed by e-mail at least 15 days before it takes "
            "effect. If you do not agree with the new version, you may delete your account."
        )
    )

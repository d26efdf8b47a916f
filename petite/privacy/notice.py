"""The public privacy notice, generated from the registry and the purposes.

Nothing in the notice is written by hand about a particular model: what is
collected comes from the declarations (grouped by the situation of each data
category), why from the purposes, how long from the retention settings, who
receives it from the recipients. The contact addresses come from settings.
``manage.py generate_notice`` writes the same text to ``docs/privacy/`` and a
test fails when the committed copy drifts from what the code says.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import stores
from .categories import SITUATIONS, Situation
from .declarations import Declaration
from .document import (
    Code,
    Document,
    Item,
    Link,
    Strong,
    Text,
    fmt,
    to_html,
    to_markdown,
)
from .purposes import PURPOSES, LegalBasis, describe_days
from .registry import declarations
from .wording import (
    CategoryUse,
    category_uses,
    labelled,
    mail_link,
    maybe_link,
    names,
    purposes_in_use,
    recipients_by_purpose,
    record_name,
    timestamp_name,
)

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


# --- The notice itself ---------------------------------------------------------------


def build_notice() -> Document:
    found = declarations()
    doc = Document()
    controller = settings.PETITE_CONTROLLER_NAME
    privacy_email = mail_link(settings.PETITE_PRIVACY_EMAIL)

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
            contact_form=maybe_link(_("contact form"), stores.CONTACT_FORM),
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


def _lifetime(days: int | None) -> str:
    if not days:
        return _("Kept until you close your browser.")
    return _("Kept %(lifetime)s.") % {"lifetime": describe_days(days)}


def _cookies(doc: Document) -> None:
    """Exactly the cookies the apps declared to :mod:`petite.privacy.stores`."""
    doc.heading(3, _("Cookies"), anchor="cookies")
    doc.paragraph(
        _(
            "The Platform sets only the cookies it needs to work: no advertising, "
            "analytics or tracking cookie, and nothing from another site."
        )
    )
    declared = stores.cookies()
    doc.bullets(
        [
            labelled(Code(cookie.name), str(cookie.description), " ", _lifetime(cookie.days))
            for cookie in declared
        ]
    )
    if all(cookie.consent is None for cookie in declared):
        doc.paragraph(
            _(
                "These cookies are strictly necessary, so they need no consent. You can block "
                "or delete cookies in your browser settings: the public pages, this notice and "
                "the contact form keep working; signing in needs cookies."
            )
        )
    _file_stores(doc)


def _file_stores(doc: Document) -> None:
    """The files kept outside the database, as declared to :mod:`petite.privacy.stores`."""
    published = [store for store in stores.file_stores() if store.category]
    if not published:
        return
    doc.heading(3, _("Files"), anchor="files")
    doc.paragraph(_("Some of your data is kept in files rather than in our database:"))
    items = []
    for store in published:
        days = store.days
        kept = (
            _("Kept %(lifetime)s.") % {"lifetime": describe_days(days)}
            if days is not None
            else _("Kept as long as the record it belongs to.")
        )
        items.append(labelled(Strong(str(store.label)), str(store.description), " ", kept))
    doc.bullets(items)


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
                account=maybe_link(_("account page"), stores.ACCOUNT),
                portrait=maybe_link(_("Portrait"), stores.PORTRAIT),
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

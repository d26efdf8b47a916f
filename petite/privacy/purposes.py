"""The ten purposes of the clause's §2, each a declared processing activity, and the
two cases of §3 in which data leaves the Platform for reasons of its own: the law
(S5) and a change of owner (S6).

Legal basis, retention and recipients belong to the purpose (DESIGN.md): a field
says which purposes it serves, and everything the member is told about it (the
notice, "Your data", the export) is read from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import cast

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .categories import MEMBERS, STAFF, VISITORS, DataSubject
from .recipients import Recipient, from_sources, recipients


class LegalBasis(StrEnum):
    """GDPR Art. 6(1) bases, with the letter of the article as value."""

    CONSENT = "a"
    CONTRACT = "b"
    LEGAL_OBLIGATION = "c"
    LEGITIMATE_INTEREST = "f"

    @property
    def label(self) -> Promise:
        return {
            LegalBasis.CONSENT: _("your consent (GDPR Art. 6(1)(a))"),
            LegalBasis.CONTRACT: _("the performance of our contract with you (GDPR Art. 6(1)(b))"),
            LegalBasis.LEGAL_OBLIGATION: _("a legal obligation (GDPR Art. 6(1)(c))"),
            LegalBasis.LEGITIMATE_INTEREST: _("our legitimate interest (GDPR Art. 6(1)(f))"),
        }[self]


@dataclass(frozen=True)
class Retention:
    """How long records kept for a purpose live.

    ``days_setting`` names the setting that holds a fixed period, counted from
    the record's timestamp; without it, records live as long as the account and
    go when the member is erased. A description with a fixed period says where
    the period goes with ``%(period)s``, so the number members read is always
    the one the retention engine applies.
    """

    description: Promise
    days_setting: str | None = None

    @property
    def days(self) -> int | None:
        if self.days_setting is None:
            return None
        return int(getattr(settings, self.days_setting))

    @property
    def period(self) -> str | None:
        """The fixed period in words, in the active language ("13 months (396 days)")."""
        days = self.days
        return None if days is None else describe_days(days)

    @property
    def text(self) -> str:
        """The whole rule in words, in the active language."""
        description = str(self.description)
        period = self.period
        if period is None:
            return description
        if "%(period)s" in description:
            return description % {"period": period}
        return f"{period}: {description}"

    @classmethod
    def account_lifetime(cls) -> Retention:
        return cls(_("as long as your account exists; erased when it is deleted"))


def describe_days(days: int) -> str:
    """A number of days as people say it, with the exact count: "12 months (365 days)"."""
    exact = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if days >= 730 and days % 365 == 0:
        years = days // 365
        rounded = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    else:
        months = round(days / 30.4375)
        # Only say "months" when the count of days is within a few days of it.
        if months < 1 or abs(months * 30.4375 - days) > 3:
            return exact
        rounded = ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return gettext("%(rounded)s (%(exact)s)") % {"rounded": rounded, "exact": exact}


@dataclass(frozen=True)
class Purpose:
    id: str
    name: Promise
    description: Promise
    legal_basis: LegalBasis
    retention: Retention
    # The platform's own recipients; service providers are added from the register.
    own_recipients: tuple[Recipient, ...] = field(default=())
    # The consent the member must have given before data is processed for this
    # purpose (asked with privacy.consent.given()); None when the
    # legal basis is not consent.
    consent: str | None = None
    # Whom the data is about, for the processing register (Art. 30(1)(c)).
    data_subjects: tuple[DataSubject, ...] = (MEMBERS,)

    def __str__(self) -> str:
        return f"{self.id}: {self.name}"

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """Its own recipients, then the providers the register names for it (S4)."""
        return self.own_recipients + from_sources(self.id)


P1 = Purpose(
    "P1",
    _("Access and use of the Platform"),
    _(
        "Your account, your sessions, your Portrait and your settings, and the "
        "third-party apps you authorise to read them."
    ),
    LegalBasis.CONTRACT,
    Retention.account_lifetime(),
    (recipients.TEAM, recipients.APPS),
)
P2 = Purpose(
    "P2",
    _("Operation and optimisation of the Platform"),
    _(
        "Counting which parts of the Platform you use, per day, to run and improve it "
        "(audience measurement), only if you agree."
    ),
    LegalBasis.CONSENT,
    Retention(_("%(period)s, then deleted"), "PETITE_USAGE_RETENTION_DAYS"),
    (recipients.TEAM,),
    consent="audience",
)
P3 = Purpose(
    "P3",
    _("Payment services"),
    _("Orders, payments, receipts and refunds through Stripe and PayPal."),
    LegalBasis.CONTRACT,
    Retention.account_lifetime(),
    (recipients.TEAM,),
)
P4 = Purpose(
    "P4",
    _("Verification, identification and authentication"),
    _(
        "Checking your e-mail address, signing you in, two-factor authentication, "
        "and checking your identity before acting on a request about your data."
    ),
    LegalBasis.CONTRACT,
    Retention.account_lifetime(),
    (recipients.TEAM,),
)
P5 = Purpose(
    "P5",
    _("Communication between members"),
    _(
        "Messages between members, with blocking and reporting, and the comments "
        "you choose to publish on public pages."
    ),
    LegalBasis.CONTRACT,
    Retention.account_lifetime(),
    (recipients.TEAM, recipients.OTHER_MEMBERS, recipients.PUBLIC),
)
P6 = Purpose(
    "P6",
    _("User assistance"),
    _("Answering your messages and support requests."),
    LegalBasis.LEGITIMATE_INTEREST,
    Retention(
        _("%(period)s after the message is received, then deleted"),
        "PETITE_CONTACT_RETENTION_DAYS",
    ),
    (recipients.TEAM,),
    data_subjects=(MEMBERS, VISITORS),
)
P7 = Purpose(
    "P7",
    _("Personalised advertising"),
    _(
        "Choosing the advertisements you see from your browsing history and preferences, "
        "only if you agree; otherwise advertisements depend only on the page."
    ),
    LegalBasis.CONSENT,
    Retention(
        _("until you withdraw your consent, and at most %(period)s"),
        "PETITE_ADS_INTEREST_DAYS",
    ),
    (recipients.TEAM, recipients.ADVERTISERS),
    consent="ads",
)
P8 = Purpose(
    "P8",
    _("Prevention of fraud, malware and security incidents"),
    _(
        "Recording sign-ins, locking out repeated failed attempts, limiting request rates "
        "and keeping a register of security incidents."
    ),
    LegalBasis.LEGITIMATE_INTEREST,
    Retention(_("%(period)s, then deleted"), "PETITE_CONNECTION_RETENTION_DAYS"),
    (recipients.TEAM,),
    data_subjects=(MEMBERS, VISITORS, STAFF),
)
P9 = Purpose(
    "P9",
    _("Disputes with members"),
    _("Handling payment disputes and disagreements with the Platform."),
    LegalBasis.LEGITIMATE_INTEREST,
    Retention.account_lifetime(),
    (recipients.TEAM,),
)
P10 = Purpose(
    "P10",
    _("Commercial and advertising information by preference"),
    _("Newsletters and offers on the topics you chose, never without your consent."),
    LegalBasis.CONSENT,
    Retention(_("until you unsubscribe or delete your account")),
    (recipients.TEAM,),
    consent="marketing",
)


def _transfer_description() -> str:
    # Read when shown: the notice period is a setting, and the notice must say the
    # number the transfer engine applies.
    return gettext(
        "If the Platform merges, is acquired, sells its assets or goes into receivership, "
        "we e-mail every member concerned (those active in the last 3 years) at least "
        "%(days)s days before any data is transferred; until then you can object, or "
        "delete your account. Those who object or leave are not transferred."
    ) % {"days": max(15, int(getattr(settings, "PETITE_TRANSFER_NOTICE_DAYS", 30)))}


# The two cases of the clause's §3 where data leaves for the Platform's own obligations
# (their ids are the clause's): never a reason to collect anything, only to disclose.
S5 = Purpose(
    "S5",
    _("Requests from courts and authorities"),
    _(
        "When a court or an authority orders it, we check the order (for an authority "
        "outside the European Union, that an international agreement allows it), disclose "
        "only the data and dates it names, tell you unless the law forbids it for a time, "
        "keep your data from erasure while a legal hold requires it, and publish a "
        "transparency report every six months."
    ),
    LegalBasis.LEGAL_OBLIGATION,
    Retention(
        _("%(period)s after the request, then deleted"), "PETITE_LEGAL_REGISTER_RETENTION_DAYS"
    ),
    (recipients.TEAM, recipients.AUTHORITIES),
)
S6 = Purpose(
    "S6",
    _("A change of owner of the Platform"),
    cast(Promise, lazy(_transfer_description, str)()),
    LegalBasis.LEGITIMATE_INTEREST,
    Retention(
        _("%(period)s after the transfer, then deleted"), "PETITE_LEGAL_REGISTER_RETENTION_DAYS"
    ),
    (recipients.TEAM, recipients.SUCCESSOR),
)

PURPOSES: dict[str, Purpose] = {p.id: p for p in (P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, S5, S6)}


def get(purpose_id: str) -> Purpose:
    return PURPOSES[purpose_id]

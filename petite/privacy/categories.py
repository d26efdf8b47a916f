"""Data categories: the vocabulary in which members are told what is held about them.

Each category also says in which situation of the clause's §1 the data is
collected (opening an account, connecting, the Portrait, writing to us), so the
notice can group what it lists the way the clause does without knowing any app.
The categories of *people* the data is about (members, visitors, staff) live
here too: the processing register (Art. 30) names them per purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Situation:
    """When data is collected, in the order the clause's §1 tells it."""

    key: str
    title: Promise
    intro: Promise

    def __str__(self) -> str:
        return str(self.title)


OPENING_AN_ACCOUNT = Situation(
    "account",
    _("Opening an account"),
    _(
        "To open an account we ask for your first name, your last name, your e-mail "
        "address and a password; nothing else is mandatory. We then keep:"
    ),
)
CONNECTING = Situation(
    "connection",
    _("Connecting to the Platform"),
    _("Each time you sign in or use the Platform, we record:"),
)
FILLING_IN_A_PORTRAIT = Situation(
    "portrait",
    _("Your Portrait"),
    _("If you choose to fill in your Portrait (every field is optional), we keep:"),
)
WRITING_TO_US = Situation(
    "contact",
    _("Writing to us"),
    _("When you write to us through the contact form, we receive:"),
)
EXERCISING_YOUR_RIGHTS = Situation(
    "rights",
    _("Exercising your rights"),
    _("When you ask for a copy of your data, its correction or its erasure, we keep:"),
)
USING_OTHER_SERVICES = Situation(
    "services",
    _("Using the Platform's other services"),
    _("When you use the Platform's other services, we keep:"),
)

SITUATIONS: tuple[Situation, ...] = (
    OPENING_AN_ACCOUNT,
    CONNECTING,
    FILLING_IN_A_PORTRAIT,
    WRITING_TO_US,
    EXERCISING_YOUR_RIGHTS,
    USING_OTHER_SERVICES,
)


@dataclass(frozen=True)
class Category:
    key: str
    name: Promise
    description: Promise
    situation: Situation = USING_OTHER_SERVICES

    def __str__(self) -> str:
        return str(self.name)


IDENTITY = Category("identity", _("Identity"), _("Your first and last name."), OPENING_AN_ACCOUNT)
CONTACT = Category("contact", _("Contact details"), _("Your e-mail addresses."), OPENING_AN_ACCOUNT)
CREDENTIALS = Category(
    "credentials",
    _("Credentials"),
    _("Your password (stored only as an Argon2 hash) and two-factor authentication secrets."),
    OPENING_AN_ACCOUNT,
)
ACCOUNT = Category(
    "account",
    _("Account settings"),
    _("Your language, account status and key dates."),
    OPENING_AN_ACCOUNT,
)
CONNECTION = Category(
    "connection",
    _("Connection data"),
    _("Each sign-in attempt and session: time, IP address, browser and method."),
    CONNECTING,
)
LOCATION = Category(
    "location",
    _("Location data"),
    _("The approximate country and network, derived from the IP address offline."),
    CONNECTING,
)
USAGE = Category(
    "usage",
    _("Usage data"),
    _("How many times a day you used each area of the Platform; never single clicks."),
    CONNECTING,
)
PORTRAIT = Category(
    "portrait",
    _("Portrait"),
    _("The profile you choose to fill in: display name, short biography, interests."),
    FILLING_IN_A_PORTRAIT,
)
POSTAL_ADDRESS = Category(
    "postal_address",
    _("Postal address"),
    _("The address in your Portrait, encrypted at rest."),
    FILLING_IN_A_PORTRAIT,
)
CORRESPONDENCE = Category(
    "correspondence",
    _("Correspondence"),
    _("Messages you send to the team through the contact form, with your name and e-mail."),
    WRITING_TO_US,
)
ACTIVITY_RECORDS = Category(
    "activity_records",
    _("Records of actions"),
    _(
        "Who did what on the Platform and when (the audit trail), so that every staff action is accountable."
    ),
    USING_OTHER_SERVICES,
)
DATA_REQUESTS = Category(
    "data_requests",
    _("Your requests about your data"),
    _(
        "Your requests to access, correct or erase your data, our exchanges about them, "
        "how your identity was checked, and the copies of your data we prepared for you."
    ),
    EXERCISING_YOUR_RIGHTS,
)

# Categories of the services issues 4-6 add (declared here, with the rest, so the
# vocabulary members read stays in one place).
CONSENT = Category(
    "consent",
    _("Your consent choices"),
    _(
        "Your choices about cookies, audience measurement and personalised advertising: "
        "what you chose, when, and which version of the banner and notice you saw."
    ),
    CONNECTING,
)
POLICY_NOTICES = Category(
    "policy_notices",
    _("Notices of changes to this policy"),
    _("Which versions of this notice we e-mailed you, when, and when you acknowledged them."),
)
MARKETING = Category(
    "marketing",
    _("Newsletter and offers"),
    _("The topics you chose to receive by e-mail, and the campaigns we sent you."),
)
MESSAGES = Category(
    "messages",
    _("Messages between members"),
    _("The conversations you take part in, the messages in them, blocks and reports."),
)
COMMENTS = Category(
    "comments",
    _("Public comments"),
    _("The comments you publish on the Platform's public pages."),
)
AUTHORISED_APPS = Category(
    "authorised_apps",
    _("Authorised apps"),
    _(
        "The third-party apps you allowed to read your data, the scopes you granted and their tokens."
    ),
)
PAYMENTS = Category(
    "payments",
    _("Orders and payments"),
    _(
        "What you ordered, amounts, payment status and the processor's references; "
        "never your card number, which only the processor sees."
    ),
)
RECEIPTS = Category(
    "receipts",
    _("Receipts"),
    _("The numbered receipt of each paid order, kept as accounting law requires."),
)
DISPUTES = Category(
    "disputes",
    _("Disputes"),
    _(
        "Payment disputes and disagreements with the Platform: their history, messages and evidence."
    ),
)
DISCLOSURES = Category(
    "disclosures",
    _("What was shared and with whom"),
    _(
        "Each time your data left the Platform (to a payment processor, or read by an app "
        "you authorised): who received it, which categories and fields, and when."
    ),
)
HELP_REQUESTS = Category(
    "help_requests",
    _("Help requests"),
    _(
        "The help requests you open, our exchanges about them, their attachments and "
        "your opinion of the answer."
    ),
    WRITING_TO_US,
)
STAFF_ACCESS = Category(
    "staff_access",
    _("Who looked at your data"),
    _(
        "Each time a member of staff or of a service provider read your data: their role, "
        "which kinds of data, why and when (one line per hour)."
    ),
)
SECURITY = Category(
    "security",
    _("Security records"),
    _(
        "Devices recognised at sign-in, alerts about unusual sign-ins, files refused by the "
        "virus scanner, and the security incidents that affected you."
    ),
    CONNECTING,
)
LEGAL_REQUESTS = Category(
    "legal_requests",
    _("Requests from authorities"),
    _(
        "The requests from courts and authorities that named you, what we decided and "
        "what was disclosed, shown once the law allows you to be told."
    ),
)
TRANSFERS = Category(
    "transfers",
    _("Transfers of the Platform"),
    _(
        "The notices we sent you about a merger, acquisition, sale or receivership, and "
        "your objection if you made one."
    ),
)
ADVERTISING = Category(
    "advertising",
    _("Advertising profile"),
    _(
        "Only if you agree to personalised advertising: the interests drawn from the articles "
        "and offers you viewed here, those you added or removed, the advertisers you blocked, "
        "and how many times a day each campaign was shown to you."
    ),
)

CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        IDENTITY,
        CONTACT,
        CREDENTIALS,
        ACCOUNT,
        CONNECTION,
        LOCATION,
        USAGE,
        PORTRAIT,
        POSTAL_ADDRESS,
        CORRESPONDENCE,
        ACTIVITY_RECORDS,
        DATA_REQUESTS,
        CONSENT,
        POLICY_NOTICES,
        MARKETING,
        MESSAGES,
        COMMENTS,
        AUTHORISED_APPS,
        PAYMENTS,
        RECEIPTS,
        DISPUTES,
        DISCLOSURES,
        HELP_REQUESTS,
        STAFF_ACCESS,
        SECURITY,
        LEGAL_REQUESTS,
        TRANSFERS,
        ADVERTISING,
    )
}


@dataclass(frozen=True)
class DataSubject:
    """A kind of person personal data is about (Art. 30(1)(c))."""

    key: str
    name: Promise

    def __str__(self) -> str:
        return str(self.name)


MEMBERS = DataSubject("members", _("Members"))
VISITORS = DataSubject("visitors", _("Visitors who write to us or try to sign in"))
STAFF = DataSubject("staff", _("Staff"))

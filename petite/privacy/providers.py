"""The register of service providers (S4): who processes members' data for us, as data.

Each :class:`ServiceProvider` row says what the provider does, for which purposes,
which data categories it receives (and which only behind a logged "reveal"), its
contract and data-processing agreement dates, its country and the transfer
mechanism, its sub-processors and contact. The privacy team edits it in the
back-office (audited); everything else reads it:

- each purpose's recipients (:func:`recipients_for`, plugged into
  :attr:`petite.privacy.purposes.Purpose.recipients`), hence the published
  notice, the processing register, "Your data" and the export: a provider added
  in the back-office changes the notice the code generates, which raises the
  policy-change warning (``policies.W001``) until a new version is published;
- what a provider's agents may see (:mod:`petite.privacy.access`): a category
  removed from the entry disappears from their screens with no code change.

``INITIAL_PROVIDERS`` seeds the register (migration ``0004``) with today's
recipients, and stands in for it when the database cannot be read (a fresh
checkout rendering the notice before ``migrate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import categories, recipients
from .declarations import Erasure, Personal
from .purposes import Retention
from .recipients import Recipient


class TransferMechanism(models.TextChoices):
    """Why data may leave the European Economic Area (GDPR Chapter V), if it does."""

    NONE = "none", _("No transfer outside the EEA")
    ADEQUACY = "adequacy", _("Adequacy decision (Art. 45)")
    SCC = "scc", _("Standard contractual clauses (Art. 46(2)(c))")
    BCR = "bcr", _("Binding corporate rules (Art. 47)")
    DPF = "dpf", _("EU-US Data Privacy Framework (adequacy, Art. 45)")


class ServiceProvider(models.Model):
    """One processor under contract, and what it may receive (S4)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    service = models.CharField(_("service"), max_length=200)
    description_en = models.TextField(_("what members are told (English)"))
    description_fr = models.TextField(_("what members are told (French)"))
    # Purpose ids ("P3") and category keys ("contact"): validated by the admin form.
    purposes = models.JSONField(_("purposes"), default=list)
    categories = models.JSONField(_("data categories it receives"), default=list)
    # Categories its agents see only after giving a reason, each time logged.
    reveal_categories = models.JSONField(
        _("data categories shown only on reveal"), default=list, blank=True
    )
    contract_date = models.DateField(_("contract date"))
    dpa_date = models.DateField(_("data-processing agreement date"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    transfer_mechanism = models.CharField(
        _("transfer mechanism"),
        max_length=12,
        choices=TransferMechanism.choices,
        default=TransferMechanism.NONE,
    )
    sub_processors = models.TextField(_("sub-processors"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return (
            self.description_fr
            if (get_language() or "en").startswith("fr")
            else self.description_en
        )

    def recipient(self) -> Recipient:
        return Recipient(self.key, self.name, self.description)  # type: ignore[arg-type]


class ProviderAgent(models.Model):
    """A staff account that works for a provider: it sees only what the provider's
    register entry allows (:mod:`petite.privacy.access`)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_agent",
        verbose_name=_("staff account"),
    )
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="agents",
        verbose_name=_("service provider"),
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider agent")
        verbose_name_plural = _("provider agents")

    class Privacy:
        subject = "member"
        retention = Retention(_("as long as the staff account works for the provider"))
        fields = {
            "provider": Personal(categories.ACTIVITY_RECORDS, ["P8"], Erasure.DELETE),
        }
        technical = ["id", "member", "since"]

    def __str__(self) -> str:
        return f"Agent #{self.member_id} of {self.provider_id}"


# --- Seed and fallback ------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    key: str
    name: str
    service: str
    description_en: str
    description_fr: str
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    contract_date: str
    country: str
    transfer_mechanism: str
    reveal_categories: tuple[str, ...] = ()
    sub_processors: str = ""
    contact: str = ""

    def recipient(self) -> Recipient:
        fr = (get_language() or "en").startswith("fr")
        return Recipient(self.key, self.name, self.description_fr if fr else self.description_en)  # type: ignore[arg-type]


INITIAL_PROVIDERS: tuple[Seed, ...] = (
    Seed(
        "stripe",
        "Stripe",
        "Card payments",
        "Payment processor under contract; receives what a payment needs.",
        "Prestataire de paiement sous contrat\u202f; reçoit ce qu\u2019un paiement exige.",
        ("P3",),
        ("identity", "contact", "payments"),
        "2024-01-15",
        "IE",
        TransferMechanism.DPF,
        sub_processors="Stripe, Inc. (United States)",
        contact="dpo@stripe.com",
    ),
    Seed(
        "paypal",
        "PayPal",
        "PayPal payments",
        "Payment processor under contract; receives what a payment needs.",
        "Prestataire de paiement sous contrat\u202f; reçoit ce qu\u2019un paiement exige.",
        ("P3",),
        ("identity", "contact", "payments"),
        "2024-01-15",
        "LU",
        TransferMechanism.BCR,
        contact="dpo@paypal.com",
    ),
    Seed(
        "mailgun",
        "Mailgun",
        "E-mail delivery",
        "Delivers the e-mails we send you and passes on the ones you send us.",
        "Achemine les e-mails que nous vous envoyons et nous transmet ceux que vous nous écrivez.",
        ("P1", "P4", "P6", "P10"),
        ("identity", "contact", "correspondence", "help_requests"),
        "2024-01-10",
        "DE",
        TransferMechanism.SCC,
        sub_processors="Sinch Email (United States)",
        contact="privacy@mailgun.com",
    ),
    Seed(
        "hosting",
        "Scaleway",
        "Hosting of the Platform and its backups",
        "Hosts the Platform's servers and backups in France; never reads your data.",
        "Héberge les serveurs et les sauvegardes de la Plateforme en France\u202f; ne lit jamais vos données.",
        ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"),
        (),
        "2024-01-01",
        "FR",
        TransferMechanism.NONE,
        contact="dpo@scaleway.com",
    ),
    Seed(
        "helpdesk",
        "Assist Partners",
        "First-line user assistance",
        "Answers your help requests on our behalf; sees only what answering needs.",
        "Répond à vos demandes d\u2019aide pour notre compte\u202f; ne voit que ce qu\u2019il faut pour répondre.",
        ("P6",),
        ("identity", "help_requests", "account"),
        "2025-06-01",
        "FR",
        TransferMechanism.NONE,
        reveal_categories=("contact",),
        contact="privacy@assist-partners.example",
    ),
)


def seed_rows() -> list[dict[str, Any]]:
    """The seed as model field values (used by the data migration)."""
    return [
        {
            "key": s.key,
            "name": s.name,
            "service": s.service,
            "description_en": s.description_en,
            "description_fr": s.description_fr,
            "purposes": list(s.purposes),
            "categories": list(s.categories),
            "reveal_categories": list(s.reveal_categories),
            "contract_date": s.contract_date,
            "dpa_date": s.contract_date,
            "country": s.country,
            "transfer_mechanism": str(s.transfer_mechanism),
            "sub_processors": s.sub_processors,
            "contact": s.contact,
        }
        for s in INITIAL_PROVIDERS
    ]


# --- What the rest of the core reads ----------------------------------------------------


def active_providers() -> list[ServiceProvider] | list[Seed]:
    """The active providers from the register; the seed while the register cannot be read."""
    # In a transaction (a test, a request on PostgreSQL) a savepoint keeps a failed
    # query from spoiling it; outside one, none (SQLite's would take the write lock).
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            return list(ServiceProvider.objects.filter(active=True).order_by("name"))
    except (DatabaseError, RuntimeError):
        # RuntimeError: database access refused outright (pytest-django outside a db test).
        return sorted(INITIAL_PROVIDERS, key=lambda seed: seed.name)


def recipients_for(purpose_id: str) -> tuple[Recipient, ...]:
    """The providers that receive data for ``purpose_id``, as recipients."""
    return tuple(p.recipient() for p in active_providers() if purpose_id in p.purposes)


def category_keys(found: Iterable[str]) -> list[str]:
    return [key for key in found if key in categories.CATEGORIES]


recipients.add_source(recipients_for)

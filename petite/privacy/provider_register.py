"""The service providers' part of the record of processing (Art. 30(1)(d)-(e)), read
from the register (S4), so the record lists exactly the providers staff entered."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .categories import CATEGORIES
from .document import Document, Strong, Text
from .providers import ServiceProvider, TransferMechanism, active_providers
from .purposes import PURPOSES


def _mechanism(value: str) -> str:
    try:
        return str(TransferMechanism(value).label)
    except ValueError:
        return value


def section(doc: Document) -> None:
    doc.heading(2, _("Service providers (processors)"), anchor="providers")
    doc.paragraph(
        _(
            "Each provider below is under contract and receives only the categories listed; "
            "its staff see only those in the back-office, and every look is logged."
        )
    )
    header: list[Text] = [
        (_("Provider"),),
        (_("Service"),),
        (_("Purposes"),),
        (_("Data categories"),),
        (_("Contract / DPA"),),
        (_("Country and transfer"),),
        (_("Sub-processors"),),
    ]
    rows: list[list[Text]] = []
    for provider in active_providers():
        categories = [str(CATEGORIES[k].name) for k in provider.categories if k in CATEGORIES]
        revealed = [str(CATEGORIES[k].name) for k in provider.reveal_categories if k in CATEGORIES]
        if revealed:
            categories.append(_("on request only: %(list)s") % {"list": ", ".join(revealed)})
        dpa = provider.dpa_date if isinstance(provider, ServiceProvider) else provider.contract_date
        rows.append(
            [
                (Strong(provider.name),),
                (provider.service,),
                (", ".join(p for p in provider.purposes if p in PURPOSES),),
                (", ".join(categories) or _("none (no access to the data)"),),
                (f"{provider.contract_date} / {dpa or '-'}",),
                (f"{provider.country}, {_mechanism(str(provider.transfer_mechanism))}",),
                (provider.sub_processors or "-",),
            ]
        )
    doc.table(header, rows)

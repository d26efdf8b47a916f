"""The back-office for erasure receipts (U5): proof that staff can read and never edit.

Receipts hold codes and counts only (model labels, column names, reasons recorded
in English), so they are shown as they are stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import ErasureReceipt

COUNTS = ("deleted", "blanked", "anonymised", "kept")


def _total(receipt: ErasureReceipt, key: str) -> int:
    outcome = receipt.outcome if isinstance(receipt.outcome, dict) else {}
    return sum(int(counts.get(key, 0)) for counts in outcome.values() if isinstance(counts, dict))


@admin.register(ErasureReceipt)
class ErasureReceiptAdmin(admin.ModelAdmin[ErasureReceipt]):
    list_display = (
        "started_at",
        "status",
        "reason",
        "deleted",
        "blanked",
        "anonymised",
        "kept",
        "findings",
        "scan_duration",
    )
    list_filter = ("status", "started_at")
    search_fields = ("=email_hash", "reason")
    date_hierarchy = "started_at"
    fields = (
        "id",
        "status",
        "reason",
        "requested_by_staff",
        "email_hash",
        "started_at",
        "erased_at",
        "finished_at",
        "outcome_table",
        "scan_summary",
        "findings_table",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("deleted"))
    def deleted(self, receipt: ErasureReceipt) -> int:
        return _total(receipt, "deleted")

    @admin.display(description=_("blanked"))
    def blanked(self, receipt: ErasureReceipt) -> int:
        return _total(receipt, "blanked")

    @admin.display(description=_("anonymised"))
    def anonymised(self, receipt: ErasureReceipt) -> int:
        return _total(receipt, "anonymised")

    @admin.display(description=_("kept"))
    def kept(self, receipt: ErasureReceipt) -> int:
        return _total(receipt, "kept")

    @admin.display(description=_("findings"))
    def findings(self, receipt: ErasureReceipt) -> int | str:
        if not receipt.scan:
            return "-"
        return sum(int(f.get("count", 0)) for f in receipt.scan.get("findings", []))

    @admin.display(description=_("scan duration (ms)"))
    def scan_duration(self, receipt: ErasureReceipt) -> int | str:
        return receipt.scan.get("duration_ms", "-") if receipt.scan else "-"

    @admin.display(description=_("what was erased"))
    def outcome_table(self, receipt: ErasureReceipt) -> SafeString:
        outcome = receipt.outcome if isinstance(receipt.outcome, dict) else {}
        if "error" in outcome:
            return format_html("<code>{}</code>", outcome["error"])
        rows = []
        for label, counts in sorted(outcome.items()):
            if not isinstance(counts, dict):
                continue
            reasons = counts.get("kept_because") or {}
            rows.append(
                (
                    label,
                    *(counts.get(key, 0) for key in COUNTS),
                    "; ".join(f"{name}: {why}" for name, why in sorted(reasons.items())),
                )
            )
        header = format_html_join(
            "", "<th scope='col'>{}</th>", ((h,) for h in ("model", *COUNTS, "kept because"))
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )
        return format_html(
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", header, body
        )

    @admin.display(description=_("verification scan"))
    def scan_summary(self, receipt: ErasureReceipt) -> SafeString:
        scan = receipt.scan if isinstance(receipt.scan, dict) else {}
        items = [(key, value) for key, value in scan.items() if key not in ("findings", "allowed")]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", items))

    @admin.display(description=_("findings and allowed matches"))
    def findings_table(self, receipt: ErasureReceipt) -> SafeString:
        scan = receipt.scan if isinstance(receipt.scan, dict) else {}
        rows = [
            (entry.get("where", ""), entry.get("count", 0), "finding")
            for entry in scan.get("findings", [])
        ] + [
            (entry.get("where", ""), entry.get("count", 0), entry.get("allowed_because", ""))
            for entry in scan.get("allowed", [])
        ]
        if not rows:
            return format_html("{}", "-")
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><thead><tr><th scope='col'>where</th><th scope='col'>count</th>"
            "<th scope='col'>status</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )


# The provider register, provider agents and the staff access log (S4).
from . import admin_providers  # noqa: E402,F401

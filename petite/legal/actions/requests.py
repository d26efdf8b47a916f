"""The authority-request register (S5): record, check, decide, disclose, tell.

A request is recorded with the accounts it names; a request from outside the EU
waits for its Art. 48 check (EDPB Guidelines 02/2024: a third-country order is
not by itself a legal basis) before anything can be decided or disclosed. The
disclosure is the export engine's archive of each account named, scoped to the
categories and dates decided, encrypted at rest and handed over once, through an
expiring link. The download writes the disclosure log. Members are told once, at
once or when a non-disclosure order lifts or lapses; until then their records of
it stay hidden from their pages and export.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import audit, bulkmail
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused
from petite.privacy import disclosures, export, registry
from petite.privacy.categories import CATEGORIES, Category
from petite.privacy.recipients import recipients

from .. import packages, selectors
from ..events import Event
from ..models import AuthorityRequest, Handover, RequestedAccount

send_authority_notices = follow_up("petite.legal.tasks.send_authority_notices")
delete_package = follow_up("petite.legal.tasks.delete_package")

Decision = AuthorityRequest.Decision
Gag = AuthorityRequest.Gag


def _categories(keys: Sequence[str]) -> list[str]:
    unknown = [key for key in keys if key not in CATEGORIES]
    if unknown or not keys:
        raise ActionRefused(
            "Name at least one data category, from the registry's list.", code="legal.categories"
        )
    return list(dict.fromkeys(keys))


def _refuse_art48(request: AuthorityRequest) -> None:
    if request.outside_eu and request.art48_checked_at is None:
        raise ActionRefused(
            "This request comes from outside the European Union: record the Art. 48 check "
            "(the international agreement relied on) before deciding or disclosing.",
            code="legal.art48",
            status=409,
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@transaction.atomic
def record_request(
    *,
    actor: Member,
    requester: str,
    authority_type: str,
    country: str,
    instrument: str,
    legal_basis: str,
    received_on: date,
    identifiers: Sequence[str],
    categories: Sequence[str],
    due_on: date | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    gag_review_at: datetime | None = None,
) -> AuthorityRequest:
    """Enter a request in the register, with the accounts it names."""
    names = [i.strip() for i in identifiers if i.strip()]
    if not names:
        raise ActionRefused("A request names at least one account.", code="legal.no_account")
    if since and until and since >= until:
        raise ActionRefused("The date range ends before it starts.", code="legal.dates")
    if gag_review_at is not None and gag_review_at <= timezone.now():
        raise ActionRefused(
            "A non-disclosure order's review date must be in the future.", code="legal.gag_date"
        )
    request = AuthorityRequest.objects.create(
        requester=requester.strip(),
        authority_type=authority_type,
        country=country.strip().upper()[:2],
        instrument=instrument.strip(),
        legal_basis=legal_basis.strip(),
        received_on=received_on,
        due_on=due_on,
        identifiers="\n".join(names),
        requested_categories=_categories(categories),
        requested_since=since,
        requested_until=until,
        gag=Gag.ACTIVE if gag_review_at else Gag.NONE,
        gag_review_at=gag_review_at,
    )
    for name in dict.fromkeys(names):
        RequestedAccount.objects.create(
            request=request,
            member=selectors.resolve(name),
            identifier=name[:254],
            hidden_until=gag_review_at,
        )
    audit.record(
        Event.REQUEST_RECORDED,
        actor=actor,
        target=request,
        country=request.country,
        outside_eu=request.outside_eu,
        accounts=len(names),
        gagged=request.gagged,
    )
    return request


@transaction.atomic
def record_art48_check(*, request: AuthorityRequest, actor: Member, agreement: str) -> None:
    if not agreement.strip():
        raise ActionRefused(
            "Name the international agreement (a mutual legal assistance treaty...) relied on.",
            code="legal.art48_agreement",
        )
    AuthorityRequest.objects.filter(pk=request.pk).update(
        art48_checked_at=timezone.now(), art48_agreement=agreement.strip()
    )
    request.refresh_from_db()
    audit.record(Event.ART48_CHECKED, actor=actor, target=request)


@transaction.atomic
def decide(
    *,
    request: AuthorityRequest,
    actor: Member,
    decision: str,
    reasons: str,
    categories: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuthorityRequest:
    """Comply, comply in part (fewer categories, a shorter range) or refuse, with reasons.

    What is decided is never more than what was asked."""
    locked = AuthorityRequest.objects.select_for_update().get(pk=request.pk)
    if locked.handovers.exists():
        raise ActionRefused(
            "Data was already produced for this request: its decision stands.",
            code="legal.decided",
            status=409,
        )
    if decision not in (Decision.COMPLY, Decision.PARTIAL, Decision.REFUSE):
        raise ActionRefused("Choose comply, comply in part or refuse.", code="legal.decision")
    if not reasons.strip():
        raise ActionRefused("A decision needs its reasons.", code="legal.reasons")
    if decision != Decision.REFUSE:
        _refuse_art48(locked)
    asked = list(locked.requested_categories)
    if decision == Decision.COMPLY:
        chosen, since, until = asked, locked.requested_since, locked.requested_until
    elif decision == Decision.PARTIAL:
        chosen = _categories(categories or [])
        if not set(chosen) <= set(asked):
            raise ActionRefused(
                "A partial answer cannot include categories the request did not ask for.",
                code="legal.more_than_asked",
            )
        since = max(filter(None, [since, locked.requested_since]), default=None)
        until = min(filter(None, [until, locked.requested_until]), default=None)
    else:
        chosen, since, until = [], None, None
    locked.decision = decision
    locked.decision_reasons = reasons.strip()
    locked.decided_at = timezone.now()
    locked.decided_categories = chosen
    locked.decided_since = since
    locked.decided_until = until
    locked.save()
    audit.record(
        Event.REQUEST_DECIDED,
        actor=actor,
        target=locked,
        decision=decision,
        categories=chosen,
    )
    return locked


def scope_of(request: AuthorityRequest) -> export.Scope:
    return export.Scope(
        categories=frozenset(request.decided_categories),
        since=request.decided_since,
        until=request.decided_until,
    )


@transaction.atomic
def produce_disclosure(*, request: AuthorityRequest, actor: Member) -> tuple[Handover, str]:
    """Build the encrypted package and its one-time link; returns it with the link's
    token, which is shown once (only its hash is kept)."""
    locked = AuthorityRequest.objects.select_for_update().get(pk=request.pk)
    _refuse_art48(locked)
    if locked.decision not in (Decision.COMPLY, Decision.PARTIAL):
        raise ActionRefused(
            "Only a request decided comply or comply in part is answered with data.",
            code="legal.not_complying",
            status=409,
        )
    accounts = list(locked.accounts.filter(member__isnull=False).select_related("member"))
    members = [account.member for account in accounts if account.member is not None]
    if not members:
        raise ActionRefused("None of the accounts named was found.", code="legal.no_member")
    content = packages.build(members, scope_of(locked))
    token = secrets.token_urlsafe(32)
    handover = Handover.objects.create(
        request=locked,
        token_hash=_token_hash(token),
        file_name=packages.store(content),
        members=len(members),
        expires_at=timezone.now() + timedelta(hours=settings.PETITE_LEGAL_DOWNLOAD_HOURS),
    )
    RequestedAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(disclosed=True)
    audit.record(
        Event.DISCLOSURE_PRODUCED,
        actor=actor,
        target=locked,
        handover=handover.pk,
        members=len(members),
        categories=list(locked.decided_categories),
    )
    return handover, token


def scoped_fields(category_keys: Sequence[str]) -> dict[str, Category]:
    """Every declared field in these categories, by name: what the disclosure log says."""
    found: dict[str, Category] = {}
    for declaration in registry.declarations():
        for name, personal in declaration.fields.items():
            if personal.category.key in category_keys:
                found.setdefault(name, personal.category)
    return found


def download(*, token: str, ip: str) -> bytes:
    """The package behind a one-time link: refused when unknown, used or expired.

    Taking it writes the disclosure log (recipient: the authority), hidden from
    each member while a non-disclosure order holds."""
    content = b""
    with transaction.atomic():
        handover = (
            Handover.objects.select_for_update()
            .select_related("request")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if handover is None:
            raise ActionRefused("This link is not valid.", code="legal.link_unknown", status=404)
        if handover.downloaded_at is not None or handover.expires_at <= timezone.now():
            refused = "used" if handover.downloaded_at is not None else "expired"
            audit.record(Event.DISCLOSURE_DOWNLOAD_REFUSED, target=handover, why=refused, ip=ip)
            error = ActionRefused(
                "This link was already used or has expired.", code="legal.link_gone", status=410
            )
        else:
            error = None
            content = packages.load(handover.file_name)
            request = handover.request
            hidden_until = request.gag_review_at if request.gagged else None
            fields = scoped_fields(request.decided_categories)
            ids = [
                disclosures.record(
                    member=account.member,
                    recipient=recipients.AUTHORITIES,
                    purpose="S5",
                    fields=fields,
                    recipient_name=request.requester,
                    reference=f"request {request.pk}: {request.instrument}",
                    hidden_until=hidden_until,
                ).pk
                for account in selectors.disclosed_accounts(request).select_related("member")
            ]
            Handover.objects.filter(pk=handover.pk).update(
                downloaded_at=timezone.now(), disclosure_ids=ids
            )
            audit.record(Event.DISCLOSURE_DOWNLOADED, target=request, handover=handover.pk, ip=ip)
            delete_package.after_commit(name=handover.file_name)
            if not request.gagged:
                _plan_notices(request)
    if error is not None:
        raise error
    return content


def _plan_notices(request: AuthorityRequest) -> None:
    """Tell each member whose data was disclosed, once (the unique constraint)."""
    members = Member.objects.filter(
        pk__in=selectors.disclosed_accounts(request).values("member_id")
    )
    bulkmail.plan(selectors.notices(request), members=members, request=request)
    send_authority_notices.after_commit(request_id=request.pk)


def _end_gag(request: AuthorityRequest, how: str, actor: Member | None) -> None:
    ended = timezone.now()
    AuthorityRequest.objects.filter(pk=request.pk).update(gag=how, gag_ended_at=ended)
    request.gag, request.gag_ended_at = how, ended
    request.accounts.update(hidden_until=None)
    for handover in request.handovers.exclude(downloaded_at=None):
        disclosures.reveal(handover.disclosure_ids)
    audit.record(
        Event.GAG_LIFTED if how == Gag.LIFTED else Event.GAG_LAPSED, actor=actor, target=request
    )
    if request.handovers.exclude(downloaded_at=None).exists():
        _plan_notices(request)


@transaction.atomic
def lift_gag(*, request: AuthorityRequest, actor: Member) -> AuthorityRequest:
    locked = AuthorityRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.gagged:
        raise ActionRefused("No non-disclosure order holds.", code="legal.no_gag", status=409)
    _end_gag(locked, Gag.LIFTED, actor)
    return locked


@transaction.atomic
def extend_gag(
    *, request: AuthorityRequest, actor: Member, review_at: datetime, reason: str
) -> AuthorityRequest:
    """A new order (or its renewal) moves the review date: members stay untold."""
    locked = AuthorityRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.gagged:
        raise ActionRefused("No non-disclosure order holds.", code="legal.no_gag", status=409)
    if review_at <= timezone.now() or (locked.gag_review_at and review_at <= locked.gag_review_at):
        raise ActionRefused(
            "The new review date must be later than the current one.", code="legal.gag_date"
        )
    if not reason.strip():
        raise ActionRefused("An extension needs its reason.", code="legal.reasons")
    locked.gag_review_at = review_at
    locked.gag_extensions += 1
    locked.save(update_fields=["gag_review_at", "gag_extensions"])
    locked.accounts.update(hidden_until=review_at)
    for handover in locked.handovers.exclude(downloaded_at=None):
        disclosures.hide_until(handover.disclosure_ids, review_at)
    audit.record(
        Event.GAG_EXTENDED,
        actor=actor,
        target=locked,
        review_at=review_at.isoformat(),
        extensions=locked.gag_extensions,
    )
    return locked


def lapse_gags() -> int:
    """End every order whose review date passed without an extension; tell members."""
    lapsed = 0
    for request_id in list(selectors.gags_to_review().values_list("pk", flat=True)):
        with transaction.atomic():
            locked = AuthorityRequest.objects.select_for_update().get(pk=request_id)
            if locked.gagged and locked.gag_review_at and locked.gag_review_at <= timezone.now():
                _end_gag(locked, Gag.LAPSED, None)
                lapsed += 1
    return lapsed


def remind_gag_reviews() -> list[int]:
    """Mark each order whose review date comes soon as reminded (once per date); the
    task e-mails the team about the returned requests."""
    reminded = []
    for request in selectors.gags_to_remind():
        with transaction.atomic():
            updated = AuthorityRequest.objects.filter(
                pk=request.pk, gag=Gag.ACTIVE, gag_review_at=request.gag_review_at
            ).update(reminded_for=request.gag_review_at)
            if updated:
                audit.record(
                    Event.GAG_REMINDER_SENT,
                    target=request,
                    review_at=request.gag_review_at.isoformat() if request.gag_review_at else "",
                )
                reminded.append(request.pk)
    return reminded

"""Every write of the accounts app: the connection log and the usage counts (R1.2),
staff changes to members, and closing an account (U2, E4).

Neither writes an audit record: each row is itself a record of what happened,
made by the platform and not by a person acting on someone's data, and auditing
it would double the writes that sign-in and every page view pay for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connections, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petite.core import audit
from petite.core.errors import ActionRefused
from petite.privacy import erasure, stores
from petite.privacy.models import ErasureReceipt

from . import location
from .events import Event
from .models import ConnectionEvent, Member, UsageCount

USER_AGENT_MAX_LENGTH = ConnectionEvent._meta.get_field("user_agent").max_length or 512


def record_connection(
    *,
    member: Member | None,
    succeeded: bool,
    method: ConnectionEvent.Method,
    ip: str,
    user_agent: str,
    failure: ConnectionEvent.Failure | None = None,
    at: datetime | None = None,
) -> ConnectionEvent:
    """Log one sign-in attempt, with the location its IP address resolves to offline."""
    where = location.resolve(ip)
    try:
        return _store_connection(member, succeeded, method, ip, user_agent, failure, at, where)
    except IntegrityError:
        if member is None:
            raise
        # The member's account was erased while they were signing in (an immediate
        # erasure runs in the background): the attempt is logged like one for an
        # address that matches no member, never answered with an error page.
        return _store_connection(None, succeeded, method, ip, user_agent, failure, at, where)


def _store_connection(
    member: Member | None,
    succeeded: bool,
    method: ConnectionEvent.Method,
    ip: str,
    user_agent: str,
    failure: ConnectionEvent.Failure | None,
    at: datetime | None,
    where: location.Location,
) -> ConnectionEvent:
    with transaction.atomic():
        if member is not None and not Member.objects.filter(pk=member.pk).exists():
            member = None
        return ConnectionEvent.objects.create(
            member=member,
            created_at=at or timezone.now(),
            succeeded=succeeded,
            method=method,
            failure="" if succeeded or failure is None else failure,
            ip=ip,
            user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
            country_code=where.country_code,
            country_name=where.country_name,
            asn=where.asn,
            network_name=where.network_name,
        )


def count_usage(*, member_id: int, area: str, day: date) -> None:
    """Add one to the member's count for ``area`` on ``day``, in a single statement.

    ``INSERT ... ON CONFLICT DO UPDATE`` is the same SQL on SQLite (3.24+) and
    PostgreSQL (9.5+); the ORM's ``bulk_create(update_conflicts=True)`` can only
    overwrite the count, not add to it, and read-then-write would race between
    two requests of the same member. One statement is its own transaction, so no
    ``atomic()`` block adds a BEGIN/COMMIT round trip to every page view.
    """
    table = UsageCount._meta.db_table
    database = router.db_for_write(UsageCount)
    connection = connections[database]
    quote = connection.ops.quote_name
    # Identifiers come from the model, values are passed as parameters.
    sql = (
        f"INSERT INTO {quote(table)} ({quote('member_id')}, {quote('day')}, {quote('area')}, "  # noqa: S608
        f"{quote('count')}) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT ({quote('member_id')}, {quote('day')}, {quote('area')}) "
        f"DO UPDATE SET {quote('count')} = {quote(table)}.{quote('count')} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [member_id, day, area])


def change_member(*, actor: Member, member: Member, fields: list[str]) -> Member:
    """Save a staff member's change to a member's account, with an audit record (SEC1).

    ``fields`` names the changed fields; the audit keeps their names, not values.
    """
    with transaction.atomic():
        member.save(update_fields=fields or None)
        audit.record("accounts.member.changed", actor=actor, target=member, fields=sorted(fields))
    return member


def create_member(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    verified: bool,
    is_staff: bool = False,
    actor: Member | None = None,
) -> Member:
    """Open an account outside the sign-up form (staff, demo data), with its e-mail
    address recorded as allauth keeps it."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        member = Member.objects.create_user(
            email,
            password,
            first_name=first_name,
            last_name=last_name,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
        EmailAddress.objects.create(
            user=member, email=member.email, primary=True, verified=verified
        )
        audit.record("accounts.member.created", actor=actor, target=member, staff=is_staff)
    return member


# --- Account deletion (U2, E4) -------------------------------------------------------

DELETION_REASON = "account deletion"


def request_account_deletion(
    *, member: Member, immediate: bool, actor: Member | None = None
) -> Member:
    """Close ``member``'s account: signed out everywhere, hidden, no more e-mail (see
    ``Member``), and erased after the grace period, or at once when ``immediate``.

    ``actor`` is the staff member acting on a request (the data-request desk); None
    when the member asked from their account. Asking again never postpones the date.
    """
    now = timezone.now()
    due = now if immediate else now + timedelta(days=settings.PETITE_ACCOUNT_DELETION_GRACE_DAYS)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.deletion_due_at is not None and locked.deletion_due_at < due:
            due = locked.deletion_due_at
        requested = locked.deletion_requested_at or now
        Member.objects.filter(pk=member.pk).update(
            deletion_requested_at=requested, deletion_due_at=due
        )
        member.deletion_requested_at, member.deletion_due_at = requested, due
        ended = end_all_sessions(member=member)
        audit.record(
            "accounts.deletion_requested",
            actor=actor or member,
            target=member,
            immediate=immediate,
            due_at=due.isoformat(),
            sessions_ended=ended,
        )
        if due <= now:
            member_id = member.pk
            transaction.on_commit(lambda: _enqueue_erasure(member_id))
    return member


def _enqueue_erasure(member_id: int) -> None:
    from . import tasks

    tasks.erase_account.enqueue(member_id)


def cancel_account_deletion(*, member: Member, actor: Member | None = None) -> bool:
    """Keep ``member``'s account after all; False when no deletion was pending."""
    with transaction.atomic():
        if (
            Member.objects.select_for_update()
            .filter(pk=member.pk, deletion_due_at__lte=timezone.now())
            .exists()
        ):
            # "Now: this cannot be undone", or a grace period that is over: the
            # erasure is under way and nothing stops it.
            raise ActionRefused(
                _("Your account is being erased: this can no longer be undone."),
                code="accounts.erasure_under_way",
                status=409,
            )
        cancelled = Member.objects.filter(pk=member.pk, deletion_due_at__isnull=False).update(
            deletion_requested_at=None, deletion_due_at=None
        )
        member.deletion_requested_at = member.deletion_due_at = None
        if cancelled:
            audit.record("accounts.deletion_cancelled", actor=actor or member, target=member)
    return bool(cancelled)


def end_all_sessions(*, member: Member) -> int:
    """Sign ``member`` out everywhere; returns how many sessions ended.

    Through every session terminator declared to the privacy core (this app's ends
    the sessions allauth's session list records: Django keeps no index by user).
    """
    return stores.end_sessions(member)


def erase_closing_account(*, member: Member) -> ErasureReceipt:
    """Erase a closing account now, then send the member the confirmation: the last
    e-mail they receive, to the address and in the language captured beforehand."""
    address = member.email
    language = member.language or settings.LANGUAGE_CODE
    receipt = erasure.erase_member(member=member, reason=DELETION_REASON)
    if receipt.status == ErasureReceipt.Status.HELD:
        # A legal hold froze the data (S5): the account stays closed and the erasure
        # resumes when the hold lifts; the confirmation waits for it.
        return receipt
    # erase_member's transaction is durable: it has committed by now, so the e-mail
    # never announces an erasure that was rolled back.
    send_deletion_confirmation(address=address, language=language, receipt=receipt)
    return receipt


def send_deletion_confirmation(*, address: str, language: str, receipt: ErasureReceipt) -> None:
    """Tell a former member what was erased and what is kept, from the receipt's counts.

    Sent directly rather than through a task: a queued task would store the
    address in the task table after the erasure that removed it everywhere else.
    """
    from . import selectors

    with translation.override(language):
        context = {
            "summary": selectors.receipt_summary(receipt.outcome),
            "receipt": receipt,
            "erased_on": receipt.erased_at or timezone.now(),
            "privacy_email": settings.PETITE_PRIVACY_EMAIL,
        }
        message = EmailMultiAlternatives(
            subject=gettext("[Petite] Your account has been deleted"),
            body=render_to_string("accounts/email/deletion_done.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
    message.send()


# --- "This wasn't me" (SEC1) -----------------------------------------------------------


def report_not_me(*, member: Member, change: str, ip: str) -> int:
    """The member says a change to their account (``change``: "email_changed",
    "password_changed") was not theirs: every session of the account ends and the
    password stops working, so whoever made the change is out and only a password
    reset lets anyone back in. Nothing is changed back silently: the member resets
    their password and checks their account (or writes to us). Returns the number
    of sessions ended.
    """
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        locked.set_unusable_password()
        locked.save(update_fields=["password"])
        member.password = locked.password
        ended = end_all_sessions(member=member)
        audit.record(
            Event.NOT_ME_REPORTED,
            actor=None,
            target=member,
            change=change,
            ip=ip,
            sessions_ended=ended,
        )
    return ended

"""Every write of the accounts app: the connection log and the usage counts (R1.2).

Neither writes an audit record: each row is itself a record of what happened,
made by the platform and not by a person acting on someone's data, and auditing
it would double the writes that sign-in and every page view pay for.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connections, router, transaction
from django.utils import timezone

from petite.core import audit

from . import location
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
    with transaction.atomic():
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

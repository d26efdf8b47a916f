"""allauth adapter: where allauth meets the rest of the platform.

It gives allauth the client's IP address (trusting proxies only as configured)
and logs the sign-in attempts that fail (R1.2): wrong credentials, a lockout by
axes, allauth's rate limit, a reauthentication that fails, an e-mail address not
verified yet.
Successful sign-ins and failed two-factor codes are only announced by allauth's
signals; see :mod:`petite.accounts.receivers`. A member closing their account who
signs in is sent to the page that offers to cancel the deletion (U2).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from . import actions, notme, throttle
from .models import ConnectionEvent, Member
from .network import client_ip


def member_for_email(email: str) -> Member | None:
    """The member who signs in with ``email`` (primary or secondary address), if any."""
    if not email:
        return None
    found = list(
        Member.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .distinct()
        .order_by("pk")[:2]
    )
    return found[0] if len(found) == 1 else None


def log_attempt(
    request: HttpRequest,
    *,
    member: Member | None,
    succeeded: bool,
    method: ConnectionEvent.Method,
    failure: ConnectionEvent.Failure | None = None,
) -> ConnectionEvent:
    return actions.record_connection(
        member=member,
        succeeded=succeeded,
        method=method,
        failure=failure,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def site_address(url: str, request: HttpRequest | None) -> str:
    """``url`` on the site's public address (settings.SITE_URL) rather than the request's host.

    allauth builds its links from the Host header; our e-mails name the site as
    configured, whatever host the request came through.
    """
    if request is None:
        return url
    origin = request.build_absolute_uri("/")
    if url.startswith(origin):
        return settings.SITE_URL + "/" + url.removeprefix(origin)
    return url


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Our e-mail templates (templates/account/email/) greet the member by name and
        # sign with the site's name and address from settings, never the request's host.
        request = getattr(self, "request", None)
        context = {
            **context,
            "site_name": settings.PETITE_SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        for key, value in list(context.items()):
            if key.endswith("_url") and isinstance(value, str):
                context[key] = site_address(value, request)
        super().send_mail(template_prefix, email, context)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # The e-mail and password change notices carry a signed, single-use
        # "this wasn't me" link (petite.accounts.notme).
        change = notme.CHANGES.get(template_prefix)
        if change and isinstance(user, Member):
            context = {**(context or {}), "not_me_url": notme.link(member=user, change=change)}
        super().send_notification_mail(template_prefix, user, context, email)

    def clean_email(self, email: str) -> str:
        # allauth's e-mail fields accept 320 characters, the member's address
        # column holds 254 (RFC 5321's limit for a usable address): refuse the
        # rest in the form rather than fail in the database.
        email = super().clean_email(email)
        max_length = Member._meta.get_field("email").max_length or 254
        if len(email) > max_length:
            raise ValidationError(
                ngettext(
                    "An e-mail address can have at most %(max)d character.",
                    "An e-mail address can have at most %(max)d characters.",
                    max_length,
                )
                % {"max": max_length},
                code="max_length",
            )
        return email

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            # The progressive delay (petite.accounts.throttle) before allauth's checks:
            # an attempt that must wait is refused without its password being checked.
            wait = throttle.wait_seconds(
                email=str(credentials.get("email") or ""), ip=client_ip(request)
            )
            if wait:
                raise ValidationError(
                    ngettext(
                        "Too many failed attempts: please wait %(seconds)d second and try again.",
                        "Too many failed attempts: please wait %(seconds)d seconds and try again.",
                        wait,
                    )
                    % {"seconds": wait},
                    code="throttled",
                )
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # allauth's rate limit refused the attempt before any password check.
            self._log_failure(request, credentials, ConnectionEvent.Failure.RATE_LIMITED)
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        throttle.failed(email=str(credentials.get("email") or ""), ip=client_ip(request))
        # axes flags the request while Django's authenticate() runs, which
        # allauth calls just before this hook.
        locked_out = bool(getattr(request, "axes_locked_out", False))
        self._log_failure(
            request,
            credentials,
            ConnectionEvent.Failure.LOCKED_OUT
            if locked_out
            else ConnectionEvent.Failure.CREDENTIALS,
        )

    def _log_failure(
        self, request: HttpRequest, credentials: dict[str, Any], failure: ConnectionEvent.Failure
    ) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A signed-in member failing to confirm their password (allauth's
            # reauthentication): the attempt is against their own account.
            log_attempt(
                request,
                member=user,
                succeeded=False,
                method=ConnectionEvent.Method.REAUTHENTICATION,
                failure=failure,
            )
            return
        log_attempt(
            request,
            member=member_for_email(str(credentials.get("email") or "")),
            succeeded=False,
            method=ConnectionEvent.Method.PASSWORD,
            failure=failure,
        )

    def pre_login(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        *,
        email_verification: str,
        signal_kwargs: dict[str, Any] | None,
        email: str | None,
        signup: bool,
        redirect_url: str | None,
    ) -> HttpResponse | None:
        # A member whose erasure is due ("Now: this cannot be undone", or a grace
        # period that is over) is not signed in: the account is being erased. Nothing
        # is logged either: the erasure is about to remove every trace of the account.
        due = user.deletion_due_at if isinstance(user, Member) else None
        if due is not None and due <= timezone.now():
            return HttpResponseRedirect(
                reverse("accounts:delete_done") + "?" + urlencode({"when": "now"})
            )
        # The right password for an address not verified yet: allauth sends the
        # verification mail again instead of signing in, so this attempt failed.
        # (Right after sign-up this is expected, not an attempt to log.)
        if (
            not signup
            and email_verification == EmailVerificationMethod.MANDATORY
            and isinstance(user, Member)
            and not has_verified_email(user, email)
        ):
            log_attempt(
                request,
                member=user,
                succeeded=False,
                method=ConnectionEvent.Method.PASSWORD,
                failure=ConnectionEvent.Failure.UNVERIFIED,
            )
        return super().pre_login(
            request,
            user,
            email_verification=email_verification,
            signal_kwargs=signal_kwargs,
            email=email,
            signup=signup,
            redirect_url=redirect_url,
        )

    def post_login(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        *,
        email_verification: str,
        signal_kwargs: dict[str, Any] | None,
        email: str | None,
        signup: bool,
        redirect_url: str | None,
    ) -> HttpResponse:
        response = super().post_login(
            request,
            user,
            email_verification=email_verification,
            signal_kwargs=signal_kwargs,
            email=email,
            signup=signup,
            redirect_url=redirect_url,
        )
        # A member closing their account who signs in again is offered to cancel
        # the deletion before anything else (U2).
        if (
            isinstance(user, Member)
            and user.is_closing
            and isinstance(response, HttpResponseRedirect)
        ):
            return HttpResponseRedirect(reverse("accounts:delete_cancel"))
        return response

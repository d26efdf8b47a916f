"""Members' pages of messaging: the inbox, a conversation, writing, deleting, blocking, reporting.

Every view works on ``request.user``'s own conversations and messages: a
conversation, message or block that is not theirs is answered "not found", the
same as one that does not exist, whoever asks (staff included: moderators read a
message only when it is reported to them, in the back-office).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from petite.accounts.models import Member

from . import actions, selectors
from .forms import MessageForm, NewConversationForm, ReportForm
from .models import Block, Conversation
from .selectors import Availability


def _member(request: HttpRequest) -> Member:
    user = request.user
    assert isinstance(user, Member)  # login_required guarantees it
    return user


def _unavailable_text() -> str:
    # One sentence for every reason (blocked, closing, erased): see docs/messaging.md.
    return _("This member cannot receive your messages.")


def _not_found_by_name_text() -> str:
    return _(
        "No member who can receive your messages goes by this name. Check the spelling: "
        "it must be their display name, exactly."
    )


def _rate_limited_text() -> str:
    return _("You have written a lot in a short time. Please wait a while and try again.")


def _blocked_by_you_text(name: str) -> str:
    return _("You blocked %(name)s. Unblock them to write to them again.") % {"name": name}


def _own_conversation(request: HttpRequest, conversation_id: Any) -> Conversation:
    conversation = selectors.conversation_of(_member(request), conversation_id)
    if conversation is None:
        raise Http404
    return conversation


@login_required
@require_http_methods(["GET", "HEAD"])
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request, "messaging/inbox.html", {"conversations": selectors.inbox(_member(request))}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    token = (request.POST.get("to") if request.method == "POST" else request.GET.get("to")) or ""
    addressed = selectors.member_for_address(token) if token else None
    if token and request.method != "POST" and addressed is not None:
        existing = selectors.conversation_between(member, addressed)
        if existing is not None:
            return redirect("messaging:conversation", conversation_id=existing.pk)
    status = 200
    if request.method == "POST":
        form = NewConversationForm(request.POST)
        if form.is_valid():
            recipient = addressed
            by_name = not token
            if by_name:
                found = selectors.find_by_display_name(
                    form.cleaned_data["display_name"], writer=member
                )
                if len(found) > 1:
                    form.add_error(
                        "display_name",
                        _(
                            "Several members go by this name. Write to the one you mean "
                            "from one of their public comments."
                        ),
                    )
                recipient = found[0] if len(found) == 1 else None
            if not form.errors:
                try:
                    message = actions.start_conversation(
                        author=member, recipient=recipient, body=form.cleaned_data["body"]
                    )
                except actions.BlockedByYou:
                    form.add_error(None, _blocked_by_you_text(selectors.public_name(recipient)))
                except actions.Unavailable:
                    if by_name:
                        form.add_error("display_name", _not_found_by_name_text())
                    else:
                        form.add_error(None, _unavailable_text())
                except actions.RateLimited:
                    form.add_error(None, _rate_limited_text())
                    status = 429
                except ValidationError as error:
                    form.add_error("body", error)
                else:
                    messages.success(request, _("Your message has been sent."))
                    return redirect(
                        "messaging:conversation", conversation_id=message.conversation_id
                    )
    else:
        form = NewConversationForm(initial={"to": token})
    return render(
        request,
        "messaging/new.html",
        {
            "form": form,
            "addressed_name": selectors.public_name(addressed) if addressed else "",
            "token": token,
            # A link whose member cannot be written to (or a forged one): said before typing.
            "address_unavailable": bool(token) and addressed is None and not form.is_bound,
            "unavailable_text": _unavailable_text(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation(request: HttpRequest, conversation_id: Any) -> HttpResponse:
    member = _member(request)
    found = _own_conversation(request, conversation_id)
    other = selectors.counterpart(found, member)
    status = 200
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                actions.send_message(
                    author=member, conversation=found, body=form.cleaned_data["body"]
                )
            except actions.BlockedByYou:
                form.add_error(None, _blocked_by_you_text(selectors.public_name(other)))
            except actions.Unavailable:
                form.add_error(None, _unavailable_text())
            except actions.RateLimited:
                form.add_error(None, _rate_limited_text())
                status = 429
            except ValidationError as error:
                form.add_error("body", error)
            else:
                return redirect(reverse("messaging:conversation", args=[found.pk]) + "#latest")
        if status == 200:
            status = 400
    elif request.method == "GET":
        actions.mark_read(member=member, conversation=found)
    return render(
        request,
        "messaging/conversation.html",
        {
            "conversation": found,
            "other_name": selectors.public_name(other),
            "other": other,
            "messages_list": list(selectors.messages_in(found)),
            "availability": selectors.availability(member, other).value,
            "availability_open": Availability.OPEN.value,
            "availability_blocked": Availability.BLOCKED_BY_WRITER.value,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def block(request: HttpRequest, conversation_id: Any) -> HttpResponse:
    member = _member(request)
    found = _own_conversation(request, conversation_id)
    other = selectors.counterpart(found, member)
    if other is not None:
        name = selectors.public_name(other)
        actions.block(blocker=member, blocked=other)
        messages.success(
            request,
            _(
                "You blocked %(name)s: they can no longer write to you, and they are not told. "
                "You can unblock them at any time."
            )
            % {"name": name},
        )
    return redirect("messaging:conversation", conversation_id=found.pk)


@login_required
@require_POST
def unblock(request: HttpRequest, conversation_id: Any) -> HttpResponse:
    member = _member(request)
    found = _own_conversation(request, conversation_id)
    other = selectors.counterpart(found, member)
    if other is not None and actions.unblock(blocker=member, blocked=other):
        messages.success(
            request, _("You unblocked %(name)s.") % {"name": selectors.public_name(other)}
        )
    return redirect("messaging:conversation", conversation_id=found.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def blocked(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        block_id = request.POST.get("block", "")
        found = (
            Block.objects.filter(pk=int(block_id), blocker=member).first()
            if block_id.isascii() and block_id.isdigit()
            else None
        )
        if found is None:
            raise Http404
        actions.unblock(blocker=member, blocked=found.blocked)
        messages.success(request, _("Member unblocked."))
        return redirect("messaging:blocked")
    rows = [(b, selectors.public_name(b.blocked)) for b in selectors.blocked_by(member)]
    return render(request, "messaging/blocked.html", {"blocks": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_message(request: HttpRequest, message_id: int) -> HttpResponse:
    member = _member(request)
    message = selectors.own_message(member, message_id)
    if message is None:
        raise Http404
    if request.method == "POST":
        conversation_id = message.conversation_id
        actions.delete_message(member=member, message=message)
        messages.success(request, _("Your message has been deleted, for both of you."))
        return redirect("messaging:conversation", conversation_id=conversation_id)
    return render(request, "messaging/delete.html", {"message": message})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_message(request: HttpRequest, message_id: int) -> HttpResponse:
    member = _member(request)
    message = selectors.received_message(member, message_id)
    if message is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                actions.report_message(
                    reporter=member,
                    message=message,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except actions.RateLimited:
                form.add_error(None, _rate_limited_text())
                status = 429
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: the moderators will look at this message. "
                        "Its author is not told who reported it."
                    ),
                )
                return redirect("messaging:conversation", conversation_id=message.conversation_id)
        else:
            status = 400
    else:
        form = ReportForm()
    return render(
        request,
        "messaging/report.html",
        {"form": form, "message": message, "author_name": selectors.public_name(message.author)},
        status=status,
    )

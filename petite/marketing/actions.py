"""Every write of commercial e-mail: members' choices, the suppression list, campaigns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from petite.accounts.models import Member
from petite.core import audit, bulkmail

from . import content, selectors, tasks
from .addresses import address_hash
from .models import Campaign, ConsentRecord, Source, Subscription, Suppression, Topic


class CampaignError(Exception):
    """A campaign cannot do what was asked (sending one that is not a draft...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Members' choices -------------------------------------------------------------


@dataclass
class TopicChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def _wording(topic: Topic) -> str:
    text = f"{topic.name}: {topic.description}"
    return text[: ConsentRecord._meta.get_field("wording").max_length or 420]


def _record(member: Member, topic: Topic, choice: str, source: Source) -> ConsentRecord:
    return ConsentRecord.objects.create(
        member=member,
        topic=topic,
        choice=choice,
        source=source,
        wording=_wording(topic),
        language=translation.get_language() or "",
    )


@transaction.atomic
def choose_topics(
    *, member: Member, chosen: Iterable[Topic], shown: Iterable[Topic], source: Source
) -> TopicChanges:
    """Make the member's choices among the topics ``shown`` to them equal ``chosen``.

    Each topic that changes gets a :class:`ConsentRecord` (time, source, the text
    the member read, in the active language). Topics not shown are left as they are.
    """
    chosen_slugs = {t.pk for t in chosen}
    shown_topics = {t.pk: t for t in shown}
    # Two tabs saving at once must not both add the same topic: the member's row is
    # the lock (their subscriptions may not exist yet, and locking topics would make
    # every member wait for every other).
    Member.objects.select_for_update().filter(pk=member.pk).first()
    current = set(
        Subscription.objects.filter(member=member, topic__in=list(shown_topics)).values_list(
            "topic_id", flat=True
        )
    )
    changes = TopicChanges()
    for slug, topic in shown_topics.items():
        if slug in chosen_slugs and slug not in current:
            Subscription.objects.create(member=member, topic=topic, source=source)
            _record(member, topic, ConsentRecord.Choice.OPT_IN, source)
            changes.added.append(slug)
        elif slug not in chosen_slugs and slug in current:
            Subscription.objects.filter(member=member, topic=topic).delete()
            _record(member, topic, ConsentRecord.Choice.OPT_OUT, source)
            changes.removed.append(slug)
    if changes:
        audit.record(
            "marketing.topics_chosen", actor=member, target=member, source=source, **asdict(changes)
        )
    return changes


@transaction.atomic
def withdraw(*, member: Member, topics: Iterable[Topic] | None, source: Source) -> list[str]:
    """Withdraw the member's consent to ``topics`` (every topic when None); return
    the slugs withdrawn. Withdrawing what was not given changes nothing."""
    Member.objects.select_for_update().filter(pk=member.pk).first()  # as in choose_topics
    subscriptions = Subscription.objects.filter(member=member)
    if topics is not None:
        subscriptions = subscriptions.filter(topic__in=[t.pk for t in topics])
    withdrawn = []
    for subscription in subscriptions.select_related("topic"):
        _record(member, subscription.topic, ConsentRecord.Choice.OPT_OUT, source)
        withdrawn.append(subscription.topic_id)
    subscriptions.delete()
    if withdrawn:
        # The member acted when they used their link; a provider's report is not them.
        by_member = source in (Source.UNSUBSCRIBE_LINK, Source.ONE_CLICK, Source.PREFERENCES)
        audit.record(
            "marketing.topics_withdrawn",
            actor=member if by_member else None,
            target=member,
            source=source,
            removed=withdrawn,
        )
    return withdrawn


# --- The suppression list ---------------------------------------------------------


@transaction.atomic
def suppress(
    *, address: str, reason: Suppression.Reason, actor: Member | None = None
) -> Suppression:
    """Block ``address`` from commercial e-mail. Idempotent; a complaint outranks a bounce.

    A complaint also withdraws every topic of the member who has that address:
    reporting a message as spam is the strongest way of saying "stop".
    """
    digest = address_hash(address)
    owner = Member.objects.filter(email__iexact=address.strip()).first()
    entry, created = Suppression.objects.select_for_update().get_or_create(
        address_hash=digest, defaults={"reason": reason, "member": owner}
    )
    upgraded = not created and reason == Suppression.Reason.COMPLAINT and entry.reason != reason
    if upgraded:
        entry.reason = reason
        entry.save(update_fields=["reason"])
    if created or upgraded:
        audit.record(
            "marketing.address_suppressed",
            actor=actor,
            target=entry,
            reason=str(reason),
        )
    if reason == Suppression.Reason.COMPLAINT and owner is not None:
        withdraw(member=owner, topics=None, source=Source.COMPLAINT)
    return entry


@transaction.atomic
def lift_suppressions(*, entries: Iterable[Suppression], actor: Member) -> int:
    """Remove entries from the list (the owner's mailbox works again, they asked us)."""
    ids = [e.pk for e in entries]
    reasons = list(Suppression.objects.filter(pk__in=ids).values_list("reason", flat=True))
    deleted, _ = Suppression.objects.filter(pk__in=ids).delete()
    if deleted:
        audit.record("marketing.suppression_lifted", actor=actor, entries=ids, reasons=reasons)
    return deleted


def handle_provider_event(*, event_type: str, recipient: str, reject_reason: str | None) -> str:
    """What a delivery event from the mail provider does; returns what was done.

    A permanent bounce (or a refusal because the address bounced before) and a
    complaint suppress the address; the provider's own unsubscribe withdraws every
    topic. Temporary failures, deliveries, opens and clicks change nothing.
    """
    if not recipient:
        return "ignored"
    if event_type == "complained" or (event_type == "rejected" and reject_reason == "spam"):
        suppress(address=recipient, reason=Suppression.Reason.COMPLAINT)
        return "suppressed"
    if event_type == "bounced" or (event_type == "rejected" and reject_reason == "bounced"):
        suppress(address=recipient, reason=Suppression.Reason.BOUNCE)
        return "suppressed"
    if event_type == "unsubscribed":
        owner = Member.objects.filter(email__iexact=recipient.strip()).first()
        if owner is not None:
            withdraw(member=owner, topics=None, source=Source.PROVIDER)
        return "unsubscribed"
    return "ignored"


# --- Campaigns --------------------------------------------------------------------


@transaction.atomic
def save_campaign(*, campaign: Campaign, actor: Member) -> Campaign:
    """Create or change a draft. An HTML body is stored sanitised, so that what staff
    see when they open it again is what members receive."""
    created = campaign.pk is None
    if not created:
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if stored.status != Campaign.Status.DRAFT:
            raise CampaignError(_not_a_draft())
    if campaign.body_format == Campaign.Format.HTML:
        campaign.body_en = content.sanitise(campaign.body_en)
        campaign.body_fr = content.sanitise(campaign.body_fr)
    if created:
        campaign.created_by = actor
    campaign.full_clean()
    campaign.save()
    audit.record(
        "marketing.campaign_created" if created else "marketing.campaign_changed",
        actor=actor,
        target=campaign,
    )
    return campaign


def _not_a_draft() -> str:
    return gettext("Only a draft can be changed or sent; this campaign is already being sent.")


@transaction.atomic
def start_sending(*, campaign: Campaign, actor: Member) -> int:
    """Plan one message per member who chose the topic, then send them in the
    background; return how many were planned. Consent is asked again for each
    member when their message is built, so a withdrawal until then is honoured."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != Campaign.Status.DRAFT:
        raise CampaignError(_not_a_draft())
    locked.status = Campaign.Status.SENDING
    locked.sending_started_at = timezone.now()
    locked.save(update_fields=["status", "sending_started_at", "updated_at"])
    planned = bulkmail.plan(
        locked.deliveries.all(), members=selectors.audience(locked), campaign=locked
    )
    audit.record("marketing.campaign_sending", actor=actor, target=locked, planned=planned)
    campaign_id = locked.pk
    transaction.on_commit(lambda: tasks.send_campaign.enqueue(campaign_id))
    campaign.refresh_from_db()
    return planned


@transaction.atomic
def finish_sending(*, campaign: Campaign) -> bool:
    """Mark a sending campaign sent once nothing is left to try; keep its counts."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != Campaign.Status.SENDING:
        return False
    progress = bulkmail.progress(locked.deliveries.all())
    if not progress.done:
        return False
    locked.status = Campaign.Status.SENT
    locked.sending_finished_at = timezone.now()
    locked.totals = asdict(progress)
    locked.save(update_fields=["status", "sending_finished_at", "totals", "updated_at"])
    audit.record("marketing.campaign_sent", actor=None, target=locked, **asdict(progress))
    return True


@transaction.atomic
def delete_drafts(*, campaigns: Iterable[Campaign], actor: Member) -> int:
    """Discard draft campaigns; a campaign that was sent stays, as the record of it."""
    ids = [c.pk for c in campaigns]
    drafts = Campaign.objects.filter(pk__in=ids, status=Campaign.Status.DRAFT)
    deleted_ids = list(drafts.values_list("pk", flat=True))
    drafts.delete()
    if deleted_ids:
        audit.record("marketing.campaigns_deleted", actor=actor, campaigns=deleted_ids)
    return len(deleted_ids)


# --- Topics -----------------------------------------------------------------------


@transaction.atomic
def save_topic(*, topic: Topic, actor: Member | None) -> Topic:
    """Create or change a topic (its name, description, whether it is offered)."""
    created = not Topic.objects.filter(pk=topic.pk).exists()
    topic.full_clean(validate_unique=created)
    topic.save()
    audit.record(
        "marketing.topic_created" if created else "marketing.topic_changed",
        actor=actor,
        target=topic,
    )
    return topic

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "petite.marketing"
    verbose_name = _("Newsletter and offers")

    def ready(self) -> None:
        from anymail.signals import tracking

        from petite.core import navigation
        from petite.privacy import consent

        from . import selectors

        navigation.settings_page(
            section=navigation.EMAILS,
            label=_("Newsletter topics"),
            url_name="marketing:preferences",
            order=10,
        )

        # The one answer to "may this member get commercial e-mail on this topic now?"
        consent.provide("marketing", selectors.consents)
        # anymail hands delivery events (bounces, complaints) over only through its signal.
        tracking.connect(receive_tracking_event, dispatch_uid="petite.marketing.tracking")


def receive_tracking_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Receiver of anymail's ``tracking`` signal: hands the event to the action."""
    from . import actions

    actions.handle_provider_event(
        event_type=str(event.event_type or ""),
        recipient=str(event.recipient or ""),
        reject_reason=str(event.reject_reason) if event.reject_reason else None,
    )

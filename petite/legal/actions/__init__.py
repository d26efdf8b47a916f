"""Every write of the legal app: the authority-request register, holds, transfers."""

from .holds import lift_hold, place_hold
from .requests import (
    decide,
    download,
    extend_gag,
    lapse_gags,
    lift_gag,
    produce_disclosure,
    record_art48_check,
    record_request,
    remind_gag_reviews,
)
from .transfers import execute_transfer, object_to_transfer, record_transfer, start_notices

__all__ = [
    "decide",
    "download",
    "execute_transfer",
    "extend_gag",
    "lapse_gags",
    "lift_gag",
    "lift_hold",
    "object_to_transfer",
    "place_hold",
    "produce_disclosure",
    "record_art48_check",
    "record_request",
    "record_transfer",
    "remind_gag_reviews",
    "start_notices",
]

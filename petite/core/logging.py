"""Keep personal data out of logs and error reports (SEC1, R1.3).

The exception reporter hides every setting, POST field and local variable whose
name says it may hold personal data, and the log filter redacts e-mail
addresses and IP addresses from messages.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

_PERSONAL = re.compile(
    r"API|AUTH|TOKEN|KEY|SECRET|SALT|PASS|SIGNATURE|ADDRESS|STREET|POSTCODE|CITY|EMAIL|NAME|PHONE|BIO|MESSAGE",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = _PERSONAL

    def get_post_parameters(self, request: Any) -> Any:
        if request is None:
            return {}
        cleansed = request.POST.copy()
        for name in cleansed:
            if name != "csrfmiddlewaretoken":
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return [
            (name, self.cleansed_substitute)
            for name, _ in super().get_traceback_frame_variables(request, tb_frame)
        ]


def redact(text: str) -> str:
    return _IPV4.sub("[ip]", _EMAIL.sub("[email]", text))


class ScrubPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = redact(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True

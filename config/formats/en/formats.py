"""One date format for English pages and e-mails: "4 December 2026", "4 December 2026, 18:08".

Django's defaults mix "Dec. 4, 2026", "12/04/2026" and "6:08 p.m." (which a sentence's
full stop turns into "p.m..").
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"

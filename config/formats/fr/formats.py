"""One date format for French pages and e-mails: « 4 décembre 2026 », « 4 décembre 2026 à 18:08 »."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y à H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y à H:i"
MONTH_DAY_FORMAT = "j F"

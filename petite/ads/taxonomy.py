"""The interest taxonomy's one rule: no GDPR Art. 9 special category, ever.

Profiling on health, religion, politics, ethnicity, sexual orientation or sex
life, trade-union membership, genetics or biometrics is forbidden (GDPR Art. 9,
DSA Art. 26(3)). An interest whose name or page contexts touch one of them is
refused when it is created or edited, in English and French, whatever the path
(back-office, action, data migration). The list errs on the side of refusing.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# Stems, matched at the start of a word after accents are removed and case folded.
SPECIAL_CATEGORY_STEMS: tuple[str, ...] = (
    # health, body, sexuality
    "health",
    "sante",
    "medic",
    "medec",
    "disease",
    "malad",
    "illness",
    "cancer",
    "diabet",
    "pregnan",
    "grossesse",
    "enceinte",
    "fertil",
    "hiv",
    "vih",
    "aids",
    "sida",
    "mental",
    "psychiat",
    "depress",
    "therap",
    "pharma",
    "disab",
    "handicap",
    "sexual",
    "sexuel",
    "sex",
    "gay",
    "lesbi",
    "lgbt",
    "queer",
    "transgender",
    "bisexu",
    "dating",
    "rencontre",
    # origin
    "racial",
    "racism",
    "ethnic",
    "ethni",
    "migrant",
    "immigra",
    # beliefs
    "relig",
    "faith",
    "croyance",
    "church",
    "eglise",
    "mosque",
    "synagog",
    "christian",
    "chretien",
    "muslim",
    "musulman",
    "islam",
    "jewish",
    "juif",
    "juive",
    "catholi",
    "protestan",
    "hindu",
    "hindou",
    "buddh",
    "bouddh",
    "atheis",
    "spiritu",
    "politi",
    "political party",
    "parti politique",
    "election",
    "vote",
    "left wing",
    "right wing",
    "philosoph",
    # membership, genetics, biometrics
    "trade union",
    "syndic",
    "genetic",
    "genetiq",
    "dna",
    "adn",
    "biometr",
)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def special_category_in(*texts: str) -> str | None:
    """The forbidden stem one of ``texts`` touches, or None."""
    for text in texts:
        folded = _folded(text)
        words = re.findall(r"[a-z0-9]+", folded)
        joined = f" {' '.join(words)} "
        for stem in SPECIAL_CATEGORY_STEMS:
            if " " in stem:
                if f" {stem}" in joined:
                    return stem
            elif any(word.startswith(stem) for word in words):
                return stem
    return None


SPECIAL_CATEGORY_MESSAGE = _(
    "Interests about health, sexual life or orientation, racial or ethnic origin, religious "
    "or philosophical beliefs, political opinions, trade-union membership, genetics or "
    "biometrics cannot be used for advertising (GDPR Art. 9, DSA Art. 26(3))."
)

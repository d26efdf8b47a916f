"""A first guess at what a written request asks for, and in which language.

Requests arrive as free text in English or French. The guess only sorts the
queue: staff read every request and change its type when the guess is wrong.
"""

from __future__ import annotations

import re
import unicodedata

from .models import DataRequest

Kind = DataRequest.Kind

# Most specific first: "supprimer mon compte" is an account deletion, although
# "supprimer" alone would also suggest erasure. Patterns match text that was
# lower-cased and stripped of accents ("accès" -> "acces").
_KIND_PATTERNS: list[tuple[str, list[str]]] = [
    (
        Kind.ACCOUNT_DELETION,
        [
            r"\b(delete|close|remove|cancel|deactivate)\w* (of )?(my |the )?account",
            r"\baccount (deletion|closure|removal)",
            r"\b(supprim|ferm|clotur|desactiv|effac)\w* (de )?(mon|le) compte",
            r"\b(suppression|fermeture|cloture|desactivation) (de )?(mon|du) compte",
        ],
    ),
    (
        Kind.ERASURE,
        [
            r"\berasure\b",
            r"\berase\b",
            r"\beffacement",
            r"\beffacer\b",
            r"\bright to be forgotten",
            r"\bdroit a l.oubli",
            r"\b(delete|remove)\w* (all )?(of )?my (personal )?(data|information)",
            r"\b(supprim|effac)\w* (toutes )?mes (donnees|informations)",
            r"\bsuppression (de )?(toutes )?mes (donnees|informations)",
            r"\barticle 17\b",
        ],
    ),
    (
        Kind.RECTIFICATION,
        [
            r"\brectif",
            r"\bcorrect",
            r"\bcorrig",
            r"\bincorrect",
            r"\bupdate my\b",
            r"\binaccura",
            r"\binexact",
            r"\berron",
            r"\bmettre a jour\b",
            r"\bmise a jour\b",
            r"\barticle 16\b",
        ],
    ),
    (
        Kind.ACCESS,
        [
            r"\baccess\b",
            r"\bacces\b",
            r"\bcop(y|ie)\b",
            r"\bexport",
            r"\bportabilit",
            r"\bsubject access",
            r"\barticle 15\b",
            r"\barticle 20\b",
        ],
    ),
    (
        Kind.OBJECTION,
        [
            r"\bobject(ion)?\b",
            r"\bopposition\b",
            r"\bm.oppose",
            r"\bs.opposer\b",
            r"\barticle 21\b",
        ],
    ),
]
_COMPILED = [(kind, [re.compile(p) for p in patterns]) for kind, patterns in _KIND_PATTERNS]

# A few very frequent words of each language: enough to pick the language of a
# reply for a message that says which right it exercises.
_FRENCH = frozenset(
    [
        "bonjour",
        "madame",
        "monsieur",
        "je",
        "mes",
        "mon",
        "ma",
        "les",
        "des",
        "donnees",
        "merci",
        "vous",
        "votre",
        "vos",
        "suis",
        "compte",
        "demande",
        "souhaite",
        "droit",
        "cordialement",
    ]
)
_ENGLISH = frozenset(
    [
        "hello",
        "dear",
        "i",
        "my",
        "the",
        "data",
        "thank",
        "thanks",
        "you",
        "your",
        "am",
        "account",
        "request",
        "would",
        "like",
        "right",
        "regards",
        "please",
    ]
)
_WORD = re.compile(r"[a-z]+")


def normalise(text: str) -> str:
    """Lower case without accents, for matching keywords."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def guess_kind(*texts: str) -> str:
    """The request type the words suggest, or OTHER."""
    haystack = normalise(" ".join(texts))
    for kind, patterns in _COMPILED:
        if any(p.search(haystack) for p in patterns):
            return kind
    return Kind.OTHER


def guess_language(*texts: str) -> str:
    """ "fr" or "en" when the text clearly is one of them, else ""."""
    words = _WORD.findall(normalise(" ".join(texts)))
    french = sum(word in _FRENCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return ""

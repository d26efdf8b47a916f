"""Settings for the Petite platform: one module, read from the environment.

Every value has a safe embedded default so that `make run` needs no service:
SQLite under ``var/``, e-mail written to files under ``var/mail``, tasks in the
database. An integration switches on when its environment variable is present
(``DATABASE_URL``, ``REDIS_URL``, ``EMAIL_URL``...). See docs/operations.md.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the platform writes (the SQLite database and its -wal/-shm files,
# e-mail files, exports, evidence, quarantine) holds personal data: readable by
# the platform's own user only, whatever the shell's umask was.
os.umask(0o077)
VAR_DIR = Path(os.environ.get("PETITE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _local_secret(filename: str, make: Callable[[], str]) -> str:
    """A development secret generated once and kept in var/, never committed."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY") or _local_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's public address, used in e-mails sent outside a request (tasks).
SITE_URL = env("PETITE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The site's name as members read it: page titles, e-mail subjects and signatures.
PETITE_SITE_NAME = env("PETITE_SITE_NAME", "Petite")

# Connection and usage logging (R1.2). On by default; switching it off exists so
# that bench/ can measure its cost on the same server.
PETITE_ACTIVITY_LOGGING = env_bool("PETITE_ACTIVITY_LOGGING", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "anymail",
    "oauth2_provider",
    "petite.core",
    "petite.privacy",
    "petite.accounts",
    "petite.portraits",
    "petite.contact",
    "petite.rights",
    "petite.datarequests",
    "petite.policies",
    "petite.consent",
    "petite.marketing",
    "petite.messaging",
    "petite.comments",
    "petite.thirdparty",
    "petite.payments",
    "petite.support",
    "petite.security",
    "petite.legal",
    "petite.ads",
    "petite.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every response to a member or an API token: Cache-Control: private, no-store;
    # every response: a Permissions-Policy (petite/accounts/private.py).
    "petite.accounts.private.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "petite.consent.middleware.ConsentMiddleware",
    "petite.accounts.activity.SessionActivityMiddleware",
    "petite.accounts.middleware.StaffMFAMiddleware",
    "petite.security.middleware.DeviceCookieMiddleware",
    *(["petite.accounts.middleware.UsageMiddleware"] if PETITE_ACTIVITY_LOGGING else []),
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "petite.core.context_processors.platform",
                "petite.core.context_processors.settings_navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'petite.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without
    # "database is locked" errors; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: freed pages and cells are overwritten with zeros, so erased
        # data does not linger in the file (petite/core/disk.py, docs/operations.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, local memory otherwise -------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "petite",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------
TASKS = {"default": {"BACKEND": env("PETITE_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Member"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 2.1: at least 12 characters, no composition rules, refuse common ones.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "petite.accounts.validators.MaximumLengthValidator"},
    {"NAME": "petite.security.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "petite.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "petite.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Signed in after confirming the address, when the same browser started the sign-up
# (allauth checks the sign-up it kept in that session; another browser signs in as usual).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Adding, changing, making primary or removing an e-mail address asks for the password
# again (ASVS 3.7.1); so do changing the password (petite.accounts.views.password_change)
# and turning two-factor off (MFA_REAUTHENTICATION_REQUIRED, allauth's default).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_REAUTHENTICATION_REQUIRED = True
# allauth e-mails a notice for each change to the account: the e-mail change notice goes
# to the OLD address. Our templates (templates/account/email/) add a "this wasn't me" link.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# How long the "this wasn't me" link of those notices works.
PETITE_NOT_ME_LINK_DAYS = env_int("PETITE_NOT_ME_LINK_DAYS", 14)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PETITE_SITE_NAME}] "
# allauth's messages name the member by their first name, never "Member #N" (Member.__str__,
# which the admin's history keeps, deliberately holds no name).
ACCOUNT_USER_DISPLAY = "petite.accounts.selectors.display_name"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are slowed by petite.accounts.throttle (per address and network,
    # and per network), never locked by address alone: allauth's own limit is off.
    "login_failed": "",
    # Sign-ups per IP address: a burst limit, and a daily one against mass account creation (P8).
    "signup": f"20/m/ip,{env_int('PETITE_SIGNUPS_PER_IP_PER_DAY', 5)}/d/ip",
    # Reset e-mails: per IP, and per address (3 an hour, 5 a day, like the contact form).
    "reset_password": "20/m/ip,3/h/key,5/d/key",
    "change_email": "1/m/user",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PETITE_SITE_NAME
USERSESSIONS_TRACK_ACTIVITY = PETITE_ACTIVITY_LOGGING

# Sign-in throttle (P8, ASVS 2.2.1; docs/security.md): failures allowed per (address,
# network) and per network (IPv4 address, IPv6 /64) before each attempt waits, doubling
# from 1 second up to the ceiling; a counter is forgotten after that long without failures.
PETITE_SIGNIN_ACCOUNT_ALLOWANCE = env_int("PETITE_SIGNIN_ACCOUNT_ALLOWANCE", 5)
PETITE_SIGNIN_ACCOUNT_FORGET_SECONDS = env_int("PETITE_SIGNIN_ACCOUNT_FORGET_SECONDS", 24 * 3600)
PETITE_SIGNIN_NETWORK_ALLOWANCE = env_int("PETITE_SIGNIN_NETWORK_ALLOWANCE", 30)
PETITE_SIGNIN_NETWORK_FORGET_SECONDS = env_int("PETITE_SIGNIN_NETWORK_FORGET_SECONDS", 3600)
PETITE_SIGNIN_MAX_DELAY_SECONDS = env_int("PETITE_SIGNIN_MAX_DELAY_SECONDS", 15 * 60)

# axes records failed attempts for the back-office but locks nobody out: a lock is a
# weapon against the owner (issue 11); the throttle above delays instead.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = env_int("PETITE_AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2"]
# The connection log already records successful sign-ins: axes keeps only lockout counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_CLIENT_IP_CALLABLE = "petite.accounts.network.client_ip"

# Proxy headers are trusted only when the operator says how many proxies stand
# in front of the platform (0 = none: X-Forwarded-For is ignored).
PETITE_TRUSTED_PROXY_COUNT = env_int("PETITE_TRUSTED_PROXY_COUNT", 0)
# Location: geoip2fast's bundled offline data, or a MaxMind database by path.
PETITE_GEOIP_MAXMIND_PATH = env("PETITE_GEOIP_MAXMIND_PATH")

# --- Retention (days), read by the retention engine -----------------------------
PETITE_CONNECTION_RETENTION_DAYS = env_int("PETITE_CONNECTION_RETENTION_DAYS", 365)
PETITE_USAGE_RETENTION_DAYS = env_int("PETITE_USAGE_RETENTION_DAYS", 396)
PETITE_CONTACT_RETENTION_DAYS = env_int("PETITE_CONTACT_RETENTION_DAYS", 3 * 365)
# Rights requests are proof that we answered them: kept for the 5-year civil
# limitation period (French Civil Code art. 2224), pseudonymised once erased.
PETITE_DATA_REQUEST_RETENTION_DAYS = env_int("PETITE_DATA_REQUEST_RETENTION_DAYS", 5 * 365 + 1)
# Help requests (P6): kept 3 years after they are closed, then deleted.
PETITE_HELP_REQUEST_RETENTION_DAYS = env_int("PETITE_HELP_REQUEST_RETENTION_DAYS", 3 * 365)

# --- Members' rights (U1-U6) ----------------------------------------------------
# Exports are built outside the web root and served only to their member.
PETITE_EXPORT_DIR = Path(env("PETITE_EXPORT_DIR", str(VAR_DIR / "exports")))
PETITE_EXPORT_EXPIRY_DAYS = env_int("PETITE_EXPORT_EXPIRY_DAYS", 7)
PETITE_EXPORT_MEMBER_INTERVAL_HOURS = env_int("PETITE_EXPORT_MEMBER_INTERVAL_HOURS", 24)
PETITE_ACCOUNT_DELETION_GRACE_DAYS = env_int("PETITE_ACCOUNT_DELETION_GRACE_DAYS", 14)
# Salt of the e-mail hash kept in erasure receipts (no other personal data is kept).
PETITE_RECEIPT_SALT = env("PETITE_RECEIPT_SALT") or _local_secret(
    "receipt_salt", lambda: secrets.token_hex(32)
)

# --- Field encryption: comma-separated Fernet keys, newest first -----------------
PETITE_FIELD_KEYS = env_list("PETITE_FIELD_KEYS") or [
    _local_secret("field_key", lambda: Fernet.generate_key().decode())
]

# --- E-mail ---------------------------------------------------------------------
# PETITE_EMAIL picks the mailer: "file" (default: one file per message under
# var/mail), "console", or "smtp" (EMAIL_HOST, EMAIL_PORT...).
PETITE_EMAIL = env("PETITE_EMAIL", "file")
PETITE_MAIL_DIR = Path(env("PETITE_MAIL_DIR", str(VAR_DIR / "mail")))
_MAILER_OPTIONS: dict[str, dict[str, object]] = {
    "file": {
        "BACKEND": "petite.core.mail.FileEmailBackend",
        "OPTIONS": {"file_path": str(PETITE_MAIL_DIR)},
    },
    "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
    "smtp": {
        "BACKEND": "petite.core.mail.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env("EMAIL_HOST_USER"),
            "password": env("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": 30,
        },
    },
}
MAILERS = {"default": _MAILER_OPTIONS[PETITE_EMAIL]}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Petite <noreply@petite.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The addresses the clause publishes (§5) and the team's inbox for the contact form.
PETITE_TEAM_EMAIL = env("PETITE_TEAM_EMAIL", "team@petite.example")
PETITE_PRIVACY_EMAIL = env("PETITE_PRIVACY_EMAIL", "privacy@petite.example")
# The help desk (P6): replies come back to "<local part>+<signed token>@<domain>".
PETITE_SUPPORT_EMAIL = env("PETITE_SUPPORT_EMAIL", "help@petite.example")
PETITE_HELP_FIRST_RESPONSE_HOURS = env_int("PETITE_HELP_FIRST_RESPONSE_HOURS", 24)
PETITE_HELP_RESOLUTION_HOURS = env_int("PETITE_HELP_RESOLUTION_HOURS", 5 * 24)
# The staff access log (S4, SEC1); off only to measure its cost (bench/).
PETITE_ACCESS_LOG = env_bool("PETITE_ACCESS_LOG", True)
PETITE_CONTROLLER_NAME = env("PETITE_CONTROLLER_NAME", "Petite and So What")

# Bulk e-mail (policy notices, campaigns: petite/core/bulkmail.py): which mailer
# sends it, how many messages a batch takes, how long a worker's claim lasts
# before a crash is assumed, and the back-off of failed attempts.
PETITE_BULKMAIL_MAILER = env("PETITE_BULKMAIL_MAILER", "default")
PETITE_BULKMAIL_BATCH_SIZE = env_int("PETITE_BULKMAIL_BATCH_SIZE", 200)
PETITE_BULKMAIL_LEASE_SECONDS = env_int("PETITE_BULKMAIL_LEASE_SECONDS", 600)
PETITE_BULKMAIL_RETRY_SECONDS = env_int("PETITE_BULKMAIL_RETRY_SECONDS", 60)
PETITE_BULKMAIL_MAX_ATTEMPTS = env_int("PETITE_BULKMAIL_MAX_ATTEMPTS", 5)
PETITE_BULKMAIL_MESSAGE_ID_DOMAIN = env("PETITE_BULKMAIL_MESSAGE_ID_DOMAIN", "petite.example")

# --- Inbound e-mail: requests written to PETITE_PRIVACY_EMAIL (U2-U6) -------------
# Mailgun signs its inbound webhook with the account's HTTP webhook signing key;
# anymail refuses any POST without a valid signature. Without the variable, a key
# generated once in var/ (known to nobody) means nothing is accepted.
ANYMAIL = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY")
    or _local_secret("mailgun_webhook_signing_key", lambda: secrets.token_hex(32)),
}
# How long database backups are kept (manage.py backup): the erasure ledger keeps its
# salted hashes as long, so that restoring any backup erases again whoever was
# erased after it was taken (docs/operations.md).
PETITE_BACKUP_RETENTION_DAYS = env_int("PETITE_BACKUP_RETENTION_DAYS", 35)
PETITE_BACKUP_DIR = Path(env("PETITE_BACKUP_DIR", str(VAR_DIR / "backups")))
# Inbound mail the desk cannot read is kept here, byte for byte, for staff.
PETITE_DATA_REQUEST_QUARANTINE_DIR = Path(
    env("PETITE_DATA_REQUEST_QUARANTINE_DIR", str(VAR_DIR / "quarantine" / "data-requests"))
)
# Days a quarantined message is kept before the retention engine deletes it.
PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS = env_int(
    "PETITE_DATA_REQUEST_QUARANTINE_RETENTION_DAYS", 30
)

# --- Policy versions and the 15-day notice (E1-E4) --------------------------------
# Days between the last notice e-mail of a new version and its effective date. The
# clause promises at least 15: a smaller value is raised to 15.
PETITE_POLICY_NOTICE_DAYS = max(15, env_int("PETITE_POLICY_NOTICE_DAYS", 15))
# Notices sent per batch task (one mailer connection per batch).
PETITE_POLICY_NOTICE_BATCH_SIZE = env_int("PETITE_POLICY_NOTICE_BATCH_SIZE", 500)

# --- Authority requests, legal holds and transfers (S5, S6) ----------------------
# The register of authority requests and transfers, and the records naming members
# in them, are kept 5 years (the civil limitation period), then deleted.
PETITE_LEGAL_REGISTER_RETENTION_DAYS = env_int("PETITE_LEGAL_REGISTER_RETENTION_DAYS", 5 * 365 + 1)
# How long an authority's one-time download link lives.
PETITE_LEGAL_DOWNLOAD_HOURS = env_int("PETITE_LEGAL_DOWNLOAD_HOURS", 72)
# Days before a non-disclosure order's review date when the team is reminded.
PETITE_LEGAL_GAG_REMINDER_DAYS = env_int("PETITE_LEGAL_GAG_REMINDER_DAYS", 14)
# Days between the last transfer notice and the transfer: at least the 15 of E3.
PETITE_TRANSFER_NOTICE_DAYS = max(15, env_int("PETITE_TRANSFER_NOTICE_DAYS", 30))
# Members in a transfer's scope by default: active within this many days (CNIL: 3 years).
PETITE_TRANSFER_ACTIVE_DAYS = env_int("PETITE_TRANSFER_ACTIVE_DAYS", 3 * 365)

# --- Cookie consent (R1.5, P2, P7) -------------------------------------------------
# The visitor's choice lives in one strictly necessary, signed cookie (docs/consent.md).
# `__Host-` binds it to this host over HTTPS, like the session and CSRF cookies.
PETITE_CONSENT_COOKIE_NAME = env(
    "PETITE_CONSENT_COOKIE_NAME",
    "__Host-consent" if env_bool("PETITE_HTTPS", False) else "consent",
)
# How long a choice holds before the banner asks again (CNIL: 6 months).
PETITE_CONSENT_MAX_AGE_DAYS = env_int("PETITE_CONSENT_MAX_AGE_DAYS", 182)
# How long the ledger keeps the proof of each choice: the choice's own lifetime plus
# the 13 months (396 days) of usage counts collected under it, rounded up.
PETITE_CONSENT_RECORD_RETENTION_DAYS = env_int("PETITE_CONSENT_RECORD_RETENTION_DAYS", 730)
# Choices one client address may record in 10 minutes (each one writes a ledger row).
PETITE_CONSENT_RATE_LIMIT = env_int("PETITE_CONSENT_RATE_LIMIT", 30)
# A refused CSRF check explains plainly when the browser blocks cookies.
CSRF_FAILURE_VIEW = "petite.consent.views.csrf_failure"

# --- Commercial e-mail (P10) -------------------------------------------------------
# The suppression list keeps an HMAC of each blocked address under this key, never
# the address. Changing it makes every existing entry unmatchable (there is no
# address to hash again): set it once per deployment and keep it. See docs/marketing.md.
PETITE_MARKETING_SUPPRESSION_KEY = env("PETITE_MARKETING_SUPPRESSION_KEY") or _local_secret(
    "marketing_suppression_key", lambda: secrets.token_hex(32)
)
# How long the signed unsubscribe link in a campaign works (days): long, since people
# unsubscribe from old messages, but finite.
PETITE_MARKETING_UNSUBSCRIBE_DAYS = env_int("PETITE_MARKETING_UNSUBSCRIBE_DAYS", 365)
# How long an address stays suppressed after a bounce or a complaint (days); the CNIL
# asks that objections be honoured for at least three years.
PETITE_MARKETING_SUPPRESSION_RETENTION_DAYS = env_int(
    "PETITE_MARKETING_SUPPRESSION_RETENTION_DAYS", 3 * 365
)
# How long the record of each campaign message sent to a member is kept (days).
PETITE_MARKETING_DELIVERY_RETENTION_DAYS = env_int("PETITE_MARKETING_DELIVERY_RETENTION_DAYS", 365)

# --- Messaging (P5) and public comments (S2) ---------------------------------------
# Longest message and comment, in characters (longer ones are refused with a message).
PETITE_MESSAGE_MAX_LENGTH = env_int("PETITE_MESSAGE_MAX_LENGTH", 5000)
PETITE_COMMENT_MAX_LENGTH = env_int("PETITE_COMMENT_MAX_LENGTH", 3000)
# Rate limits against spam, counted per member in the cache: messages per hour,
# new conversations per day, comments per hour, reports per day.
PETITE_MESSAGES_PER_HOUR = env_int("PETITE_MESSAGES_PER_HOUR", 60)
PETITE_NEW_CONVERSATIONS_PER_DAY = env_int("PETITE_NEW_CONVERSATIONS_PER_DAY", 20)
PETITE_COMMENTS_PER_HOUR = env_int("PETITE_COMMENTS_PER_HOUR", 20)
PETITE_MESSAGE_REPORTS_PER_DAY = env_int("PETITE_MESSAGE_REPORTS_PER_DAY", 20)


# --- Third-party apps: OAuth 2 / OpenID Connect and the API (S3) --------------------
def _oidc_rsa_private_key() -> str:
    """The RSA key that signs ID tokens: PETITE_OIDC_RSA_PRIVATE_KEY (PEM), or a
    development key generated once in var/."""

    def make() -> str:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    return env("PETITE_OIDC_RSA_PRIVATE_KEY").replace("\\n", "\n") or _local_secret(
        "oidc_rsa_private_key.pem", make
    )


# django-oauth-toolkit's application model, swapped for ours (owner, privacy policy URL).
OAUTH2_PROVIDER_APPLICATION_MODEL = "thirdparty.Application"
# Plain http redirect URIs (an app on 127.0.0.1 during development) only without HTTPS.
_OAUTH_REDIRECT_SCHEMES = env_list(
    "PETITE_OAUTH_REDIRECT_SCHEMES", "https" if env_bool("PETITE_HTTPS") else "https,http"
)
_HIDDEN_OAUTH_ADMIN = "petite.thirdparty.admin.HiddenAdmin"
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "petite.thirdparty.oauth.Validator",
    "SCOPES_BACKEND_CLASS": "petite.thirdparty.scopes.ScopesBackend",
    # Authorisation code with PKCE (S256) only: no implicit, password or plain PKCE.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    # Tokens are kept only as SHA-256 checksums.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_rsa_private_key(),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    # Each app gets its own identifier for a member: apps cannot match members up.
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    # Refresh tokens rotate; replaying a used one revokes the whole family.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("PETITE_OAUTH_ACCESS_TOKEN_SECONDS", 3600),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("PETITE_OAUTH_ACCESS_TOKEN_SECONDS", 3600),
    # An app unused for this long must ask the member again.
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("PETITE_OAUTH_REFRESH_TOKEN_DAYS", 90) * 24 * 3600,
    # The consent screen is skipped only while the app holds a live token for the same scopes.
    "REQUEST_APPROVAL_PROMPT": "auto",
    "ALLOWED_REDIRECT_URI_SCHEMES": _OAUTH_REDIRECT_SCHEMES,
    "ALLOWED_SCHEMES": ["https"],
    "APPLICATION_ADMIN_CLASS": "petite.thirdparty.admin.ApplicationAdmin",
    # Staff have no use for members' codes and tokens: those admin pages do not exist.
    "ACCESS_TOKEN_ADMIN_CLASS": _HIDDEN_OAUTH_ADMIN,
    "REFRESH_TOKEN_ADMIN_CLASS": _HIDDEN_OAUTH_ADMIN,
    "ID_TOKEN_ADMIN_CLASS": _HIDDEN_OAUTH_ADMIN,
    "GRANT_ADMIN_CLASS": _HIDDEN_OAUTH_ADMIN,
}
# The key of each app's pairwise subject identifier (changing it changes every identifier).
PETITE_OIDC_SUBJECT_KEY = env("PETITE_OIDC_SUBJECT_KEY") or _local_secret(
    "oidc_subject_key", lambda: secrets.token_hex(32)
)
# Requests per member (session) or per token (app) to the JSON API.
PETITE_API_RATE = env("PETITE_API_RATE", "120/m")
# How many reads each app shows on the "Authorised apps" page (the full log has its own page).
PETITE_APPS_RECENT_READS = env_int("PETITE_APPS_RECENT_READS", 5)

# --- Payments: Stripe, PayPal, receipts, disputes (P3, P9, S1) ----------------------
# A processor is offered only when its keys are set (docs/payments.md). Without any,
# the offers page says payments are not configured: `make run` needs no internet.
PETITE_STRIPE_SECRET_KEY = env("PETITE_STRIPE_SECRET_KEY")
PETITE_STRIPE_PUBLISHABLE_KEY = env("PETITE_STRIPE_PUBLISHABLE_KEY")
PETITE_STRIPE_WEBHOOK_SECRET = env("PETITE_STRIPE_WEBHOOK_SECRET")
# Empty: Stripe's own API. Tests point it at a local fake.
PETITE_STRIPE_API_BASE = env("PETITE_STRIPE_API_BASE")
PETITE_PAYPAL_CLIENT_ID = env("PETITE_PAYPAL_CLIENT_ID")
PETITE_PAYPAL_CLIENT_SECRET = env("PETITE_PAYPAL_CLIENT_SECRET")
PETITE_PAYPAL_WEBHOOK_ID = env("PETITE_PAYPAL_WEBHOOK_ID")
PETITE_PAYPAL_ENVIRONMENT = env("PETITE_PAYPAL_ENVIRONMENT", "sandbox")  # or "live"
PETITE_PAYPAL_API_BASE = env("PETITE_PAYPAL_API_BASE")
# A processor slower than this is "not answering": the order stays pending.
PETITE_PAYMENTS_TIMEOUT_SECONDS = env_int("PETITE_PAYMENTS_TIMEOUT_SECONDS", 20)
# A pretend processor for demonstrations (no money moves). Never in production.
PETITE_PAYMENTS_DEMO = env_bool("PETITE_PAYMENTS_DEMO", False)
# Accounting records: 10 years (French Commercial Code art. L123-22), then purged.
PETITE_RECEIPT_RETENTION_DAYS = env_int("PETITE_RECEIPT_RETENTION_DAYS", 3653)
# Dispute cases: 5 years after closing, the civil limitation period (Art. 17(3)(e) GDPR).
PETITE_DISPUTE_RETENTION_DAYS = env_int("PETITE_DISPUTE_RETENTION_DAYS", 5 * 365 + 1)
# The team answers a member's dispute within this many days.
PETITE_DISPUTE_RESPONSE_DAYS = env_int("PETITE_DISPUTE_RESPONSE_DAYS", 30)
PETITE_DISPUTE_EVIDENCE_MAX_BYTES = env_int("PETITE_DISPUTE_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
# Processed webhook event ids (replay protection, no personal data).
PETITE_WEBHOOK_EVENT_RETENTION_DAYS = env_int("PETITE_WEBHOOK_EVENT_RETENTION_DAYS", 400)

# --- Security (P8): malware scanning, suspicious sign-ins, incidents ------------------
# ClamAV's daemon scans every upload before it is stored (fail closed). A unix socket
# (``make run`` starts clamd on var/clamd/clamd.sock), or a clamd host in production.
PETITE_CLAMD_SOCKET = env(
    "PETITE_CLAMD_SOCKET", "" if env("PETITE_CLAMD_HOST") else str(VAR_DIR / "clamd" / "clamd.sock")
)
PETITE_CLAMD_HOST = env("PETITE_CLAMD_HOST")
PETITE_CLAMD_PORT = env_int("PETITE_CLAMD_PORT", 3310)
PETITE_CLAMD_TIMEOUT = env_int("PETITE_CLAMD_TIMEOUT", 30)
PETITE_UPLOAD_MAX_BYTES = env_int("PETITE_UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
# Repeated infected uploads by one member (or network) within a day open an incident.
PETITE_MALWARE_INCIDENT_ATTEMPTS = env_int("PETITE_MALWARE_INCIDENT_ATTEMPTS", 3)
# Suspicious sign-ins: speed above which two sign-ins' places are "impossible travel".
PETITE_IMPOSSIBLE_TRAVEL_KMH = env_int("PETITE_IMPOSSIBLE_TRAVEL_KMH", 900)
# Days the "This wasn't me" link of a sign-in alert works (once).
PETITE_WASNT_ME_DAYS = env_int("PETITE_WASNT_ME_DAYS", 7)
# Lockouts of this many accounts from one network within an hour open an incident.
PETITE_STUFFING_ACCOUNTS = env_int("PETITE_STUFFING_ACCOUNTS", 5)
# The register of incidents (Art. 33(5)): kept 5 years.
PETITE_INCIDENT_RETENTION_DAYS = env_int("PETITE_INCIDENT_RETENTION_DAYS", 5 * 365 + 1)
# Abuse throttles: sign-ups per IP address a day; accounts younger than this many
# days get the tighter message and comment limits.
PETITE_SIGNUPS_PER_IP_PER_DAY = env_int("PETITE_SIGNUPS_PER_IP_PER_DAY", 5)
PETITE_NEW_ACCOUNT_DAYS = env_int("PETITE_NEW_ACCOUNT_DAYS", 7)
# Breached passwords: the bundled list always; the k-anonymity range API
# (Pwned Passwords' shape, with padding) only when an address is configured.
PETITE_PWNED_RANGE_URL = env("PETITE_PWNED_RANGE_URL")
PETITE_PWNED_TIMEOUT_SECONDS = env_int("PETITE_PWNED_TIMEOUT_SECONDS", 3)

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (config/formats/): no "p.m.." and no 12/04/2026.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# Uploads (dispute evidence...) hold personal data: the platform's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# --- Security (SEC1) ------------------------------------------------------------
SECURE = env_bool("PETITE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if PETITE_TRUSTED_PROXY_COUNT else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Logging: personal data never reaches logs or error reports ------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "petite.core.logging.ScrubPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "petite.core.logging.PersonalDataExceptionReporterFilter"

# Advertising (P7, petite.ads): the interest profile kept only with consent.
PETITE_ADS_PROFILE_SIZE = env_int("PETITE_ADS_PROFILE_SIZE", 10)
PETITE_ADS_INTEREST_DAYS = env_int("PETITE_ADS_INTEREST_DAYS", 30)
PETITE_ADS_FREQUENCY_CAP = env_int("PETITE_ADS_FREQUENCY_CAP", 3)
PETITE_ADS_REPORT_MIN_COUNT = env_int("PETITE_ADS_REPORT_MIN_COUNT", 50)
# Off: no place shows an ad (the benchmark's floor, or a deployment without ads).
PETITE_ADS_ENABLED = env_bool("PETITE_ADS_ENABLED", True)

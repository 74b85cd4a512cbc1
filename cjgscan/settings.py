"""cjgscan settings, configured by environment variables (see docs/configuration.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cjgscan.lib.env import env_bool, env_int, env_list, parse_email_url

BASE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("DEBUG", default=False)

DATA_DIR = Path(os.environ.get("CJGSCAN_DATA_DIR") or Path.cwd() / "data").resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if not DEBUG and len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters when DEBUG is off.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: keep one random key per data directory so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cjgscan.web",  # first: its registration/ templates replace the admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "cjgscan.instruments",
    "cjgscan.organisations",
    "cjgscan.rounds",
    "cjgscan.presentation",
    "cjgscan.dashboard",
    "cjgscan.exports",
    "cjgscan.development",
    "cjgscan.workshops",
    "cjgscan.api",
    "cjgscan.reports",
    "cjgscan.limits",
    "cjgscan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cjgscan.web.middleware.ContentSecurityPolicyMiddleware",
    "cjgscan.web.middleware.DownloadsNotStoredMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cjgscan.web.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cjgscan.organisations.twofactor.TwoFactorSetupMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "cjgscan.api.middleware.ApiMiddleware",
]

ROOT_URLCONF = "cjgscan.urls"
# Adds the NL Design System classes to every radio, checkbox and select (a checked radio is drawn only with them).
FORM_RENDERER = "cjgscan.lib.forms.UtrechtFormRenderer"
WSGI_APPLICATION = "cjgscan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cjgscan.organisations.context_processors.memberships",
                "cjgscan.demo.context_processors.demo",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default, anything dj-database-url understands through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that is down or restarting makes requests fail fast (a 503 page), not hang.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Connections are kept as on PostgreSQL: opening the file and setting its pragmas on every request cost a
    # werksessie poll (one indexed lookup) more CPU than the lookup itself (docs/workshops.md, Load).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "cjgscan.sqlite3"),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the callback of a municipality's sign-in, and only when OIDC_RP_CLIENT_ID is set.
    "cjgscan.organisations.oidc.MemberBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# Per e-mail address (and per address with client address), never per client address alone: behind a proxy, or
# from one office, a client address is shared by many people (docs/deploy.md).
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cjgscan.lib.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# A municipality's sign-in is no password guess (cjgscan.organisations.oidc).
AXES_WHITELIST_CALLABLE = "cjgscan.organisations.oidc.not_a_password_attempt"
# Member invitations: how many days the link to set a password works.
MEMBER_INVITATION_DAYS = env_int("MEMBER_INVITATION_DAYS", 7)
# Two-factor sign-in (django-otp, TOTP): the issuer shown in the authenticator app, and how long the code step may
# take after the password.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "cjgscan")
TWO_FACTOR_STEP_SECONDS = 300

# Sign-in for municipalities with OpenID Connect (mozilla-django-oidc), off unless OIDC_RP_CLIENT_ID is set; mapped
# to existing members by verified e-mail address, never creating accounts (docs/deploy.md). The library reads the
# OIDC_OP_* and OIDC_RP_* names; ours are the issuer, the button, and what counts as verified.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")  # optional: the ID token's claims suffice
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
_oidc_missing = [
    name
    for name in (
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_ISSUER",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    )
    if not globals()[name]
]
if OIDC_ENABLED and _oidc_missing:
    raise ImproperlyConfigured(
        f"OIDC_RP_CLIENT_ID is set, so also set {', '.join(_oidc_missing)} (cjgscan oidc-discover prints them)."
    )
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# The button's text on the login page; empty: "Inloggen met je gemeente-account" (English: in English).
OIDC_BUTTON_LABEL = os.environ.get("OIDC_BUTTON_LABEL", "")
# Accept the e-mail claim without email_verified=true: only for an issuer whose administrators set the addresses
# (one Entra ID tenant, never a multi-tenant or consumer issuer). email_verified=false is refused either way.
OIDC_EMAIL_VERIFIED_BY_ISSUER = env_bool("OIDC_EMAIL_VERIFIED_BY_ISSUER", default=False)
# amr / acr values in the ID token that mean the provider did multi-factor itself: then no code from our app is asked
# and "two-factor required for beheerders" counts as met. Empty (the default): the same rules as after a password.
OIDC_MFA_AMR = env_list("OIDC_MFA_AMR", [])
OIDC_MFA_ACR = env_list("OIDC_MFA_ACR", [])

# Failed respondent-link tokens per client address per ten minutes before the links answer 429.
LINK_FAILURE_LIMIT = env_int("LINK_FAILURE_LIMIT", 20)
# New responses through one group link per client address in 10 to 20 minutes (docs/rounds.md: why 50).
RESPONSE_START_LIMIT = env_int("RESPONSE_START_LIMIT", 50)
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", default=False)
# Failed joins of all clients together after which a werksessie's code stops working (the facilitator makes a new one).
WORKSHOP_CODE_FAILURE_LIMIT = env_int("WORKSHOP_CODE_FAILURE_LIMIT", 1000)
# Password-reset requests per e-mail address and per client address in one to two hours.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_CLIENT_LIMIT = env_int("PASSWORD_RESET_CLIENT_LIMIT", 20)

# Rate limits and lock-outs are shared by all app servers: in the database, or in Redis with CACHE_URL=redis://…
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    LIMITS_IN_CACHE = True
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address (or unset: the database).")
else:
    LIMITS_IN_CACHE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: console by default, SMTP (or file, locmem) through EMAIL_URL.
globals().update(parse_email_url(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cjgscan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; the Content-Security-Policy comes from cjgscan.web.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 12
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Background work (e-mail) runs in `cjgscan worker`, queued in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Where `cjgscan load-instruments` looks when it is given no files.
INSTRUMENT_CONTENT_DIR = BASE_DIR / "instruments" / "content"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

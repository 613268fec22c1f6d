"""Settings for Rotes Netz.

Everything comes from the environment. With no environment at all the platform runs on
embedded defaults (SQLite, in-memory channel layer, eager Celery, mail on the console) so
that a newcomer gets it running with one command. ``DJANGO_ENV=production`` switches on the
hardening and refuses to start without a secret key and allowed hosts.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or DJANGO_ENV == "test"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    # Development only: production refuses to start without its own key (above).
    SECRET_KEY = "development-only-insecure-key-never-use-in-production-0123456789abc"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "rotesnetz.members.errors.csrf_failure"

# --- Applications ---------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "rotesnetz.members",
    "rotesnetz.outbox",
    "rotesnetz.rooms",
    "rotesnetz.privacy",
    "parteischule",
    "quartier",
    "rotesnetz.ideas",
    "konferenzen",
]

MIDDLEWARE = [
    "rotesnetz.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "rotesnetz.members.middleware.StaffMFARequiredMiddleware",
    "rotesnetz.members.middleware.NoStoreForMembersMiddleware",
]

ROOT_URLCONF = "rotesnetz.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "rotesnetz.asgi.application"

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
                "rotesnetz.members.context_processors.branding",
            ],
        },
    },
]

# --- Data stores ----------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL")
# Requests one web process runs in Django at once; the rest wait in the event loop (asgi.py).
# Below the pool size, so the sockets' database thread always finds a connection.
HTTP_CONCURRENCY = int(env("HTTP_CONCURRENCY", "0")) or max(
    2, int(env("DATABASE_POOL_MAX", "20")) - 4
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The pool keeps connections open across requests; opening one per request cost
        # about 30 % of page throughput (PERFORMANCE-NOTES).
        if env_bool("DATABASE_POOL", default=not TESTING):
            # Pool size and wait are settings: they must match PostgreSQL's max_connections.
            DATABASES["default"]["OPTIONS"] = {
                "pool": {
                    "min_size": 2,
                    "max_size": int(env("DATABASE_POOL_MAX", "20")),
                    "timeout": int(env("DATABASE_POOL_TIMEOUT", "30")),
                }
            }
            DATABASES["default"]["CONN_MAX_AGE"] = 0
        else:
            # Tests close connections after each use, or consumer threads would keep the
            # test database open and block its removal.
            DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else 60
        if env_bool("DATABASE_PREPARE", default=True):
            # Django binds on the client, which never prepares. The few statements on the hot
            # paths run on server-binding cursors that ask to be prepared (rotesnetz/sqlrows.py);
            # psycopg prepares only with a threshold set, and this one no statement reaches by
            # itself. Behind a pooler without prepared statements: DATABASE_PREPARE=0.
            DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
        DATABASES["default"].setdefault("TEST", {})
        if env("DATABASE_TEST_NAME"):
            DATABASES["default"]["TEST"]["NAME"] = env("DATABASE_TEST_NAME")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "rotesnetz.cache.TolerantRedisCache",
            # A separate database lets tests flush the cache without touching the broker.
            "LOCATION": env("REDIS_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "rn",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer kept up with 500 members at 10 msg/s where the core layer fell
            # behind and silently dropped group messages (PERFORMANCE-NOTES).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 2000}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
# A request never waits long for a broker that is away: mail rows stay in the outbox and the
# sweeper hands them out again once it is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 60.0},
    # One task applies every retention period of every part (outbox, quartier, ...).
    "privacy-retention": {"task": "privacy.retention", "schedule": 6 * 3600.0},
    "rooms-mention-digests": {"task": "rooms.send_mention_digests", "schedule": 300.0},
    "rooms-purge-presence": {"task": "rooms.purge_presence", "schedule": 120.0},
    "parteischule-reminders": {"task": "parteischule.send_reminders", "schedule": 15 * 60.0},
    "parteischule-release-seats": {
        "task": "parteischule.release_reserved_seats",
        "schedule": 15 * 60.0,
    },
    # Dial-in mails that are due, reminders an hour before, briefings the day before.
    "konferenzen-due": {"task": "konferenzen.dispatch_due", "schedule": 60.0},
}

# --- Mail -----------------------------------------------------------------------------------

# Django 6.1 replaces EMAIL_HOST & Co. with MAILERS; the environment keeps the familiar names.
_smtp_host = env("EMAIL_HOST", "localhost" if PRODUCTION else "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": int(env("EMAIL_PORT", "25")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "use_ssl": env_bool("EMAIL_USE_SSL"),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Rotes Netz <netz@rotesnetz.example>")
# Links in mails need the public address; requests are not around when a worker sends.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
OUTBOX_RETENTION_DAYS = int(env("OUTBOX_RETENTION_DAYS", "30"))
# Rows a worker claimed but never handed to the SMTP server are sent again after this long.
OUTBOX_STALE_SENDING_SECONDS = int(env("OUTBOX_STALE_SENDING_SECONDS", "600"))

# --- Konferenzen ----------------------------------------------------------------------------

# Jitsi rooms are generated on this domain (https only), e.g. the party's own Jitsi.
JITSI_DOMAIN = env("JITSI_DOMAIN", "meet.jit.si")
# Days after a conference's end after which its participant list and dial-in data are deleted.
KONFERENZEN_RETENTION_DAYS = int(env("KONFERENZEN_RETENTION_DAYS", "30"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's backends, reading the signed-in user in one statement.
    "rotesnetz.members.backends.ModelBackend",
    "rotesnetz.members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if (TESTING or env_bool("RN_TEST_SERVER")) and not PRODUCTION:
    # Fast hashing for tests; the browser tier's server must read the same hashes.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:mein_netz"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "rotesnetz.members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "rotesnetz.members.forms.SignupForm"}
# Rate limits stay on (allauth's defaults), and count in the shared cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Rates, not passwords (bandit reads "password" in the key names).
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "reset_password_from_key": "20/m/ip",  # nosec B105
    "change_password": "5/m/user",  # nosec B105
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("BRAND_NAME", "Rotes Netz")
# The sessions list shows where and when each session began. Tracking every request's activity
# would cost five queries per page view, which a conference start cannot afford.
USERSESSIONS_TRACK_ACTIVITY = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}

# A party's own identity provider (Keycloak, Authentik, ...) switched on by environment only.
OIDC_SERVER_URL = env("OIDC_SERVER_URL")
if OIDC_SERVER_URL:
    INSTALLED_APPS.append("allauth.socialaccount.providers.openid_connect")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", "partei"),
                "name": env("OIDC_NAME", "Partei-Login"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
        "EMAIL_AUTHENTICATION": False,
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# locale_overrides: our wording for django-allauth's own texts ("du", "E-Mail"), kept apart
# so that makemessages does not retire them as unused.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))


def _package_static_dirs() -> list[tuple[str, str]]:
    """Front-end libraries come from installed packages, never from files in the repo."""
    import xstatic.pkg.bootstrap

    return [("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]


STATICFILES_DIRS = [BASE_DIR / "static", *_package_static_dirs()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION

# --- Security -------------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "rotesnetz.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- Privacy ----------------------------------------------------------------------------------

# Own-data archives lie here, outside MEDIA_ROOT, and are only ever served by an
# authenticated view to their owner.
PRIVACY_EXPORT_ROOT = Path(env("PRIVACY_EXPORT_ROOT", str(BASE_DIR / "private" / "exports")))
# How long an archive can be downloaded.
PRIVACY_EXPORT_HOURS = int(env("PRIVACY_EXPORT_HOURS", "48"))
# Accounts whose email was never confirmed are deleted after this many days.
PRIVACY_UNCONFIRMED_ACCOUNT_DAYS = int(env("PRIVACY_UNCONFIRMED_ACCOUNT_DAYS", "14"))
# People without any membership keep only their account after this many days.
PRIVACY_FORMER_MEMBER_DAYS = int(env("PRIVACY_FORMER_MEMBER_DAYS", "365"))
# The audit trail of who saw and exported personal data is kept this long.
PRIVACY_AUDIT_RETENTION_DAYS = int(env("PRIVACY_AUDIT_RETENTION_DAYS", "730"))

# --- Rooms ----------------------------------------------------------------------------------

# At most N messages per member in a window of S seconds, then an error frame and a pause.
ROOM_RATE_LIMIT = (
    int(env("ROOM_RATE_LIMIT_COUNT", "8")),
    int(env("ROOM_RATE_LIMIT_SECONDS", "10")),
)
ROOM_MAX_FRAME_BYTES = 16 * 1024
ROOM_MAIN_NAME = env("ROOM_MAIN_NAME", "Allgemein")

# --- Proxies ----------------------------------------------------------------------------------

# How many proxies in front of us append to X-Forwarded-For. 0 means: trust only the socket's
# address, so a forged header cannot dodge the login rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# --- Branding -------------------------------------------------------------------------------

BRAND_NAME = env("BRAND_NAME", "Rotes Netz")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{BRAND_NAME}] "
BRAND_PRIMARY_COLOR = env("BRAND_PRIMARY_COLOR", "#c8000c")
BRAND_ACCENT_COLOR = env("BRAND_ACCENT_COLOR", "#7a0007")
BRAND_LOGO = env("BRAND_LOGO", "img/logo.svg")

# --- Parteischule ----------------------------------------------------------------------------

# Reminders go out for sessions starting within this many hours ("the day before").
PARTEISCHULE_REMINDER_HOURS = int(env("PARTEISCHULE_REMINDER_HOURS", "24"))
# Who counts as a new member for reserved seats: first membership at most this many days ago.
PARTEISCHULE_NEW_MEMBER_DAYS = int(env("PARTEISCHULE_NEW_MEMBER_DAYS", "365"))
# Diversity figures and feedback comments of groups smaller than this are not shown.
PARTEISCHULE_MIN_GROUP_SIZE = int(env("PARTEISCHULE_MIN_GROUP_SIZE", "5"))
# --- Quartier- und Kiezbüros (quartier) ----------------------------------------------------

# Map tiles for the office finder, e.g. https://tiles.example.org/{z}/{x}/{y}.png. Empty: the
# finder shows the list only. The tile host is allowed in img-src on the finder page only.
QUARTIER_MAP_TILE_URL = env("QUARTIER_MAP_TILE_URL")
QUARTIER_MAP_ATTRIBUTION = env("QUARTIER_MAP_ATTRIBUTION", "© OpenStreetMap-Mitwirkende")
# Days after the appointment / event / receipt after which personal data is deleted.
QUARTIER_BOOKING_RETENTION_DAYS = int(env("QUARTIER_BOOKING_RETENTION_DAYS", "14"))
QUARTIER_EVENT_RETENTION_DAYS = int(env("QUARTIER_EVENT_RETENTION_DAYS", "14"))
QUARTIER_CONTACT_RETENTION_DAYS = int(env("QUARTIER_CONTACT_RETENTION_DAYS", "180"))
# Submissions of each public form (contact, booking, event) per IP address and hour.
QUARTIER_PUBLIC_FORM_RATE_LIMIT = int(env("QUARTIER_PUBLIC_FORM_RATE_LIMIT", "10"))
# How many reverse proxies of ours set X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = ALLAUTH_TRUSTED_PROXY_COUNT  # one answer for the whole platform
# Defaults of the site analysis; each Landesverband can change them on its analysis page.
QUARTIER_OWN_PARTY = env("QUARTIER_OWN_PARTY", "SPD")
QUARTIER_PROTEST_PARTIES = env_list("QUARTIER_PROTEST_PARTIES", "AfD")


def _quartier_static_dirs() -> list[tuple[str, str]]:
    import xstatic.pkg.leaflet

    return [("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR)]


STATICFILES_DIRS += _quartier_static_dirs()

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "rotesnetz.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

"""Settings for the triage console, read from the environment (django-environ).

Safe defaults let a fresh checkout run the demo with nothing but Python (SQLite and
a filesystem broker under ``var/``). With ``TRIAGE_ENV=production`` the process
refuses to start on any unsafe or missing value, naming the variable at fault.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env file is read when present; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TRIAGE_ENV = env.str("TRIAGE_ENV", default="development")
if TRIAGE_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"TRIAGE_ENV must be development, test or production, not {TRIAGE_ENV!r}."
    )
PRODUCTION = TRIAGE_ENV == "production"

# Development-only values. Production refuses to start with any of them.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105
# 32 bytes, base64, key id "dev". Never protects real PHI: production rejects it.
_DEV_PHI_KEY = "dev:ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE="
_DEV_PHI_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTMyLWJ5dGVzIQ=="

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where links in notifications point (no PHI, only a reference and this base URL).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# PHI encryption: "keyid:base64key" entries; the first encrypts, all decrypt (rotation).
PHI_KEYS = env.list("PHI_KEYS", default=[_DEV_PHI_KEY])
PHI_INDEX_KEY = env.str("PHI_INDEX_KEY", default=_DEV_PHI_INDEX_KEY)

INSTALLED_APPS = [
    # django.contrib.admin whose admin.site requires MFA (accounts/admin_site.py).
    "accounts.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "csp",
    "accounts",
    "audit",
    "lib",
    "triage",
    "intake",
    "cases",
    "paging",
    "messaging",
    "governance",
    "console",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Audit: request id, client address and user agent for audit events; fail closed (503).
    "audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff accounts: idle/absolute session expiry, MFA + role on /console/, headers.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.ConsoleAccessMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes last, as its documentation requires, so it sees the final response.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lib.context_processors.crisis_resources",
            ],
        },
    },
]

# var/ holds the demo's SQLite file, broker folders and beat schedule.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

# Database: SQLite under var/ is the zero-setup demo default; PostgreSQL everywhere else.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'triage.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is shared by the web server, the worker and beat in the demo: wait for
    # locks instead of failing, and use WAL so readers do not block the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle logout and an absolute lifetime; a new key at every login (Django).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Brute-force protection (django-axes): lock a username from one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same reading of the client address as the intake rate limit and the audit trail
# (lib/client_address.py, from TRUSTED_PROXY_COUNT below); no django-ipware needed.
AXES_CLIENT_IP_CALLABLE = "lib.client_address.client_address"
AXES_VERBOSE = False
# Every failed sign-in is kept (admin: Access failures), not only the per-address count.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Staff password reset (accounts/password_reset.py): a link works for an hour, and at
# most PASSWORD_RESET_RATE_LIMIT requests per client address, and per e-mail address,
# are accepted in PASSWORD_RESET_RATE_WINDOW seconds.
PASSWORD_RESET_TIMEOUT = 60 * 60
PASSWORD_RESET_RATE_LIMIT = 5
PASSWORD_RESET_RATE_WINDOW = 60 * 60

# Proxies in front of the web process that append the address they received a request
# from to X-Forwarded-For. 0: the TCP peer (REMOTE_ADDR) is the client and the header,
# which anyone can write, is ignored. N: the N-th entry from the right is the client.
# Too high trusts an entry the client wrote; too low puts every patient behind the
# proxy on one address (one rate-limit window). It also decides whether X-Request-ID
# is taken from the proxy.
_trusted_proxy_count = env.str("TRUSTED_PROXY_COUNT", default="0").strip()
if not _trusted_proxy_count.isascii() or not _trusted_proxy_count.isdigit():
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be a whole number of proxies, 0 or more, "
        f"not {_trusted_proxy_count!r}."
    )
TRUSTED_PROXY_COUNT = int(_trusted_proxy_count)
# Before issue 16 this named the headers to read the address from, without saying how
# many proxies wrote them (a forged left-most entry was trusted). Ignoring it silently
# would put everyone behind the proxy on the proxy's address, so refuse it instead.
if env.list("AXES_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"]) != ["REMOTE_ADDR"]:
    raise ImproperlyConfigured(
        "AXES_CLIENT_IP_HEADERS is no longer read: remove it and set TRUSTED_PROXY_COUNT "
        "to the number of proxies in front of the web process (README, Settings)."
    )

# Staff MFA (django-otp): the name shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Triage console")
# Administrators never see a device's secret or QR code, nor anyone's backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Internationalisation: English and Spanish, the patient's choice.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# Built by `make messages` from locale/translations/*.json; the compiled .mo is
# committed so the demo needs no gettext tools.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# Crisis resources shown on every patient page, per language (configurable per locale).
CRISIS_RESOURCES = env.json(
    "CRISIS_RESOURCES",
    default={
        "en": [
            "Call or text 988 (Suicide and Crisis Lifeline), any time, day or night.",
            "Call 911 if you or someone else is in danger right now.",
            "Text HOME to 741741 to reach the Crisis Text Line.",
        ],
        "es": [
            "Llame o envíe un mensaje de texto al 988 (Línea de Prevención del Suicidio y"
            " Crisis) y marque 2 para español, a cualquier hora.",
            "Llame al 911 si usted u otra persona está en peligro ahora mismo.",
            "Envíe AYUDA por mensaje de texto al 741741 para hablar con la Crisis Text Line.",
        ],
    },
)

# The clinic's own number, offered with the crisis lines when set ("+1 555 0100").
CLINIC_PHONE = env.str("CLINIC_PHONE", default="")

# Response targets per acuity (minutes): the queue timers and the overdue release.
RESPONSE_TARGET_MINUTES = {
    "emergent": env.int("TARGET_EMERGENT_MINUTES", default=5),
    "urgent": env.int("TARGET_URGENT_MINUTES", default=60),
    "soon": env.int("TARGET_SOON_MINUTES", default=24 * 60),
    "routine": env.int("TARGET_ROUTINE_MINUTES", default=3 * 24 * 60),
}

# ---- Patient intake and consent (triage/intake) ----------------------------------
# Cache for the per-address rate limit (and anything else short-lived): Redis in
# production (redis://...), process memory by default.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Team (slug) that receives new intakes.
INTAKE_DEFAULT_TEAM = env.str("INTAKE_DEFAULT_TEAM", default="north")
# Days a patient's private status link works.
STATUS_LINK_DAYS = env.int("STATUS_LINK_DAYS", default=30)
# On withdrawal of consent: False keeps the (encrypted) data, True blanks it.
WITHDRAWAL_ERASES_DATA = env.bool("WITHDRAWAL_ERASES_DATA", default=False)
# Clinic hours in TIME_ZONE: {"mon": ["08:00", "18:00"], ...}; days left out are closed.
CLINIC_HOURS = env.json(
    "CLINIC_HOURS",
    default={day: ["08:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
)
# Per-address sliding window for intake form posts: at most N posts in S seconds.
INTAKE_RATE_LIMIT_POSTS = env.int("INTAKE_RATE_LIMIT_POSTS", default=60)
INTAKE_RATE_LIMIT_SECONDS = env.int("INTAKE_RATE_LIMIT_SECONDS", default=600)
# Spam guard: a form posted sooner than this after it was shown is refused (seconds).
INTAKE_MIN_FILL_SECONDS = env.float("INTAKE_MIN_FILL_SECONDS", default=2.0)
# Spam guard: minutes a page's signed token works (bound to the session and the page).
INTAKE_FORM_MAX_AGE_MINUTES = env.int("INTAKE_FORM_MAX_AGE_MINUTES", default=30)
if INTAKE_FORM_MAX_AGE_MINUTES < 1:
    raise ImproperlyConfigured("INTAKE_FORM_MAX_AGE_MINUTES must be at least 1.")
# ---- end of patient intake settings ------------------------------------------------

# A triage script is approved only if its validation cases reach this sensitivity.
TRIAGE_APPROVAL_MIN_SENSITIVITY = env.float("TRIAGE_APPROVAL_MIN_SENSITIVITY", default=1.0)

# Minutes a break-glass grant to a case outside one's teams lasts.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="triage-console@localhost")

# Celery. Without CELERY_BROKER_URL the demo uses kombu's filesystem transport under
# var/broker: a real cross-process broker, so workers, beat, timers and retries behave
# as in production (this is not eager mode).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # The transport does not create its folders, and web, worker and beat all need them.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than any retry delay, so an unacknowledged task is not redelivered early.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="triage")
# Publishing must not hang a patient's request when the broker is down: give up fast;
# the database rows are already committed and the beat sweeps re-dispatch them.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "lib.tasks.record_worker_heartbeat", "schedule": 30.0},
    "sweep-unscanned-cases": {"task": "cases.tasks.sweep_unscanned_cases", "schedule": 60.0},
}
# A worker heartbeat older than this makes /healthz report the worker as down.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=120)

# ---- Audit trail (audit/; README "Audit trail") ----
# Days access events are kept before they may be archived (six years by default).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=6 * 365)
# Where beat writes the chain head: a file (JSON lines appended) or an https:// URL
# (JSON POSTed). Empty disables the export (verification then relies on the chain alone).
AUDIT_HEAD_EXPORT = env.str("AUDIT_HEAD_EXPORT", default=str(VAR_DIR / "audit-head.jsonl"))
AUDIT_HEAD_EXPORT_INTERVAL = env.int("AUDIT_HEAD_EXPORT_INTERVAL", default=300)
# HMAC key signing archive files (manage.py audit_archive); keep it to verify old archives.
AUDIT_ARCHIVE_KEY = env.str("AUDIT_ARCHIVE_KEY", default="") or SECRET_KEY
CELERY_BEAT_SCHEDULE.update(
    {
        "audit-export-chain-head": {
            "task": "audit.tasks.export_chain_head",
            "schedule": float(AUDIT_HEAD_EXPORT_INTERVAL),
        },
        "audit-verify-chain": {
            "task": "audit.tasks.verify_chain",
            "schedule": float(env.int("AUDIT_VERIFY_INTERVAL", default=24 * 60 * 60)),
        },
    }
)
# ---- end audit trail ----

# ---- Nurse console (triage/console; README "Nurse console") ----
# Seconds between background refreshes of the queue (htmx poll, not user activity).
CONSOLE_POLL_SECONDS = env.int("CONSOLE_POLL_SECONDS", default=5)
# The overdue release: a claimed case past its target without a contact attempt goes
# back to the queue, flagged. Its task module is not an app's tasks.py, so import it.
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "console.tasks"]
CELERY_BEAT_SCHEDULE["console-release-overdue-cases"] = {
    "task": "console.tasks.release_overdue_cases",
    "schedule": 60.0,
}
# Minutes a claimer always has from the claim before that release, so a case claimed
# when it is already late is not taken back within seconds (README "Nurse console").
CLAIM_RELEASE_MINUTES = env.int("CLAIM_RELEASE_MINUTES", default=15)
if CLAIM_RELEASE_MINUTES < 1:
    raise ImproperlyConfigured("CLAIM_RELEASE_MINUTES must be at least 1.")
# ---- end nurse console ----

# ---- Crisis paging (paging; README "Crisis paging") ----
# Paged when an escalation step finds nobody and the team has no supervisor.
PAGING_FALLBACK_EMAILS = env.list("PAGING_FALLBACK_EMAILS", default=[])
# HMAC-SHA256 key of the webhook signature header; required in production.
_DEV_PAGING_WEBHOOK_SECRET = "dev-only-paging-webhook-secret"  # noqa: S105
PAGING_WEBHOOK_SECRET = env.str("PAGING_WEBHOOK_SECRET", default=_DEV_PAGING_WEBHOOK_SECRET)
PAGING_WEBHOOK_TIMEOUT = env.float("PAGING_WEBHOOK_TIMEOUT", default=5.0)
# SMS (Twilio, per team in the admin): seconds per API request; a retry makes two (a
# look-up, then the send), so keep twice this under PAGING_SEND_LEASE_SECONDS.
PAGING_SMS_TIMEOUT = env.float("PAGING_SMS_TIMEOUT", default=10.0)
# Empty: Twilio itself. Only for a stand-in of the API (tests, staging).
PAGING_SMS_API_BASE_URL = env.str("PAGING_SMS_API_BASE_URL", default="")
# A send not finished within the lease is handed out again (same Idempotency-Key).
PAGING_SEND_LEASE_SECONDS = env.int("PAGING_SEND_LEASE_SECONDS", default=30)
PAGING_REDISPATCH_AFTER_SECONDS = env.int("PAGING_REDISPATCH_AFTER_SECONDS", default=10)
PAGING_MAX_ATTEMPTS = env.int("PAGING_MAX_ATTEMPTS", default=8)
PAGING_ACK_LINK_MAX_AGE = env.int("PAGING_ACK_LINK_MAX_AGE", default=4 * 60 * 60)
PAGING_SHIFT_LINK_MAX_AGE = env.int("PAGING_SHIFT_LINK_MAX_AGE", default=24 * 60 * 60)
PAGING_SHIFT_CONFIRM_LEAD_MINUTES = env.int("PAGING_SHIFT_CONFIRM_LEAD_MINUTES", default=120)
PAGING_SHIFT_CONFIRM_WARN_MINUTES = env.int("PAGING_SHIFT_CONFIRM_WARN_MINUTES", default=30)
# Pinged by the watcher only when every open page's next step ran on time.
PAGING_HEARTBEAT_URL = env.str("PAGING_HEARTBEAT_URL", default="")
PAGING_WATCH_GRACE_SECONDS = env.int("PAGING_WATCH_GRACE_SECONDS", default=30)
PAGING_TICK_SECONDS = env.float("PAGING_TICK_SECONDS", default=5.0)
# Against flooding: a crisis case from a source (address, device, contact details) whose
# open page was raised within this many minutes joins that page (0: never group).
PAGING_GROUP_WINDOW_MINUTES = env.int("PAGING_GROUP_WINDOW_MINUTES", default=10)
# Supervisors see "possible flooding" once a page groups this many crisis cases.
PAGING_FLOOD_ALERT_CASES = env.int("PAGING_FLOOD_ALERT_CASES", default=3)
if PAGING_GROUP_WINDOW_MINUTES < 0 or PAGING_FLOOD_ALERT_CASES < 2:
    raise ImproperlyConfigured(
        "PAGING_GROUP_WINDOW_MINUTES must be 0 or more and PAGING_FLOOD_ALERT_CASES 2 or more."
    )
# Connecting to a dead broker must fail in milliseconds, not block a crisis intake for
# seconds (kombu retries the connection until broker_connection_timeout otherwise):
# the page row is committed first and the tick re-dispatches it.
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("max_retries", 1)
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("interval_start", 0)
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("interval_step", 0.1)
    # Workers take from their queues in the listed order: the paging queue comes first.
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("queue_order_strategy", "priority")
CELERY_BEAT_SCHEDULE.update(
    {
        # On the paging queue, which every worker also consumes (paging/tasks.py).
        "paging-escalation-tick": {
            "task": "paging.tasks.escalation_tick",
            "schedule": PAGING_TICK_SECONDS,
            "options": {
                "expires": 4 * PAGING_TICK_SECONDS,
                "queue": f"{CELERY_TASK_DEFAULT_QUEUE}.paging",
            },
        },
        "paging-watcher": {
            "task": "paging.tasks.watch_paging",
            "schedule": 30.0,
            "options": {"expires": 60, "queue": f"{CELERY_TASK_DEFAULT_QUEUE}.paging"},
        },
        "paging-shift-confirmations": {
            "task": "paging.tasks.shift_confirmation_tick",
            "schedule": 60.0,
            "options": {"expires": 120},
        },
        "paging-coverage-gaps": {
            "task": "paging.tasks.coverage_gap_tick",
            "schedule": 3600.0,
            "options": {"expires": 1800},
        },
    }
)
# ---- end crisis paging ----

# ---- Patient conversation (messaging; README "Patient conversation") ----
# SMS gateway receiving the signed "You have a new message" webhook (same signature as
# paging webhooks). Empty: patients are told by e-mail only.
PATIENT_SMS_WEBHOOK_URL = env.str("PATIENT_SMS_WEBHOOK_URL", default="")
CELERY_BEAT_SCHEDULE["messaging-sweep"] = {
    "task": "messaging.tasks.sweep_conversations",
    "schedule": 60.0,
    "options": {"expires": 60},
}
# ---- Talk to a person, clinic facts, live conversation (README "Talk to a person") ----
# Defaults of every team's clinic facts (admin: Messaging > Clinic facts overrides them
# per team). The address per language; holidays as [{"date": "2026-12-25", "en": "...",
# "es": "..."}]. Hours: CLINIC_HOURS; phone: CLINIC_PHONE.
CLINIC_ADDRESS = env.json("CLINIC_ADDRESS", default={"en": "", "es": ""})
CLINIC_HOLIDAYS = env.json("CLINIC_HOLIDAYS", default=[])
# A request to talk to a person raises the case to at least this acuity (never lowers
# it), and promises an answer within this many minutes, moved into opening hours.
CALLBACK_ACUITY = env.str("CALLBACK_ACUITY", default="soon")
CALLBACK_RESPONSE_MINUTES = env.int("CALLBACK_RESPONSE_MINUTES", default=240)
if CALLBACK_ACUITY not in RESPONSE_TARGET_MINUTES:
    raise ImproperlyConfigured(
        f"CALLBACK_ACUITY must be one of {', '.join(RESPONSE_TARGET_MINUTES)}."
    )
# Seconds between the patient's conversation page asking for new messages (htmx), and
# how recently the page must have asked for a nurse to see "patient is viewing".
PATIENT_POLL_SECONDS = env.int("PATIENT_POLL_SECONDS", default=3)
PATIENT_VIEWING_SECONDS = env.int("PATIENT_VIEWING_SECONDS", default=15)
# Polls allowed per address in INTAKE_RATE_LIMIT_SECONDS (a few open tabs at 3 s).
PATIENT_POLL_RATE_LIMIT = env.int("PATIENT_POLL_RATE_LIMIT", default=900)
# ---- end patient conversation ----

# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A refused form: for patients a page with the crisis lines and what they typed.
CSRF_FAILURE_VIEW = "lib.views_csrf.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Never the request body or query string: they can hold PHI.
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # django.request and the development server log paths; a status or paging link's
    # path holds a secret token, so every handler redacts it (lib/redaction.py), and
    # LOGGING_CONFIG below redacts every record of every logger when it is made.
    "filters": {"redact_links": {"()": "lib.redaction.RedactSecretLinks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_links"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's defaults give "django" handlers of its own (an unfiltered stderr one
        # when DEBUG is on, mail_admins with the request's details when it is off) and
        # "py.warnings" one more: none of them; they log through the root handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "py.warnings": {"handlers": [], "propagate": True},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
LOGGING_CONFIG = "lib.redaction.configure_logging"


def _refuse_unsafe_production_settings() -> None:
    """Fail loudly at start-up rather than serve PHI with a weak configuration."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off (set DEBUG=false).")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters.")
    if not PHI_KEYS or any(k == _DEV_PHI_KEY or k.startswith("dev:") for k in PHI_KEYS):
        problems.append("PHI_KEYS must be set to your own keys (see .env.example).")
    if PHI_INDEX_KEY == _DEV_PHI_INDEX_KEY:
        problems.append("PHI_INDEX_KEY must be set to your own key (see .env.example).")
    if PAGING_WEBHOOK_SECRET == _DEV_PAGING_WEBHOOK_SECRET:
        problems.append("PAGING_WEBHOOK_SECRET must be set to your own secret.")
    if PAGING_SMS_API_BASE_URL:
        problems.append("PAGING_SMS_API_BASE_URL is for tests only: leave it empty.")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the host names the console is served on.")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL in production.")
    if CELERY_BROKER_URL.startswith("filesystem://"):
        problems.append("CELERY_BROKER_URL must point at Redis in production.")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with unsafe production settings:\n  - " + "\n  - ".join(problems)
        )


if PRODUCTION:
    _refuse_unsafe_production_settings()

"""The one settings module, read from environment variables.

A `.env` file beside `manage.py` is read first when it exists (`make run` writes
one for the quick start); real environment variables win over it. Every variable
is listed in the README. A bad value stops start-up with a clear message instead
of running with a surprise.
"""

import os
from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONE, SELF
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

# pyHanko brings lxml, which openpyxl would then use; uploaded workbooks are read
# with the standard library's parser, whose limits accounts.uploads.xml_guard
# mirrors and bench/upload_bomb.py measured. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "accounts",
    "certificates",
    "courses",
    "quizzes",
    "training",
    "reports",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "frontend.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "certificates.middleware.RefuseLargeChecks",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.audit.RequestContextMiddleware",
    "accounts.input_checks.RefuseControlCharactersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: PostgreSQL in production; without DATABASE_URL, the quick start's
# SQLite file, shared by the web server, the worker and manage.py.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web server reads; IMMEDIATE
        # transactions wait for the write lock instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL.startswith("redis"):
    # The cache fails soft (config.cache): a dead or stalled Redis must cost each
    # call a second at most, not redis-py's default 5 s to connect and 5 s to
    # read. Parameters in CACHE_URL (`?socket_timeout=2`) win over these.
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": CACHE_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.signin.ThrottledModelBackend"]
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins, counted separately per account and per address. The address
# limit is much higher: a whole office often signs in from one public address.
SIGNIN_WINDOW_SECONDS = env_int("SIGNIN_WINDOW_SECONDS", 15 * 60)
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 5)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", 100)
# Number of reverse proxies in front of the app that append to X-Forwarded-For
# (0: use the connection's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# An API token works this long after the sign-in that issued it; at least a
# working day, so that nobody is signed out in the middle of an exam.
API_TOKEN_LIFETIME_HOURS = env_int("API_TOKEN_LIFETIME_HOURS", 24)
if API_TOKEN_LIFETIME_HOURS < 8:
    raise ImproperlyConfigured(f"API_TOKEN_LIFETIME_HOURS must be 8 or more, not {API_TOKEN_LIFETIME_HOURS}")
# A changed e-mail address is confirmed by its owner through a link that works this long.
EMAIL_CONFIRMATION_TIMEOUT_DAYS = env_int("EMAIL_CONFIRMATION_TIMEOUT_DAYS", 7)

# Invitations to imported staff use the password-reset tokens with a longer life.
INVITATION_TIMEOUT_DAYS = env_int("INVITATION_TIMEOUT_DAYS", 14)
STAFF_IMPORT_MAX_ROWS = env_int("STAFF_IMPORT_MAX_ROWS", 50_000)
STAFF_IMPORT_MAX_BYTES = env_int("STAFF_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Far above any real bank (10,000 GIFT questions take about 3 MB).
QUESTION_IMPORT_MAX_BYTES = env_int("QUESTION_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
QUESTION_IMPORT_MAX_ROWS = env_int("QUESTION_IMPORT_MAX_ROWS", 20_000)
# What an uploaded XLSX workbook may hold (accounts.uploads.workbook): a 1 MB
# file can unpack to gigabytes. A real list of 50,000 people unpacks to about
# 25 MB and 1.3 million XML elements.
UPLOAD_MAX_ARCHIVE_ENTRIES = env_int("UPLOAD_MAX_ARCHIVE_ENTRIES", 1000)
UPLOAD_MAX_UNPACKED_BYTES = env_int("UPLOAD_MAX_UNPACKED_BYTES", 64 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env_int("UPLOAD_MAX_COMPRESSION_RATIO", 100)
UPLOAD_MAX_XML_ELEMENTS = env_int("UPLOAD_MAX_XML_ELEMENTS", 2_000_000)
# The largest request body other than uploaded files (a JSON body included: 413
# beyond). Django's default: the largest real body (a lesson's text) is far
# smaller, and a JSON body of small values takes 30 times its size once parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
# Real requests nest JSON three or four levels deep; far deeper is an attack on the parser.
API_JSON_MAX_DEPTH = 64
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LESSON_FILE_MAX_BYTES = env_int("LESSON_FILE_MAX_BYTES", 50 * 1024 * 1024)
# Mandatory courses: reminders this many days before the due date, and on it.
DUE_REMINDER_DAYS = [int(days) for days in env_list("DUE_REMINDER_DAYS", "7,1,0")]

# Quizzes: answers arriving this many seconds after the deadline are still taken
# (network latency); submitted attempts not scored after this long are enqueued again.
QUIZ_DEADLINE_GRACE_SECONDS = env_int("QUIZ_DEADLINE_GRACE_SECONDS", 0)
QUIZ_RESCORE_AFTER_SECONDS = env_int("QUIZ_RESCORE_AFTER_SECONDS", 60)
QUIZ_SCORING_BATCH = env_int("QUIZ_SCORING_BATCH", 200)

# Each app names its own exporter here, so `GET /api/v1/me/data/` gathers what
# every app holds about a person without a lower app importing a higher one.
PERSONAL_DATA_EXPORTERS = [
    "accounts.personal_data.export_account",
    "courses.personal_data.export_learning",
    "quizzes.personal_data.export_attempts",
    "training.personal_data.export_attendance",
    "certificates.personal_data.export_certificates",
]
# Called with the ids of people who were created in, imported into or moved to a
# unit, inside the same transaction: courses enrols them in the unit's assignments.
PERSON_PLACED_HANDLERS = ["courses.services.enroll_by_assignments"]
# Called with (old unit id, successor id) when a unit is merged into another, or once
# for each sub-unit of a dissolved unit, inside the same transaction: courses hands
# the old unit's assignments on to the successor.
ORG_UNIT_MERGED_HANDLERS = ["courses.services.move_assignments"]

# Self check-in: the session screen's QR code changes every CHECKIN_ROTATE_SECONDS
# (at most 30) and each code is accepted for 60 s after it first appeared; a
# check-in more than CHECKIN_LATE_AFTER_MINUTES after the session starts is late.
# People check themselves in (QR code or kiosk) only from CHECKIN_OPENS_BEFORE_MINUTES
# before a session starts until it ends; later, only its instructors record attendance.
CHECKIN_ROTATE_SECONDS = env_int("CHECKIN_ROTATE_SECONDS", 15)
if not 1 <= CHECKIN_ROTATE_SECONDS <= 30:
    raise ImproperlyConfigured(f"CHECKIN_ROTATE_SECONDS must be from 1 to 30, not {CHECKIN_ROTATE_SECONDS}")
CHECKIN_LATE_AFTER_MINUTES = env_int("CHECKIN_LATE_AFTER_MINUTES", 15)
CHECKIN_OPENS_BEFORE_MINUTES = env_int("CHECKIN_OPENS_BEFORE_MINUTES", 30)
if not 0 <= CHECKIN_OPENS_BEFORE_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        f"CHECKIN_OPENS_BEFORE_MINUTES must be from 0 to 1440 (a day), not {CHECKIN_OPENS_BEFORE_MINUTES}"
    )

# Certificates (certificates/). The place printed in the place-and-date line
# ("Thái Nguyên, ngày 07 tháng 12 năm 2026"), and how long one PDF may take to render.
CERTIFICATE_PLACE = env_str("CERTIFICATE_PLACE", "Thái Nguyên")
# Who issues and signs, on the default template (admins change it, or make others, in the admin).
CERTIFICATE_ISSUER_PARENT = env_str("CERTIFICATE_ISSUER_PARENT", "UBND TỈNH THÁI NGUYÊN")
CERTIFICATE_ISSUER = env_str("CERTIFICATE_ISSUER", "TRƯỜNG CHÍNH TRỊ TỈNH THÁI NGUYÊN")
CERTIFICATE_SIGNER_TITLE = env_str("CERTIFICATE_SIGNER_TITLE", "HIỆU TRƯỞNG")
CERTIFICATE_SIGNER_NAME = env_str("CERTIFICATE_SIGNER_NAME", "")
CERTIFICATE_RENDER_SECONDS = env_int("CERTIFICATE_RENDER_SECONDS", 20)
# Holders of a certificate that expires are re-enrolled and told this many days before.
CERTIFICATE_RENEWAL_DAYS = env_int("CERTIFICATE_RENEWAL_DAYS", 30)
# PAdES signature of the PDFs, with a key that never sits in the database: a
# PKCS#12 file (path and password), or a PKCS#11 token or HSM (the module's
# library, the token's label, its PIN, and the key's label; the signer's X.509
# certificate from the token by the same label, or from a PEM file). Neither: unsigned.
CERTIFICATE_P12_PATH = env_str("CERTIFICATE_P12_PATH")
CERTIFICATE_P12_PASSWORD = env_str("CERTIFICATE_P12_PASSWORD")
CERTIFICATE_PKCS11_MODULE = env_str("CERTIFICATE_PKCS11_MODULE")
CERTIFICATE_PKCS11_TOKEN = env_str("CERTIFICATE_PKCS11_TOKEN")
CERTIFICATE_PKCS11_PIN = env_str("CERTIFICATE_PKCS11_PIN")
CERTIFICATE_PKCS11_KEY_LABEL = env_str("CERTIFICATE_PKCS11_KEY_LABEL")
CERTIFICATE_PKCS11_CERT_PATH = env_str("CERTIFICATE_PKCS11_CERT_PATH")
# The Ed25519 key that signs the Open Badges 3.0 credentials (a PEM file, PKCS#8);
# its public half is published at /.well-known/jwks.json. Without it no credential is offered.
CREDENTIAL_KEY_PATH = env_str("CREDENTIAL_KEY_PATH")
# Verifiers may cache a status list this long (seconds): a revocation shows within it.
STATUS_LIST_MAX_AGE = env_int("STATUS_LIST_MAX_AGE", 300)

# Reports (reports/). The yearly training hours asked of an official when no
# requirement is recorded (admins record them per year, and per position).
REPORTS_DEFAULT_REQUIRED_HOURS = env_int("REPORTS_DEFAULT_REQUIRED_HOURS", 40)
# Whom the printable summary is addressed to ("Kính gửi: ...").
REPORTS_RECIPIENT = env_str("REPORTS_RECIPIENT", "Sở Nội vụ tỉnh Thái Nguyên")
# A report downloaded at once has at most this many rows (0: no limit); a larger one is made as a job,
# so that no web process spends minutes on it (gunicorn's timeout would cut it short).
REPORTS_DIRECT_MAX_ROWS = env_int("REPORTS_DIRECT_MAX_ROWS", 300_000)
# A scheduled report's file goes with its e-mail up to this size; a larger one is linked.
REPORTS_ATTACH_MAX_BYTES = env_int("REPORTS_ATTACH_MAX_BYTES", 10 * 1024 * 1024)

# Languages and time
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# The project's own catalogue first (makemessages writes there), then Vietnamese for
# the strings of Django's own catalogues that they still lack (admin, auth, forms; the
# admin's JavaScript too): locale_django/ is edited by hand.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# Dates typed as in Vietnam (05/10/2026 is 5 October); see config/formats/vi.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Stored files (lesson files, certificate PDFs, seals and signatures) go through
# Django's storage API: a folder under MEDIA_ROOT ("local"), or an S3-compatible
# bucket ("s3": AWS, MinIO, Ceph, the Vietnamese clouds' object storage) so that
# web and workers on several hosts share them. Nothing stored has a public
# address: views check who asks and send the bytes. So objects get no ACL (the
# bucket's own, which must be private), any URL the storage makes is signed and
# short-lived, and a name is never overwritten (two workers saving one name get
# two objects, as on disk).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "local":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    from botocore.config import Config as S3Config

    S3_BUCKET = env_str("S3_BUCKET")
    if not S3_BUCKET:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND is s3")
    # Empty: AWS itself. Other object stores are reached by path (bucket names with
    # dots, no wildcard DNS) and may not know the checksums boto3 adds by default.
    S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
    S3_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": S3_ENDPOINT_URL or None,
        "region_name": env_str("S3_REGION") or None,
        "location": env_str("S3_PREFIX").strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        # Larger files spill to a temporary file while read, so a worker's memory stays flat.
        "max_memory_size": 5 * 1024 * 1024,
        "client_config": S3Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if S3_ENDPOINT_URL else "auto"},
            request_checksum_calculation="when_required" if S3_ENDPOINT_URL else "when_supported",
            response_checksum_validation="when_required" if S3_ENDPOINT_URL else "when_supported",
        ),
    }
    # Without keys, boto3 finds its own (AWS_* variables, an instance or pod role).
    if env_str("S3_ACCESS_KEY_ID") or env_str("S3_SECRET_ACCESS_KEY"):
        S3_OPTIONS["access_key"] = env_str("S3_ACCESS_KEY_ID")
        S3_OPTIONS["secret_key"] = env_str("S3_SECRET_ACCESS_KEY")
    DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS}
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; off in development and tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Lesson files have no public address (nothing serves MEDIA_URL): a view checks
# who asks, then Django sends the file ("django"), or the web server in front
# does: nginx through X-Accel-Redirect ("nginx"; FILE_SERVING_INTERNAL_PREFIX is
# the address of its `internal` location for MEDIA_ROOT) or Apache's
# mod_xsendfile and lighttpd through X-Sendfile ("sendfile"; the prefix is then
# the folder where that server finds MEDIA_ROOT). The README has the snippets.
FILE_SERVING = env_str("FILE_SERVING", "django")
if FILE_SERVING not in ("django", "nginx", "sendfile"):
    raise ImproperlyConfigured(f"FILE_SERVING must be django, nginx or sendfile, not {FILE_SERVING!r}")
FILE_SERVING_INTERNAL_PREFIX = env_str(
    "FILE_SERVING_INTERNAL_PREFIX", "/protected-media/" if FILE_SERVING == "nginx" else str(MEDIA_ROOT)
)

# E-mail: the console in development, SMTP otherwise (EMAIL_HOST and the rest below).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dao-tao@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. With DEBUG off everything is on unless explicitly turned off; the
# app then expects to sit behind a proxy that terminates HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts
# and everything else from this site only, so that an injected <script>, inline
# handler or style does nothing. Images may also be data: URIs (the admin's and
# Swagger UI's icons). Pages that need more widen it for themselves only: a
# lesson page frames the video players (frontend.views.lessons), DRF's
# browsable API allows its one style attribute, by hash (config.browsable_api).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Powerful browser features nobody here uses are off, for our pages and anything
# they frame. Nothing scans QR codes in the browser: learners use their phone's
# camera app, which opens the check-in page. The features the video players ask
# for (lesson.html's iframe `allow`) stay open to the player hosts that
# frontend.views.embeds puts in player addresses.
VIDEO_PLAYERS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
PERMISSIONS_POLICY = {
    **{feature: [] for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi",
        "magnetometer", "display-capture", "browsing-topics", "idle-detection",
        "local-fonts", "xr-spatial-tracking", "window-management",
    )},
    **{feature: ["self", *VIDEO_PLAYERS] for feature in (
        "accelerometer", "gyroscope", "encrypted-media", "fullscreen", "picture-in-picture", "clipboard-write",
    )},
}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "config.browsable_api.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "accounts.parsers.JSONParser",
        "accounts.parsers.FormParser",
        "accounts.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.UserRateThrottle",
        "config.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_USER_RATE", "6000/hour"),
        "anon": env_str("API_ANON_RATE", "600/hour"),
        # Public certificate verification (page and API), per address: a whole office shares one.
        "verify": env_str("VERIFY_RATE", "300/minute"),
    },
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nền tảng đào tạo cải cách hành chính",
    "DESCRIPTION": "REST API v1 of the administrative-reform training platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "accounts.models.OrgUnit.Kind",
        "LessonKindEnum": "courses.models.Lesson.Kind",
        "CourseStatusEnum": "courses.models.Course.Status",
        "EnrollmentStatusEnum": "courses.models.Enrollment.Status",
        "AttemptStatusEnum": "quizzes.models.Attempt.Status",
        "EventKindEnum": "training.models.Event.Kind",
        "AttendanceStatusEnum": "training.models.AttendanceRecord.Status",
        "AttendanceMethodEnum": "training.models.AttendanceRecord.Method",
        "RosterSourceEnum": "training.models.RosterEntry.Source",
        "EnrollmentSourceEnum": "courses.models.Enrollment.Source",
        "ReportKindEnum": "reports.models.Kind",
        "ReportFormatEnum": "reports.models.Format",
        "ReportScheduleEveryEnum": "reports.models.ReportSchedule.Every",
    },
}

# Celery: Redis in production; without REDIS_URL, a broker made of files under
# var/ so that the quick start runs a real worker with no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # A task a killed worker held comes back after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep-certificates": {
        "task": "certificates.tasks.sweep",
        "schedule": timedelta(minutes=10),
    },
    "renew-expiring-certificates": {
        "task": "courses.tasks.renew_expiring_certificates",
        "schedule": crontab(minute=30, hour="7-17"),
    },
    "send-pending-notification-mails": {
        "task": "accounts.tasks.send_pending_notification_mails",
        "schedule": timedelta(minutes=10),
    },
    "send-pending-invitations": {
        "task": "accounts.tasks.send_pending_invitations",
        "schedule": timedelta(minutes=5),
    },
    "sweep-quiz-attempts": {
        "task": "quizzes.tasks.sweep_attempts",
        "schedule": timedelta(seconds=env_int("QUIZ_SWEEP_SECONDS", 20)),
    },
    "send-scheduled-reports": {
        "task": "reports.tasks.send_due_schedules",
        "schedule": crontab(minute=15),
    },
    "send-due-reminders": {
        "task": "courses.tasks.send_due_reminders",
        # Hourly, so a worker that was down at 7:00 still sends today's reminders.
        "schedule": crontab(minute=0, hour="7-17"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.logging.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print each line a second time, beside the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # runserver's request lines: the filter must sit on the logger's own handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

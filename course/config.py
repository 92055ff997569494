"""Configuration read from the environment, with safe defaults for one school on one machine."""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_ROOT = Path(__file__).resolve().parent
# The checkout Harbour runs from, when it does (tests and the benchmark read its content).
PROJECT_ROOT = PACKAGE_ROOT.parent
# The Alembic migrations ship inside the package, so an installed Harbour can build its own schema.
MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"
# The lesson content a wheel carries (modules/, quizzes/, help_directory/, copied in by setup.py).
SHIPPED_CONTENT = PACKAGE_ROOT / "shipped_content"


def default_content_root() -> Path:
    """Where lesson content is read from unless HARBOUR_CONTENT_ROOT says otherwise: the checkout's
    top-level folders when Harbour runs from a checkout (so edits show at once), else the copy that
    ships inside the installed package."""
    checkout = PACKAGE_ROOT.parent
    if (checkout / "modules").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return SHIPPED_CONTENT


MAX_REQUEST_BYTES = 3 * 1024 * 1024


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _stop(message: str) -> None:
    print(f"Harbour will not start: {message}", file=sys.stderr)
    sys.exit(1)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        _stop(f"{name} must be a whole number, not {value!r}.")


def secret_key_source() -> str:
    """Where SECRET_KEY comes from: "environment", "file" (HARBOUR_SECRET_KEY_FILE) or "generated"."""
    if os.environ.get("SECRET_KEY"):
        return "environment"
    if os.environ.get("HARBOUR_SECRET_KEY_FILE"):
        return "file"
    return "generated"


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment or from the file HARBOUR_SECRET_KEY_FILE names; else one
    generated once and kept in the instance folder.

    Keeping it in a file means every worker process of one installation shares the same key.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    named_file = os.environ.get("HARBOUR_SECRET_KEY_FILE")
    if named_file:
        try:
            return Path(named_file).read_text().strip()
        except OSError as error:
            _stop(f"cannot read HARBOUR_SECRET_KEY_FILE ({named_file}): {error.strerror}.")
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when several workers start together only one writes the key; the rest read it.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


# Outside production, with HARBOUR_SITE_URL unset: the address `python3 dev.py run` serves.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"


def site_url_problem(value: str) -> str | None:
    """Why HARBOUR_SITE_URL will not do as the address links in emails point to; None when it is fine."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"} \
            or parts.query or parts.fragment or parts.username:
        return (f"HARBOUR_SITE_URL must be the address people open, like https://harbour.your-school.org.uk "
                f"(no path), not {value!r}.")
    return None


def trusted_hosts(site_url: str | None, listed: str | None) -> list[str] | None:
    """The Host headers Harbour answers: HARBOUR_TRUSTED_HOSTS (comma-separated) if set, else the site
    address's host plus this machine's own names (for `curl http://127.0.0.1:8000/health`). None (any host)
    only when neither is set, which production refuses."""
    if listed and listed.strip():
        return [host.strip().lower() for host in listed.split(",") if host.strip()]
    if site_url and not site_url_problem(site_url):
        return [urlsplit(site_url).hostname.lower(), "localhost", "127.0.0.1"]
    return None


def from_environment(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'harbour.sqlite'}"
    development = _flag("HARBOUR_DEV") or _flag("FLASK_DEBUG")
    site_url = (os.environ.get("HARBOUR_SITE_URL") or "").strip().rstrip("/") or None
    if site_url and site_url_problem(site_url):
        _stop(site_url_problem(site_url))
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": load_secret_key(instance_path),
        "HARBOUR_DEMO": _flag("HARBOUR_DEMO"),
        "HARBOUR_DEV": development,
        "HARBOUR_PRODUCTION": _flag("HARBOUR_PRODUCTION"),
        "SECRET_KEY_SOURCE": secret_key_source(),
        # How many app servers share the database (1: one machine), and how many proxies sit in front.
        "HARBOUR_HOSTS": _int("HARBOUR_HOSTS", 1),
        "HARBOUR_PROXIES": _int("HARBOUR_PROXIES", 0),
        # Where links in emails point: never taken from a request's Host header, which anyone can forge.
        "SITE_URL": site_url,
        # Flask answers any other Host with 400 Bad Request.
        "TRUSTED_HOSTS": trusted_hosts(site_url, os.environ.get("HARBOUR_TRUSTED_HOSTS")),
        "CONTENT_ROOT": os.environ.get("HARBOUR_CONTENT_ROOT") or str(default_content_root()),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Login throttling: tries per username, and per address (a school shares one), in a window.
        "LOGIN_WINDOW_MINUTES": _int("HARBOUR_LOGIN_WINDOW_MINUTES", 15),
        "LOGIN_USER_LIMIT": _int("HARBOUR_LOGIN_USER_LIMIT", 5),
        "LOGIN_ADDRESS_LIMIT": _int("HARBOUR_LOGIN_ADDRESS_LIMIT", 200),
        # Where Harbour finds Google's and Microsoft's OpenID Connect set-up (tests point them at a local provider).
        "OIDC_GOOGLE_DISCOVERY_URL": os.environ.get("HARBOUR_OIDC_GOOGLE_DISCOVERY_URL")
        or "https://accounts.google.com/.well-known/openid-configuration",
        "OIDC_MICROSOFT_DISCOVERY_URL": os.environ.get("HARBOUR_OIDC_MICROSOFT_DISCOVERY_URL")
        or "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
        # Sent with every sign-in request: shared devices must ask which account (empty sends none).
        "OIDC_PROMPT": os.environ.get("HARBOUR_OIDC_PROMPT", "select_account"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_FROM": os.environ.get("SMTP_FROM", "harbour@localhost"),
        "QUICK_EXIT_URL": os.environ.get("HARBOUR_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather"),
        # Cookies: Secure everywhere but local development over plain http.
        "SESSION_COOKIE_SECURE": not development and not _flag("HARBOUR_INSECURE_COOKIES"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 3600 * 4,
        # The largest request Harbour reads: a bigger one gets a calm 413 before its body is read.
        # Above the pupil import's 2 MB file limit, with room for that file's confirm step, which
        # carries the file back base64-encoded (4/3 of its size) in an ordinary form field.
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        "MAX_FORM_MEMORY_SIZE": MAX_REQUEST_BYTES,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # Inactivity limits, in minutes: staff see more, so their sessions end sooner.
        "PUPIL_SESSION_MINUTES": int(os.environ.get("HARBOUR_PUPIL_SESSION_MINUTES", "60")),
        "STAFF_SESSION_MINUTES": int(os.environ.get("HARBOUR_STAFF_SESSION_MINUTES", "30")),
    }


MIN_SECRET_KEY_LENGTH = 32


def production_problems(config: dict) -> list[str]:
    """Why this configuration is not safe to run in production; empty when it is (or when not in production)."""
    if not config.get("HARBOUR_PRODUCTION"):
        return []
    problems = []
    if config.get("HARBOUR_DEMO"):
        problems.append("HARBOUR_DEMO is on: demo mode shows logins on the login page. Unset HARBOUR_DEMO.")
    if config.get("HARBOUR_DEV"):
        problems.append("HARBOUR_DEV (or FLASK_DEBUG) is on: cookies would be sent over plain http. Unset it.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("Session cookies are not marked Secure. Unset HARBOUR_INSECURE_COOKIES and serve over HTTPS.")
    if config.get("SECRET_KEY_SOURCE") == "generated":
        problems.append("No SECRET_KEY: set SECRET_KEY, or HARBOUR_SECRET_KEY_FILE to a file holding it "
                        "(make one with: python3 -c 'import secrets; print(secrets.token_hex(32))').")
    elif len(config.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters. Use a long random one.")
    site_url = config.get("SITE_URL")
    if not site_url:
        problems.append("HARBOUR_SITE_URL is not set: links in emails to staff need the address people open, "
                        "e.g. HARBOUR_SITE_URL=https://harbour.your-school.org.uk (never the request's Host).")
    elif site_url_problem(site_url):
        problems.append(site_url_problem(site_url))
    elif not site_url.startswith("https://"):
        problems.append(f"HARBOUR_SITE_URL ({site_url}) must start with https:// in production.")
    hosts = config.get("HARBOUR_HOSTS", 1)
    if hosts > 1 and str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append(f"HARBOUR_HOSTS is {hosts} but the database is SQLite, a file on one machine. "
                        "Use PostgreSQL (DATABASE_URL=postgresql+psycopg://...) when several app servers share the load.")
    if hosts > 1 and not config.get("REDIS_URL"):
        problems.append(f"HARBOUR_HOSTS is {hosts} but REDIS_URL is not set: the login throttle must be shared "
                        "by every app server.")
    if hosts < 1 or config.get("HARBOUR_PROXIES", 0) < 0:
        problems.append("HARBOUR_HOSTS must be 1 or more, and HARBOUR_PROXIES 0 or more.")
    return problems

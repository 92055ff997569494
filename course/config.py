"""Configuration read from the environment, with safe defaults for one school on one machine."""

import os
import secrets
from pathlib import Path

# Where lesson content lives: the repository's top-level folders, unless told otherwise.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder.

    Keeping it in a file means every worker process of one installation shares the same key.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
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


def from_environment(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'harbour.sqlite'}"
    development = _flag("HARBOUR_DEV") or _flag("FLASK_DEBUG")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": load_secret_key(instance_path),
        "HARBOUR_DEMO": _flag("HARBOUR_DEMO"),
        "HARBOUR_DEV": development,
        "HARBOUR_PRODUCTION": _flag("HARBOUR_PRODUCTION"),
        "CONTENT_ROOT": os.environ.get("HARBOUR_CONTENT_ROOT", str(PROJECT_ROOT)),
        "REDIS_URL": os.environ.get("REDIS_URL"),
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
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # Inactivity limits, in minutes: staff see more, so their sessions end sooner.
        "PUPIL_SESSION_MINUTES": int(os.environ.get("HARBOUR_PUPIL_SESSION_MINUTES", "60")),
        "STAFF_SESSION_MINUTES": int(os.environ.get("HARBOUR_STAFF_SESSION_MINUTES", "30")),
    }

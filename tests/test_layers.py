"""The three layers stay apart: the rules in course/domain know nothing of Flask or the web, no audience
blueprint imports another, and the `flask` commands never reach into a blueprint. Read with `ast` only."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course"
BLUEPRINTS = ("admin", "audit_log", "auth", "help", "home", "parents", "pupil", "safeguarding", "setup",
              "staff_training", "teacher", "trust")
WEB_FRAMEWORK = ("flask", "werkzeug", "flask_login", "flask_wtf", "wtforms", "flask_sqlalchemy", "flask_migrate")


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Every module a file imports, as absolute dotted names (relative imports resolved)."""
    if package is None:
        package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if path.name != "__init__.py":
            package = package.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def files_in(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def is_under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def forbidden_for_domain(module: str) -> bool:
    return (any(is_under(module, name) for name in WEB_FRAMEWORK)
            or is_under(module, "course.web") or is_under(module, "course.cli")
            or any(is_under(module, f"course.{bp}") for bp in BLUEPRINTS))


@pytest.mark.parametrize("path", files_in("domain"), ids=lambda p: p.name)
def test_domain_knows_nothing_of_flask_or_the_web(path):
    wrong = sorted(m for m in imported_modules(path) if forbidden_for_domain(m))
    assert not wrong, f"{path.relative_to(PACKAGE.parent)} imports {wrong}: domain rules must not"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_blueprint_imports_another(blueprint):
    others = [bp for bp in BLUEPRINTS if bp != blueprint]
    for path in files_in(blueprint):
        wrong = sorted(m for m in imported_modules(path) if any(is_under(m, f"course.{o}") for o in others))
        assert not wrong, f"{path.relative_to(PACKAGE.parent)} imports {wrong}: move the shared rule into domain/"


def test_the_commands_never_import_a_blueprint():
    for path in files_in("cli"):
        wrong = sorted(m for m in imported_modules(path) if any(is_under(m, f"course.{bp}") for bp in BLUEPRINTS))
        assert not wrong, f"{path.relative_to(PACKAGE.parent)} imports {wrong}: call course.domain instead"


def test_the_web_layer_never_imports_a_blueprint():
    for path in files_in("web"):
        wrong = sorted(m for m in imported_modules(path) if any(is_under(m, f"course.{bp}") for bp in BLUEPRINTS))
        assert not wrong, f"{path.relative_to(PACKAGE.parent)} imports {wrong}"


def test_the_checker_sees_a_planted_flask_import(tmp_path):
    """The checks above can fail: a domain-style file that imports Flask (directly or relatively) is caught."""
    planted = tmp_path / "planted.py"
    planted.write_text("from flask import current_app\nfrom ..web import security\nfrom . import scope\n")
    found = imported_modules(planted, package="course.domain")
    assert forbidden_for_domain("flask") and "flask" in found
    assert "course.web.security" in found and forbidden_for_domain("course.web.security")
    assert not forbidden_for_domain("course.domain.scope")


def test_every_folder_of_course_is_a_known_layer():
    """A new top-level folder must be placed in a layer (and added here) on purpose."""
    known = {"domain", "web", "cli", "models", "content", "templates", "static", "migrations", "shipped_content",
             "__pycache__", *BLUEPRINTS}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    assert folders <= known, f"unplaced folders: {sorted(folders - known)}"
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert modules == {"__init__.py", "config.py", "extensions.py"}, sorted(modules)

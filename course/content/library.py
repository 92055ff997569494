"""All lesson content, loaded once and checked together; problems name file and line."""

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .help_directory import Region, parse_region
from .idioms import eal_idioms, idiom_problems
from .modules import ModuleContent, parse_module
from .parent_sheets import ParentSheets, parse_parent_sheets
from .problems import ContentProblem
from .quizzes import Quiz, ecw_statements, parse_quiz

BLAMING_PHRASES_FILE = Path(__file__).with_name("blaming_phrases.txt")

# Parsed modules by a hash of their file text: loading the same content again (another app in the
# same process, a reload) reuses the rendered HTML instead of rendering it again.
_parsed_cache: dict[tuple[str, str], tuple[ModuleContent | None, list]] = {}


class InvalidContent(SystemExit):
    """Raised when the content has problems; it carries the messages and exits with status 1."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__(1)
        self.problems = problems


@dataclass
class ContentLibrary:
    modules: dict[str, ModuleContent] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    # The staff track (modules/staff/, quizzes/staff/): for adults, kept apart from the pupils' library, so
    # nothing that lists `modules` (pupils, assigning, coverage, exports) ever sees it.
    staff_modules: dict[str, ModuleContent] = field(default_factory=dict)
    # What parents and carers are given per pupil module (parents/sheets.toml).
    parent_sheets: ParentSheets = field(default_factory=ParentSheets)

    def staff_ordered(self) -> list[ModuleContent]:
        return sorted(self.staff_modules.values(), key=lambda m: (m.order, m.slug))

    def ordered(self) -> list[ModuleContent]:
        return sorted(self.modules.values(), key=lambda m: (m.order, m.slug))

    def get(self, slug: str) -> ModuleContent | None:
        return self.modules.get(slug)

    def content_hash(self, slug: str) -> str:
        module = self.modules[slug]
        quiz_hash = module.quiz.path.read_bytes() if module.quiz else b""
        return hashlib.sha256(module.source_hash.encode() + quiz_hash).hexdigest()


def blaming_phrases() -> list[str]:
    if not BLAMING_PHRASES_FILE.exists():
        return []
    lines = BLAMING_PHRASES_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def _read(path: Path, root: Path, problems: list[ContentProblem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(ContentProblem(_name(path, root), 1, "not UTF-8 text"))
        return None


def _name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _blame_problems(name: str, text: str, phrases: list[str]) -> list[ContentProblem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        lowered = _normalise(line)
        for phrase in phrases:
            if phrase in lowered:
                problems.append(ContentProblem(name, number, f"blaming phrase '{phrase}': say what can help instead"))
    return problems


def _framework_bands(framework: dict) -> set[str]:
    """The UKCIS age bands a module is mapped to (`framework.ukcis_age_bands`)."""
    bands = framework.get("ukcis_age_bands")
    if isinstance(bands, list):
        return {str(band) for band in bands}
    return set()


def _statement_band_problems(module: ModuleContent, name: str) -> list[ContentProblem]:
    """A knowledge check names a statement for an age band the module is mapped to."""
    bands = _framework_bands(module.framework if isinstance(module.framework, dict) else {})
    statements = ecw_statements()
    problems = []
    for check in module.quiz.checks:
        statement = statements.get(check.statement)
        if bands and statement is not None and statement.age_band not in bands:
            problems.append(ContentProblem(name, check.line, (
                f"check '{check.id}': statement '{check.statement}' is for ages {statement.age_band}, but "
                f"module '{module.slug}' is mapped to {', '.join(sorted(bands))}")))
    return problems


def _load_modules(root: Path, folder: Path, staff: bool, phrases, idioms,
                  problems: list[ContentProblem]) -> dict[str, ModuleContent]:
    modules = {}
    for path in sorted(folder.glob("*.md")):
        text = _read(path, root, problems)
        if text is None:
            continue
        key = (str(path), hashlib.sha256(text.encode()).hexdigest())
        if key not in _parsed_cache:
            _parsed_cache[key] = parse_module(path, text, staff=True) if staff else parse_module(path, text)
        module, found = _parsed_cache[key]
        name = _name(path, root)
        problems += [ContentProblem(name, line, message) for line, message in found]
        problems += _blame_problems(name, text, phrases)
        problems += [ContentProblem(name, line, m) for line, m in idiom_problems(text, idioms, is_module=True)]
        if module is not None:
            modules[module.slug] = module
    return modules


def _load_quizzes(root: Path, folder: Path, modules: dict[str, ModuleContent], module_folder: Path, phrases,
                  idioms, problems: list[ContentProblem]) -> dict[str, Quiz]:
    quizzes: dict[str, Quiz] = {}
    for path in sorted(folder.glob("*.toml")):
        text = _read(path, root, problems)
        if text is None:
            continue
        name = _name(path, root)
        quiz, found = parse_quiz(path, text)
        problems += [ContentProblem(name, line, message) for line, message in found]
        problems += _blame_problems(name, text, phrases)
        problems += [ContentProblem(name, line, m) for line, m in idiom_problems(text, idioms, is_module=False)]
        if quiz is None:
            continue
        if quiz.module_slug not in modules and not (module_folder / f"{quiz.module_slug}.md").exists():
            problems.append(ContentProblem(name, 1, f"quiz for an unknown module '{quiz.module_slug}'"))
        elif quiz.module_slug in quizzes:
            problems.append(ContentProblem(name, 1, f"a second quiz for module '{quiz.module_slug}'"))
        else:
            quizzes[quiz.module_slug] = quiz
    for slug, module in modules.items():
        module.quiz = quizzes.get(slug)
        if module.quiz is None and not (folder / f"{slug}.toml").exists():
            problems.append(ContentProblem(_name(module.path, root), 1,
                                           f"module '{slug}' has no quiz: add {_name(folder, root)}/{slug}.toml"))
    return quizzes


def load_library(root: Path) -> tuple[ContentLibrary, list[ContentProblem]]:
    root = Path(root)
    library = ContentLibrary()
    problems: list[ContentProblem] = []
    phrases = blaming_phrases()
    idioms = eal_idioms()

    library.modules = _load_modules(root, root / "modules", False, phrases, idioms, problems)
    quizzes = _load_quizzes(root, root / "quizzes", library.modules, root / "modules", phrases, idioms, problems)
    for module in library.modules.values():
        if module.quiz is not None:
            problems += _statement_band_problems(module, _name(module.quiz.path, root))
    # Imported here, not at the top, so `python -m course.content.quiz_quality` runs its module only once.
    from .quiz_quality import quality_problems

    problems += quality_problems(quizzes, lambda quiz: _name(quiz.path, root))

    # The staff track: the same format and the same checks of tone and idiom (the reading level is an
    # adult's); the pupil quiz-quality rules (knowledge checks, question mix) are for pupils' quizzes only.
    library.staff_modules = _load_modules(root, root / "modules" / "staff", True, phrases, idioms, problems)
    _load_quizzes(root, root / "quizzes" / "staff", library.staff_modules, root / "modules" / "staff", phrases,
                  idioms, problems)
    for slug in sorted(set(library.staff_modules) & set(library.modules)):
        problems.append(ContentProblem(_name(library.staff_modules[slug].path, root), 1,
                                       f"staff module '{slug}' has the slug of a pupil module: choose another"))

    sheets_path = root / "parents" / "sheets.toml"
    if sheets_path.exists():
        text = _read(sheets_path, root, problems)
        if text is not None:
            name = _name(sheets_path, root)
            sheets, found = parse_parent_sheets(text, set(library.modules))
            problems += [ContentProblem(name, line, message) for line, message in found]
            problems += _blame_problems(name, text, phrases)
            problems += [ContentProblem(name, line, m) for line, m in idiom_problems(text, idioms, is_module=False)]
            library.parent_sheets = sheets

    for path in sorted((root / "help_directory").glob("*.toml")):
        text = _read(path, root, problems)
        if text is None:
            continue
        region, found = parse_region(path, text)
        problems += [ContentProblem(_name(path, root), line, message) for line, message in found]
        if region is not None:
            library.regions[region.code] = region
    if "uk" not in library.regions and not any(p.file.endswith("uk.toml") for p in problems):
        problems.append(ContentProblem("help_directory/uk.toml", 1, "the default region 'uk' is missing"))

    return library, sorted(problems)


def load_or_exit(root: Path) -> ContentLibrary:
    """For app start-up: the library, or the problems on stderr and exit status 1 (no traceback)."""
    library, problems = load_library(root)
    if problems:
        print("Harbour cannot start: the lesson content has problems.", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Fix these, then check with: flask content check", file=sys.stderr)
        raise InvalidContent(problems)
    return library

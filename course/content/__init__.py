"""Lesson content as data: modules (Markdown), quizzes (TOML) and the help directory (TOML)."""

from .library import ContentLibrary, InvalidContent, load_library
from .problems import ContentProblem

__all__ = ["ContentLibrary", "ContentProblem", "InvalidContent", "load_library"]

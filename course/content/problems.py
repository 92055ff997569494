"""A problem found in a content file, named by file and line."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

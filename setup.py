"""Puts the lesson content (modules/ with the staff track in modules/staff/, quizzes/, help_directory/, parents/) inside the wheel, as course/shipped_content/.

Everything else about the package is in pyproject.toml. In a checkout Harbour reads the top-level folders
directly (course/config.py: default_content_root), so this copy exists only in built wheels.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT_FOLDERS = ("modules", "quizzes", "help_directory", "parents")


class BuildWithContent(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "course" / "shipped_content"
        for folder in CONTENT_FOLDERS:
            shutil.copytree(Path(__file__).parent / folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithContent})

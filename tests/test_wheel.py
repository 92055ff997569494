"""The installed package is whole: a wheel built from pyproject.toml, installed into a fresh virtual
environment, builds its schema, checks its content and checks a staff password from outside the checkout."""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, cwd, env):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_wheel_installs_a_whole_harbour(tmp_path):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheels),
         str(ROOT)], cwd=tmp_path, env=os.environ)
    (wheel,) = wheels.glob("harbour-*.whl")

    # A fresh environment holding only the wheel; its dependencies are borrowed from the test environment's
    # site-packages as a plain path (so the checkout's editable install is not seen).
    target = tmp_path / "fresh"
    venv.create(target, with_pip=False)
    fresh_python = target / "bin" / "python"
    fresh_site = Path(run([str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          cwd=tmp_path, env=os.environ).strip())
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(fresh_python), "install", "--quiet", "--no-deps",
         str(wheel)], cwd=tmp_path, env=os.environ)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HARBOUR_", "PYTHON")) and key not in {"DATABASE_URL", "SECRET_KEY"}}
    env["DATABASE_URL"] = f"sqlite:///{outside / 'new.sqlite'}"
    where = run([str(fresh_python), "-c", "import course; print(course.__file__)"], cwd=outside, env=env)
    assert Path(where.strip()).is_relative_to(target), where

    flask = [str(fresh_python), "-m", "flask", "--app", "course"]
    run([*flask, "db", "upgrade"], cwd=outside, env=env)
    assert (outside / "new.sqlite").stat().st_size > 0
    checked = run([*flask, "content", "check"], cwd=outside, env=env)
    assert "Content OK" in checked
    shipped_modules = len(list((ROOT / "modules").glob("*.md")))
    assert f"{shipped_modules} modules" in checked
    # The staff track and the parents' sheets travel in the wheel too (setup.py copies their folders).
    staff_modules = len(list((ROOT / "modules" / "staff").glob("*.md")))
    assert staff_modules and f"{staff_modules} staff modules" in checked
    assert f"{shipped_modules} take-home sheets for parents" in checked

    problem = run([str(fresh_python), "-c", "from course.domain.passwords import staff_password_problem as p; "
                   "print(p('password1234')); print(p('a harbour lighthouse at dusk'))"], cwd=outside, env=env)
    common, fine = problem.strip().splitlines()
    assert "on a list of passwords people often choose" in common
    assert fine == "None"

"""The set-up files: every setting documented, and the system-package script's rules."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def test_settings_read_the_variables_we_expect():
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND"} <= settings_variables()


@pytest.mark.parametrize("document", ["README.md", ".env.example"])
def test_every_setting_is_documented(document):
    text = (ROOT / document).read_text()
    missing = sorted(name for name in settings_variables() if not re.search(rf"\b{name}\b", text))
    assert not missing, f"{document} does not mention {missing}"


@pytest.fixture
def unprivileged_path(tmp_path):
    """A PATH where every package is missing, we are not root and sudo refuses."""
    for name, body in {"dpkg": "exit 1", "id": "echo 1000", "sudo": "exit 1"}.items():
        fake = tmp_path / name
        fake.write_text(f"#!/bin/sh\n{body}\n")
        fake.chmod(0o755)
    return f"{tmp_path}:/usr/bin:/bin"


def run_script(path: str, *packages: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *packages], env={"PATH": path}, capture_output=True, text=True, timeout=30
    )


def test_it_carries_on_without_optional_packages_it_cannot_install(unprivileged_path):
    result = run_script(unprivileged_path, "--optional", "fonts-dejavu-core")
    assert result.returncode == 0
    assert "apt-get install fonts-dejavu-core" in result.stderr


def test_it_stops_when_a_required_package_is_missing(unprivileged_path):
    result = run_script(unprivileged_path, "gettext", "--optional", "fonts-dejavu-core")
    assert result.returncode == 1
    assert "apt-get install gettext" in result.stderr


VENV_SCRIPT = ROOT / "scripts" / "python-venv.sh"


def fake_python(folder: Path, *, has_ensurepip: bool) -> Path:
    """A python3.11 that creates no venv but tells whether it could, as Debian's does without python3.11-venv."""
    python = folder / "python3.11"
    python.write_text(
        "#!/bin/sh\n"
        'case "$2" in\n'
        f"  'import ensurepip, venv') exit {0 if has_ensurepip else 1} ;;\n"
        "  *'sys.version_info'*) echo 3.11; exit 0 ;;\n"
        "esac\n"
        'if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin"; exit 0; fi\n'
        "exit 2\n"
    )
    python.chmod(0o755)
    return python


def run_venv_script(path: str, python: str, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(VENV_SCRIPT), python, str(venv)], env={"PATH": path},
                          capture_output=True, text=True, timeout=30)


def test_the_venv_is_not_attempted_without_python_venv_and_the_package_is_named(unprivileged_path, tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    fake_python(folder, has_ensurepip=False)
    result = run_venv_script(f"{folder}:{unprivileged_path}", "python3.11", tmp_path / "venv")
    assert result.returncode == 1
    assert "apt-get install python3.11-venv" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_the_venv_is_created_when_python_can(unprivileged_path, tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    fake_python(folder, has_ensurepip=True)
    result = run_venv_script(f"{folder}:{unprivileged_path}", "python3.11", tmp_path / "venv")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "venv" / "bin").is_dir()


def test_a_missing_python_is_named_with_the_packages_that_bring_it(unprivileged_path, tmp_path):
    result = run_venv_script(unprivileged_path, "python3.99", tmp_path / "venv")
    assert result.returncode == 1
    assert "apt-get install python3.99 python3.99-venv" in result.stderr

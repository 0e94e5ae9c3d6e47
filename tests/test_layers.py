"""The layers the code keeps, checked on every run (import-linter's contracts in ``pyproject.toml``).

``api`` builds on ``cultivation``, which builds on ``registry``; ``config`` (settings, URLs, the Celery app)
sits above them all and nothing imports it. The rules engine (``cultivation.rules``) imports no model, so
it can judge plain facts anywhere; and no module imports one that imports it back. The contracts are
checked on the real tree, and each is shown to fail on a copy of the tree with one wrong import added --
a contract that cannot fail would guard nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "api", "cultivation", "registry")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120
    )


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The four packages' Python files and the contracts, copied: a place to add a wrong import."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "*.po", "*.mo"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("registry.roles", "from cultivation import tiers", "Layers"),
        ("cultivation.selectors", "from api import pagination", "Layers"),
        ("registry.models", "from config import celery", "Layers"),
        ("cultivation.rules.values", "from registry.models import Firm", "The rules engine imports no model"),
        ("cultivation.rules.values", "from cultivation.rules import evaluator", "No import cycles"),
    ],
    ids=[
        "register-imports-programme",
        "programme-imports-api",
        "app-imports-project",
        "rules-import-model",
        "cycle",
    ],
)
def test_a_wrong_import_breaks_its_contract(tree_copy: Path, module: str, line: str, contract: str):
    assert lint(tree_copy).returncode == 0  # the copy alone holds
    add_import(tree_copy, module, line)
    result = lint(tree_copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith(" BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout


def test_the_rules_engine_uses_no_database_layer():
    """import-linter names whole external packages only; ``django.db`` is checked here, line by line."""
    graph = grimp.build_graph("cultivation", include_external_packages=True)
    rules = {m for m in graph.modules if m == "cultivation.rules" or m.startswith("cultivation.rules.")}
    offending = [
        f"{detail['importer']}:{detail['line_number']} {detail['line_contents']}"
        for module in sorted(rules)
        if "django" in graph.find_modules_directly_imported_by(module)
        for detail in graph.get_import_details(importer=module, imported="django")
        if detail["line_contents"].split()[1].startswith(("django.db", "django.contrib"))
    ]
    assert offending == []

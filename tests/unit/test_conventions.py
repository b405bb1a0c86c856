"""The house rules of STYLE.md, enforced."""

import subprocess
import sys
from pathlib import Path

import pytest

import callbacks
import dashboard
import layouts
from layouts import ids

ROOT = Path(__file__).resolve().parents[2]


def test_cv001_domain_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, dashboard.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'dashboard.domain.'): importlib.import_module(m.name)\n"
        "bad = sorted({n.split('.')[0] for n in sys.modules} & {'dash', 'sqlalchemy', 'pandas', 'flask', 'plotly'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("package", [dashboard, layouts, callbacks])
def test_cv002_packages_are_imported_from_this_checkout(package):
    assert Path(package.__file__).resolve().is_relative_to(ROOT), package.__file__


def test_cv003_component_ids_are_unique():
    values = [v for k, v in vars(ids).items() if k.isupper()]
    assert len(values) == len(set(values))


def test_cv004_code_passes_ruff():
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "--output-format", "concise", "."], capture_output=True, text=True, cwd=ROOT)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run([*ruff, "format", "--check", "."], capture_output=True, text=True, cwd=ROOT)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_cv005_data_schema_sql_matches_the_sqlalchemy_schema():
    from dashboard.cmdb.schema import ddl

    assert (ROOT / "data" / "schema.sql").read_text() == ddl("sqlite"), "regenerate: python -m dashboard schema"

"""The suite's own shape: every test can fail, and in CI nothing is skipped.

A test with no assertion passes whatever the code does; an assertion on a constant
(`assert True`, `assert "x"`, `assert len(x) >= 0`) cannot fail. Both are found with `ast` in
every test file, so they cannot come back unnoticed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# pytest's own ways to fail a test: `with pytest.raises(...)`, `pytest.fail(...)`, …
PYTEST_ASSERTING = {"raises", "fail", "warns", "deprecated_call"}

# Helpers a test may call instead of writing `assert` itself, each with what it asserts. Add a
# helper here only when its body asserts (or raises) on every path it is called for.
ASSERTING_HELPERS: dict[str, str] = {}


def suite_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "node_modules" not in p.parts)


def _test_functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    yield item


def _asserts_something(function: ast.AST) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "pytest"
                and func.attr in PYTEST_ASSERTING
            ):
                return True
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ASSERTING_HELPERS:
                return True
    return False


def _always_true(test: ast.expr) -> bool:
    """An assertion that holds whatever the code under test does."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, (ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return bool(
            getattr(test, "elts", None) or getattr(test, "keys", None) or getattr(test, "values", None)
        )
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_always_true(value) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        is_len = isinstance(left, ast.Call) and getattr(left.func, "id", None) == "len"
        if (
            is_len
            and isinstance(test.ops[0], ast.GtE)
            and isinstance(right, ast.Constant)
            and right.value == 0
        ):
            return True  # len(x) >= 0
    return False


def weak_tests(source: str, where: str = "<test>") -> list[str]:
    """`file:line name: why` for each test that asserts nothing or asserts something always true."""
    found = []
    for function in _test_functions(ast.parse(source)):
        if not _asserts_something(function):
            found.append(
                f"{where}:{function.lineno} {function.name}: no assert, pytest.raises or asserting helper"
            )
        for node in ast.walk(function):
            if isinstance(node, ast.Assert) and _always_true(node.test):
                found.append(f"{where}:{node.lineno} {function.name}: the assertion cannot fail")
    return found


def test_every_test_asserts_something_that_can_fail():
    files = suite_files()
    assert len(files) > 40, "the test files were not found"
    weak = [
        problem
        for path in files
        for problem in weak_tests(path.read_text(encoding="utf-8"), path.relative_to(TESTS.parent).as_posix())
    ]
    assert weak == []


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("def test_a():\n    run()\n", "no assert"),
        ("def test_a():\n    try:\n        run()\n    except Exception:\n        pass\n", "no assert"),
        ("class TestA:\n    def test_a(self):\n        print(1)\n", "no assert"),
        ("def test_a():\n    assert True\n", "cannot fail"),
        ("def test_a():\n    assert 'message'\n", "cannot fail"),
        ("def test_a():\n    assert f'{x}'\n", "cannot fail"),
        ("def test_a():\n    assert len(run()) >= 0\n", "cannot fail"),
        ("def test_a():\n    assert run() or True\n", "cannot fail"),
        ("def test_a():\n    assert (run(), 'message')\n", "cannot fail"),  # a tuple, always true
    ],
)
def test_planted_weak_tests_are_found(source, why):
    (problem,) = weak_tests(source)
    assert why in problem and "test_a" in problem


@pytest.mark.parametrize(
    "source",
    [
        "def test_a():\n    assert run() == 1\n",
        "def test_a():\n    with pytest.raises(ValueError):\n        run()\n",
        "def test_a():\n    if not run():\n        pytest.fail('no')\n",
        "def test_a():\n    assert len(run()) >= 1\n",
        "def helper():\n    run()\n",  # not a test
    ],
)
def test_real_assertions_pass_the_guard(source):
    assert weak_tests(source) == []


def test_asserting_helpers_exist_and_assert():
    """Every helper named in ASSERTING_HELPERS is defined in the tests and asserts in its body."""
    defined = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "node_modules" not in path.parts:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef):
                    defined.setdefault(node.name, node)
    for name in ASSERTING_HELPERS:
        assert name in defined, f"{name} is listed as an asserting helper but defined nowhere in tests/"
        assert _asserts_something(defined[name]), (
            f"{name} is listed as an asserting helper but asserts nothing"
        )


# --- in CI, a skip is a failure (conftest.py) ---------------------------------------------------

PROBE = """
import pytest

def test_passes():
    assert True is not False

def test_skipped_in_the_body():
    pytest.skip("lftp is not installed")

@pytest.mark.skipif(True, reason="Debian's chromium is not installed")
def test_skipped_by_a_marker():
    assert False

def test_skipped_for_the_machine():
    pytest.skip("cannot mount a tmpfs here: permission denied")

@pytest.mark.xfail(reason="a known failure is not a skip", strict=True)
def test_expected_to_fail():
    assert False
"""

PROBE_MODULE = """
import pytest

pytest.importorskip("chophien_no_such_module")

def test_never_collected():
    assert False
"""


def run_probe(tmp_path: Path, name: str, source: str, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(textwrap.dedent(source), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q", "-rA", name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_outside_ci_a_missing_tool_skips(tmp_path):
    result = run_probe(tmp_path, "test_probe.py", PROBE, None)
    assert "1 passed, 3 skipped, 1 xfailed" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


def test_in_ci_every_skip_fails_but_the_machine_ones(tmp_path):
    result = run_probe(tmp_path, "test_probe.py", PROBE, "true")
    out = result.stdout
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed, 1 error" in out, out + result.stderr
    assert "FAILED test_probe.py::test_skipped_in_the_body - skipped in CI: lftp is not installed" in out
    assert "ERROR test_probe.py::test_skipped_by_a_marker - skipped in CI: Debian's chromium" in out
    assert "SKIPPED [1] test_probe.py:15: cannot mount a tmpfs here" in out
    assert result.returncode == 1


def test_in_ci_a_module_level_importorskip_fails(tmp_path):
    assert "skipped" in run_probe(tmp_path, "test_probe_module.py", PROBE_MODULE, None).stdout
    result = run_probe(tmp_path, "test_probe_module.py", PROBE_MODULE, "true")
    assert (
        "ERROR test_probe_module.py - skipped in CI: could not import 'chophien_no_such_module'"
        in result.stdout
    )
    assert result.returncode != 0

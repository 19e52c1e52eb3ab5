"""The package's shape: imports read with `ast` (no cycle, Pelican only in the adapter, Jinja's
environment only in templating and the adapter), and every module importable on its own.

Which imports count: every `import` statement anywhere in a module, at module level or inside a
function. An import inside a function only delays the dependency, it does not remove it: the
layers must point one way (issue 12), so a function-level import that closes a cycle is a cycle.
There is no list of allowed exceptions: the last cycle (canonical <-> yamlwrite) and the last
upward import (formats.yamlwrite -> catalogue.canonical) were cut in issue 12.
`if TYPE_CHECKING:` imports would count too; the package has none.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import chophien

PACKAGE = Path(chophien.__file__).parent
ADAPTER = "chophien.pelican_plugin"  # the only module that imports Pelican
# Jinja's Environment (or the whole `jinja2` module, which reaches it) only here: the domain gets
# values and filters, never the environment. Other modules may import jinja2's small helpers
# (site/head uses `pass_context` for one template global).
JINJA_ENVIRONMENT_OWNERS = {"chophien.site.templating", ADAPTER}
JINJA_ENVIRONMENT_NAMES = {"Environment", "SandboxedEnvironment", "NativeEnvironment", "Template"}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a chophien module, or the top-level name of a library
    names: tuple[str, ...]  # for `from x import a, b`; () for `import x`
    line: int
    in_function: bool

    def where(self) -> str:
        path = PACKAGE.parent / (self.importer.replace(".", "/") + ".py")
        if not path.exists():
            path = path.with_suffix("") / "__init__.py"
        scope = "inside a function" if self.in_function else "module level"
        return f"{path.relative_to(PACKAGE.parent)}:{self.line} ({scope})"


def module_files() -> dict[str, Path]:
    """Every module of the package, sub-packages included: dotted name → file."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module name of `from <node.module> import …`, relative levels resolved."""
    if not node.level:
        return node.module or ""
    package = importer.split(".")
    is_package = MODULES[importer].name == "__init__.py"
    base = package if is_package else package[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _in_package(name: str) -> str | None:
    """The longest chophien module that *name* (a dotted import target) names or lies in."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, source: str | None = None) -> list[Import]:
    """Every import in *module*'s source, with the chophien module or library it reaches."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8") if source is None else source)
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _in_package(alias.name) or alias.name.split(".")[0]
                    found.append(Import(module, target, (), child.lineno, in_function))
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(module, child)
                for alias in child.names:
                    # `from . import views` and `from chophien import views` name a module.
                    target = _in_package(f"{base}.{alias.name}") or _in_package(base) or base.split(".")[0]
                    found.append(Import(module, target, (alias.name,), child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def import_graph(sources: dict[str, str] | None = None) -> dict[str, list[Import]]:
    """importer → its imports of other chophien modules (*sources* replaces some modules' text)."""
    sources = sources or {}
    return {
        module: [
            i
            for i in imports_of(module, sources.get(module))
            if i.imported in MODULES and i.imported != module
        ]
        for module in MODULES
    }


def find_cycle(
    graph: dict[str, list[Import]],
) -> list[Import] | None:
    """One import cycle as the chain of imports that closes it, or None (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        path: list[Import] = []
        stack = [(start, iter(graph[start]))]
        state[start] = 1
        while stack:
            module, edges = stack[-1]
            for edge in edges:
                if state.get(edge.imported) == 1:
                    chain = path + [edge]
                    first = next(i for i, e in enumerate(chain) if e.importer == edge.imported)
                    return chain[first:]
                if not state.get(edge.imported):
                    state[edge.imported] = 1
                    path.append(edge)
                    stack.append((edge.imported, iter(graph[edge.imported])))
                    break
            else:
                state[module] = 2
                stack.pop()
                if path:
                    path.pop()
    return None


def describe(cycle: list[Import]) -> str:
    chain = " → ".join([cycle[0].importer] + [e.imported for e in cycle])
    return chain + "\n" + "\n".join(f"  {e.where()}: imports {e.imported}" for e in cycle)


# --- the rules ------------------------------------------------------------------------------


def test_the_package_has_modules_to_check():
    assert {"chophien.site.catalogue_pages", "chophien.site.page", ADAPTER} <= set(MODULES)
    graph = import_graph()
    assert any(graph.values())  # the reader sees the package's own imports


def test_no_import_cycle_among_chophien_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle (function-level imports count):\n" + describe(cycle)


def test_pelican_is_imported_only_by_the_adapter():
    stray = [
        i.where()
        for module in MODULES
        if module != ADAPTER
        for i in imports_of(module)
        if i.imported == "pelican"
    ]
    assert stray == [], f"Pelican imported outside {ADAPTER}: {stray}"


def test_jinja_environment_is_imported_only_by_templating_and_the_adapter():
    stray = [
        i.where()
        for module in MODULES
        if module not in JINJA_ENVIRONMENT_OWNERS
        for i in imports_of(module)
        if i.imported == "jinja2" and (not i.names or set(i.names) & JINJA_ENVIRONMENT_NAMES)
    ]
    assert stray == [], f"Jinja's environment imported outside {sorted(JINJA_ENVIRONMENT_OWNERS)}: {stray}"


# --- layers: imports point down the table (docs/architecture.md) -----------------------------

# Lowest first. A module may import modules of its own layer and of any layer below it, never of
# a layer above. The root package (`chophien/__init__.py`, the version) counts as core.
LAYERS = (
    "core",
    "formats",
    "reference",
    "photos",
    "catalogue",
    "assessment",
    "federation",
    "site",
    "publishing",
    "quality",
    "volunteer",
    "maintenance",
    "entry",  # chophien.cli, chophien.pelican_plugin
)
ENTRY_POINTS = {"chophien.cli", ADAPTER}


def layer_of(module: str) -> str:
    if module in ENTRY_POINTS:
        return "entry"
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    assert parts[1] in LAYERS, f"{module}: a folder missing from LAYERS (add it where it belongs)"
    return parts[1]


def upward_imports(graph: dict[str, list[Import]]) -> list[Import]:
    return [
        i
        for imports in graph.values()
        for i in imports
        if LAYERS.index(layer_of(i.imported)) > LAYERS.index(layer_of(i.importer))
    ]


def test_every_module_belongs_to_a_layer():
    for module in MODULES:
        assert layer_of(module) in LAYERS
    assert {layer_of(m) for m in MODULES} == set(LAYERS), "a layer in LAYERS has no module"


def test_no_import_points_up_the_layers():
    stray = upward_imports(import_graph())
    assert stray == [], "imports up the layers:\n" + "\n".join(
        f"  {i.where()}: {layer_of(i.importer)} imports {i.imported} ({layer_of(i.imported)})" for i in stray
    )


# --- the checks can fail ----------------------------------------------------------------------


def test_the_reader_sees_a_planted_cycle_and_a_stray_pelican_import():
    """The same functions on planted sources: a lazy cycle through page, and a stray Pelican import."""
    planted = MODULES["chophien.site.page"].read_text(encoding="utf-8") + (
        "\n\ndef _planted():\n    from .catalogue_pages import build_pages\n\n    import pelican.signals\n"
    )
    cycle = find_cycle(import_graph({"chophien.site.page": planted}))
    assert cycle is not None
    assert {e.importer for e in cycle} >= {"chophien.site.page", "chophien.site.catalogue_pages"}
    assert any(e.in_function and e.importer == "chophien.site.page" for e in cycle)
    assert "pelican" in {i.imported for i in imports_of("chophien.site.page", planted)}
    # `from . import x`, `from .. import x`, absolute and `import a.b` forms resolve to the module.
    forms = (
        "from . import catalogue_pages\nimport chophien.site.discovery\nfrom chophien.catalogue import loader\n"
        "from ..core.text import nfc\nfrom ..photos import cache\n"
    )
    assert {i.imported for i in imports_of("chophien.site.page", forms)} == {
        "chophien.site.catalogue_pages",
        "chophien.site.discovery",
        "chophien.catalogue.loader",
        "chophien.core.text",
        "chophien.photos.cache",
    }


def test_the_layer_rule_sees_a_planted_upward_import():
    """core.text importing a site module, even inside a function, is reported with its line."""
    planted = MODULES["chophien.core.text"].read_text(encoding="utf-8") + (
        "\n\ndef _planted():\n    from chophien.site.page import Page\n"
    )
    stray = upward_imports(import_graph({"chophien.core.text": planted}))
    assert [(i.importer, i.imported) for i in stray] == [("chophien.core.text", "chophien.site.page")]
    assert stray[0].in_function and "chophien/core/text.py:" in stray[0].where()


# --- every module imports on its own ---------------------------------------------------------


def walked_modules() -> list[str]:
    return sorted(
        [chophien.__name__]
        + [m.name for m in pkgutil.walk_packages(chophien.__path__, f"{chophien.__name__}.")]
    )


def test_the_ast_reader_and_the_import_system_see_the_same_modules():
    assert walked_modules() == sorted(MODULES)


@pytest.mark.parametrize("module", walked_modules())
def test_module_imports_in_a_fresh_interpreter(module):
    """As Lektor's test_imports: a module that works only when another was imported first fails."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# --- the tests mirror the package ------------------------------------------------------------

TESTS = Path(__file__).resolve().parent
# Folders of tests that are not about one package folder: npm parsers for the canonical-form tests.
TEST_SUPPORT_FOLDERS = {"yamljs"}


def test_the_tests_mirror_the_package_folders():
    """tests/<folder>/ exists for every package folder and for no other name; whole-site tests stay at the top."""
    package_folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    test_folders = {
        p.name
        for p in TESTS.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in TEST_SUPPORT_FOLDERS
    }
    assert test_folders == package_folders
    for folder in test_folders:
        assert list((TESTS / folder).glob("test_*.py")), f"tests/{folder}/ has no test file"
    names = [p.name for p in TESTS.rglob("test_*.py") if "node_modules" not in p.parts]
    assert len(names) == len(set(names)), "two test files share a name (pytest imports them by basename)"


def test_a_test_folder_imports_helpers_only_from_itself_or_the_top():
    """A helper in tests/<folder>/ is importable only while that folder's tests run: one imported from
    another folder works in the full run and fails when that file runs alone. Shared helpers live in tests/."""
    helpers = {
        p.stem: p.parent
        for p in TESTS.rglob("*.py")
        if "node_modules" not in p.parts and p.parent != TESTS and not p.name.startswith("test_")
    }
    stray = []
    for test in TESTS.rglob("test_*.py"):
        if "node_modules" in test.parts:
            continue
        for node in ast.walk(ast.parse(test.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                home = helpers.get(name.split(".")[0])
                if home is not None and home != test.parent:
                    stray.append(f"{test.relative_to(TESTS)}:{node.lineno} imports {name} from {home.name}/")
    assert stray == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_states_its_job_in_its_first_docstring_line(module):
    docstring = ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    assert docstring and len(docstring.splitlines()[0]) > 20, (
        f"{MODULES[module]}: no first line saying its job"
    )

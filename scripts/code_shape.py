"""The package's shape in figures: modules and lines per folder, and the longest functions.

    python scripts/code_shape.py [--top N] [PACKAGE_DIR]

Lines are physical lines of each .py file; a function's length is its last line minus its
first plus one (decorators excluded), nested functions counted inside their parent and on
their own. Used for the before/after figures of the restructure (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def functions(path: Path, package: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = ".".join(path.relative_to(package.parent).with_suffix("").parts)

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                yield child.end_lineno - child.lineno + 1, f"{module}:{name}"
                yield from visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")

    yield from visit(tree, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=ROOT / "chophien")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    package = args.package.resolve()
    per_folder: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    found = []
    for path in sorted(package.rglob("*.py")):
        folder = str(path.parent.relative_to(package.parent))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        per_folder[folder][0] += 1
        per_folder[folder][1] += lines
        found.extend(functions(path, package))
    print(f"{'folder':<30} {'modules':>7} {'lines':>7}")
    for folder, (modules, lines) in sorted(per_folder.items()):
        print(f"{folder:<30} {modules:>7} {lines:>7}")
    total_modules = sum(m for m, _ in per_folder.values())
    total_lines = sum(n for _, n in per_folder.values())
    print(f"{'total':<30} {total_modules:>7} {total_lines:>7}")
    print(f"\nlongest functions (of {len(found)}):")
    for length, name in sorted(found, reverse=True)[: args.top]:
        print(f"{length:>5}  {name}")


if __name__ == "__main__":
    main()

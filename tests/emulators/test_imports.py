"""The emulators stand on their own: no import from the rest of deployer, and no import cycle.

Every import counts, including those inside functions and under TYPE_CHECKING, since a cycle
hidden in either still couples the modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import deployer.emulators

PACKAGE = Path(deployer.emulators.__file__).parent
ROOT = PACKAGE.parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    """The deployer modules `name` imports (a `from package import submodule` names the
    submodule, anything else from a package names the package itself)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {module for module in found if module.split(".")[0] == "deployer"}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_emulators_import_nothing_from_the_rest_of_deployer() -> None:
    outside = {(name, imported) for name, imports in GRAPH.items() for imported in imports
               if not imported.startswith("deployer.emulators")}
    assert outside == set()


def test_no_import_cycle_among_the_emulator_modules() -> None:
    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        if name in visiting:
            cycles.append([*visiting[visiting.index(name):], name])
            return
        if name in done:
            return
        visiting.append(name)
        for imported in sorted(GRAPH.get(name, ())):
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)
    assert cycles == []

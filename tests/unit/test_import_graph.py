"""The product package's import graph has no cycle, and its folders' ``__init__`` stay light.

The graph is read from the source with ``ast``: every module-level import (imports inside a
function run later, and ``if TYPE_CHECKING:`` imports never run). Importing ``a.b.c`` runs the
``__init__`` of ``a`` and ``a.b`` first, so those are edges too.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "shared"
PACKAGE = "annual_review"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)


def _with_parents(name: str, known: dict[str, Path]) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & known.keys()


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets: set[str] = set()
        for node in _module_level(ast.parse(path.read_text("utf-8")).body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    targets |= _with_parents(alias.name, known)
            elif node.module and not node.level:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets |= _with_parents(full if full in known else node.module, known)
        graph[name] = {t for t in targets if t.startswith(PACKAGE) and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle_through_a_package_init() -> None:
    graph = {"p": {"p.a"}, "p.a": {"q.b"}, "q.b": {"p"}, "q": set(), "r": {"p"}}
    assert cycles(graph) == [["p", "p.a", "q.b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_product_package_has_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_graph_sees_imports_and_the_parents_they_run() -> None:
    graph = import_graph()
    assert "annual_review.publication" in graph["annual_review.site.pages"]
    assert "annual_review.publication.bucket_keys" in graph["annual_review.site.pages"]


def test_importing_the_bucket_keys_loads_only_a_few_product_modules() -> None:
    """The keys are constants: the folders' ``__init__`` must not drag in the publication."""
    code = (
        "import json, sys\n"
        "import annual_review.publication.bucket_keys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('annual_review'))))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(ROOT)},
        ).stdout
    )
    assert loaded == [
        "annual_review",
        "annual_review.publication",
        "annual_review.publication.bucket_keys",
    ]


def test_every_capability_folder_says_what_it_owns() -> None:
    for name, path in modules().items():
        if path.name == "__init__.py" and name != PACKAGE:
            docstring = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
            assert len(docstring.split()) >= 8, f"{name}: say what the folder owns"

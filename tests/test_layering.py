"""The package's rooms and their one-way imports (docs/architecture.md): each room imports only
rooms below it, and each third-party library is imported in its one home only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"

ROOMS = {  # room → its level: a room may import its own and lower levels' modules only
    "errors": 0, "scale": 1, "content": 2, "site": 3, "output": 4, "build": 5,
    "authoring": 6, "progress": 6, "preview": 7, "cli": 8, "__main__": 9, "__init__": 0,
}
HOMES = {  # a third-party library → the only modules (or packages) that may import it
    "jinja2": ("site.render",),
    "markdown_it": ("content.markdown",),
    "mdit_py_plugins": ("content.markdown",),
    "watchdog": ("preview.watch",),
    "pagefind": ("output.search",),
    "pdfplumber": ("authoring.pdf",),
    "pdfminer": ("authoring.pdf",),
    "pypdfium2": ("authoring.pdf",),
    "yaml": ("content.safeyaml",),
    "ruamel": ("authoring.yamledit",),
    "click": ("cli",),
}
LARGEST_MODULE = 400


def modules() -> dict[str, Path]:
    """Every module, by its dotted name under tracker ('content.model', 'cli')."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(what is imported, line): tracker modules as 'tracker.x.y', others by their top name."""
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(["tracker", *base, *([node.module] if node.module else [])])
                if not node.module:  # from . import a, b: modules of that package
                    found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
                    continue
                found.append((target, node.lineno))
            else:
                found.append((node.module or "", node.lineno))
    return found


def room(dotted: str) -> str:
    return dotted.split(".")[0]


def test_every_module_is_in_a_room() -> None:
    assert sorted({room(name) for name in modules()} - ROOMS.keys()) == []


def test_imports_go_one_way() -> None:
    wrong = []
    for name, path in modules().items():
        for target, line in imports(name, path):
            if not target.startswith("tracker.") or target == "tracker.__version__":
                continue
            other = target.removeprefix("tracker.")
            if other == "__version__" or room(other) == room(name):
                continue
            if ROOMS[room(other)] >= ROOMS[room(name)]:
                wrong.append(f"tracker/{path.relative_to(PACKAGE)}:{line}: {name} imports {other}")
    assert wrong == []


def test_each_library_is_imported_in_its_home_only() -> None:
    wrong = []
    for name, path in modules().items():
        for target, line in imports(name, path):
            library = target.split(".")[0]
            homes = HOMES.get(library)
            if homes and not any(name == home or name.startswith(home + ".") for home in homes):
                wrong.append(f"tracker/{path.relative_to(PACKAGE)}:{line}: {library} outside "
                             f"{' and '.join(homes)}")
    assert wrong == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_400_lines(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= LARGEST_MODULE, f"{name}: {lines} lines"


def test_the_layering_test_sees_a_wrong_way_import(tmp_path: Path) -> None:
    """The checks above can fail: a module of content/ importing site/ is caught."""
    module = tmp_path / "tracker" / "content" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..site import urls\nimport jinja2\n")
    found = imports("content.bad", module)
    assert found == [("tracker.site", 1), ("jinja2", 2)]
    assert ROOMS[room("site")] > ROOMS[room("content.bad")]

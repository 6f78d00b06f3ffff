"""The layers: imports run downward only, read from the source (function bodies included).

    models, extensions            the data
    kernel, timeutil, links, …    the service kernel and shared rules
    notify                        the channel: outbox, mail, sender (no area's rules)
    the areas                     auth, lunch, plans, mentors, outcomes, reports, …
    jobs, cli                     the scheduler's job list and the commands: import anything
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "intern_portal"
BASE = {"models", "extensions", "kernel", "timeutil", "links", "authz", "audit", "settings",
        "config", "views", "errors", "db_events", "testing", "lifecycle", "demo_content"}
TOP = {"jobs", "cli", "demo"}  # may import any area
CHANNEL = "notify"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Every intern_portal module and the intern_portal modules it imports, anywhere in it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [f"{target}.{alias.name}" for alias in node.names] + [target]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            found[module].update(t for t in targets if t.startswith("intern_portal."))
    return found


def _part(module: str) -> str:
    """The top-level part of intern_portal a module belongs to ('lunch', 'kernel', …)."""
    return module.split(".")[1] if "." in module else ""


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _edges() -> dict[str, set[str]]:
    """Which top-level parts each part imports (intern_portal's own __init__ left out)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in _imports().items():
        for target in targets:
            if _is_module(target) and _part(target) and _part(target) != _part(module):
                edges[_part(module)].add(_part(target))
    return edges


def _areas() -> set[str]:
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    return parts - BASE - TOP - {CHANNEL}


def test_no_module_but_the_commands_imports_the_scheduler_jobs():
    importers = {module for module, targets in _imports().items()
                 if any(t == "intern_portal.jobs" or t.startswith("intern_portal.jobs.")
                        for t in targets)}
    assert importers <= {"intern_portal.cli"}, importers


def test_the_channel_imports_no_area():
    assert _edges()[CHANNEL] & _areas() == set()


def test_the_base_imports_neither_channel_nor_areas():
    edges = _edges()
    wrong = {part: edges[part] & (_areas() | {CHANNEL} | TOP) for part in BASE}
    assert {part: found for part, found in wrong.items() if found} == {}


def test_no_two_areas_import_each_other_even_by_way_of_others():
    edges = _edges()
    areas = _areas() | {CHANNEL}

    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in edges[todo.pop()] & areas:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(area for area in areas if area in reaches(area))
    assert cycles == []


def test_the_reminder_rules_live_in_their_areas():
    for area in ("lunch", "plans", "mentors", "outcomes"):
        assert (PACKAGE / area / "reminders.py").exists()
    assert not (PACKAGE / CHANNEL / "reminders.py").exists()
    assert not (PACKAGE / CHANNEL / "scheduler.py").exists()

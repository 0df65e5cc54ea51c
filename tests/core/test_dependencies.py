"""Dependencies point one way, read straight from the source (no app needed):

- the feature packages, without their views, form no cycle (a lower feature learns of a higher
  one's changes through domain events, exhibit/core/events.py);
- no module imports itself back through others (views included);
- no view imports another feature's views (shared page helpers live in a non-view module);
- the shared layers (core, vn, pdf, media) import no feature;
- only booking reads the allocation and application tables: everyone else asks
  exhibit/booking/queries.py.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "exhibit"
SHARED = {"core", "vn", "pdf", "media", "extensions", "translations"}
#: what puts the features together: they may import any feature (and no feature imports them)
COMPOSITION = {"api", "public", "demo", "cli"}
#: building demo history writes allocations the way the booking services of 2024 would have,
#: and the fair-scale generator writes thousands at once by bulk insert (no service, no event)
ALLOCATION_WRITERS = {"demo/seed.py", "demo/fair.py"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        name = "exhibit." + ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield relative, name, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree) -> list[tuple[str, list[str]]]:
    """(module, names) of every `from exhibit… import …` and `import exhibit…`, wherever it is."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exhibit"):
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("exhibit")]
    return found


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _is_view(module: str) -> bool:
    return module.split(".")[-1] == "views"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def _graphs():
    features: dict[str, set[str]] = defaultdict(set)
    modules: dict[str, set[str]] = defaultdict(set)
    view_imports, shared_imports, table_readers = [], [], []
    for relative, name, tree in _modules():
        own = _feature(name)
        for target, names in _imports(tree):
            other = _feature(target)
            # `from exhibit.x import services` names the module exhibit.x.services
            targets = [f"{target}.{n}" for n in names if (ROOT / other / f"{n}.py").exists()] \
                if other and len(target.split(".")) == 2 and names else [target]
            for module in targets:
                modules[name].add(module)
                if other == own or other is None:
                    continue
                if own in SHARED and other not in SHARED:
                    shared_imports.append(f"{relative} imports {module}")
                if _is_view(name) and _is_view(module):
                    view_imports.append(f"{relative} imports {module}")
                if not _is_view(name) and own not in SHARED | COMPOSITION \
                        and other not in SHARED:
                    features[own].add(other)
            if target == "exhibit.booking.models" and own != "booking" \
                    and {"Allocation", "Application"} & set(names) \
                    and str(relative) not in ALLOCATION_WRITERS:
                table_readers.append(f"{relative} reads {sorted({'Allocation', 'Application'} & set(names))}")
    return features, modules, view_imports, shared_imports, table_readers


def test_feature_packages_without_their_views_form_no_cycle():
    features = _graphs()[0]
    assert _cycles(features) == []
    assert "catalogue" not in features["weeks"]  # weeks announce; the catalogue listens
    assert "booking" not in features["floorplan"]  # the plan is the geometry booking sits on


def test_no_module_imports_itself_back():
    modules = _graphs()[1]
    internal = {m: {t for t in targets if t in modules} for m, targets in modules.items()}
    assert _cycles(internal) == []


def test_no_view_imports_another_features_views():
    assert _graphs()[2] == []


def test_shared_layers_import_no_feature():
    assert _graphs()[3] == []


def test_only_booking_reads_who_holds_which_booth():
    assert _graphs()[4] == []

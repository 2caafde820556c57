"""The domain never imports the web layer, the web layer builds no SQL itself, neither app/ nor
boards/ has an import circle, and app/ reaches no private library attribute."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_boards_imports_no_flask_or_app():
    """boards/ is the domain: no Flask, Flask extensions, Socket.IO or app imports."""
    for path in (ROOT / "boards").glob("*.py"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top not in {
                "flask",
                "flask_login",
                "flask_socketio",
                "flask_wtf",
                "flask_babel",
                "socketio",
                "app",
                "werkzeug",
            }, f"{path.name}: {module}"


def test_app_builds_no_queries():
    """app/ calls services and read queries; select() and raw SQL stay in boards/."""
    allowed = {"pages.py": {"text"}}  # /healthz pings the database with SELECT 1
    for path in (ROOT / "app").glob("*.py"):
        source = path.read_text()
        for name in ("select(", "session.exec(", "text("):
            if name.rstrip("(") in allowed.get(path.name, set()):
                continue
            assert f" {name}" not in source and f"({name}" not in source, f"{path.name}: {name}"


def _sibling_imports(path):
    """The modules of its own package (app/ or boards/) a module imports, at its top and inside
    functions alike."""
    package, found = path.parent.name, set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found.update(name.split(".")[0] for name in names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{package}."):
            found.add(node.module.split(".")[1])
    return found & {path.stem for path in path.parent.glob("*.py")}


def _circles(graph):
    """Each module that can reach itself again through the imports in `graph`."""
    def reach(start):
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
        return seen
    return sorted(name for name in graph if name in reach(name))


@pytest.mark.parametrize("package", ["app", "boards"])
def test_modules_import_each_other_without_circles(package):
    """No import circle among the modules of app/ or of boards/, not even one hidden by an
    import inside a function (the package's __init__.py, e.g. the factory, is not counted)."""
    graph = {path.stem: _sibling_imports(path) - {"__init__"}
             for path in (ROOT / package).glob("*.py") if path.name != "__init__.py"}
    assert _circles(graph) == []
    assert _circles({"auth": {"limits"}, "limits": {"auth"}, "pages": {"auth"}}) == [
        "auth", "limits"]  # the check sees a circle


def test_app_modules_import_at_their_top():
    """Imports sit at module top in app/, except the factory's and those of the async library
    the configuration picks (eventlet or gevent)."""
    for path in (ROOT / "app").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        top = set(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node not in top:
                names = [node.module] if isinstance(node, ast.ImportFrom) else [
                    alias.name for alias in node.names]
                assert all(name.split(".")[0] in ("eventlet", "gevent") for name in names), \
                    f"{path.name}:{node.lineno}"


def _private_uses(path):
    """(line, name) of each `x._name` whose x is not the module's own `self`/`cls`, and each
    name a class statement overrides or defines with a single leading underscore on a library
    base (`def _handle_close_room` in a subclass of python-socketio's manager)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                yield node.lineno, node.attr
        if isinstance(node, ast.ClassDef) and node.bases:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name.startswith("_") \
                        and not item.name.startswith("__") \
                        and any(isinstance(base, ast.Attribute) for base in node.bases):
                    yield item.lineno, item.name


def test_socket_glue_uses_public_library_apis_only():
    """app/socket*.py and app/sockets.py reach no private attribute of python-socketio, Flask or
    SQLAlchemy: no `server._handle_event`, no `super()._handle_close_room`, no `packet_class`."""
    paths = sorted((ROOT / "app").glob("socket*.py"))
    assert ROOT / "app" / "sockets.py" in paths and len(paths) >= 4
    for path in paths:
        assert list(_private_uses(path)) == [], path.name
        source = path.read_text()
        for name in ("packet_class", "eio_sid", "socketio.packet"):
            assert name not in source, f"{path.name}: {name}"


def test_app_uses_public_library_apis_only():
    """No module of app/ reaches a private attribute of a library object, nor Flask-SocketIO's
    own environ key for a socket's session ("saved_session", an implementation detail)."""
    for path in sorted((ROOT / "app").glob("*.py")):
        assert list(_private_uses(path)) == [], path.name
        assert "saved_session" not in path.read_text(), path.name


def test_the_private_attribute_check_finds_what_the_old_guard_did(tmp_path):
    """The check above fails on the kind of code it is there to keep out."""
    old = tmp_path / "old_guard.py"
    old.write_text("class K(python_socketio.RedisManager):\n"
                   "    def _handle_close_room(self, message):\n"
                   "        super()._handle_close_room(message)\n"
                   "dispatch = server._handle_event\n")
    found = {name for _line, name in _private_uses(old)}
    assert found == {"_handle_close_room", "_handle_event"}

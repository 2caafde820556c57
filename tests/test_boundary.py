"""The domain never imports the web layer, and the web layer builds no SQL itself."""

import ast
from pathlib import Path

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
            assert top not in {"flask", "flask_login", "flask_socketio", "flask_wtf",
                               "flask_babel", "socketio", "app", "werkzeug"}, f"{path.name}: {module}"


def test_app_builds_no_queries():
    """app/ calls services and read queries; select() and raw SQL stay in boards/."""
    allowed = {"pages.py": {"text"}}  # /healthz pings the database with SELECT 1
    for path in (ROOT / "app").glob("*.py"):
        source = path.read_text()
        for name in ("select(", "session.exec(", "text("):
            if name.rstrip("(") in allowed.get(path.name, set()):
                continue
            assert f" {name}" not in source and f"({name}" not in source, f"{path.name}: {name}"

"""What is declared is used, what is used is declared, and the transitive set is pinned (constraints.txt), so that
`make test` installs the same versions on every machine."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]+\])?==(?P<version>\S+)$")

# Declared packages that are used without an import of their name: why each is needed.
USED_WITHOUT_IMPORT = {
    "pytest-django": "a pytest plugin (DJANGO_SETTINGS_MODULE in pyproject.toml)",
    "ruff": "the linter and formatter (make lint)",
    "mypy": "the type checker (make typecheck)",
    "django-stubs": "mypy's Django plugin (mypy_django_plugin in pyproject.toml)",
    "types-PyYAML": "type stubs for PyYAML, read by mypy",
    "psycopg": "Django's PostgreSQL backend (DATABASE_URL)",
    "argon2-cffi": "the Argon2 password hasher (settings.PASSWORD_HASHERS)",
    "gunicorn": "the production server (cjgscan serve runs it as a program)",
    "django-tasks-db": "the database backend of django-tasks (settings.TASKS)",
    "django-axes": "the login lock-out (settings: INSTALLED_APPS, MIDDLEWARE, AUTHENTICATION_BACKENDS)",
    "whitenoise": "static files in production (settings.MIDDLEWARE, STORAGES)",
}
IMPORT_NAMES = {
    "Django": "django",
    "dj-database-url": "dj_database_url",
    "PyYAML": "yaml",
    "django-tasks": "django_tasks",
    "django-ninja": "ninja",
    "axe-playwright-python": "axe_playwright_python",
    "PyJWT": "jwt",
}


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement}: pin every dependency with =="
        found[match.group("name")] = match.group("version")
    return found


def declared() -> dict[str, str]:
    project = PYPROJECT["project"]
    return {**pins(project["dependencies"]), **pins(project["optional-dependencies"]["test"])}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sources() -> str:
    return "\n".join(
        path.read_text() for folder in ("cjgscan", "tests", "bench") for path in (ROOT / folder).rglob("*.py")
    )


def test_every_declared_package_is_used() -> None:
    text = sources()
    unused = []
    for name in declared():
        if name in USED_WITHOUT_IMPORT:
            continue
        module = IMPORT_NAMES.get(name, name.replace("-", "_").lower())
        if not re.search(rf"^\s*(?:from|import) {re.escape(module)}\b", text, re.M):
            unused.append(name)
    assert unused == [], f"declared but never imported: {unused}"


def test_what_the_tests_import_is_declared() -> None:
    names = {normalised(name) for name in declared()}
    for module, distribution in {"hypothesis": "hypothesis", "polib": "polib", "schemathesis": "schemathesis"}.items():
        assert re.search(rf"^\s*(?:from|import) {module}\b", sources(), re.M), module
        assert distribution in names, f"{distribution} is imported but not declared"
    assert "django-stubs-ext" not in names, "django-stubs-ext is not imported anywhere (django-stubs brings it)"


def test_the_transitive_set_is_pinned_and_used_by_make() -> None:
    constraints = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            match = PIN.match(line)
            assert match, f"constraints.txt: {line!r} is not name==version"
            constraints[normalised(match.group("name"))] = match.group("version")
    for name, version in declared().items():
        assert constraints.get(normalised(name)) == version, f"{name}: {version} in pyproject, not in constraints.txt"
    assert len(constraints) > len(declared())  # the dependencies' dependencies too
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "pip install" in line and "-e " in line]
    assert installs and all("-c constraints.txt" in line for line in installs if ".venv-constraints" not in line)

"""The `cjgscan` console command: Django's manage.py, with our own commands listed first.

Our commands are written with hyphens (`cjgscan load-instruments`); Django's own keep their names.
"""

import ast
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def our_commands() -> dict[str, str]:
    """{command name: one-line help}, read from the command files without starting Django."""
    commands: dict[str, str] = {}
    for path in sorted(PACKAGE_DIR.glob("*/management/commands/*.py")):
        if path.name.startswith("_"):
            continue
        help_text = ""
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
                continue
            if any(getattr(target, "id", "") == "help" for target in node.targets):
                help_text = str(node.value.value)
        commands[path.stem.replace("_", "-")] = help_text
    return commands


def print_help() -> None:
    commands = our_commands()
    width = max(len(name) for name in commands)
    print("Usage: cjgscan COMMAND [options]   (cjgscan COMMAND --help for its options)\n")
    print("cjgscan commands:")
    for name, help_text in commands.items():
        print(f"  {name.ljust(width)}  {help_text}")
    print("\nDjango's own commands (migrate, runserver, createsuperuser, ...): cjgscan help --all")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    if not args or args in (["-h"], ["--help"], ["help"]):
        print_help()
        return
    if args == ["help", "--all"]:
        args = ["help"]
    if args[0] in our_commands():
        args[0] = args[0].replace("-", "_")
    elif args[0] == "help" and len(args) > 1 and args[1] in our_commands():
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([argv[0], *args])


if __name__ == "__main__":
    main()

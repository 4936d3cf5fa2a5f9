"""The levels of the house (README, "Layout"; pyproject.toml [tool.importlinter]).

`lint-imports` (run by ./dev test) checks the imports. These tests check what it cannot see:
that no module escapes the contract by not being named in it, and that no model points a
relation (a string model reference such as "credits.Application") at a higher level.
"""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "levels"]
    # Top first in the file; "a : b" and "a | b" are siblings on one level, "(a)" is a module
    # that may not exist yet.
    return [
        [name.strip().strip("()") for name in layer.replace("|", ":").split(":")]
        for layer in contract["layers"]
    ]


def _level_of(module: str, layers: list[list[str]]) -> int | None:
    """0 for the bottom level; None for a module outside the project (Django, allauth ...)."""
    for index, siblings in enumerate(reversed(layers)):
        if any(module == name or module.startswith(name + ".") for name in siblings):
            return index
    return None


def test_every_module_of_the_project_package_stands_on_a_level():
    layers = _layers()
    named = {name for siblings in layers for name in siblings}
    modules = {
        f"miqua.{path.stem if path.suffix == '.py' else path.name}"
        for path in (ROOT / "miqua").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    # The package's own __init__ only starts Celery with Django (the standard wiring).
    assert sorted(modules - named) == [], "name these modules in a level of the contract"


def test_every_app_of_the_project_stands_on_a_level():
    layers = _layers()
    # The project package is an app only to carry the commands that join several apps: its
    # modules stand on levels of their own (test above), its AppConfig (miqua.apps) on top.
    ours = [
        "miqua.apps" if config.name == "miqua" else config.name
        for config in apps.get_app_configs()
        if (ROOT / config.name.replace(".", "/")).is_dir()
    ]
    assert [name for name in ours if _level_of(name, layers) is None] == []


def test_no_model_relation_points_to_a_higher_level():
    layers = _layers()
    upward = []
    for model in apps.get_models():
        level = _level_of(model._meta.app_config.name, layers)
        if level is None:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_config.name
            target_level = _level_of(target, layers)
            if target_level is not None and target_level > level:
                upward.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )
    assert upward == []


def test_the_level_check_sees_an_upward_relation():
    # The check above must be able to fail: quarters (level 1) below credits (level 2).
    layers = _layers()
    assert _level_of("quarters", layers) < _level_of("credits", layers)
    assert _level_of("miqua.money", layers) < _level_of("miqua.accounts", layers)
    assert _level_of("credits", layers) < _level_of("guarantors", layers)
    assert _level_of("committees", layers) < _level_of("monitoring", layers)
    assert _level_of("monitoring", layers) < _level_of("miqua.home", layers)
    assert _level_of("django.contrib.auth", layers) is None

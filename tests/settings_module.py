"""miqua/settings.py read afresh under given environment variables, without setting Django up
again: what production's variables make of a setting, for tests that then apply it with
override_settings."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SETTINGS = Path(__file__).resolve().parent.parent / "miqua" / "settings.py"


def settings_module(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> ModuleType:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("miqua_settings_under_test", SETTINGS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

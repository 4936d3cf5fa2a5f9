"""The web process's garbage collector (miqua/wsgi.py): tuned unless MIQUA_GC_THRESHOLD=0 says
otherwise. In a process of its own: freezing this one's objects would change the tests'."""

import os
import subprocess
import sys

import pytest

PROBE = "import gc, miqua.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [(None, "(20000, 20, 50) True"), ("0", "(700, 10, 10) False")],
)
def test_the_web_process_collects_garbage_less_often_unless_told_not_to(setting, expected):
    env = {k: v for k, v in os.environ.items() if k != "MIQUA_GC_THRESHOLD"}
    if setting is not None:
        env["MIQUA_GC_THRESHOLD"] = setting
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected

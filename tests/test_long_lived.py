"""gunicorn's workers freeze the built app's objects out of the garbage collector's way (gunicorn.conf.py)."""

from __future__ import annotations

import gc
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_worker_that_has_built_the_app_freezes_its_objects_and_still_collects_new_garbage(app, unfrozen):
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["post_worker_init"](None)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000, "the app's modules, routes and mappers are out of the collector's way"
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1, "what requests leave behind is collected as before"
    assert gc.get_freeze_count() == frozen

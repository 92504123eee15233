"""The examples in the docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "retrocalc",
    "retrocalc.core",
    "retrocalc.nomenclature",
    "retrocalc.units",
    "retrocalc.units.text",
    "retrocalc.energy",
    "retrocalc.models.acsm",
    "retrocalc.models.keytel2005",
    "retrocalc.calibration.factors",
    "retrocalc.compare",
    "retrocalc.heart_rate",
    "retrocalc.inverse",
    "retrocalc.uncertainty",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""LICENSE, CHANGELOG.md and CITATION.cff: present, valid and in step with the version."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

import retrocalc as rc

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_license_is_the_declared_one() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert PYPROJECT["license"] == "BSD-3-Clause"
    assert text.startswith("BSD 3-Clause License")
    assert "Copyright (c)" in text
    assert "retrocalc developers" in text
    assert "Neither the name of the copyright holder" in text  # clause 3
    assert PYPROJECT["license-files"] == ["LICENSE"]


def test_version_is_semantic() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", rc.__version__)


def test_changelog_has_the_current_version_first() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert releases, "no release headings '## [x.y.z] - YYYY-MM-DD'"
    assert releases[0][0] == rc.__version__
    versions = [tuple(int(p) for p in v.split(".")) for v, _ in releases]
    assert versions == sorted(versions, reverse=True)
    for _, date in releases:
        dt.date.fromisoformat(date)
    assert "## [Unreleased]" in text
    for version, _ in releases:  # keep-a-changelog link references
        assert re.search(rf"^\[{re.escape(version)}\]: https://", text, re.M), version


def test_citation_cff_is_valid_cff_1_2() -> None:
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    # the keys CFF 1.2.0 requires, with the types its schema gives them
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str)
    assert cff["message"].strip()
    assert isinstance(cff["title"], str)
    assert cff["authors"]
    for author in cff["authors"]:
        assert isinstance(author, dict)
        assert author.get("name") or author.get("family-names"), author
    allowed = {
        "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
        "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
        "references", "repository", "repository-artifact", "repository-code", "title", "type",
        "url", "version",
    }  # fmt: skip
    assert set(cff) <= allowed, set(cff) - allowed
    assert cff["type"] in ("software", "dataset")
    assert str(cff["version"]) == rc.__version__
    assert cff["license"] == PYPROJECT["license"]
    dt.date.fromisoformat(str(cff["date-released"]))
    assert all(isinstance(k, str) for k in cff["keywords"])


def test_citation_cff_with_cffconvert_if_available() -> None:
    cffconvert = pytest.importorskip("cffconvert")
    citation = cffconvert.Citation((ROOT / "CITATION.cff").read_text())
    citation.validate()

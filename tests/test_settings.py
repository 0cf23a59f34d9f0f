"""Settings: one documented table, overridable from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import SETTINGS, load_settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.name}`" in README


def test_environment_overrides_defaults_and_config_overrides_environment(monkeypatch):
    monkeypatch.setenv("IKG_PORT", "9000")
    assert load_settings()["IKG_PORT"] == 9000
    assert load_settings({"IKG_PORT": "9100"})["IKG_PORT"] == 9100


def test_a_bad_value_is_refused(monkeypatch):
    monkeypatch.setenv("IKG_PORT", "http")
    with pytest.raises(ValueError, match="IKG_PORT"):
        load_settings()

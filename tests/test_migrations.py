"""Renamed and removed scenario keys: old files keep working under the new names, or say why not."""

from __future__ import annotations

import warnings

import pytest

from cogov.experiments.spec import validate_experiment
from cogov.sim import migrations
from cogov.sim.migrations import RENAMED, RenamedKeyWarning
from cogov.sim.scenario import ScenarioError, apply_overrides, load_scenario, parameter_paths


def test_every_rename_points_to_an_existing_section_or_key_and_leaves_the_old_one():
    paths = parameter_paths()
    for old, new in RENAMED.items():
        assert any(p == new or p.startswith(new + ".") for p in paths), new
        assert not any(p == old or p.startswith(old + ".") for p in paths), old


def test_a_file_with_old_section_names_reads_as_the_new_ones_with_a_warning(tmp_path):
    old = tmp_path / "old.toml"
    old.write_text('extends = "default"\n[levers.deliberation]\nenabled = true\nmeeting_interval_days = 20\n'
                   '[behaviour.escalation]\npatience_days = 30.0\n', encoding="utf-8")
    with pytest.warns(RenamedKeyWarning) as caught:
        config = load_scenario(old).config
    assert config.levers.deliberation_council.enabled is True
    assert config.levers.deliberation_council.meeting_interval_days == 20
    assert config.behaviour.grievance.patience_days == 30.0
    messages = [str(w.message) for w in caught]
    assert any("levers.deliberation: renamed to levers.deliberation_council" in m and str(old) in m for m in messages)
    assert any("behaviour.escalation: renamed to behaviour.grievance" in m for m in messages)


def test_a_renamed_key_in_a_parent_file_is_migrated_and_named_after_the_parent(tmp_path):
    (tmp_path / "parent.toml").write_text('[behaviour.deliberation]\nsouring = 0.05\n', encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "parent.toml"\n[behaviour.bargaining]\nconvergence = 0.2\n',
                                         encoding="utf-8")
    with pytest.warns(RenamedKeyWarning, match="parent.toml: behaviour.deliberation"):
        config = load_scenario(tmp_path / "child.toml").config
    assert (config.behaviour.bargaining.souring, config.behaviour.bargaining.convergence) == (0.05, 0.2)


def test_old_and_new_name_together_is_an_error(tmp_path):
    both = tmp_path / "both.toml"
    both.write_text("[levers.deliberation]\nenabled = true\n[levers.deliberation_council]\nenabled = false\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="both names are set; keep only levers.deliberation_council"):
        load_scenario(both)


def test_overrides_and_experiment_parameters_accept_old_names():
    base = load_scenario("default").config
    with pytest.warns(RenamedKeyWarning):
        config = apply_overrides(base, {"behaviour__deliberation__souring": 0.07})
    assert config.behaviour.bargaining.souring == 0.07
    with pytest.warns(RenamedKeyWarning):
        experiment = validate_experiment({"experiment": {"name": "x"},
                                          "parameters": {"levers.deliberation.enabled": {"values": [False, True]}}})
    assert experiment.parameter_names == ["levers.deliberation_council.enabled"]


def test_a_removed_key_is_an_error_that_says_why(tmp_path, monkeypatch):
    monkeypatch.setitem(migrations.REMOVED, "levers.cross_appointment.quality_bonus", "red property now acts through X")
    path = tmp_path / "old.toml"
    path.write_text("[levers.cross_appointment]\nquality_bonus = 0.2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == ["levers.cross_appointment.quality_bonus: removed because red property now acts through X"]
    with pytest.raises(ScenarioError, match="removed because red property now acts through X"):
        apply_overrides(load_scenario("default").config, {"levers.cross_appointment.quality_bonus": 0.1})


def test_current_files_raise_no_rename_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RenamedKeyWarning)
        for name in ("default", "deliberation_council", "pathology_stalemate"):
            load_scenario(name)

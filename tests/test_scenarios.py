"""Scenario files: loading, inheritance, and errors that name the file, the key path and what is allowed."""

import json
from pathlib import Path

import pytest

from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import (
    ScenarioError,
    apply_overrides,
    builtin_names,
    json_schema,
    load_scenario,
    scenario_digest,
)

SCHEMA_FILE = Path(__file__).parents[1] / "scenarios" / "scenario.schema.json"


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scenario_loads(name):
    loaded = load_scenario(name)
    assert loaded.config.meta.name == name


def test_default_file_equals_built_in_defaults_where_it_is_silent():
    """default.toml only writes documented defaults out: its digest equals that of the bare schema."""
    assert load_scenario("default").digest == scenario_digest(ScenarioConfig())


def test_unknown_key_names_file_path_and_suggestion(data_dir):
    with pytest.raises(ScenarioError) as err:
        load_scenario(data_dir / "typo.toml")
    text = str(err.value)
    assert "typo.toml" in text
    assert "levers.fundng: unknown key" in text
    assert "did you mean 'funding'" in text
    assert "allowed here:" in text and "cross_appointment" in text


def test_wrong_type_and_out_of_range_are_all_reported(data_dir):
    with pytest.raises(ScenarioError) as err:
        load_scenario(data_dir / "bad_values.toml")
    problems = err.value.problems
    joined = "\n".join(problems)
    assert any(p.startswith("community.households:") and "integer" in p and '"many"' in p for p in problems), joined
    assert any(p.startswith("levers.funding.annual_cny:") and "greater than or equal to 0" in p for p in problems), joined
    assert any(p.startswith("levers.funding.split:") and "sum to 1" in p for p in problems), joined
    assert all(str(data_dir / "bad_values.toml") in line for line in str(err.value).splitlines())


def test_inheritance_chain_merges_deeply(data_dir):
    loaded = load_scenario(data_dir / "child.toml")
    config = loaded.config
    assert config.levers.funding.annual_cny == 123_000  # child overrides parent
    assert config.levers.cross_appointment.party_property is True  # from parent
    assert config.meta.name == "parent"
    assert config.community.households == load_scenario("default").config.community.households  # from default
    assert [Path(p).name for p in loaded.chain] == ["default.toml", "parent.toml", "child.toml"]


def test_inheritance_cycle_is_an_error(data_dir):
    with pytest.raises(ScenarioError, match="inheritance cycle"):
        load_scenario(data_dir / "cycle_a.toml")


def test_invalid_toml_and_missing_file(data_dir):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(data_dir / "not_toml.toml")
    with pytest.raises(ScenarioError, match="did you mean default"):
        load_scenario("defualt")


def test_int_accepted_for_float_but_not_string_for_number():
    config = apply_overrides(ScenarioConfig(), {"levers.funding.annual_cny": 1})
    assert config.levers.funding.annual_cny == 1.0
    with pytest.raises(ScenarioError, match="valid number"):
        apply_overrides(ScenarioConfig(), {"levers.funding.annual_cny": "1000"})
    with pytest.raises(ScenarioError, match="valid boolean"):
        apply_overrides(ScenarioConfig(), {"levers.hotline.enabled": "yes"})


def test_overrides_reject_unknown_paths_with_suggestion():
    with pytest.raises(ScenarioError, match=r"levers\.funding\.anual_cny: unknown key; did you mean 'annual_cny'"):
        apply_overrides(ScenarioConfig(), {"levers__funding__anual_cny": 5})


def test_trust_asymmetry_is_enforced():
    with pytest.raises(ScenarioError, match="negativity asymmetry"):
        apply_overrides(ScenarioConfig(), {"behaviour.trust.down_rate": 0.01, "behaviour.trust.up_rate": 0.2})


def test_digest_changes_with_any_parameter_but_not_with_meta():
    base = ScenarioConfig()
    assert scenario_digest(apply_overrides(base, {"meta.name": "other"})) == scenario_digest(base)
    assert scenario_digest(apply_overrides(base, {"issues.severity_mean": 0.5})) != scenario_digest(base)


def test_shipped_json_schema_is_current():
    """scenarios/scenario.schema.json is what `cogov schema` exports (regenerate with `cogov schema --out ...`)."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()


def test_schema_describes_and_bounds_levers():
    schema = json_schema()
    funding = schema["$defs"]["Funding"]["properties"]["annual_cny"]
    assert funding["minimum"] == 0 and "Beijing" in funding["description"]
    assert schema["additionalProperties"] is False

"""The curated scenario library: every built-in scenario is documented, traceable to a seed and runs.

Library conventions checked here (see the header of any file in ``scenarios/``):

* a leading comment block in English and Chinese saying which arrangement the file represents,
  which seed document describes it and which parameters differ from the baseline;
* ``extends`` another built-in scenario (only ``default`` stands alone);
* ``[meta] name`` equal to the file stem and a one-line description;
* scenarios represent arrangements, not re-tuned behaviour: ``[behaviour]`` stays at the baseline.
"""

import re
import tomllib

import pytest

from cogov.sim.model import CommunityModel
from cogov.sim.scenario import builtin_dir, builtin_names, load_scenario

NAMES = builtin_names()
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){3,}")  # a phrase of four or more words
SEED = re.compile(r"\bseeds? 00\d")
SMALL_COMMUNITY = {"community.households": 300}


def header_of(name: str) -> str:
    """The leading comment block of a built-in scenario file (comment markers stripped)."""
    lines = []
    for line in (builtin_dir() / f"{name}.toml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped.lstrip("#").strip())
        elif stripped:
            break
    return "\n".join(lines)


def test_library_is_not_empty():
    assert "default" in NAMES
    assert len(NAMES) > 1


@pytest.mark.parametrize("name", NAMES)
def test_scenario_loads_and_is_named_after_its_file(name):
    meta = load_scenario(name).config.meta
    assert meta.name == name
    assert meta.description.strip(), f"{name}: [meta] description is empty"
    assert "\n" not in meta.description.strip(), f"{name}: [meta] description should be one line"


@pytest.mark.parametrize("name", NAMES)
def test_header_is_bilingual_and_names_a_seed(name):
    header = header_of(name)
    assert header, f"{name}: no leading comment block"
    assert CJK.search(header), f"{name}: header has no Chinese text"
    assert ENGLISH.search(header), f"{name}: header has no English text"
    assert SEED.search(header), f"{name}: header names no seed (e.g. 'seed 004/3')"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "default"])
def test_scenario_extends_a_library_file(name):
    with (builtin_dir() / f"{name}.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    assert raw.get("extends") in NAMES, f"{name}: should extend 'default' or another built-in scenario"


@pytest.mark.parametrize("name", NAMES)
def test_scenario_keeps_behaviour_at_baseline(name):
    """Scenarios represent arrangements (levers, composition, population), not re-tuned behaviour."""
    assert load_scenario(name).config.behaviour == load_scenario("default").config.behaviour


@pytest.mark.parametrize("name", NAMES)
def test_scenario_runs_at_reduced_size(name):
    model = CommunityModel(name, rng=0, days=30, **SMALL_COMMUNITY)
    model.run()
    assert model.config.community.households == 300
    assert model.issues.count_by_state().sum() == model.counters["arisen"]


def test_every_built_in_scenario_and_street_is_described_in_both_languages():
    import re

    from cogov.sim.scenario import builtin_names, file_title, load_scenario
    from cogov.sim.street import builtin_street_names, load_street

    cjk = re.compile(r"[\u4e00-\u9fff]")
    loaded = [load_scenario(n) for n in builtin_names()] + [load_street(n) for n in builtin_street_names()]
    for item in loaded:
        meta = item.config.meta
        assert meta.description, item.source  # English (it may quote a Chinese term)
        assert cjk.search(meta.description_zh) and meta.described("zh") == meta.description_zh, item.source
        assert meta.described("en") == meta.description
        assert cjk.search(file_title(item.source)["zh"]), item.source


def test_a_file_that_describes_itself_in_english_only_does_not_inherit_a_chinese_description(tmp_path):
    from cogov.sim.scenario import load_scenario

    own = tmp_path / "own.toml"
    own.write_text('extends = "red_property"\n[meta]\ndescription = "Mine: red property with more funds."\n'
                   "[levers.funding]\nannual_cny = 300000\n", encoding="utf-8")
    meta = load_scenario(own).config.meta
    assert meta.description_zh == "" and meta.described("zh") == "Mine: red property with more funds."
    kept = tmp_path / "kept.toml"
    kept.write_text('extends = "red_property"\n[levers.funding]\nannual_cny = 300000\n', encoding="utf-8")
    assert load_scenario(kept).config.meta.description_zh == load_scenario("red_property").config.meta.description_zh

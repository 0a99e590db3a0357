"""Labels of scenario parameters: complete, bilingual, unique, and formatted as documented."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cogov.sim.labels import LANGS, PARAMETER_LABELS, parameter_text
from cogov.sim.scenario import parameter_paths

CJK = re.compile(r"[\u4e00-\u9fff]")
PATHS = parameter_paths()


def test_every_parameter_has_both_languages() -> None:
    missing = [p for p in PATHS if p not in PARAMETER_LABELS]
    assert not missing, f"parameters without labels: {missing}"
    for path in PATHS:
        entry = PARAMETER_LABELS[path]
        assert set(entry) == set(LANGS), path
        for lang in LANGS:
            name, unit = entry[lang]
            assert isinstance(name, str) and name.strip(), (path, lang)
            assert isinstance(unit, str), (path, lang)
            assert name == name.strip() and unit == unit.strip(), (path, lang)


def test_no_labels_for_unknown_paths() -> None:
    extra = sorted(set(PARAMETER_LABELS) - set(PATHS))
    assert not extra, f"labels for paths that are not parameters: {extra}"


def test_chinese_names_contain_cjk() -> None:
    bad = [p for p, e in PARAMETER_LABELS.items() if not CJK.search(e["zh"][0])]
    assert not bad, f"Chinese names without Chinese characters: {bad}"


def test_english_names_are_ascii_readable() -> None:
    bad = [p for p, e in PARAMETER_LABELS.items() if CJK.search(e["en"][0] + e["en"][1])]
    assert not bad, f"English labels with Chinese characters: {bad}"


@pytest.mark.parametrize("lang", LANGS)
def test_names_unique_within_language(lang: str) -> None:
    counts = Counter(e[lang][0] for e in PARAMETER_LABELS.values())
    dupes = {name: n for name, n in counts.items() if n > 1}
    assert not dupes, f"{lang} names shared by several parameters: {dupes}"


@pytest.mark.parametrize(("lang", "limit"), [("en", 40), ("zh", 16)])
def test_names_fit_a_slider(lang: str, limit: int) -> None:
    long = [e[lang][0] for e in PARAMETER_LABELS.values() if len(e[lang][0]) > limit]
    assert not long, f"{lang} names longer than {limit} characters: {long}"


def test_switches_have_no_unit() -> None:
    from cogov.sim.config import ScenarioConfig

    defaults = ScenarioConfig().model_dump()
    for path in PATHS:
        value = defaults
        for part in path.split("."):
            value = value[part]
        if isinstance(value, bool):
            assert PARAMETER_LABELS[path]["en"][1] == "" and PARAMETER_LABELS[path]["zh"][1] == "", path


def test_parameter_text_formats_name_and_unit() -> None:
    path = "levers.funding.annual_cny"
    assert parameter_text(path) == "Annual community funding (CNY per year)"
    assert parameter_text(path, "en", with_unit=False) == "Annual community funding"
    assert parameter_text(path, "zh") == "社区年度经费（元/年）"
    assert parameter_text(path, lang="zh", with_unit=False) == "社区年度经费"
    assert parameter_text("param:" + path) == parameter_text(path)


def test_parameter_text_without_unit_for_switches() -> None:
    assert parameter_text("levers.hotline.enabled") == PARAMETER_LABELS["levers.hotline.enabled"]["en"][0]
    assert parameter_text("levers.whistle.enabled", "zh") == "街乡吹哨、部门报到"


@pytest.mark.parametrize("lang", LANGS)
def test_parameter_text_covers_every_path(lang: str) -> None:
    for path in PATHS:
        text = parameter_text(path, lang)
        name, unit = PARAMETER_LABELS[path][lang]
        assert text.startswith(name)
        if unit:
            assert unit in text


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_path_falls_back_to_path(lang: str) -> None:
    assert parameter_text("levers.not_a_lever.knob", lang) == "levers.not_a_lever.knob"
    assert parameter_text("levers.not_a_lever.knob", lang, with_unit=False) == "levers.not_a_lever.knob"


@pytest.mark.parametrize("lang", ["fr", "EN", "", "zh-CN"])
def test_bad_language_raises(lang: str) -> None:
    with pytest.raises(ValueError, match="language"):
        parameter_text("levers.funding.annual_cny", lang)
    with pytest.raises(ValueError):
        parameter_text("unknown.path", lang)

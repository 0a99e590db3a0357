"""A comparison report a policy designer can hand on: one self-contained HTML file, or Markdown.

:func:`build_report` reads a results folder written by ``cogov compare`` (or a sweep, compared by
one swept parameter) and assembles everything the reader needs: the differences from the baseline
in plain words (:mod:`cogov.analysis.wording`), the comparison table, the figures, what each scenario
changes, the assumptions, and the provenance (scenario files and digests, seeds, versions, commit).
:func:`write_report` renders it with Jinja2 templates (``analysis/templates``):

- ``.html``: one file, figures embedded as base64 PNG, inline CSS, no script and no external
  asset, every piece of text escaped by Jinja's autoescaping (scenario names come from files
  and may contain anything);
- ``.md``: Markdown for papers, figures written as PNG files in a folder beside it, text
  escaped for Markdown (and for HTML, which Markdown passes through).
"""

from __future__ import annotations

import base64
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pydantic import BaseModel

from cogov.analysis import figures
from cogov.analysis.compare import compare_runs, match_baseline
from cogov.analysis.costs import MEETING_HOURS, NOT_COUNTED, cost_table
from cogov.analysis.equity import equity_table, gap_direction
from cogov.analysis.patterns import ALL_PATTERNS, PATTERNS_REPRODUCED
from cogov.analysis.results import load_runs, load_series, manifest, other_factors, parameters, within
from cogov.analysis.robustness import ASSUMED_RANGES, ranking_holds, robustness_table
from cogov.analysis.robustness import FILE as ROBUSTNESS_FILE
from cogov.analysis.stats import paired_difference
from cogov.analysis.street_communities import StreetCommunities, community_table, extremes
from cogov.analysis.wording import (
    Verdict,
    describe,
    format_difference,
    format_difference_interval,
    format_interval,
    format_p,
    format_value,
)
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import Experiment, validate_experiment
from cogov.experiments.street_target import StreetTarget
from cogov.experiments.targets import SCENARIO_PARAMETER
from cogov.sim.config import ScenarioConfig
from cogov.sim.labels import parameter_text
from cogov.sim.mechanisms.meeting_time import MEETING_STAFF_TIME
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes.registry import PAYER_NAMES, STREET_ONLY, outcome_names
from cogov.sim.outcomes.registry import outcome as declared_outcome
from cogov.sim.provenance import package_version
from cogov.sim.scenario import ScenarioError, builtin_dir, file_title, load_scenario, resolve_path, scenario_digest
from cogov.sim.street.config import StreetScenario
from cogov.sim.street.load import LoadedStreet
from cogov.sim.street.model import StreetModel

# Which outcomes the report compares and draws is declared with the outcomes themselves
# (cogov.sim.outcomes.registry): the key outcomes, those drawn over time (view "over_time", when the
# results kept daily series) and those whose end-of-run distribution is drawn (view "distribution").
MAX_MAPS = 4
"""At most this many maps (one per scenario, replicate 0: a community's, or a street's communities side by side)."""
STREET_MAP_METRIC = "satisfaction_mean"
"""What a street's map gives in each community's title, and by which its least satisfied community is outlined."""
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}

FEW_REPLICATES = 10
"""Below this many paired replicates the report warns that its intervals are wide."""

_PATTERNS, _REPRODUCED = len(ALL_PATTERNS), PATTERNS_REPRODUCED  # quoted in every report's caveats

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "What changes with {others}? A comparison with {baseline}",
              "zh": "采用{others}会带来什么变化？与{baseline}的比较"},
    "intro": {"en": "Each scenario was simulated {n} times ({days} days each) on the same {n} simulated communities: "
                    "replicate r of every scenario has the same households, organisations and arising issues "
                    "(common random numbers). The differences below therefore come from the arrangements, not from "
                    "the luck of the draw, and are paired by replicate.",
              "zh": "每个情景各模拟 {n} 次（每次 {days} 天），且在同样的 {n} 个模拟社区上运行：各情景的第 r 次重复拥有相同的"
                    "住户、组织和新发生的问题（共同随机数）。因此下文的差异来自治理安排本身，而非随机抽样的运气，并按重复配对计算。"},
    "summary": {"en": "In plain words", "zh": "结论概要"},
    "equity": {"en": "Who gains", "zh": "谁受益"},
    "equity_intro": {"en": "Satisfaction at the end of the run by compound type and resident group, each group's paired "
                           "difference from {baseline}, and whether the gap between the groups best and worst off in "
                           "{baseline} narrows or widens (paired by replicate; 'unchanged' when not distinguishable from "
                           "noise).",
                     "zh": "运行结束时按小区类型与居民群体分列的满意度、各群体与{baseline}相比的配对差值，以及{baseline}中处境最好与"
                           "最差群体之间的差距是缩小还是扩大（按重复配对；与随机波动无法区分时为\u201c不变\u201d）。"},
    "glance": {"en": "At a glance", "zh": "要点"},
    "glance_changes": {"en": "Largest meaningful changes", "zh": "最大的实质性变化"},
    "glance_none": {"en": "no change both distinguishable from noise and large enough to matter",
                    "zh": "没有既可与随机波动区分、又大到足以重要的变化"},
    "glance_cost": {"en": "Cost", "zh": "成本"},
    "glance_gains": {"en": "Who gains", "zh": "谁受益"},
    "glance_no_gap": {"en": "no gap between groups narrows or widens distinguishably",
                      "zh": "各群体之间的差距没有可区分的缩小或扩大"},
    "glance_gap": {"en": "{dimension}: the gap between {best} and {worst} {how}",
                   "zh": "{dimension}：{best}与{worst}之间的差距{how}"},
    "glance_caveats": {"en": "Caveats", "zh": "注意"},
    "glance_model": {"en": f"The model reproduces {_REPRODUCED} of {_PATTERNS} expected patterns (docs/ODD.md §1.1); intervals cover "
                           "chance across replicates, not the model's assumed coefficients.",
                     "zh": f"模型再现了 {_PATTERNS} 个预期模式中的 {_REPRODUCED} 个（docs/ODD.md §1.1）；置信区间反映重复之间的随机性，"
                           "不反映模型所假设系数的不确定性。"},
    "communities": {"en": "Communities of the street", "zh": "街道内各社区"},
    "communities_intro": {"en": "How each community of the street fares in each scenario: its mean over the replicates "
                                "with the 95 % interval, and its paired difference from {baseline} (replicate r of "
                                "every scenario ran with the same seed, so the same community meets the same "
                                "households and issues). A community's difference is called distinguishable when its "
                                "Holm-adjusted p-value over the {m} community outcomes compared for the scenario is "
                                "below 0.05; a community is said to gain or lose most only then. Communities are "
                                "matched across scenarios by name.",
                          "zh": "街道内每个社区在各情景下的表现：跨重复的均值及 95% 置信区间，以及与{baseline}相比的配对差值（各情景的"
                                "第 r 次重复使用相同的种子，同一社区面对相同的住户和问题）。对每个情景所比较的 {m} 项社区指标作 Holm 校正后"
                                " p 值小于 0.05 的差异才判为可区分；只有这时才指出受益或受损最多的社区。各情景中的社区按名称对应。"},
    "community": {"en": "Community", "zh": "社区"},
    "households_word": {"en": "Households", "zh": "户数"},
    "community_gains": {"en": "{community} gains most ({change})", "zh": "{community}受益最多（{change}）"},
    "community_loses": {"en": "{community} loses most ({change})", "zh": "{community}受损最多（{change}）"},
    "community_noise": {"en": "no community's change can be told apart from noise",
                        "zh": "没有社区的变化可与随机波动区分"},
    "community_money": {"en": "Where the money went", "zh": "经费流向"},
    "community_money_intro": {"en": "The funds each community was allotted for each year of the run that began (CNY a "
                                    "year; under 'own' its own funds), in brackets the change from {baseline}; and the "
                                    "public money it spent over the run, with its 95 % interval and its paired "
                                    "difference from {baseline}. The funds follow the street's rule; no verdict is given.",
                              "zh": "各社区在运行中每个已开始年度分得的经费（元/年；“各自经费”规则下为其自有经费），括号内为与{baseline}"
                                    "相比的变化；以及其在运行期间的公共支出、95% 置信区间和与{baseline}的配对差值。经费由街道的分配规则决定，"
                                    "不作好坏判断。"},
    "funds_year": {"en": "Funds, year {year}", "zh": "第 {year} 年经费"},
    "money_year": {"en": "year {year}'s funds ", "zh": "第 {year} 年经费"},
    "money_to": {"en": "move most to {community} ({change})", "zh": "流向{community}最多（{change}）"},
    "money_from": {"en": "away from {community} most ({change})", "zh": "流出{community}最多（{change}）"},
    "money_same": {"en": "every community is allotted the same funds as in {baseline}",
                   "zh": "各社区分得的经费与{baseline}相同"},
    "communities_partial": {"en": "{k} of {n} runs were recorded before cogov recorded each community's outcomes; this "
                                  "section uses the other runs (run the comparison into a new folder for all of them).",
                            "zh": "{n} 次运行中有 {k} 次记录于 cogov 开始记录各社区结果之前；本节使用其余运行（将比较运行到新的文件夹"
                                  "可得到全部运行的结果）。"},
    "communities_none": {"en": "Not shown: these runs were recorded before cogov recorded each community's outcomes "
                               "(run the comparison again into a new folder, --out, for this section).",
                         "zh": "未列出：这些运行记录于 cogov 开始记录各社区结果之前（将比较重新运行到新的文件夹 --out 即可得到本节）。"},
    "communities_unnamed": {"en": "Not shown: the street files could not be read again, so the communities cannot be "
                                  "named or matched across scenarios.",
                            "zh": "未列出：无法重新读取街道文件，因而无法给出社区名称，也无法在各情景之间对应社区。"},
    "communities_apart": {"en": "Not in every scenario, so not compared: {names}.",
                          "zh": "并非每个情景都有、因而未比较的社区：{names}。"},
    "ranking": {"en": "The interventions against each other", "zh": "各方案之间的比较"},
    "ranking_intro": {"en": "Best first on each outcome; '>' where the two neighbours differ distinguishably (paired "
                            "by replicate, 95 % interval of their difference excluding 0), '≈' where they do not.",
                      "zh": "每项指标按优劣排序；相邻两者的差异可区分（按重复配对，差值的 95% 置信区间不含 0）时记为"
                            "“>”，否则记为“≈”。"},
    "robust": {"en": "Robust to what was assumed?", "zh": "对模型假设是否稳健？"},
    "robust_intro": {"en": "Replicate intervals cover chance, not the coefficients the model assumes. The comparison was "
                           "rerun at {n} points of a Latin hypercube over the {k} parameters that rest only on "
                           "assumptions ({names}), {r} replicates per scenario at each point. For each distinguishable "
                           "difference: at how many points it keeps its sign, and at how many it is also "
                           "distinguishable in the same direction there.",
                     "zh": "重复运行的置信区间只反映随机性，不反映模型所假设的系数。本比较在仅以假设为依据的 {k} 个参数（{names}）的"
                           "拉丁超立方中的 {n} 个点上重新运行，每个点每个情景重复 {r} 次。对每一项可区分的差异，列出它在多少个点上"
                           "保持方向，以及在多少个点上同方向且可区分。"},
    "robust_kept": {"en": "Keeps its sign", "zh": "方向不变"},
    "robust_confirmed": {"en": "Also distinguishable", "zh": "同时可区分"},
    "robust_main": {"en": "Difference (main comparison)", "zh": "差值（主比较）"},
    "robust_of": {"en": "{k} of {n}", "zh": "{n} 个中的 {k} 个"},
    "robust_ranking": {"en": "{outcome}: the order {order} holds at {k} of {n} points",
                       "zh": "{outcome}：排序 {order} 在 {n} 个点中的 {k} 个成立"},
    "robust_none": {"en": "No difference of the main comparison is distinguishable: nothing to check.",
                    "zh": "主比较中没有可区分的差异：无需检验。"},
    "costs": {"en": "What it costs", "zh": "成本"},
    "costs_intro": {"en": "Public money spent over the run (every public item of the model's cost ledger, built up from "
                          "what happens: funds and salaries by day, points redeemed, training held, visits made, cases "
                          "mediated...), its paired difference from {baseline}, and what the extra money buys. A cost "
                          "per unit of effect is given only where the effect's interval excludes zero; its interval is "
                          "a paired bootstrap over replicates.",
                    "zh": "运行期间的公共支出（模型成本台账中的全部公共项目，按实际发生累计：按日计的经费和工资、兑换的积分、举办的"
                          "培训、开展的走访、调解的案件……）、与{baseline}的配对差值，以及多花的钱换来了什么。只有当效果的置信区间不含"
                          "零时才给出单位效果成本；其区间为按重复配对的自助法区间。"},
    "cost_line": {"en": "Public cost: {base} in {baseline}, {cost} here: {diff} (95 % CI {low} to {high}).",
                  "zh": "公共支出：{baseline}为 {base}，本情景为 {cost}：{diff}（95% 置信区间 {low} 至 {high}）。"},
    "effect_resolved": {"en": "Per additional resolved issue", "zh": "每多解决一件问题"},
    "effect_satisfaction_mean": {"en": "Per satisfaction point (0.01 on the 0-1 scale)", "zh": "满意度每提高 1 分（0-1 分制的 0.01）"},
    "ce_ratio": {"en": "{ratio} (95 % CI {low} to {high})", "zh": "{ratio}（95% 置信区间 {low} 至 {high}）"},
    "ce_no_effect": {"en": "not a number to act on: the effect is not distinguishable from zero",
                     "zh": "无可依据的数值：效果与零无法区分"},
    "ce_dominated": {"en": "costs more and achieves less", "zh": "花费更多而效果更差"},
    "ce_dominant": {"en": "costs less and achieves more", "zh": "花费更少而效果更好"},
    "meeting_line": {"en": "Staff time: the meetings convened take {hours} community staff hours against {baseline} "
                           "({value} of salaries moved from residents' issues to meetings; not new money).",
                     "zh": "人员工时：所召集的会议比{baseline}多占用社区工作者 {hours} 小时（工资中 {value} 由处理居民问题转用于"
                           "会议；非新增资金）。"},
    "ce_no_cost": {"en": "no extra public money counted (the ledger records none for this change; staff time moved "
                         "within salaries is in the breakdown; see what is not counted)",
                   "zh": "未计入额外公共资金（台账中此项变化没有新增支出；工资内部转用的人员工时见分项；见未计入项目）"},
    "item": {"en": "Item", "zh": "项目"},
    "payer": {"en": "Paid by", "zh": "支付方"},
    "difference_word": {"en": "Difference", "zh": "差值"},
    "dim_compound_type": {"en": "Compound type", "zh": "小区类型"},
    "dim_age": {"en": "Age", "zh": "年龄"},
    "dim_tenure": {"en": "Tenure", "zh": "居住产权"},
    "dim_membership": {"en": "Party membership", "zh": "党员身份"},
    "group": {"en": "Group", "zh": "群体"},
    "gap_line": {"en": "Gap between {best} and {worst} ({gap} in {baseline}): {how}.",
                 "zh": "{best}与{worst}之间的差距（{baseline}中为 {gap}）：{how}。"},
    "gap_narrows": {"en": "narrows by {d} (95 % CI {low} to {high})", "zh": "缩小 {d}（95% 置信区间 {low} 至 {high}）"},
    "gap_widens": {"en": "widens by {d} (95 % CI {low} to {high})", "zh": "扩大 {d}（95% 置信区间 {low} 至 {high}）"},
    "gap_unchanged": {"en": "no change distinguishable from noise ({d}; 95 % CI {low} to {high})",
                      "zh": "变化与随机波动无法区分（{d}；95% 置信区间 {low} 至 {high}）"},
    "against": {"en": "{scenario} compared with {baseline}", "zh": "{scenario}与{baseline}相比"},
    "better_in": {"en": "Improved", "zh": "改善的指标"},
    "worse_in": {"en": "Worsened", "zh": "恶化的指标"},
    "tradeoff_in": {"en": "Changed, neither better nor worse in itself", "zh": "有变化，本身无好坏之分"},
    "noise_in": {"en": "No change distinguishable from noise", "zh": "无法与随机波动区分的指标"},
    "small_in": {"en": "Distinguishable but too small to matter", "zh": "可区分但过小、无实际意义的指标"},
    "none": {"en": "none", "zh": "无"},
    "scenarios": {"en": "The scenarios", "zh": "情景说明"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "description": {"en": "Description", "zh": "说明"},
    "file": {"en": "File", "zh": "文件"},
    "digest": {"en": "Parameter digest (SHA-256)", "zh": "参数摘要（SHA-256）"},
    "differs": {"en": "Settings that differ from {baseline}", "zh": "与{baseline}不同的设置"},
    "setting": {"en": "Setting", "zh": "设置"},
    "no_config": {"en": "The scenario files could not be read again, so their settings are not shown: {why}",
                  "zh": "无法重新读取情景文件，故未列出其设置：{why}"},
    "same_settings": {"en": "identical settings", "zh": "设置相同"},
    "table": {"en": "All outcomes", "zh": "全部结果指标"},
    "outcome": {"en": "Outcome", "zh": "指标"},
    "mean_ci": {"en": "Mean [95 % CI]", "zh": "均值［95% 置信区间］"},
    "diff_ci": {"en": "Difference [95 % CI]", "zh": "差值［95% 置信区间］"},
    "d": {"en": "d (pooled SD)", "zh": "d（合并标准差）"},
    "dz": {"en": "dz (SD of pairs)", "zh": "dz（配对差标准差）"},
    "p": {"en": "p", "zh": "p"},
    "p_holm": {"en": "p (Holm)", "zh": "p（Holm 校正）"},
    "size": {"en": "Practical size", "zh": "实际意义"},
    "size_meaningful": {"en": "meaningful", "zh": "有实际意义"},
    "size_uncertain": {"en": "uncertain", "zh": "不确定"},
    "size_below": {"en": "too small to matter", "zh": "过小"},
    "family_note": {"en": "{m} outcomes compared for each scenario: a difference is called distinguishable when its "
                          "Holm-adjusted p-value is below 0.05, which keeps the chance of any false call among them at "
                          "5 %; the intervals shown are the unadjusted 95 % intervals.",
                    "zh": "每个情景比较 {m} 项指标：经 Holm 校正后 p 值小于 0.05 的差异才判为可区分，使其中出现任何误判的概率"
                          "不超过 5%；表中置信区间为未经校正的 95% 区间。"},
    "few_replicates": {"en": "Only {n} replicates per scenario: intervals are wide and modest differences will read as "
                             "noise. Ten or more are advised (cogov compare --precision finds how many an outcome needs).",
                       "zh": "每个情景仅 {n} 次重复：置信区间较宽，中等大小的差异也会被判为随机波动。建议至少 10 次"
                             "（cogov compare --precision 可估算所需次数）。"},
    "one_replicate": {"en": "One replicate per scenario: no interval, test or verdict can be computed, and every "
                            "difference below is a single draw. Run at least 2 replicates (10 or more advised).",
                      "zh": "每个情景仅 1 次重复：无法计算置信区间、检验或判断，下文每个差值都只是一次抽样。"
                            "请至少运行 2 次重复（建议 10 次以上）。"},
    "verdict": {"en": "Verdict", "zh": "判断"},
    "baseline": {"en": "baseline", "zh": "基准"},
    "noise": {"en": "≈ noise", "zh": "≈ 随机波动"},
    "distinct": {"en": "distinguishable", "zh": "可区分"},
    "figures": {"en": "Figures", "zh": "图"},
    "figure": {"en": "Figure {n}", "zh": "图 {n}"},
    "reading": {"en": "How to read the numbers", "zh": "如何阅读这些数字"},
    "reading_text": {
        "en": "Means carry a 95 % t-interval across replicates. Differences are paired by replicate (same "
              "community, same issues), with a 95 % t-interval and a paired t-test (p). A difference is marked "
              "'≈ noise' when its interval includes zero: the simulation cannot tell it apart from chance at "
              "these replicates, after Holm's correction for the number of outcomes compared. The practical size "
              "compares the difference, in the outcome's own units, with the smallest difference that matters for that "
              "outcome (declared with its reason in cogov's outcome registry): 'meaningful' when the whole interval "
              "lies beyond it, 'too small to matter' when the whole interval lies within it, 'uncertain' otherwise. "
              "d (difference over the pooled standard deviation of the two scenarios) and dz (over the standard "
              "deviation of the paired differences) are standardised sizes for specialists: under common random "
              "numbers they are large even for differences too small to matter, so the verdicts do not use them. "
              "Shares are given in per cent and their differences in percentage points. Mean time to resolve counts "
              "resolved issues only: an arrangement that resolves more of the hard issues can show a longer mean time.",
        "zh": "均值附有跨重复的 95% t 置信区间。差值按重复配对（同一社区、同样的问题），附 95% t 置信区间和配对 t 检验的 p 值。"
              "若差值的置信区间包含零，则标记为\u201c≈ 随机波动\u201d：在当前重复次数下（并按所比较指标的数量作 Holm 校正后），"
              "模拟无法将其与偶然区分。实际意义将差值（以指标自身单位）与该指标的最小有意义差值（在 cogov 指标登记表中声明并说明理由）"
              "比较：整个置信区间超出该值为\u201c有实际意义\u201d，整个区间在其以内为\u201c过小\u201d，否则为\u201c不确定\u201d。"
              "d（差值除以两情景的合并标准差）与 dz（除以配对差的标准差）是供专业读者参考的标准化效应量：在共同随机数下，即使差异小到"
              "没有实际意义，它们也会很大，因此判断不使用它们。比例以百分数表示，其差值以百分点表示。平均解决用时只统计已解决的问题：解决了更多疑难问题的安排，"
              "平均用时可能反而更长。"},
    "replicates_note": {"en": "{n} paired replicates per scenario.", "zh": "每个情景 {n} 次配对重复。"},
    "assumptions": {"en": "Assumptions and limits", "zh": "假设与局限"},
    "assumptions_more": {"en": "The full model description, with every mechanism, its evidence and the known "
                                "limitations, is docs/ODD.md in the cogov source (sections 8 and 9).",
                         "zh": "完整的模型说明（各机制、依据与已知局限）见 cogov 源码中的 docs/ODD.md（第 8、9 节）。"},
    "provenance": {"en": "Provenance", "zh": "来源与可重复性"},
    "seeds": {"en": "Seeds", "zh": "随机数种子"},
    "seeds_text": {"en": "Master seed {master}; replicate r uses the seed derived from (master seed, r), the same in "
                         "every scenario.",
                   "zh": "主种子 {master}；第 r 次重复使用由（主种子, r）导出的种子，各情景相同。"},
    "replicate": {"en": "Replicate", "zh": "重复"},
    "seed": {"en": "Seed", "zh": "种子"},
    "reproduce": {"en": "To reproduce", "zh": "复现方法"},
    "generated": {"en": "Generated {when} by cogov {version}", "zh": "由 cogov {version} 于 {when} 生成"},
    "map_of": {"en": "{scenario}: community at the end of replicate 0", "zh": "{scenario}：第 0 次重复结束时的社区"},
    "street_map_of": {"en": "{scenario}: the street's communities at the end of replicate 0 (outlined: the least "
                            "satisfied)", "zh": "{scenario}：第 0 次重复结束时街道内各社区（红框：满意度最低者）"},
    "map_diff": {"en": "{scenario} minus {baseline}: satisfaction by building at the end of replicate 0",
                 "zh": "{scenario}减{baseline}：第 0 次重复结束时各楼栋满意度之差"},
}
"""Report text per language; ``{…}`` fields are filled in."""

ASSUMPTIONS: tuple[dict[str, str], ...] = (
    {"en": "The model is a stylised community: results compare arrangements under the same simulated conditions; "
           "they are not forecasts for a particular district.",
     "zh": "模型是一个程式化的社区：结果是在相同模拟条件下比较不同治理安排，并非对某一具体街道或社区的预测。"},
    {"en": "The intervals describe the variation between simulated communities only; they do not include "
           "uncertainty about the model's behavioural parameters (a sensitivity analysis, cogov sensitivity, addresses that).",
     "zh": "置信区间只反映模拟社区之间的随机差异，不包括模型行为参数本身的不确定性（后者可用 cogov sensitivity 做敏感性分析）。"},
    {"en": "Inputs (compound mix, party membership, volunteers, staffing) are calibrated to the source figures; "
           "the strengths of behaviour are assumptions taken from the accepted behavioural building blocks. The "
           f"model reproduces {_REPRODUCED} of {_PATTERNS} expected patterns (cogov validate-model, docs/ODD.md §1.1); "
           f"the {_PATTERNS - _REPRODUCED} it does "
           "not, among them 'report but do not serve' among in-service party members, are reported there.",
     "zh": f"输入（小区构成、党员结构、志愿者、人员配置）按原始资料校准；行为强度是取自公认行为模块的假设。模型再现了 {_PATTERNS} 个"
           f"预期模式中的 {_REPRODUCED} 个（cogov validate-model，docs/ODD.md §1.1）；未能再现的 {_PATTERNS - _REPRODUCED} 个（包括在职党员“报到不服务”）"
           "均在该处列明。"},
    {"en": "At the default load, staff capacity rarely runs out, so levers that add capacity (funding, staffing, "
           "burden reduction) change speed and escalation more than the share of issues resolved.",
     "zh": "在默认负荷下人员能力很少耗尽，因此增加能力的举措（经费、人员、减负）主要改变办理速度和上报升级，对解决率影响较小。"},
    {"en": "Trust in the community party organisation moves with every service episode, whoever provides it, "
           "so trust and satisfaction tend to move together.",
     "zh": "居民对社区党组织的信任随每一次服务而变化（无论服务由谁提供），因此信任与满意度往往同向变化。"},
    {"en": "Public cost counts every public item of the model's cost ledger as the run spends it (see 'What it "
           "costs' for the items and what is not counted); co-building units' money, former work units' staff and "
           "residents' self-management fees are shown apart.",
     "zh": "公共支出按运行中的实际发生计入模型成本台账的全部公共项目（项目及未计入内容见“成本”一节）；共建单位资金、"
           "原单位后勤人员和居民自管费用单独列示。"},
)
"""The assumptions every reader of a comparison should know (ODD §9 has the full list)."""


@dataclass(frozen=True)
class ScenarioInfo:
    """One compared arm: what it is, where it came from and which settings differ from the baseline."""

    key: str
    name: str
    title: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    digest: str = ""
    differences: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class ReportFigure:
    """A rendered figure: a stable key, its title and caption, and the PNG bytes."""

    key: str
    title: str
    caption: str
    png: bytes

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI, for embedding in HTML."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Report:
    """Everything a comparison report shows, independent of the output format."""

    lang: str
    baseline: str
    by: str
    table: pd.DataFrame
    verdicts: dict[str, list[Verdict]]
    scenarios: list[ScenarioInfo]
    figures: list[ReportFigure]
    replicates: int
    days: int | None
    master_seed: int
    seeds: list[tuple[int, int]]
    provenance: dict[str, Any]
    command: str
    notes: list[str] = field(default_factory=list)
    equity: pd.DataFrame = field(default_factory=pd.DataFrame)
    costs: dict[str, dict[str, Any]] = field(default_factory=dict)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    robustness: pd.DataFrame = field(default_factory=pd.DataFrame)
    robust_ranking: list[dict[str, Any]] = field(default_factory=list)
    robust_replicates: int = 0
    communities: StreetCommunities | None = None
    communities_notes: list[str] = field(default_factory=list)
    is_street: bool = False

    def t(self, key: str, **fields: Any) -> str:
        """Report text ``key`` in the report's language."""
        return TEXT[key][self.lang].format(**fields)

    @property
    def title(self) -> str:
        """The report's title."""
        others = [s.title or s.name for s in self.scenarios if s.key != self.baseline] or list(self.verdicts)
        baseline = next((s.title or s.name for s in self.scenarios if s.key == self.baseline), self.baseline)
        joiner = ", " if self.lang == "en" else "、"
        return self.t("title", others=joiner.join(others), baseline=baseline)


# ---------------------------------------------------------------------------------- assembling
def _experiment(directory: Path) -> Experiment:
    """The experiment that wrote ``directory``, rebuilt from its manifest."""
    record = manifest(directory)
    base_dir = Path(record.get("base_dir") or ".")
    return validate_experiment(record["experiment"], source=str(record.get("experiment_source", directory)),
                               base_dir=base_dir)


def _flat(config: BaseModel, entries: bool = False) -> dict[str, Any]:
    """Every leaf of ``config`` by key path; with ``entries``, arrays of tables too, entry by entry
    (``street.communities.2.funds_share``)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        elif entries and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}", item)
        else:
            out[prefix] = value

    walk("", config.model_dump(mode="json"))
    return out


def _differences(base: BaseModel, other: BaseModel, lang: str) -> tuple[tuple[str, str, str], ...]:
    entries = isinstance(base, StreetScenario)
    a, b = _flat(base, entries), _flat(other, entries)
    return tuple((INTERVENTIONS[lang] if path == "interventions" else parameter_text(path, lang),
                  _show(a.get(path), lang), _show(b.get(path), lang))
                 for path in sorted(set(a) | set(b))
                 if not path.startswith("meta.") and a.get(path) != b.get(path))


SWITCH = {"en": ("off", "on"), "zh": ("关", "开")}
INTERVENTIONS = {"en": "Changes during the run", "zh": "运行中的调整"}
"""How a scenario's scheduled interventions (``[[interventions]]``) are named among its differences."""
FROM_DAY = {"en": "from day {day}: ", "zh": "第 {day} 天起："}
NONE = {"en": "none", "zh": "无"}


def _show(value: Any, lang: str) -> str:
    if isinstance(value, list) and all(isinstance(v, dict) and {"day", "set"} <= set(v) for v in value):
        if not value:
            return NONE[lang]
        return "; ".join(FROM_DAY[lang].format(day=v["day"]) + ", ".join(
            f"{parameter_text(key, lang, with_unit=False)} = {_show(x, lang)}" for key, x in v["set"].items())
            for v in value)
    if isinstance(value, bool):
        return SWITCH[lang][value]
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _native(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _scenario_infos(experiment: Experiment, by: str, keys: Sequence[str], values: dict[str, Any],
                    lang: str) -> list[ScenarioInfo]:
    """What each compared arm is. ``values`` maps a key (text) to the parameter value run."""
    target = experiment.target
    if isinstance(target, StreetTarget):
        return _street_infos(target, by, keys, values, lang)
    configs: dict[str, ScenarioConfig] = {}
    sources: dict[str, tuple[str, ...]] = {}
    for key in keys:
        if by == SCENARIO_PARAMETER:
            configs[key] = dict(target.alternatives)[key]
            loaded = load_scenario(resolve_path(key, relative_to=experiment.base_dir))
            sources[key] = loaded.chain
        else:
            configs[key] = target.configure({by: _native(values[key])})
            base = experiment.spec.experiment.scenario
            sources[key] = load_scenario(resolve_path(base, relative_to=experiment.base_dir)).chain
    base = configs[keys[0]]
    titles = {key: (file_title(sources[key][-1]) or {}).get(lang, "") if sources[key] else "" for key in keys}
    return [ScenarioInfo(key=key, name=configs[key].meta.name if by == SCENARIO_PARAMETER else f"{by} = {key}",
                         title=titles[key] if by == SCENARIO_PARAMETER else "",
                         description=configs[key].meta.described(lang),
                         sources=tuple(shown_path(source, lang) for source in sources[key]),
                         digest=scenario_digest(configs[key]), differences=_differences(base, configs[key], lang))
            for key in keys]


BUILT_IN = {"en": "built-in: ", "zh": "内置："}


def shown_path(path: str | Path, lang: str = "en") -> str:
    """A file as a report shows it, without the writer's local folders: a built-in scenario as ``built-in:
    default.toml``, a file under the current folder relative to it, any other by its name."""
    resolved = Path(path).resolve()
    for root, prefix in ((builtin_dir().resolve(), BUILT_IN[lang]), (Path.cwd().resolve(), "")):
        if resolved.is_relative_to(root):
            return prefix + resolved.relative_to(root).as_posix()
    return resolved.name


def _street_infos(target: StreetTarget, by: str, keys: Sequence[str], values: dict[str, Any],
                  lang: str) -> list[ScenarioInfo]:
    """What each compared street is: its file's title and description, and the street settings that differ."""
    streets = _streets(target, by, keys, values)
    base = streets[keys[0]].config
    return [ScenarioInfo(key=key, name=street.config.meta.name if by == SCENARIO_PARAMETER else f"{by} = {key}",
                         title=(file_title(street.source) or {}).get(lang, "") if by == SCENARIO_PARAMETER else "",
                         description=street.config.meta.described(lang), sources=(shown_path(street.source, lang),),
                         digest=street.digest,
                         differences=_differences(base, street.config, lang))
            for key, street in streets.items()]


def _streets(target: StreetTarget, by: str, keys: Sequence[str], values: dict[str, Any]) -> dict[str, LoadedStreet]:
    """Each compared arm's street: the street file it names, or the base street with the swept value set."""
    return {key: dict(target.alternatives)[key] if by == SCENARIO_PARAMETER
            else target.configure({by: _native(values[key])}) for key in keys}


def _street_communities(runs: pd.DataFrame, experiment: Experiment | None, by: str, keys: Sequence[str],
                        values: dict[str, Any], lang: str) -> tuple[StreetCommunities | None, list[str]]:
    """The section on the communities of a street, and what the reader must know about it (why it is left out, or
    which runs it leaves out)."""
    if experiment is None:
        return None, [TEXT["communities_unnamed"][lang]]
    assert isinstance(experiment.target, StreetTarget)
    streets = _streets(experiment.target, by, keys, values)
    section = community_table(runs, keys[0], {k: [c.name for c in s.communities] for k, s in streets.items()}, by=by,
                              households_by_arm={k: [c.config.community.households for c in s.communities]
                                                 for k, s in streets.items()})
    if section is None:
        return None, [TEXT["communities_none"][lang]]
    notes = []
    if section.runs_without:
        notes.append(TEXT["communities_partial"][lang].format(k=section.runs_without, n=section.runs_total))
    if section.not_in_every_arm:
        notes.append(TEXT["communities_apart"][lang].format(
            names=(", " if lang == "en" else "、").join(section.not_in_every_arm)))
    return section, notes


def _figure(key: str, fig: Figure) -> ReportFigure:
    """Render ``fig`` to PNG; its title is the suptitle and its caption the small left title that
    :mod:`cogov.analysis.figures` puts on the first axes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    caption = fig.axes[0].get_title(loc="left") if fig.axes else ""
    # the figure escapes "$" in names so that matplotlib draws them literally (figures.plain); the page shows "$"
    title, caption = title.replace("\\$", "$"), caption.replace("\\$", "$")
    return ReportFigure(key=key, title=title, caption=caption, png=buffer.getvalue())


def _figures(table: pd.DataFrame, runs: pd.DataFrame, series: pd.DataFrame, by: str, keys: Sequence[str],
             lang: str, maps: dict[str, CommunityModel], names: dict[str, str],
             baseline: str | None = None) -> list[ReportFigure]:
    out = [_figure("differences", figures.difference_plot(table, lang=lang))]
    text_by = runs[by].astype(str)
    if not series.empty:
        series_text = series[by].astype(str)
        arms = {key: series[series_text == key] for key in keys}
        for metric in outcome_names(view="over_time"):
            if metric in series.columns:
                out.append(_figure(f"series-{metric}", figures.series_with_bands(arms, metric, lang=lang)))
    arms = {key: runs[text_by == key] for key in keys}
    for metric in outcome_names(view="distribution"):
        if metric in runs.columns:
            out.append(_figure(f"final-{metric}", figures.final_distributions(arms, metric, lang=lang)))
    # the baseline's map, then each other scenario's difference from it (same seed: the same buildings and
    # households), rather than maps that look alike
    first = baseline if baseline is not None else keys[0]
    base = maps.get(first)
    for key, model in maps.items():
        if isinstance(model, StreetModel):  # a street's communities differ: each street drawn as it ends
            out.append(_street_map(key, model, names.get(key, key), lang))
        elif base is None or key == first:
            drawn = _figure(f"map-{key}", figures.community_map(model, lang=lang))
            out.append(replace(drawn, title=TEXT["map_of"][lang].format(scenario=names.get(key, key))))
        else:
            drawn = _figure(f"map-{key}", figures.community_map(model, lang=lang, baseline=base))
            out.append(replace(drawn, title=TEXT["map_diff"][lang].format(scenario=names.get(key, key),
                                                                          baseline=names.get(first, first))))
    return out


def _street_map(key: str, street: StreetModel, name: str, lang: str) -> ReportFigure:
    """A street's communities side by side at the end of replicate 0, on one colour scale (satisfaction by building),
    the community with the lowest mean satisfaction outlined: who the street leaves behind
    (:class:`~cogov.viz.street_views.StreetMapView`, as ``cogov animate`` draws a street)."""
    from cogov.viz.street_views import StreetMapView  # matplotlib only; loaded when a street is drawn

    means = [float(community.metrics[STREET_MAP_METRIC]) for community in street.communities]
    view = StreetMapView(street, STREET_MAP_METRIC, selected=int(np.nanargmin(means)), lang=lang)
    drawn = _figure(f"map-{key}", view.fig)
    return replace(drawn, title=TEXT["street_map_of"][lang].format(scenario=name), caption=drawn.title)


def _maps(experiment: Experiment | None, by: str, keys: Sequence[str], values: dict[str, Any], seed: int,
          limit: int) -> dict[str, CommunityModel | StreetModel]:
    """Replicate 0 of each arm, run again to its horizon (the same run as in the results): a community, or a street
    (whose communities' maps are drawn side by side)."""
    if experiment is None or limit <= 0:
        return {}
    maps: dict[str, CommunityModel | StreetModel] = {}
    for key in list(keys)[:limit]:
        point = {by: _native(values[key])}
        configured = experiment.target.configure(point)
        model = (StreetModel(configured, rng=seed) if isinstance(experiment.target, StreetTarget)
                 else CommunityModel(configured, rng=seed))
        model.run()
        maps[key] = model
    return maps


def build_report(directory: str | Path, by: str = SCENARIO_PARAMETER, baseline: str | None = None,
                 lang: str = "en", outcomes: Sequence[str] | None = None, maps: int = MAX_MAPS,
                 replicates: int | None = None, command: str = "", notes: Sequence[str] = (),
                 at: Mapping[str, Any] | None = None) -> Report:
    """Assemble the report of a results folder, comparing the values of the swept parameter ``by``.

    ``baseline`` defaults to the first value run. ``maps`` is how many community maps to draw (each
    re-runs replicate 0 of one arm; 0 for none). ``replicates`` uses only replicates 0..n-1 (as a
    comparison that asked for n does, in a folder that holds more); all by default. ``command`` is shown as the way to reproduce the
    results; ``notes`` are added under the table (e.g. whether a precision target was met). ``at`` fixes the other
    swept parameters of a multi-factor sweep (:func:`cogov.analysis.results.within`); a report never pools over them.
    """
    lang = figures.check_lang(lang)
    directory = Path(directory)
    runs = load_runs(directory)
    if replicates is not None:
        runs = runs[runs["replicate"] < replicates]
    if by not in parameters(runs):
        raise ScenarioError(str(directory), [f"{by}: not a swept parameter here (swept: {', '.join(parameters(runs))})"])
    if at:
        runs = within(runs, at)
    pooled = other_factors(runs, by)
    if pooled:  # a report compares one combination of the other factors: never an average over them
        listed = "; ".join(f"{name} ({', '.join(map(str, values))})" for name, values in pooled.items())
        raise ScenarioError(str(directory), [(f"this sweep also varies {listed}: a report compares the values of {by} "
                                             "at one value of each (--within NAME=VALUE)")])
    text_by = runs[by].astype(str)
    keys = list(dict.fromkeys(text_by))
    asked, baseline = baseline, match_baseline(baseline, keys) if baseline is not None else keys[0]
    if baseline is None:  # a numeric baseline is matched by value (0.30 and 0.3)
        raise ScenarioError(str(directory), [f"baseline {asked!r} is not among the values of {by}: {', '.join(keys)}"])
    keys = [baseline] + [k for k in keys if k != baseline]
    values = {key: runs.loc[text_by == key, by].iloc[0] for key in keys}
    table = compare_runs(runs, baseline=baseline, by=by, outcomes=outcomes)  # default: the key outcomes
    base_means = table[table["baseline"]].set_index("outcome")["mean"]
    verdicts = {key: [describe(row, float(base_means[row["outcome"]]), lang)
                      for _, row in table[table["scenario"] == key].iterrows()] for key in keys[1:]}
    record = manifest(directory)
    section = record["experiment"]["experiment"]
    notes = _statistical_notes(table, lang) + list(notes)
    try:
        experiment: Experiment | None = _experiment(directory)
        scenarios = _scenario_infos(experiment, by, keys, values, lang)
    except (ScenarioError, KeyError, OSError) as exc:  # files moved or changed since the run
        experiment = None
        why = "; ".join(getattr(exc, "problems", [])) or str(exc)
        scenarios = [ScenarioInfo(key=key, name=key) for key in keys]
        notes.append(TEXT["no_config"][lang].format(why=why))
    series = load_series(directory)
    if replicates is not None and not series.empty:
        series = series[series["replicate"] < replicates]
    seeds = sorted({(int(r), int(s)) for r, s in zip(runs["replicate"], runs["seed"], strict=True)})
    map_models = _maps(experiment, by, [baseline, *[k for k in keys if k != baseline]], values, replicate_seed(int(section["master_seed"]), 0), maps)
    report_figures = _figures(table, runs, series, by, keys, lang, map_models, {s.key: s.name for s in scenarios},
                              baseline)
    replicates = int(table["replicates"].min()) if not table.empty else 0
    days = section.get("days")
    if days is None and experiment is not None:  # the scenarios' own horizon
        days = experiment.target.configure({by: _native(values[keys[0]])}).simulation.days
    provenance = {
        "results folder": shown_path(directory),
        "experiment digest": record.get("experiment_digest", ""),
        "cogov version (runs)": ", ".join(sorted(set(runs["cogov_version"].astype(str)))) if "cogov_version" in runs else "",
        "git commit (runs)": ", ".join(sorted(set(runs["git_commit"].astype(str)))) if "git_commit" in runs else "",
        "mesa version": record.get("mesa_version", ""),
        "report written with cogov": package_version("cogov"),
        "created (UTC)": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    robust, robust_ranking, robust_replicates = _robustness(directory, table, baseline,
                                                             [k for k in keys if k != baseline])
    is_street = (isinstance(experiment.target, StreetTarget) if experiment is not None
                 else bool(STREET_ONLY & set(runs.columns)))
    communities, communities_notes = (_street_communities(runs, experiment, by, keys, values, lang) if is_street
                                      else (None, []))
    return Report(communities=communities, communities_notes=communities_notes, is_street=is_street,
                  robustness=robust, robust_ranking=robust_ranking, robust_replicates=robust_replicates,
                  equity=equity_table(runs, baseline=baseline, by=by), costs=cost_table(runs, baseline=baseline, by=by),
                  ranking=_ranking(runs, by, [k for k in keys if k != baseline]),
                  lang=lang, baseline=baseline, by=by, table=table, verdicts=verdicts, scenarios=scenarios,
                  figures=report_figures, replicates=replicates, days=days,
                  master_seed=int(section["master_seed"]), seeds=seeds, provenance=provenance,
                  command=command, notes=notes)


def _robustness(directory: Path, table: pd.DataFrame, baseline: str,
                interventions: Sequence[str]) -> tuple[pd.DataFrame, list[dict[str, Any]], int]:
    """The robustness check's verdicts and its replicates per point, when the comparison ran one
    (``robustness.parquet`` in its folder)."""
    path = directory / ROBUSTNESS_FILE
    if not path.exists():
        return pd.DataFrame(), [], 0
    frame = pd.read_parquet(path)
    return (robustness_table(frame, table, baseline), ranking_holds(frame, interventions, RANKED),
            int(frame["replicate"].nunique()))


RANKED = ("satisfaction_mean", "resolution_rate", "mean_days_to_resolve", "cost_total", "street_cost_total")
"""Outcomes on which several interventions are ranked against each other (those the runs have)."""


def _ranking(runs: pd.DataFrame, by: str, interventions: Sequence[str]) -> list[dict[str, Any]]:
    """With two or more interventions: per outcome of :data:`RANKED`, the interventions best first (by mean, in the
    outcome's better direction; cost: lower first), each with its mean, and whether it is distinguishable from the next
    (paired by replicate: the 95 % interval of their difference excludes 0)."""
    if len(interventions) < 2:
        return []
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    keyed = runs.assign(_group=runs[by].astype(str))
    out = []
    for name in [o for o in RANKED if o in runs.columns]:
        wide = keyed.pivot_table(index="replicate", columns="_group", values=name, aggfunc="mean")
        better = declared_outcome(name).better or 1
        order = sorted(interventions, key=lambda k: -better * float(wide[k].mean()))
        steps = []
        for first, second in itertools.pairwise(order):
            both = wide[[first, second]].dropna()
            steps.append(paired_difference(both[first].to_numpy(), both[second].to_numpy()).distinguishable)
        out.append({"outcome": name, "order": order, "means": [float(wide[k].mean()) for k in order],
                    "distinct": steps})
    return out


def _statistical_notes(table: pd.DataFrame, lang: str) -> list[str]:
    """What the reader must know before trusting the verdicts: how many outcomes were compared (Holm), and whether
    there are too few replicates for the intervals."""
    notes = []
    others = table[~table["baseline"].astype(bool)] if not table.empty else table
    pairs = int(others["pairs"].min()) if "pairs" in others and not others.empty else 0
    if 0 < pairs < 2:
        notes.append(TEXT["one_replicate"][lang])
    elif 2 <= pairs < FEW_REPLICATES:
        notes.append(TEXT["few_replicates"][lang].format(n=pairs))
    if "outcomes_compared" in others and not others.empty and int(others["outcomes_compared"].max()) > 1:
        notes.append(TEXT["family_note"][lang].format(m=int(others["outcomes_compared"].max())))
    return notes


def _name(scenarios: Sequence[ScenarioInfo], key: str) -> str:
    return next((s.name for s in scenarios if s.key == key), key)


# ---------------------------------------------------------------------------------- rendering
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def markdown_escape(value: Any) -> str:
    """Text made inert in Markdown: Markdown punctuation backslash-escaped, ``&`` as an entity,
    line breaks as spaces (a table cell is one line)."""
    text = str(value).replace("&", "&amp;").replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _environment(kind: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("cogov.analysis", "templates"),
                             autoescape=kind == "html", undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = markdown_escape
    env.filters["value"] = lambda v, outcome, lang: format_value(outcome, float(v), lang)
    env.filters["difference"] = lambda v, outcome, lang: format_difference(outcome, float(v), lang, unit=False)
    return env


def _rows(report: Report) -> list[dict[str, Any]]:
    """The comparison table as display rows (all text), in the report's language."""
    lang, rows = report.lang, []
    for _, row in report.table.iterrows():
        outcome = str(row["outcome"])
        item = {"outcome": figures.metric_name(outcome, lang), "scenario": _name(report.scenarios, str(row["scenario"])),
                "mean": format_interval(outcome, row["mean"], row["ci_low"], row["ci_high"], lang),
                "first": bool(row["baseline"]), "baseline": bool(row["baseline"])}
        if row["baseline"]:
            item |= {"difference": report.t("baseline"), "d": "", "dz": "", "p": "", "p_holm": "", "size": "",
                     "verdict": "", "noise": False}
        else:
            item |= {"difference": format_difference_interval(outcome, row["difference"], row["diff_ci_low"],
                                                              row["diff_ci_high"], lang),
                     "d": f"{row['cohens_d']:+.2f}" if np.isfinite(row["cohens_d"]) else "n/a",
                     "dz": f"{row['dz']:+.2f}" if np.isfinite(row["dz"]) else "n/a",
                     "p": format_p(row["p_value"]), "p_holm": format_p(row.get("p_holm", float("nan"))),
                     "size": _size_word(report, row.get("practical")),
                     "verdict": report.t("distinct") if row["distinguishable"] else report.t("noise"),
                     "noise": not bool(row["distinguishable"])}
        rows.append(item)
    return rows


def _size_word(report: Report, practical: Any) -> str:
    """A practical size (meaningful, uncertain, below) in the report's words; ``n/a`` when undefined."""
    return report.t(f"size_{practical}") if practical in ("meaningful", "uncertain", "below") else "n/a"


def _equity(report: Report) -> list[dict[str, Any]]:
    """The equity section as display blocks: per scenario and dimension, the groups' rows and the gap's line."""
    table, lang, out = report.equity, report.lang, []
    if table.empty:
        return out
    baseline = _name(report.scenarios, report.baseline)
    for key in [k for k in report.verdicts]:
        for dimension in dict.fromkeys(table["dimension"]):
            groups = table[(table["kind"] == "group") & (table["dimension"] == dimension)]
            rows = []
            for outcome in dict.fromkeys(groups["outcome"]):
                base = groups[(groups["outcome"] == outcome) & groups["baseline"].astype(bool)].iloc[0]
                row = groups[(groups["outcome"] == outcome) & (groups["scenario"] == key)]
                if row.empty:
                    continue
                row = row.iloc[0]
                rows.append({
                    "group": figures.metric_name(outcome, lang).split("：" if lang == "zh" else ": ", 1)[-1],
                    "baseline": format_value(outcome, float(base["mean"]), lang),
                    "difference": format_difference_interval(outcome, row["difference"], row["diff_ci_low"],
                                                             row["diff_ci_high"], lang),
                    "size": _size_word(report, row["practical"]),
                    "verdict": report.t("distinct") if row["distinguishable"] else report.t("noise"),
                })
            gap = table[(table["kind"] == "gap") & (table["dimension"] == dimension) & (table["scenario"] == key)]
            line, gap_parts = "", None
            if not gap.empty:
                g = gap.iloc[0]
                name = {o: figures.metric_name(o, lang).split("：" if lang == "zh" else ": ", 1)[-1]
                        for o in (g["best"], g["worst"])}
                fields = {"d": format_difference(g["best"], abs(float(g["difference"])), lang, unit=False).lstrip("+"),
                          "low": format_difference(g["best"], float(g["diff_ci_low"]), lang, unit=False),
                          "high": format_difference(g["best"], float(g["diff_ci_high"]), lang, unit=False)}
                if gap_direction(g) == "unchanged":
                    fields["d"] = format_difference(g["best"], float(g["difference"]), lang, unit=False)
                how = report.t(f"gap_{gap_direction(g)}", **fields)
                if gap_direction(g) != "unchanged":
                    gap_parts = {"best": name[g["best"]], "worst": name[g["worst"]], "how": how}
                line = report.t("gap_line", best=name[g["best"]], worst=name[g["worst"]], baseline=baseline,
                                gap=format_difference(g["best"], float(g["baseline_gap"]), lang, unit=False), how=how)
            out.append({"heading": report.t("against", scenario=_name(report.scenarios, key), baseline=baseline),
                        "dimension": report.t(f"dim_{dimension}"), "rows": rows, "gap": line, "gap_parts": gap_parts})
    return out


def _costs(report: Report) -> list[dict[str, Any]]:
    """The cost section as display blocks: per scenario, the cost line, cost-effectiveness lines and the items."""
    lang, out = report.lang, []
    baseline = _name(report.scenarios, report.baseline)

    def cny(value: float, signed: bool = False) -> str:
        return format_difference("cost_total", value, lang) if signed else format_value("cost_total", value, lang)

    for key, block in report.costs.items():
        d = block["difference"]
        line = report.t("cost_line", base=cny(block["baseline_cost"]), baseline=baseline, cost=cny(block["cost"]),
                        diff=cny(d.difference, True), low=cny(d.ci_low, True), high=cny(d.ci_high, True))
        moved = next((i["difference"] for i in block["items"] if i["item"] == MEETING_STAFF_TIME), 0.0)
        if block.get("meeting_hours"):
            line += " " + report.t("meeting_line", baseline=baseline, value=cny(moved, True),
                                   hours=format_difference(MEETING_HOURS, block["meeting_hours"], lang, unit=False))
        free = d.difference == 0 and d.ci_low == 0 and d.ci_high == 0
        effects = []
        for effect in block["effects"]:
            if free and effect.kind != "no_effect":
                text = report.t("ce_no_cost")
            elif effect.kind == "ratio":
                bounds = (cny(effect.low), cny(effect.high)) if np.isfinite(effect.low) else ("n/a", "n/a")
                text = report.t("ce_ratio", ratio=cny(effect.ratio), low=bounds[0], high=bounds[1])
            else:
                text = report.t(f"ce_{effect.kind}")
            effects.append({"label": report.t(f"effect_{effect.effect}"), "text": text})
        items = [{"item": figures.metric_name(f"spent_{i['item']}", lang).split("：" if lang == "zh" else ": ", 1)[-1],
                  "payer": PAYER_NAMES[i["payer"]][0 if lang == "en" else 1], "baseline": cny(i["baseline"]),
                  "difference": cny(i["difference"], True)} for i in block["items"]]
        out.append({"heading": report.t("against", scenario=_name(report.scenarios, key), baseline=baseline),
                    "line": line, "effects": effects, "rows": items})
    return out


def _communities(report: Report) -> dict[str, Any] | None:
    """The section on the communities of a street for display: per measure a table (each community's mean in each
    scenario, its difference from the baseline, the verdict) and who gains or loses most in each scenario; the money
    table (funds each year, public cost) and where the funds moved. None for a comparison of single communities."""
    if not report.is_street:
        return None
    section, lang = report.communities, report.lang
    out: dict[str, Any] = {"notes": report.communities_notes, "blocks": [], "money": None, "intro": ""}
    if section is None:
        return out
    baseline = _name(report.scenarios, report.baseline)
    colon = ": " if lang == "en" else "："
    table = section.table
    others = table[~table["baseline"].astype(bool)] if not table.empty else table
    family = int(others["outcomes_compared"].max()) if "outcomes_compared" in others and not others.empty else 0
    out["intro"] = report.t("communities_intro", baseline=baseline, m=family)
    households = {n: f"{section.households[n]:,}" if n in section.households else "" for n in section.names}
    for measure in section.measures():
        rows, lines = [], []
        for community in section.names:
            chosen = table[(table["measure"] == measure) & (table["community"] == community)]
            for i, row in enumerate(chosen.itertuples()):
                outcome = str(row.outcome)
                item = {"community": community if i == 0 else "", "households": households[community] if i == 0 else "",
                        "scenario": _name(report.scenarios, str(row.scenario)), "first": i == 0,
                        "mean": format_interval(outcome, row.mean, row.ci_low, row.ci_high, lang, unit=False)}
                if row.baseline:
                    item |= {"difference": report.t("baseline"), "verdict": "", "noise": False}
                else:
                    item |= {"difference": format_difference_interval(outcome, row.difference, row.diff_ci_low,
                                                                      row.diff_ci_high, lang),
                             "verdict": report.t("distinct") if row.distinguishable else report.t("noise"),
                             "noise": not bool(row.distinguishable)}
                rows.append(item)
        for key in report.verdicts:
            best, worst = extremes(others[(others["measure"] == measure) & (others["scenario"] == key)], measure)
            parts = [report.t(f"community_{kind}", community=row["community"],
                              change=format_difference_interval(str(row["outcome"]), row["difference"],
                                                                row["diff_ci_low"], row["diff_ci_high"], lang))
                     for kind, row in (("gains", best), ("loses", worst)) if row is not None]
            said = ("; " if lang == "en" else "；").join(parts) if parts else report.t("community_noise")
            lines.append(report.t("against", scenario=_name(report.scenarios, key), baseline=baseline) + colon + said)
        out["blocks"].append({"heading": figures.metric_label(measure, lang), "rows": rows, "lines": lines})
    out["money"] = _community_money(report, section, baseline) if not section.money.empty else None
    return out


def _community_money(report: Report, section: StreetCommunities, baseline: str) -> dict[str, Any]:
    """The money table of the communities' section: each community's funds each year (in brackets the change from the
    baseline) and its public cost with interval and paired difference; and, per scenario, where the funds moved."""
    lang, money = report.lang, section.money
    funds = [f"funds_year{y}" for y in section.years]
    headings = [report.t("funds_year", year=y) for y in section.years]

    def level(row: Any) -> str:
        # funds are set by the rule, and costs follow them: one number where every replicate had the same
        low, high = (format_value(row.outcome, v, lang, unit=False) for v in (row.ci_low, row.ci_high))
        if low == high or not np.isfinite(row.ci_low):
            return format_value(row.outcome, row.mean, lang, unit=False)
        return format_interval(row.outcome, row.mean, row.ci_low, row.ci_high, lang, unit=False)

    def cell(row: Any) -> str:
        shown = level(row)
        if not row.baseline and np.isfinite(row.difference) and row.difference != 0:
            shown += f" ({format_difference(row.outcome, row.difference, lang, unit=False)})"
        return shown

    rows = []
    for community in section.names:
        mine = money[money["community"] == community]
        for i, key in enumerate(dict.fromkeys(mine["scenario"].astype(str))):
            arm = mine[mine["scenario"].astype(str) == key].set_index("measure")
            cost = next(arm.loc[["cost_total"]].itertuples()) if "cost_total" in arm.index else None
            rows.append({
                "community": community if i == 0 else "", "scenario": _name(report.scenarios, key), "first": i == 0,
                "funds": [cell(next(arm.loc[[f]].itertuples())) if f in arm.index else "n/a" for f in funds],
                "cost": level(cost) if cost is not None else "n/a",
                "difference": (report.t("baseline") if cost is None or cost.baseline else
                               format_difference_interval(cost.outcome, cost.difference, cost.diff_ci_low,
                                                          cost.diff_ci_high, lang))})
    lines = []
    colon = ": " if lang == "en" else "："
    for key in report.verdicts:
        said = []
        for year, measure in zip(section.years, funds, strict=True):
            moved = money[(money["measure"] == measure) & (money["scenario"].astype(str) == key)]
            moved = moved[np.isfinite(moved["difference"].astype(float)) & (moved["difference"] != 0)]
            if moved.empty:
                continue
            ends = [(kind, moved.loc[pick()]) for kind, pick in (("to", moved["difference"].idxmax),
                                                                 ("from", moved["difference"].idxmin))]
            said.append(report.t("money_year", year=year) + (", " if lang == "en" else "，").join(
                report.t(f"money_{kind}", community=row["community"],
                         change=format_difference(str(row["outcome"]), float(row["difference"]), lang))
                for kind, row in ends if (row["difference"] > 0) == (kind == "to")))
        text = ("; " if lang == "en" else "；").join(said) if said else report.t("money_same", baseline=baseline)
        lines.append(report.t("against", scenario=_name(report.scenarios, key), baseline=baseline) + colon + text)
    return {"intro": report.t("community_money_intro", baseline=baseline), "headings": headings, "rows": rows,
            "lines": lines, "cost_heading": figures.metric_label("cost_total", lang)}


GLANCE_CHANGES = 5
"""Most changes the first screen lists per intervention (the largest against their smallest meaningful difference)."""


def _shown_name(report: Report, key: str) -> str:
    """A scenario as a reader knows it: its file's title where it has one, else its name."""
    info = next((s for s in report.scenarios if s.key == key), None)
    return (info.title or info.name) if info is not None else key


def _glance(report: Report, cost_blocks: list[dict[str, Any]], equity: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first screen: per intervention, its largest practically meaningful changes, its cost (from the cost
    section's ``cost_blocks``), who gains (from the equity section's blocks)."""
    lang, table, out = report.lang, report.table, []
    baseline = _shown_name(report, report.baseline)
    base_means = table[table["baseline"].astype(bool)].set_index("outcome")["mean"] if not table.empty else {}
    costs = {block["heading"]: block for block in cost_blocks}
    for key in report.verdicts:
        rows = table[(table["scenario"].astype(str) == key) & ~table["baseline"].astype(bool)]
        rows = rows[rows["distinguishable"].astype(bool) & (rows["practical"] == "meaningful")]
        rows = rows.assign(_size=(rows["difference"] / rows["smallest_difference"]).abs())
        changes = [{"text": f"{figures.metric_name(r.outcome, lang)}: {format_value(r.outcome, base_means[r.outcome], lang)}"
                            f" → {format_value(r.outcome, r.mean, lang)} "
                            f"({format_difference_interval(r.outcome, r.difference, r.diff_ci_low, r.diff_ci_high, lang)})",
                    "cls": figures.direction(r.outcome, r.difference)}
                   for r in rows.sort_values("_size", ascending=False).head(GLANCE_CHANGES).itertuples()]
        heading = report.t("against", scenario=_name(report.scenarios, key),
                           baseline=_name(report.scenarios, report.baseline))
        cost = costs.get(heading)
        gains = [report.t("glance_gap", dimension=block["dimension"], **block["gap_parts"]) for block in equity
                 if block["heading"] == heading and block.get("gap_parts")]
        out.append({"heading": report.t("against", scenario=_shown_name(report, key), baseline=baseline),
                    "changes": changes, "cost": cost["line"] if cost else "",
                    "cost_effects": cost["effects"] if cost else [], "gains": gains})
    return out


def _ranking_rows(report: Report) -> list[dict[str, str]]:
    """The ranking of interventions as display rows: outcome, and the names best first joined by '>' or '≈'."""
    rows = []
    for block in report.ranking:
        name = block["outcome"]
        parts = [f"{_shown_name(report, k)} ({format_value(name, m, report.lang)})"
                 for k, m in zip(block["order"], block["means"], strict=True)]
        text = parts[0]
        for part, distinct in zip(parts[1:], block["distinct"], strict=True):
            text += (" > " if distinct else " ≈ ") + part
        rows.append({"outcome": figures.metric_name(name, report.lang), "order": text})
    return rows


def _robust(report: Report) -> dict[str, Any] | None:
    """The robustness section for display, or None when the comparison ran no robustness check."""
    table, lang = report.robustness, report.lang
    if table.empty and not report.robust_ranking:
        return None
    points = int(table["points"].max()) if not table.empty else int(report.robust_ranking[0]["points"])
    rows = [{"scenario": _shown_name(report, r.scenario), "outcome": figures.metric_name(r.outcome, lang),
             "difference": format_difference(r.outcome, r.difference, lang, unit=False),
             "kept": report.t("robust_of", k=r.kept, n=r.points), "confirmed": report.t("robust_of", k=r.confirmed,
                                                                                       n=r.points)}
            for r in table.itertuples()]
    ranking = [report.t("robust_ranking", outcome=figures.metric_name(b["outcome"], lang),
                        order=" > ".join(_shown_name(report, k) for k in b["order"]), k=b["held"], n=b["points"])
               for b in report.robust_ranking]
    names = ("、" if lang == "zh" else "; ").join(parameter_text(p, lang, with_unit=False) for p in ASSUMED_RANGES)
    intro = report.t("robust_intro", n=points, k=len(ASSUMED_RANGES), names=names,
                     r=report.robust_replicates)
    return {"intro": intro, "rows": rows, "ranking": ranking}


def _summaries(report: Report) -> list[dict[str, Any]]:
    out = []
    for key, verdicts in report.verdicts.items():
        def names(selected: list[Verdict]) -> list[str]:
            return [figures.metric_name(v.outcome, report.lang) for v in selected]

        out.append({
            "heading": report.t("against", scenario=_name(report.scenarios, key),
                                baseline=_name(report.scenarios, report.baseline)),
            "better": names([v for v in verdicts if v.distinguishable and v.size != "below" and v.better is True]),
            "worse": names([v for v in verdicts if v.distinguishable and v.size != "below" and v.better is False]),
            "tradeoff": names([v for v in verdicts if v.distinguishable and v.size != "below" and v.better is None]),
            "small": names([v for v in verdicts if v.distinguishable and v.size == "below"]),
            "noise": names([v for v in verdicts if not v.distinguishable]),
            "sentences": [v.sentence for v in verdicts],
        })
    return out


def render(report: Report, kind: str, figure_paths: Sequence[str] = ()) -> str:
    """The report as text: ``kind`` is ``html`` (figures embedded) or ``markdown`` (figures linked
    to ``figure_paths``, one per figure, relative to the Markdown file)."""
    template = _environment(kind).get_template("report.html.j2" if kind == "html" else "report.md.j2")
    joiner = ", " if report.lang == "en" else "、"
    costs, equity = _costs(report), _equity(report)
    return template.render(
        r=report, t=report.t, lang=report.lang, rows=_rows(report), summaries=_summaries(report), joiner=joiner,
        equity=equity, costs=costs, not_counted=NOT_COUNTED[report.lang],
        glance=_glance(report, costs, equity), ranking=_ranking_rows(report), robust=_robust(report),
        communities=_communities(report),
        stop=". " if report.lang == "en" else "。",
        figures=[{"n": i + 1, "figure": f, "path": figure_paths[i] if i < len(figure_paths) else ""}
                 for i, f in enumerate(report.figures)],
        assumptions=[a[report.lang] for a in ASSUMPTIONS],
        baseline_name=_name(report.scenarios, report.baseline),
    )


def write_report(report: Report, path: str | Path) -> Path:
    """Write the report to ``path``: HTML for ``.html``/``.htm``, Markdown for ``.md`` (figures go
    to ``<stem>_figures/`` beside it). Returns the path written."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ScenarioError(str(path), [f"report format: unknown suffix {path.suffix!r}; use .html or .md"])
    path.parent.mkdir(parents=True, exist_ok=True)
    figure_paths: list[str] = []
    if kind == "markdown":
        folder = path.with_name(f"{path.stem}_figures")
        folder.mkdir(exist_ok=True)
        for i, fig in enumerate(report.figures, start=1):
            name = f"figure-{i:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', fig.key)}.png"
            (folder / name).write_bytes(fig.png)
            figure_paths.append(f"{folder.name}/{name}")
    path.write_text(render(report, kind, figure_paths), encoding="utf-8")
    return path

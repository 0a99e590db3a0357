"""The levers a teacher can move on the classroom page, and every word on it, in English and Chinese.

A :class:`Lever` names a scenario key path (``levers.burden.admin_share``), the kind of control and its
range; :func:`lever_values` reads the current values from a scenario, :func:`lever_overrides` turns
the page's settings back into the overrides :class:`~cogov.sim.model.CommunityModel` accepts (only those that
differ from the scenario, so the model's provenance says exactly what the class changed).
No solara here: the app, the tests and ``cogov animate`` share it.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cogov.sim.config import ScenarioConfig
from cogov.sim.labels import parameter_text
from cogov.sim.outcomes.registry import outcome_names
from cogov.sim.scenario import STREETS_FOLDER, builtin_dir, builtin_names, file_title, read_toml

LANGS: tuple[str, ...] = ("en", "zh")

LeverKind = Literal["switch", "int", "float", "choice"]


@dataclass(frozen=True)
class Lever:
    """One control on the page: a scenario parameter, its kind and range. Its words are the
    parameter's name and unit in :data:`cogov.sim.labels.PARAMETER_LABELS`, the same as in figures and
    reports."""

    path: str
    kind: LeverKind
    group: str
    min: float = 0.0
    max: float = 1.0
    step: float = 1.0
    choices: tuple[str, ...] = ()
    """The values a ``choice`` lever may take (a menu); its words are :data:`CHOICE_TEXT`'s."""

    def label(self, lang: str) -> str:
        """Name with its unit, as shown next to the control."""
        return parameter_text(self.path, lang)

    def name(self, lang: str) -> str:
        """Name without the unit."""
        return parameter_text(self.path, lang, with_unit=False)

    def coerce(self, value: Any) -> bool | int | float | str:
        """A control's value as the parameter's type (sliders report floats, switches bools, menus strings); a
        menu's value that is none of its :attr:`choices` (sent by a browser) raises ``ValueError``."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError("not a value this menu offers")
            return value
        if self.kind == "switch":
            return bool(value)
        if self.kind == "int":
            return round(float(value))
        return float(value)


GROUPS: dict[str, dict[str, str]] = {
    "money": {"en": "Money", "zh": "经费"},
    "cross": {"en": "Cross-appointment (party building)", "zh": "交叉任职（党建引领）"},
    "volunteers": {"en": "Volunteers and party members", "zh": "志愿者与党员"},
    "grid": {"en": "Grid staffing", "zh": "网格力量"},
    "burden": {"en": "Administrative burden", "zh": "行政负担"},
    "arrangements": {"en": "Co-governance arrangements", "zh": "共治机制"},
}
"""Headings of the lever groups, in page order."""

LEVERS: tuple[Lever, ...] = (
    Lever("levers.funding.annual_cny", "int", "money", min=0, max=1_000_000, step=10_000),
    Lever("levers.cross_appointment.party_owners_committee", "switch", "cross"),
    Lever("levers.cross_appointment.party_property", "switch", "cross"),
    Lever("levers.cross_appointment.big_party_committee", "switch", "cross"),
    Lever("levers.three_party_linkage.enabled", "switch", "cross"),
    Lever("levers.volunteer_incentives.points_per_hour", "int", "volunteers", min=0, max=30, step=1),
    Lever("levers.volunteer_incentives.cny_per_point", "float", "volunteers", min=0.0, max=5.0, step=0.5),
    Lever("levers.volunteer_incentives.employer_feedback", "switch", "volunteers"),
    Lever("levers.grid.full_time_workers", "int", "grid", min=0, max=5, step=1),
    Lever("levers.grid.part_time_workers", "int", "grid", min=0, max=12, step=1),
    Lever("levers.burden.admin_share", "float", "burden", min=0.0, max=0.9, step=0.05),
    Lever("levers.burden.access_list", "switch", "burden"),
    Lever("levers.mediation.enabled", "switch", "arrangements"),
    Lever("levers.self_management.enabled", "switch", "arrangements"),
    Lever("levers.work_unit_management.enabled", "switch", "arrangements"),
    Lever("levers.fallback_property.enabled", "switch", "arrangements"),
    Lever("levers.fee_leverage.enabled", "switch", "arrangements"),
    Lever("levers.committee_formation.enabled", "switch", "arrangements"),
    Lever("levers.digital_platform.enabled", "switch", "arrangements"),
    Lever("levers.proactive_care.enabled", "switch", "arrangements"),
    Lever("levers.activities.enabled", "switch", "arrangements"),
    Lever("levers.needs_projects.enabled", "switch", "arrangements"),
    Lever("levers.posts.enabled", "switch", "volunteers"),
    Lever("levers.volunteer_teams.enabled", "switch", "volunteers"),
    Lever("levers.five_ones.enabled", "switch", "volunteers"),
    Lever("levers.social_contracts.enabled", "switch", "arrangements"),
    Lever("levers.venture_philanthropy.projects_per_year", "int", "arrangements", min=0, max=6, step=1),
)
"""Levers on the page (issue 6: funding, each cross-appointment link, points, employer feedback, grid
staffing, burden; issue 12: the arrangements added since: mediation, self-management, the fallback company, fee leverage,
committees formed over the years, social organisations' contracts and projects, the
community's app, proactive care, members' posts, activities, needs
projects), each inside the range the
scenario format allows."""

LEVERS_BY_PATH: dict[str, Lever] = {lever.path: lever for lever in LEVERS}

LEVER_HELP: dict[str, dict[str, str]] = {
    "levers.funding.annual_cny": {
        "en": "Buys hours: paid part-time grid workers, social-work hours, repairs, co-building matching money. More "
              "hours shorten queues and relieve the grid and the community organisations, so resolution, satisfaction "
              "and the party organisation's strength rise; so does public cost (§7.2).",
        "zh": "用于购买工作时间：兼职网格员、社工服务、维修、共建配套资金。时间增加使排队缩短、网格和社区组织负担减轻，"
              "解决率、满意度和党组织组织力随之上升；公共支出也随之增加（§7.2）。"},
    "levers.cross_appointment.party_owners_committee": {
        "en": "A branch secretary chairs each owners' committee: its talks with the company are held more often and "
              "the branch mediates (with a probability equal to its strength). Only where a committee exists (§7.6).",
        "zh": "党支部书记兼任业委会主任：业委会与物业的协商更频繁，并由支部调解（概率等于其组织力）。"
              "只在已成立业委会的小区起作用（§7.6）。"},
    "levers.cross_appointment.party_property": {
        "en": "Red property: every property company has a party organisation that mediates its compound's talks, and "
              "answers to the community at accountability reviews, after which its service quality improves "
              "(§7.6, §7.12-7.13).",
        "zh": "红色物业：每家物业公司都建有党组织，调解本小区的协商，并定期向社区述职，述职后服务质量提高"
              "（§7.6、§7.12–7.13）。"},
    "levers.cross_appointment.big_party_committee": {
        "en": "Co-building units' officials sit on the enlarged party committee: every unit is asked each month, its "
              "commitment grows and it sends people for its official's post: more people-hours (§7.15).",
        "zh": "共建单位负责人进入社区“大党委”：每月都向各单位提出需求，单位投入度提高，并按职务派人：社区获得更多人力（§7.15）。"},
    "levers.three_party_linkage.enabled": {
        "en": "Community party organisation, owners and property company meet at least every 14 days in every "
              "compound, the party organisation mediating: collective issues are agreed sooner, fewer stalemates "
              "(bounded-confidence bargaining, §7.6).",
        "zh": "三方联动：社区党组织、业主与物业公司在每个小区至少每 14 天会商一次，由社区党组织调解：集体事项更快达成一致，"
              "僵局减少（有限信任协商模型，§7.6）。"},
    "levers.volunteer_incentives.points_per_hour": {
        "en": "Points per hour volunteered: a reward in each resident's daily choice to serve, so more serve at first; "
              "but each session a reward crowds out some intrinsic motivation, and rewards are public cost (§7.1).",
        "zh": "每小时志愿服务积分：作为奖励进入居民每天是否参与服务的选择，短期内参与增加；但每次服务后奖励会“挤出”部分内在"
              "动机，积分奖励也计入公共支出（§7.1）。"},
    "levers.volunteer_incentives.cny_per_point": {
        "en": "What a point is worth in yuan: multiplies the reward, its cost and its crowding out (§7.1).",
        "zh": "每个积分折合的金额：同时放大奖励、支出和“挤出”效应（§7.1）。"},
    "levers.volunteer_incentives.employer_feedback": {
        "en": "In-service party members' service is reported to their employer: a term in their choice to serve, and "
              "feedback that crowds motivation in rather than out, so they serve more at no reward cost (§7.1).",
        "zh": "在职党员的社区服务情况反馈给所在单位：进入其是否参与服务的选择，且这种反馈“挤入”而非挤出动机，"
              "因此参与更多，而不增加奖励支出（§7.1）。"},
    "levers.grid.full_time_workers": {
        "en": "Full-time grid workers per grid: hours for patrol (finding issues) and for handling them in the grid; "
              "their salaries add to cost, and the administrative burden takes its share of their time too "
              "(§7.2, §7.4).",
        "zh": "每个网格的专职网格员：用于巡查（发现问题）和在网格内办理问题的时间；工资计入支出，行政负担同样挤占其时间"
              "（§7.2、§7.4）。"},
    "levers.grid.part_time_workers": {
        "en": "Part-time grid workers, paid from the funds: more grid hours for patrol and handling (§7.2).",
        "zh": "兼职网格员（由经费支付）：增加网格巡查和办理的时间（§7.2）。"},
    "levers.burden.admin_share": {
        "en": "Share of community and full-time grid staff time taken by tasks pushed down from above: their hours "
              "are multiplied by (1 - burden), and the overload weakens the community party organisation "
              "(§7.2, §7.14.1).",
        "zh": "社区工作者和专职网格员被上级下派事务占用的时间比例：其工作时间乘以（1 − 负担），超负荷还会削弱社区党组织的"
              "组织力（§7.2、§7.14.1）。"},
    "levers.burden.access_list": {
        "en": "An access list for tasks pushed down to the community: it blocks 40 % of the burden and gives that "
              "time back to residents' issues (§7.2).",
        "zh": "社区工作事项准入制度：挡住 40% 的下派负担，把这部分时间还给居民诉求（§7.2）。"},
    "levers.mediation.enabled": {
        "en": "A people's mediation committee of 'five olds' teams in the grids: neighbour disputes go to the grid's "
              "team, mediators notice disputes in their buildings, and settled disputes build ties and trust "
              "(§7.16).",
        "zh": "人民调解委员会（“五老”调解小组设在各网格）：邻里纠纷交由网格调解小组，调解员发现所在楼栋的纠纷，"
              "调解成功增进邻里关系和信任（§7.16）。"},
    "levers.self_management.enabled": {
        "en": "Residents' self-management in compounds no company serves: caretakers paid from a set fee take "
              "environment and parking matters, and the committee convenes residents' talks (§7.17).",
        "zh": "无物业小区的居民自治：由固定收费支付的管理员处理环境和停车事项，自治组织召集居民协商（§7.17）。"},
    "levers.work_unit_management.enabled": {
        "en": "Work-unit compounds without a company are still looked after by their former unit's logistics staff, "
              "paid by the unit (§7.17).",
        "zh": "无物业的单位宿舍小区仍由原单位后勤人员管理，费用由单位承担（§7.17）。"},
    "levers.fallback_property.enabled": {
        "en": "A company led by the community party organisation serves every compound nobody else serves: basic "
              "quality, its own party organisation, accountability reviews, a public subsidy per household (§7.17).",
        "zh": "托底物业：由社区党组织牵头的物业公司服务其他公司不服务的小区：基本服务质量、自有党组织、定期述职，"
              "按户给予公共补贴（§7.17）。"},
    "levers.fee_leverage.enabled": {
        "en": "Companies that cannot run normally (fees collected below 80 %) receive public money matched to the "
              "fees they collect, for a period; it pays for hours and quality as fees do (§7.26).",
        "zh": "物业费撬动：无法正常运转的物业公司（收缴率低于 80%）在一段时间内按收缴的物业费获得配比公共资金，"
              "像物业费一样用于人力和服务质量（§7.26）。"},
    "levers.committee_formation.enabled": {
        "en": "Party branches organise owners' committees where there are none, faster where the branch is strong; "
              "new committees convene talks on collective issues (§7.18).",
        "zh": "党支部推动没有业委会的小区成立业委会，支部越强成立越快；新业委会召集集体事项的协商（§7.18）。"},
    "levers.digital_platform.enabled": {
        "en": "The community's app: households using it (the young most) find reporting easier and report partly "
              "through it, so fewer issues stay unfound; a running cost (§7.20).",
        "zh": "社区 App：使用者（年轻人为主）报事更方便，部分诉求经 App 上报，未被发现的问题减少；有运行成本（§7.20）。"},
    "levers.proactive_care.enabled": {
        "en": "Monthly visits to every vulnerable household find issues they did not report and build ties and "
              "trust; bought as social-work hours (§7.21).",
        "zh": "每月走访所有困难家庭，发现其未上报的问题，增进联系和信任；以购买社工服务的方式提供（§7.21）。"},
    "levers.activities.enabled": {
        "en": "Activities at the community centre and at co-building units' venues: households within reach take "
              "part by age, ties and trust grow; each activity costs (§7.23).",
        "zh": "在社区中心和共建单位场地开展活动：附近居民按年龄参加，邻里关系和信任增长；每次活动有支出（§7.23）。"},
    "levers.needs_projects.enabled": {
        "en": "A yearly list of residents' needs, answered by co-building units of the matching kind; the projects "
              "serve the households they suit near the unit (§7.24).",
        "zh": "每年梳理居民需求清单，由类型匹配的共建单位认领，项目服务单位附近的相应家庭（§7.24）。"},
    "levers.posts.enabled": {
        "en": "Party members who are asked claim posts (supervisor, publicist, mediator, guide): a duty in their "
              "choice to serve, acting in their own building; posts lapse without follow-up (§7.22).",
        "zh": "党员受邀认领岗位（监督员、宣传员、调解员、引导员）：成为其参与服务选择中的一项责任，在所住楼栋发挥作用；"
              "缺乏跟进的岗位会流失（§7.22）。"},
    "levers.volunteer_teams.enabled": {
        "en": "A party members' volunteer team in each grid: members join when asked, are asked again on its monthly "
              "service day and kept in view, so in-service members serve more (§7.25).",
        "zh": "每个网格组建党员志愿服务队：党员受邀加入，每月服务日再次被召集并持续受到关注，在职党员因此参与更多（§7.25）。"},
    "levers.five_ones.enabled": {
        "en": "In-service members' five prescribed actions a year, each paired with a household in difficulty and "
              "followed up by the branch at quarterly reviews (§7.27).",
        "zh": "在职党员每年完成“五个一”，与一户困难家庭结对，由支部每季度跟进（§7.27）。"},
    "levers.social_contracts.enabled": {
        "en": "A yearly third-party evaluation of the contracted social organisations: those below the threshold are "
              "replaced by a new provider; the evaluations cost (§7.19).",
        "zh": "对签约社会组织每年进行第三方评估：低于标准者由新机构替换；评估有支出（§7.19）。"},
    "levers.venture_philanthropy.projects_per_year": {
        "en": "Projects a year buying a social organisation's hours; while there are fewer organisations than the "
              "target, a project incubates a new one (§7.19).",
        "zh": "每年的公益创投项目数：购买社会组织的服务时间；社会组织少于目标数时，项目孵化新的社会组织（§7.19）。"},
}
"""What each lever does and through which mechanism, in a sentence or two (from docs/ODD.md §8 and the sections
named), for the page's "About / why" panel."""

STREET_LEVERS: tuple[Lever, ...] = (
    Lever("street.whistle.enabled", "switch", "street"),
    Lever("street.funds.allocation", "choice", "street",
          choices=("own", "equal", "households", "need", "performance", "listed", "tiers")),
    Lever("street.appraisal.street_weight", "float", "street", min=0.0, max=1.0, step=0.01),
)
"""Levers of a street on the page's street mode (issue 13): the street's own settings; the whistle and the appraisal
weight act on the running street from the next day (:meth:`~cogov.viz.street_session.StreetSession.apply_live`), the
funds' rule at Reset (the street built anew); the community levers are off there (each community keeps its
scenario's)."""

STREET_LEVERS_BY_PATH: dict[str, Lever] = {lever.path: lever for lever in STREET_LEVERS}

CHOICE_TEXT: dict[str, dict[str, dict[str, str]]] = {
    "street.funds.allocation": {
        "own": {"en": "each keeps its own funds", "zh": "各社区自有经费"},
        "equal": {"en": "equal shares", "zh": "平均分配"},
        "households": {"en": "by households", "zh": "按户数分配"},
        "need": {"en": "by need (elderly, unkept)", "zh": "按需求分配（老年户、无物业户）"},
        "performance": {"en": "awards for performance", "zh": "以奖代补"},
        "listed": {"en": "by listed shares", "zh": "按列明份额分配"},
        "tiers": {"en": "by size tiers", "zh": "按规模档次分配"},
    },
}
"""Words of each value of the ``choice`` levers (the rules of :class:`cogov.sim.street.config.StreetFunds`)."""

STREET_LEVER_HELP: dict[str, dict[str, str]] = {
    "street.whistle.enabled": {
        "en": "The street blows the whistle on its communities' street-level matters raised through 12345, and the "
              "departments report: their street hours go first to whistled matters, wherever they wait (§9.8).",
        "zh": "街道吹哨、部门报到：各社区经 12345 反映、需街道层级处理的事项由街道“吹哨”，部门的街道工时优先用于"
              "这些事项，无论其在哪个社区（§9.8）。"},
    "street.funds.allocation": {
        "en": "How the street shares its funds among its communities: each keeps its own, equal shares, by households, "
              "by need, or part as yearly awards to the best appraised (以奖代补); funds buy hours as in a community "
              "(§9.8).",
        "zh": "街道在各社区之间分配经费的方式：各社区自有、平均、按户数、按需求，或部分作为年度奖励给考核最好的社区"
              "（以奖代补）；经费在社区内同样用于购买工作时间（§9.8）。"},
    "street.appraisal.street_weight": {
        "en": "The street's weight in the appraisal of district departments: the higher it is, the larger the share "
              "of their hours given to the street's matters (Yuexiu: 3 % → 25 %; §9.8).",
        "zh": "街道在区职能部门考核中的权重：权重越高，部门用于街道事项的工时比例越大（越秀：3% → 25%；§9.8）。"},
}
"""What each street lever does, for the page's "About" panel in street mode."""

CHART_METRICS: tuple[str, ...] = outcome_names(view="classroom")
"""Daily outcomes charted live: those the outcome registry (:mod:`cogov.sim.outcomes.registry`) puts in the
``classroom`` view, with their names, units and typical ranges from there."""

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Community co-governance — classroom", "zh": "社区多方共治 · 课堂演示"},
    "language": {"en": "中文", "zh": "English"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "run": {"en": "Run", "zh": "运行"},
    "step": {"en": "Step", "zh": "单步"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Days per step", "zh": "每步天数"},
    "seed": {"en": "Random seed (same seed: same community and issues)", "zh": "随机种子（相同种子：相同社区与问题）"},
    "levers": {"en": "Levers", "zh": "政策杠杆"},
    "scenario_values": {"en": "Back to the scenario's values", "zh": "恢复情景原设置"},
    "day": {"en": "Day {day} of {days}", "zh": "第 {day} 天（共 {days} 天）"},
    "finished": {"en": "end of the run", "zh": "运行结束"},
    "pending": {"en": "Settings changed: press Reset to start again with them.",
                "zh": "设置已更改：按“重置”后按新设置重新开始。"},
    "changed": {"en": "Changed from the scenario: {items}", "zh": "相对情景的更改：{items}"},
    "unchanged": {"en": "Levers as in the scenario file.", "zh": "政策杠杆与情景文件一致。"},
    "previous": {"en": "previous run", "zh": "上一次运行"},
    "previous_none": {"en": "previous run (after a Reset)", "zh": "上一次运行（重置后显示）"},
    "current": {"en": "this run", "zh": "本次运行"},
    "map_alt": {"en": "Community map", "zh": "社区地图"},
    "charts_alt": {"en": "Charts over time", "zh": "指标变化图"},
    "issues_found": {"en": "Issue being handled", "zh": "办理中的问题"},
    "issues_agreement": {"en": "Issue awaiting owners' and company's agreement", "zh": "待业主与物业协商一致的问题"},
    "issues_latent": {"en": "Issue not yet found", "zh": "尚未发现的问题"},
    "map_title": {"en": "Satisfaction by building, day {day}", "zh": "各楼栋居民满意度（第 {day} 天）"},
    "charts_title": {"en": "{scenario}: day {day}", "zh": "{scenario}：第 {day} 天"},
    "legend_title": {"en": "Lines", "zh": "图例"},
    # a street (cogov animate on a street file)
    "street_map_title": {"en": "{street}: satisfaction by building, day {day}",
                         "zh": "{street}：各社区各楼栋居民满意度（第 {day} 天）"},
    "street_panel_title": {"en": "{name}: {value}", "zh": "{name}：{value}"},
    "street_map_caption": {"en": "Panel titles: {metric} today · outlined in red: {selected}",
                           "zh": "小图标题：当天的{metric} · 红框：{selected}"},
    "street_mean": {"en": "street mean (weighted by households)", "zh": "街道均值（按户数加权）"},
    "street_other_communities": {"en": "other communities", "zh": "其他社区"},
    "street_gap_title": {"en": "Gap across communities: {metric}", "zh": "社区间差距：{metric}"},
    # the page's street mode (a street chosen in the scenario menu)
    "street_title": {"en": "Street: {name} — {title}", "zh": "街道：{name} — {title}"},
    "street_how": {"en": "A street of communities under one street office and the district departments: the map shows "
                         "every community on one colour scale, the chart the street's mean and the gap across them. "
                         "Choose the community to follow under the map (or click its map). The whistle and the "
                         "appraisal weight act from the next day, even while the street plays; how the street shares "
                         "its funds (a year's budget) takes effect at Reset.",
                   "zh": "由若干社区组成的街道，同属一个街道办事处，由区职能部门服务：地图以同一色标显示各社区，图表显示街道均值"
                         "和社区间差距。在地图下方选择要跟踪的社区（或点击其小图）。吹哨与考核权重次日起生效（播放中亦可调整）；"
                         "资金分配方式（年度预算）在“重置”后生效。"},
    "street_off": {"en": "In street mode the community levers and the comparison of runs are off: each community keeps "
                         "its own scenario's levers. Choose a community scenario above to return to them.",
                   "zh": "街道模式下不提供社区杠杆和多次运行的比较：各社区沿用其情景的设置。在上方选择社区情景即可返回。"},
    "street_levers": {"en": "Street levers", "zh": "街道杠杆"},
    "streets_header": {"en": "Streets of several communities", "zh": "由多个社区组成的街道"},
    "street_community": {"en": "Community to follow", "zh": "跟踪的社区"},
    "street_metric": {"en": "Charted outcome", "zh": "图表指标"},
    "street_monitor_mean": {"en": "{label} (street mean)", "zh": "{label}（街道均值）"},
    "street_monitor_total": {"en": "{label} (all communities)", "zh": "{label}（全部社区）"},
    "street_monitor_today": {"en": "today; {value:,.0f} so far", "zh": "当天；累计 {value:,.0f}"},
    "street_community_line": {"en": "{name}: {households:,} households · {funds}",
                              "zh": "{name}：{households:,} 户 · {funds}"},
    "street_funds_own": {"en": "its own funds", "zh": "自有经费"},
    "street_funds_year": {"en": "funds this year {cny:,.0f} CNY", "zh": "本年经费 {cny:,.0f} 元"},
    "street_map_hint": {"en": "Click a community's map to follow it.", "zh": "点击社区小图可跟踪该社区。"},
    "street_label": {"en": "{street}: {what}", "zh": "{street}：{what}"},
    "street_unchanged": {"en": "Street levers as in the street file.", "zh": "街道杠杆与街道文件一致。"},
    "street_changed": {"en": "Changed from the street file: {items}", "zh": "相对街道文件的更改：{items}"},
    "street_as_file": {"en": "street levers as in the file", "zh": "街道杠杆同文件设置"},
    "street_export_csv": {"en": "Street's data (CSV)", "zh": "街道数据（CSV）"},
    "busy_street": {"en": "Loading the street…", "zh": "正在加载街道…"},
    "busy_community": {"en": "Following another community…", "zh": "正在切换社区…"},
    "busy_back": {"en": "Back to the community…", "zh": "正在返回社区…"},
    "about_street": {"en": "The street (street mode) and its levers", "zh": "街道（街道模式）及其杠杆"},
    "error": {"en": "Could not build the model: {error}", "zh": "无法建立模型：{error}"},
    "not_offered": {"en": "That scenario is not offered on this page.", "zh": "本页面不提供该情景。"},
    "how": {"en": "Predict first, then press Play. Levers take effect at Reset; each run so far stays on the charts as "
                  "a dashed line of its own colour (up to six), and the map shows each building's change from the "
                  "previous run.",
            "zh": "先预测，再按“播放”。政策杠杆在“重置”后生效；此前的每次运行以各自颜色的虚线保留在图中（最多六次），"
                  "地图显示各楼栋相对上一次运行的变化。"},
    # the issues on the map, counted (legend and the line under the map)
    "issue_count": {"en": "{label}: {n}", "zh": "{label}：{n}"},
    "issues_agreement_count": {"en": "Awaiting agreement: {n} ({stalled} stalled)",
                               "zh": "待协商一致：{n}（僵持 {stalled}）"},
    "issues_line": {"en": "Open issues: {found} being handled · {agreement} awaiting agreement ({stalled} stalled "
                          "{days}+ days) · {latent} not yet found",
                    "zh": "未办结问题：办理中 {found} · 待协商一致 {agreement}（僵持 {days} 天以上 {stalled}）"
                          " · 尚未发现 {latent}"},
    # map colours
    "map_change_title": {"en": "Change in satisfaction from {run}, day {day}",
                         "zh": "各楼栋满意度相对{run}的变化（第 {day} 天）"},
    "map_change_bar": {"en": "Change in mean satisfaction on the same day", "zh": "同一天平均满意度的变化"},
    "map_colours": {"en": "Map colours", "zh": "地图颜色"},
    "map_mode_previous": {"en": "Change from the previous run", "zh": "相对上一次运行的变化"},
    "map_mode_level": {"en": "Satisfaction (level)", "zh": "满意度（水平）"},
    "map_mode_run": {"en": "Change from run {n}", "zh": "相对第 {n} 次运行的变化"},
    "map_note_no_reference": {"en": "No earlier run of this community yet: showing the level.",
                              "zh": "本社区尚无此前的运行：显示满意度水平。"},
    "map_note_ended": {"en": "Run {n} ended on day {day}: nothing to compare with (grey).",
                       "zh": "第 {n} 次运行在第 {day} 天结束，此后无可比较（灰色）。"},
    # runs
    "run_n": {"en": "Run {n}", "zh": "第 {n} 次运行"},
    "this_run_suffix": {"en": " (this run)", "zh": "（本次）"},
    "run_label": {"en": "{name}: {what}", "zh": "{name}：{what}"},
    "as_scenario": {"en": "levers as in the scenario", "zh": "杠杆同情景设置"},
    "seed_short": {"en": "seed {seed}", "zh": "种子 {seed}"},
    "change_from_day": {"en": "from day {day}: {name} {old} → {new}", "zh": "第 {day} 天起：{name} {old} → {new}"},
    "runs": {"en": "Runs on the charts", "zh": "图中的运行"},
    "runs_none": {"en": "Earlier runs appear here after a Reset (the last six are kept).",
                  "zh": "重置后，此前的运行列在这里（保留最近六次）。"},
    "export_csv": {"en": "Charts' data (CSV)", "zh": "图表数据（CSV）"},
    "export_png": {"en": "This view (PNG)", "zh": "当前画面（PNG）"},
    # monitors
    "mean_so_far": {"en": "mean so far {value:.0f}", "zh": "至今平均 {value:.0f}"},
    "monitors_hint": {"en": "Click a number to show or hide its chart.", "zh": "点击数字可显示或隐藏对应图表。"},
    # run until day N, busy
    "until": {"en": "Run until day", "zh": "运行到第几天"},
    "busy_reset": {"en": "Starting again…", "zh": "正在重新开始…"},
    "busy_lang": {"en": "Switching language…", "zh": "正在切换语言…"},
    "busy_scenario": {"en": "Loading the scenario…", "zh": "正在加载情景…"},
    "busy_step": {"en": "Stepping…", "zh": "正在推进…"},
    "busy_map": {"en": "Recolouring the map…", "zh": "正在重绘地图…"},
    "busy_runs": {"en": "Redrawing the charts…", "zh": "正在重绘图表…"},
    "busy_levers": {"en": "Restoring the levers…", "zh": "正在恢复杠杆设置…"},
    "levers_toggle": {"en": "Levers", "zh": "杠杆"},
    "settings": {"en": "Scenario and seed", "zh": "情景与随机种子"},
    # inspecting a building
    "inspect_hint": {"en": "Click a building on the map to inspect it.", "zh": "点击地图上的楼栋可查看其状态。"},
    "inspect_title": {"en": "Building {building} (compound {compound}, grid {grid})",
                      "zh": "楼栋 {building}（小区 {compound}，网格 {grid}）"},
    "inspect_households": {"en": "{n} households · mean satisfaction {satisfaction:.3f} · mean trust {trust:.3f}",
                           "zh": "{n} 户 · 平均满意度 {satisfaction:.3f} · 平均信任度 {trust:.3f}"},
    "inspect_change": {"en": "Change from the compared run: {change:+.3f}", "zh": "相对比较运行的变化：{change:+.3f}"},
    "inspect_issues": {"en": "Open issues: {found} being handled, {agreement} awaiting agreement ({stalled} stalled), "
                             "{latent} not yet found",
                       "zh": "未办结问题：办理中 {found} 件，待协商一致 {agreement} 件（僵持 {stalled} 件），"
                             "尚未发现 {latent} 件"},
    "inspect_no_org": {"en": "No organisation in this building.", "zh": "本楼栋没有组织驻点。"},
    "org_company": {"en": "service quality {quality:.2f}, {stars} stars, fees collected {collection:.0%}",
                    "zh": "服务质量 {quality:.2f}，{stars} 星，物业费收缴率 {collection:.0%}"},
    "org_company_party": {"en": ", has a party organisation", "zh": "，建有党组织"},
    "org_committee": {"en": "activeness {activeness:.2f}", "zh": "活跃度 {activeness:.2f}"},
    "org_social": {"en": "{cases} cases finished, evaluation {evaluation}", "zh": "已办结 {cases} 件，评价 {evaluation}"},
    "org_unit": {"en": "commitment {commitment:.2f}, asked this month: {engaged}",
                 "zh": "投入度 {commitment:.2f}，本月已对接：{engaged}"},
    "org_grid_worker": {"en": "grid {grid}", "zh": "网格 {grid}"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "close": {"en": "Close", "zh": "关闭"},
    # about
    "about": {"en": "About", "zh": "说明"},
    "about_title": {"en": "About the model: what it is and why things happen",
                    "zh": "关于模型：它是什么，现象为何发生"},
    "about_intro": {"en": "An agent-based model of one urban community in China (2,000 households in the default), "
                          "governed by many parties together: the community party organisation and residents' "
                          "committee, grid workers, property companies, owners' committees, social organisations, "
                          "co-building units and volunteers. Every day issues arise in households; someone has to "
                          "find them, take them up and fix them, and collective repairs need owners and company to "
                          "agree. How well and how fast that happens moves residents' satisfaction and trust, which "
                          "feed back into reporting, volunteering and the party organisations' strength. Each "
                          "mechanism is described, with its sources, in docs/ODD.md (section numbers below).",
                    "zh": "这是一个关于中国城市社区多方共治的主体建模（默认 2,000 户）：社区党组织与居委会、网格员、物业公司、"
                          "业主委员会、社会组织、共建单位和志愿者共同治理。每天都有住户产生问题，需要有人发现、受理和解决；"
                          "集体维修还需要业主与物业达成一致。问题解决得好不好、快不快，影响居民的满意度和信任度，"
                          "进而影响报事、志愿参与和党组织的组织力。每个机制及其依据见 docs/ODD.md（下文标注章节号）。"},
    "about_reading": {"en": "Reading the page: the same seed gives the same community and the same issues, so a "
                            "difference between two runs comes from the levers. Charts: this run (solid blue) over "
                            "earlier runs (dashed); a dotted vertical line marks a lever changed during a run. Map: "
                            "each building's change in mean satisfaction from the previous run on the same day "
                            "(purple higher, orange lower, white unchanged), or its level; dots are open issues. "
                            "Click a building to see its state.",
                      "zh": "如何阅读页面：相同的随机种子给出相同的社区和相同的问题，因此两次运行的差别来自政策杠杆。图表："
                            "本次运行（蓝色实线）叠加此前的运行（虚线）；竖直点线标出运行中调整杠杆的日期。地图：各楼栋"
                            "平均满意度相对上一次运行同一天的变化（紫色更高，橙色更低，白色不变），或满意度水平；圆点为未办结"
                            "问题。点击楼栋可查看其状态。"},
    "about_levers": {"en": "What each lever does, and through which mechanism", "zh": "各政策杠杆的作用及其机制"},
    "about_built": {"en": "Built with Mesa and Solara. Numbers in the classroom guide: docs/classroom.md.",
                    "zh": "基于 Mesa 与 Solara 构建。课堂演示中的数字见 docs/classroom.md。"},
}
"""Every other word on the page and in ``cogov animate``."""


def text(key: str, lang: str, **fields: Any) -> str:
    """UI text ``key`` in ``lang`` (``en`` or ``zh``) with ``fields`` filled in."""
    return TEXT[key][lang].format(**fields)


def _get(config: Any, path: str) -> Any:
    return functools.reduce(getattr, path.split("."), config)


def lever_values(config: Any, levers: tuple[Lever, ...] = LEVERS) -> dict[str, bool | int | float | str]:
    """Current value of every lever of ``levers`` in ``config`` (a scenario as loaded; a street's config for
    :data:`STREET_LEVERS`)."""
    return {lever.path: lever.coerce(_get(config, lever.path)) for lever in levers}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def lever_overrides(values: dict[str, Any], config: Any,
                    levers: tuple[Lever, ...] = LEVERS) -> dict[str, bool | int | float | str]:
    """The page's lever ``values`` that differ from ``config``, as ``CommunityModel`` overrides by key path (for
    :data:`STREET_LEVERS`, as :func:`~cogov.sim.street.load.apply_street_overrides` takes them).

    Unknown paths raise ``KeyError`` (a typo in the page must not be silently ignored).
    """
    base = lever_values(config, levers)
    by_path = {lever.path: lever for lever in levers}
    overrides: dict[str, bool | int | float | str] = {}
    for path, value in values.items():
        lever = by_path[path]
        value = lever.coerce(value)
        if not _same(value, base[path]):
            overrides[path] = value
    return overrides


def format_value(lever: Lever, value: Any, lang: str) -> str:
    """A lever's value in words (switches: on/off in the language; menus: the chosen value's words)."""
    if lever.kind == "choice":
        return CHOICE_TEXT[lever.path][str(value)][lang]
    if lever.kind == "switch":
        return ({"en": "on", "zh": "开"} if value else {"en": "off", "zh": "关"})[lang]
    if lever.kind == "int":
        return f"{int(value):,}"
    return f"{float(value):g}"


def override_items(overrides: dict[str, Any], config: Any, lang: str, levers: tuple[Lever, ...] = LEVERS) -> str:
    """The levers that differ from the scenario, as ``name old → new`` joined in ``lang``."""
    base = lever_values(config, levers)
    by_path = {lever.path: lever for lever in levers}
    items = []
    for path, value in overrides.items():
        lever = by_path[path]
        items.append(f"{lever.name(lang)} {format_value(lever, base[path], lang)} → {format_value(lever, value, lang)}")
    return ("；" if lang == "zh" else "; ").join(items)


def describe_overrides(overrides: dict[str, Any], config: ScenarioConfig, lang: str) -> str:
    """One sentence saying which levers differ from the scenario, e.g. ``Changed …: burden 0.8 → 0.5``."""
    if not overrides:
        return text("unchanged", lang)
    return text("changed", lang, items=override_items(overrides, config, lang))


@functools.cache
def scenario_titles() -> dict[str, dict[str, str]]:
    """Title of every built-in scenario in both languages, from the first line of its file
    (``# English title — 中文标题``, :func:`cogov.sim.scenario.file_title`); the name itself where a file has
    no such line."""
    return {name: file_title(builtin_dir() / f"{name}.toml") or {"en": name, "zh": name} for name in builtin_names()}


STREET_PREFIX = "street:"
"""The scenario menu's value of a built-in street is its name after this prefix (a street and a community scenario
may share a name)."""


@functools.cache
def street_titles() -> dict[str, dict[str, str]]:
    """The built-in streets the page offers, by menu value (``street:<name>``), with their titles in both languages
    (the file's first line): every built-in street whose communities share a street level (a batch of independent
    communities, ``shared = false``, is replicates, not a street to show)."""
    titles = {}
    for path in sorted((builtin_dir() / STREETS_FOLDER).glob("*.toml")):
        if read_toml(path).get("street", {}).get("shared", True) is False:
            continue
        titles[STREET_PREFIX + path.stem] = file_title(path) or {"en": path.stem, "zh": path.stem}
    return titles


STARTED_WITH = "COGOV_VIZ_SCENARIO"
"""The environment variable through which ``cogov viz`` names the scenario or street the page starts with."""


def offered_streets() -> dict[str, dict[str, str]]:
    """The streets the page offers, by menu value, with their titles: the street file ``cogov viz`` was started with
    (``street:<its absolute path>``, from :data:`STARTED_WITH`), first, then the built-in ones (:func:`street_titles`).
    Nothing else can be loaded as a street: a value sent by a browser is only looked up here."""
    streets = street_titles()
    started = os.environ.get(STARTED_WITH, "")
    if not started.startswith(STREET_PREFIX) or started in streets:
        return streets
    path = Path(started.removeprefix(STREET_PREFIX))
    return {started: file_title(path) or {"en": path.name, "zh": path.name}, **streets}


def scenario_title(name: str, lang: str) -> str:
    """Display name of a scenario: its title with the name, ``Street: <name> — <title>`` for a built-in street, or
    the file name for a scenario file."""
    titles = scenario_titles()
    if name in titles:
        return f"{name} — {titles[name][lang]}"
    streets = offered_streets()
    if name in streets:  # a built-in street by its name, a file of one's own by its file name
        return text("street_title", lang, name=Path(name.removeprefix(STREET_PREFIX)).name, title=streets[name][lang])
    return Path(name).name

"""Human-readable names and units of every scenario parameter, in English and Chinese.

Scenario parameters are addressed by key paths such as ``levers.funding.annual_cny`` (see
:func:`cogov.sim.scenario.parameter_paths`). Those paths are precise but unreadable for people outside the
code: this module gives each one a short name and the unit the model uses, so that figures, reports
and the classroom interface (one slider per parameter) can show "Annual community funding (CNY per
year)" or "社区年度经费（元/年）" instead. Names are short enough for a slider label or a table column
and unique within each language, so two controls never share a label. Chinese names use the policy
terms of the source documents (``../shared/design/seed-digest.md``): 红色物业, 交叉任职, 大党委,
三方联动, 积分制, 街乡吹哨、部门报到, 费随事转, 准入制度 and so on.

Units follow the model's own scale (``sim/config.py``): ``share 0-1`` for shares of a whole,
``probability 0-1`` for chances, ``score 0-1`` for resident scores, ``logit`` for coefficients of the
logit choices, and an empty unit for on/off switches and dimensionless coefficients.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("en", "zh")
"""Languages of :data:`PARAMETER_LABELS`."""

# Units shared by many parameters: (English, Chinese).
_NONE = ("", "")
_SHARE = ("share 0-1", "比例 0-1")
_PROB = ("probability 0-1", "概率 0-1")
_SCORE = ("score 0-1", "0-1 分")
_QUALITY = ("quality 0-1", "质量 0-1")
_OPINION = ("opinion distance 0-1", "观点距离 0-1")
_LOGIT = ("logit", "logit")
_DAYS = ("days", "天")
_HOURS_PER_DAY = ("hours per day", "小时/天")
_CNY_PER_HOUR = ("CNY per hour", "元/小时")
_PER_DAY = ("share per day", "比例/天")
_PER_EPISODE = ("share per evaluated episode", "比例/次")
_MULTIPLIER = ("×", "倍")
_WEIGHT = ("relative weight", "相对权重")
_EFFORT = ("person-hours, median", "工时，中位数")
_PERSONS = ("persons", "人")
_CONC = ("Beta concentration", "Beta 集中度")

COMPOUND_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "commercial": ("commercial", "商品房小区"),
    "affordable": ("affordable", "保障房小区"),
    "reform": ("reform-housing", "房改房小区"),
    "work_unit": ("work-unit", "单位小区"),
    "three_no": ("three-no", "三无小区"),
}
"""Compound (小区) types of seed 004/8: short English adjective and Chinese name."""

_CATEGORIES: dict[str, tuple[str, str]] = {
    "property_maintenance": ("property maintenance", "物业维修"),
    "environment": ("environment", "环境卫生"),
    "parking": ("parking", "停车"),
    "care": ("care", "照料服务"),
    "dispute": ("dispute", "邻里纠纷"),
    "safety": ("safety", "安全"),
}
"""Issue categories: English and Chinese names."""


def _entry(en: str, zh: str, unit: tuple[str, str]) -> dict[str, tuple[str, str]]:
    return {"en": (en, unit[0]), "zh": (zh, unit[1])}


def _by_compound_type(prefix: str, en: str, zh: str, unit: tuple[str, str]) -> dict[str, dict[str, tuple[str, str]]]:
    """One entry per compound type; ``en``/``zh`` hold ``{type}`` for the type's name."""
    return {f"{prefix}.{key}": _entry(en.format(type=t_en), zh.format(type=t_zh), unit)
            for key, (t_en, t_zh) in COMPOUND_TYPE_LABELS.items()}


def _by_category(prefix: str, en: str, zh: str, unit: tuple[str, str]) -> dict[str, dict[str, tuple[str, str]]]:
    """One entry per issue category; ``en``/``zh`` hold ``{cat}`` for the category's name."""
    return {f"{prefix}.{key}": _entry(en.format(cat=c_en), zh.format(cat=c_zh), unit)
            for key, (c_en, c_zh) in _CATEGORIES.items()}


PARAMETER_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # ------------------------------------------------------------------ simulation
    "simulation.days": _entry("Simulation length", "模拟时长", _DAYS),
    # ------------------------------------------------------------------ community
    "community.households": _entry("Households in the community", "社区住户数", ("households", "户")),
    "community.households_per_building": _entry("Households per building", "每栋楼住户数", ("households", "户")),
    "community.households_per_compound": _entry("Mean households per compound", "小区平均住户数", ("households", "户")),
    "community.households_per_grid": _entry("Households per grid", "每网格住户数", ("households", "户")),
    **_by_compound_type("community.compound_mix", "Share of {type} compounds", "{type}占比", _SHARE),
    **_by_compound_type("community.property_management", "Property company rate: {type}", "物业覆盖率：{type}",
                        _PROB),
    **_by_compound_type("community.owners_committee", "Owners' committee rate: {type}", "业委会组建率：{type}",
                        _PROB),
    **_by_compound_type("community.party_branch", "Party branch rate: {type}", "党支部覆盖率：{type}", _PROB),
    "community.property_party_organisation": _entry("Party organisation in property companies",
                                                    "物业企业党组织覆盖率", _SHARE),
    "community.social_organisations": _entry("Social organisations", "社会组织数量", ("organisations", "个")),
    "community.co_building_units": _entry("Co-building units", "共建单位数量", ("units", "个")),
    "community.community_staff": _entry("Community workers", "社区工作者人数", _PERSONS),
    # ------------------------------------------------------------------ population
    "population.age_mix.young": _entry("Share of young households", "青年住户占比", _SHARE),
    "population.age_mix.middle": _entry("Share of middle-aged households", "中年住户占比", _SHARE),
    "population.age_mix.elderly": _entry("Share of elderly households", "老年住户占比", _SHARE),
    "population.owner_share": _entry("Share of owner-occupiers", "业主自住户占比", _SHARE),
    "population.party_member_share": _entry("Households with a party member", "党员户占比", _SHARE),
    "population.party_member_types.in_service": _entry("Share of in-service party members", "在职党员占比", _SHARE),
    "population.party_member_types.retired": _entry("Share of retired party members", "离退休党员占比", _SHARE),
    "population.party_member_types.mobile": _entry("Share of mobile party members", "流动党员占比", _SHARE),
    "population.registered_volunteer_share": _entry("Households with a registered volunteer", "注册志愿者户占比",
                                                    _SHARE),
    "population.cooperator_mix.conditional": _entry("Share of conditional cooperators", "条件合作者占比", _SHARE),
    "population.cooperator_mix.free_rider": _entry("Share of free riders", "搭便车者占比", _SHARE),
    "population.cooperator_mix.altruist": _entry("Share of altruists", "利他者占比", _SHARE),
    "population.tie_strength_mean": _entry("Mean neighbourly tie strength", "邻里关系强度均值", _SCORE),
    "population.tie_strength_concentration": _entry("Concentration of tie strength", "邻里关系强度集中度", _CONC),
    "population.motivation_mean.conditional": _entry("Initial motivation, conditional coop.", "条件合作者初始动机", _SCORE),
    "population.motivation_mean.free_rider": _entry("Initial motivation, free riders", "搭便车者初始动机", _SCORE),
    "population.motivation_mean.altruist": _entry("Initial motivation, altruists", "利他者初始动机", _SCORE),
    "population.vulnerable_share.young": _entry("Vulnerable young households", "青年困难家庭占比", _SHARE),
    "population.vulnerable_share.middle": _entry("Vulnerable middle-aged households", "中年困难家庭占比", _SHARE),
    "population.vulnerable_share.elderly": _entry("Vulnerable elderly households", "老年困难家庭占比", _SHARE),
    "population.motivation_concentration": _entry("Concentration of initial motivation", "初始动机集中度", _CONC),
    # ------------------------------------------------------------------ issues
    "issues.rate_per_household_year": _entry("Issue rate per household", "每户年均问题数",
                                             ("issues per household per year", "件/户·年")),
    **_by_compound_type("issues.rate_by_compound_type", "Issue rate multiplier: {type}", "问题发生倍数：{type}",
                        _MULTIPLIER),
    **_by_category("issues.category_weights", "Issue mix weight: {cat}", "问题类别权重：{cat}", _WEIGHT),
    **_by_category("issues.effort_hours", "Work per issue: {cat}", "单件工时：{cat}", _EFFORT),
    "issues.effort_sigma": _entry("Spread of work per issue", "单件工时离散度", ("log-sd", "对数标准差")),
    "issues.collective_share": _entry("Share of collective issues", "集体性问题比例", _SHARE),
    "issues.severity_mean": _entry("Mean issue severity", "问题严重程度均值", _SCORE),
    "issues.severity_concentration": _entry("Spread of severity (Beta concentration)", "问题严重程度集中度", _CONC),
    "issues.effort_severity_base": _entry("Effort base added to severity", "工作量严重程度基数", _NONE),
    "issues.time_limit_days": _entry("Time limit for closing an issue", "限时办结时限", _DAYS),
    # ------------------------------------------------------------------ behaviour.satisfaction
    "behaviour.satisfaction.intercept": _entry("Satisfaction intercept a", "满意度截距 a", _NONE),
    "behaviour.satisfaction.performance": _entry("Satisfaction weight: performance b", "满意度系数：感知绩效 b", _NONE),
    "behaviour.satisfaction.disconfirmation": _entry("Satisfaction weight: disconfirmation c",
                                                     "满意度系数：期望落差 c", _NONE),
    "behaviour.satisfaction.expectation_rate": _entry("Expectation update rate λ", "期望更新速率 λ", _PER_EPISODE),
    "behaviour.satisfaction.outcome_weight": _entry("Outcome weight in performance", "绩效中结果权重", _SHARE),
    "behaviour.satisfaction.timeliness_days": _entry("Timeliness decay time", "及时性衰减时间",
                                                    ("days to fall to 1/e", "天，降至 1/e")),
    "behaviour.satisfaction.update_rate": _entry("Satisfaction update rate", "满意度更新速率", _PER_EPISODE),
    "behaviour.satisfaction.open_issue_drag": _entry("Satisfaction drag of an open issue", "未办结问题满意度拖累",
                                                     ("score per day per unit severity", "分/天/单位严重度")),
    "behaviour.satisfaction.collective_drag_share": _entry("Compound-wide share of collective drag",
                                                           "集体问题全小区拖累比例", _SHARE),
    "behaviour.satisfaction.recovery_rate": _entry("Satisfaction recovery rate", "满意度恢复速率", _PER_DAY),
    "behaviour.satisfaction.initial_mean": _entry("Mean initial satisfaction", "初始满意度均值", _SCORE),
    "behaviour.satisfaction.initial_expectation": _entry("Mean initial expectation", "初始期望均值", _SCORE),
    "behaviour.satisfaction.initial_concentration": _entry("Concentration of initial satisfaction",
                                                           "初始满意度集中度", _CONC),
    "behaviour.satisfaction.drag_after_days": _entry("Age at which open issues drag",
                                                     "未办结问题影响满意度起始天数", _DAYS),
    # ------------------------------------------------------------------ behaviour.trust
    "behaviour.trust.up_rate": _entry("Trust update rate: better experience", "信任上调速率",
                                      ("share per experience", "比例/次")),
    "behaviour.trust.down_rate": _entry("Trust update rate: worse experience", "信任下调速率",
                                        ("share per experience", "比例/次")),
    "behaviour.trust.initial_mean": _entry("Mean initial trust", "初始信任均值", _SCORE),
    "behaviour.trust.initial_concentration": _entry("Concentration of initial trust", "初始信任集中度", _CONC),
    # ------------------------------------------------------------------ behaviour.participation
    "behaviour.participation.volunteer_intercept": _entry("Volunteering intercept", "志愿服务截距", _LOGIT),
    "behaviour.participation.volunteer_motivation": _entry("Volunteering weight: motivation", "志愿权重：内在动机",
                                                           _LOGIT),
    "behaviour.participation.volunteer_reward": _entry("Volunteering weight: reward", "志愿权重：积分奖励", _LOGIT),
    "behaviour.participation.volunteer_image": _entry("Volunteering weight: public image", "志愿权重：公开排名",
                                                      _LOGIT),
    "behaviour.participation.volunteer_social": _entry("Volunteering weight: neighbours' example",
                                                       "志愿权重：邻里带动", _LOGIT),
    "behaviour.participation.volunteer_employer_feedback": _entry("Volunteering weight: employer feedback",
                                                                  "志愿权重：单位反馈", _LOGIT),
    "behaviour.participation.volunteer_min_hours": _entry("Volunteering weight: minimum-hours duty",
                                                          "志愿权重：最低时长要求", _LOGIT),
    "behaviour.participation.time_cost.none": _entry("Time cost: non-member", "时间成本：非党员", _LOGIT),
    "behaviour.participation.time_cost.in_service": _entry("Time cost: in-service party member",
                                                           "时间成本：在职党员", _LOGIT),
    "behaviour.participation.time_cost.retired": _entry("Time cost: retired party member", "时间成本：离退休党员",
                                                        _LOGIT),
    "behaviour.participation.time_cost.mobile": _entry("Time cost: mobile party member", "时间成本：流动党员",
                                                       _LOGIT),
    "behaviour.participation.session_hours": _entry("Length of a volunteering session", "单次志愿服务时长",
                                                    ("hours", "小时")),
    "behaviour.participation.report_intercept": _entry("Reporting intercept", "反映问题截距", _LOGIT),
    "behaviour.participation.report_trust": _entry("Reporting weight: trust", "反映权重：信任", _LOGIT),
    "behaviour.participation.report_severity": _entry("Reporting weight: severity", "反映权重：严重程度", _LOGIT),
    "behaviour.participation.report_ties": _entry("Reporting weight: neighbourly ties", "反映权重：邻里关系", _LOGIT),
    "behaviour.participation.report_hotline": _entry("Reporting boost from 12345 hotline", "反映权重：12345热线",
                                                     _LOGIT),
    "behaviour.participation.report_age_cost": _entry("Reporting cost by age group", "各年龄组反映成本",
                                                      ("logit: young, middle, elderly", "logit：青年、中年、老年")),
    # ------------------------------------------------------------------ behaviour.motivation
    "behaviour.motivation.learning_rate": _entry("Motivation learning rate", "动机学习速率",
                                                 ("score per session", "分/次服务")),
    "behaviour.motivation.crowding_out": _entry("Crowding-out by rewards", "奖励挤出效应强度", _NONE),
    "behaviour.motivation.feedback_boost": _entry("Crowding-in by feedback", "反馈激励效应强度", _NONE),
    "behaviour.motivation.unmonitored_decay": _entry("Motivation decay without monitoring", "无监督动机衰减",
                                                     ("score per day", "分/天")),
    "behaviour.motivation.conformity": _entry("Conformity pull on motivation", "动机从众拉力", _PER_DAY),
    "behaviour.motivation.reciprocity_share": _entry("Neighbour share for full reciprocity", "互惠饱和邻里参与比例",
                                                     _SHARE),
    "behaviour.motivation.influence_window_days": _entry("Window of neighbours' volunteering",
                                                         "邻里参与影响时间窗", _DAYS),
    "behaviour.motivation.reward_reference_cny": _entry("Reward at half salience", "奖励半显著参照值", _CNY_PER_HOUR),
    # ------------------------------------------------------------------ behaviour.grievance
    "behaviour.grievance.grievance_threshold": _entry("Grievance threshold for complaining", "投诉怨气阈值", _SCORE),
    "behaviour.grievance.risk_aversion": _entry("Risk aversion to complaining", "投诉风险规避系数", _NONE),
    "behaviour.grievance.complaint_cost": _entry("Perceived cost of calling 12345", "拨打12345感知成本", _SCORE),
    "behaviour.grievance.hardship_days": _entry("Hardship build-up time", "困扰累积时间", _DAYS),
    "behaviour.grievance.patience_days": _entry("Mean resident patience", "居民平均耐心", _DAYS),
    # ------------------------------------------------------------------ behaviour.bargaining
    "behaviour.bargaining.confidence": _entry("Bargaining confidence bound ε", "协商信任边界 ε", _OPINION),
    "behaviour.bargaining.convergence": _entry("Convergence per meeting μ", "每次会议趋同幅度 μ",
                                                 ("share 0-0.5", "比例 0-0.5")),
    "behaviour.bargaining.agreement_gap": _entry("Gap at which parties agree", "达成一致的分歧阈值", _OPINION),
    "behaviour.bargaining.souring": _entry("Gap widening after failed meeting", "协商失败分歧扩大", _OPINION),
    "behaviour.bargaining.initial_gap_mean": _entry("Mean initial owners-company gap", "业主物业初始分歧均值",
                                                      _OPINION),
    "behaviour.bargaining.initial_gap_concentration": _entry("Concentration of initial gaps",
                                                             "初始分歧集中度", _CONC),
    "behaviour.bargaining.stalemate_days": _entry("Days to stalemate on a collective issue", "集体事项僵局天数",
                                                    _DAYS),
    "behaviour.bargaining.committee_meeting_days": _entry("Owners' committee-company talk interval",
                                                            "业委会物业协商间隔", _DAYS),
    "behaviour.bargaining.reference_activeness": _entry("Reference committee activeness",
                                                        "基准会谈间隔对应的业委会活跃度", _SCORE),
    "behaviour.bargaining.assembly_meeting_days": _entry("Owners' meeting interval, no committee",
                                                           "无业委会业主议事间隔", _DAYS),
    # ------------------------------------------------------------------ service
    "service.work_hours_per_day": _entry("Working hours of a staff member", "工作人员工时", _HOURS_PER_DAY),
    "service.grid_worker_quality": _entry("Fix probability: grid", "解决概率：网格", _PROB),
    "service.community_quality": _entry("Fix probability: community", "解决概率：社区", _PROB),
    "service.unkept_recurrence": _entry("Fix comes back: compound unkept", "无人管理小区问题复发概率",
                                        _PROB),
    "service.unkept_recurrence_days": _entry("Days until an unkept fix comes back", "问题复发平均天数", _DAYS),
    "service.street_quality": _entry("Fix probability: street departments", "解决概率：街道部门", _PROB),
    "service.street_hours_per_day": _entry("Department hours for this community", "街道部门可用工时",
                                           _HOURS_PER_DAY),
    "service.property_staff_per_100_households": _entry("Property company staffing", "物业人员配备",
                                                        ("staff per 100 households", "人/百户")),
    "service.property_quality_range": _entry("Property company quality range", "物业公司质量区间",
                                             ("min-max, probability 0-1", "最小-最大，概率 0-1")),
    "service.social_org_quality_range": _entry("Social organisation quality range", "社会组织质量区间",
                                               ("min-max, probability 0-1", "最小-最大，概率 0-1")),
    "service.social_org_base_hours_per_day": _entry("Own hours of a social organisation", "社会组织自有服务时长",
                                                    _HOURS_PER_DAY),
    "service.volunteer_work_efficiency": _entry("Useful share of a volunteer hour", "志愿时间有效比例", _SHARE),
    "service.patrol_visits_per_hour": _entry("Patrol visit rate", "巡查入户速度", ("households per hour", "户/小时")),
    "service.patrol_detection": _entry("Detection per patrol visit", "入户走访发现概率", _PROB),
    "service.steward_detection": _entry("Building steward detection", "楼栋管家发现概率",
                                        ("probability per day", "概率/天")),
    "service.steward_share": _entry("Party-member buildings with a steward", "楼栋管家设置比例", _SHARE),
    "service.secretary_hours_per_day": _entry("Grid branch secretary's hours", "网格党支部书记每日投入", _HOURS_PER_DAY),
    "service.staff_hours_per_meeting": _entry("Staff hours per convened meeting", "每次召集会议占用的人员工时",
                                              ("staff hours per meeting", "工时/次")),
    "service.fee_collection_floor": _entry("Fee collection at zero satisfaction", "零满意度物业费收缴率", _SHARE),
    # ------------------------------------------------------------------ costs
    "costs.social_org_cny_per_hour": _entry("Price of purchased social-work hour", "购买社工服务单价", _CNY_PER_HOUR),
    "costs.part_time_grid_stipend_cny": _entry("Part-time grid worker stipend", "兼职网格员补贴",
                                               ("CNY per worker per year", "元/人·年")),
    "costs.part_time_hours_per_day": _entry("Hours of a paid part-timer", "有偿兼职网格员工时", _HOURS_PER_DAY),
    "costs.repair_cny_per_hour": _entry("Cost of a repair-work hour", "维修工时成本", _CNY_PER_HOUR),
    "costs.staff_cny_per_hour": _entry("Cost of a community-worker hour", "社区工作者工时成本", _CNY_PER_HOUR),
    "costs.staff_cny_per_year": _entry("Salary of a full-time worker", "专职人员年薪",
                                       ("CNY per worker per year", "元/人·年")),
    # ------------------------------------------------------------------ levers.funding
    "levers.funding.annual_cny": _entry("Annual community funding", "社区年度经费", ("CNY per year", "元/年")),
    "levers.funding.split.social_org": _entry("Funding share: social organisations", "经费占比：购买社会组织服务",
                                              _SHARE),
    "levers.funding.split.grid_staff": _entry("Funding share: part-time grid staff", "经费占比：网格员补贴", _SHARE),
    "levers.funding.split.repairs": _entry("Funding share: repairs", "经费占比：维修资金", _SHARE),
    "levers.funding.split.co_building": _entry("Funding share: co-building projects", "经费占比：共建项目", _SHARE),
    "levers.funding.split.fee_follows_task": _entry("Funding share: fees follow tasks", "经费占比：费随事转", _SHARE),
    # ------------------------------------------------------------------ levers.cross_appointment
    "levers.cross_appointment.party_owners_committee": _entry("Cross-appointment: owners' committee",
                                                              "交叉任职：业委会", _NONE),
    "levers.cross_appointment.party_property": _entry("Cross-appointment: red property", "交叉任职：红色物业", _NONE),
    "levers.cross_appointment.big_party_committee": _entry("Big party committee", "大党委兼职委员制", _NONE),
    # ------------------------------------------------------------------ levers.three_party_linkage
    "levers.three_party_linkage.enabled": _entry("Three-party linkage", "三方联动", _NONE),
    "levers.three_party_linkage.meeting_interval_days": _entry("Three-party meeting interval", "三方联席会议间隔",
                                                               _DAYS),
    # ------------------------------------------------------------------ levers.deliberation_council
    "levers.deliberation_council.enabled": _entry("Residents' deliberation council", "居民议事会协商议事", _NONE),
    "levers.deliberation_council.meeting_interval_days": _entry("Longest talk interval with a council",
                                                                "议事会最长会谈间隔", _DAYS),
    # ------------------------------------------------------------------ levers.lists_matching
    "levers.lists_matching.enabled": _entry("Resource and needs list matching", "三单制资源需求对接", _NONE),
    "levers.lists_matching.matched_efficiency": _entry("Useful co-building hours, matched", "对接后共建时间有效比例",
                                                       _SHARE),
    "levers.lists_matching.unmatched_efficiency": _entry("Useful co-building hours, unmatched",
                                                         "未对接共建时间有效比例", _SHARE),
    # ------------------------------------------------------------------ levers.volunteer_incentives
    "levers.volunteer_incentives.points_per_hour": _entry("Points earned for volunteering", "志愿服务积分",
                                                          ("points per hour", "分/小时")),
    "levers.volunteer_incentives.cny_per_point": _entry("Value of one point", "积分兑换价值", ("CNY per point", "元/分")),
    "levers.volunteer_incentives.public_ranking": _entry("Public ranking of points", "积分公开排名", _NONE),
    "levers.volunteer_incentives.employer_feedback": _entry("Service record sent to employer", "在职党员表现反馈单位",
                                                            _NONE),
    "levers.volunteer_incentives.min_hours_per_year": _entry("Minimum service hours per party member",
                                                             "党员年度最低服务时长", ("hours per year", "小时/年")),
    # ------------------------------------------------------------------ levers.grid
    "levers.grid.full_time_workers": _entry("Full-time grid workers per grid", "每网格专职网格员", _PERSONS),
    "levers.grid.part_time_workers": _entry("Unpaid part-timers per grid", "每网格无偿兼职人员", _PERSONS),
    "levers.grid.unpaid_part_time_hours_per_day": _entry("Hours of an unpaid part-timer", "无偿兼职人员工时",
                                                         _HOURS_PER_DAY),
    "levers.grid.patrol_share": _entry("Grid time spent patrolling", "网格巡查走访时间比例", _SHARE),
    "levers.grid.grid_first": _entry("Small matters stay in the grid", "小事不出网格", _NONE),
    # ------------------------------------------------------------------ levers.hotline
    "levers.hotline.enabled": _entry("12345 hotline", "12345热线接诉即办", _NONE),
    "levers.hotline.share_of_reports": _entry("Share of reports via 12345", "经12345反映比例", _SHARE),
    "levers.hotline.deadline_days": _entry("12345 hotline deadline", "12345热线办理时限", _DAYS),
    # ------------------------------------------------------------------ levers.escalation
    "levers.escalation.grid_days": _entry("Days in grid before escalation", "网格层级上报时限", _DAYS),
    "levers.escalation.community_days": _entry("Days at community before escalation", "社区层级上报时限", _DAYS),
    # ------------------------------------------------------------------ levers.whistle
    "levers.whistle.enabled": _entry("Street whistle, departments report", "街乡吹哨、部门报到", _NONE),
    "levers.whistle.capacity_multiplier": _entry("Department capacity under whistle", "吹哨时部门力量倍数",
                                                 _MULTIPLIER),
    # ------------------------------------------------------------------ levers.burden
    "levers.burden.admin_share": _entry("Staff time on top-down tasks", "行政事务占用时间比例", _SHARE),
    "levers.burden.access_list": _entry("Access list for pushed-down tasks", "社区事务准入制度", _NONE),
    "levers.burden.access_list_cut": _entry("Burden cut by access list", "准入制度减负比例", _SHARE),
    # ------------------------------------------------------------------ levers.property_rating
    "levers.property_rating.enabled": _entry("Property company star rating", "物业服务星级评定", _NONE),
    "levers.property_rating.review_interval_days": _entry("Star rating review interval", "星级评定间隔", _DAYS),
    "levers.property_rating.replace_below_stars": _entry("Strike at or below", "差评星级线", ("stars", "星")),
    "levers.property_rating.strikes_to_replace": _entry("Strikes before replacement", "更换物业所需差评次数",
                                                        ("consecutive reviews", "次，连续")),
    "levers.property_rating.improvement_per_review": _entry("Quality gain per rating review", "每次评定质量提升",
                                                            ("quality 0-1 per review", "质量 0-1/次")),
    "levers.property_rating.unrated_quality_drift": _entry("Quality loss of unrated companies", "未评定物业质量衰减",
                                                           ("quality 0-1 per day", "质量 0-1/天")),
    "levers.property_rating.star_scale": _entry("Stars per unit of satisfaction", "每单位满意度星级", ("stars", "星")),
    # ------------------------------------------------------------------ organisations
    "organisations.social.specialty_weights.care": _entry("Social orgs specialised in care", "照料类社会组织比例", _SHARE),
    "organisations.social.specialty_weights.dispute": _entry("Social orgs specialised in disputes",
                                                             "调解类社会组织比例", _SHARE),
    "organisations.social.specialty_weights.environment": _entry("Social orgs specialised in environment",
                                                                 "环境类社会组织比例", _SHARE),
    "organisations.social.second_specialty_probability": _entry("Chance of a second specialty", "第二专长概率", _PROB),
    "organisations.co_building.commitment_mean": _entry("Mean co-building commitment", "共建单位投入度均值", _SCORE),
    "organisations.co_building.commitment_concentration": _entry("Concentration of commitment",
                                                                 "共建单位投入度集中度", _CONC),
    "organisations.co_building.staff_hours_per_week": _entry("Staff hours a unit could give",
                                                             "共建单位可投入人力", ("hours per week, range", "小时/周，区间")),
    "organisations.co_building.money_cny_per_year": _entry("Co-building money a unit could give", "共建单位可投入资金",
                                                           ("CNY per year, range", "元/年，区间")),
    "organisations.co_building.venue_probability": _entry("Chance a unit has a venue", "共建单位有场地概率", _PROB),
    "organisations.co_building.people_share": _entry("Share given as people", "共建单位出人比例", _SHARE),
    "organisations.co_building.matching_gain_max": _entry("Largest gain from matching money",
                                                          "配套资金最大投入度提升", _SCORE),
    "organisations.co_building.matching_half_gain_cny": _entry("Matching money for half the gain", "半数提升所需配套资金",
                                                               ("CNY per year", "元/年")),
    "organisations.owners_committee.activeness_range": _entry("Owners' committee activeness range", "业委会活跃度区间",
                                                              ("score 0-1, range", "0-1 分，区间")),
    "organisations.property.update_interval_days": _entry("Days between fee and quality updates", "物业收费与质量更新间隔",
                                                          _DAYS),
    # ------------------------------------------------------------------ issue 11: strength, links
    "behaviour.bargaining.information_share": _entry("Informational share of a disagreement", "分歧中的信息不对称比例",
                                                     _SHARE),
    "behaviour.participation.volunteer_age_cost": _entry("Age cost of volunteering (y, m, o)",
                                                         "志愿服务年龄成本（青、中、老）", _LOGIT),
    "behaviour.satisfaction.disposition_weight": _entry("Disposition weight in satisfaction",
                                                        "满意度中个人倾向权重", _SHARE),
    "behaviour.satisfaction.word_of_mouth": _entry("Word of mouth from neighbours' cases", "口碑：邻居事件权重",
                                                   _SHARE),
    "behaviour.ties.decay_rate": _entry("Daily fading of neighbourly ties", "邻里关系日衰减", _PER_DAY),
    "costs.training_cny_per_session": _entry("Cost of a secretary's training session", "书记培训单次成本",
                                             ("CNY per session", "元/次")),
    "levers.party_building.training_days_per_year": _entry("Secretary training sessions", "书记培训次数",
                                                           ("sessions per year", "次/年")),
    "levers.party_building.performance_reward_cny": _entry("Reward per well-run branch", "运转良好支部奖补",
                                                           ("CNY per year", "元/年")),
    "levers.party_building.reward_threshold": _entry("Results that count as well-run", "奖补达标成效", _SCORE),
    "levers.mediation.enabled": _entry("Mediation committee (five olds)", "人民调解委员会（五老）", _NONE),
    "levers.mediation.mediators_per_100_households": _entry("Five-olds mediators", "五老调解员",
                                                            ("per 100 households", "人/百户")),
    "levers.mediation.hours_per_mediator_per_week": _entry("Hours per mediator", "调解员服务时长",
                                                           ("hours per week", "小时/周")),
    "levers.mediation.success_probability": _entry("Mediation success", "调解成功率", _PROB),
    "levers.mediation.notice_probability": _entry("Mediator notices a dispute", "调解员排查发现纠纷", _PER_DAY),
    "levers.mediation.max_wait_days": _entry("Longest queue a mediation team takes on", "调解小组受理上限",
                                             ("days of work", "天工作量")),
    "levers.mediation.cny_per_case": _entry("Subsidy per mediated case", "以案定补标准", ("CNY per case", "元/件")),
    "levers.mediation.legal_share": _entry("Disputes turning on a point of law", "涉法纠纷比例", _SHARE),
    "levers.mediation.lawyer_hours_per_week": _entry("Lawyer's hours on the committee", "法律顾问坐班时长",
                                                     ("hours per week", "小时/周")),
    "levers.mediation.lawyer_cny_per_hour": _entry("Cost of a lawyer's hour", "法律服务工时费", _CNY_PER_HOUR),
    "levers.self_management.enabled": _entry("Self-management committees", "无物业小区自管会", _NONE),
    "levers.self_management.coverage": _entry("No-property compounds with a committee", "设自管会的无物业小区占比",
                                              _SHARE),
    "levers.self_management.fee_cny_per_household_month": _entry("Self-management fee", "自管会收费标准",
                                                                 ("CNY per household-month", "元/户·月")),
    "levers.fallback_property.enabled": _entry("Party-led fallback property service", "党组织领办托底物业", _NONE),
    "levers.fallback_property.quality": _entry("Fallback company's initial quality", "托底物业初始质量", _QUALITY),
    "levers.fallback_property.subsidy_cny_per_household_year": _entry("Fallback subsidy", "托底物业财政补贴",
                                                                      ("CNY per household-year", "元/户·年")),
    "levers.fee_leverage.enabled": _entry("Subsidy levering residents' fees", "财政补贴撬动居民缴费", _NONE),
    "levers.fee_leverage.eligible_below": _entry("Subsidised below this collection rate",
                                                 "享受补贴的收缴率上限", _SHARE),
    "levers.fee_leverage.match_ratio": _entry("Subsidy per yuan of fees collected", "每收缴一元物业费的补贴",
                                              ("CNY per CNY", "元/元")),
    "levers.fee_leverage.duration_days": _entry("Days the subsidy is paid", "补贴期限", _DAYS),
    "levers.fee_leverage.fee_cny_per_household_month": _entry("Full property fee", "物业费标准",
                                                              ("CNY per household-month", "元/户·月")),
    "levers.committee_formation.enabled": _entry("Party-led forming of owners' committees", "党建引领组建业委会",
                                                 _NONE),
    "levers.committee_formation.rate_per_year": _entry("Committee forming rate", "业委会组建速率",
                                                       ("per year at full branch strength", "次/年（支部满组织力）")),
    "levers.committee_formation.elections": _entry("Committee terms and re-elections", "业委会任期与换届", _NONE),
    "levers.committee_formation.term_years": _entry("Committee term", "业委会任期", ("years", "年")),
    "levers.committee_formation.reelect_intercept": _entry("Re-election base utility",
                                                           "换届连任基准效用", _LOGIT),
    "levers.committee_formation.reelect_satisfaction_weight": _entry("Satisfaction weight in re-election",
                                                                     "业主满意度对换届的权重", _LOGIT),
    "levers.committee_formation.reelect_branch_weight": _entry("Weight of branch strength in re-election",
                                                               "党支部组织力对换届的权重", _LOGIT),
    "levers.social_contracts.enabled": _entry("Contracts renewed by evaluation", "第三方评估准入退出", _NONE),
    "levers.social_contracts.review_interval_days": _entry("Contract period", "服务购买合同周期", _DAYS),
    "levers.social_contracts.exit_below": _entry("Evaluation below which a contract ends", "退出评估线", _SCORE),
    "levers.social_contracts.min_cases": _entry("Cases needed for an evaluation", "评估最少案例数", ("cases", "件")),
    "levers.social_contracts.evaluation_cny_per_org": _entry("Cost of an evaluation", "第三方评估费用",
                                                             ("CNY per organisation", "元/个")),
    "levers.social_contracts.share_by_evaluation": _entry("Purchase shared by evaluation", "按评估结果分配购买份额",
                                                          ("power of the evaluation (0: equal)", "评估值的幂（0 为均分）")),
    "levers.venture_philanthropy.projects_per_year": _entry("Venture-philanthropy projects", "公益创投项目数",
                                                            ("per year", "个/年")),
    "levers.venture_philanthropy.cny_per_project": _entry("Money per project", "每个项目资金", ("CNY", "元")),
    "levers.venture_philanthropy.incubate_below": _entry("Incubate while fewer organisations than", "孵化目标社会组织数",
                                                         ("organisations", "个")),
    "levers.venture_philanthropy.growth": _entry("Incubated organisations grow", "孵化组织成长", _NONE),
    "levers.venture_philanthropy.mature_hours_per_day": _entry("Staff hours of a mature organisation",
                                                               "成熟社会组织专职时数", _HOURS_PER_DAY),
    "levers.venture_philanthropy.initial_share": _entry("Incubated organisation's starting size",
                                                        "孵化组织初始规模", ("share of mature size", "占成熟规模比例")),
    "levers.venture_philanthropy.growth_per_year": _entry("Incubated organisation's yearly growth",
                                                          "孵化组织年成长幅度", ("share of mature size per year",
                                                                        "占成熟规模比例/年")),
    "levers.digital_platform.enabled": _entry("Community app for reporting", "社区网格App/平台", _NONE),
    "levers.digital_platform.adoption.young": _entry("App users among the young", "青年住户App使用率", _SHARE),
    "levers.digital_platform.adoption.middle": _entry("App users among the middle-aged", "中年住户App使用率", _SHARE),
    "levers.digital_platform.adoption.elderly": _entry("App users among the elderly", "老年住户App使用率", _SHARE),
    "levers.digital_platform.report_ease": _entry("Ease of reporting by app", "App报事便利度", _LOGIT),
    "levers.digital_platform.share_of_reports": _entry("Users' reports made by app", "App用户经App报事比例",
                                                       _SHARE),
    "levers.digital_platform.cny_per_year": _entry("Platform running cost", "平台运行费用", ("CNY per year", "元/年")),
    "levers.digital_platform.task_claiming": _entry("Neighbouring grids claim tasks", "平台派单、邻近网格接单", _NONE),
    "levers.digital_platform.claim_neighbours": _entry("Grids that may claim", "可接单的邻近网格数", ("grids", "个")),
    "levers.proactive_care.enabled": _entry("Proactive care visits", "困难群体关爱走访", _NONE),
    "levers.proactive_care.visit_interval_days": _entry("Days between care visits", "关爱走访间隔", _DAYS),
    "levers.proactive_care.hours_per_visit": _entry("Hours per care visit", "每次走访时长", ("hours", "小时")),
    "levers.proactive_care.detection": _entry("A care visit finds an issue", "走访发现问题概率", _PROB),
    "levers.posts.kinds.supervisor": _entry("Posts: supervisors", "岗位：社区工作监督员", _SHARE),
    "levers.posts.kinds.publicist": _entry("Posts: publicists", "岗位：政策法规宣传员", _SHARE),
    "levers.posts.kinds.mediator": _entry("Posts: mediators", "岗位：矛盾纠纷调解员", _SHARE),
    "levers.posts.kinds.guide": _entry("Posts: party-building guides", "岗位：党建工作指导员", _SHARE),
    "levers.posts.publicity_report_ease": _entry("Publicist's building: reporting easier", "宣传员所在楼栋报告便利度",
                                                 _LOGIT),
    "levers.posts.enabled": _entry("Posts claimed by party members", "党员设岗定责认岗", _NONE),
    "levers.posts.claim_probability": _entry("Asked member claims a post", "受邀党员认领岗位概率", _PROB),
    "levers.posts.commitment": _entry("Weight of holding a post", "岗位责任权重", _LOGIT),
    "levers.posts.notice_probability": _entry("Post-holder raises an issue", "岗位党员发现问题", _PER_DAY),
    "levers.posts.lapse_days": _entry("Days unserved before a post lapses", "岗位失效天数", _DAYS),
    "levers.activities.enabled": _entry("Activities at venues", "社区活动（阵地）", _NONE),
    "levers.activities.per_venue_per_month": _entry("Activities per venue", "每处阵地活动次数", ("per month", "次/月")),
    "levers.activities.reach_cells": _entry("Reach of a venue", "阵地服务半径", ("buildings (cells)", "栋（格）")),
    "levers.activities.attendance.young": _entry("Young households attend", "青年住户参与概率", _PROB),
    "levers.activities.attendance.middle": _entry("Middle-aged households attend", "中年住户参与概率", _PROB),
    "levers.activities.attendance.elderly": _entry("Elderly households attend", "老年住户参与概率", _PROB),
    "levers.activities.cny_per_activity": _entry("Cost of an activity", "每次活动经费", ("CNY", "元")),
    "levers.needs_projects.enabled": _entry("Projects answering listed needs", "三单制需求项目", _NONE),
    "levers.needs_projects.needs_per_year": _entry("Needs listed", "需求清单事项数", ("per year", "项/年")),
    "levers.needs_projects.reach_cells": _entry("Reach of a project", "项目服务半径", ("buildings (cells)", "栋（格）")),
    "levers.needs_projects.cny_per_project": _entry("Matching money per project", "项目配套资金", ("CNY", "元")),
    "levers.needs_projects.residents_order": _entry("Residents order their needs", "居民点单", _NONE),
    "levers.needs_projects.voice_probability": _entry("Household voices its need", "住户提出需求概率", _PROB),
    "levers.work_unit_management.enabled": _entry("Work units look after old compounds", "单位大院自助管理", _NONE),
    "levers.work_unit_management.share": _entry("Work-unit compounds still looked after", "仍由原单位管理的比例",
                                                 _SHARE),
    "levers.work_unit_management.staff_per_100_households": _entry("Unit's logistics staff", "原单位后勤人员",
                                                                   ("per 100 households", "人/百户")),
    "levers.work_unit_management.cny_per_hour": _entry("Cost of a logistics hour", "后勤工时成本", _CNY_PER_HOUR),
    "levers.volunteer_teams.enabled": _entry("Party members' volunteer teams", "党员志愿服务队", _NONE),
    "levers.volunteer_teams.join_probability": _entry("Asked member joins the team", "受邀党员入队概率", _PROB),
    "levers.volunteer_teams.service_day_interval_days": _entry("Days between service days", "集中服务日间隔", _DAYS),
    "levers.five_ones.enabled": _entry("The five ones for in-service members", "在职党员“五个一”", _NONE),
    "levers.five_ones.review_interval_days": _entry("Days between the branch's reviews", "支部督促间隔", _DAYS),
    "levers.five_ones.visit_detection": _entry("Paired visit finds an unreported issue", "结对走访发现问题", _PROB),
    "levers.self_management.caretaker_cny_per_hour": _entry("Caretaker wage", "保洁保安工时费", _CNY_PER_HOUR),
    "links.asked_to_volunteer": _entry("Link: asked → volunteers", "链接：被动员→参与志愿", _LOGIT),
    "links.trust_to_volunteer": _entry("Link: trust → volunteers", "链接：信任→参与志愿", _LOGIT),
    "links.trust_to_cooperation": _entry("Link: trust → cooperation in talks", "链接：信任→协商合作", _OPINION),
    "links.participation_to_ties": _entry("Link: taking part → ties", "链接：参与→邻里关系", _SHARE),
    "links.participation_to_trust": _entry("Link: taking part → trust", "链接：参与→信任", _SHARE),
    "links.results_to_strength": _entry("Link: results → organisational strength", "链接：成效→组织力", _NONE),
    "links.overload_to_strength": _entry("Link: overload → weaker organisation", "链接：超负荷→组织力衰减", _NONE),
    "links.broker_information": _entry("Link: broker clears information gaps", "链接：中间人消除信息不对称", _SHARE),
    "links.fees_to_quality": _entry("Link: fees collected → company quality", "链接：物业费收缴→服务质量", _NONE),
    "organisations.co_building.engagement_gain": _entry("Commitment gain when asked", "被动员时投入度提升", _SHARE),
    "organisations.co_building.neglect_loss": _entry("Commitment loss when not asked", "未被动员时投入度下降", _SHARE),
    "organisations.co_building.official_post_share": _entry("People share with a committee post",
                                                            "大党委职务单位出人比例", _SHARE),
    "organisations.co_building.listed_need_match.agency": _entry("Listed need matching an agency", "需求清单匹配：机关",
                                                                 _PROB),
    "organisations.co_building.listed_need_match.school": _entry("Listed need matching a school", "需求清单匹配：学校",
                                                                 _PROB),
    "organisations.co_building.listed_need_match.hospital": _entry("Listed need matching a hospital",
                                                                   "需求清单匹配：医院", _PROB),
    "organisations.co_building.listed_need_match.firm": _entry("Listed need matching a firm", "需求清单匹配：企业", _PROB),
    "organisations.property.accountability_interval_days": _entry("Red-property review interval",
                                                                  "红色物业述职间隔", _DAYS),
    "organisations.property.adjustment_rate": _entry("Company quality adjustment per update", "物业质量调整速度", _SHARE),
    "organisations.property.reference_collection_rate": _entry("Fee rate keeping a company's standard",
                                                               "维持服务标准的收缴率", _SHARE),
    "party.initial_strength.community": _entry("Initial strength, community party org.", "社区党组织初始组织力", _SCORE),
    "party.initial_strength.grid": _entry("Initial strength, grid branches", "网格党支部初始组织力", _SCORE),
    "party.initial_strength.compound": _entry("Initial strength, compound branches", "小区党支部初始组织力", _SCORE),
    "party.initial_strength.company": _entry("Initial strength, company party orgs", "物业党组织初始组织力", _SCORE),
    "party.strength_concentration": _entry("Concentration of initial strengths", "初始组织力集中度", _CONC),
    "party.growth_rate": _entry("Growth rate of org. strength", "组织力日增长率", _PER_DAY),
    "party.decay_rate": _entry("Decay rate of org. strength", "组织力日衰减率", _PER_DAY),
    "party.neglect_weight": _entry("Extra decay without organisational life", "无组织生活额外衰减", _NONE),
    "party.aspiration": _entry("Results a new organisation starts from", "组织初始成效", _SCORE),
    "party.results_memory_days": _entry("Memory of results", "成效记忆时长", _DAYS),
    "party.overload_reference_days": _entry("Queued work that fully overloads", "满负荷积压工作量", _DAYS),
    "party.life_interval_days": _entry("Interval of organisational life", "组织生活间隔", _DAYS),
    "party.attendance.in_service": _entry("Attendance, in-service members", "在职党员参会率", _PROB),
    "party.attendance.retired": _entry("Attendance, retired members", "离退休党员参会率", _PROB),
    "party.attendance.mobile": _entry("Attendance, mobile members", "流动党员参会率", _PROB),
    "party.asks_per_month": _entry("Asks per member a month, strong branch", "强支部每月动员党员次数",
                                   ("asks per month", "次/月")),
    "party.steward_asks_per_month": _entry("Asks per volunteer a month, by steward", "楼栋管家每月动员次数",
                                           ("asks per month", "次/月")),
    "party.visits_per_member_per_month": _entry("Household visits per branch member", "支部党员每月入户数",
                                                ("visits per month", "户/月")),
    "party.secretary_turnover_per_year": _entry("Secretary turnover", "书记更替率", ("probability per year", "概率/年")),
    "party.turnover_loss": _entry("Strength lost when a secretary leaves", "书记更替组织力损失", _SHARE),
    "party.training_gain": _entry("Strength gain per training session", "每次培训组织力提升", _SHARE),
    "party.recognition_gain": _entry("Strength gain when rewarded", "奖补带来的组织力提升", _SHARE),
    "service.rework_probability": _entry("Failed fixes rejected and redone", "不满意重办概率", _PROB),
    "service.max_reworks": _entry("Most times an issue is redone", "最多重办次数", ("times", "次")),
    "levers.hotline.street_mediation": _entry("Street mediation of called-in disputes", "街道调解热线集体诉求",
                                              _PROB),
}
"""Name and unit of every scenario parameter: ``{path: {"en": (name, unit), "zh": (name, unit)}}``.

Keys are exactly :func:`cogov.sim.scenario.parameter_paths`. The unit is ``""`` for on/off switches and
dimensionless coefficients. Names are unique within each language.
"""


STREET_PARAMETER_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "street.shared": _entry("Communities share a street level", "社区共享街道层级", _NONE),
    "street.appraisal.street_weight": _entry("Street's weight in department appraisal", "街道对部门考核权重", _SHARE),
    "street.appraisal.statutory_share": _entry("Department hours owed to the street", "部门法定下沉工时比例", _SHARE),
    "street.whistle.enabled": _entry("Whistle on 12345 calls, departments report", "以12345为哨源吹哨报到", _NONE),
    "street.sunk_staff.posts": _entry("Posts sunk to the street office", "下沉街道编制", ("posts", "个")),
    "street.sunk_staff.hours_per_day": _entry("Working hours of a sunk post", "下沉编制日工时", _HOURS_PER_DAY),
    "street.sunk_staff.matters_share": _entry("Sunk posts' share on residents' matters", "下沉编制用于群众诉求的比例",
                                              _SHARE),
    "street.sunk_staff.cny_per_year": _entry("Salary of a sunk post", "下沉编制年薪", ("CNY per post per year",
                                                                                   "元/个·年")),
    "street.funds.allocation": _entry("How the street shares funds", "街道经费分配方式", _NONE),
    "street.funds.annual_cny": _entry("Funds the street shares", "街道分配经费总额", ("CNY per year", "元/年")),
    "street.funds.need_weight_elderly": _entry("Need weight of an elderly household", "需求权重：老年户", _WEIGHT),
    "street.funds.need_weight_unkept": _entry("Need weight of an unkept household", "需求权重：无物业户", _WEIGHT),
    "street.funds.award_share": _entry("Share of funds paid as awards", "以奖代补比例", _SHARE),
    "street.funds.award_fraction": _entry("Share of communities awarded", "获奖社区比例", _SHARE),
}
"""Name and unit of the street file's scalar parameters (:mod:`cogov.sim.street.config`), as
:data:`PARAMETER_LABELS` for a community's."""


def parameter_text(path: str, lang: str = "en", with_unit: bool = True) -> str:
    """Readable label of the scenario parameter ``path`` in ``lang``.

    Args:
        path: Key path of the parameter, e.g. ``"levers.funding.annual_cny"``; a ``param:`` prefix (the
            column name in run tables) is accepted too.
        lang: ``"en"`` or ``"zh"``.
        with_unit: Append the unit in brackets when the parameter has one: ``"Name (unit)"`` in English,
            ``"名称（单位）"`` with full-width brackets in Chinese (as the figures do).

    Returns:
        The name, with its unit when asked for and non-empty. An unknown path is returned unchanged (no
        exception), so callers never fail on a parameter added after this table.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGS)}")
    key = path.removeprefix("param:")
    entry = PARAMETER_LABELS.get(key) or STREET_PARAMETER_LABELS.get(key)
    if entry is None:
        return path
    name, unit = entry[lang]
    if not with_unit or not unit:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"

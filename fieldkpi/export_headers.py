"""Column headings of the ranking export for people: Chinese (``--headers zh``) and English.

The default headings of ``fieldkpi rank`` stay the interfaces.md names, which
scripts read. These are for people opening the file in a spreadsheet: the
source document's terms in Chinese, plain words in English. The TUI's export
is made by a person for people, so it uses the session's language
(:func:`for_language`). They are fixed here rather than taken from the
translation catalog, so a file sent to head office has the same headings
whatever wording the screens use.
"""

from __future__ import annotations

from fieldkpi.export import COLUMNS

ZH = {
    "period": "考核月份",
    "as_of": "数据截至",
    "provisional": "临时结果",
    "branch": "分公司",
    "role": "岗位",
    "rank": "排名",
    "staff_code": "工号",
    "name": "姓名",
    "feedback_rate": "工程师问题反馈率",
    "feedback_points": "工程师问题反馈率得分",
    "workload": "工作量",
    "days": "实际上班天数",
    "saturation": "工作饱和度",
    "workload_points": "工作量得分",
    "satisfaction": "满意度",
    "satisfaction_points": "满意度得分",
    "timeliness": "完单及时率",
    "timeliness_points": "完单及时率得分",
    "deductions": "扣分",
    "zeroed": "媒体曝光清零",
    "total": "总分",
    "reward": "奖励/罚款（元）",
}
EN = {
    "period": "Month",
    "as_of": "As of",
    "provisional": "Provisional",
    "branch": "Branch",
    "role": "Role",
    "rank": "Rank",
    "staff_code": "Code",
    "name": "Name",
    "feedback_rate": "Feedback rate",
    "feedback_points": "Feedback points",
    "workload": "Workload actions",
    "days": "Days worked",
    "saturation": "Saturation",
    "workload_points": "Workload points",
    "satisfaction": "Satisfaction",
    "satisfaction_points": "Satisfaction points",
    "timeliness": "Timeliness",
    "timeliness_points": "Timeliness points",
    "deductions": "Deductions",
    "zeroed": "Zeroed (media complaint)",
    "total": "Total",
    "reward": "Reward / penalty (yuan)",
}
# ``--headers`` choices: the column names of interfaces.md, or the Chinese terms.
HEADERS: dict[str, dict[str, str]] = {"names": {c: c for c in COLUMNS}, "zh": ZH}
_BY_LANGUAGE = {"en": EN, "zh": ZH}


def for_language(lang: str) -> dict[str, str]:
    """The headings a person reads in ``lang`` (the TUI's export)."""
    return _BY_LANGUAGE.get(lang, EN)

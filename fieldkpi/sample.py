"""Deterministic demo data: three branches, half a year of after-sales work.

The rows are what a branch's CSV import files would hold (interfaces.md), so the
demo database goes through the same validated import a branch uses, and a
change to the import rules that the demo data breaks shows up as a failing test.

The data is written as of :data:`SAMPLE_NOW`: nothing happens after it, so
November is a running (provisional) month with tickets still in progress. It is
made to exercise every rule of kpi-rules.md: all day buckets and late
completions, tickets open past 30 days at every month-end (a May backlog starts
it), cancelled tickets, rated callbacks, a rep hired mid-month, an engineer who
left in August, a rep-month without attendance, and every kind of deduction.

Reps work shifts: a ticket's responsible rep (its district) is not always the
one on duty, and the workload actions go to whoever was on duty, so attendance
days and the days with actions agree.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fieldkpi.employment import has_left
from fieldkpi.period import Period
from fieldkpi.scheme import Scheme, default_scheme, load_preset
from fieldkpi.tickets import ticket_code

SAMPLE_NOW = datetime(2026, 11, 20, 18, 0, 0)
DEFAULT_SEED = 20261130

# The months the demo covers; a small backlog received in May is still open in June.
FIRST_MONTH = Period(2026, 6)
LAST_MONTH = Period.of(SAMPLE_NOW)
BACKLOG_MONTH = FIRST_MONTH.shift(-1)

COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("code", "name", "role", "branch", "hired_on", "left_on", "login"),
    "tickets": (
        "code",
        "branch",
        "kind",
        "received_at",
        "dispatched_at",
        "visited_at",
        "completed_at",
        "cancelled",
        "cancelled_at",
        "engineer",
        "rep",
        "callback_at",
        "rating",
        "customer",
        "phone",
        "address",
        "product",
        "fault",
    ),
    "actions": ("staff", "at", "action", "ticket"),
    "attendance": ("staff", "month", "days", "absent"),
    "problems": ("rep", "engineer", "at", "points", "ticket", "note"),
    "scores": ("period", "staff", "metric", "value", "note"),
    "deductions": ("staff", "at", "kind", "points", "ticket", "note"),
}
# The entered score the demo holds: the head office's satisfaction score of each rep's district
# (总部考评的辖区工程师满意度), for a scheme with rep_satisfaction = "entered" (kpi-rules §4).
HQ_SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class BranchPlan:
    code: str
    name: str
    city: str
    reps: int
    engineers: int
    tickets_per_day: int
    roads: dict[str, tuple[str, ...]]  # district -> roads in it
    preset: str | None = None  # the preset its lead switched to when it began; None: the default


BRANCHES = (
    BranchPlan(
        "GZ",
        "广州分公司",
        "广州市",
        reps=6,
        engineers=10,
        tickets_per_day=7,
        roads={
            "天河区": ("体育西路", "天河北路", "林和西路", "中山大道西", "黄埔大道西", "五山路"),
            "越秀区": ("环市东路", "东风中路", "北京路", "解放北路", "中山六路"),
            "海珠区": ("江南大道中", "工业大道北", "新港西路", "昌岗中路"),
            "白云区": ("白云大道北", "机场路", "同和路", "广园西路"),
            "番禺区": ("大北路", "迎宾路", "南大路", "兴南大道"),
        },
    ),
    BranchPlan(
        "SZ",
        "深圳分公司",
        "深圳市",
        reps=5,
        engineers=8,
        tickets_per_day=6,
        roads={
            "福田区": ("深南中路", "华强北路", "福华路", "莲花路", "景田路"),
            "南山区": ("南海大道", "南山大道", "科苑路", "桃园路"),
            "罗湖区": ("人民南路", "东门中路", "深南东路", "宝安南路"),
            "宝安区": ("宝安大道", "创业一路", "建安一路", "新湖路"),
            "龙岗区": ("龙岗大道", "龙翔大道", "布吉路"),
        },
    ),
    BranchPlan(
        "FS",
        "佛山办事处",
        "佛山市",
        reps=4,
        engineers=6,
        tickets_per_day=4,
        roads={
            "禅城区": ("季华五路", "祖庙路", "汾江中路", "岭南大道北"),
            "南海区": ("南海大道北", "海八路", "桂澜北路", "佛平路"),
            "顺德区": ("德胜东路", "容桂大道", "新宁路", "南国东路"),
        },
        preset="generic-bands",  # the demo shows a second scheme: bands, grades, no ranking money
    ),
)
ADMIN_CODE = "GZ-A01"
# The rep hired mid-month (ranked with the first-month rule in September).
NEW_REP = ("SZ-R05", date(2026, 9, 14))
# The engineer who left in August (ranked in August, gone from September).
LEAVER = ("GZ-E10", date(2026, 8, 19))
# The one rep-month without an attendance record (days come from the actions).
NO_ATTENDANCE = ("SZ-R03", "2026-08")
# Deductions placed on purpose so every kind occurs, the media complaint once.
PLACED_DEDUCTIONS = (
    ("GZ", "2026-07", "engineer", "complaint_major"),
    ("SZ", "2026-10", "rep", "complaint_major"),
    ("SZ", "2026-10", "engineer", "complaint_media"),
    ("GZ", "2026-09", "engineer", "fake_completion"),
    ("SZ", "2026-08", "rep", "branch_rule"),
)

SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("林", "lin"), ("罗", "luo"), ("梁", "liang"),
    ("郑", "zheng"), ("谢", "xie"), ("邓", "deng"), ("冯", "feng"), ("曾", "zeng"),
    ("彭", "peng"), ("蔡", "cai"), ("潘", "pan"), ("叶", "ye"), ("蒋", "jiang"),
    ("杜", "du"), ("苏", "su"), ("魏", "wei"), ("程", "cheng"), ("丁", "ding"),
    ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("钟", "zhong"), ("谭", "tan"),
    ("廖", "liao"), ("邹", "zou"), ("麦", "mai"), ("区", "ou"), ("莫", "mo"),
    ("冼", "xian"), ("温", "wen"), ("赖", "lai"), ("邱", "qiu"), ("欧阳", "ouyang"),
)  # fmt: skip
# Whole given names (one or two characters), so no odd combinations come out.
GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("辉", "hui"),
    ("鹏", "peng"), ("斌", "bin"), ("浩", "hao"), ("婷", "ting"), ("琳", "lin"),
    ("建华", "jianhua"), ("志强", "zhiqiang"), ("晓燕", "xiaoyan"), ("秀英", "xiuying"),
    ("海涛", "haitao"), ("俊杰", "junjie"), ("丽娟", "lijuan"), ("国强", "guoqiang"),
    ("嘉欣", "jiaxin"), ("子轩", "zixuan"), ("思琪", "siqi"), ("文静", "wenjing"),
    ("伟明", "weiming"), ("志伟", "zhiwei"), ("晓明", "xiaoming"), ("美玲", "meiling"),
    ("永强", "yongqiang"), ("佳怡", "jiayi"), ("少华", "shaohua"), ("锦荣", "jinrong"),
    ("家豪", "jiahao"), ("振宇", "zhenyu"), ("慧敏", "huimin"), ("雪梅", "xuemei"),
    ("建国", "jianguo"), ("志华", "zhihua"), ("春燕", "chunyan"), ("玉兰", "yulan"),
    ("浩然", "haoran"), ("婉婷", "wanting"), ("雨欣", "yuxin"), ("宇航", "yuhang"),
    ("德明", "deming"), ("桂芳", "guifang"), ("秀兰", "xiulan"), ("伟强", "weiqiang"),
    ("国栋", "guodong"), ("嘉敏", "jiamin"), ("欣怡", "xinyi"), ("立新", "lixin"),
    ("卫东", "weidong"), ("红梅", "hongmei"), ("丽华", "lihua"), ("明辉", "minghui"),
    ("晓东", "xiaodong"), ("耀华", "yaohua"), ("泽明", "zeming"), ("嘉豪", "jiahao"),
)  # fmt: skip

PRODUCTS = {
    "tv": (
        "创维 55英寸液晶电视 55A3",
        "创维 65英寸液晶电视 65A5",
        "创维 75英寸液晶电视 75G7",
        "创维 50英寸液晶电视 50A3",
        "创维 85英寸液晶电视 85A5 Pro",
    ),
    "tv_small": (
        "创维 43英寸液晶电视 43H3",
        "创维 32英寸液晶电视 32X3",
        "创维 50英寸液晶电视 50A3",
        "创维 智能网络机顶盒 E900",
    ),
    "fridge": ("创维 对开门冰箱 BCD-520WKGP", "创维 三门冰箱 BCD-218T"),
    "washer": ("创维 滚筒洗衣机 F10A", "创维 波轮洗衣机 T80A"),
    "ac": ("创维 1.5匹挂式空调 KFR-35GW", "创维 3匹立式空调 KFR-72LW"),
    "heater": ("创维 60升电热水器 D60A",),
}
FAULTS = {
    "tv": ("无图像", "不开机", "有声无图", "屏幕花屏", "遥控失灵", "屏幕有横线", "无信号",
           "自动关机", "连不上网络"),
    "tv_small": ("不开机", "无图像", "遥控失灵", "自动重启", "无信号"),
    "fridge": ("不制冷", "有噪音", "漏水", "冷藏室结霜"),
    "washer": ("不脱水", "有噪音", "不进水", "漏水", "显示E3故障码"),
    "ac": ("不制冷", "室内机漏水", "有噪音", "不开机", "遥控失灵"),
    "heater": ("不加热", "漏水", "显示E1故障码"),
}  # fmt: skip
SETUP = {
    "installation": {
        "tv": ("新机挂墙安装", "新机座装", "移机重装"),
        "ac": ("新机安装", "移机安装"),
        "heater": ("新机安装",),
    },
    "commissioning": {
        "tv": ("开机调试", "网络及投屏设置", "画质调试"),
        "ac": ("试机调试",),
    },
}
# Which products each kind of ticket is for, with weights.
KIND_PRODUCTS = {
    "onsite_repair": (("tv", 45), ("fridge", 15), ("washer", 15), ("ac", 20), ("heater", 5)),
    "inshop_repair": (("tv_small", 1),),
    "installation": (("tv", 50), ("ac", 35), ("heater", 15)),
    "commissioning": (("tv", 70), ("ac", 30)),
}
KIND_WEIGHTS = (
    ("onsite_repair", 45),
    ("inshop_repair", 20),
    ("installation", 25),
    ("commissioning", 10),
)
ONSITE = ("onsite_repair", "installation", "commissioning")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139",
    "150", "151", "152", "155", "156", "157", "158", "159",
    "180", "181", "182", "185", "186", "187", "188", "189",
)  # fmt: skip
PROBLEM_NOTES = (
    ("上门迟到未提前告知用户", 1),
    ("未带齐配件需二次上门", 1),
    ("未按时反馈维修进度", 1),
    ("服务态度差被用户投诉到客服", 2),
    ("维修后未清理现场", 1),
    ("未经同意加收费用", 2),
)
DEDUCTION_NOTES = {
    "backfill": ("上门后补单", "先上门后开单"),
    "violation": ("未穿工装上门", "未按规范使用工单系统"),
    "fake_completion": ("未上门即反馈完单", "故障未排除即反馈完单"),
    "complaint_general": ("总部判定一般投诉：上门超时", "总部判定一般投诉：多次维修未好"),
    "complaint_major": ("重大投诉：维修后二次故障造成损失",),
    "complaint_internal": ("用户来电投诉服务态度", "用户投诉未按约定时间上门"),
    "complaint_media": ("用户在本地媒体曝光维修拖延",),
    "branch_rule": ("未按时提交工作日报", "晨会无故缺席", "工单资料填写不全"),
}
RANDOM_DEDUCTION_KINDS = (
    ("backfill", 30),
    ("violation", 15),
    ("fake_completion", 6),
    ("complaint_general", 12),
    ("complaint_internal", 15),
    ("branch_rule", 22),
)
BRANCH_RULE_POINTS = ("0.5", "1", "2")
# Days from receipt to completion (0 = same day); inshop repairs wait for parts more often.
DELAY_WEIGHTS = {
    "onsite": (30, 24, 15, 10, 7, 5, 3),
    "inshop": (8, 18, 20, 16, 12, 8, 6),
}
LATE_SHARE = {"onsite": 0.07, "inshop": 0.14}
RATING_LOW = ((1, 2), (2, 3), (3, 5))
RATING_HIGH = ((4, 35), (5, 65))


@dataclass
class Member:
    code: str
    name: str
    role: str
    branch: str
    hired_on: date
    left_on: date | None = None
    login: str = ""
    weight: float = 1.0  # share of tickets (a rep's district, an engineer's load)
    low_rating: float = 0.0  # an engineer's chance of an unhappy customer
    problem_rate: float = 0.0  # how often a rep files an engineer-problem report
    duty: set[date] = field(default_factory=set)  # the days a rep is on shift


def generate(seed: int = DEFAULT_SEED) -> dict[str, list[dict[str, str]]]:
    """The demo data as import rows per kind, each row a dict of the CSV columns."""
    return _Generator(random.Random(seed)).run()


def months() -> list[Period]:
    """The demo's months, June to the running November."""
    out, month = [], FIRST_MONTH
    while month <= LAST_MONTH:
        out.append(month)
        month = month.shift(1)
    return out


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _clock(day: date, earliest: time, latest: time, rng: random.Random) -> datetime:
    """A moment on ``day`` between two wall-clock times, to the minute."""
    start = datetime.combine(day, earliest)
    span = int((datetime.combine(day, latest) - start).total_seconds() // 60)
    return start + timedelta(minutes=rng.randint(0, span))


def _minutes(moment: datetime, low: int, high: int, rng: random.Random) -> datetime:
    return moment + timedelta(minutes=rng.randint(low, high))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(" ")  # the sample's moments are whole minutes: YYYY-MM-DD HH:MM:SS
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _row(table: str, **values: object) -> dict[str, str]:
    return {column: _cell(values.get(column)) for column in COLUMNS[table]}


class _Names:
    """Chinese names for staff and customers, and pinyin logins (digits added on a clash)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.given: set[str] = set()
        self.logins: set[str] = set()

    def person(self) -> tuple[str, str]:
        """A staff name whose given name no colleague has, and its login."""
        while True:
            (surname, sur_py), (given, given_py) = self._pick()
            if given not in self.given:
                break
        self.given.add(given)
        login = base = sur_py + given_py
        suffix = 1
        while login in self.logins:
            suffix += 1
            login = f"{base}{suffix}"
        self.logins.add(login)
        return surname + given, login

    def customer(self) -> str:
        """Customers are often recorded as 王先生 / 李女士 rather than a full name."""
        (surname, _sur_py), (given, _given_py) = self._pick()
        if self.rng.random() < 0.4:
            return surname + self.rng.choice(("先生", "女士"))
        return surname + given

    def _pick(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return self.rng.choice(SURNAMES), self.rng.choice(GIVEN)


@dataclass
class _Ticket:
    """One ticket's timeline, before it is cut at SAMPLE_NOW and written out."""

    received: datetime
    first_dispatch: datetime | None = None
    dispatched: datetime | None = None
    visited: datetime | None = None
    completed: datetime | None = None
    cancelled: datetime | None = None

    def cut(self, now: datetime) -> None:
        """Forget every step that would happen after now, and everything after it."""
        if self.cancelled is not None and self.cancelled > now:
            self.cancelled = None
        steps = ("first_dispatch", "dispatched", "visited", "completed")
        for index, name in enumerate(steps):
            moment = getattr(self, name)
            if moment is not None and moment > now:
                for later in steps[index:]:
                    setattr(self, later, None)
                return


class _Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = _Names(rng)
        self.staff: list[Member] = []
        self.rows: dict[str, list[dict[str, str]]] = {kind: [] for kind in COLUMNS}
        self.customers: dict[str, list[tuple[str, str, str]]] = {b.code: [] for b in BRANCHES}
        # (staff code, "YYYY-MM") -> tickets completed that month, for deductions to name.
        self.completed: dict[tuple[str, str], list[tuple[str, datetime]]] = {}

    def run(self) -> dict[str, list[dict[str, str]]]:
        self._hire()
        self._plan_shifts()
        for plan in BRANCHES:
            self._tickets(plan)
        self._attendance()
        self._deductions()
        self._scores()
        rows = self.rows
        rows["staff"] = [self._staff_row(m) for m in self.staff]
        rows["tickets"].sort(key=lambda r: (r["received_at"], r["code"]))
        rows["actions"].sort(key=lambda r: (r["at"], r["staff"], r["ticket"], r["action"]))
        rows["problems"].sort(key=lambda r: (r["at"], r["rep"]))
        rows["deductions"].sort(key=lambda r: (r["at"], r["staff"]))
        return rows

    # -- people ---------------------------------------------------------------

    def _hire(self) -> None:
        rng = self.rng
        for plan in BRANCHES:
            self._member(f"{plan.code}-L01", "lead", plan.code)
            for n in range(1, plan.reps + 1):
                rep = self._member(f"{plan.code}-R{n:02d}", "rep", plan.code)
                rep.weight = rng.uniform(0.7, 1.3)
                rep.problem_rate = rng.uniform(0.02, 0.09)
            for n in range(1, plan.engineers + 1):
                engineer = self._member(f"{plan.code}-E{n:02d}", "engineer", plan.code)
                engineer.weight = rng.uniform(0.6, 1.4)
                engineer.low_rating = rng.uniform(0.03, 0.22)
        self._member(ADMIN_CODE, "admin", "GZ")
        self._find(NEW_REP[0]).hired_on = NEW_REP[1]
        self._find(LEAVER[0]).left_on = LEAVER[1]

    def _member(self, code: str, role: str, branch: str) -> Member:
        name, login = self.names.person()
        hired = date(2016, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 9))
        member = Member(code, name, role, branch, hired, login=login)
        self.staff.append(member)
        return member

    def _find(self, code: str) -> Member:
        return next(m for m in self.staff if m.code == code)

    def _of(self, branch: str, role: str) -> list[Member]:
        return [m for m in self.staff if m.branch == branch and m.role == role]

    @staticmethod
    def _staff_row(m: Member) -> dict[str, str]:
        return _row(
            "staff",
            code=m.code,
            name=m.name,
            role=m.role,
            branch=m.branch,
            hired_on=m.hired_on,
            left_on=m.left_on,
            login=m.login,
        )

    def _plan_shifts(self) -> None:
        """Each rep works 21–26 days a month (fewer in a month they join or that is running)."""
        rng = self.rng
        for rep in (m for m in self.staff if m.role == "rep"):
            for month in [BACKLOG_MONTH, *months()]:
                first = max(month.first_day, rep.hired_on)
                last = min(month.last_day, SAMPLE_NOW.date())
                if first > last:
                    continue
                span = _days(first, last)
                share = rng.randint(21, 26) / month.last_day.day
                rep.duty.update(rng.sample(span, min(len(span), round(len(span) * share))))

    def _on_duty(self, branch: str, ticket_rep: Member, day: date) -> Member:
        """Who records a step on ``day``: the ticket's own rep if on shift, else a colleague."""
        if day in ticket_rep.duty:
            return ticket_rep
        colleagues = [m for m in self._of(branch, "rep") if day in m.duty]
        if colleagues:
            return self.rng.choice(colleagues)
        ticket_rep.duty.add(day)  # nobody on shift: the rep came in that day
        return ticket_rep

    # -- tickets --------------------------------------------------------------

    def _tickets(self, plan: BranchPlan) -> None:
        rng = self.rng
        stuck = self._stuck_days(plan)
        for day in _days(BACKLOG_MONTH.first_day, SAMPLE_NOW.date()):
            count = stuck.get(day, 0)
            if day >= FIRST_MONTH.first_day:
                weekend = 1 if day.weekday() >= 5 else 0
                count += max(1, plan.tickets_per_day + rng.randint(-3, 3) + weekend)
            latest = time(18, 30) if day < SAMPLE_NOW.date() else time(17, 55)
            moments = sorted(_clock(day, time(8, 30), latest, rng) for _ in range(count))
            stuck_slots = set(rng.sample(range(count), stuck.get(day, 0)))
            for seq, received in enumerate(moments, start=1):
                code = ticket_code(plan.code, received.date(), seq)
                self._ticket(plan, code, received, stuck=seq - 1 in stuck_slots)

    def _stuck_days(self, plan: BranchPlan) -> dict[date, int]:
        """Two tickets a month per branch that stay open past the next month-end."""
        days: dict[date, int] = {}
        for month in [BACKLOG_MONTH, *months()[:-1]]:
            for _ in range(2):
                day = month.first_day + timedelta(days=self.rng.randint(0, 24))
                days[day] = days.get(day, 0) + 1
        return days

    def _ticket(self, plan: BranchPlan, code: str, received: datetime, *, stuck: bool) -> None:
        rng = self.rng
        kind = _pick(rng, KIND_WEIGHTS)
        if stuck:
            kind = "onsite_repair" if rng.random() < 0.7 else "inshop_repair"
        category = _pick(rng, KIND_PRODUCTS[kind])
        product = rng.choice(PRODUCTS[category])
        fault = rng.choice(SETUP[kind][category] if kind in SETUP else FAULTS[category])
        reps = [m for m in self._of(plan.code, "rep") if m.hired_on <= received.date()]
        rep = rng.choices(reps, weights=[m.weight for m in reps])[0]
        cancelled = not stuck and rng.random() < 0.025

        timeline = self._timeline(kind, received, stuck=stuck, cancelled=cancelled)
        engineer = self._engineer(plan, timeline) if timeline.dispatched else None
        timeline.cut(SAMPLE_NOW)
        if timeline.dispatched is None:
            engineer = None

        callback, rating = self._callback(code, rep, engineer, timeline)
        self._record_steps(plan, code, rep, timeline, callback)
        if timeline.completed is not None:
            self._remember_completed(code, timeline.completed, rep, engineer)
            if kind in ONSITE and engineer is not None:
                self._maybe_problem(code, rep, engineer, timeline)

        customer, phone, address = self._customer(plan)
        self.rows["tickets"].append(
            _row(
                "tickets",
                code=code,
                branch=plan.code,
                kind=kind,
                received_at=received,
                dispatched_at=timeline.dispatched,
                visited_at=timeline.visited,
                completed_at=timeline.completed,
                cancelled=int(timeline.cancelled is not None),
                cancelled_at=timeline.cancelled,
                engineer=engineer.code if engineer else None,
                rep=rep.code,
                callback_at=callback,
                rating=rating,
                customer=customer,
                phone=phone,
                address=address,
                product=product,
                fault=fault,
            )
        )

    def _timeline(self, kind: str, received: datetime, *, stuck: bool, cancelled: bool) -> _Ticket:
        rng = self.rng
        onsite = kind in ONSITE
        t = _Ticket(received)
        t.dispatched = _minutes(received, 10, 60, rng)
        if cancelled:
            if rng.random() < 0.5:
                t.dispatched = None
            t.cancelled = _minutes(t.dispatched or received, 30, 600, rng)
            return t
        if stuck:
            # Waiting for parts: visited soon, finished only after the next month-end, or never.
            if onsite:
                t.visited = _clock(
                    received.date() + timedelta(days=rng.randint(1, 3)), time(9), time(17), rng
                )
            if rng.random() < 0.75:
                after = Period.of(received).shift(1).last_day
                finish = after + timedelta(days=rng.randint(1, 25))
                t.completed = _clock(finish, time(10), time(18), rng)
            return t
        delay = self._delay("onsite" if onsite else "inshop")
        if delay == 0:
            room = int(
                (datetime.combine(received.date(), time(21, 30)) - t.dispatched).total_seconds()
                // 60
            )
            t.completed = _minutes(t.dispatched, 60, max(60, min(300, room)), rng)
            if onsite:
                t.visited = _minutes(t.completed, -50, -20, rng)
            return t
        finish = received.date() + timedelta(days=delay)
        t.completed = _clock(finish, time(10, 30), time(19), rng)
        if onsite:
            if delay >= 3 and rng.random() < 0.5:  # first visit found a part missing
                first_visit = received.date() + timedelta(days=rng.randint(1, 2))
                t.visited = _clock(first_visit, time(9), time(17), rng)
            else:
                t.visited = _minutes(t.completed, -120, -30, rng)
        if delay >= 2 and rng.random() < 0.06:  # re-dispatched to another engineer
            redispatch = _clock(received.date() + timedelta(days=1), time(8, 30), time(10), rng)
            if t.visited is None or redispatch < t.visited:
                t.first_dispatch, t.dispatched = t.dispatched, redispatch
        return t

    def _delay(self, where: str) -> int:
        """Days from receipt to completion: mostly within the week, some late."""
        if self.rng.random() < LATE_SHARE[where]:
            return self.rng.randint(7, 21)
        return self.rng.choices(range(7), weights=DELAY_WEIGHTS[where])[0]

    def _engineer(self, plan: BranchPlan, t: _Ticket) -> Member:
        """An engineer employed from dispatch until the work is done (never a leaver's open job)."""
        start = t.received.date()
        end = (t.completed or SAMPLE_NOW).date()
        engineers = [
            m
            for m in self._of(plan.code, "engineer")
            if m.hired_on <= start
            and (m.left_on is None or (t.completed and not has_left(m.left_on, end)))
        ]
        return self.rng.choices(engineers, weights=[m.weight for m in engineers])[0]

    def _callback(
        self, code: str, rep: Member, engineer: Member | None, t: _Ticket
    ) -> tuple[datetime | None, int | None]:
        """Most customers are called back a day or three after completion; dealers do some."""
        rng = self.rng
        if t.completed is None or engineer is None:
            return None, None
        roll = rng.random()
        if roll < 0.78:
            called = _clock(
                t.completed.date() + timedelta(days=rng.randint(1, 3)), time(9, 30), time(18), rng
            )
            if called > SAMPLE_NOW:
                return None, None
            scale = RATING_LOW if rng.random() < engineer.low_rating else RATING_HIGH
            return called, _pick(rng, scale)
        if roll < 0.86:
            day = t.completed.date() + timedelta(days=rng.randint(1, 4))
            day = next((d for d in _days(day, day + timedelta(days=6)) if d in rep.duty), day)
            reported = _clock(day, time(10), time(17), rng)
            if reported <= SAMPLE_NOW:
                self._action(rep, reported, "dealer_callback", code)
        return None, None

    def _record_steps(
        self, plan: BranchPlan, code: str, rep: Member, t: _Ticket, callback: datetime | None
    ) -> None:
        """The workload actions, each by the rep on shift when the step was recorded."""
        steps = (
            ("intake", t.received),
            ("dispatch", t.first_dispatch),
            ("dispatch", t.dispatched),
            ("complete", t.completed),
            ("callback", callback),
        )
        for action, moment in steps:
            if moment is not None:
                self._action(self._on_duty(plan.code, rep, moment.date()), moment, action, code)

    def _action(self, rep: Member, at: datetime, action: str, ticket: str) -> None:
        self.rows["actions"].append(
            _row("actions", staff=rep.code, at=at, action=action, ticket=ticket)
        )

    def _remember_completed(
        self, code: str, completed: datetime, rep: Member, engineer: Member | None
    ) -> None:
        month = completed.isoformat()[:7]
        for member in (rep, engineer):
            if member is not None:
                self.completed.setdefault((member.code, month), []).append((code, completed))

    def _maybe_problem(self, code: str, rep: Member, engineer: Member, t: _Ticket) -> None:
        rng = self.rng
        if rng.random() >= rep.problem_rate:
            return
        visit = t.visited or t.completed
        filed = visit + timedelta(hours=rng.randint(1, 30))
        if not time(8, 30) <= filed.time() <= time(20):
            filed = _clock(
                filed.date() + timedelta(days=1 if filed.hour >= 20 else 0), time(9), time(11), rng
            )
        if filed > SAMPLE_NOW:
            return
        note, points = rng.choice(PROBLEM_NOTES)
        if _scheme_of(rep.branch).problems:  # drawn either way, as deductions are
            self.rows["problems"].append(
                _row(
                    "problems",
                    rep=rep.code,
                    engineer=engineer.code,
                    at=filed,
                    points=points,
                    ticket=code,
                    note=note,
                )
            )

    def _customer(self, plan: BranchPlan) -> tuple[str, str, str]:
        """A new customer, or now and then one who called before (same phone and address)."""
        rng = self.rng
        known = self.customers[plan.code]
        if known and rng.random() < 0.08:
            return rng.choice(known[-300:])
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        district = rng.choice(sorted(plan.roads))
        address = f"{plan.city}{district}{rng.choice(plan.roads[district])}{rng.randint(1, 399)}号"
        if rng.random() < 0.7:
            address += f"{rng.randint(1, 12)}栋{rng.randint(2, 32)}{rng.randint(1, 6):02d}房"
        customer = (self.names.customer(), phone, address)
        known.append(customer)
        return customer

    # -- monthly records ------------------------------------------------------

    def _attendance(self) -> None:
        for rep in (m for m in self.staff if m.role == "rep"):
            for month in months():
                if (rep.code, str(month)) == NO_ATTENDANCE or rep.hired_on > month.last_day:
                    continue
                days = sum(1 for d in rep.duty if month.contains(d))
                self.rows["attendance"].append(
                    _row("attendance", staff=rep.code, month=month, days=days)
                )

    def _scores(self) -> None:
        """The head office's score of each rep's district, for every month that has ended."""
        for month in months()[:-1]:
            for rep in (m for m in self.staff if m.role == "rep"):
                if rep.hired_on <= month.last_day:
                    value = f"{self.rng.uniform(82, 99):.1f}"
                    self.rows["scores"].append(
                        _row(
                            "scores",
                            period=month,
                            staff=rep.code,
                            metric=HQ_SATISFACTION,
                            value=value,
                        )
                    )

    def _deductions(self) -> None:
        rng = self.rng
        for month in months():
            for plan in BRANCHES:
                for _ in range(rng.randint(3, 6)):
                    role = rng.choice(("rep", "engineer"))
                    self._deduction(plan.code, month, role, _pick(rng, RANDOM_DEDUCTION_KINDS))
        for branch, month, role, kind in PLACED_DEDUCTIONS:
            self._deduction(branch, Period.parse(month), role, kind)

    def _deduction(self, branch: str, month: Period, role: str, kind: str) -> None:
        """One event against someone employed in the month, often naming one of their tickets."""
        rng = self.rng
        last = min(month.last_day, SAMPLE_NOW.date() - timedelta(days=1))
        people = [
            m
            for m in self._of(branch, role)
            if m.hired_on <= last and not has_left(m.left_on, month.first_day)
        ]
        person = rng.choice(people)
        first = max(month.first_day, person.hired_on)
        last = min(last, person.left_on or last)
        done = [
            (code, at)
            for code, at in self.completed.get((person.code, str(month)), [])
            if at.date() <= last
        ]
        ticket = None
        if done and (kind != "branch_rule" or rng.random() < 0.2):
            ticket, completed = rng.choice(done)
            first = completed.date()
        at = _clock(
            first + timedelta(days=rng.randint(0, (last - first).days)), time(9), time(18), rng
        )
        row = _row(
            "deductions",
            staff=person.code,
            at=at,
            kind=kind,
            points=rng.choice(BRANCH_RULE_POINTS) if kind == "branch_rule" else None,
            ticket=ticket,
            note=rng.choice(DEDUCTION_NOTES[kind]),
        )
        # drawn either way, so that the other branches' data stays as it was
        if kind in _scheme_of(branch).adjustments_for(role):
            self.rows["deductions"].append(row)


@functools.cache
def _scheme_of(branch: str) -> Scheme:
    """The scheme a branch of the demo runs: a branch records only the events it takes."""
    preset = next(plan.preset for plan in BRANCHES if plan.code == branch)
    return default_scheme() if preset is None else load_preset(preset)


def _pick(rng: random.Random, weighted: tuple[tuple, ...]):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

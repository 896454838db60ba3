"""The queue: who sees which tickets, in which order, found how, page after page, from an index."""

from __future__ import annotations

import pytest
from ticket_helpers import NOW, insert_ticket, seed_staff

from storage import queue
from storage.queue import QueueFilter, caller_tickets, count_open, page_query, queue_page

# code: received, status, engineer, rep, updated, customer, phone, kind (+ completed/cancelled)
TICKETS = {
    "GZ-20261015-0001": ("2026-10-15 08:00:00", "received", None, "R1", "2026-10-15 08:00:00",
                         "张伟", "13800138000", "onsite_repair"),
    "GZ-20261009-0001": ("2026-10-09 10:00:00", "dispatched", "E1", "R2", "2026-10-14 10:00:00",
                         "李娜", "13900000002", "installation"),
    "GZ-20261008-0001": ("2026-10-08 10:00:00", "visited", "E1", "R1", "2026-10-13 10:00:00",
                         "张三", "13700000003", "onsite_repair"),
    "GZ-20260914-0001": ("2026-09-14 10:00:00", "dispatched", "E2", "R2", "2026-10-12 10:00:00",
                         "王五", "13600000004", "onsite_repair"),
    "GZ-20260901-0001": ("2026-09-01 10:00:00", "completed", "E1", "R2", "2026-09-03 10:00:00",
                         "赵六", "13500000005", "onsite_repair"),
    "GZ-20261001-0001": ("2026-10-01 10:00:00", "cancelled", None, "R1", "2026-10-02 10:00:00",
                         "钱七", "13400000006", "onsite_repair"),
    "SZ-20261015-0001": ("2026-10-15 08:30:00", "received", None, "R9", "2026-10-15 08:30:00",
                         "张伟", "13800138000", "onsite_repair"),
}  # fmt: skip
NEW, SENT, SEEN, OLD, DONE, DROPPED, SZ = TICKETS


@pytest.fixture
def crew(store):
    crew = seed_staff(store)
    for code, (received, status, eng, rep, updated, customer, phone, kind) in TICKETS.items():
        insert_ticket(
            store,
            code,
            branch=code[:2],
            received_at=received,
            status=status,
            engineer=eng,
            rep=rep,
            updated_at=updated,
            customer=customer,
            phone=phone,
            kind=kind,
            address="天河路",
            completed_at="2026-09-03 09:00:00" if status == "completed" else None,
            cancelled=int(status == "cancelled"),
        )
    return crew


def codes(store, actor, **filters) -> list[str]:
    return [row.code for row in queue_page(store, actor, QueueFilter(**filters), now=NOW)]


@pytest.fixture(params=["gathered", "walked"])
def search_path(request, monkeypatch):
    """Both ways a search runs: matches gathered by their indexes, or the activity order walked."""
    if request.param == "walked":
        monkeypatch.setattr(queue, "SEARCH_SET_LIMIT", 0)
    return request.param


def test_the_queue_shows_open_tickets_of_the_branch_newest_activity_first(store, crew):
    rows = queue_page(store, crew.rep, QueueFilter(), now=NOW)

    assert [(r.code, r.status, r.age_days, r.bucket) for r in rows] == [
        (NEW, "received", 1, "d1"),
        (SENT, "dispatched", 7, "d7"),
        (SEEN, "visited", 8, "late"),
        (OLD, "dispatched", 32, "open30"),  # open 31 days: past the 30-day limit
    ]
    assert (rows[1].customer, rows[1].engineer_name, rows[1].rep_name) == ("李娜", "李强", "陈静")
    assert (rows[0].engineer_name, rows[0].address, rows[0].kind) == (
        None,
        "天河路",
        "onsite_repair",
    )


def test_closed_tickets_show_the_bucket_they_landed_in(store, crew):
    rows = queue_page(store, crew.rep, QueueFilter(include_closed=True), now=NOW)

    assert [r.code for r in rows] == [NEW, SENT, SEEN, OLD, DROPPED, DONE]
    assert [(r.age_days, r.bucket) for r in rows[-2:]] == [(2, "d2"), (3, "d3")]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "visited"}, [SEEN]),
        ({"status": "completed"}, [DONE]),  # asking for a closed status shows it
        ({"kind": "installation"}, [SENT]),
        ({"engineer": "E1"}, [SENT, SEEN]),
        ({"engineer": "E1", "include_closed": True}, [SENT, SEEN, DONE]),
        ({"mine": True}, [NEW, SEEN]),
        ({"mine": True, "include_closed": True}, [NEW, SEEN, DROPPED]),
        ({"engineer": "E1", "kind": "installation"}, [SENT]),
    ],
)
def test_filters(store, crew, filters, expected):
    assert codes(store, crew.rep, **filters) == expected


def test_a_rep_is_told_a_ticket_was_completed_and_an_engineer_is_not(store, crew):
    """A rep's cancel key is off on a ticket once completed (the lead cancels it); an
    engineer, who cancels nothing, is not told when it was first completed, as the ticket
    itself does not tell them (perhaps another engineer's completion)."""

    def first_completion(person):
        rows = queue_page(store, person, QueueFilter(include_closed=True), now=NOW)
        return next(row.first_completed_at for row in rows if row.code == DONE)

    assert first_completion(crew.rep) == "2026-09-03 09:00:00"
    assert first_completion(crew.eng) is None


def test_an_engineer_sees_only_his_own_tickets(store, crew):
    assert codes(store, crew.eng) == [SENT, SEEN]
    assert codes(store, crew.eng, include_closed=True) == [SENT, SEEN, DONE]
    assert codes(store, crew.eng, engineer="E2") == []
    assert codes(store, crew.eng, text="王") == []  # 王五 is E2's
    assert codes(store, crew.eng, mine=True) == [SENT, SEEN]


def test_another_branch_sees_only_its_own(store, crew):
    assert codes(store, crew.other_rep, include_closed=True) == [SZ]
    assert codes(store, crew.other_rep, text="张伟") == [SZ]


def test_a_callers_tickets_are_only_those_the_person_may_see(store, crew):
    """The new-ticket form's tickets of the caller: the branch's for a rep, their own for an
    engineer, newest first, open or not."""
    for code, received, engineer in [
        ("GZ-20261010-0002", "2026-10-10 09:00:00", "E1"),
        ("GZ-20261011-0002", "2026-10-11 09:00:00", "E2"),
    ]:
        insert_ticket(store, code, received_at=received, engineer=engineer, phone="13800138000")

    def found(actor, phone="138 0013 8000") -> list[str]:
        return [row.code for row in caller_tickets(store, actor, phone, NOW)]

    assert found(crew.rep) == [NEW, "GZ-20261011-0002", "GZ-20261010-0002"]
    for phone in ("138-0013-8000", "+86 138 0013 8000", "0086-13800138000"):
        assert found(crew.rep, phone) == found(crew.rep), phone
    assert found(crew.eng) == ["GZ-20261010-0002"]
    assert found(crew.other_rep) == [SZ]


@pytest.mark.parametrize(
    ("text", "include_closed", "expected"),
    [
        ("GZ-2026100", False, [SENT, SEEN]),
        ("GZ-2026100", True, [SENT, SEEN, DROPPED]),
        ("gz-20261015", False, [NEW]),  # codes are found whatever the case typed
        ("139", False, [SENT]),
        ("138 0013", False, [NEW]),  # a phone as people say it, in groups
        ("139-0000-0002", False, [SENT]),  # or in dashes, or with China's code
        ("139-0000", False, [SENT]),
        ("+86 139 0000 0002", False, [SENT]),
        ("0086-139-0000-0002", False, [SENT]),
        ("+86 139 0000", False, [SENT]),  # part of a mobile number after China's code
        ("0086139", False, [SENT]),
        ("＋８６ １３", False, [NEW, SENT, SEEN, OLD]),
        ("+86 20", False, []),  # a landline's area code after it: kept, and none is so kept
        ("１３９－００００－０００２", False, [SENT]),
        ("-0002", False, [SENT]),
        ("135", True, [DONE]),
        ("张", False, [NEW, SEEN]),
        ("  李娜 ", False, [SENT]),
        ("13800138000", False, [NEW]),
        ("天河", False, []),  # the address is not searched
        ("1", False, [NEW, SENT, SEEN, OLD]),
        ("0004", False, [OLD]),  # the last four digits of a phone (手机尾号)
        ("0005", True, [DONE]),
        ("8000", False, [NEW]),
        ("000", False, []),  # three digits: only a prefix
        ("00004", False, []),  # five digits: only a prefix
    ],
)
def test_search_by_code_phone_or_customer_prefix(
    store, crew, search_path, text, include_closed, expected
):
    assert codes(store, crew.rep, text=text, include_closed=include_closed) == expected


def test_a_customer_is_found_whatever_the_case_of_the_latin_letters_typed(store, crew, search_path):
    """A rep types ``li lei`` for a customer recorded as ``Li Lei``; Chinese names and the
    letters' order in the alphabet are as before."""
    latin = {"GZ-L1": "Li Lei", "GZ-L2": "LIN Feng", "GZ-L3": "李雷", "GZ-L4": "Lu Ming"}
    for n, (code, customer) in enumerate(latin.items()):
        insert_ticket(store, code, updated_at=f"2026-10-14 0{n}:00:00", customer=customer)

    assert codes(store, crew.rep, text="li lei") == ["GZ-L1"]
    assert codes(store, crew.rep, text="Li Lei") == ["GZ-L1"]
    assert codes(store, crew.rep, text="LI") == ["GZ-L2", "GZ-L1"]
    assert codes(store, crew.rep, text="lin f") == ["GZ-L2"]
    assert codes(store, crew.rep, text="李") == [SENT, "GZ-L3"]  # 李雷 and 李娜, no Li
    assert codes(store, crew.rep, text="lj") == []  # past "li…", before "lu…"


def test_search_keeps_the_other_filters(store, crew, search_path):
    assert codes(store, crew.rep, text="1", engineer="E1", include_closed=True) == [
        SENT,
        SEEN,
        DONE,
    ]
    assert codes(store, crew.rep, text="张", mine=True, status="visited") == [SEEN]


@pytest.fixture
def busy(store, crew):
    """Twelve more open tickets, seven of them touched in the very same second."""
    for n in range(12):
        updated = "2026-10-14 12:00:00" if n < 7 else f"2026-10-14 13:0{n - 7}:00"
        insert_ticket(
            store,
            f"GZ-P{n:02d}",
            updated_at=updated,
            customer=f"潘{n}",
            phone=f"1880000{n:04d}",
        )
    return crew


@pytest.mark.parametrize("filters", [{}, {"include_closed": True}, {"text": "GZ-P"}])
def test_keyset_pages_walk_everything_once_in_order(store, busy, search_path, filters):
    everything = codes(store, busy.rep, **filters)
    seen, after = [], None
    while True:
        page = queue_page(store, busy.rep, QueueFilter(**filters), after=after, limit=3, now=NOW)
        if not page:
            break
        assert len(page) <= 3
        seen += [row.code for row in page]
        after = (page[-1].updated_at, page[-1].id)
    assert seen == everything
    assert len(set(seen)) == len(seen)
    if filters.get("text"):
        assert len(seen) == 12
    same_second = [c for c in seen if c.startswith("GZ-P") and int(c[-2:]) < 7]
    assert same_second == [f"GZ-P{n:02d}" for n in range(6, -1, -1)]  # newest id first


def test_count_open(store, crew):
    assert count_open(store, crew.rep) == 4
    assert count_open(store, crew.eng) == 2
    assert count_open(store, crew.other_rep) == 1


SHAPES = [
    {},
    {"include_closed": True},
    {"status": "dispatched"},
    {"status": "completed"},
    {"kind": "installation"},
    {"kind": "installation", "include_closed": True},
    {"engineer": "E1"},
    {"engineer": "E1", "include_closed": True},
    {"mine": True},
    {"mine": True, "include_closed": True},
    {"text": "GZ-2026"},
    {"text": "138", "include_closed": True},
    {"text": "张", "kind": "onsite_repair"},
    {"text": "0004"},
    {"text": "0004", "include_closed": True},
]


# A search index read for a whole branch: its range (code, phone, name) left unused.
SEARCHED_WHOLE = tuple(
    f"INDEX tickets_branch_{column} (branch=?)" for column in ("code", "phone", "customer")
)


def plan(store, actor, filters, after) -> list[str]:
    sql, params = page_query(store, actor, QueueFilter(**filters), after)
    return [row[3] for row in store.query("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("who", ["rep", "eng"])
def test_every_queue_shape_reads_through_an_index(store, crew, search_path, who):
    """A million tickets stay fast only if no shape scans the table or sorts all of it."""
    actor = crew.rep if who == "rep" else crew.eng
    for filters in SHAPES:
        for after in (None, ("2026-10-14 10:00:00", 2)):
            steps = plan(store, actor, filters, after)
            assert not [s for s in steps if s.startswith(("SCAN t", "SCAN tickets"))], steps
            assert any("USING INDEX" in s or "USING COVERING INDEX" in s for s in steps), steps
            # a search reads its own range of each index, not the branch's whole index
            whole = [s for s in steps if s.endswith(SEARCHED_WHOLE)]
            assert not whole, (filters, steps)
            if search_path == "walked" or "text" not in filters or who == "eng":
                # pages come straight off the index in queue order: no sort of all matches
                assert "USE TEMP B-TREE FOR ORDER BY" not in steps, (filters, steps)

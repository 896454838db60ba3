#!/usr/bin/env bash
# End-to-end check of the rankings and the own-figures screens of the real `fieldkpi`
# TUI in an 80×24 terminal (tmux).
#
# Imports last month's tickets of a small branch with the real CLI, then:
#   - as the lead (周经理): the rankings of last month, both tabs, the facts behind the
#     top engineer's number, his trend chart, an export whose rows are those of
#     `fieldkpi rank` (and a second one that keeps the first file), and closing the
#     month (checked in the database);
#   - as the engineer 李强: his own figures of that month — his rank and points — and
#     never the other engineer's name (赵磊) or the lead's, on any tab.
#
#   scripts/tmux_e2e_rankings.sh       # uses `fieldkpi` from PATH
#   FIELDKPI="/tmp/v/bin/python -m fieldkpi" scripts/tmux_e2e_rankings.sh
#   KEEP=1 scripts/tmux_e2e_rankings.sh
#
# Exit status 0 when everything was seen and stored as expected.
set -euo pipefail

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh" e2e-rank
export XDG_DATA_HOME="$WORK/data" # the exports folder: $WORK/data/fieldkpi/exports

# --- last month (M) of branch GZ ------------------------------------------------------
# 李强: T1 on day 1 (20) → 20 × 2.5 = 50;  赵磊: T2 on day 8, late (−15) → −37.50;
# both rated 5 → tied → 50 satisfaction points each  ⇒  李强 100.00 (1st), 赵磊 12.50 (2nd);
# of two, one rank is paid at each end: +¥200, −¥100.
M=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
cat >"$WORK/staff.csv" <<CSV
code,name,role,branch,hired_on,login
R1,王芳,rep,GZ,2024-01-01,wangfang
E1,李强,engineer,GZ,2023-03-01,liqiang
E2,赵磊,engineer,GZ,2025-06-01,zhaolei
L1,周经理,lead,GZ,2020-01-01,zhoujl
CSV
cat >"$WORK/tickets.csv" <<CSV
code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,$M-03 09:00,$M-03 15:00,E1,R1,$M-04 10:00,5
T2,GZ,onsite_repair,$M-05 09:00,$M-12 11:00,E2,R1,$M-13 10:00,5
CSV
$FIELDKPI import --db "$DB" "$WORK/staff.csv" "$WORK/tickets.csv" >/dev/null

# --- the lead: rankings, facts, export, closing ---------------------------------------
tmux_ new-session -d -x 80 -y 24 -s lead "$FIELDKPI --db '$DB' --as zhoujl --lang en"
wait_for "Rankings — 周经理 · lead · GZ"
wait_for "PROVISIONAL — as of" # the running month
keys '['
wait_for "As of $M-$(date -d "$M-01 +1 month -1 day" +%d) 23:59:59 · not closed yet"
wait_for "王芳"
keys t
wait_for "李强"
wait_for "赵磊"
wait_for "12.50" # every total and reward in view at 80 columns
wait_for "-¥100"
keys Enter # on the top engineer's rank: his facts, timeliness first
wait_for "李强 (E1) · engineer · GZ · $M · rank 1 · total 100.00"
wait_for "1 order, 20.00 points → timeliness 20.00"
keys Escape
wait_for "⏎ the facts behind a number"
keys r # his last twelve months, each KPI, the branch's average
wait_for "李强 (E1) · engineer · GZ"
wait_for "┃ average"
wait_for "Completion timeliness"
keys Escape
wait_for "⏎ the facts behind a number"

keys x
wait_for "Export the rankings of GZ, $M"
keys Enter # no name typed: the branch and the month
wait_for "Exported 3 rows to"
EXPORTS="$WORK/data/fieldkpi/exports"
$FIELDKPI rank --db "$DB" --month "$M" --branch GZ --format csv -o "$WORK/rank.csv"
# The same rows as `fieldkpi rank`; the headings are for people (the CLI keeps the names).
cmp -s <(tail -n +2 "$EXPORTS/fieldkpi-GZ-$M.csv") <(tail -n +2 "$WORK/rank.csv") ||
    fail "the export's rows differ from fieldkpi rank"
echo "export: the rows of fieldkpi rank"
keys x
wait_for "Export the rankings of GZ, $M"
keys Tab Enter # on the format (CSV), the last field: Enter exports
wait_for "it is kept." # the toast wraps: "… was there already: it is kept."
[ -f "$EXPORTS/fieldkpi-GZ-$M-2.csv" ] || fail "the second export has no name of its own"

keys c
wait_for "Close $M of branch GZ"
keys Enter
wait_for "Closed by 周经理"
quit lead
expect_sql "SELECT branch, period, action, by FROM month_closings" "GZ|$M|close|L1"
expect_sql "SELECT count(*) FROM frozen_rows" "3"

# --- the engineer: his own figures, nobody else's -------------------------------------
tmux_ new-session -d -x 80 -y 24 -s engineer "$FIELDKPI --db '$DB' --as liqiang --lang en"
wait_for "My figures — 李强 · engineer · GZ"
keys '['
wait_for "Closed: these figures are final"
wait_for "Rank 1 of 2 · total 100.00 · reward +¥200"
never_shown "to the next rank up" # the next person's total, less one's own
wait_for "1 order, 20.00 points → timeliness 20.00"
for tab in "Fix first is about the running month" "satisfied (rated" "┃ average"; do
    never_shown "赵磊"
    never_shown "周经理"
    never_shown "12.50" # the other engineer's total
    keys t
    wait_for "$tab"
done
never_shown "赵磊"
keys F2
wait_for "Tickets — 李强 · engineer · GZ"
quit engineer

echo "OK: rankings as the lead and own figures as the engineer at 80x24"

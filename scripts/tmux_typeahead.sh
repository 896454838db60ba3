#!/usr/bin/env bash
# Keys typed ahead are all saved: the real `fieldkpi` in an 80×24 tmux terminal.
#
# A fast typist, or a slow SSH link that delivers a second of typing at once,
# sends the text and the save key with no gap between them. Each burst below is
# one `tmux send-keys` call: the key that opens a form, the letters of a reason
# or a comment, Tab between fields, and Ctrl+S, all in the terminal's input
# together. The database must then hold every letter. (Before the fixes, 5
# bursts of 5 lost their text: first to the save key, then to the opening key.)
#
#   scripts/tmux_typeahead.sh            # uses `fieldkpi` from PATH
#   FIELDKPI="/tmp/v/bin/python -m fieldkpi" KEEP=1 scripts/tmux_typeahead.sh
#
# Exit status 0 when every burst was stored whole.
set -euo pipefail

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh" typeahead

# --- two reps, one engineer; five tickets to cancel, one of R2's completed to call back ----
cat >"$WORK/staff.csv" <<'CSV'
code,name,role,branch,hired_on,login
R1,王芳,rep,GZ,2024-01-01,wangfang
R2,陈静,rep,GZ,2024-01-01,chenjing
E1,李强,engineer,GZ,2023-03-01,liqiang
CSV
{
    echo "code,branch,kind,received_at,completed_at,engineer,rep,customer"
    # received in the last days: a rep cancels a ticket only within its 30-day limit
    for n in 1 2 3 4 5; do
        echo "T$n,GZ,onsite_repair,$(date -d "-$n days" '+%Y-%m-%d') 09:00,,,R1,Customer $n"
    done
    echo "T9,GZ,onsite_repair,2025-12-01 09:00,2025-12-02 10:00,E1,R2,Customer 9"
} >"$WORK/tickets.csv"
$FIELDKPI import --db "$DB" "$WORK/staff.csv" "$WORK/tickets.csv" >/dev/null

tmux_ new-session -d -x 80 -y 24 -s typeahead "$FIELDKPI --db '$DB' --as wangfang --lang en"
wait_for "5 open"

# --- five cancellations: x, the reason and Ctrl+S in one burst each ----------------------
# The reason is typed before the form that takes it has opened (screens/keygate.py).
for n in 1 2 3 4 5; do
    keys x "reason $n typed ahead of the save key, all of it" C-s
    # The next x acts on the row under the cursor: wait until the list shows the save.
    wait_for "$((5 - n)) open"
done
expect_sql "SELECT count(*) FROM tickets WHERE status = 'cancelled'" "5"
expect_sql "SELECT count(*) FROM tickets WHERE cancel_reason LIKE 'reason _ typed ahead of the save key, all of it'" "5"

# --- a callback: rating, Tab, comment, Ctrl+S in one burst (two fields) ------------------
keys /
keys T9 Enter # the search looks in closed tickets too, and hands the focus to the list
wait_for "1 shown"
keys b
wait_for "Customer callback"
# A typo mended in the same burst: Backspace acts where it was typed, not after the rest.
keys 4 Tab "fixed on the first visit, very politw" BSpace "e" C-s
wait_gone "Customer callback"
expect_sql "SELECT rating || '|' || callback_note FROM tickets WHERE code = 'T9'" \
    "4|fixed on the first visit, very polite"

# --- a new ticket: its kind chosen from the menu, then Tab and the fault, in one burst ------
# The menu hands the choice to its field a message after Enter: the Tab and the fault
# typed with it went to the closing menu and were lost (the ticket saved with no fault).
keys n
wait_for "Received"
keys "Customer 10" Tab 13800000010 Tab "Road 10" Tab Tab Enter Down Enter Tab "no power, light blinks" C-s
wait_for "1 open"
expect_sql "SELECT kind || '|' || fault FROM tickets WHERE customer = 'Customer 10'" \
    "onsite_repair|no power, light blinks"

quit typeahead
echo "OK: every key typed ahead of Ctrl+S was saved (7 bursts)"

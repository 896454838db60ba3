#!/usr/bin/env bash
# A paste with terminal escapes in it is kept whole and in order: the real `fieldkpi` in an
# 80×24 tmux terminal, the text pasted as tmux pastes it (bracketed, the ESCs passed on).
#
# Textual's parser read an ESC inside a paste as the start of keys: the keys were typed
# first, the paste (what came before the first ESC) after them, so "前␛[31mRED␛[0m后"
# was stored as "^[31mRED^[0m后前" (screens/terminal_input.py). Each ESC is dropped,
# the rest kept as pasted.
#
#   scripts/tmux_paste.sh            # uses `fieldkpi` from PATH
#   FIELDKPI="/tmp/v/bin/python -m fieldkpi" KEEP=1 scripts/tmux_paste.sh
#
# Exit status 0 when the search box and the stored reason hold the text in order.
set -euo pipefail

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh" paste

# --- one engineer, with a deduction that stands (imported), to contest -------------------
cat >"$WORK/staff.csv" <<'CSV'
code,name,role,branch,hired_on,login
R1,王芳,rep,GZ,2024-01-01,wangfang
E1,李强,engineer,GZ,2023-03-01,liqiang
CSV
cat >"$WORK/deductions.csv" <<CSV
staff,at,kind,points,note
E1,$(date -d "-1 day" '+%Y-%m-%d') 10:00,violation,,未穿工服
CSV
$FIELDKPI import --db "$DB" "$WORK/staff.csv" "$WORK/deductions.csv" >/dev/null

tmux_ new-session -d -x 80 -y 24 -s paste "$FIELDKPI --db '$DB' --as liqiang --lang en"
wait_for "f2 Tickets"

# --- the search box shows the paste in order -----------------------------------------------
keys F2
wait_for "code, phone"
keys /
paste "$(printf 'Ab\e[31mR\e[0mZ')"
wait_for "Ab[31mR[0mZ"
never_shown "^["
keys Escape

# --- a contest: typed markup, then the paste; stored in order, markup as text ------------
keys F6
wait_for "c Contest"
keys c
wait_for "Reason"
keys -l "[bold]不是我[/] 结束"
paste "$(printf '前\e[31mRED\e[0m后')"
wait_for "结束前[31mRED[0m后"
keys C-s
wait_for "contested"
expect_sql "SELECT reason FROM appraisal_reviews WHERE action = 'contest'" \
    "[bold]不是我[/] 结束前[31mRED[0m后"

quit paste
echo "OK: pasted escapes dropped, the rest kept in order (search box, contest reason)"

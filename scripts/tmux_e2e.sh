#!/usr/bin/env bash
# End-to-end check of the real `fieldkpi` TUI in an 80×24 terminal (tmux).
#
# Builds a fresh database with the real CLI (`fieldkpi import staff.csv`), runs
# `fieldkpi --db DB --as wangfang` in a detached tmux session on a private
# socket, then by keys: opens a ticket, dispatches it and completes it. After
# each key it polls `tmux capture-pane -p` until the expected text shows (no
# fixed sleeps), then checks the database with sqlite3.
#
#   scripts/tmux_e2e.sh                # uses `fieldkpi` from PATH
#   FIELDKPI="/tmp/v/bin/python -m fieldkpi" scripts/tmux_e2e.sh
#   KEEP=1 scripts/tmux_e2e.sh         # keep the work folder to look at
#
# Exit status 0 when everything was seen and stored as expected.
set -euo pipefail

FIELDKPI=${FIELDKPI:-fieldkpi}
TIMEOUT=${TIMEOUT:-20} # seconds to wait for any one expected screen
SOCKET="fieldkpi-e2e-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fieldkpi-e2e.XXXXXX")
DB="$WORK/e2e.db"
export LC_ALL=C.UTF-8 LANG=C.UTF-8

tmux_() { tmux -u -L "$SOCKET" "$@"; }

cleanup() {
    tmux_ kill-server 2>/dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKET"
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "--- screen ---" >&2
    tmux_ capture-pane -p >&2 2>/dev/null || true
    exit 1
}

# Poll the screen until it contains TEXT (a fixed string).
wait_for() {
    local text=$1 deadline=$((SECONDS + TIMEOUT))
    until tmux_ capture-pane -p | grep -qF -- "$text"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "did not see \"$text\" within ${TIMEOUT}s"
        sleep 0.1
    done
    echo "seen: $text"
}

# Poll the screen until TEXT is gone (a menu closed).
wait_gone() {
    local text=$1 deadline=$((SECONDS + TIMEOUT))
    while tmux_ capture-pane -p | grep -qF -- "$text"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "\"$text\" still shown after ${TIMEOUT}s"
        sleep 0.1
    done
}

keys() { tmux_ send-keys "$@"; }

# Text goes in as a bracketed paste, as a terminal sends it: any characters work.
paste() {
    tmux_ set-buffer -- "$1"
    tmux_ paste-buffer -p -d
}

sql() { sqlite3 -batch -noheader "$DB" "$1"; }

expect_sql() {
    local got
    got=$(sql "$1")
    [ "$got" = "$2" ] || fail "database: $1
  expected: $2
  got:      $got"
    echo "stored: $2" | head -n 1
}

# --- a branch with one rep and two engineers, through the real import -------------
cat >"$WORK/staff.csv" <<'CSV'
code,name,role,branch,hired_on,login
R1,王芳,rep,GZ,2024-01-01,wangfang
E1,李强,engineer,GZ,2023-03-01,liqiang
E2,赵磊,engineer,GZ,2025-06-01,zhaolei
CSV
$FIELDKPI import --db "$DB" "$WORK/staff.csv" >/dev/null

TODAY=$(date +%Y%m%d)
CODE="GZ-$TODAY-0001"

tmux_ new-session -d -x 80 -y 24 -s e2e "$FIELDKPI --db '$DB' --as wangfang --lang en"
wait_for "Tickets — 王芳 · rep · GZ"
wait_for "0 open · 0 shown"

# --- new ticket: customer, phone, address, (product), fault, then the kind menu ------
# Tab moves on the moment it arrives, so text pasted right after it lands in the next
# field; the kind menu goes last, as closing it hands the focus back a moment later.
keys n
wait_for "New ticket"
paste "张伟"
keys Tab
paste "13800138000"
keys Tab
paste "天河路 1 号"
keys Tab Tab Tab
paste "无法开机"
keys BTab Enter
wait_for "installation"
keys Down Enter
wait_gone "installation"
keys C-s
wait_for "$CODE  received"
wait_for "1 open · 1 shown"

# --- dispatch: the picker lists the branch's engineers; Enter takes 李强 ---------------
keys d
wait_for "Dispatch to an engineer"
wait_for "赵磊"
keys Enter
wait_for "$CODE  dispatched"

# --- complete with a resolution -------------------------------------------------------
keys c
wait_for "Complete the ticket"
paste "更换电源板"
keys Enter
wait_for "0 open · 0 shown"

keys C-q
deadline=$((SECONDS + TIMEOUT))
while tmux_ has-session -t e2e 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "fieldkpi did not quit on Ctrl+Q"
    sleep 0.1
done

# --- what the database holds -------------------------------------------------------------
expect_sql "SELECT code, status, engineer, rep, customer, phone, address, kind, fault, resolution FROM tickets" \
    "$CODE|completed|E1|R1|张伟|13800138000|天河路 1 号|onsite_repair|无法开机|更换电源板"
expect_sql "SELECT group_concat(step || ':' || field, ' ') FROM ticket_history WHERE step != 'create'" \
    "dispatch:status dispatch:engineer dispatch:dispatched_at complete:status complete:completed_at complete:resolution"
expect_sql "SELECT count(*) FROM ticket_history WHERE step = 'create' AND by = 'R1'" "8"
expect_sql "SELECT group_concat(staff || ':' || action || ':' || ticket, ' ') FROM actions" \
    "R1:intake:$CODE R1:dispatch:$CODE R1:complete:$CODE"
echo "OK: ticket $CODE taken in, dispatched and completed by keys at 80x24"

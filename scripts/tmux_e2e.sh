#!/usr/bin/env bash
# End-to-end check of the real `fieldkpi` TUI in an 80×24 terminal (tmux).
#
# Builds a fresh database with the real CLI (`fieldkpi import staff.csv`), runs
# `fieldkpi --db DB --as wangfang` in a detached tmux session on a private
# socket, then by keys: opens a ticket, dispatches it and completes it. After
# each key it polls `tmux capture-pane -p` until the expected text shows (no
# fixed sleeps), then checks the database with sqlite3.
#
# LANG_UNDER_TEST picks the language: `en` (the default) starts the TUI with
# `--lang en`; `zh` starts it with LANG=zh_CN.UTF-8 and no flag, so the language
# comes from the locale, and every expected text is the Chinese one.
#
#   scripts/tmux_e2e.sh                # uses `fieldkpi` from PATH
#   LANG_UNDER_TEST=zh scripts/tmux_e2e.sh
#   FIELDKPI="/tmp/v/bin/python -m fieldkpi" scripts/tmux_e2e.sh
#   KEEP=1 scripts/tmux_e2e.sh         # keep the work folder to look at
#
# Exit status 0 when everything was seen and stored as expected.
set -euo pipefail

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh" e2e

# What the screens say at each step, in the language under test.
case "${LANG_UNDER_TEST:-en}" in
en)
    START="--lang en"
    QUEUE="Tickets — 王芳 · rep · GZ" NONE="0 open · 0 shown" ONE="1 open · 1 shown"
    NEW_FORM="New ticket" KIND_MENU="installation" RECEIVED="received"
    PICKER="Dispatch to an engineer" DISPATCHED="dispatched" COMPLETE_FORM="Complete the ticket"
    ;;
zh)
    START="" # the language comes from LANG
    QUEUE="工单 — 王芳 · 客服代表 · GZ" NONE="0 单未完成 · 显示 0 单" ONE="1 单未完成 · 显示 1 单"
    NEW_FORM="保存工单" KIND_MENU="上门安装" RECEIVED="已受理"
    PICKER="派工给工程师" DISPATCHED="已派工" COMPLETE_FORM="故障是怎样解决的"
    ;;
*)
    echo "LANG_UNDER_TEST must be en or zh, not ${LANG_UNDER_TEST}" >&2
    exit 2
    ;;
esac

# --- a branch with one rep and two engineers, through the real import -------------
cat >"$WORK/staff.csv" <<'CSV'
code,name,role,branch,hired_on,login
R1,王芳,rep,GZ,2024-01-01,wangfang
E1,李强,engineer,GZ,2023-03-01,liqiang
E2,赵磊,engineer,GZ,2025-06-01,zhaolei
CSV
$FIELDKPI import --db "$DB" "$WORK/staff.csv" >/dev/null

TODAY=$(date +%y%m%d)
CODE="GZ${TODAY}001"

LOCALE="" # zh: a Chinese LANG (LC_CTYPE keeps the terminal's UTF-8 locale, which exists)
[ "${LANG_UNDER_TEST:-en}" = zh ] && LOCALE="env -u LC_ALL LC_CTYPE=C.UTF-8 LANG=zh_CN.UTF-8"
tmux_ new-session -d -x 80 -y 24 -s e2e "$LOCALE $FIELDKPI --db '$DB' --as wangfang $START"
wait_for "$QUEUE"
wait_for "$NONE"

# --- new ticket: customer, phone, address, (product), fault, then the kind menu ------
# Tab moves on the moment it arrives, so text pasted right after it lands in the next
# field; the kind menu goes last, as closing it hands the focus back a moment later.
keys n
wait_for "$NEW_FORM"
paste "张伟"
keys Tab
paste "13800138000"
keys Tab
paste "天河路 1 号"
keys Tab Tab Tab
paste "无法开机"
keys BTab Enter
wait_for "$KIND_MENU"
keys Down Enter
wait_gone "$KIND_MENU"
keys C-s
wait_for "$CODE  $RECEIVED"
wait_for "$ONE"

# --- dispatch: the picker lists the branch's engineers; Enter takes 李强, on to When -------
keys d
wait_for "$PICKER"
wait_for "赵磊"
keys Enter Enter  # the time, left empty: now
wait_for "$CODE  $DISPATCHED"

# --- complete with a resolution -------------------------------------------------------
keys c
wait_for "$COMPLETE_FORM"
paste "更换电源板"
keys Enter Enter  # the resolution, then the time: left empty, now
wait_for "$NONE"

quit e2e

# --- what the database holds -------------------------------------------------------------
expect_sql "SELECT code, status, engineer, rep, customer, phone, address, kind, fault, resolution FROM tickets" \
    "$CODE|completed|E1|R1|张伟|13800138000|天河路 1 号|onsite_repair|无法开机|更换电源板"
expect_sql "SELECT group_concat(step || ':' || field, ' ') FROM ticket_history WHERE step != 'create'" \
    "dispatch:status dispatch:engineer dispatch:dispatched_at complete:status complete:completed_at complete:resolution"
expect_sql "SELECT count(*) FROM ticket_history WHERE step = 'create' AND by = 'R1'" "8"
expect_sql "SELECT group_concat(staff || ':' || action || ':' || ticket, ' ') FROM actions" \
    "R1:intake:$CODE R1:dispatch:$CODE R1:complete:$CODE"
echo "OK (${LANG_UNDER_TEST:-en}): ticket $CODE taken in, dispatched and completed by keys at 80x24"

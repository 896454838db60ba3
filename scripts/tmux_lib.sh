# Shared by the tmux end-to-end scripts: drive one `fieldkpi` TUI in a detached tmux
# session on a private socket and poll what the screen shows (no fixed sleeps).
#
# Source it with the script's NAME (`. tmux_lib.sh NAME`): it sets FIELDKPI (`fieldkpi`
# unless given), TIMEOUT (seconds to wait for any one expected screen; 20 unless given),
# SOCKET, WORK (a fresh folder) and DB (NAME.db in it) and a UTF-8 locale, and installs an
# EXIT trap that kills the tmux server and removes WORK (unless KEEP is set).

FIELDKPI=${FIELDKPI:-fieldkpi}
TIMEOUT=${TIMEOUT:-20}
SOCKET="fieldkpi-$1-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fieldkpi-$1.XXXXXX")
DB="$WORK/$1.db"
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

# Fail if the screen shows TEXT now (call it after a wait_for of what must be there).
never_shown() {
    if tmux_ capture-pane -p | grep -qF -- "$1"; then
        fail "\"$1\" is on the screen and must not be"
    fi
    echo "not shown: $1"
}

keys() { tmux_ send-keys "$@"; }

# Text goes in as a bracketed paste, as a terminal sends it: any characters work.
paste() {
    tmux_ set-buffer -- "$1"
    tmux_ paste-buffer -p -d
}

# Ctrl+Q, then wait until the session SESSION has ended.
quit() {
    keys C-q
    local deadline=$((SECONDS + TIMEOUT))
    while tmux_ has-session -t "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || fail "fieldkpi did not quit on Ctrl+Q"
        sleep 0.1
    done
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

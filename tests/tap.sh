# shellcheck shell=bash
# tests/tap.sh: what the command-line tests (cli.sh, cli_eval.sh, cli_options.sh, ...) share: TAP
# lines and the checks they run the binary with. Sourced, never run. ga_tap_init NAME GRIDALIGN
# sets bin (the binary, absolute), tmp (a fresh directory, removed at exit) and the counters;
# ga_tap_end prints the plan and exits with the result.

ga_tap_init() {
    bin=$(readlink -f "$2")
    tmp=$(mktemp -d "/tmp/ga_$1_XXXXXX")
    # Only this shell removes it: bash can run an inherited EXIT trap in a background subshell
    # that is killed right after it starts (a watchdog, tests/cli_signal.sh), which would remove
    # the directory under the running test.
    trap '[[ $BASHPID == '"$BASHPID"' ]] && rm -rf "$tmp"' EXIT
    n=0
    failed=0
}

ga_tap_end() {
    echo "1..$n"
    exit $failed
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# check DESC COMMAND...: one test line, ok when the command succeeds
check() {
    local d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d" "failed: $*"; fi
}

# run EXPECTED_CODE ARGS...: runs the binary; stdout in $tmp/out, stderr in $tmp/err, the exit
# code in $code
run() {
    local want=$1
    shift
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    code=$?
    [[ $code -eq $want ]] || { echo "# exit $code, wanted $want: $*"; sed 's/^/# err: /' "$tmp/err"; return 1; }
}

# interrupt SIGNAL STAGE ARGS...: starts the binary with ARGS, waits until a file or directory
# matching the glob STAGE exists (PID in it stands for the process's id: its staging
# directory), sends SIGNAL; the exit code in $code, stdout in $tmp/out, stderr in $tmp/err.
interrupt() {
    local sig=$1 stage=$2
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err" &
    local pid=$! i
    stage=${stage//PID/$pid}
    for ((i = 0; i < 200; i++)); do
        compgen -G "$stage" >/dev/null && break
        sleep 0.05
    done
    kill "-$sig" "$pid"
    # A build that ignores the signal would train for minutes: fail instead.
    (sleep 30 && kill -KILL "$pid") >/dev/null 2>&1 &
    local watchdog=$!
    wait "$pid"
    code=$?
    kill "$watchdog" 2>/dev/null
}

has() { grep -q -- "$1" "$tmp/${2:-out}" || { echo "# no '$1' in ${2:-out}"; return 1; }; }
err_is() { [[ $(cat "$tmp/err") == "$1" ]] || { echo "# got:  $(cat "$tmp/err")"; echo "# want: $1"; return 1; }; }
lines() { [[ $(wc -l <"$1") -eq $2 ]] || { echo "# $1 has $(wc -l <"$1") lines, want $2"; return 1; }; }
one_line() { [[ $(wc -l <"$tmp/err") -eq 1 ]]; }

# A JSON report without the lines that hold times, paths or the build's identity (the keys
# tests/golden.sh drops, but for unlearned_*, which it drops for its recorded sums), and a JUnit
# report without its times: what is left is the result, to compare across runs.
ga_stable_json() {
    grep -Ev '"(wall_seconds|train_seconds|steps_per_second|git_commit|gridalign_version|abs_path|run_dir)":[[:space:]]' "$1"
}
ga_stable_junit() { sed -E 's/ time="[^"]*"//g' "$1"; }

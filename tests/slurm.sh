#!/usr/bin/env bash
# tests/slurm.sh GRIDALIGN: gridalign slurm on a real Slurm: starts a one-node cluster on this
# machine (munged, slurmctld and slurmd with a generated slurm.conf; every file, pid, spool,
# state and socket in a temporary directory), submits a small batch as a job array of 3 with
# `gridalign slurm batch ... --submit`, waits for the array and the merge job, and compares the
# merged batch with the unsharded one: its JSON and JUnit without wall times, its PASS/FAIL
# lines and its exit status. The daemons and their jobs are stopped at the end whatever happens.
# Needs root and Debian's slurm-wlm and munge (tools/test installs them); exits 77 (skip) without
# them. Prints one line per check; meson runs it from the repo root (suite 'slurm').
set -u
root=$(pwd -P)
# The daemons live in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

skip() {
    echo "SKIP: $1"
    exit 77
}
[[ $EUID -eq 0 ]] || skip "not root: the test starts munged, slurmctld and slurmd as root"
for p in munged slurmctld slurmd sbatch scontrol scancel sinfo; do
    command -v "$p" >/dev/null 2>&1 ||
        skip "$p is not installed (Debian: apt-get install slurm-wlm munge)"
done

bin=$(readlink -f "$1")
tmp=$(mktemp -d /tmp/ga_slurm_XXXXXX)
# The cluster's files: munge's key and socket, Slurm's configuration, state, spool, logs and pid
# files. Short, since a unix socket's path is limited to 108 bytes.
c=$tmp/c
conf=$c/slurm.conf
export SLURM_CONF=$conf
pids=()

# Every process of this cluster: the daemons and whatever they started (slurmstepd, the jobs)
# inherit SLURM_CONF from here, so they are found by it, and no other Slurm or munge on the
# machine is touched.
ours() {
    local e p
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}
        p=${p%/environ}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        grep -qzxF "SLURM_CONF=$conf" "$e" 2>/dev/null && echo "$p"
    done
}
stop_cluster() {
    scancel --quiet --full "${ids[@]}" 2>/dev/null
    local p k
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for k in 1 2 3 4 5 6 7 8 9 10; do
        [[ -z $(ours) ]] && break
        sleep 0.5
    done
    for p in $(ours); do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
}
ids=()
trap 'stop_cluster; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# The checks' lines (ok, not_ok, check) and the stable reports (ga_stable_json, ga_stable_junit)
# of the command-line tests; not their TAP plan or exit, since a skip must exit 77.
# shellcheck source=tests/tap.sh
source "$root/tests/tap.sh"
n=0
failed=0
# Everything the cluster wrote, for a failure's diagnosis.
show_logs() {
    local f
    for f in "$c"/*.log "$c"/*.out "$tmp"/sharded*/b/slurm/logs/*; do
        [[ -f $f ]] || continue
        echo "---- ${f#"$tmp"/}"
        tail -n 40 "$f"
    done
}
die() {
    echo "not ok - $1"
    show_logs
    exit 1
}

# ---- the cluster -----------------------------------------------------------------------------
mkdir -p "$c/state" "$c/spool" "$c/munge"
# munged wants its socket's directory open to all, its key readable by its user alone.
chmod 755 "$c/munge"
dd if=/dev/urandom of="$c/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$c/munge/munge.key"

# Two free TCP ports for slurmctld and slurmd: nothing answers there.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        (: </dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
    done
}
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [[ $slurmd_port == "$ctld_port" ]]; do slurmd_port=$(free_port); done
host=$(hostname -s)
cpus=$(nproc)

# What a one-node cluster in a container without systemd needs: root as the Slurm user, process
# tracking by the process tree and no task plugin (no cgroups), no accounting database (job
# states from slurmctld, kept an hour by MinJobAge), munge through this test's socket. A merge
# whose array failed is cancelled (kill_invalid_depend), not left pending.
cat >"$conf" <<CONF
ClusterName=gatest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$c/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$c/state
SlurmdSpoolDir=$c/spool
SlurmctldPidFile=$c/slurmctld.pid
SlurmdPidFile=$c/slurmd.pid
SlurmctldLogFile=$c/slurmctld.log
SlurmdLogFile=$c/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
DependencyParameters=kill_invalid_depend
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

munged -F --force --key-file="$c/munge/munge.key" --socket="$c/munge/munge.sock" \
    --pid-file="$c/munge/munged.pid" --log-file="$c/munged.log" \
    --seed-file="$c/munge/munged.seed" >"$c/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    [[ -S $c/munge/munge.sock ]] && break
    sleep 0.2
done
[[ -S $c/munge/munge.sock ]] || die "munged started"
slurmctld -D -f "$conf" >"$c/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" -N "$host" >"$c/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 60); do
    if [[ $(sinfo -h -o %t 2>/dev/null) == idle ]]; then
        up=1
        break
    fi
    sleep 0.5
done
[[ $up -eq 1 ]] || die "the one-node cluster came up (sinfo: $(sinfo -h 2>&1))"
ok "a one-node cluster is up: $host, $cpus CPUs, ports $ctld_port and $slurmd_port"

# ---- the batch, unsharded and through Slurm ---------------------------------------------------
# The same relative arguments in two directories, so that every path the outputs hold compares;
# the sharded one with a space and a quote in its name, which the scripts must carry through.
args=(batch strawberry.json --seeds 3 --steps 3000 --episodes 20 --reference 3 --out b
    --json b.json --junit b.xml)
whole=$tmp/whole
sharded="$tmp/sharded d'q"
mkdir -p "$whole" "$sharded"
cp "$root/scenarios/strawberry.json" "$whole/"
cp "$root/scenarios/strawberry.json" "$sharded/"
(cd "$whole" && "$bin" "${args[@]}" --threads 2 --quiet >stdout.txt 2>stderr.txt)
whole_code=$?
check "the unsharded batch ran (exit $whole_code)" test "$whole_code" -le 1

(cd "$sharded" && "$bin" slurm "${args[@]}" --array 3 --submit >slurm.txt 2>slurm.err)
code=$?
sed 's/^/# /' "$sharded/slurm.txt" "$sharded/slurm.err"
[[ $code -eq 0 ]] || die "gridalign slurm ... --submit exited $code"
array=$(sed -n 's/^submitted array job \([0-9]*\) .* merge job \([0-9]*\),.*/\1/p' "$sharded/slurm.txt")
merge=$(sed -n 's/^submitted array job \([0-9]*\) .* merge job \([0-9]*\),.*/\2/p' "$sharded/slurm.txt")
[[ -n $array && -n $merge ]] || die "gridalign slurm printed the two job ids"
ids=("$array" "$merge")
ok "submitted: array job $array, merge job $merge"

# Each job's states, one word per task ("COMPLETED", "FAILED", ...).
states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
finished() { # every task of job $1 in a final state
    local s all
    all=$(states "$1")
    [[ -n $all ]] || return 1
    for s in $all; do
        case $s in
        PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) return 1 ;;
        esac
    done
}
waited=0
until finished "$array" && finished "$merge"; do
    ((waited >= 300)) && die "both jobs ended within 300 s (array: $(states "$array" | tr '\n' ' '), merge: $(states "$merge"))"
    sleep 2
    waited=$((waited + 2))
done
ok "both jobs ended after about $waited s"
array_states=$(states "$array" | sort -u | tr '\n' ' ')
check "every task of the array completed (states: $array_states)" test "$array_states" == "COMPLETED "
check "three tasks ran" test "$(states "$array" | wc -l)" -eq 3
check "each task wrote its log" test "$(find "$sharded/b/slurm/logs" -name "${array}_*.out" | wc -l)" -eq 3
merge_code=$(scontrol -o show job "$merge" | grep -o ' ExitCode=[0-9]*' | cut -d= -f2)
merge_log=$sharded/b/slurm/logs/merge-$merge.out
check "the merge's log is there" test -f "$merge_log"
check "the merge exits as the unsharded batch ($whole_code; got ${merge_code:-none})" \
    test "${merge_code:-x}" == "$whole_code"

# ---- the merged outputs against the unsharded ones -----------------------------------------------
verdicts() { grep -E '^(PASS|FAIL|SKIP) ' "$1"; }
same() { # same DESC FILTER FILE_A FILE_B
    if [[ ! -s $3 || ! -s $4 ]]; then
        not_ok "$1 (missing: $([[ -s $3 ]] || echo "${3#"$tmp"/} ")$([[ -s $4 ]] || echo "${4#"$tmp"/}"))"
    elif diff <("$2" "$3") <("$2" "$4") >"$tmp/diff"; then
        ok "$1"
    else
        not_ok "$1"
        sed 's/^/# /' "$tmp/diff"
    fi
}
same "the batch JSON is the unsharded one's" ga_stable_json "$whole/b.json" "$sharded/b.json"
same "the JUnit report is the unsharded one's" ga_stable_junit "$whole/b.xml" "$sharded/b.xml"
same "the PASS/FAIL lines are the unsharded one's" verdicts "$whole/stdout.txt" "$merge_log"
# Each seed's run directory: the agent, its curve and its evaluation byte for byte, run.json but
# for the training time and the scenario's absolute path.
same_runs() {
    local f n=0
    for f in "$whole"/b/strawberry/*/{agent.bin,curve.csv,eval.json,run.json}; do
        n=$((n + 1))
        if [[ $f == */run.json ]]; then
            diff <(ga_stable_json "$f") <(ga_stable_json "$sharded/${f#"$whole"/}") >/dev/null
        else
            cmp -s "$f" "$sharded/${f#"$whole"/}"
        fi || { echo "# differs: ${f#"$whole"/}"; return 1; }
    done
    [[ $n -eq 12 ]] || { echo "# $n files in the unsharded run directories, want 12"; return 1; }
}
check "every seed's run directory holds the unsharded one's files" same_runs
[[ $failed -eq 0 ]] || show_logs
echo "1..$n"
exit $failed

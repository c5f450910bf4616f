#!/usr/bin/env bash
# tests/cli_shard.sh GRIDALIGN: --shard I/N on run, batch and sweep, and gridalign merge, as a
# user meets them. For each command (and a --help-threshold sweep) and N = 1, 2 and 3, the
# shards, on 1 and 2 threads, merged give the unsharded command's files, stdout and exit status
# but for wall times, and the same run directories; a shard writes no report and names its
# file and the merge. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_shard "$1"
root=$PWD
cd "$tmp" || exit 1
sc=$root/scenarios

# What may differ between a merge and the unsharded command: the JSON lines of wall times (of
# golden.sh's `stable`, only these: the rest is the same build in the same directory), JUnit's
# time attributes, and the time ending a line of stdout ("(0.3 s)", "2 seeds each, 0.5 s").
stable() { grep -Ev '"(wall_seconds|train_seconds)":' "$1"; }
stable_junit() { sed -E 's/ time="[^"]*"//g' "$1"; }
stable_out() { sed -E 's/\(?[0-9]+\.[0-9] s\)?$/TIME/' "$1"; }

# same FILTER A B: A and B equal once filtered (FILTER cat: byte for byte); else the first lines
# of the difference as TAP comments
same() {
    local f=$1
    [[ -e $2 ]] || { echo "# missing: $2"; return 1; }
    [[ -e $3 ]] || { echo "# missing: $3"; return 1; }
    diff <("$f" "$2") <("$f" "$3") >"$tmp/diff" && return 0
    echo "# $2 and $3 differ:"
    head -8 "$tmp/diff" | sed 's/^/#   /'
    return 1
}

# seed_files DIR: every seed's eval.json and agent.bin under DIR, sorted
seed_files() {
    (cd "$1" && find . -path ./shards -prune -o \( -name eval.json -o -name agent.bin \) -print |
        sort)
}

# same_runs A B: the same seed files under A and B, byte for byte
same_runs() {
    local a=$1 b=$2 f
    seed_files "$a" >"$tmp/ra"
    seed_files "$b" >"$tmp/rb"
    if [[ ! -s $tmp/ra ]] || ! cmp -s "$tmp/ra" "$tmp/rb"; then
        echo "# run directories differ: $(diff "$tmp/ra" "$tmp/rb" | head -3 | tr '\n' ' ')"
        return 1
    fi
    while read -r f; do
        cmp "$a/$f" "$b/$f" || return 1
    done <"$tmp/ra"
}

# whole DIR ARGS...: the unsharded command in DIR (made), on 2 threads; its stdout, stderr and
# exit status in DIR/{stdout,stderr,status}
whole() {
    local d=$1
    shift
    mkdir -p "$d"
    (cd "$d" && "$bin" "$@" --quiet --threads 2 >stdout 2>stderr; echo $? >status)
}

# shards DIR N ARGS...: ARGS as shard 1..N of N in DIR (made), shard I on 2 threads when I is
# odd, else on 1 (given as --threads=1, which the shard file leaves out as well), each's stdout
# in DIR/shardI.out; the reports ($reports, relative to DIR) found before the merge listed in
# DIR/early; then gridalign merge OUT (ARGS' last), its stdout, stderr and status in
# DIR/{stdout,stderr,status}
shards() {
    local d=$1 count=$2 i f
    shift 2
    local out=${*: -1}
    mkdir -p "$d"
    for ((i = 1; i <= count; i++)); do
        local th=(--threads 2)
        ((i % 2)) || th=(--threads=1)
        (cd "$d" && "$bin" "$@" --quiet "${th[@]}" --shard "$i/$count" \
            >"shard$i.out" 2>"shard$i.err") ||
            echo "# shard $i/$count failed: $(cat "$d/shard$i.err")"
    done
    : >"$d/early"
    for f in $reports; do
        [[ -e $d/$f ]] && echo "$f" >>"$d/early"
    done
    (cd "$d" && "$bin" merge "$out" >stdout 2>stderr; echo $? >status)
}

# shard_cases NAME OUT STEM 'COMPARED' ARGS...: ARGS whole in NAME/whole and as N = 1, 2, 3
# shards merged in NAME/nN, then the checks: each shard's line, no report before the merge,
# the merge's status, stderr and stdout, each FILTER:FILE of COMPARED and the seeds' files.
# OUT is ARGS' output directory, STEM the shard files' name.
shard_cases() {
    local name=$1 out=$2 stem=$3 compared=$4 count i pair
    shift 4
    local w=$tmp/$name/whole
    whole "$w" "$@"
    check "$name: the whole command ran" test -s "$w/stdout"
    for count in 1 2 3; do
        local s=$tmp/$name/n$count t="$name, $count shard(s)" lines=1
        shards "$s" "$count" "$@"
        for ((i = 1; i <= count; i++)); do
            if ! grep -q "wrote $out/shards/$stem\.$i-of-$count\.json" "$s/shard$i.out" ||
                ! grep -q "gridalign merge $out\$" "$s/shard$i.out"; then
                lines=0
                sed "s/^/# shard $i: /" "$s/shard$i.out"
            fi
        done
        check "$t: each shard's stdout names its file and the merge command" test $lines -eq 1
        check "$t: no report before the merge" same cat /dev/null "$s/early"
        check "$t: merge exits as the whole command ($(cat "$w/status"))" \
            same cat "$w/status" "$s/status"
        check "$t: merge's stderr empty, as the whole's" same cat "$w/stderr" "$s/stderr"
        check "$t: merge's stdout is the whole's but for the time" \
            same stable_out "$w/stdout" "$s/stdout"
        for pair in $compared; do
            check "$t: ${pair#*:} is the whole's (${pair%%:*})" \
                same "${pair%%:*}" "$w/${pair#*:}" "$s/${pair#*:}"
        done
        check "$t: every seed's eval.json and agent.bin are the whole's" \
            same_runs "$w/$out" "$s/$out"
    done
}

# run: 2 seeds, so the third of 3 shards has none.
reports="o/summary-qlearn.json"
shard_cases run o summary-qlearn "stable:o/summary-qlearn.json" \
    run "$sc/strawberry.json" --seeds 2 --steps 3000 --episodes 20 --reference 3 --out o

# batch: qlearn on both scenarios, dqn on strawberry_shape; every expectation judged (some fail
# at these steps: exit 1).
reports="b.json b.xml"
shard_cases batch b batch "stable:b.json stable_junit:b.xml" \
    batch "$sc/strawberry.json" "$sc/strawberry_shape.json" --seeds 2 --steps 3000 \
    --episodes 20 --reference 3 --json b.json --junit b.xml --out b

compared="cat:sw/sweep.csv cat:sw/summary.csv stable:sw/sweep.json cat:sw/sweep.gp"
reports="sw/sweep.csv sw/summary.csv sw/sweep.json sw/sweep.gp sw/sweep.png"
shard_cases sweep sw sweep "$compared" \
    sweep "$sc/strawberry_shape.json" --agent qlearn --steps 3000 --seeds 2 --diversity 0,0.1 \
    --episodes 20 --out sw

# The help threshold's sweep trains each seed once and evaluates it at every threshold (on the
# tiny scenario: the mentor's planner is slow on strawberry's worlds).
cp "$root/tests/data/cli_tiny.json" tiny.json
shard_cases help sw sweep "$compared" \
    sweep "$tmp/tiny.json" --steps 3000 --seeds 3 --help-threshold 0.2,0.6 --episodes 20 \
    --out sw

ga_tap_end

#!/usr/bin/env bash
# tests/cli_shard.sh GRIDALIGN: --shard I/N on run, batch and sweep, and gridalign merge, as a
# user meets them. For each command (and a --help-threshold sweep) and N = 1, 2 and 3 (those
# side by side), the shards, on 1 and 2 threads, merged give the unsharded command's files,
# stdout and exit status but for wall times, and the same run directories; a shard writes no
# report and names its file and the merge. A missing, repeated, edited or foreign shard, a
# changed scenario, a directory without shards and a bad --shard are refused (exit 2, one
# line), writing nothing.
# A merge from another directory works where the shards ran; a later split or a whole run
# removes the shard files of an earlier one. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_shard "$1"
root=$PWD
cd "$tmp" || exit 1
sc=$root/scenarios
cp "$root/tests/data/cli_tiny.json" tiny.json

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

# shards DIR N ARGS...: ARGS as shard 1..N of N in DIR (made), one after the other but for N = 3
# (all at once), shard I on 2 threads when I is odd, else on 1 (given as --threads=1, which the
# shard file leaves out as well), each's stdout in DIR/shardI.out; the reports ($reports,
# relative to DIR) found before the merge listed in DIR/early; then gridalign merge OUT (ARGS'
# last), its stdout, stderr and status in DIR/{stdout,stderr,status}
shards() {
    local d=$1 count=$2 i f
    shift 2
    local out=${*: -1}
    mkdir -p "$d"
    for ((i = 1; i <= count; i++)); do
        local th=(--threads 2)
        ((i % 2)) || th=(--threads=1)
        (cd "$d" && "$bin" "$@" --quiet "${th[@]}" --shard "$i/$count" \
            >"shard$i.out" 2>"shard$i.err"; echo $? >"shard$i.status") &
        ((count == 3)) || wait $! # three run side by side, as a job array's tasks may
    done
    wait
    for ((i = 1; i <= count; i++)); do
        [[ $(cat "$d/shard$i.status") == 0 ]] ||
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

# run: 2 seeds, so the third of 3 shards has none. No optima here (each shard would plan all
# 7 worlds again, most of the test's time): batch below has them, across learners and shards.
reports="o/summary-qlearn.json"
shard_cases run o summary-qlearn "stable:o/summary-qlearn.json" \
    run "$sc/strawberry.json" --seeds 2 --steps 3000 --episodes 20 --reference 0 --out o

# batch: qlearn on both scenarios, dqn on strawberry_shape; every expectation judged (some fail
# at these steps: exit 1). The tiny scenario has 2 worlds to strawberry's 7: each shard plans
# the optima of every world again, which costs most of the time.
reports="b.json b.xml"
shard_cases batch b batch "stable:b.json stable_junit:b.xml" \
    batch "$tmp/tiny.json" "$sc/strawberry_shape.json" --seeds 2 --steps 3000 \
    --episodes 20 --reference 3 --json b.json --junit b.xml --out b

compared="cat:sw/sweep.csv cat:sw/summary.csv stable:sw/sweep.json cat:sw/sweep.gp"
reports="sw/sweep.csv sw/summary.csv sw/sweep.json sw/sweep.gp sw/sweep.png"
shard_cases sweep sw sweep "$compared" \
    sweep "$sc/strawberry_shape.json" --agent qlearn --steps 3000 --seeds 2 --diversity 0,0.1 \
    --episodes 20 --out sw

# The help threshold's sweep trains each seed once and evaluates it at every threshold (on the
# tiny scenario: the mentor's planner is slow on strawberry's worlds).
shard_cases help sw sweep "$compared" \
    sweep "$tmp/tiny.json" --steps 3000 --seeds 3 --help-threshold 0.2,0.6 --episodes 20 \
    --out sw

# Refusals. Three shards of one run in ref/, put back before each case; a refused merge exits 2
# with one line naming the file(s) and writes no summary. Messages are matched by their facts
# (files, numbers, a key word), not their wording. No optima (--reference 0) from here on: a
# process that plans one fills 80 MiB of tables, seconds under meson's MALLOC_PERTURB_.
mkdir "$tmp/ref" && cd "$tmp/ref" || exit 1
cp "$sc/strawberry.json" sc.json
cp sc.json sc.orig
args=(run sc.json --seeds 3 --steps 2000 --episodes 10 --reference 0 --out o --quiet)
for i in 1 2 3; do "$bin" "${args[@]}" --shard "$i/3" >/dev/null; done
check "three shards of a run to refuse" test -s o/shards/summary-qlearn.3-of-3.bin
cp -a o o.bak
fresh() { rm -rf o && cp -a o.bak o; }
s1=o/shards/summary-qlearn.1-of-3
s2=o/shards/summary-qlearn.2-of-3
# refused 'PATTERN|...' MERGE_ARGS...: gridalign merge exits 2, nothing on stdout, one line on
# stderr matching each pattern (grep -E), and o/summary-qlearn.json is not there
refused() {
    local pats p
    IFS='|' read -ra pats <<<"$1"
    shift
    run 2 merge "$@" || return 1
    [[ ! -s $tmp/out ]] || { echo "# stdout: $(head -1 "$tmp/out")"; return 1; }
    one_line || { echo "# stderr: $(wc -l <"$tmp/err") lines"; return 1; }
    for p in "${pats[@]}"; do
        grep -qE -- "$p" "$tmp/err" || { echo "# no '$p' in: $(cat "$tmp/err")"; return 1; }
    done
    [[ ! -e o/summary-qlearn.json ]] || { echo "# o/summary-qlearn.json was written"; return 1; }
}

fresh
rm "$s2".*
check "a missing shard: 'shard 2 of 3 is missing', naming the others" \
    refused "shard 2 of 3 is missing|$s1\.json|1, 3" o

# A shard stopped by Ctrl-C writes no shard file: the merge finds it missing.
fresh
rm "$s2".*
interrupt INT "o/.qlearn-seed1.tmp.PID" "${args[@]/2000/100000000}" --shard 2/3
check "an interrupted shard exits 130" test "$code" -eq 130
check "and writes no shard file" test ! -e "$s2.json" -a ! -e "$s2.bin"
check "and leaves its seed's run directory as it was" \
    cmp o/qlearn-seed1/eval.json o.bak/qlearn-seed1/eval.json
check "the merge then finds shard 2 missing" refused "shard 2 of 3 is missing" o

fresh
cp -r o/shards dup
check "a copy of the shards given beside them: shard 1 appears twice, both files named" \
    refused "shard 1 of 3 .*twice|$s1\.json|dup/summary-qlearn\.1-of-3\.json" o dup
mkdir one
cp "$s2".* one/
check "one copied shard file given beside the set: shard 2 appears twice" \
    refused "shard 2 of 3 .*twice|$s2\.json|one/summary-qlearn\.2-of-3\.json" \
    o one/summary-qlearn.2-of-3.json

fresh
"$bin" "${args[@]/2000/1000}" --shard 2/3 >/dev/null
check "a shard of other settings (--steps): both files and both values named" \
    refused "$s1\.json|$s2\.json|1000|2000" o

fresh
cp -r o/shards three
"$bin" "${args[@]}" --shard 1/2 >/dev/null
check "a shard of a split into 2 removes the earlier split's files into 3" \
    test ! -e "$s1.json" -a ! -e "$s2.json" -a ! -e "$s2.bin"
check "so the merge finds shard 2 of 2 missing" refused "shard 2 of 2 is missing" o
check "shards of 2 and of 3 given together (indices 1, 2, 3 all there): both files named" \
    refused "summary-qlearn\.1-of-2\.json|summary-qlearn\.[23]-of-3\.json" \
    o/shards/summary-qlearn.1-of-2.json three/summary-qlearn.2-of-3.json \
    three/summary-qlearn.3-of-3.json

fresh
sed -i -E 's/("git_commit":[[:space:]]*")[^"]*/\1000000000000/' "$s2.json"
check "a shard of another build (git_commit edited): the file and 'build' named" \
    refused "$s2\.json|build|000000000000" o

fresh
truncate -s -8 "$s2.bin"
check "a truncated .bin: the file and its checksum named" refused "$s2\.bin|checksum" o
fresh
size=$(stat -c %s "$s2.bin")
printf '\x7f' | dd of="$s2.bin" bs=1 seek=$((size - 64)) conv=notrunc 2>/dev/null
check "a .bin with one byte changed: the file and its checksum named" \
    refused "$s2\.bin|checksum" o
fresh
rm "$s2.bin"
check "a missing .bin: the file named" refused "$s2\.bin" o

fresh
sed -i 's/"max_steps": 50/"max_steps": 51/' sc.json
check "the scenario edited for the test" bash -c "! cmp -s sc.json sc.orig"
check "a scenario changed since the shards ran: the scenario named" refused "sc\.json|changed" o
cp sc.orig sc.json

# The scenario changed between shards: shard 1 ran on the old file, 2 and 3 on the new.
args2=(run sc.json --seeds 3 --steps 2000 --episodes 10 --reference 0 --out o2 --quiet)
"$bin" "${args2[@]}" --shard 1/3 >/dev/null
sed -i 's/"max_steps": 50/"max_steps": 51/' sc.json
for i in 2 3; do "$bin" "${args2[@]}" --shard "$i/3" >/dev/null; done
check "shards of a scenario changed between them: refused, naming two shards" \
    refused "${s1/o/o2}\.json|${s2/o/o2}\.json|scen" o2
cp sc.orig sc.json
check "and still refused with the file as the first shard had it" \
    refused "o2/shards/summary-qlearn\.[123]-of-3\.json" o2
check "and no summary there either" test ! -e o2/summary-qlearn.json

mkdir empty
check "a directory without shard files: named, 'no shard files'" refused "empty|no shard" empty
check "a path that is neither: named" refused "nowhere" nowhere

# An older summary is left as it was by a refused merge.
fresh
run 0 merge o
cp o/summary-qlearn.json before.json
truncate -s -8 "$s2.bin"
check "a refused merge (exit 2) over an earlier merge's summary" run 2 merge o
check "leaves that summary byte for byte" cmp before.json o/summary-qlearn.json

# --shard's values: the usual one-line option error, exit 2, nothing written.
bad_shard() { # bad_shard CMD VALUE ARGS...
    local cmd=$1 v=$2
    shift 2
    run 2 "$cmd" "$@" --out bad --quiet --shard "$v" && one_line &&
        grep -qE "^gridalign $cmd: --shard.*\(see gridalign $cmd --help\)\$" "$tmp/err" &&
        [[ ! -s $tmp/out && ! -e bad ]]
}
for v in 0/3 4/3 1/0 abc 2/ /3 -1/3 1/257; do
    check "run --shard $v is refused as a bad option" \
        bad_shard run "$v" sc.json --seeds 1 --steps 100
done
check "batch --shard 3/2 too" bad_shard batch 3/2 sc.json --seeds 1 --steps 100
check "sweep --shard x/2 too" bad_shard sweep x/2 "$sc/strawberry_shape.json" --seeds 1 --steps 100
check "merge takes no --shard" run 2 merge o --shard 1/3
fresh
sed -i -E 's/"args":[[:space:]]*\[/"args": ["--shard", "1\/3", /' o/shards/summary-qlearn.*-of-3.json
check "a recorded command line holding --shard (edited files) is refused" \
    refused "--shard: not in a command line merge or slurm runs" o

# A merge started from another directory works where the shards ran (their command line's
# paths are relative to it) and says so; nothing appears where it was started.
mkdir -p "$tmp/away/elsewhere" && cd "$tmp/away" || exit 1
check "a shard 1/1 in away/" run 0 run "$tmp/ref/sc.json" --seeds 1 --steps 500 --episodes 5 \
    --reference 0 --out o --quiet --shard 1/1
cd elsewhere || exit 1
check "merge from another directory succeeds" run 0 merge ../o
check "and says where it works" grep -q "working in $tmp/away, where the shards ran" "$tmp/err"
check "its summary is beside the run directories" test -s ../o/summary-qlearn.json
check "and nothing is written where it started" test ! -e o
cd "$tmp/ref" || exit 1
# A whole run into an output directory that holds an earlier run's shards removes them: a
# later merge would otherwise overwrite the whole run's summary with results that no longer
# describe the run directories (here: --steps 2000 in the shards, 1000 in the seeds' run.json).
fresh
check "a whole run (--steps 1000) into o, which holds shards of --steps 2000" \
    run 0 "${args[@]/2000/1000}"
check "removes the shards" bash -c "! compgen -G 'o/shards/*' >/dev/null"
cp o/summary-qlearn.json whole.json
check "so a merge finds none and leaves the whole run's summary" \
    bash -c "'$bin' merge o >/dev/null 2>&1; [[ \$? -eq 2 ]] && cmp -s whole.json o/summary-qlearn.json"
# --shard's error names the value, as the other options' do ("--seeds takes an integer from 1
# to 1024, not 0").
check "--shard's error names the bad value" \
    bash -c "'$bin' run sc.json --shard 4/3 2>&1 | grep -q 'not 4/3'"

ga_tap_end

# shellcheck shell=bash
# tools/setup.sh: sourced by tools/gridalign and tools/test, never run on its own. ga_setup installs
# missing Debian packages, configures build/ with meson once and brings it up to date with ninja.
# Every message goes to stderr so stdout belongs to the program; nothing here changes directory.

# Everything the build, the viewer, the tests, the plots and the fuzz targets (clang's libFuzzer,
# whose runtime Debian 12 ships in libclang-rt-14-dev) need. Extend this list, and only with
# real package names: dpkg-query never reports a virtual package as installed.
GA_DEB_PACKAGES=(meson ninja-build pkg-config gcc libsdl2-dev libcjson-dev check gnuplot-nox libpng-dev libgif-dev libfreetype-dev fonts-dejavu-core
    clang libclang-rt-14-dev)
# What the Python binding's tests and examples add (Debian's python3, which sees Debian's numpy
# and PyTorch; pip, setuptools and wheel for `pip install ./python` offline, which test_install
# runs): tools/test and tools/python append it; the command alone does not need it.
GA_DEB_PACKAGES_PYTHON=(python3 python3-numpy python3-torch python3-pip python3-setuptools python3-wheel)
# What tests/slurm.sh needs for its one-node cluster (slurmctld, slurmd, sbatch and munge):
# tools/test appends it; the command writes its scripts without Slurm.
GA_DEB_PACKAGES_SLURM=(slurm-wlm munge)

# readlink -f so a symlink to tools/gridalign (say in ~/bin) still finds the repo.
GA_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)

ga_log()
{
    printf 'gridalign: %s\n' "$*" >&2
}

# Prints the packages of GA_DEB_PACKAGES that are not installed, one per line. One dpkg-query
# for the whole list: it reports the packages it knows and stays silent about the rest.
ga_missing_packages()
{
    command -v dpkg-query >/dev/null 2>&1 || return 0 # not Debian: meson will name what is missing
    local have p
    # dpkg-query exits 1 when it knows nothing of a package (never installed): that is the
    # answer we are after, not a failure, and under `set -e` it must not end the function.
    have=$'\n'$(dpkg-query -W -f='${Package} ${Status}\n' "${GA_DEB_PACKAGES[@]}" 2>/dev/null || true)$'\n'
    for p in "${GA_DEB_PACKAGES[@]}"; do
        [[ $have == *$'\n'"$p install ok installed"$'\n'* ]] || printf '%s\n' "$p"
    done
}

# Installs the packages named in the arguments with apt-get, through sudo when not root.
# Returns 2 when that is impossible or fails.
ga_install_packages()
{
    local -a sudo=()
    if [[ $EUID -ne 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            ga_log "missing Debian packages: $*; as root run: apt-get install $*"
            return 2
        fi
        sudo=(sudo)
    fi
    ga_log "installing missing Debian packages: $*"
    # The lock timeout waits out an unattended upgrade instead of failing on the dpkg lock.
    if ! "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 ||
        ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
            install -y -qq --no-install-recommends "$@" >&2; then
        ga_log "could not install: $*; try: sudo apt-get install $*"
        return 2
    fi
}

# ga_build DIR [MESON_SETUP_OPTION...]: configures $GA_ROOT/DIR on first use, then builds it with
# ninja (incremental). Output is shown only on failure or when it holds warnings, which ninja
# would not repeat on the next run. A lock keeps two concurrent callers from racing one build.
ga_build()
{
    local name=$1 dir=$GA_ROOT/$1 out lockfd=
    shift
    mkdir -p "$dir" || return 1
    if command -v flock >/dev/null 2>&1; then
        exec {lockfd}>"$dir/.gridalign.lock" && flock "$lockfd"
    fi
    local rc=0
    if [[ ! -f $dir/build.ninja ]]; then
        # Said up front: the first call is otherwise silent for the ~20 s of setup and build.
        ga_log "first run: configuring $name/ with meson, then compiling (about 20 s on 2 cores)"
        if ! out=$(meson setup "$dir" "$GA_ROOT" "$@" 2>&1); then
            printf '%s\n' "$out" >&2
            ga_log "meson setup $name failed"
            rc=1
        fi
    fi
    if [[ $rc -eq 0 ]]; then
        # A dry run costs milliseconds and tells a rebuild (worth a line) from an up-to-date tree.
        # The version header is generated on every run (meson's vcs_tag), and a dry run cannot know
        # it comes out unchanged, so it and the two steps that depend on it do not count.
        # grep -c reads to the end: no early exit to break the pipe under the callers' pipefail.
        local pending
        pending=$(ninja -C "$dir" -n 2>/dev/null | grep -v -e 'ga_version\.h' \
            -e 'tools_gridalign\.c\.o' -e 'Linking target gridalign$' | grep -c '^\[' || true)
        if [[ ${pending:-0} -gt 0 ]]; then
            ga_log "compiling $name/ (ninja), output follows only on errors or warnings"
        fi
        if ! out=$(ninja -C "$dir" 2>&1); then
            printf '%s\n' "$out" >&2
            ga_log "ninja -C $name failed"
            rc=1
        elif [[ $out == *[Ww][Aa][Rr][Nn][Ii][Nn][Gg]* ]]; then
            printf '%s\n' "$out" >&2
        fi
    fi
    # Release the lock now: the caller may exec a long-running program next.
    if [[ -n $lockfd ]]; then
        exec {lockfd}>&-
    fi
    return "$rc"
}

# Installs whatever of GA_DEB_PACKAGES is missing. Returns 2 when that fails.
ga_packages()
{
    local -a missing
    mapfile -t missing < <(ga_missing_packages)
    if [[ ${#missing[@]} -gt 0 ]]; then
        ga_install_packages "${missing[@]}" || return 2
        mapfile -t missing < <(ga_missing_packages)
        if [[ ${#missing[@]} -gt 0 ]]; then
            ga_log "still missing after apt-get: ${missing[*]}"
            return 2
        fi
    fi
    return 0
}

# Makes sure the packages are there and build/ is up to date. Returns non-zero on failure
# (2: packages, 1: build), so callers write `ga_setup || exit`.
ga_setup()
{
    ga_packages || return
    ga_build build --buildtype=release
}

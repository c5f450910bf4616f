#!/usr/bin/env bash
# tests/layers.sh: the rules of the layers that include paths cannot enforce. Our own headers
# are enforced by the build (each layer's library sees only its own and lower folders), but a
# system header is reachable from anywhere, so: cJSON only in engine/'s JSON modules; SDL2,
# FreeType, libpng and giflib only in view/; and no printing or exiting below tools/. Prints
# TAP; meson runs it from the repo root.
set -u
n=0
failed=0
# only PATTERN ALLOWED_REGEX DESC: every file including PATTERN matches ALLOWED_REGEX
only() {
    local pattern=$1 allowed=$2 desc=$3 bad
    n=$((n + 1))
    bad=$(grep -rlE "$pattern" engine envs agents lab view tools capi --include='*.c' --include='*.h' |
        grep -vE "$allowed")
    if [[ -z $bad ]]; then
        echo "ok $n - $desc"
    else
        failed=1
        echo "not ok $n - $desc"
        printf '# %s\n' $bad
    fi
}
only '#include <cjson/' '^engine/ga_(json|jread)\.c$' "cJSON only in engine/ga_json.c and ga_jread.c"
only '#include <SDL' '^view/ga_window\.c$' "SDL2 only in view/ga_window.c"
only '#include (<ft2build\.h>|FT_)' '^view/ga_text\.c$' "FreeType only in view/ga_text.c"
only '#include <(png|gif_lib)\.h>' '^view/ga_image\.c$' "libpng and giflib only in view/ga_image.c"
# Library code returns a code and a message; only tools/ prints or exits.
only '\b(printf|puts|putchar|perror|exit|abort)[[:space:]]*\(|\bstd(out|err)\b' '^tools/' \
    "no printing or exiting below tools/ (nor in capi/, a library)"
echo "1..$n"
exit $failed

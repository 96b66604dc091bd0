#!/usr/bin/env bash
# Time dockmaster against dclint 3.1.0 and compose-lint 0.36.2 on the same
# machine, in one run, over the same 200 real Compose files of the shared
# corpus: each tool once over all files and once per file; then one small
# file, and dockmaster alone on synthetic files of 1,000, 5,000 and 20,000
# services. Medians with hyperfine; peak memory (maximum resident set size)
# with GNU time. Prints a Markdown report (docs/performance.md records one).
#
#   bench/compare.sh [OUT.md]
#
# Environment: DOCKMASTER_CORPUS (default ../shared/corpus), RUNS (runs of
# each fast measurement, default 30), SLOW_RUNS (runs of dclint and
# compose-lint, default 3), KEEP=1 keeps the temporary directory.
# Needs: cargo, hyperfine, GNU time (/usr/bin/time), node and npm (20.19 or
# later for dclint), python3 with venv. COUNT (default 200) takes fewer
# files, for a quick try of the script itself. dclint and compose-lint are
# installed into a temporary directory, nothing is installed globally.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${DOCKMASTER_CORPUS:-$root/../shared/corpus}"
out="${1:-/dev/stdout}"
runs="${RUNS:-30}"
slow_runs="${SLOW_RUNS:-3}"
tmp="$(mktemp -d)"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$tmp"' EXIT; fi

need() { command -v "$1" >/dev/null 2>&1 || { echo "compare.sh: $1 is required ($2)" >&2; exit 2; }; }
need hyperfine "apt-get install hyperfine"
need npm "apt-get install npm"
need python3 "apt-get install python3-venv"
[ -x /usr/bin/time ] || { echo "compare.sh: GNU time is required (apt-get install time)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "compare.sh: no corpus at $corpus (set DOCKMASTER_CORPUS)" >&2; exit 2; }

log() { echo "compare.sh: $*" >&2; }

log "building dockmaster (release)"
(cd "$root" && cargo build --release --locked --quiet && cargo build --release --locked --quiet --example synthetic)
dm="$root/target/release/dockmaster"

log "installing dclint 3.1.0 and compose-lint 0.36.2 into $tmp"
(cd "$tmp" && npm install --silent --no-audit --no-fund --prefix "$tmp/npm" dclint@3.1.0 >/dev/null)
dclint="$tmp/npm/node_modules/.bin/dclint"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet compose-lint==0.36.2
composelint="$tmp/venv/bin/compose-lint"

# The 200 files: the first 200, in byte order of their paths, of the real
# projects' Compose files (awesome-compose, milvus, projects/), left where
# they are.
find "$corpus/awesome-compose" "$corpus/milvus" "$corpus/projects" -type f \( -name '*.yml' -o -name '*.yaml' \) \
    | LC_ALL=C sort | head -n "${COUNT:-200}" > "$tmp/files.txt"
n_files=$(wc -l < "$tmp/files.txt")
all_files=$(while IFS= read -r f; do printf '%q ' "$f"; done < "$tmp/files.txt")
n_lines=$(xargs cat < "$tmp/files.txt" | wc -l)
n_bytes=$(xargs cat < "$tmp/files.txt" | wc -c)

mkdir -p "$tmp/small"
printf 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:8080:80"\n    restart: unless-stopped\n' > "$tmp/small/compose.yaml"

for n in 1000 5000 20000; do
    "$root/target/release/examples/synthetic" "$n" > "$tmp/services-$n.yaml"
done

# Each tool with the options that make it lint every file alone, with no
# process environment, in its default output format.
dm_cmd="$dm check --no-env --no-override"
dclint_cmd="$dclint"
cl_cmd="$composelint check --no-env --no-merge-overrides --allow-partial-coverage --no-pager"

# median NAME RUNS COMMAND: hyperfine's median in seconds.
median() {
    local name="$1" n="$2" cmd="$3"
    hyperfine --ignore-failure --shell=bash --warmup 1 --runs "$n" --style none \
        --export-json "$tmp/$name.json" "$cmd" >/dev/null 2>&1
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$tmp/$name.json"
}

# peak COMMAND...: the maximum resident set size in MiB of one run.
peak() {
    /usr/bin/time -f '%M' -o "$tmp/time.txt" "$@" >/dev/null 2>&1 || true
    python3 -c "print(round(int(open('$tmp/time.txt').read().split()[-1]) / 1024, 1))"
}

# peak_each COMMAND: the largest peak over one run per file.
peak_each() {
    local cmd="$1" max=0 m
    while IFS= read -r f; do
        m=$(peak $cmd "$f")
        max=$(python3 -c "print(max($max, $m))")
    done < "$tmp/files.txt"
    echo "$max"
}

declare -A T M
measure() { # KEY RUNS CMD_ALL CMD_WORD
    local key="$1" n="$2" cmd="$3"
    log "$key: all files in one invocation"
    # The paths are written into the command, so that what is timed is the
    # tool and not a `cat` that lists them.
    T[$key-all]=$(median "$key-all" "$n" "$cmd $all_files >/dev/null 2>&1")
    # shellcheck disable=SC2046
    M[$key-all]=$(peak $cmd $(cat "$tmp/files.txt"))
    log "$key: one invocation per file"
    T[$key-each]=$(median "$key-each" "$n" "while IFS= read -r f; do $cmd \"\$f\" >/dev/null 2>&1; done < $tmp/files.txt")
    M[$key-each]=$(peak_each "$cmd")
    log "$key: one small file"
    T[$key-small]=$(median "$key-small" "$((n * 3))" "$cmd $tmp/small/compose.yaml >/dev/null 2>&1")
    M[$key-small]=$(peak $cmd "$tmp/small/compose.yaml")
}

measure dockmaster "$runs" "$dm_cmd"
measure compose-lint "$slow_runs" "$cl_cmd"
measure dclint "$slow_runs" "$dclint_cmd"

for n in 1000 5000 20000; do
    log "dockmaster: $n services"
    T[services-$n]=$(median "services-$n" 5 "$dm check --no-env -o $tmp/report-$n.txt $tmp/services-$n.yaml")
    M[services-$n]=$(peak "$dm" check --no-env -o "$tmp/report-$n.txt" "$tmp/services-$n.yaml")
done

ms() { python3 -c "print(f'{float(\"$1\") * 1000:.1f} ms' if float('$1') < 1 else f'{float(\"$1\"):.2f} s')"; }
ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.0f}×')"; }

{
    echo "Measured $(date -u +%Y-%m-%d) on $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "Versions: dockmaster $(git -C "$root" describe --always --dirty) ($("$dm" --version 2>/dev/null || echo release build)), dclint $("$dclint" --version) on Node $(node --version), $("$composelint" --version) on $("$tmp/venv/bin/python" --version); hyperfine $(hyperfine --version | cut -d' ' -f2)."
    echo
    echo "Inputs: $n_files Compose files of the corpus ($n_lines lines, $n_bytes bytes); medians of $runs runs (dockmaster) and $slow_runs runs (dclint, compose-lint); peak = maximum resident set size (per file: the largest)."
    echo
    echo "| Case | dockmaster | compose-lint 0.36.2 | dclint 3.1.0 | vs compose-lint | vs dclint |"
    echo "|---|---|---|---|---|---|"
    for k in all each small; do
        case $k in all) label="$n_files files, one invocation";; each) label="$n_files files, one invocation per file";; small) label="one small file (process start to exit)";; esac
        echo "| $label | $(ms "${T[dockmaster-$k]}"), ${M[dockmaster-$k]} MiB | $(ms "${T[compose-lint-$k]}"), ${M[compose-lint-$k]} MiB | $(ms "${T[dclint-$k]}"), ${M[dclint-$k]} MiB | $(ratio "${T[compose-lint-$k]}" "${T[dockmaster-$k]}") | $(ratio "${T[dclint-$k]}" "${T[dockmaster-$k]}") |"
    done
    echo
    echo "| Synthetic file (human report to a file) | Time | Peak memory | Per service |"
    echo "|---|---|---|---|"
    for n in 1000 5000 20000; do
        echo "| $n services ($(wc -c < "$tmp/services-$n.yaml") bytes) | $(ms "${T[services-$n]}") | ${M[services-$n]} MiB | $(python3 -c "print(f'{float(\"${T[services-$n]}\") / $n * 1e6:.0f} µs')") |"
    done
} > "$out"
log "done"

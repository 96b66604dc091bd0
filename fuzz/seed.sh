#!/usr/bin/env bash
# Build the seed corpus of the `pipeline` fuzz target (docs/fuzzing.md):
# every YAML file of the shared corpus of real Compose files and of the
# repository's fixtures, and the regression inputs, copied under names
# derived from their content. The seed corpus is not committed.
#
#   fuzz/seed.sh [CORPUS_DIR]   (default: $DOCKMASTER_CORPUS or ../shared/corpus)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="${1:-${DOCKMASTER_CORPUS:-$root/../shared/corpus}}"
out="$here/corpus/pipeline"
mkdir -p "$out"
sources=("$root/fixtures" "$here/regressions")
if [ -d "$corpus" ]; then
    sources+=("$corpus")
else
    echo "notice: no corpus at $corpus; seeding from the fixtures only" >&2
fi
n=0
while IFS= read -r -d '' f; do
    sum="$(sha1sum "$f" | cut -c1-40)"
    cp "$f" "$out/$sum"
    n=$((n + 1))
done < <(find "${sources[@]}" -type f \( -name '*.yaml' -o -name '*.yml' -o -path "$here/regressions/*" \) -print0)
echo "seeded $n files into $out ($(ls "$out" | wc -l) distinct)"

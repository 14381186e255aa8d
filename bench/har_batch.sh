#!/usr/bin/env bash
# The batch benchmark of issue 11: a support engineer's folder of many captures. 1,000 HAR files
# of about 1 MB each (../shared/bench/gen_har.py, one flow each, distinct seeds) through
# `samltrace har -f ndjson DIR`, timed with hyperfine against `cat` of the same files (the floor:
# reading them). The goal is at most 2x cat, using both cores. Prints medians and the ratio.
#
#   bash bench/har_batch.sh          # FILES=1000 SIZE_MB=1 RUNS=10; NO_BUILD=1 skips the build
#
# Needs python3, hyperfine and GNU time. Files go to target/bench-batch/ (kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared/bench
FILES=${FILES:-1000}
SIZE_MB=${SIZE_MB:-1}
RUNS=${RUNS:-10}
WORK=target/bench-batch
DIR=$WORK/hars-$FILES-$SIZE_MB
BIN=target/release/samltrace

[ -d "$SHARED" ] || { echo "bench/har_batch.sh: $SHARED is missing (it sits beside the repository)" >&2; exit 2; }
mkdir -p "$DIR"
have=$(find "$DIR" -name '*.har' | wc -l)
if [ "$have" -lt "$FILES" ]; then
  echo "== generating $FILES HAR files of about $SIZE_MB MB"
  python3 - "$SHARED/gen_har.py" "$DIR" "$FILES" "$SIZE_MB" <<'PY'
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
gen, out, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def one(i):
    subprocess.run([sys.executable, gen, "--flows", "1", "--size-mb", size, "--seed", str(i),
                    "-o", f"{out}/capture-{i:04}.har"], check=True, stdout=subprocess.DEVNULL)
with ThreadPoolExecutor(2) as pool:
    list(pool.map(one, range(n)))
PY
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
du -sh "$DIR"

echo "== checking: every file's messages are found"
count=$("$BIN" har -f ndjson "$DIR" | wc -l)
echo "$count traces from $FILES files"
[ "$count" -ge "$FILES" ] || { echo "too few traces" >&2; exit 1; }

echo "== timing (hyperfine, $RUNS runs)"
cat "$DIR"/*.har > /dev/null
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/batch.json" \
  "sh -c 'cat $DIR/*.har > /dev/null'" "sh -c '$BIN har -f ndjson $DIR > /dev/null'"

echo "== peak memory"
/usr/bin/time -v "$BIN" har -f ndjson "$DIR" > /dev/null 2> "$WORK/time.txt"
grep -E "Maximum resident set size|Percent of CPU" "$WORK/time.txt"

python3 - "$WORK/batch.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
cat, ours = r[0]["median"], r[1]["median"]
print(f"median: cat {cat*1000:.0f} ms, samltrace {ours*1000:.0f} ms: {ours/cat:.2f}x cat (goal <= 2x)")
PY

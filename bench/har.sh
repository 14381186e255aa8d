#!/usr/bin/env bash
# The HAR benchmark of issue 6: a 200 MB browser-shaped HAR from ../shared/bench/gen_har.py,
# checked against the generator's list of messages, then timed with hyperfine against `cat` (the
# floor: reading the file) and ../shared/bench/baseline_har.py (the Python a support engineer
# would write), with peak memory from /usr/bin/time. Prints medians and ratios; the machine is
# shared and noisy, so ratios are what to compare.
#
#   bash bench/har.sh            # RUNS=10 BASELINE_RUNS=3 SIZE_MB=200 FLOWS=200 by default;
#                                # NO_BUILD=1 times the release binary already built
#
# Needs python3, hyperfine and GNU time. Files go to target/bench-har/ (kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared/bench
RUNS=${RUNS:-10}
BASELINE_RUNS=${BASELINE_RUNS:-3}
SIZE_MB=${SIZE_MB:-200}
FLOWS=${FLOWS:-200}
WORK=target/bench-har
HAR=$WORK/bench-$SIZE_MB.har
EXPECTED=$WORK/bench-$SIZE_MB.expected.json
BIN=target/release/samltrace

[ -d "$SHARED" ] || { echo "bench/har.sh: $SHARED is missing (it sits beside the repository)" >&2; exit 2; }
mkdir -p "$WORK"
if [ ! -s "$HAR" ]; then
  echo "== generating a $SIZE_MB MB HAR with $FLOWS flows"
  python3 "$SHARED/gen_har.py" --flows "$FLOWS" --size-mb "$SIZE_MB" --seed 7 -o "$HAR" --expected "$EXPECTED"
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
ls -l "$HAR"

echo "== checking our output against the generator's list"
"$BIN" har "$HAR" -f ndjson > "$WORK/ours.ndjson"
python3 - "$WORK/ours.ndjson" "$EXPECTED" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
expected = json.load(open(sys.argv[2]))
assert len(ours) == len(expected), f"{len(ours)} traces, {len(expected)} expected"
for t, e in zip(ours, expected):
    o = t["origin"]
    where = e["where"].replace("response.content.text", "response.content")
    got = (o["har_entry"], o["location"], o["param"])
    assert got == (e["entry_index"], where, e["param"]), (got, e)
    m = t["message"]
    if "name_id" in e:
        n = m["assertions"][0]["subject"]["name_id"]
        assert (n["value"], n["format"]) == (e["name_id"], e["name_id_format"]), (n, e)
        attrs = {a["name"]: a["values"] for a in m["assertions"][0]["attributes"]}
        assert attrs == e["attributes"], (attrs, e["attributes"])
        assert m["in_response_to"] == e["in_response_to"]
    else:
        assert m["id"] == e["id"], (m["id"], e)
print(f"all {len(expected)} messages found, in order, with their entries, locations, NameIDs and attributes")
PY

echo "== timing (hyperfine, $RUNS runs; baseline $BASELINE_RUNS runs)"
cat "$HAR" > /dev/null
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/fast.json" \
  "cat $HAR" "$BIN har $HAR --format ndjson"
hyperfine -N --warmup 1 --runs "$BASELINE_RUNS" --export-json "$WORK/baseline.json" \
  "python3 $SHARED/baseline_har.py $HAR"

echo "== peak memory"
/usr/bin/time -v "$BIN" har "$HAR" --format ndjson > /dev/null 2> "$WORK/time.txt"
grep -E "Maximum resident set size" "$WORK/time.txt"

python3 - "$WORK/fast.json" "$WORK/baseline.json" "$WORK/time.txt" <<'PY'
import json, re, sys
fast = json.load(open(sys.argv[1]))["results"]
base = json.load(open(sys.argv[2]))["results"]
cat, ours, py = fast[0]["median"], fast[1]["median"], base[0]["median"]
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[3]).read()).group(1))
print(f"median: cat {cat*1000:.0f} ms, samltrace {ours*1000:.0f} ms, baseline {py*1000:.0f} ms")
print(f"samltrace is {py/ours:.1f}x faster than the baseline (goal >= 10x)")
print(f"samltrace takes {ours/cat:.2f}x the time of cat (goal <= 3x)")
print(f"peak RSS {rss_kb/1024:.1f} MiB (goal <= 64 MiB)")
ok = py / ours >= 10 and ours / cat <= 3 and rss_kb <= 64 * 1024
print("goals met" if ok else "a goal was NOT met (docs/har-benchmark.md has the last figures)")
PY

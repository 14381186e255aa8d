#!/usr/bin/env bash
# scim audit at scale: GitLab's api_json.log read at a size that matters (issue 13's targets:
# 300 MB/s or more with peak RSS under 64 MiB for a 1 GB log; 100k people and 1M log lines
# audited in under 5 s). Usage: bash bench/scim_audit.sh [SIZE_MB] [PEOPLE]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
people=${2:-100000}
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 bench/gen_api_json_log.py --people "$people" --size-mb "$size" -o "$dir/api_json.log"
bytes=$(stat -c %s "$dir/api_json.log")
lines=$(wc -l <"$dir/api_json.log")
cat "$dir/api_json.log" >/dev/null # warm the page cache, as a second run would be
/usr/bin/time -f "%e %M" -o "$dir/time" target/release/samltrace scim audit "$dir/api_json.log" -f json >/dev/null || true
read -r secs kib < <(tail -n 1 "$dir/time")
python3 - "$bytes" "$lines" "$secs" "$kib" "$people" <<'PY'
import sys
b, lines, s, kib, people = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"{b/2**20:.0f} MiB, {lines:,} lines, {people:,} people: {s:.2f} s, "
      f"{b/2**20/max(s, 1e-9):.0f} MiB/s, peak RSS {kib/1024:.1f} MiB")
PY

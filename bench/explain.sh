#!/usr/bin/env bash
# How fast `samltrace explain -` reads a GitLab log: LINES auth_json.log-shaped lines (ruby-saml
# refusals with concrete values, every third line a saml_response record without an error),
# timed with /usr/bin/time (or bash's time). The machine is shared: compare runs, not numbers.
#
#   bash bench/explain.sh        # LINES=20000 by default; NO_BUILD=1 times the binary already built
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-20000}
WORK=target/bench-explain
LOG=$WORK/auth_json-$LINES.log
BIN=target/release/samltrace

mkdir -p "$WORK"
if [ ! -s "$LOG" ]; then
  python3 - "$LINES" "$LOG" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
errors = [
    "Current time is on or after NotOnOrAfter condition (2026-11-02 09:05:%02d UTC >= 2026-11-02 09:04:00 UTC)",
    "Fingerprint mismatch",
    "The response was received at https://gitlab.example.com/users/auth/saml/callback%02d instead of https://gitlab.example.com/users/auth/saml/callback",
]
with open(path, "w") as f:
    for i in range(n):
        if i % 3 == 2:
            line = {"severity": "INFO", "payload_type": "saml_response", "saml_response": {"name_id": "user%d" % i}}
        else:
            e = errors[i % len(errors)]
            line = {"severity": "ERROR", "payload_type": "saml_response", "error": e % (i % 60) if "%" in e else e}
        f.write(json.dumps(line) + "\n")
PY
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
echo "== $LINES lines, $(du -h "$LOG" | cut -f1)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "%e s, %M KiB peak" "$BIN" explain - -f json < "$LOG" > /dev/null
else
  time "$BIN" explain - -f json < "$LOG" > /dev/null
fi

#!/usr/bin/env bash
# Peak memory and time of `samltrace scim fetch` against hostile GitLab answers (issue 12):
#   page      a valid SCIM page of 20M tiny resources (about 220 MB, under the body limit)
#   total     a first page whose totalResults is 10^13, then the same page again
#   loop      REST pages whose Link rel="next" points back to the same page
#   silent    a server that accepts and never answers (--timeout 2)
# Each is served from 127.0.0.1 by a small Python server; peak RSS and wall time come from
# GNU time (/usr/bin/time -v). The 220 MB page is generated once into target/bench-scim/.
#
#   bash bench/scim_hostile.sh                  # BIN=target/release/samltrace by default
#   BIN=target/debug/samltrace bash bench/scim_hostile.sh page
#
# Needs python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/samltrace}
WORK=target/bench-scim
PAGE=$WORK/page-20M.json
CASES=${*:-page total loop silent}
mkdir -p "$WORK"
[ -x "$BIN" ] || cargo build --release

if [ ! -s "$PAGE" ]; then
  echo "== generating a SCIM page of 20,000,000 resources"
  python3 - "$PAGE" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":20000000,"itemsPerPage":100,"startIndex":1,"Resources":[')
    f.write(",".join(['{"id":"a"}'] * 20_000_000))
    f.write("]}")
EOF
fi
ls -l "$PAGE"

SERVER=$(cat <<'EOF'

import http.server, json, socket, sys
case, page = sys.argv[1], sys.argv[2]
if case == "silent":
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
    print(s.getsockname()[1], flush=True)
    held = []
    while True:
        c, _ = s.accept(); held.append(c)
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if case == "page":
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.end_headers()
            with open(page, "rb") as f:
                try:
                    while chunk := f.read(1 << 16): self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError): pass
            return
        if case == "total":
            body = json.dumps({"totalResults": 10**13, "Resources": [{"id": "u%d" % i} for i in range(100)]})
            self.send_response(200); self.end_headers(); self.wfile.write(body.encode()); return
        if case == "loop":
            if "saml_users" in self.path:
                self.send_response(404); self.end_headers(); self.wfile.write(b"{}"); return
            self.send_response(200)
            self.send_header("Link", "<http://127.0.0.1:%d%s>; rel=\"next\"" % (self.server.server_port, self.path))
            self.end_headers(); self.wfile.write(b'[{"extern_uid":"a","user_id":1,"active":true}]')
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_port, flush=True)
srv.serve_forever()
EOF
)

for case in $CASES; do
  fifo=$(mktemp -u); mkfifo "$fifo"
  python3 -c "$SERVER" "$case" "$PAGE" > "$fifo" &
  server=$!
  read -r port < "$fifo"; rm -f "$fifo"
  url="http://127.0.0.1:$port/api/scim/v2/groups/acme"
  [ "$case" = loop ] && url="http://127.0.0.1:$port/groups/1"
  extra=(); [ "$case" = silent ] && extra=(--timeout 2)
  echo "== $case"
  SAMLTRACE_TOKEN=glpat-bench-token-000000 /usr/bin/time -v "$BIN" scim fetch "$url" "${extra[@]}" \
    > /dev/null 2> "$WORK/$case.err" || true
  grep -m1 '^samltrace:' "$WORK/$case.err" || true
  grep -E 'Maximum resident set size|Elapsed \(wall clock\)' "$WORK/$case.err"
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done

#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, seeded with the samples; fails on the first crash.
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
# CI calls it with the default; before an issue is closed, run it for 600 s or more.
# cargo-fuzz needs nightly features: RUSTC_BOOTSTRAP=1 lets the stable toolchain build them.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decode verify har scim_files scim_log listen_http gitlab_pages gitlab_headers)
fi
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked --quiet
fi

seed() {
  local target="$1" dir="corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    decode|verify) cp ../samples/*.{b64,xml,form,url,txt,html} ../samples/dsig/*.{xml,query} "$dir"/ ;;
    har) cp ../samples/*.har ../samples/saml-tracer*.json ../samples/verdict/*.{har,json} "$dir"/ ;;
    scim_files) cp ../samples/identities* "$dir"/ ;;
    scim_log) cp ../samples/scim-api_json.log ../samples/scim-entra-provisioning.json ../samples/scim-entra-provisioning*.csv ../samples/scim-okta-system-log.json ../samples/scim-kibana-export.csv ../samples/identities.auth_json.log "$dir"/ ;;
    listen_http) printf 'POST /acs HTTP/1.1\r\nHost: 127.0.0.1:8088\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\nSAMLResponse=PD' >"$dir/post"
      printf 'GET /sso?SAMLRequest=fZ&RelayState=x HTTP/1.1\r\nHost: 127.0.0.1:8088\r\n\r\n' >"$dir/get" ;;
    gitlab_pages) cp ../samples/identities.{scim,rest}.json "$dir"/ ;;
    gitlab_headers) printf '<https://gitlab.example.com/api/v4/groups/1/saml_users?page=2>; rel="next"' >"$dir/link" ;;
  esac 2>/dev/null || true
}

cargo fuzz build --release 2>&1 | tail -n 3 || { echo "fuzz: build failed" >&2; exit 1; }
for t in "${targets[@]}"; do
  seed "$t"
  max_len=65536
  [ "$t" = har ] && max_len=262144
  echo "fuzz: $t for ${seconds}s" >&2
  # -rss_limit_mb: the decoders promise bounded memory, so a input that needs more is a finding.
  cargo fuzz run --release "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|thread .* panicked|Done )" \
    || true
  if [ -n "$(ls artifacts/"$t"/ 2>/dev/null)" ]; then
    echo "fuzz: $t found a crash: fuzz/artifacts/$t/" >&2
    exit 1
  fi
done

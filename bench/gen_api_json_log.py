#!/usr/bin/env python3
"""A synthetic GitLab api_json.log for benchmarking `samltrace scim audit`.

Writes about --size-mb of log lines: --people people provisioned over SCIM (a POST each, and a
PATCH for every tenth), between ordinary API lines (most of a real log). Deterministic.

  gen_api_json_log.py --people 100000 --size-mb 1024 -o big.log
"""
import argparse
import json


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    target = a.size_mb * 1024 * 1024
    noise = json.dumps({"time": "2026-11-01T08:00:00.000Z", "severity": "INFO", "duration_s": 0.02,
                        "status": 200, "method": "GET", "path": "/api/v4/projects/42/merge_requests",
                        "params": [{"key": "state", "value": "opened"}, {"key": "per_page", "value": "100"}],
                        "host": "gitlab.example.com", "remote_ip": "198.51.100.4", "ua": "curl/8.5.0",
                        "route": "/api/:version/projects/:id/merge_requests", "user_id": 1, "username": "root",
                        "queue_duration_s": 0.001, "correlation_id": "01HXNOISE"}, separators=(",", ":")) + "\n"
    written = 0
    with open(a.output, "w") as out:
        for i in range(a.people):
            body = [{"key": "schemas", "value": ["urn:ietf:params:scim:schemas:core:2.0:User"]},
                    {"key": "externalId", "value": f"ext-{i:08d}"},
                    {"key": "userName", "value": f"user{i}"},
                    {"key": "emails", "value": [{"primary": True, "type": "work", "value": f"user{i}@example.com"}]},
                    {"key": "name", "value": {"formatted": f"User {i}", "givenName": "User", "familyName": str(i)}},
                    {"key": "active", "value": True}]
            line = json.dumps({"time": "2026-11-01T08:00:01.000Z", "severity": "INFO", "status": 201, "method": "POST",
                               "path": "/api/scim/v2/groups/acme/Users", "params": body,
                               "route": "/api/scim/v2/groups/:group/Users"}, separators=(",", ":")) + "\n"
            out.write(line)
            written += len(line)
            if i % 10 == 0:
                ops = [{"key": "Operations", "value": [{"op": "Replace", "path": "externalId", "value": f"new-{i:08d}"}]}]
                line = json.dumps({"time": "2026-11-02T08:00:00.000Z", "status": 204, "method": "PATCH",
                                   "path": f"/api/scim/v2/groups/acme/Users/ext-{i:08d}", "params": ops},
                                  separators=(",", ":")) + "\n"
                out.write(line)
                written += len(line)
        # The rest of the log is ordinary traffic, in blocks.
        block = noise * 1000
        while written < target:
            out.write(block)
            written += len(block)


if __name__ == "__main__":
    main()

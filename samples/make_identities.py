#!/usr/bin/env python3
"""Regenerates the identity-list samples (identities.*) and the responses that show each
verdict state (compare-*.xml, compare-*.b64). See README.md, section "Identity lists".

Python 3 (standard library) and Debian's xmlsec1, as make.py: the assertions are signed with
keys/idp.key, so that only the identity makes a difference. Run from anywhere:
`python3 samples/make_identities.py`. Deterministic: rerunning rewrites identical files.
"""
import base64
import csv
import io
import json
import os

import make

HERE = os.path.dirname(os.path.abspath(__file__))
ISSUER = "https://login.example.com/acme"
EMAIL_FMT = make.FMT + "emailAddress"
PERSISTENT = make.FMT2 + "persistent"

# The people. (user_id, username, name, email, extern_uid, active)
PEOPLE = [
    (48, "alice", "Alice Example", "alice@example.com", "0b1d561c-21ff-4092-beab-8154b17f82f2", True),
    (49, "bob", "Bob Builder", "bob@example.com", "bob@example.com", True),
    (51, "dave", "Dave Diver", "dave@example.com", "7c9e6679-7425-40de-944b-e07fc1f90ae7", True),
    (52, "erin", "Erin Archer", "erin@example.com", "e5f0c2aa-6b1d-4c55-9a43-2f8d0c6e7b19", False),
    (55, "jsmith", "Jane Smith", "jane.smith@example.com", "JSmith", True),
    (56, "jsmith1", "John Smith", "john.smith@example.com", "jsmith", True),
    (57, "kim", "Kim Spacey", "kim@example.com", "kim.lee ", True),
]

# One response per verdict state: (file, NameID, format, email attribute or None, name).
RESPONSES = [
    ("compare-match.xml", "0b1d561c-21ff-4092-beab-8154b17f82f2", PERSISTENT, "alice@example.com", "Alice Example"),
    ("compare-near-match.xml", "Bob@Example.com", EMAIL_FMT, "bob@example.com", "Bob Builder"),
    ("compare-mismatch.xml", "dave@example.com", EMAIL_FMT, "dave@example.com", "Dave Diver"),
    ("compare-inactive.xml", "e5f0c2aa-6b1d-4c55-9a43-2f8d0c6e7b19", PERSISTENT, "erin@example.com", "Erin Archer"),
    ("compare-ambiguous.xml", "jsmith", PERSISTENT, "j.smith@example.com", "J Smith"),
    ("compare-not-found.xml", "f00dfeed-0000-4000-8000-00000000beef", PERSISTENT, "zed@example.com", "Zed Zimmer"),
]


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def scim_list():
    resources = []
    for uid, user, name, email, ext, active in PEOPLE:
        given, family = name.split(" ", 1)
        resources.append({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": ext,
            "active": active,
            "emails": [{"type": "work", "value": email, "primary": True}],
            "name": {"formatted": name, "givenName": given, "familyName": family},
            "meta": {"resourceType": "User"},
            "userName": user,
        })
    page = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "itemsPerPage": 100,
        "startIndex": "1",
        "Resources": resources,
    }
    return json.dumps(page, indent=2) + "\n"


def rest_users():
    """Users API admin objects: the SAML and SCIM identities of each user, and one member
    (gina) who never linked an identity."""
    users = []
    for uid, user, name, email, ext, active in PEOPLE:
        users.append({
            "id": uid, "username": user, "name": name, "email": email, "state": "active",
            "identities": [{"provider": "group_saml", "extern_uid": ext, "saml_provider_id": 10}],
            "scim_identities": [{"extern_uid": ext, "group_id": "33", "active": active}],
        })
    users.append({"id": 58, "username": "gina", "name": "Gina Unlinked", "email": "gina@example.com",
                  "state": "active", "identities": [], "scim_identities": []})
    return json.dumps(users, indent=2) + "\n"


def canonical_csv():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["source", "user_id", "username", "email", "extern_uid", "active"])
    for uid, user, name, email, ext, active in PEOPLE:
        w.writerow(["scim_group", uid, user, email, ext, str(active).lower()])
    w.writerow(["scim_group", 59, "broken", "broken@example.com", "x-1", "perhaps"])
    return out.getvalue()


def entra_csv():
    """Entra's "Download users" export: display-style headers, a BOM, CRLF, objectId GUIDs,
    the UPN (which Entra sends as NameID by default) and accountEnabled."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["userPrincipalName", "displayName", "surname", "mail", "givenName", "objectId",
                "userType", "jobTitle", "department", "accountEnabled"])
    rows = [
        ("alice@example.com", "Alice Example", "0b1d561c-21ff-4092-beab-8154b17f82f2", "True", "Engineering"),
        ("bob@example.com", "Bob Builder", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "True", "Builders, Inc."),
        ("dave@example.com", "Dave Diver", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "True", "Ops"),
        ("erin@example.com", "Erin Archer", "e5f0c2aa-6b1d-4c55-9a43-2f8d0c6e7b19", "False", "Ops"),
    ]
    for upn, name, oid, enabled, dept in rows:
        given, family = name.split(" ", 1)
        w.writerow([upn, name, family, upn, given, oid, "Member", "", dept, enabled])
    return "\ufeff" + out.getvalue()


def plain_text():
    lines = ["# extern_uid values, one per line (as copied from an admin's notes)"]
    lines += [ext for _, _, _, _, ext, _ in PEOPLE]
    return "\n".join(lines) + "\n"


def auth_log():
    """GitLab's auth_json.log: NameIDs seen on earlier sign-ins, among other events."""
    entries = [
        {"severity": "INFO", "time": "2026-10-30T08:00:00.000Z", "message": "Successful Login"},
        {"severity": "INFO", "time": "2026-10-30T08:01:00.000Z", "meta.caller_id": "OmniauthCallbacksController#saml",
         "payload_type": "saml_response",
         "saml_response": {"issuer": [ISSUER], "name_id": "0b1d561c-21ff-4092-beab-8154b17f82f2",
                           "name_id_format": PERSISTENT, "attributes": {"email": ["alice@example.com"]}, "success": True}},
        {"severity": "INFO", "time": "2026-10-31T08:01:00.000Z", "meta.caller_id": "OmniauthCallbacksController#saml",
         "payload_type": "saml_response",
         "saml_response": {"issuer": [ISSUER], "name_id": "bob@example.com",
                           "name_id_format": EMAIL_FMT, "attributes": {"email": ["bob@example.com"]}, "success": True}},
    ]
    return "".join(json.dumps(e) + "\n" for e in entries)


def responses():
    for i, (name, name_id, fmt, email, full) in enumerate(RESPONSES):
        given, family = full.split(" ", 1)
        attrs = [make.attribute("saml", "email", [email])] if email else []
        attrs += [make.attribute("saml", "firstName", [given]), make.attribute("saml", "lastName", [family])]
        xml = make.sign(make.response(rid=f"_cmp{i}r", aid=f"_cmp{i}a", issuer=ISSUER, name_id=name_id,
                                      fmt=fmt, attrs=attrs, nl="\n", sign="assertion"), "Assertion")
        write(name, xml + "\n")
        if name == "compare-near-match.xml":
            write("compare-near-match.b64", base64.b64encode(xml.encode()).decode() + "\n")


def main():
    write("identities.scim.json", scim_list())
    write("identities.rest.json", rest_users())
    write("identities.csv", canonical_csv())
    write("identities.entra.csv", entra_csv())
    write("identities.txt", plain_text())
    write("identities.auth_json.log", auth_log())
    responses()


if __name__ == "__main__":
    main()

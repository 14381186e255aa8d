#!/usr/bin/env python3
"""Regenerates the checks-*.xml samples (see the "Check samples" section of README.md).

Reuses make.py's response builder and signing (Python 3 standard library, Debian's xmlsec1 and
the key pair in keys/). Run from anywhere: `python3 samples/checks_make.py`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make  # noqa: E402


def misconfigured():
    """Alice cannot sign in: a zero-width space after her NameID, the audience of another group,
    and the email attribute spelled "Email"."""
    return make.sign(make.response(
        rid="_chk0a1b2c3d4e5f60718293a4b5c6d7e8f9", aid="_chk9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        issuer="http://www.okta.com/exk1a2b3c4d5e6f7g8h9", p="saml2", pp="saml2p",
        name_id="alice@example.com\u200b", fmt=make.FMT + "emailAddress", sign="assertion",
        audience="https://gitlab.com/groups/acme-corp",
        attrs=[make.attribute("saml2", "Email", ["alice@example.com"]),
               make.attribute("saml2", "firstName", ["Alice"]),
               make.attribute("saml2", "lastName", ["Example"])]), "Assertion")


def main():
    make.write("checks-misconfigured.xml", misconfigured() + "\n")


if __name__ == "__main__":
    main()

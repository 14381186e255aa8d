#!/usr/bin/env python3
"""Regenerates the GitLab-verdict fixtures in samples/verdict/. See README.md there.

Needs Python 3 (standard library only), Debian's xmlsec1 and openssl; reuses the signing helpers
of ../dsig/make.py. Run from anywhere: `python3 samples/verdict/make.py`. RSA PKCS#1 v1.5
signatures over the same template are deterministic, so rerunning rewrites the same bytes.
"""
import base64
import importlib.util
import json
import os
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("dsig_make", os.path.join(HERE, "..", "dsig", "make.py"))
dsig = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dsig)

SAMLP, SAML, DS, GROUP, ACS = dsig.SAMLP, dsig.SAML, dsig.DS, dsig.GROUP, dsig.ACS
SIG, DIGEST = dsig.SHA["sha256"]
SP_KEY, SP_CERT = dsig.SP_KEY, dsig.SP_CERT
IDP_KEY = dsig.IDP_KEY
REQUEST_ID = "_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b"


def assertion(asig=""):
    """An assertion GitLab accepts: Issuer, Subject with a bearer confirmation, Conditions with
    the group's audience, an AuthnStatement, an email attribute; valid 08:55-09:05."""
    return (
        '<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-11-02T09:00:00Z">'
        f'<saml:Issuer>https://idp.example.com/</saml:Issuer>{asig}'
        '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
        '0b1d561c-21ff-4092-beab-8154b17f82f2</saml:NameID>'
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData InResponseTo="{REQUEST_ID}" NotOnOrAfter="2026-11-02T09:05:00Z" '
        f'Recipient="{ACS}"/></saml:SubjectConfirmation></saml:Subject>'
        '<saml:Conditions NotBefore="2026-11-02T08:55:00Z" NotOnOrAfter="2026-11-02T09:05:00Z">'
        f'<saml:AudienceRestriction><saml:Audience>{GROUP}</saml:Audience></saml:AudienceRestriction>'
        '</saml:Conditions><saml:AuthnStatement AuthnInstant="2026-11-02T09:00:00Z" SessionIndex="_s1">'
        '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:'
        'PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>'
        '<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com'
        '</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>')


def response(body, rsig="", rid="_r1"):
    return (f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{rid}" Version="2.0" '
            f'IssueInstant="2026-11-02T09:00:00Z" Destination="{ACS}" InResponseTo="{REQUEST_ID}">\n'
            f'<saml:Issuer>https://idp.example.com/</saml:Issuer>{rsig}\n'
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            f'</samlp:Status>\n{body}\n</samlp:Response>\n')


def certificate_base64(pem_path):
    with open(pem_path) as f:
        return "".join(l.strip() for l in f if "-----" not in l)


def keyinfo_certificate(xml, pem_path):
    """Replaces the (first) KeyInfo certificate: KeyInfo is not signed, the signature stays valid."""
    start = xml.index("<ds:X509Certificate>") + len("<ds:X509Certificate>")
    end = xml.index("</ds:X509Certificate>")
    return xml[:start] + certificate_base64(pem_path) + xml[end:]


def two_references():
    """A Response signature whose SignedInfo references the Response, then the Assertion."""
    t = dsig.template("_r1", SIG, DIGEST)
    second = (f'<ds:Reference URI="#_a1"><ds:Transforms><ds:Transform Algorithm="{dsig.ENVELOPED}"/>'
              f'<ds:Transform Algorithm="{dsig.EXC}"/></ds:Transforms><ds:DigestMethod Algorithm="{DIGEST}"/>'
              '<ds:DigestValue/></ds:Reference>')
    return t.replace("</ds:Reference>", "</ds:Reference>" + second, 1)


def fixtures():
    r_tmpl = dsig.template("_r1", SIG, DIGEST)
    a_tmpl = dsig.template("_a1", SIG, DIGEST)
    out = {}
    out["accepted"] = dsig.sign(response(assertion(), r_tmpl))
    uuid = "4f1d2a3b-0c9e-4d7a-8b6f-5e4d3c2b1a09"
    out["digit-id"] = dsig.sign(response(assertion(), dsig.template(uuid, SIG, DIGEST), rid=uuid))
    out["whole-document"] = dsig.sign(response(assertion(), r_tmpl.replace('URI="#_r1"', 'URI=""')))
    inner = dsig.sign(response(assertion(a_tmpl)))
    value_start = inner.index("<ds:SignatureValue>") + len("<ds:SignatureValue>")
    broken = inner[:value_start] + ("B" if inner[value_start] == "A" else "A") + inner[value_start + 1:]
    out["broken-inner-signature"] = dsig.sign(broken.replace(
        "<saml:Issuer>https://idp.example.com/</saml:Issuer>",
        "<saml:Issuer>https://idp.example.com/</saml:Issuer>" + r_tmpl, 1))
    out["unrelated-keyinfo"] = keyinfo_certificate(dsig.sign(response(assertion(), r_tmpl)), SP_CERT)
    out["two-references"] = dsig.sign(response(assertion(), two_references()))
    return out


def authn_request(signed):
    sig = dsig.template("_q2", SIG, DIGEST) if signed else ""
    return (f'<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_q2" Version="2.0" '
            'IssueInstant="2026-11-02T08:59:58Z" Destination="https://idp.example.com/sso" '
            f'AssertionConsumerServiceURL="{ACS}"><saml:Issuer>{GROUP}</saml:Issuer>{sig}'
            '</samlp:AuthnRequest>')


def sign_request(xml):
    """Signs the AuthnRequest with the SP's key, as GitLab signs its requests."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        with open(src, "w") as f:
            f.write(xml)
        out = dsig.run("xmlsec1", "--sign", "--privkey-pem", f"{SP_KEY},{SP_CERT}",
                       "--id-attr:ID", f"{SAMLP}:AuthnRequest", src)
    return out.replace('<?xml version="1.0"?>\n', "", 1)


def redirect_query(request_xml):
    """HTTP-Redirect query of `request_xml`, signed with the SP key over the encoded query."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = c.compress(request_xml.encode()) + c.flush()
    q = urllib.parse.quote
    query = (f"SAMLRequest={q(base64.b64encode(deflated).decode(), safe='')}"
             f"&RelayState={q('/groups/acme', safe='')}&SigAlg={q(SIG, safe='')}")
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "q")
        with open(src, "w") as f:
            f.write(query)
        sig = dsig.run_bytes("openssl", "dgst", "-sha256", "-sign", SP_KEY, src)
    return query + "&Signature=" + q(base64.b64encode(sig).decode(), safe="")


def entry(method, url, started, post=None, status=302, location=None):
    e = {"startedDateTime": started, "time": 5,
         "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [],
                     "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1},
         "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [],
                      "cookies": [], "content": {"size": 0, "mimeType": "text/html"},
                      "redirectURL": location or "", "headersSize": -1, "bodySize": -1},
         "cache": {}, "timings": {"send": 0, "wait": 5, "receive": 0}}
    if post is not None:
        e["request"]["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": post}
    return e


def captures(accepted):
    """A HAR and a SAML-tracer export of a sign-in whose requests GitLab signed: an AuthnRequest
    by HTTP-Redirect (query signature), then a retry by HTTP-POST (embedded signature) that the
    response answers."""
    query = redirect_query(authn_request(False))
    posted = sign_request(authn_request(True).replace('"_q2"', '"' + REQUEST_ID + '"').replace(
        'URI="#_q2"', 'URI="#' + REQUEST_ID + '"'))
    post_body = "SAMLRequest=" + urllib.parse.quote(base64.b64encode(posted.encode()).decode(), safe="")
    response_body = "SAMLResponse=" + urllib.parse.quote(base64.b64encode(accepted.encode()).decode(), safe="")
    sso = "https://idp.example.com/sso"
    har = {"log": {"version": "1.2", "creator": {"name": "samltrace samples", "version": "1"}, "entries": [
        entry("GET", GROUP + "/-/saml/sso", "2026-11-02T08:59:58.000Z", location=sso + "?" + query),
        entry("GET", sso + "?" + query, "2026-11-02T08:59:58.500Z", status=200),
        entry("POST", sso, "2026-11-02T08:59:59.000Z", post=post_body, status=200),
        entry("POST", ACS, "2026-11-02T09:00:01.000Z", post=response_body),
    ]}}
    params = urllib.parse.parse_qsl(query)
    tracer = {"requests": [{
        "requestId": "request-1-GET", "method": "GET", "url": sso + "?" + query,
        "get": [[k, v] for k, v in params], "protocol": "SAML-P",
        "saml": authn_request(False),
        "responseStatus": 200,
        "responseHeaders": [{"name": "date", "value": "Mon, 02 Nov 2026 08:59:58 GMT"}],
    }], "timestamp": "2026-11-02T09:00:30.000Z"}
    return har, tracer


def main():
    out = fixtures()
    for name, xml in out.items():
        dsig.write(os.path.join(HERE, f"{name}.xml"), xml)
    har, tracer = captures(out["accepted"])
    with open(os.path.join(HERE, "har-sp-signed.har"), "w") as f:
        json.dump(har, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "saml-tracer-signed.json"), "w") as f:
        json.dump(tracer, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

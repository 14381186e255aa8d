#!/usr/bin/env python3
"""Regenerates the synthetic samples in this folder. See README.md for what each file is.

Needs Python 3 (standard library only), and, for the signed samples, Debian's xmlsec1 and openssl.
Run from anywhere: `python3 samples/make.py`. Output is deterministic except for signatures'
certificate (made once and kept in keys/) — rerunning rewrites identical files.
"""
import base64
import os
import subprocess
import tempfile
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = os.path.join(HERE, "keys", "idp.key")
CERT = os.path.join(HERE, "keys", "idp.crt")

GROUP = "https://gitlab.com/groups/acme"
ACS = GROUP + "/-/saml/callback"
ISSUED = "2026-11-02T09:00:00Z"
NOT_BEFORE = "2026-11-02T08:55:00Z"
NOT_AFTER = "2026-11-02T09:05:00Z"
REQ_ID = "_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b"

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
FMT = "urn:oasis:names:tc:SAML:1.1:nameid-format:"
FMT2 = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MSCLAIMS = "http://schemas.microsoft.com/identity/claims/"

SIG_TEMPLATE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{ref}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>"""


def attribute(p, name, values, friendly=None, name_format=None):
    extra = ""
    if friendly:
        extra += f' FriendlyName="{friendly}"'
    if name_format:
        extra += f' NameFormat="{name_format}"'
    vals = "".join(f'<{p}:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{v}</{p}:AttributeValue>' for v in values)
    return f'<{p}:Attribute Name="{name}"{extra}>{vals}</{p}:Attribute>'


def response(*, rid, aid, issuer, name_id, fmt, attrs, p="saml", pp="samlp", sign=None,
             status=None, audience=GROUP, acs=ACS, extra_ns="", nl="", sp_name_qualifier=None):
    """A Response in GitLab's shape. sign: None, 'assertion' or 'response'."""
    spnq = f' SPNameQualifier="{sp_name_qualifier}"' if sp_name_qualifier else ""
    rsig = SIG_TEMPLATE.format(ref=rid) if sign == "response" else ""
    asig = SIG_TEMPLATE.format(ref=aid) if sign == "assertion" else ""
    st = status or f'<{pp}:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
    if status is not None:
        return (f'<{pp}:Response xmlns:{pp}="{SAMLP}" xmlns:{p}="{SAML}"{extra_ns} ID="{rid}" Version="2.0" IssueInstant="{ISSUED}" Destination="{acs}" InResponseTo="{REQ_ID}">{nl}'
                f'<{p}:Issuer>{issuer}</{p}:Issuer>{nl}{rsig}<{pp}:Status>{st}</{pp}:Status>{nl}</{pp}:Response>')
    attr_xml = "".join(attrs)
    return (
        f'<{pp}:Response xmlns:{pp}="{SAMLP}" xmlns:{p}="{SAML}"{extra_ns} ID="{rid}" Version="2.0" IssueInstant="{ISSUED}" Destination="{acs}" InResponseTo="{REQ_ID}">{nl}'
        f'<{p}:Issuer>{issuer}</{p}:Issuer>{nl}{rsig}'
        f'<{pp}:Status><{pp}:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></{pp}:Status>{nl}'
        f'<{p}:Assertion ID="{aid}" Version="2.0" IssueInstant="{ISSUED}">{nl}'
        f'<{p}:Issuer>{issuer}</{p}:Issuer>{nl}{asig}'
        f'<{p}:Subject><{p}:NameID Format="{fmt}"{spnq}>{name_id}</{p}:NameID>{nl}'
        f'<{p}:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><{p}:SubjectConfirmationData InResponseTo="{REQ_ID}" NotOnOrAfter="{NOT_AFTER}" Recipient="{acs}"/></{p}:SubjectConfirmation></{p}:Subject>{nl}'
        f'<{p}:Conditions NotBefore="{NOT_BEFORE}" NotOnOrAfter="{NOT_AFTER}"><{p}:AudienceRestriction><{p}:Audience>{audience}</{p}:Audience></{p}:AudienceRestriction></{p}:Conditions>{nl}'
        f'<{p}:AuthnStatement AuthnInstant="{ISSUED}" SessionIndex="{aid}"><{p}:AuthnContext><{p}:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</{p}:AuthnContextClassRef></{p}:AuthnContext></{p}:AuthnStatement>{nl}'
        f'<{p}:AttributeStatement>{attr_xml}</{p}:AttributeStatement>{nl}'
        f'</{p}:Assertion>{nl}</{pp}:Response>'
    )


CA_CONFIG = """[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = none
[p]
O = supplied
CN = supplied
"""


def ensure_key():
    """A self-signed IdP certificate valid 2026-01-01 to 2036-01-01 (before the samples' date)."""
    if os.path.exists(KEY) and os.path.exists(CERT):
        return
    with tempfile.TemporaryDirectory() as d:
        for name, text in [("ca.cnf", CA_CONFIG), ("index.txt", ""), ("serial", "01\n")]:
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        subprocess.run(["openssl", "genrsa", "-out", KEY, "2048"], check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-new", "-key", KEY, "-out", os.path.join(d, "r.csr"),
                        "-subj", "/O=samltrace examples/CN=idp.example.com"], check=True)
        subprocess.run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", KEY,
                        "-in", "r.csr", "-out", CERT, "-startdate", "20260101000000Z",
                        "-enddate", "20360101000000Z", "-notext"], check=True, capture_output=True, cwd=d)


def sign(xml, element):
    """Signs with xmlsec1: the Signature template inside `element` (Assertion or Response)."""
    ensure_key()
    node = f"urn:oasis:names:tc:SAML:2.0:{'assertion' if element == 'Assertion' else 'protocol'}:{element}"
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        with open(src, "w") as f:
            f.write(xml)
        out = subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{KEY},{CERT}", "--id-attr:ID", node, src],
                             check=True, capture_output=True).stdout.decode()
    return out.replace('<?xml version="1.0"?>\n', "", 1)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def deflate(s):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(s.encode()) + c.flush()


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(text)


def okta():
    return sign(response(
        rid="_okta0f1e2d3c4b5a69788796a5b4c3d2e1f0", aid="_okta1a2b3c4d5e6f708192a3b4c5d6e7f8091",
        issuer="http://www.okta.com/exk1a2b3c4d5e6f7g8h9", p="saml2", pp="saml2p",
        name_id="alice@example.com", fmt=FMT + "emailAddress", sign="assertion",
        attrs=[attribute("saml2", "email", ["alice@example.com"], name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"),
               attribute("saml2", "firstName", ["Alice"]), attribute("saml2", "lastName", ["Example"]),
               attribute("saml2", "groups", ["developers", "gitlab-admins"])]), "Assertion")


def entra():
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    return sign(response(
        rid="_e1d2c3b4-a5f6-4789-8a0b-1c2d3e4f5a6b", aid="_f6e5d4c3-b2a1-4098-9f8e-7d6c5b4a3f2e",
        issuer=f"https://sts.windows.net/{tenant}/", p="saml", pp="samlp", extra_ns="",
        name_id="3f2504e0-4f89-41d3-9a0c-0305e82c3301", fmt=FMT2 + "persistent", sign="assertion",
        attrs=[attribute("saml", MSCLAIMS + "tenantid", [tenant]),
               attribute("saml", MSCLAIMS + "objectidentifier", ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"]),
               attribute("saml", CLAIMS + "emailaddress", ["bob@example.com"]),
               attribute("saml", CLAIMS + "givenname", ["Bob"]),
               attribute("saml", CLAIMS + "surname", ["Builder"]),
               attribute("saml", CLAIMS + "name", ["bob@example.onmicrosoft.com"]),
               attribute("saml", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
                         ["0c9d7c3a-1111-4a6b-9e2f-000000000001", "0c9d7c3a-2222-4a6b-9e2f-000000000002"])]), "Assertion")


def google():
    return sign(response(
        rid="_g0a1b2c3d4e5f60718293a4b5c6d7e8f9", aid="_g9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        issuer="https://accounts.google.com/o/saml2?idpid=C01example", p="saml2", pp="saml2p",
        name_id="carol@example.com", fmt=FMT + "unspecified", sign="response",
        attrs=[attribute("saml2", "email", ["carol@example.com"]), attribute("saml2", "first_name", ["Carol"]),
               attribute("saml2", "last_name", ["Example"])]), "Response")


def default_namespace():
    """No prefixes at all: the protocol namespace as default on the Response, the assertion's on the Assertion."""
    x = response(rid="_dn1", aid="_dn2", issuer="https://idp.example.org/saml", p="saml", pp="samlp",
                 name_id="dave", fmt=FMT2 + "persistent",
                 attrs=[attribute("saml", "mail", ["dave@example.org"]), attribute("saml", "name", ["Dave Example"])])
    x = x.replace(f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"', f'<Response xmlns="{SAMLP}"')
    x = x.replace("samlp:", "").replace("<saml:Issuer>", f'<Issuer xmlns="{SAML}">', 1)
    x = x.replace("<saml:Assertion ", f'<Assertion xmlns="{SAML}" ').replace("saml:", "")
    return x


def failed():
    st = (f'<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
          f'<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>'
          f'<samlp:StatusMessage>User is not assigned to this application.</samlp:StatusMessage>')
    return response(rid="_fail1", aid="", issuer="https://login.example.com/saml/idp", name_id="", fmt="",
                    attrs=[], status=st)


def transient_saml2():
    return response(rid="_t1", aid="_t2", issuer="https://idp.example.net/idp/shibboleth", p="saml2", pp="saml2p",
                    name_id="AAdzZWNyZXQxTHO0n6ZbiOn3AVWSK8KG", fmt=FMT2 + "transient", nl="\n",
                    sp_name_qualifier=GROUP,
                    attrs=[attribute("saml2", "urn:oid:0.9.2342.19200300.100.1.3", ["erin@example.net"], friendly="mail",
                                     name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"),
                           attribute("saml2", "urn:oid:2.5.4.42", ["Erin"], friendly="givenName",
                                     name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"),
                           attribute("saml2", "urn:oid:2.5.4.4", ["Example"], friendly="sn",
                                     name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri")])


def authn_request():
    return (f'<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{REQ_ID}" Version="2.0" '
            f'IssueInstant="2026-11-02T08:59:58Z" Destination="https://login.example.com/app/gitlab/sso/saml" '
            f'AssertionConsumerServiceURL="{ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
            f'<saml:Issuer>{GROUP}</saml:Issuer>'
            f'<samlp:NameIDPolicy Format="{FMT2}persistent" AllowCreate="true"/></samlp:AuthnRequest>')


def logout_request():
    return (f'<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_lo1" Version="2.0" '
            f'IssueInstant="2026-11-02T17:30:00Z" Destination="https://login.example.com/app/gitlab/slo/saml" '
            f'NotOnOrAfter="2026-11-02T17:35:00Z" Reason="urn:oasis:names:tc:SAML:2.0:logout:user">\n'
            f'  <saml:Issuer>{GROUP}</saml:Issuer>\n'
            f'  <saml:NameID Format="{FMT}emailAddress">alice@example.com</saml:NameID>\n'
            f'  <samlp:SessionIndex>_okta1a2b3c4d5e6f708192a3b4c5d6e7f8091</samlp:SessionIndex>\n'
            f'</samlp:LogoutRequest>\n')


def main():
    ok, en, go = okta(), entra(), google()
    write("okta-email.b64", b64(ok) + "\n")
    form = urllib.parse.urlencode({"SAMLResponse": b64(en), "RelayState": "/acme/platform"})
    write("entra-persistent.form", form + "\n")
    write("google.xml", go)
    write("saml2-transient.xml", transient_saml2() + "\n")
    write("default-namespace.xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + default_namespace() + "\n")
    write("failed-status.b64", b64(failed()) + "\n")
    write("logout-request.xml", logout_request())
    req = base64.b64encode(deflate(authn_request())).decode()
    url = ("https://login.example.com/app/gitlab/sso/saml?"
           + urllib.parse.urlencode({"SAMLRequest": req, "RelayState": "/acme/platform"}))
    write("authn-request-redirect.url", url + "\n")
    wrapped = b64(ok)
    write("okta-wrapped.b64", "\n".join(wrapped[i:i + 76] for i in range(0, len(wrapped), 76)) + "\n")
    spaced = b64(en)
    assert "+" in spaced, "the Entra sample must contain '+' to show the repair"
    write("entra-plus-as-space.txt", spaced.replace("+", " ") + "\n")
    page = ("<!DOCTYPE html>\n<html><head><title>Working...</title></head>"
            "<body onload=\"document.forms[0].submit()\">\n"
            f"<form method=\"POST\" name=\"hiddenform\" action=\"{ACS}\">\n"
            f"<input type=\"hidden\" name=\"SAMLResponse\" value=\"{b64(go)}\" />\n"
            "<input type=\"hidden\" name=\"RelayState\" value=\"/acme/platform\" />\n"
            "<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript>\n"
            "</form></body></html>\n")
    write("idp-post-form.html", page)
    write("several.txt", "# one payload per line: a response, a deflated request, a failed response\n"
          + b64(ok) + "\n" + req + "\n" + b64(failed()) + "\n")
    write("doctype.xml", '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n'
          '  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
          f'<samlp:Response xmlns:samlp="{SAMLP}" ID="_x">&lol2;</samlp:Response>\n')
    write("not-base64.txt", "This is the SAML response my IdP showed me: [object Object]\n")


if __name__ == "__main__":
    main()

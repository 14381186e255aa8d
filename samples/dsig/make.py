#!/usr/bin/env python3
"""Regenerates the signature and encryption fixtures in samples/dsig/. See README.md there.

Needs Python 3 (standard library only), Debian's xmlsec1 and openssl. Run from anywhere:
`python3 samples/dsig/make.py`. Signatures over the same template with the same RSA key are
deterministic (PKCS#1 v1.5); ECDSA, RSA-PSS and every encryption are randomised, so rerunning
rewrites those files with new bytes that verify and decrypt the same way.
"""
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")
IDP_KEY = os.path.join(HERE, "..", "keys", "idp.key")
IDP_CERT = os.path.join(HERE, "..", "keys", "idp.crt")
EC_KEY = os.path.join(KEYS, "idp-ec.key")
EC_CERT = os.path.join(KEYS, "idp-ec.crt")
SP_KEY = os.path.join(KEYS, "sp.key")
SP_CERT = os.path.join(KEYS, "sp.crt")

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
GROUP = "https://gitlab.com/groups/acme"
ACS = GROUP + "/-/saml/callback"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
ENVELOPED = DS + "enveloped-signature"

SHA = {
    "sha1": (DS + "rsa-sha1", DS + "sha1"),
    "sha256": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", XENC + "sha256"),
    "sha384": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
               "http://www.w3.org/2001/04/xmldsig-more#sha384"),
    "sha512": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", XENC + "sha512"),
}


def run(*args):
    return subprocess.run(list(args), check=True, capture_output=True).stdout.decode()


def ensure_keys():
    os.makedirs(KEYS, exist_ok=True)
    if not os.path.exists(SP_KEY):
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", SP_KEY,
            "-out", SP_CERT, "-days", "3650", "-subj", "/O=samltrace examples/CN=sp.example.com")
    if not os.path.exists(EC_KEY):
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
            "-sha384", "-keyout", EC_KEY, "-out", EC_CERT, "-days", "3650",
            "-subj", "/O=samltrace examples/CN=idp-ec.example.com")


def template(ref, sig_alg, digest_alg, c14n=EXC, transforms=(ENVELOPED, EXC), prefixes=None):
    """A Signature template for xmlsec1 --sign."""
    def transform(uri):
        if prefixes and uri == EXC:
            return (f'<ds:Transform Algorithm="{uri}"><ec:InclusiveNamespaces xmlns:ec="{EXC}" '
                    f'PrefixList="{prefixes}"/></ds:Transform>')
        return f'<ds:Transform Algorithm="{uri}"/>'
    ts = "".join(transform(t) for t in transforms)
    return (f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"/>'
            f'<ds:SignatureMethod Algorithm="{sig_alg}"/><ds:Reference URI="#{ref}"><ds:Transforms>{ts}'
            f'</ds:Transforms><ds:DigestMethod Algorithm="{digest_alg}"/><ds:DigestValue/></ds:Reference>'
            f'</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/>'
            f'</ds:X509Data></ds:KeyInfo></ds:Signature>')


def assertion(asig="", name_id="alice@example.com", subject_extra=""):
    """The assertion, with `asig` after its Issuer. Attribute values use xs: in a QName value."""
    subject = subject_extra or (
        f'<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>')
    return (
        '<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-11-02T09:00:00Z" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<saml:Issuer>https://idp.example.com/</saml:Issuer>{asig}'
        f'<saml:Subject>{subject}<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="2026-11-02T09:05:00Z" Recipient="{ACS}"/>'
        '</saml:SubjectConfirmation></saml:Subject>'
        '<saml:Conditions NotBefore="2026-11-02T08:55:00Z" NotOnOrAfter="2026-11-02T09:05:00Z">'
        f'<saml:AudienceRestriction><saml:Audience>{GROUP}</saml:Audience></saml:AudienceRestriction>'
        '</saml:Conditions><saml:AttributeStatement><saml:Attribute Name="email">'
        '<saml:AttributeValue xsi:type="xs:string">alice@example.com</saml:AttributeValue>'
        '</saml:Attribute></saml:AttributeStatement></saml:Assertion>')


def response(body, rsig=""):
    return (f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r1" Version="2.0" '
            f'IssueInstant="2026-11-02T09:00:00Z" Destination="{ACS}">\n'
            f'<saml:Issuer>https://idp.example.com/</saml:Issuer>{rsig}\n'
            f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            f'</samlp:Status>\n{body}\n</samlp:Response>\n')


def sign(xml, key=IDP_KEY, cert=IDP_CERT):
    """Signs the first Signature template in document order."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        with open(src, "w") as f:
            f.write(xml)
        out = run("xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}",
                  "--id-attr:ID", f"{SAMLP}:Response", "--id-attr:ID", f"{SAML}:Assertion", src)
    return out.replace('<?xml version="1.0"?>\n', "", 1)


def golden(name, xml, cert=IDP_CERT):
    """Stores xmlsec1's byte-exact canonical forms of the first signature of `xml`."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        with open(src, "w") as f:
            f.write(xml)
        out = subprocess.run(["xmlsec1", "--verify", "--store-references", "--store-signatures",
                              "--print-debug", "--pubkey-cert-pem", cert, "--id-attr:ID", f"{SAMLP}:Response",
                              "--id-attr:ID", f"{SAML}:Assertion", src],
                             check=True, capture_output=True).stdout
    for label, ext in ((b"PreDigest", "ref.c14n"), (b"PreSigned", "signedinfo.c14n")):
        marker = b"== " + label + b" data - start buffer:\n"
        start = out.index(marker) + len(marker)
        end = out.index(b"\n== " + label + b" data - end buffer", start)
        with open(os.path.join(HERE, "golden", f"{name}.{ext}"), "wb") as f:
            f.write(out[start:end])


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(text)


def tamper(xml):
    """One character of the NameID changed after signing."""
    changed = xml.replace(">alice@example.com</saml:NameID>", ">alicf@example.com</saml:NameID>", 1)
    assert changed != xml
    return changed


def signed_set(sha):
    sig_alg, digest_alg = SHA[sha]
    a_tmpl = template("_a1", sig_alg, digest_alg)
    r_tmpl = template("_r1", sig_alg, digest_alg)
    return {
        f"response-{sha}": sign(response(assertion(), r_tmpl)),
        f"assertion-{sha}": sign(response(assertion(a_tmpl))),
        # The assertion first, then the Response over the signed assertion.
        f"both-{sha}": sign(sign(response(assertion(a_tmpl))).replace(
            "<saml:Issuer>https://idp.example.com/</saml:Issuer>",
            "<saml:Issuer>https://idp.example.com/</saml:Issuer>" + r_tmpl, 1)),
    }


def variants():
    sig256, dig256 = SHA["sha256"]
    return {
        "response-c14n10": sign(response(assertion(), template(
            "_r1", sig256, dig256, c14n=C14N10, transforms=(ENVELOPED, C14N10)))),
        "response-c14n11": sign(response(assertion(), template(
            "_r1", sig256, dig256, c14n=C14N11, transforms=(ENVELOPED, C14N11)))),
        "assertion-prefixlist": sign(response(assertion(template(
            "_a1", sig256, dig256, prefixes="xs xsi")))),
        "response-sha512": sign(response(assertion(), template("_r1", *SHA["sha512"]))),
        "response-sha384": sign(response(assertion(), template("_r1", *SHA["sha384"]))),
        "response-ecdsa-p384": sign(response(assertion(), template(
            "_r1", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#sha384")), EC_KEY, EC_CERT),
    }


def encrypted_data(cipher, transport):
    """An EncryptedData template with the EncryptedKey inside KeyInfo."""
    # xmlsec1 1.2 supports neither an OAEP DigestMethod other than SHA-1 nor xmlenc11#rsa-oaep;
    # the unit tests cover those with Rust-made ciphertext instead.
    digest = ""
    return (f'<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{XENC}Element">'
            f'<xenc:EncryptionMethod Algorithm="{cipher}"/><ds:KeyInfo xmlns:ds="{DS}">'
            f'<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{transport}">{digest}'
            '</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData>'
            '</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData>'
            '</xenc:EncryptedData>')


def encrypt(xml, element, cipher, transport, session):
    """Replaces the first `element` (namespace URI:local) of `xml` by its EncryptedData."""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data.xml")
        tmpl = os.path.join(d, "tmpl.xml")
        with open(data, "w") as f:
            f.write(xml)
        with open(tmpl, "w") as f:
            f.write(encrypted_data(cipher, transport))
        out = run("xmlsec1", "--encrypt", "--pubkey-cert-pem", SP_CERT, "--session-key", session,
                  "--xml-data", data, "--node-name", element, tmpl)
    return out.replace('<?xml version="1.0"?>\n', "", 1)


def encrypted():
    sig256, dig256 = SHA["sha256"]
    signed_assertion = sign(response(
        "<saml:EncryptedAssertion>" + assertion(template("_a1", sig256, dig256)) + "</saml:EncryptedAssertion>"))
    out = {}
    for name, cipher, transport, session in (
            ("encrypted-aes256cbc-oaep", "aes256-cbc", "rsa-oaep-mgf1p", "aes-256"),
            ("encrypted-aes128gcm-oaep", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
             "rsa-oaep-mgf1p", "aes-128"),
            ("encrypted-3des-rsa15", "tripledes-cbc", "rsa-1_5", "des-192")):
        out[name] = encrypt(signed_assertion, f"{SAML}:Assertion", XENC + cipher if ":" not in cipher else cipher,
                            XENC + transport if ":" not in transport else transport, session)
    # An EncryptedID inside a signed, plain assertion (the Response is signed over the ciphertext).
    eid = ('<saml:EncryptedID><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
           'alice@example.com</saml:NameID></saml:EncryptedID>')
    plain = response(assertion(subject_extra=eid), template("_r1", sig256, dig256))
    enc = encrypt(plain, f"{SAML}:NameID", XENC + "aes128-cbc", XENC + "rsa-oaep-mgf1p", "aes-128")
    out["encrypted-nameid"] = sign(enc)
    return out


def main():
    ensure_keys()
    # The IdP's bare public key, for the "--idp-cert takes a public key" tests.
    with open(os.path.join(KEYS, "idp-public.pem"), "w") as f:
        f.write(run("openssl", "x509", "-pubkey", "-noout", "-in", IDP_CERT))
    os.makedirs(os.path.join(HERE, "golden"), exist_ok=True)
    for sha in ("sha256", "sha1"):
        for name, xml in signed_set(sha).items():
            write(f"{name}.xml", xml)
            write(f"{name}-tampered.xml", tamper(xml))
            golden(name, xml)
    for name, xml in variants().items():
        write(f"{name}.xml", xml)
        golden(name, xml, EC_CERT if "ecdsa" in name else IDP_CERT)
    for name, xml in encrypted().items():
        write(f"{name}.xml", xml)
    redirect()


def redirect():
    """HTTP-Redirect: SAMLRequest=…&RelayState=…&SigAlg=… signed as sent (percent-encoded)."""
    import base64
    import urllib.parse
    import zlib
    request = (f'<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_q1" Version="2.0" '
               f'IssueInstant="2026-11-02T08:59:58Z" Destination="https://idp.example.com/sso" '
               f'AssertionConsumerServiceURL="{ACS}"><saml:Issuer>{GROUP}</saml:Issuer></samlp:AuthnRequest>')
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = c.compress(request.encode()) + c.flush()
    q = urllib.parse.quote
    query = (f"SAMLRequest={q(base64.b64encode(deflated).decode(), safe='')}&RelayState={q('/groups/acme', safe='')}"
             f"&SigAlg={q(SHA['sha256'][0], safe='')}")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "q")
        with open(src, "w") as f:
            f.write(query)
        sig = run_bytes("openssl", "dgst", "-sha256", "-sign", IDP_KEY, src)
    write("redirect-signed.query", query + "&Signature=" + q(base64.b64encode(sig).decode(), safe="") + "\n")


def run_bytes(*args):
    return subprocess.run(list(args), check=True, capture_output=True).stdout

if __name__ == "__main__":
    main()

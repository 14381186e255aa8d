//! ruby-saml's signature messages: `XMLSecurity::SignedDocument` (`lib/xml_security.rb`),
//! reached from `Response#validate_signature`. With a fingerprint (group SAML, and
//! Self-Managed with idp_cert_fingerprint) ruby-saml calls `validate_document`; with a
//! certificate, `validate_document_with_cert`. GitLab runs it with soft = false, so the first
//! of these messages is raised and shown.

use super::Debian::Same;
use super::RubySamlClass::SignedDocument;
use super::{Entry, entry, ruby};
use crate::checks::gitlab::docs;

const VERIFY: &str = "Run samltrace on the response with GitLab's --fingerprint (or --idp-cert): \
     SG003 and SG004 say whether the certificate or the signature fails.";

pub(super) const ENTRIES: &[Entry] = &[
    // validate_document: the SHA-1 (or configured algorithm) fingerprint of the response's
    // X509Certificate differs from idp_cert_fingerprint.
    entry(
        "RS050",
        ruby(SignedDocument, "validate_signature", Same),
        "The response is signed by a certificate GitLab does not trust (fingerprint)",
        &["Fingerprint mismatch"],
    )
    .why(
        "The fingerprint of the certificate in the response's signature differs from the one \
         GitLab is configured with: the identity provider renewed or rotated its signing \
         certificate, or GitLab holds a fingerprint of another certificate (a SHA-256 \
         fingerprint where SHA-1 is expected, or the encryption certificate).",
    )
    .checks(&["SG004"])
    .fix(
        "Set GitLab's certificate fingerprint to the SHA-1 fingerprint of the identity provider's \
         current signing certificate (openssl x509 -noout -fingerprint -sha1).",
    )
    .capture(VERIFY)
    .see(docs::FINGERPRINT_MISMATCH)
    .supersedes(&["RS034"]),
    // validate_document with soft = false and no ds:X509Certificate in the response.
    entry(
        "RS051",
        ruby(SignedDocument, "validate_signature", Same),
        "The signature carries no certificate and GitLab has only a fingerprint",
        &["Certificate element missing in response (ds:X509Certificate) and not cert provided at settings"],
    )
    .why(
        "GitLab checks the signature with a certificate fingerprint, so the certificate itself \
         must travel in the signature's KeyInfo (ds:X509Data/ds:X509Certificate); the response \
         has none.",
    )
    .fix(
        "Configure the identity provider to include the X.509 certificate in the signature, or \
         on GitLab Self-Managed configure idp_cert instead of the fingerprint.",
    )
    .capture("Run samltrace on the response: the Signatures section shows what KeyInfo carries.")
    .see(docs::CERTIFICATE_MISSING)
    .supersedes(&["RS034"]),
    entry(
        "RS052",
        ruby(SignedDocument, "validate_signature", Same),
        "The certificate in the signature cannot be read",
        &["Document Certificate Error"],
    )
    .why("The response's ds:X509Certificate is not a certificate OpenSSL can parse (bad base64, truncated, or not DER).")
    .checks(&["SG004"])
    .fix("Check what the identity provider puts in KeyInfo; it must be the base64 of the DER certificate.")
    .capture("Run samltrace on the response: the Signatures section shows the certificate it read.")
    .supersedes(&["RS034"]),
    // validate_document_with_cert: the response's certificate is not GitLab's idp_cert.
    entry(
        "RS053",
        ruby(SignedDocument, "validate_signature", Same),
        "The response is signed by another certificate than GitLab's",
        &["Certificate of the Signature element does not match provided certificate"],
    )
    .why(
        "GitLab is configured with the identity provider's certificate (idp_cert) and the \
         certificate in the response's signature is a different one: a renewal or a second \
         signing certificate.",
    )
    .checks(&["SG004"])
    .fix("Update idp_cert to the identity provider's current signing certificate (from its metadata).")
    .capture(VERIFY)
    .see(docs::CERTIFICATE_UPDATES)
    .supersedes(&["RS034"]),
    entry(
        "RS054",
        ruby(SignedDocument, "validate_signature", Same),
        "The signed content changed after it was signed (digest)",
        &["Digest mismatch"],
    )
    .why(
        "The digest of the referenced element does not equal the DigestValue in the signature: \
         something changed the signed element after the identity provider signed it (a proxy, a \
         rewrite, re-encoding), or the signer canonicalised it differently.",
    )
    .checks(&["SG003"])
    .fix("Find what rewrites the response between the identity provider and GitLab; otherwise report it to the identity provider's vendor.")
    .capture(VERIFY)
    .see(docs::FINGERPRINT_MISMATCH)
    .supersedes(&["RS034"]),
    entry(
        "RS055",
        ruby(SignedDocument, "validate_signature", Same),
        "Two elements carry the signed ID (signature wrapping)",
        &["Digest mismatch. Duplicated ID found"],
    )
    .why("More than one element has the ID the signature references: the shape of a signature wrapping attack.")
    .checks(&["SG005"])
    .fix("Treat the response as an attack or a broken identity provider; capture a fresh sign-in.")
    .capture(VERIFY)
    .supersedes(&["RS054", "RS034"]),
    entry(
        "RS056",
        ruby(SignedDocument, "validate_signature", Same),
        "The signature does not verify with the certificate (key)",
        &["Key validation error"],
    )
    .why(
        "The digest is right but the SignatureValue does not verify with the certificate's \
         public key: the response was signed with another key than the certificate it carries, \
         or SignedInfo changed.",
    )
    .checks(&["SG003"])
    .fix("Check the SAML app's signing certificate and key pair; update GitLab's fingerprint or certificate to the one that signs.")
    .capture(VERIFY)
    .see(docs::FINGERPRINT_MISMATCH)
    .supersedes(&["RS034"]),
];

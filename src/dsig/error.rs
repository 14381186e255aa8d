//! Errors of the signature and encryption layer: loading trust anchors and keys.
//!
//! Verification and decryption outcomes are data (`Verification`, `Decryption`), not errors:
//! a signature that does not verify is a finding, not a failure of the tool.

/// Why a trust anchor, fingerprint or private key could not be used. `what` names the input
/// (usually the file name given on the command line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DsigError {
    #[error(
        "{what}: expected a PEM or DER certificate, a public key, or IdP metadata XML; found none"
    )]
    UnknownFormat { what: String },
    #[error("{what}: PEM block {label:?} is not valid base64")]
    PemBase64 { what: String, label: String },
    #[error("{what}: {reason}")]
    Key { what: String, reason: String },
    #[error("{what}: {reason}")]
    Metadata { what: String, reason: String },
    #[error(
        "fingerprint {0:?} is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) fingerprint"
    )]
    Fingerprint(String),
    #[error(
        "{what}: the private key is encrypted; write a decrypted copy first \
         (openssl pkey -in KEY -out KEY.plain.pem)"
    )]
    EncryptedKey { what: String },
}

/// Why bytes are not a public key samltrace can verify with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("not a SubjectPublicKeyInfo: {0}")]
    NotSpki(String),
    #[error("not a DER X.509 certificate: {0}")]
    NotCertificate(String),
    #[error("unusable RSA public key: {0}")]
    Rsa(String),
    #[error("EC public key on a curve other than P-256 or P-384")]
    Curve,
    #[error("public key algorithm {0} is not RSA or EC")]
    Algorithm(String),
}

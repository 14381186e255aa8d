//! XML signature verification, narrowed to what SAML allows.
//!
//! The first Reference of a signature is checked, as ruby-saml (GitLab's SAML library) checks it;
//! how many there were is recorded for the checks to flag. A Reference is resolved by a SAML `ID`
//! attribute (a duplicated ID is refused) or, for `URI=""`, to the whole document. Then the
//! enveloped-signature transform, one canonicalisation, allow-listed digests and signature
//! algorithms (see `algorithms`), and keys from the trust anchors only. "Verified" means the
//! cryptography only: policy (several References, a whole-document reference) is for the checks.
//! The outcome is data ([`Verification`]) with the reason in words; nothing here panics on
//! hostile input, and the work per document is bounded. It does not decide which assertion is
//! shown (`wrapping`).

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine;
use serde::Serialize;

use super::algorithms::{DigestAlg, Refusal, SignatureAlg, Transform};
use super::cert::{self, CertInfo};
use super::trust::{self, Trust, TrustedKey};
use crate::xml::c14n::{self, Algorithm, Method};
use crate::xml::{Document, Element, NodeId, ns};

/// Most signatures checked in one document; the rest are refused without work.
pub const MAX_SIGNATURES: usize = 32;
/// Longest base64 SignatureValue accepted (a 16384-bit RSA signature is 2732 characters).
const MAX_SIGNATURE_B64: usize = 4096;
const MAX_DIGEST_B64: usize = 256;
const MAX_TRANSFORMS: usize = 4;
const EXC_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// The outcome of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Digests match and the signature value verifies with a trusted key.
    Verified,
    /// Digests match; no trust anchor was given, so the value was not checked.
    DigestOk,
    /// The referenced content does not hash to the signed digest.
    ContentChanged {
        /// Whether SignedInfo itself verifies with a trusted key (`None`: not checked).
        signature_value_valid: Option<bool>,
    },
    /// The digest matches but the signature value does not verify with any trusted key.
    WrongKey {
        detail: Option<String>,
    },
    /// Trust was configured but gives no key for this signature (fingerprint mismatch, no
    /// certificate in KeyInfo to match a fingerprint).
    NoKey(String),
    /// Nothing could be checked without a trust anchor (a redirect signature has no digest).
    NotChecked(String),
    Unsupported(String),
    Refused(String),
    Malformed(String),
}

impl Status {
    /// The reason in words, `None` when verified.
    pub fn reason(&self) -> Option<String> {
        Some(match self {
            Status::Verified => return None,
            Status::DigestOk => {
                "digests match; no trust anchor given, so the signature value was not checked \
                 (use --idp-cert, --idp-metadata or --fingerprint)"
                    .to_owned()
            }
            Status::ContentChanged {
                signature_value_valid: Some(false),
            } => "digest mismatch: the content changed after signing (and the signature value \
                  does not verify with the trusted key either)"
                .to_owned(),
            Status::ContentChanged { .. } => {
                "digest mismatch: the content changed after signing".to_owned()
            }
            Status::WrongKey { detail: None } => {
                "signature value does not verify with this key: wrong certificate".to_owned()
            }
            Status::WrongKey { detail: Some(d) } => {
                format!("signature value does not verify with this key: wrong certificate ({d})")
            }
            Status::Unsupported(alg) => format!("unsupported algorithm {alg}"),
            Status::NoKey(s)
            | Status::NotChecked(s)
            | Status::Refused(s)
            | Status::Malformed(s) => s.clone(),
        })
    }

    /// True for outcomes that say the content was not altered since signing.
    pub fn digest_intact(&self) -> bool {
        matches!(
            self,
            Status::Verified | Status::DigestOk | Status::WrongKey { .. } | Status::NoKey(_)
        )
    }
}

/// What checking one `ds:Signature` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    #[serde(skip)]
    pub signature: NodeId,
    /// The element the Reference resolves to.
    #[serde(skip)]
    pub target: Option<NodeId>,
    /// Path of that element.
    pub covers: Option<String>,
    /// True when the referenced element is the one the Signature sits in, as SAML requires.
    pub covers_parent: bool,
    /// `Some(true|false)` once the referenced content was hashed.
    pub digest_valid: Option<bool>,
    pub status: Status,
    /// The key that verified (or the keys tried), in words.
    pub key: Option<String>,
    /// The anchor certificate whose key verified.
    pub key_certificate: Option<CertInfo>,
    /// Whether the certificate in KeyInfo is one the trust anchors name; `None` without
    /// anchors or without a KeyInfo certificate.
    pub keyinfo_certificate_trusted: Option<bool>,
    /// SHA-1 uses (`sha1 digest`, `rsa-sha1 signature`).
    pub weak: Vec<String>,
    /// How many References SignedInfo holds (only the first is checked).
    pub references: usize,
    /// True when the first Reference is `URI=""`: the whole document.
    pub whole_document: bool,
}

impl Verification {
    fn new(sig: Element<'_>) -> Verification {
        Verification {
            signature: sig.id(),
            ..Verification::placeholder()
        }
    }

    /// An empty outcome to fill in (used for signatures that are not XML, such as redirect
    /// query signatures).
    pub(crate) fn placeholder() -> Verification {
        Verification {
            signature: NodeId::default(),
            target: None,
            covers: None,
            covers_parent: false,
            digest_valid: None,
            status: Status::Malformed(String::new()),
            key: None,
            key_certificate: None,
            keyinfo_certificate_trusted: None,
            weak: Vec::new(),
            references: 0,
            whole_document: false,
        }
    }

    /// `Some(true|false)` with trust anchors, `None` without (the JSON `verified` field).
    pub fn verified(&self, trust: &Trust) -> Option<bool> {
        if trust.is_empty() {
            return None;
        }
        Some(self.status == Status::Verified)
    }

    /// True when this signature may vouch for its target: verified with a trusted key, or with
    /// no anchors at least intact (digest ok), and placed where SAML requires.
    pub fn vouches(&self, trust: &Trust) -> bool {
        let ok = match trust.is_empty() {
            true => self.status == Status::DigestOk,
            false => self.status == Status::Verified,
        };
        ok && self.covers_parent
    }
}

/// Elements by their SAML `ID` attribute.
pub struct IdIndex<'d> {
    ids: HashMap<&'d str, Vec<Element<'d>>>,
}

impl<'d> IdIndex<'d> {
    pub fn new(doc: &'d Document) -> IdIndex<'d> {
        let mut ids: HashMap<&'d str, Vec<Element<'d>>> = HashMap::new();
        for e in doc.elements() {
            if let Some(id) = e.attr("ID") {
                ids.entry(id).or_default().push(e);
            }
        }
        IdIndex { ids }
    }

    /// IDs carried by more than one element.
    pub fn duplicates(&self) -> impl Iterator<Item = (&'d str, usize)> + '_ {
        self.ids
            .iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(k, v)| (*k, v.len()))
    }

    fn resolve(&self, id: &str) -> Result<Element<'d>, Status> {
        match self.ids.get(id).map(Vec::as_slice) {
            None | Some([]) => Err(Status::Malformed(format!(
                "reference #{id} matches no element's ID"
            ))),
            Some([e]) if is_saml(*e) => Ok(*e),
            Some([e]) => Err(Status::Refused(format!(
                "reference #{id} names a {} element; only the ID of SAML elements is followed",
                e.qname()
            ))),
            Some(many) => Err(Status::Refused(format!(
                "ID {id:?} is carried by {} elements: duplicate IDs are refused \
                 (a signature-wrapping pattern)",
                many.len()
            ))),
        }
    }
}

fn is_saml(e: Element<'_>) -> bool {
    matches!(e.ns(), Some(ns::SAML) | Some(ns::SAMLP))
}

/// Checks every `ds:Signature` of the document, in document order.
pub fn verify_document(doc: &Document, trust: &Trust) -> Vec<Verification> {
    let ids = IdIndex::new(doc);
    doc.elements()
        .filter(|e| e.is(ns::DS, "Signature"))
        .enumerate()
        .map(|(i, sig)| {
            if i >= MAX_SIGNATURES {
                let mut v = Verification::new(sig);
                v.status = Status::Refused(format!(
                    "more than {MAX_SIGNATURES} signatures in one message: the rest are not checked"
                ));
                return v;
            }
            verify_signature(sig, &ids, trust)
        })
        .collect()
}

/// Checks one `ds:Signature`.
pub fn verify_signature(sig: Element<'_>, ids: &IdIndex<'_>, trust: &Trust) -> Verification {
    let mut v = Verification::new(sig);
    v.status = match check(sig, ids, trust, &mut v) {
        Ok(s) | Err(s) => s,
    };
    v
}

/// The two byte strings a signature is computed over, as this crate renders them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalForms {
    /// The referenced element after the transforms (what DigestValue hashes).
    pub reference: String,
    /// SignedInfo canonicalised (what SignatureValue signs).
    pub signed_info: String,
}

/// The canonical forms of one signature, for golden tests and for showing what was signed.
pub fn canonical_forms(sig: Element<'_>, ids: &IdIndex<'_>) -> Result<CanonicalForms, Status> {
    let mut scratch = Verification::new(sig);
    let p = parse(sig, ids, &mut scratch)?;
    let exclude = Some(sig).filter(|s| p.enveloped && s.ancestors().any(|a| a == p.target));
    Ok(CanonicalForms {
        reference: c14n::canonicalize(p.target, &p.method, exclude),
        signed_info: c14n::canonicalize(p.signed_info, &p.signed_info_method, None),
    })
}

/// The parts of a Signature that verification needs.
struct Parsed<'d> {
    signed_info: Element<'d>,
    signed_info_method: Method,
    alg: SignatureAlg,
    target: Element<'d>,
    enveloped: bool,
    method: Method,
    digest: DigestAlg,
    digest_value: Vec<u8>,
    signature_value: Vec<u8>,
}

fn check(
    sig: Element<'_>,
    ids: &IdIndex<'_>,
    trust: &Trust,
    v: &mut Verification,
) -> Result<Status, Status> {
    let p = parse(sig, ids, v)?;
    v.target = Some(p.target.id());
    v.covers = Some(p.target.path());
    v.covers_parent = sig.parent() == Some(p.target);
    let exclude = Some(sig).filter(|s| p.enveloped && s.ancestors().any(|a| a == p.target));
    let content = c14n::canonicalize(p.target, &p.method, exclude);
    let digest_ok = p.digest.digest(content.as_bytes()) == p.digest_value;
    v.digest_valid = Some(digest_ok);
    if trust.is_empty() {
        return Ok(match digest_ok {
            true => Status::DigestOk,
            false => Status::ContentChanged {
                signature_value_valid: None,
            },
        });
    }
    v.keyinfo_certificate_trusted = keyinfo_trusted(sig, trust);
    let keys = candidate_keys(sig, trust)?;
    let signed = c14n::canonicalize(p.signed_info, &p.signed_info_method, None);
    let mut detail = None;
    for k in &keys {
        match k.key.verify(p.alg, signed.as_bytes(), &p.signature_value) {
            Ok(()) => {
                v.key = Some(k.describe());
                v.key_certificate = k.certificate.clone();
                return Ok(match digest_ok {
                    true => Status::Verified,
                    false => Status::ContentChanged {
                        signature_value_valid: Some(true),
                    },
                });
            }
            Err(super::algorithms::Mismatch::Value) => {}
            Err(
                super::algorithms::Mismatch::KeyType(d) | super::algorithms::Mismatch::Shape(d),
            ) => detail = Some(d),
        }
    }
    v.key = Some(tried(&keys));
    Ok(match digest_ok {
        true => Status::WrongKey { detail },
        false => Status::ContentChanged {
            signature_value_valid: Some(false),
        },
    })
}

fn tried(keys: &[Cow<'_, TrustedKey>]) -> String {
    let list: Vec<String> = keys.iter().map(|k| k.describe()).collect();
    format!("tried {}", list.join("; "))
}

fn parse<'d>(
    sig: Element<'d>,
    ids: &IdIndex<'d>,
    v: &mut Verification,
) -> Result<Parsed<'d>, Status> {
    let signed_info = only_child(sig, "SignedInfo")?;
    let signed_info_method = canonicalization(signed_info)?;
    let alg_uri = algorithm(signed_info, "SignatureMethod")?;
    let alg = SignatureAlg::from_uri(alg_uri).map_err(refusal)?;
    if alg.is_weak() {
        v.weak
            .push(format!("{} signature", super::short_name(alg_uri)));
    }
    let references: Vec<Element<'d>> = signed_info.children_named(ns::DS, "Reference").collect();
    v.references = references.len();
    let Some(reference) = references.first() else {
        return Err(Status::Malformed(
            "SignedInfo has no Reference: the signature covers nothing".to_owned(),
        ));
    };
    v.whole_document = reference.attr("URI") == Some("");
    let target = resolve_uri(reference.attr("URI"), ids, sig)?;
    let (enveloped, method) = transforms(*reference)?;
    let digest = DigestAlg::from_uri(algorithm(*reference, "DigestMethod")?)
        .ok_or_else(|| Status::Unsupported(attr_of(*reference, "DigestMethod")))?;
    if digest.is_weak() {
        v.weak.push(format!("{} digest", digest.name()));
    }
    let digest_value = base64_child(*reference, "DigestValue", MAX_DIGEST_B64)?;
    let signature_value = base64_child(sig, "SignatureValue", MAX_SIGNATURE_B64)?;
    Ok(Parsed {
        signed_info,
        signed_info_method,
        alg,
        target,
        enveloped,
        method,
        digest,
        digest_value,
        signature_value,
    })
}

fn refusal(r: Refusal) -> Status {
    match r {
        Refusal::Refused(s) => Status::Refused(s),
        Refusal::Unsupported(u) => Status::Unsupported(u),
    }
}

fn only_child<'d>(e: Element<'d>, local: &str) -> Result<Element<'d>, Status> {
    let mut it = e.children_named(ns::DS, local);
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        (None, _) => Err(Status::Malformed(format!(
            "{} has no ds:{local}",
            e.qname()
        ))),
        (Some(_), Some(_)) => Err(Status::Malformed(format!(
            "{} has more than one ds:{local}",
            e.qname()
        ))),
    }
}

fn algorithm<'d>(e: Element<'d>, child: &str) -> Result<&'d str, Status> {
    only_child(e, child)?
        .attr("Algorithm")
        .ok_or_else(|| Status::Malformed(format!("ds:{child} has no Algorithm")))
}

fn attr_of(e: Element<'_>, child: &str) -> String {
    algorithm(e, child).unwrap_or_default().to_owned()
}

fn canonicalization(signed_info: Element<'_>) -> Result<Method, Status> {
    let m = only_child(signed_info, "CanonicalizationMethod")?;
    let uri = m.attr("Algorithm").unwrap_or_default();
    let mut method = Method::from_uri(uri).ok_or_else(|| Status::Unsupported(uri.to_owned()))?;
    method.inclusive_prefixes = prefix_list(m);
    Ok(method)
}

fn prefix_list(e: Element<'_>) -> Vec<String> {
    e.child(EXC_NS, "InclusiveNamespaces")
        .and_then(|i| i.attr("PrefixList"))
        .map(|l| l.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `#ID` resolves by ID; `URI=""` is the whole document (XML Signature 4.4.3.2), whose root
/// element is canonicalised; anything else (external, XPointer, no URI) is refused.
fn resolve_uri<'d>(
    uri: Option<&str>,
    ids: &IdIndex<'d>,
    sig: Element<'d>,
) -> Result<Element<'d>, Status> {
    if uri == Some("") {
        return Ok(sig.document().root());
    }
    let uri = uri.unwrap_or("");
    match uri.strip_prefix('#') {
        Some(id) if !id.is_empty() && !id.starts_with("xpointer(") => ids.resolve(id),
        _ => Err(Status::Refused(format!(
            "reference URI {uri:?} is neither a same-document reference by ID (\"#ID\") nor \
             the whole document (\"\"): refused"
        ))),
    }
}

/// The transform chain: an optional enveloped-signature, then at most one canonicalisation.
/// A bare-name reference never carries comments, whatever the canonicalisation says.
fn transforms(reference: Element<'_>) -> Result<(bool, Method), Status> {
    let list: Vec<Element<'_>> = reference
        .child(ns::DS, "Transforms")
        .map(|t| t.children_named(ns::DS, "Transform").collect())
        .unwrap_or_default();
    if list.len() > MAX_TRANSFORMS {
        return Err(Status::Malformed(format!(
            "{} transforms in one Reference",
            list.len()
        )));
    }
    let mut enveloped = false;
    let mut method: Option<Method> = None;
    for t in list {
        let uri = t.attr("Algorithm").unwrap_or_default();
        match Transform::from_uri(uri).map_err(refusal)? {
            Transform::Enveloped if !enveloped && method.is_none() => enveloped = true,
            Transform::Canonicalize(mut m) if method.is_none() => {
                m.inclusive_prefixes = prefix_list(t);
                method = Some(m);
            }
            _ => {
                return Err(Status::Refused(
                    "transform chain is not enveloped-signature then one canonicalization"
                        .to_owned(),
                ));
            }
        }
    }
    let mut method = method.unwrap_or(Method {
        algorithm: Algorithm::Inclusive10,
        with_comments: false,
        inclusive_prefixes: Vec::new(),
    });
    method.with_comments = false;
    Ok((enveloped, method))
}

fn base64_child(e: Element<'_>, local: &str, max: usize) -> Result<Vec<u8>, Status> {
    let text = only_child(e, local)?.text();
    decode_base64(&text, max).map_err(|why| Status::Malformed(format!("ds:{local} {why}")))
}

/// Decodes base64 with whitespace anywhere, refusing more than `max` significant characters.
pub(crate) fn decode_base64(text: &str, max: usize) -> Result<Vec<u8>, String> {
    let significant = text.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    if significant > max {
        return Err(format!(
            "is {significant} characters long, more than the {max} a real value needs"
        ));
    }
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if clean.is_empty() {
        return Err("is empty".to_owned());
    }
    base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .map_err(|e| format!("is not valid base64 ({e})"))
}

/// Certificates (DER) in the Signature's KeyInfo; undecodable ones are skipped.
fn keyinfo_certificates(sig: Element<'_>) -> Vec<Vec<u8>> {
    sig.child(ns::DS, "KeyInfo")
        .into_iter()
        .flat_map(|k| k.children_named(ns::DS, "X509Data"))
        .flat_map(|d| d.children_named(ns::DS, "X509Certificate"))
        .take(8)
        .filter_map(|c| cert::decode_base64_cert(&c.text()).ok())
        .collect()
}

fn keyinfo_trusted(sig: Element<'_>, trust: &Trust) -> Option<bool> {
    let certs = keyinfo_certificates(sig);
    (!certs.is_empty()).then(|| certs.iter().any(|c| trust.trusts_certificate(c)))
}

/// The configured keys, plus a KeyInfo certificate whose fingerprint was configured.
fn candidate_keys<'t>(
    sig: Element<'_>,
    trust: &'t Trust,
) -> Result<Vec<Cow<'t, TrustedKey>>, Status> {
    let mut keys: Vec<Cow<'t, TrustedKey>> = trust.keys.iter().map(Cow::Borrowed).collect();
    if trust.fingerprints.is_empty() {
        return Ok(keys);
    }
    let certs = keyinfo_certificates(sig);
    let mut problem = None;
    for der in certs.iter().filter(|c| trust.matches_fingerprint(c)) {
        match trust::key_from_certificate(der, "KeyInfo certificate matching --fingerprint") {
            Ok(k) => keys.push(Cow::Owned(k)),
            Err(e) => problem = Some(e.to_string()),
        }
    }
    if !keys.is_empty() {
        return Ok(keys);
    }
    Err(Status::NoKey(match (problem, certs.first()) {
        (Some(p), _) => p,
        (None, Some(first)) => format!(
            "the certificate in KeyInfo (SHA-1 {}) does not match the configured fingerprint",
            cert::hex_colon(&DigestAlg::Sha1.digest(first))
        ),
        (None, None) => {
            "no certificate in KeyInfo to match the configured fingerprint against".to_owned()
        }
    }))
}

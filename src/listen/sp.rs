//! The service provider `listen` stands in for: its entity ID and ACS URL (GitLab's, from
//! `--gitlab-group`, `--sp-entity-id` and `--acs-url`, else the listener's own), its
//! certificates (`--sp-cert`), the IdP's single sign-on URL (`--idp-metadata`) and the key it
//! signs AuthnRequests with (`--sp-key` with `--sp-cert`) — and what it publishes and sends:
//! the SP metadata of `/metadata` and the AuthnRequest of `/login`.
//!
//! Pure: the request ID and time are the caller's; every value is escaped where it is written.

use std::io::Write;
use std::sync::Arc;

use base64::Engine;
use jiff::Timestamp;

use crate::checks::Context;
use crate::dsig::{DsigError, Keys, SpKey};

use super::page::escape;

const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct ServiceProvider {
    pub entity_id: String,
    pub acs_url: String,
    /// The `--sp-cert` certificates (DER), published for signing and encryption.
    pub certificates: Vec<Vec<u8>>,
    /// Where `/login` sends the browser: the IdP metadata's HTTP-Redirect SingleSignOnService.
    pub sso_url: Option<String>,
    keys: Arc<Keys>,
}

impl ServiceProvider {
    /// The values GitLab's settings give (`context`: `--gitlab-group`, `--sp-entity-id`,
    /// `--acs-url`), else the listener's own at `base_url` (`http://127.0.0.1:8088`): entity
    /// ID `…/metadata`, ACS URL `…/acs`.
    pub fn new(context: &Context, keys: Arc<Keys>, base_url: &str) -> ServiceProvider {
        let certificates = keys
            .sp_trust
            .keys
            .iter()
            .filter_map(|k| k.cert_der.clone())
            .collect();
        ServiceProvider {
            entity_id: context
                .sp_entity_id
                .clone()
                .unwrap_or_else(|| format!("{base_url}/metadata")),
            acs_url: context
                .acs_url
                .clone()
                .unwrap_or_else(|| format!("{base_url}/acs")),
            certificates,
            sso_url: keys.trust.redirect_sso_url().map(str::to_owned),
            keys,
        }
    }

    /// The key AuthnRequests are signed with: `--sp-key`, when `--sp-cert` says which
    /// certificate the IdP verifies them with.
    pub fn signing_key(&self) -> Option<&SpKey> {
        self.keys
            .sp_key
            .as_ref()
            .filter(|_| !self.certificates.is_empty())
    }

    /// The SP metadata: entity ID, the ACS (HTTP-POST), a persistent NameID format, and the
    /// `--sp-cert` certificates for signing and encryption.
    pub fn metadata(&self) -> String {
        let mut keys = String::new();
        for der in &self.certificates {
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            for usage in ["signing", "encryption"] {
                keys.push_str(&format!(
                    "    <md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo><ds:X509Data>\
                     <ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
                     </md:KeyDescriptor>\n"
                ));
            }
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
             xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"{entity}\">\n  \
             <md:SPSSODescriptor AuthnRequestsSigned=\"{signed}\" \
             protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n\
             {keys}    <md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>\n    \
             <md:AssertionConsumerService Binding=\"{HTTP_POST}\" Location=\"{acs}\" index=\"0\" \
             isDefault=\"true\"/>\n  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n",
            entity = escape(&self.entity_id),
            signed = self.signing_key().is_some(),
            acs = escape(&self.acs_url),
        )
    }

    /// An AuthnRequest as GitLab sends one (ruby-saml's `Authrequest#create_xml_document`):
    /// ID, IssueInstant, Destination, HTTP-POST ProtocolBinding, the ACS URL, the Issuer and a
    /// persistent NameIDPolicy.
    pub fn authn_request(&self, id: &str, at: Timestamp, destination: &str) -> String {
        format!(
            "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
             xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" \
             IssueInstant=\"{at}\" Destination=\"{dest}\" AssertionConsumerServiceURL=\"{acs}\" \
             ProtocolBinding=\"{HTTP_POST}\"><saml:Issuer>{issuer}</saml:Issuer>\
             <samlp:NameIDPolicy Format=\"{PERSISTENT}\" AllowCreate=\"true\"/>\
             </samlp:AuthnRequest>",
            id = escape(id),
            at = at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            dest = escape(destination),
            acs = escape(&self.acs_url),
            issuer = escape(&self.entity_id),
        )
    }

    /// The HTTP-Redirect binding URL that carries `xml` to `sso_url`: deflated, base64,
    /// percent-encoded, with RelayState, and signed (`SigAlg`, `Signature` over the query as
    /// sent) when there is a signing key.
    pub fn redirect_url(
        &self,
        sso_url: &str,
        xml: &str,
        relay_state: Option<&str>,
    ) -> Result<String, DsigError> {
        let mut query = format!("SAMLRequest={}", form_encode(&deflate_base64(xml)));
        if let Some(r) = relay_state {
            query.push_str(&format!("&RelayState={}", form_encode(r)));
        }
        if let Some(key) = self.signing_key() {
            query.push_str(&format!("&SigAlg={}", form_encode(SpKey::RSA_SHA256)));
            let signature = key.sign_rsa_sha256(query.as_bytes())?;
            let b64 = base64::engine::general_purpose::STANDARD.encode(signature);
            query.push_str(&format!("&Signature={}", form_encode(&b64)));
        }
        let base = sso_url.split_once('#').map_or(sso_url, |(u, _)| u);
        let joiner = if base.contains('?') { '&' } else { '?' };
        Ok(format!("{base}{joiner}{query}"))
    }
}

/// A fresh request ID from 16 random bytes: `_` and 32 hex digits (an xs:ID, as GitLab's).
pub fn request_id(random: [u8; 16]) -> String {
    let mut id = String::with_capacity(33);
    id.push('_');
    for b in random {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

fn deflate_base64(xml: &str) -> String {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(xml.as_bytes());
    let bytes = enc.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::GitLabGroup;
    use crate::dsig::Trust;
    use crate::input::{Step, unwrap_url_at};

    const AT: &str = "2026-11-02T09:00:00Z";

    fn keys(signing: bool) -> Keys {
        let mut sp_trust = Trust::new();
        let mut sp_key = None;
        if signing {
            sp_trust
                .add_anchor(include_bytes!("../../samples/dsig/keys/sp.crt"), "sp.crt")
                .unwrap();
            sp_key = Some(
                SpKey::from_bytes(include_bytes!("../../samples/dsig/keys/sp.key"), "sp.key")
                    .unwrap(),
            );
        }
        Keys {
            sp_trust,
            sp_key,
            ..Keys::default()
        }
    }

    fn sp(context: &Context, signing: bool) -> ServiceProvider {
        ServiceProvider::new(context, Arc::new(keys(signing)), "http://127.0.0.1:8088")
    }

    #[test]
    fn without_gitlab_s_values_the_listener_s_own_are_used() {
        let s = sp(&Context::new(AT.parse().unwrap()), false);
        assert_eq!(s.entity_id, "http://127.0.0.1:8088/metadata");
        assert_eq!(s.acs_url, "http://127.0.0.1:8088/acs");
        assert!(s.signing_key().is_none() && s.sso_url.is_none());
        let md = s.metadata();
        assert!(md.contains("AuthnRequestsSigned=\"false\""), "{md}");
        assert!(!md.contains("KeyDescriptor"), "{md}");
    }

    #[test]
    fn a_group_gives_gitlab_s_entity_id_and_acs_url_and_the_certificate_is_published() {
        let mut ctx = Context::new(AT.parse().unwrap());
        ctx.expect_group(&GitLabGroup::parse("https://gitlab.com/groups/acme").unwrap());
        let s = sp(&ctx, true);
        let md = s.metadata();
        assert!(
            md.contains("entityID=\"https://gitlab.com/groups/acme\""),
            "{md}"
        );
        assert!(md.contains("Location=\"https://gitlab.com/groups/acme/-/saml/callback\""));
        assert!(md.contains("AuthnRequestsSigned=\"true\""));
        assert!(md.contains("use=\"signing\"") && md.contains("use=\"encryption\""));
        // Read back as metadata by our own reader: the certificate is the one given.
        let mut t = Trust::new();
        assert_eq!(t.add_metadata(&md, "md").unwrap(), 1, "the signing one");
        assert_eq!(
            t.keys[0].cert_der.as_deref(),
            Some(s.certificates[0].as_slice())
        );
        assert_eq!(t.metadata_entity_ids, ["https://gitlab.com/groups/acme"]);
    }

    #[test]
    fn values_are_escaped_where_they_are_written() {
        let mut ctx = Context::new(AT.parse().unwrap());
        ctx.sp_entity_id = Some("urn:x\"><evil/>&".into());
        let s = sp(&ctx, false);
        assert!(
            s.metadata()
                .contains("entityID=\"urn:x&quot;&gt;&lt;evil/&gt;&amp;\"")
        );
        let xml = s.authn_request("_1", AT.parse().unwrap(), "https://idp/?a=1&b=2");
        assert!(
            xml.contains("Destination=\"https://idp/?a=1&amp;b=2\""),
            "{xml}"
        );
        crate::xml::Document::parse(xml).unwrap();
    }

    #[test]
    fn the_redirect_carries_a_deflated_request_its_relay_state_and_a_signature_that_verifies() {
        let s = sp(&Context::new(AT.parse().unwrap()), true);
        let xml = s.authn_request("_abc", AT.parse().unwrap(), "https://idp.example.com/sso");
        let url = s
            .redirect_url(
                "https://idp.example.com/sso?app=1#x",
                &xml,
                Some("/groups/a b"),
            )
            .unwrap();
        assert!(
            url.starts_with("https://idp.example.com/sso?app=1&SAMLRequest="),
            "{url}"
        );
        let found = unwrap_url_at(&url, crate::input::Origin::default());
        let p = found[0].as_ref().unwrap();
        assert_eq!(p.steps, [Step::Url, Step::Base64, Step::Deflate]);
        assert_eq!(p.xml, xml.as_bytes());
        assert_eq!(p.origin.relay_state.as_deref(), Some("/groups/a b"));
        let info = crate::dsig::verify_redirect(
            p.origin.signed_query.as_deref().unwrap(),
            p.origin.sig_alg.as_deref().unwrap(),
            p.origin.signature.as_deref().unwrap(),
            &s.keys.sp_trust,
            "AuthnRequest",
        );
        assert_eq!(info.verified, Some(true), "{info:#?}");
    }

    #[test]
    fn request_ids_are_xs_ids() {
        let id = request_id([0xab; 16]);
        assert_eq!(id.len(), 33);
        assert!(id.starts_with("_abab"));
    }
}

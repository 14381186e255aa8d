//! SAML-tracer exports (`{"requests": […], "timestamp": …}`), sanitised as a HAR is: credential
//! headers out (both the `{name, value}` and the legacy `[name, value]` shapes), secret query
//! parameters redacted, a posted form kept only for its SAML binding's values, every URL
//! cleaned; the `saml` field (the decoded message the extension shows) stays, its identities
//! masked with a key. Streams one request at a time, as `entries` does.

use std::io::Read;

use super::messages::is_message_param;
use super::rewrite::Json;
use super::secrets::REDACTED;
use super::{Removed, SanitizeError, Sanitizer, header_name, secrets};

impl<R: Read> Sanitizer<'_, R> {
    /// The `requests` array, one request at a time; a request that is not JSON is dropped and
    /// counted, as a broken HAR entry is.
    pub(super) fn requests(&mut self) -> Result<(), SanitizeError> {
        self.receipt.entries = self.items(4, Self::request)?;
        Ok(())
    }

    fn request(&mut self, r: &mut Json) {
        self.header_list(r.get_mut("requestHeaders"));
        self.header_list(r.get_mut("responseHeaders"));
        self.params(
            r.get_mut("get"),
            Removed::QueryParameters,
            secrets::is_secret_name,
        );
        self.posted(r);
        if let Some(key) = self.key
            && let Some(Json::Str(xml)) = r.get_mut("saml")
            && let Some((masked, n)) = crate::redact::mask::mask_xml(key, xml)
        {
            *xml = masked;
            self.receipt.add(Removed::MaskedValues, n);
        }
        self.urls(r);
    }

    /// The `post` pairs: a SAML form keeps its binding's values (the rest redacted, as a HAR's
    /// form fields are); any other form is a login or an app's own and loses its values.
    fn posted(&mut self, r: &mut Json) {
        let carries_saml = matches!(r.get("post"), Some(Json::Array(p))
            if p.iter().any(|i| header_name(i).is_some_and(is_message_param)));
        if carries_saml {
            self.params(
                r.get_mut("post"),
                Removed::FormFields,
                secrets::is_secret_in_saml_form,
            );
            return;
        }
        let Some(Json::Array(pairs)) = r.get_mut("post") else {
            return;
        };
        let mut n = 0;
        for pair in pairs.iter_mut() {
            if let Some((_, value)) = super::name_and_value(pair)
                && !value.is_empty()
                && value != REDACTED
            {
                *value = REDACTED.to_owned();
                n += 1;
            }
        }
        self.receipt.add(Removed::RequestBodies, usize::from(n > 0));
    }
}

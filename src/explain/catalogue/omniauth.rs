//! omniauth-saml's own messages: the strategy GitLab's SAML sign-in runs through, before and
//! after it hands the response to ruby-saml (`lib/omniauth/strategies/saml.rb`, omniauth-saml
//! 2.x: `callback_phase` and `handle_response`, which sets `response.soft = false` so that
//! ruby-saml raises its first error instead of collecting them).

use super::{Entry, SaidBy, entry};
use crate::checks::gitlab::docs;

const STRATEGY: SaidBy = SaidBy::OmniauthSaml {
    file: "lib/omniauth/strategies/saml.rb",
};

pub(super) const ENTRIES: &[Entry] = &[
    // callback_phase: `raise OmniAuth::Strategies::SAML::ValidationError.new("SAML response
    // missing") unless request.params["SAMLResponse"]`.
    entry(
        "OM001",
        STRATEGY,
        "GitLab's callback received no SAMLResponse",
        &["SAML response missing"],
    )
    .why(
        "The browser reached GitLab's Assertion Consumer Service URL without a SAMLResponse \
         form field: the identity provider sent the user to the ACS URL with a GET or an empty \
         form, or something between them (a proxy, a redirect) dropped the POST body.",
    )
    .checks(&["AU002"])
    .fix(
        "Configure the SAML app to post the response (HTTP-POST binding) to GitLab's Assertion \
         consumer service URL exactly, and make sure no redirect sits in front of it.",
    )
    .capture(
        "Capture the sign-in as a HAR: samltrace har shows whether a SAMLResponse was posted, \
         and to which URL.",
    ),
    // handle_response: `raise OmniAuth::Strategies::SAML::ValidationError.new("SAML response
    // missing 'name_id'")` when ruby-saml accepted the response but it names no one. GitLab
    // humanizes it to "Saml response missing 'name id'".
    entry(
        "OM002",
        STRATEGY,
        "The response does not say who the user is (no NameID)",
        &["SAML response missing 'name_id'"],
    )
    .why(
        "The response passed ruby-saml's checks, but its assertion has no NameID, or an empty one.",
    )
    .checks(&["NI001"])
    .fix(
        "Configure the SAML app to send a NameID for every user, such as the user's persistent \
         object ID.",
    )
    .capture("Capture the response and run samltrace on it: NI001 shows the assertion's Subject.")
    .see(docs::NAMEID_MISSING)
    .supersedes(&["OM001"]),
];

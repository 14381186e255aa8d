//! ruby-saml's single logout messages: GitLab (through omniauth-saml) judging the identity
//! provider's LogoutResponse (`lib/onelogin/ruby-saml/logoutresponse.rb`) and LogoutRequest
//! (`slo_logoutrequest.rb`), and building its own LogoutResponse (`slo_logoutresponse.rb`).
//! Words as in ruby-saml 1.18 and Debian's 1.13 alike.

use super::Debian::Same;
use super::RubySamlClass::{Logoutresponse, SloLogoutrequest, SloLogoutresponse};
use super::{Entry, entry, ruby};
use crate::checks::gitlab::docs;

/// Single logout: GitLab (omniauth-saml) judging the identity provider's LogoutResponse and
/// LogoutRequest, and building its own LogoutResponse.
pub(super) const ENTRIES: &[Entry] = &[
    entry(
        "RS060",
        ruby(Logoutresponse, "validate_structure", Same),
        "The identity provider's logout response breaks the SAML schema",
        &["Invalid SAML Logout Response. Not match the saml-schema-protocol-2.0.xsd"],
    )
    .why("The LogoutResponse does not validate against SAML's protocol schema.")
    .fix("Report the logout response to the identity provider's vendor.")
    .capture("Capture the logout as a HAR and run samltrace har on it."),
    entry(
        "RS061",
        ruby(Logoutresponse, "validate_success_status", Same),
        "The identity provider refused the logout",
        &["The status code of the Logout Response was not Success%{, was status}%{ -> message}"],
    )
    .why("The LogoutResponse's StatusCode is not Success.")
    .checks(&["ST001"])
    .fix("Read the status code and message; the identity provider's log says why.")
    .capture("Capture the logout as a HAR and run samltrace har on it: ST001 shows the status."),
    entry(
        "RS062",
        ruby(Logoutresponse, "valid_in_response_to?", Same),
        "The logout response answers another logout request",
        &[
            "The InResponseTo of the Logout Response: %{in_response_to}, does not match the ID \
             of the Logout Request sent by the SP: %{request_id}",
        ],
    )
    .why("The LogoutResponse's InResponseTo differs from the LogoutRequest GitLab sent.")
    .checks(&["AU003"])
    .fix("Sign out again from GitLab in one tab.")
    .capture("Capture the logout as a HAR: samltrace har pairs the request and response."),
    entry(
        "RS063",
        ruby(Logoutresponse, "validate_signature", Same),
        "The logout response's signature does not verify",
        &["Invalid Signature on Logout Response"],
    )
    .why("The LogoutResponse's signature does not verify with GitLab's IdP certificate.")
    .checks(&["SG003", "SG004"])
    .fix("Update GitLab's IdP certificate or fingerprint to the identity provider's current one.")
    .capture("Capture the logout as a HAR and run samltrace har on it with --idp-cert.")
    .see(docs::FINGERPRINT_MISMATCH),
    entry(
        "RS064",
        ruby(SloLogoutrequest, "validate_signature", Same),
        "The identity provider's logout request's signature does not verify",
        &["Invalid Signature on Logout Request"],
    )
    .why("The LogoutRequest the identity provider sent has a signature that does not verify with GitLab's IdP certificate.")
    .checks(&["SG003", "SG004"])
    .fix("Update GitLab's IdP certificate or fingerprint to the identity provider's current one.")
    .capture("Capture the logout as a HAR and run samltrace har on it with --idp-cert.")
    .see(docs::FINGERPRINT_MISMATCH),
    entry(
        "RS065",
        ruby(SloLogoutrequest, "validate_not_on_or_after", Same),
        "The identity provider's logout request has expired",
        &["Current time is on or after NotOnOrAfter (%{now} >= %{not_on_or_after}%{ + drift})"],
    )
    .why("The LogoutRequest's NotOnOrAfter has passed, beyond the allowed drift.")
    .checks(&["TM001"])
    .fix("Sync the identity provider's clock; sign out again.")
    .capture("Capture the logout as a HAR and run samltrace har on it."),
    entry(
        "RS066",
        ruby(SloLogoutresponse, "create", Same),
        "GitLab has no logout URL for the identity provider",
        &["Invalid settings, idp_slo_service_url is not set!"],
    )
    .why("GitLab was asked to answer a logout request and its SAML settings have no idp_slo_service_url.")
    .fix("Set idp_slo_target_url (idp_slo_service_url) in GitLab's SAML settings, or turn single logout off at the identity provider.")
    .capture("Nothing in the SAML messages explains this; read GitLab's SAML configuration."),
];

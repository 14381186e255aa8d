//! ruby-saml's messages about the sign-in response, in the order `Response#is_valid?` runs its
//! validations (`lib/onelogin/ruby-saml/response.rb`, `Response#validate`), then the decoding
//! and schema messages of `SamlMessage`. Signature messages are in `signature.rs`, single
//! logout's in `logout.rs`.
//!
//! GitLab runs ruby-saml with `soft = false` (omniauth-saml), so the first failing validation
//! raises and its message is the one GitLab shows. `%{…}` stands for Ruby's `#{…}`
//! interpolations.

use super::Debian::{Missing, Same, Words};
use super::RubySamlClass::{Response, SamlMessage};
use super::{Entry, entry, ruby};
use crate::checks::gitlab::docs;

const FRESH: &str = "Capture the response (HAR or SAML-tracer) and run samltrace on it with \
     GitLab's settings (--gitlab-group, --fingerprint or --idp-cert, --at the time of the \
     sign-in).";

pub(super) const ENTRIES: &[Entry] = &[
    // Response#validate_response_state.
    entry(
        "RS001",
        ruby(Response, "validate_response_state", Same),
        "GitLab received an empty response",
        &["Blank response"],
    )
    .why("The SAMLResponse parameter GitLab received was empty.")
    .fix("Check the SAML app's binding (HTTP-POST) and that nothing between the browser and GitLab strips the form body.")
    .capture("Capture the sign-in as a HAR: samltrace har shows what was posted to the ACS URL."),
    entry(
        "RS002",
        ruby(Response, "validate_response_state", Same),
        "GitLab's SAML settings did not reach ruby-saml",
        &["No settings on response"],
    )
    .why("GitLab built the response without its SAML settings: a configuration error on GitLab's side.")
    .fix("Check the SAML provider's configuration in gitlab.rb (or the group's SAML settings) and reconfigure.")
    .capture("Nothing in the SAML messages explains this; read GitLab's configuration."),
    entry(
        "RS003",
        ruby(Response, "validate_response_state", Same),
        "GitLab has no certificate or fingerprint to check the signature with",
        &["No fingerprint or certificate on settings"],
    )
    .why("Neither idp_cert_fingerprint, idp_cert nor idp_cert_multi is set in GitLab's SAML settings.")
    .fix(
        "Set the identity provider's certificate fingerprint on the group's SAML SSO page, or \
         idp_cert_fingerprint / idp_cert in gitlab.rb.",
    )
    .capture("Take the certificate from the identity provider's metadata and compare it with the response's: samltrace --idp-metadata FILE.")
    .see(docs::FINGERPRINT_MISMATCH),
    // Response#validate_version.
    entry(
        "RS004",
        ruby(Response, "validate_version", Same),
        "The response is not SAML 2.0",
        &["Unsupported SAML version"],
    )
    .why("The Response's Version attribute is not \"2.0\".")
    .fix("Configure the identity provider to send SAML 2.0 responses.")
    .capture(FRESH),
    // Response#validate_id.
    entry(
        "RS005",
        ruby(Response, "validate_id", Same),
        "The response has no ID",
        &["Missing ID attribute on SAML Response"],
    )
    .why("The Response element has no ID attribute.")
    .fix("The identity provider must give every Response an ID; report it to its vendor.")
    .capture(FRESH),
    // Response#validate_success_status, with Utils.status_error_msg appending
    // ", was <codes joined by ' => '>" and " -> <StatusMessage>".
    entry(
        "RS006",
        ruby(Response, "validate_success_status", Same),
        "The identity provider refused the sign-in",
        &["The status code of the Response was not Success%{, was status}%{ -> message}"],
    )
    .why(
        "The Response's StatusCode is not Success: the identity provider refused to sign the \
         user in, and the codes after \"was\" and the message after \"->\" say why (for \
         example Requester => RequestDenied when the user is not assigned to the app).",
    )
    .checks(&["ST001"])
    .fix(
        "The refusal comes from the identity provider: check that the user is assigned to the \
         SAML app and that the app can send the NameID format GitLab asks for.",
    )
    .capture("Capture the response: ST001 shows the status codes and message; the identity provider's sign-in log says more."),
    // Response#validate_num_assertion: counts //a:Assertion and //a:EncryptedAssertion anywhere.
    entry(
        "RS007",
        ruby(Response, "validate_num_assertion", Same),
        "The response does not hold exactly one assertion",
        &["SAML Response must contain 1 assertion"],
    )
    .why(
        "ruby-saml counts every Assertion and EncryptedAssertion anywhere in the document and \
         wants exactly one: the response has none (a failed status, a misconfigured app) or \
         several (an assertion nested in Advice, or an injected copy).",
    )
    .checks(&["ST002", "SG005"])
    .fix(
        "Configure the SAML app to send a single assertion; if a response holds two, treat it \
         as suspicious.",
    )
    .capture(FRESH),
    // Response#validate_no_duplicated_attributes (with the check_duplicated_attributes option),
    // from Response#attributes.
    entry(
        "RS008",
        ruby(Response, "validate_no_duplicated_attributes", Same),
        "Two attributes have the same name",
        &["Found an Attribute element with duplicated Name"],
    )
    .why("The assertion holds two Attribute elements with the same Name, and GitLab's settings ask ruby-saml to refuse that (check_duplicated_attributes).")
    .fix("Remove the duplicate claim in the SAML app, or send one attribute with several values.")
    .capture(FRESH),
    // Response#validate_signed_elements.
    entry(
        "RS009",
        ruby(Response, "validate_signed_elements", Same),
        "A signature sits on something other than the Response or the Assertion",
        &["Invalid Signature Element '%{element}'. SAML Response rejected"],
    )
    .why("A ds:Signature's parent is neither the Response nor the Assertion; ruby-saml accepts no other signed element.")
    .checks(&["SG005"])
    .fix("Sign the Response or the Assertion (or both), nothing else.")
    .capture(FRESH),
    entry(
        "RS010",
        ruby(Response, "validate_signed_elements", Same),
        "A signed element has no ID",
        &["Signed Element must contain an ID. SAML Response rejected"],
    )
    .why("The element a signature sits in has no ID attribute, so its Reference cannot name it.")
    .checks(&["SG005"])
    .fix("The identity provider must give signed elements an ID; report it to its vendor.")
    .capture(FRESH),
    entry(
        "RS011",
        ruby(Response, "validate_signed_elements", Same),
        "Two signed elements share an ID",
        &["Duplicated ID. SAML Response rejected"],
    )
    .why("Two signatures sit in elements with the same ID: the shape of a signature wrapping attack.")
    .checks(&["SG005"])
    .fix("Treat the response as an attack or a broken identity provider; capture a fresh sign-in.")
    .capture(FRESH),
    entry(
        "RS012",
        ruby(Response, "validate_signed_elements", Same),
        "A signature covers another element than the one it sits in",
        &["Found an invalid Signed Element. SAML Response rejected"],
    )
    .why("A signature's Reference URI names another ID than its parent element's: signature wrapping, or a broken signer.")
    .checks(&["SG005"])
    .fix("Treat the response as an attack or a broken identity provider; capture a fresh sign-in.")
    .capture(FRESH),
    entry(
        "RS013",
        ruby(Response, "validate_signed_elements", Same),
        "Two signatures reference the same element",
        &["Duplicated Reference URI. SAML Response rejected"],
    )
    .why("Two signatures' References name the same ID.")
    .checks(&["SG005"])
    .fix("Treat the response as an attack or a broken identity provider; capture a fresh sign-in.")
    .capture(FRESH),
    entry(
        "RS014",
        ruby(Response, "validate_signed_elements", Same),
        "Nothing is signed, or more than two elements are",
        &["Found an unexpected number of Signature Element. SAML Response rejected"],
    )
    .why(
        "ruby-saml wants one or two signatures (on the Response, the Assertion, or both): the \
         response carries none, or three or more.",
    )
    .checks(&["SG001"])
    .fix("Turn on response or assertion signing in the SAML app.")
    .capture(FRESH)
    .see(docs::IDP_ADDITIONAL_CONFIGURATION),
    entry(
        "RS015",
        ruby(Response, "validate_signed_elements", Same),
        "The assertion is not signed and GitLab requires it",
        &["The Assertion of the Response is not signed and the SP requires it"],
    )
    .why("GitLab's settings set want_assertions_signed and only the Response is signed.")
    .checks(&["SG001"])
    .fix("Sign the assertion in the SAML app (\"Sign response and assertion\").")
    .capture(FRESH)
    .see(docs::IDP_ADDITIONAL_CONFIGURATION),
    // Response#validate_structure in soft mode; with soft = false (GitLab) ruby-saml raises the
    // XML schema's own error instead (RS041–RS044).
    entry(
        "RS016",
        ruby(Response, "validate_structure", Same),
        "The response breaks the SAML 2.0 schema",
        &["Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd"],
    )
    .why(
        "The response does not validate against SAML's protocol schema: an ID that is not an \
         xs:ID (such as a UUID starting with a digit), an element out of order, a required \
         attribute missing.",
    )
    .fix("The identity provider must send schema-valid responses; report the exact violation to its vendor.")
    .capture(FRESH),
    // Response#validate_in_response_to (with matches_request_id, as GitLab sets it).
    entry(
        "RS017",
        ruby(Response, "validate_in_response_to", Same),
        "The response answers another request than GitLab's",
        &[
            "The InResponseTo of the Response: %{in_response_to}, does not match the ID of the \
             AuthNRequest sent by the SP: %{request_id}",
        ],
    )
    .why(
        "The response's InResponseTo differs from the ID of the AuthnRequest GitLab sent in this \
         browser session: a second sign-in was started in another tab, the back button was used, \
         or the response belongs to another session.",
    )
    .checks(&["AU003"])
    .fix("Start the sign-in from GitLab in one tab and finish it there without going back.")
    .capture(
        "Capture the whole flow as a HAR from GitLab's SSO URL: samltrace har matches each \
         response with the requests before it (AU003).",
    )
    .see(docs::LINK_MUST_BE_AUTHORIZED),
    // Response#validate_one_conditions.
    entry(
        "RS018",
        ruby(Response, "validate_one_conditions", Same),
        "The assertion has no Conditions, or several",
        &["The Assertion must include one Conditions element"],
    )
    .why("The signed assertion must hold exactly one Conditions element.")
    .fix("Configure the identity provider to send Conditions (NotBefore, NotOnOrAfter, AudienceRestriction).")
    .capture(FRESH),
    // Response#validate_conditions: " - %{drift}s" appears when an allowed clock drift is set.
    entry(
        "RS019",
        ruby(Response, "validate_conditions", Same),
        "The response is not valid yet (the clocks disagree)",
        &["Current time is earlier than NotBefore condition (%{now} < %{not_before}%{ - drift})"],
    )
    .why(
        "GitLab's clock is before the assertion's NotBefore, beyond the allowed clock drift: the \
         identity provider's clock is ahead of GitLab's.",
    )
    .checks(&["TM002"])
    .fix("Sync the identity provider's clock (NTP); GitLab allows little or no drift.")
    .capture("Run samltrace on the response with --at the time GitLab received it: TM002 says by how much it missed.")
    .see(docs::USERS_RECEIVE_404),
    entry(
        "RS020",
        ruby(Response, "validate_conditions", Same),
        "The response has expired",
        &[
            "Current time is on or after NotOnOrAfter condition (%{now} >= \
             %{not_on_or_after}%{ + drift})",
        ],
    )
    .why(
        "GitLab's clock is at or after the assertion's NotOnOrAfter, beyond the allowed drift: \
         the response was used late (a replayed or stale page) or the identity provider's clock \
         is behind.",
    )
    .checks(&["TM001"])
    .fix("Sign in again; if fresh responses expire too, sync the identity provider's clock or lengthen the assertion's lifetime.")
    .capture("Run samltrace on the response with --at the time GitLab received it: TM001 says by how much it missed.")
    .see(docs::DEBUGGING_TOOLS),
    // Response#validate_one_authnstatement.
    entry(
        "RS021",
        ruby(Response, "validate_one_authnstatement", Same),
        "The assertion has no AuthnStatement, or several",
        &["The Assertion must include one AuthnStatement element"],
    )
    .why("The signed assertion must hold exactly one AuthnStatement.")
    .fix("Configure the identity provider to send an AuthnStatement.")
    .capture(FRESH),
    // Response#validate_audience.
    entry(
        "RS022",
        ruby(Response, "validate_audience", Same),
        "The response is meant for another service provider (audience)",
        &[
            "Invalid Audience%{s}. The audience%{s} %{audiences}, did not match the expected \
             audience %{sp_entity_id}",
        ],
    )
    .why("No Audience in the assertion equals GitLab's SP entity ID (issuer).")
    .checks(&["AU001"])
    .fix("Set the SAML app's Audience / Identifier (Entity ID) to GitLab's Identifier exactly, without trailing spaces or slashes.")
    .capture("Run samltrace on the response with --gitlab-group URL (or --sp-entity-id): AU001 names both values.")
    .see(docs::INVALID_AUDIENCE),
    // Response#validate_audience with settings.security[:strict_audience_validation], added in
    // 1.14 (ruby-saml #622); text read from lib/ruby_saml/response.rb.
    entry(
        "RS023",
        ruby(Response, "validate_audience", Missing),
        "The assertion's audience is empty",
        &[
            "Invalid Audiences. The <AudienceRestriction> element contained only empty \
             <Audience> elements. Expected audience %{sp_entity_id}.",
        ],
    )
    .why("The AudienceRestriction holds only empty Audience elements and GitLab's settings ask for strict audience validation.")
    .checks(&["AU004", "AU001"])
    .fix("Set the SAML app's Audience to GitLab's Identifier.")
    .capture("Run samltrace on the response with --gitlab-group URL: AU004 and AU001 show the audience.")
    .see(docs::INVALID_AUDIENCE),
    // Response#validate_destination.
    entry(
        "RS024",
        ruby(Response, "validate_destination", Same),
        "The response's Destination is empty",
        &["The response has an empty Destination value"],
    )
    .why("The Response has a Destination attribute with no value.")
    .checks(&["AU002"])
    .fix("Set the SAML app's ACS (Reply) URL to GitLab's Assertion consumer service URL.")
    .capture("Run samltrace on the response with --gitlab-group URL: AU002 shows the Destination.")
    .see(docs::USERS_RECEIVE_404),
    entry(
        "RS025",
        ruby(Response, "validate_destination", Same),
        "The response is addressed to another URL (Destination)",
        &["The response was received at %{destination} instead of %{acs_url}"],
    )
    .why(
        "The Response's Destination differs from GitLab's Assertion Consumer Service URL \
         (compared ignoring the case of scheme and host only).",
    )
    .checks(&["AU002"])
    .fix("Set the SAML app's ACS (Reply) URL to GitLab's Assertion consumer service URL exactly.")
    .capture("Run samltrace on the response with --gitlab-group URL (or --acs-url): AU002 names both URLs.")
    .see(docs::USERS_RECEIVE_404),
    // Response#issuers, raised into Response#validate_issuer.
    entry(
        "RS026",
        ruby(Response, "validate_issuer", Same),
        "The Response has no Issuer, or several",
        &["Issuer of the Response not found or multiple."],
    )
    .why("ruby-saml wants exactly one Issuer directly in the Response (when GitLab's settings name the identity provider's entity ID).")
    .fix("Configure the identity provider to send an Issuer in the Response.")
    .capture(FRESH),
    entry(
        "RS027",
        ruby(Response, "validate_issuer", Same),
        "The Assertion has no Issuer, or several",
        &["Issuer of the Assertion not found or multiple."],
    )
    .why("ruby-saml wants exactly one Issuer in the signed assertion.")
    .fix("Configure the identity provider to send an Issuer in the Assertion.")
    .capture(FRESH),
    entry(
        "RS028",
        ruby(Response, "validate_issuer", Same),
        "The response comes from another identity provider (Issuer)",
        &["Doesn't match the issuer, expected: <%{idp_entity_id}>, but was: <%{issuer}>"],
    )
    .why("An Issuer of the Response or the Assertion differs from the identity provider's entity ID in GitLab's settings (idp_entity_id).")
    .fix("Set GitLab's idp_entity_id (or the group's identity provider) to the Issuer the identity provider sends, or fix the app's entity ID.")
    .capture(FRESH),
    // Response#validate_session_expiration.
    entry(
        "RS029",
        ruby(Response, "validate_session_expiration", Same),
        "The identity provider's session had already ended (SessionNotOnOrAfter)",
        &[
            "The attributes have expired, based on the SessionNotOnOrAfter of the AuthnStatement \
             of this Response",
        ],
    )
    .why(
        "GitLab's clock is at or after the AuthnStatement's SessionNotOnOrAfter, beyond the \
         allowed drift: the identity provider says the session it vouches for has ended.",
    )
    .fix(
        "Sign in again; if it recurs, lengthen the session lifetime in the SAML app or sync the \
         identity provider's clock.",
    )
    .capture("Run samltrace on the response with --at the time GitLab received it and read the AuthnStatement's SessionNotOnOrAfter.")
    .see(docs::DEBUGGING_TOOLS),
    // Response#validate_subject_confirmation: no bearer SubjectConfirmationData passes its
    // InResponseTo, NotBefore, NotOnOrAfter and Recipient tests.
    entry(
        "RS030",
        ruby(Response, "validate_subject_confirmation", Same),
        "No subject confirmation is valid (expired, wrong Recipient or InResponseTo)",
        &["A valid SubjectConfirmation was not found on this Response"],
    )
    .why(
        "Every bearer SubjectConfirmationData fails one test: its NotOnOrAfter has passed, its \
         NotBefore is ahead, its Recipient is not GitLab's ACS URL, or its InResponseTo differs \
         from the Response's.",
    )
    .checks(&["TM003", "AU002", "AU005"])
    .fix(
        "Set the SAML app's Recipient / ACS URL to GitLab's Assertion consumer service URL; if \
         it is right, sign in again and sync the identity provider's clock.",
    )
    .capture("Run samltrace on the response with --gitlab-group URL and --at the time of the sign-in: TM003, AU002 and AU005 say which test fails.")
    .see(docs::USERS_RECEIVE_404),
    // Response#validate_name_id.
    entry(
        "RS031",
        ruby(Response, "validate_name_id", Same),
        "The assertion has no NameID",
        &["No NameID element found in the assertion of the Response"],
    )
    .why("The assertion's Subject has no NameID and GitLab's settings require one (want_name_id).")
    .checks(&["NI001"])
    .fix("Configure the SAML app to send a NameID for every user.")
    .capture(FRESH)
    .see(docs::NAMEID_MISSING),
    entry(
        "RS032",
        ruby(Response, "validate_name_id", Same),
        "The NameID is empty",
        &["An empty NameID value found"],
    )
    .why("The assertion's NameID element has no value.")
    .checks(&["NI001"])
    .fix("Map the NameID to a directory attribute that every user has, such as the object ID.")
    .capture(FRESH)
    .see(docs::NAMEID_MISSING),
    // Response#validate_name_id; ruby-saml #715 (1.18) reworded 1.13's message.
    entry(
        "RS033",
        ruby(
            Response,
            "validate_name_id",
            Words("The SPNameQualifier value mistmatch the SP entityID value."),
        ),
        "The NameID is qualified for another service provider",
        &["SPNameQualifier value does not match the SP entityID value."],
    )
    .why("The NameID's SPNameQualifier attribute differs from GitLab's SP entity ID.")
    .checks(&["AU001"])
    .fix("Set the SAML app's SP name qualifier (or leave it out) to GitLab's Identifier.")
    .capture(FRESH),
    // Response#validate_signature: the message after any of XMLSecurity's (signature.rs).
    entry(
        "RS034",
        ruby(Response, "validate_signature", Same),
        "The signature does not verify with GitLab's certificate or fingerprint",
        &["Invalid Signature on SAML Response"],
    )
    .why(
        "The signature GitLab checks failed: the certificate in the response does not have \
         GitLab's fingerprint, or the signature does not verify with it (wrong key, or the \
         content changed after signing). ruby-saml's earlier error, when GitLab shows it, says \
         which.",
    )
    .checks(&["SG003", "SG004"])
    .fix(
        "Update GitLab's certificate fingerprint (or idp_cert) to the identity provider's current \
         signing certificate; after a renewal both change.",
    )
    .capture("Run samltrace on the response with --fingerprint (or --idp-cert): SG003 and SG004 say which part fails.")
    .see(docs::FINGERPRINT_MISMATCH),
    entry(
        "RS035",
        ruby(Response, "validate_signature", Same),
        "The signature GitLab would check names an element that is not there",
        &["Signed element id #%{id} is not found"],
    )
    .why("The signature's Reference names an ID that is neither the Response's nor the Assertion's under it.")
    .checks(&["SG005", "SG001"])
    .fix("Treat the response as broken or altered; capture a fresh sign-in.")
    .capture(FRESH)
    .supersedes(&["RS034"]),
    entry(
        "RS036",
        ruby(Response, "validate_signature", Same),
        "The signed ID appears on several elements",
        &["Signed element id #%{id} is found more than once"],
    )
    .why("More than one element carries the ID the signature references: signature wrapping.")
    .checks(&["SG005"])
    .fix("Treat the response as an attack or a broken identity provider; capture a fresh sign-in.")
    .capture(FRESH)
    .supersedes(&["RS034"]),
    entry(
        "RS037",
        ruby(Response, "validate_signature", Same),
        "The signing certificate has expired",
        &["IdP x509 certificate expired"],
    )
    .why("The signature verifies, but its certificate has expired and GitLab's settings check expiry (check_idp_cert_expiration).")
    .checks(&["SG006"])
    .fix("Renew the signing certificate at the identity provider and update GitLab's fingerprint to the new one.")
    .capture("Run samltrace on the response: SG006 shows the certificate's validity.")
    .see(docs::CERTIFICATE_UPDATES),
    // Response#generate_decrypted_document and #decrypt_element.
    entry(
        "RS038",
        ruby(Response, "generate_decrypted_document", Same),
        "The assertion is encrypted and GitLab has no key to decrypt it",
        &[
            "An EncryptedAssertion found and no SP private key found on the settings to decrypt \
             it. Be sure you provided the :settings parameter at the initialize method",
        ],
    )
    .why("The identity provider encrypts the assertion and GitLab's SAML settings hold no SP private key.")
    .checks(&["EN001"])
    .fix("Turn assertion encryption off in the SAML app, or give GitLab the SP key and certificate the identity provider encrypts for.")
    .capture("Run samltrace with --sp-key on the response to read the encrypted parts.")
    .supersedes(&["RS039"]),
    entry(
        "RS039",
        ruby(Response, "decrypt_element", Same),
        "An element is encrypted and GitLab has no key to decrypt it",
        &["An %{element} found and no SP private key found on the settings to decrypt it"],
    )
    .why("An EncryptedID or EncryptedAttribute arrived and GitLab's SAML settings hold no SP private key.")
    .checks(&["EN001"])
    .fix("Turn encryption off in the SAML app, or give GitLab the SP key the identity provider encrypts for.")
    .capture("Run samltrace with --sp-key on the response to read the encrypted parts."),
    // SamlMessage#decode_raw_saml.
    entry(
        "RS040",
        ruby(SamlMessage, "decode_raw_saml", Same),
        "The response is larger than ruby-saml accepts",
        &["Encoded SAML Message exceeds %{bytes} bytes, so was rejected"],
    )
    .why("The encoded SAMLResponse is larger than settings.message_max_bytesize (250 000 bytes by default).")
    .fix("Send fewer or smaller attributes (group claims are the usual cause), or raise message_max_bytesize on GitLab Self-Managed.")
    .capture("Capture the response and run samltrace on it to see which attributes make it large."),
    // SamlMessage#valid_saml? with soft = false: Nokogiri's schema errors (libxml2's words,
    // prefixed "line:column: ERROR: "), then two newlines and the document.
    entry(
        "RS041",
        ruby(SamlMessage, "validate_structure", Same),
        "An ID in the response is not a valid xs:ID",
        &["Element '%{element}', attribute '%{attribute}': '%{value}' is not a valid value of the atomic type 'xs:ID'"],
    )
    .why(
        "SAML's schema types ID attributes as xs:ID, an XML name: it may not start with a digit \
         or contain characters such as ':' or spaces. A bare UUID (\"3f25…\") as the Response or \
         Assertion ID breaks it, and ruby-saml refuses the response.",
    )
    .fix("The identity provider must prefix its IDs (\"_3f25…\", \"id-3f25…\"); report it to its vendor.")
    .capture(FRESH)
    .supersedes(&["RS044"]),
    entry(
        "RS042",
        ruby(SamlMessage, "validate_structure", Same),
        "An element of the response is missing or out of order",
        &[
            "Element '%{element}': This element is not expected. Expected is %{expected}",
            "Element '%{element}': Missing child element(s). Expected is %{expected}",
        ],
    )
    .why(
        "SAML's schema fixes which child elements come in which order (Issuer first, then \
         Signature, then Status…): the named element is in the wrong place, or a required one \
         is missing.",
    )
    .fix("The identity provider must send schema-valid responses; report the element named to its vendor.")
    .capture(FRESH)
    .supersedes(&["RS044"]),
    entry(
        "RS043",
        ruby(SamlMessage, "validate_structure", Same),
        "A required attribute of the response is missing",
        &["Element '%{element}': The attribute '%{attribute}' is required but missing"],
    )
    .why("SAML's schema requires the named attribute (ID, Version, IssueInstant…) on the named element.")
    .fix("The identity provider must send schema-valid responses; report the attribute named to its vendor.")
    .capture(FRESH)
    .supersedes(&["RS044"]),
    entry(
        "RS044",
        ruby(SamlMessage, "validate_structure", Same),
        "The response breaks the SAML 2.0 schema",
        &["Element '%{element}': %{violation}"],
    )
    .why("The response does not validate against SAML's protocol schema; libxml2's message names the element and the rule.")
    .fix("The identity provider must send schema-valid responses; report the violation to its vendor.")
    .capture(FRESH),
    entry(
        "RS045",
        ruby(SamlMessage, "validate_structure", Same),
        "The response is not well-formed XML",
        &["XML load failed: %{error}"],
    )
    .why("Nokogiri could not parse the decoded response as XML.")
    .fix("Check the identity provider's output; samltrace shows where the XML breaks.")
    .capture(FRESH),
];

//! GitLab's own sign-in messages and the frames it shows reasons in.
//!
//! Read from `gitlab-org/gitlab` (2025 mirrors): each entry's comment names the file and the
//! method that writes the words. Validation messages are Rails' `errors.full_messages`: the
//! attribute's human name, then the message (`extern_uid` reads "Extern uid").

use super::{Entry, Frame, SaidBy, entry};
use crate::checks::gitlab::docs;

const IDENTITY: SaidBy = SaidBy::GitLab {
    file: "app/models/identity.rb",
};
const EE_IDENTITY: SaidBy = SaidBy::GitLab {
    file: "ee/app/models/ee/identity.rb",
};
const GROUP_CALLBACKS: SaidBy = SaidBy::GitLab {
    file: "ee/app/controllers/groups/omniauth_callbacks_controller.rb",
};
const CALLBACKS: SaidBy = SaidBy::GitLab {
    file: "app/controllers/omniauth_callbacks_controller.rb",
};
const GROUP_LINKER: SaidBy = SaidBy::GitLab {
    file: "ee/lib/gitlab/auth/group_saml/identity_linker.rb",
};
const USER_MODEL: SaidBy = SaidBy::GitLab {
    file: "app/models/user.rb",
};

const SAML_IDENTITIES: &str = "Capture a fresh sign-in from the group's SSO URL as a HAR (the \
     browser's network panel, \"Save all as HAR\") and fetch the identities GitLab holds: \
     `samltrace scim fetch https://gitlab.com/groups/GROUP --saml-identities -o ids.json`, then \
     `samltrace compare --scim ids.json capture.har` shows which account holds the NameID.";

pub(super) const ENTRIES: &[Entry] = &[
    // app/models/identity.rb: `validates :extern_uid, uniqueness: { scope: …, case_sensitive:
    // false, message: "has already been taken. Please contact your administrator to generate a
    // unique extern_uid / NameID" }`; shown by lib/gitlab/auth/omniauth_identity_linker_base.rb
    // `error_message` (`identity.errors.full_messages.join(', ')`) inside the group frame
    // "%{group_name} SAML authentication failed: %{message}". Before the message was added the
    // words were Rails' default; GitLab's docs quote both.
    entry(
        "GL001",
        IDENTITY,
        "The NameID is already linked to another GitLab account",
        &[
            "Extern uid has already been taken. Please contact your administrator to generate a \
             unique extern_uid / NameID",
            "Extern uid has already been taken. Please contact your administrator to generate a \
             unique external_uid (NameID).",
            "Extern uid has already been taken",
        ],
    )
    .why(
        "You are signed in to GitLab as one user and the identity provider sent a NameID that \
         GitLab already links to a different user, for this group's SAML provider. GitLab \
         compares extern_uid without regard to case when it checks uniqueness, so a NameID that \
         differs only in capitalisation is taken too.",
    )
    .verdicts(&["match", "near_match", "ambiguous"])
    .fix(
        "Sign out and sign in again from the group's SSO URL: GitLab then signs you in as the \
         account the NameID is linked to. To use this account instead, unlink the SAML identity \
         from the other account (the user under Profile > Account, or a group Owner with the SAML \
         API), or have the identity provider send a unique NameID.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::EXTERN_UID_TAKEN),
    // The two validations of app/models/identity.rb fail together: extern_uid's uniqueness
    // (case-insensitive) finds the user's own identity under the old capitalisation, and
    // `validates :user, uniqueness: { scope: … }` refuses a second identity for the same user
    // and provider. Joined with ", " by OmniauthIdentityLinkerBase#error_message.
    entry(
        "GL002",
        IDENTITY,
        "The NameID's capitalisation changed since the account was linked",
        &[
            "Extern uid has already been taken. Please contact your administrator to generate a \
             unique extern_uid / NameID, User has already been taken",
            "Extern uid has already been taken%{joined}User has already been taken",
        ],
    )
    .why(
        "Both validations of GitLab's identity failed at once. GitLab looks the NameID up \
         exactly (case included) and finds no identity, so it tries to link a new one; the \
         uniqueness check ignores case and finds this user's existing identity, whose extern_uid \
         differs from the new NameID only in capitalisation, and a user may hold only one \
         identity per SAML provider.",
    )
    .checks(&["NI004"])
    .verdicts(&["near_match"])
    .fix(
        "Make the identity provider send the NameID with the capitalisation GitLab stored, or \
         update the stored extern_uid to the new value with the group SAML API (PATCH \
         /groups/:id/saml/:uid), or have the user unlink SAML and sign in again. Prefer a NameID \
         that never changes, such as the directory's object ID.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::USER_TAKEN_PAIR)
    .supersedes(&["GL001", "GL003"]),
    // app/models/identity.rb: `validates :user, uniqueness: { scope: UniquenessScopes.scopes }`.
    entry(
        "GL003",
        IDENTITY,
        "This GitLab account already has a different SAML identity",
        &["User has already been taken"],
    )
    .why(
        "The signed-in user already has an identity for this SAML provider, linked to another \
         NameID: either the user linked a different identity provider account before, or the \
         NameID changes from one sign-in to the next (a transient NameID, or an attribute that \
         was renamed).",
    )
    .checks(&["NI003", "NI004", "NI005"])
    .verdicts(&["mismatch", "near_match"])
    .fix(
        "Unlink the previous SAML identity from the account, then sign in again; and configure \
         a persistent NameID that never changes.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::USER_ALREADY_TAKEN),
    // app/models/user.rb: the email's uniqueness validation, shown by
    // app/controllers/omniauth_callbacks_controller.rb#fail_login ("Sign-in failed because
    // %{error}.", app/views/errors/omniauth_error.html.haml) or, for groups, by
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb#fail_login.
    entry(
        "GL004",
        USER_MODEL,
        "An account with this email exists but is not linked to the SAML identity",
        &["Email has already been taken"],
    )
    .why(
        "GitLab found no account linked to the NameID, so it tried to create one with the email \
         address the identity provider sent, and an account with that address already exists.",
    )
    .checks(&["AT004"])
    .verdicts(&["not_found", "mismatch"])
    .fix(
        "Have the user link the existing account: sign in to GitLab with it first, then open the \
         group's SSO URL. On GitLab Self-Managed an administrator can also turn on \
         auto_link_saml_user so that the first sign-in links by email.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::EMAIL_TAKEN),
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb#redirect_to_login_or_register
    // (s_("SAML|There is already a GitLab account …")), when fail_login sees the email taken.
    entry(
        "GL005",
        GROUP_CALLBACKS,
        "An account with this email exists: sign in with it to link SAML",
        &[
            "There is already a GitLab account associated with this email address. Sign in with \
             your existing credentials to connect your organization's account",
        ],
    )
    .why(
        "The group has no identity for the NameID and GitLab would create an account, but one \
         with the email address the identity provider sent already exists.",
    )
    .checks(&["AT004"])
    .verdicts(&["not_found", "mismatch"])
    .fix(
        "Sign in with the existing account's password (reset it first if SCIM created the \
         account and it never had one); GitLab then returns to the group's SSO page and links \
         the identity.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::ACCOUNT_WITH_EMAIL_EXISTS),
    // app/controllers/omniauth_callbacks_controller.rb#redirect_unverified_saml_initiation and
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb (same words), after
    // lib/gitlab/auth/saml/identity_linker.rb raises UnverifiedRequest: OriginValidator finds
    // the response's InResponseTo blank or different from the session's last_authn_request_id.
    entry(
        "GL006",
        GROUP_CALLBACKS,
        "The sign-in was not started from GitLab, so GitLab will not link the account",
        &["Request to link SAML account must be authorized"],
    )
    .why(
        "You are signed in to GitLab and the response would link a new SAML identity, but GitLab \
         did not ask for it: the response has no InResponseTo (the sign-in started at the \
         identity provider's dashboard), or it answers another AuthnRequest than the one this \
         browser session sent last (another tab, a back button, a stale page).",
    )
    .checks(&["AU003"])
    .fix(
        "Start the sign-in from GitLab: open the group's SSO URL \
         (https://gitlab.com/groups/GROUP/-/saml/sso) in one tab and finish it there. Check that \
         the user is assigned to the SAML app at the identity provider.",
    )
    .capture(
        "Capture the whole flow as a HAR, from opening the group's SSO URL to the error: samltrace \
         har capture.har shows whether the Response answers GitLab's latest AuthnRequest (AU003).",
    )
    .see(docs::LINK_MUST_BE_AUTHORIZED),
    // ee/lib/gitlab/auth/group_saml/identity_linker.rb#error_message, when the stored
    // extern_uid differs from the NameID and the email the IdP sent is not a verified email of
    // the signed-in user (update_extern_uid_allowed?).
    entry(
        "GL007",
        GROUP_LINKER,
        "The NameID changed and the email does not prove it is the same person",
        &[
            "SAML Name ID and email address do not match your user account. Contact an \
             administrator.",
        ],
    )
    .why(
        "The NameID differs from the extern_uid GitLab stored for this user (the comparison is \
         case-sensitive), and GitLab updates the stored value only when the response's email is \
         one of the user's verified email addresses: here it is missing or different.",
    )
    .checks(&["NI002", "AT001", "AT004"])
    .verdicts(&["near_match", "mismatch"])
    .fix(
        "A group Owner updates the user's extern_uid to the NameID the identity provider now \
         sends, with the group SAML API (PATCH /groups/:id/saml/:uid); or the identity provider \
         sends the NameID GitLab stored and the user's verified email address.",
    )
    .capture(SAML_IDENTITIES)
    .see(docs::NAME_ID_AND_EMAIL_MISMATCH),
    // ee/app/models/ee/identity.rb: `validates :name_id, presence: { message: "is missing from
    // your SAML response. Please contact your administrator" }`, human name "SAML NameID".
    entry(
        "GL008",
        EE_IDENTITY,
        "The response does not say who the user is (no NameID)",
        &["SAML NameID is missing from your SAML response. Please contact your administrator"],
    )
    .why(
        "Group SAML stores the NameID as the identity's extern_uid and refuses to save an \
         identity without one: the response's assertion has no NameID, or an empty one.",
    )
    .checks(&["NI001"])
    .fix(
        "Configure the SAML app to send a NameID for every user, such as the user's persistent \
         object ID.",
    )
    .capture(
        "Capture the response (HAR or SAML-tracer) and run samltrace on it: NI001 shows what the \
         assertion's Subject holds.",
    )
    .see(docs::NAMEID_MISSING),
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb#email_blank_error_message.
    entry(
        "GL009",
        GROUP_CALLBACKS,
        "The response carries no email address GitLab reads",
        &[
            "The SAML response did not contain an email address. Either the SAML identity \
             provider is not configured to send the attribute, or the identity provider \
             directory does not have an email address value for your user.",
        ],
    )
    .why(
        "GitLab had to create an account and found no email attribute it reads (email, mail or \
         one of the claim URIs) with a value.",
    )
    .checks(&["AT001", "AT003", "AT004"])
    .fix(
        "Add an attribute named email holding the user's address to the SAML app, and make sure \
         the directory has an address for the user.",
    )
    .capture(
        "Capture the response and run samltrace on it: AT001 and AT003 show which attributes \
         were sent and which name GitLab would have read.",
    )
    .see(docs::EMAIL_MISSING),
    // app/models/user.rb (presence of email), through fail_login's full_messages.
    entry(
        "GL010",
        USER_MODEL,
        "GitLab cannot create the account without an email address",
        &["Email can't be blank"],
    )
    .why(
        "GitLab tried to create an account and the response carried no email attribute it \
         reads, or an empty one.",
    )
    .checks(&["AT001", "AT003"])
    .fix(
        "Send an attribute named email (or mail) with the user's address; on GitLab \
         Self-Managed, attribute_statements can map another name.",
    )
    .capture("Capture the response and run samltrace on it: AT001 and AT003 name the attributes.")
    .see(docs::MISSING_CLAIMS),
    // app/models/user.rb (presence of name), through fail_login's full_messages.
    entry(
        "GL011",
        USER_MODEL,
        "GitLab cannot create the account without a name",
        &["Name can't be blank"],
    )
    .why("GitLab tried to create an account and found neither a name nor first and last names.")
    .checks(&["AT002", "AT003"])
    .fix("Send first_name and last_name (or name) attributes from the SAML app.")
    .capture("Capture the response and run samltrace on it: AT002 lists the names GitLab reads.")
    .see(docs::CONFIGURE_ASSERTIONS),
    // app/controllers/omniauth_callbacks_controller.rb#handle_signup_error, on
    // Gitlab::Auth::OAuth::User::SignupDisabledError (no account found and none may be built).
    entry(
        "GL012",
        CALLBACKS,
        "No account is linked and GitLab may not create one",
        &[
            "Signing in using your %{label} account without a pre-existing account in \
             %{simple_url} is not allowed.",
        ],
    )
    .why(
        "GitLab found no account linked to the NameID (nor one to link by email) and the \
         instance does not create accounts on SAML sign-in: omniauth allow_single_sign_on does \
         not include saml, or required_groups is set and the response names none of them.",
    )
    .verdicts(&["not_found", "mismatch"])
    .fix(
        "Link the existing account first (sign in, then connect SAML under Profile > Account), \
         or have an administrator allow single sign-on for saml, or add the user to one of the \
         required groups at the identity provider.",
    )
    .capture(
        "Capture the response and compare its NameID with the users API's identities \
         (samltrace compare --scim FILE capture.har).",
    ),
    // app/controllers/omniauth_callbacks_controller.rb#handle_disabled_provider.
    entry(
        "GL013",
        CALLBACKS,
        "An administrator turned this sign-in method off",
        &["Signing in using %{label} has been disabled"],
    )
    .why("The provider is listed in the instance's disabled OAuth sign-in sources.")
    .fix(
        "An administrator enables it again under Admin > Settings > General > Sign-in \
         restrictions.",
    )
    .capture("Nothing in the SAML messages explains this; it is an instance setting."),
    // app/controllers/omniauth_callbacks_controller.rb#handle_identity_with_untrusted_extern_uid.
    entry(
        "GL014",
        CALLBACKS,
        "GitLab no longer trusts this identity's extern_uid",
        &[
            "Signing in using your %{label} account has been disabled for security reasons. \
             Please sign in to your GitLab account using another authentication method and \
             reconnect to your %{label} account.",
        ],
    )
    .why(
        "GitLab found the identity linked to the NameID, but it is marked untrusted \
         (trusted_extern_uid is false: GitLab no longer vouches for how its extern_uid was \
         set), so GitLab will not sign in with it \
         (Gitlab::Auth::OAuth::User.find_by_uid_and_provider).",
    )
    .fix(
        "Sign in another way (password or another provider) and reconnect the SAML account \
         under Profile > Account.",
    )
    .capture("Nothing in the SAML messages explains this; the identity's state is in GitLab."),
];

/// The frames that carry a reason. Matched before entries, so that the reason inside is
/// explained and the frame says where the sign-in stopped.
pub(super) const FRAMES: &[Frame] = &[
    // config/locales/devise.en.yml: devise.omniauth_callbacks.failure, for instance SAML; the
    // reason is the exception's message `.humanize`d by OmniauthCallbacksController#failure_message.
    Frame {
        message: "Could not authorize you from %{kind} because \"%{reason}\".",
        seen: "GitLab's sign-in page, after the identity provider's response was refused",
        meaning: "omniauth-saml or ruby-saml refused the response before GitLab looked for a \
                  user; GitLab shows the reason humanized (words in lower case, underscores as \
                  spaces)",
        file: "config/locales/devise.en.yml",
    },
    // Devise's own default wording of the same message.
    Frame {
        message: "Could not authenticate you from %{kind} because \"%{reason}\".",
        seen: "the sign-in page, after the identity provider's response was refused",
        meaning: "omniauth-saml or ruby-saml refused the response before GitLab looked for a \
                  user",
        file: "devise config/locales/en.yml",
    },
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb#find_message.
    Frame {
        message: "Unable to sign in to group with SAML: \"%{reason}\"",
        seen: "the group's SSO page, after the identity provider's response was refused",
        meaning: "omniauth-saml or ruby-saml refused the response for group SAML before GitLab \
                  looked for a user; the reason is humanized (words in lower case)",
        file: "ee/app/controllers/groups/omniauth_callbacks_controller.rb",
    },
    // ee/app/controllers/groups/omniauth_callbacks_controller.rb#redirect_identity_link_failed:
    // "%{group_name} SAML authentication failed: %{message}".
    Frame {
        message: "SAML authentication failed: %{reason}",
        seen: "a banner after signing in with group SAML",
        meaning: "the identity provider's response was valid, but GitLab refused to link the \
                  SAML identity to an account (the reason is GitLab's validation message)",
        file: "ee/app/controllers/groups/omniauth_callbacks_controller.rb",
    },
    // app/controllers/omniauth_callbacks_controller.rb#redirect_identity_link_failed.
    Frame {
        message: "Authentication failed: %{reason}",
        seen: "the Account page, after connecting a SAML identity",
        meaning: "the response was valid, but GitLab could not link the identity to the \
                  signed-in account",
        file: "app/controllers/omniauth_callbacks_controller.rb",
    },
    // app/views/errors/omniauth_error.html.haml: "Sign-in failed because #{@error}.", with
    // @error = user.errors.full_messages.to_sentence (OmniauthCallbacksController#fail_login).
    Frame {
        message: "Sign-in failed because %{reason}.",
        seen: "GitLab's 422 page \"Sign-in using SAML auth failed\"",
        meaning: "the response was valid, but GitLab could not create or update the user \
                  account it names",
        file: "app/views/errors/omniauth_error.html.haml",
    },
];

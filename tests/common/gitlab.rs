//! A stand-in GitLab on 127.0.0.1 for the client and binary tests: a real HTTP server on a
//! real socket (tiny_http), started by each test, serving the routes of gitlab-api.md §8 and
//! `GET /groups/:id/saml_users` with GitLab's paging, filters, error formats and quirks, plus
//! switches for 429s, 5xx, slow answers and a GitLab older than 18.1. Every request is logged
//! so tests can see what the client asked for.
//!
//! GitLab's code these semantics come from (gitlab-org/gitlab):
//! - SCIM routes, check order and errors: `ee/lib/api/scim/group_scim.rb`,
//!   `ee/lib/api/helpers/scim_helpers.rb`; paging `ScimPaginatable` (20 by default, 100 at most).
//! - SCIM filters: `ee/lib/gitlab/scim/filter_parser.rb` (three tokens, `eq` only, quotes
//!   dropped); `id`/`externalId` match `extern_uid` case-insensitively through
//!   `with_extern_uid` = `iwhere` (`ee/app/models/group_scim_identity.rb`,
//!   `ee/app/models/scim_identity.rb`); `userName` through `Authn::GroupScimFinder`.
//! - REST identities: `ee/lib/api/provider_identity.rb` (Owner, `scim/:uid` case-insensitive,
//!   `saml/:uid` exact).
//! - `saml_users`: `ee/lib/ee/api/groups.rb` (`bad_request!('Must be a top-level group')`,
//!   `paginate`), `ee/app/finders/authn/group_saml_users_finder.rb` (`read_saml_user`, i.e.
//!   Owner; users of the group's SAML provider, `order_id_desc`; none without a provider), the
//!   request spec `ee/spec/requests/api/groups_spec.rb` (messages `400 Bad request - Must be a
//!   top-level group`, `403 Forbidden`, `404 Group Not Found`), and the entity
//!   `lib/api/entities/user_public.rb` + `ee/lib/ee/api/entities/user_public.rb` (every
//!   identity of the user with `saml_provider_id`, every SCIM identity with `group_id`).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

pub const SCIM_TOKEN: &str = "glsoat-standinscimtoken0001";
pub const OWNER_TOKEN: &str = "glpat-standinownertoken0001";
pub const MAINTAINER_TOKEN: &str = "glpat-standinmaintainer0001";
pub const ADMIN_TOKEN: &str = "glpat-standinadmintoken0001";

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub state: String,
    /// Identities of other providers or groups (`provider`, `extern_uid`, `saml_provider_id`),
    /// which `saml_users` shows too.
    pub other_identities: Vec<(String, String, Option<u64>)>,
    /// SCIM identities in other groups (`extern_uid`, `group_id`).
    pub other_scim: Vec<(String, u64)>,
}

#[derive(Debug, Clone)]
pub struct Ident {
    pub extern_uid: String,
    pub user_id: u64,
    pub active: bool,
}

/// What the server holds: one SAML-enabled group `acme` (id 33) and one group `plain` (id 34)
/// without SAML.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    pub users: Vec<User>,
    pub scim: Vec<Ident>,
    pub saml: Vec<Ident>,
}

/// A 429 for one request.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub request: usize,
    pub headers: bool,
}

/// Behaviour switches (gitlab-api.md §8).
#[derive(Debug, Clone, Default)]
pub struct Switches {
    /// Emit `"name.formatted"` instead of the `name` object.
    pub legacy_name: bool,
    /// Page the REST identity lists (`X-Next-Page`, `Link`), 20 per page by default.
    pub paginate_rest: bool,
    pub throttle: Vec<Throttle>,
    /// Answer these request numbers (1-based, all routes) with this status.
    pub fail: Vec<(usize, u16)>,
    /// Answer these request numbers only after this delay.
    pub slow: Vec<(usize, Duration)>,
    /// Answer every request with this status (a broken server).
    pub always: Option<u16>,
    /// A GitLab before 18.1: no `saml_users` route (Grape's 404 for an unknown route).
    pub no_saml_users: bool,
    /// Answer the n-th PATCH (1-based) with this status and GitLab's body for it, changing
    /// nothing (a 429 carries `Retry-After: 1`).
    pub fail_patch: Vec<(usize, u16)>,
    /// After this many PATCHes, every further request gets garbage instead of an HTTP answer
    /// and changes nothing: a server that went away midway.
    pub drop_after_patches: Option<usize>,
    /// Make the n-th PATCH (1-based) but answer it with garbage: a change whose answer was
    /// lost when the connection dropped.
    pub lose_patch_answers: Vec<usize>,
    /// SCIM identities (by extern_uid) that the list routes leave out: records made after the
    /// client read its list.
    pub unlisted: Vec<String>,
}

/// The groups the stand-in knows: `acme` (33, SAML provider 10), its subgroup `acme/platform`
/// (35) and `plain` (34, no SAML).
const GROUPS: [(&str, u64, Option<u64>); 3] = [
    ("acme", 33, None),
    ("plain", 34, None),
    ("acme/platform", 35, Some(33)),
];
/// The SAML provider of `acme`.
pub const ACME_SAML_PROVIDER: u64 = 10;

fn group_by(key: &str) -> Option<(&'static str, u64, Option<u64>)> {
    GROUPS
        .iter()
        .copied()
        .find(|(path, id, _)| *path == key || id.to_string() == key)
}

/// One logged request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub url: String,
    pub auth: Option<String>,
}

struct State {
    seed: Seed,
    switches: Switches,
    log: Vec<Logged>,
    patches: usize,
}

pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, v: Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: v.to_string(),
        }
    }

    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.into(),
        }
    }

    fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// An identity as `(extern_uid, user_id, active)`.
pub type Row = (String, u64, bool);

/// A running stand-in; stops when dropped.
pub struct FakeGitLab {
    pub base: String,
    server: Arc<tiny_http::Server>,
    state: Arc<Mutex<State>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for FakeGitLab {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl FakeGitLab {
    pub fn start(seed: Seed, switches: Switches) -> FakeGitLab {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let state = Arc::new(Mutex::new(State {
            seed,
            switches,
            log: Vec::new(),
            patches: 0,
        }));
        let (srv, st) = (server.clone(), state.clone());
        let thread = std::thread::spawn(move || {
            let mut workers = Vec::new();
            for request in srv.incoming_requests() {
                let st = st.clone();
                workers.push(std::thread::spawn(move || serve(&st, request)));
            }
            for w in workers {
                let _ = w.join();
            }
        });
        FakeGitLab {
            base: format!("http://127.0.0.1:{port}"),
            server,
            state,
            thread: Some(thread),
        }
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    /// How many requests of this method the server answered or dropped.
    pub fn calls(&self, method: &str) -> usize {
        self.log().iter().filter(|l| l.method == method).count()
    }

    /// What the server holds now (to start another with the same state).
    pub fn seed(&self) -> Seed {
        self.state.lock().unwrap().seed.clone()
    }

    /// The SCIM and SAML identities as `(extern_uid, user_id, active)`, in order.
    pub fn identities(&self) -> (Vec<Row>, Vec<Row>) {
        let st = self.state.lock().unwrap();
        let rows = |l: &[Ident]| {
            l.iter()
                .map(|i| (i.extern_uid.clone(), i.user_id, i.active))
                .collect()
        };
        (rows(&st.seed.scim), rows(&st.seed.saml))
    }

    pub fn scim_identity(&self, uid: &str) -> Option<Ident> {
        let st = self.state.lock().unwrap();
        st.seed.scim.iter().find(|i| i.extern_uid == uid).cloned()
    }
}

fn serve(state: &Mutex<State>, mut request: tiny_http::Request) {
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_owned())
    };
    let auth = header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer ").map(str::to_owned))
        .or_else(|| header("PRIVATE-TOKEN"));
    let method = request.method().as_str().to_owned();
    let url = request.url().to_owned();
    let (reply, delay) = {
        let mut st = state.lock().unwrap();
        st.log.push(Logged {
            method: method.clone(),
            url: url.clone(),
            auth: auth.clone(),
        });
        let gone = st
            .switches
            .drop_after_patches
            .is_some_and(|n| st.patches >= n);
        if method == "PATCH" {
            st.patches += 1;
        }
        if gone {
            drop(st);
            let mut w = request.into_writer();
            let _ = w.write_all(b"garbage\r\n\r\n");
            let _ = w.flush();
            return;
        }
        if method == "PATCH" && st.switches.lose_patch_answers.contains(&st.patches) {
            let _ = route(&mut st, &method, &url, auth.as_deref(), &body);
            drop(st);
            let mut w = request.into_writer();
            let _ = w.write_all(b"garbage\r\n\r\n");
            let _ = w.flush();
            return;
        }
        let failed = (method == "PATCH")
            .then(|| {
                st.switches
                    .fail_patch
                    .iter()
                    .find(|(k, _)| *k == st.patches)
            })
            .flatten()
            .map(|(_, status)| gitlab_failure(*status));
        if let Some(reply) = failed {
            (reply, None)
        } else {
            let n = st.log.len();
            let delay = st
                .switches
                .slow
                .iter()
                .find(|(r, _)| *r == n)
                .map(|(_, d)| *d);
            (
                switched(&st.switches, n)
                    .unwrap_or_else(|| route(&mut st, &method, &url, auth.as_deref(), &body)),
                delay,
            )
        }
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let mut response = tiny_http::Response::from_string(reply.body).with_status_code(reply.status);
    for (k, v) in reply.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// GitLab's answer to a PATCH it refuses with `status` (gitlab-api.md §2.9, §3.6, §5).
fn gitlab_failure(status: u16) -> Reply {
    match status {
        400 => Reply::json(400, json!({"message": "Extern uid has already been taken"})),
        403 => Reply::json(403, json!({"message": "403 Forbidden"})),
        404 => Reply::json(404, json!({"message": "404 Identity Not Found"})),
        409 => scim_error(
            409,
            "Error saving user with {}: User has already been taken",
        ),
        412 => scim_error(412, "Error updating Dave Diver with {}"),
        429 => Reply::text(429, "Retry later").header("Retry-After", "1"),
        s => Reply::json(s, json!({"message": format!("{s} Internal Server Error")})),
    }
}

/// The answer forced by a switch for request `n`, if any.
fn switched(sw: &Switches, n: usize) -> Option<Reply> {
    if let Some(status) = sw.always {
        return Some(Reply::json(
            status,
            json!({"message": format!("{status} Internal Server Error")}),
        ));
    }
    if let Some(t) = sw.throttle.iter().find(|t| t.request == n) {
        let reply = Reply::text(429, "Retry later");
        return Some(if t.headers {
            let reset = jiff::Timestamp::now().as_second() + 1;
            reply
                .header("RateLimit-Name", "throttle_authenticated_api")
                .header("RateLimit-Limit", "2000")
                .header("RateLimit-Observed", "2001")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", &reset.to_string())
                .header("Retry-After", "1")
        } else {
            reply
        });
    }
    let (_, status) = sw.fail.iter().find(|(r, _)| *r == n)?;
    Some(Reply::json(
        *status,
        json!({"message": format!("{status} Internal Server Error")}),
    ))
}

fn split_url(url: &str) -> (Vec<String>, HashMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let params = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (segments, params)
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn route(st: &mut State, method: &str, url: &str, auth: Option<&str>, body: &str) -> Reply {
    let (seg, q) = split_url(url);
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    match seg.as_slice() {
        ["api", "scim", "v2", "groups", group, "Users", rest @ ..] => {
            scim_group(st, method, group, rest, &q, auth, body)
        }
        ["api", "scim", "v2", "application", "Users", ..] => {
            Reply::json(404, json!({"message": "404 Not Found"}))
        }
        ["api", "v4", "groups", group, rest @ ..] => {
            rest_group(st, method, group, rest, &q, auth, body)
        }
        ["api", "v4", "users"] => users(st, &q, auth),
        ["api", "v4", "user"] => match auth {
            Some(OWNER_TOKEN) | Some(MAINTAINER_TOKEN) | Some(ADMIN_TOKEN) => {
                Reply::json(200, json!({"id": 1, "username": "root", "identities": []}))
            }
            _ => unauthorized(),
        },
        _ => Reply::json(404, json!({"message": "404 Not Found"})),
    }
}

fn unauthorized() -> Reply {
    Reply::json(401, json!({"message": "401 Unauthorized"}))
}

fn scim_error(status: u16, detail: &str) -> Reply {
    Reply::json(
        status,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": detail, "status": status}),
    )
}

// ---- internal SCIM ------------------------------------------------------------------------

fn scim_group(
    st: &mut State,
    method: &str,
    group: &str,
    rest: &[&str],
    q: &HashMap<String, String>,
    auth: Option<&str>,
    body: &str,
) -> Reply {
    // GitLab's order: group, then SAML configured, then the token.
    match group {
        "acme" => {}
        "plain" => return scim_error(404, "Group plain does not have SAML SSO configured"),
        other => return scim_error(404, &format!("Group {other} not found")),
    }
    if auth != Some(SCIM_TOKEN) {
        return unauthorized();
    }
    match (method, rest) {
        ("GET", []) => scim_list(st, q),
        ("GET", [id]) => match find_ci(&st.seed.scim, id) {
            Some(i) => Reply::json(
                200,
                user_resource(&st.seed, &st.seed.scim[i], st.switches.legacy_name),
            ),
            None => scim_error(404, &format!("Resource {id} not found")),
        },
        ("PATCH", [id]) => scim_patch(st, id, body),
        ("DELETE", [id]) => match find_ci(&st.seed.scim, id) {
            Some(i) => {
                st.seed.scim[i].active = false;
                Reply::text(204, "")
            }
            None => scim_error(404, &format!("Resource {id} not found")),
        },
        _ => Reply::json(405, json!({"message": "405 Method Not Allowed"})),
    }
}

fn find_ci(list: &[Ident], uid: &str) -> Option<usize> {
    list.iter()
        .position(|i| i.extern_uid.to_lowercase() == uid.to_lowercase())
}

fn scim_list(st: &State, q: &HashMap<String, String>) -> Reply {
    let matching: Vec<&Ident> = match q.get("filter").map(|f| f.trim()).filter(|f| !f.is_empty()) {
        None => st.seed.scim.iter().collect(),
        Some(f) => match filter(&st.seed, f) {
            Ok(found) => found,
            Err(()) => return scim_error(412, "Unsupported Filter"),
        },
    };
    let matching: Vec<&Ident> = matching
        .into_iter()
        .filter(|i| !st.switches.unlisted.contains(&i.extern_uid))
        .collect();
    let count = match q.get("count").and_then(|c| c.parse::<i64>().ok()) {
        Some(c) if c > 0 => c.min(100) as usize,
        _ => 20,
    };
    let start = q
        .get("startIndex")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1) as usize;
    let page: Vec<Value> = matching
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|i| user_resource(&st.seed, i, st.switches.legacy_name))
        .collect();
    let start_echo = match q.get("startIndex") {
        Some(s) => Value::from(s.clone()),
        None => Value::from(1),
    };
    Reply::json(
        200,
        json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": matching.len(),
            "itemsPerPage": count,
            "startIndex": start_echo,
            "Resources": page,
        }),
    )
}

/// GitLab's FilterParser: exactly three space-separated tokens, `eq` only, quotes deleted.
fn filter<'a>(seed: &'a Seed, f: &str) -> Result<Vec<&'a Ident>, ()> {
    let parts: Vec<&str> = f.split(' ').collect();
    let [attribute, "eq", value] = parts.as_slice() else {
        return Err(());
    };
    let value = value.replace('"', "");
    let by_uid = |v: &str| {
        seed.scim
            .iter()
            .filter(|i| i.extern_uid.to_lowercase() == v.to_lowercase())
            .collect::<Vec<_>>()
    };
    match *attribute {
        "id" | "externalId" => Ok(by_uid(&value)),
        "userName" => {
            let direct = by_uid(&value);
            if !direct.is_empty() {
                return Ok(direct);
            }
            let local = value.split('@').next().unwrap_or(&value).to_owned();
            let user = seed
                .users
                .iter()
                .find(|u| u.username == value)
                .or_else(|| {
                    seed.users
                        .iter()
                        .find(|u| value.contains('@') && u.email.eq_ignore_ascii_case(&value))
                })
                .or_else(|| {
                    seed.users
                        .iter()
                        .find(|u| value.contains('@') && u.username == local)
                });
            Ok(user
                .map(|u| seed.scim.iter().filter(|i| i.user_id == u.id).collect())
                .unwrap_or_default())
        }
        _ => Err(()),
    }
}

fn user_resource(seed: &Seed, i: &Ident, legacy: bool) -> Value {
    let user = seed.users.iter().find(|u| u.id == i.user_id);
    let name = user.map(|u| u.name.clone()).unwrap_or_default();
    let (given, family) = name.split_once(' ').unwrap_or((&name, ""));
    let mut v = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": i.extern_uid,
        "active": i.active,
        "emails": [{"type": "work", "value": user.map(|u| u.email.clone()).unwrap_or_default(), "primary": true}],
        "meta": {"resourceType": "User"},
        "userName": user.map(|u| u.username.clone()).unwrap_or_default(),
    });
    if legacy {
        v["name.formatted"] = json!(name);
    } else {
        v["name"] = json!({"formatted": name, "givenName": given, "familyName": family});
    }
    v
}

fn user_name_of(seed: &Seed, user_id: u64) -> String {
    seed.users
        .iter()
        .find(|u| u.id == user_id)
        .map_or_else(String::new, |u| u.name.clone())
}

fn scim_patch(st: &mut State, id: &str, body: &str) -> Reply {
    let Some(i) = find_ci(&st.seed.scim, id) else {
        return scim_error(404, &format!("Resource {id} not found"));
    };
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return scim_error(412, "Error updating with {}");
    };
    for op in v["Operations"].as_array().cloned().unwrap_or_default() {
        match op["path"].as_str() {
            Some("externalId") | Some("id") => {
                if let Some(new) = op["value"].as_str() {
                    // `uniqueness: { case_sensitive: false }` within the group; GitLab's
                    // `update_scim_user` answers a failed save with scim_error! (412).
                    let taken =
                        st.seed.scim.iter().enumerate().any(|(j, o)| {
                            j != i && o.extern_uid.to_lowercase() == new.to_lowercase()
                        });
                    if taken {
                        let name = user_name_of(&st.seed, st.seed.scim[i].user_id);
                        return scim_error(
                            412,
                            &format!("Error updating {name} with {{\"extern_uid\"=>\"{new}\"}}"),
                        );
                    }
                    st.seed.scim[i].extern_uid = new.to_owned();
                }
            }
            Some("active") => {
                st.seed.scim[i].active =
                    op["value"] != json!(false) && op["value"] != json!("False")
            }
            _ => {}
        }
    }
    Reply::text(204, "")
}

// ---- REST ----------------------------------------------------------------------------------

fn rest_group(
    st: &mut State,
    method: &str,
    group: &str,
    rest: &[&str],
    q: &HashMap<String, String>,
    auth: Option<&str>,
    body: &str,
) -> Reply {
    match auth {
        Some(OWNER_TOKEN) | Some(MAINTAINER_TOKEN) | Some(ADMIN_TOKEN) => {}
        _ => return unauthorized(),
    }
    let Some((path, group_id, parent)) = group_by(group) else {
        return Reply::json(404, json!({"message": "404 Group Not Found"}));
    };
    let owner = auth == Some(OWNER_TOKEN) || auth == Some(ADMIN_TOKEN);
    if method == "GET" && rest.is_empty() {
        return Reply::json(
            200,
            json!({"id": group_id, "path": path.rsplit('/').next(), "full_path": path, "parent_id": parent}),
        );
    }
    if method == "GET" && rest == ["saml_users"] {
        return saml_users(st, path, parent, owner, q);
    }
    if rest != ["members"] && !owner {
        return Reply::json(403, json!({"message": "403 Forbidden"}));
    }
    let saml_configured = path == "acme";
    match (method, rest) {
        ("GET", ["scim", "identities"]) => {
            identity_list(&st.seed.scim, true, st.switches.paginate_rest, q)
        }
        ("GET", ["saml", "identities"]) if !saml_configured => {
            Reply::json(400, json!({"message": "400 Bad request"}))
        }
        ("GET", ["saml", "identities"]) => {
            identity_list(&st.seed.saml, false, st.switches.paginate_rest, q)
        }
        ("GET", ["scim", uid]) => match find_ci(&st.seed.scim, uid) {
            Some(i) => Reply::json(200, identity_json(&st.seed.scim[i], true)),
            None => Reply::json(404, json!({"message": "404 Identity Not Found"})),
        },
        ("GET", ["saml", uid]) => match st.seed.saml.iter().find(|i| i.extern_uid == *uid) {
            Some(i) => Reply::json(200, identity_json(i, false)),
            None => Reply::json(404, json!({"message": "404 Identity Not Found"})),
        },
        ("PATCH", [kind @ ("scim" | "saml"), uid]) => rest_patch(st, kind, uid, body),
        ("DELETE", [kind @ ("scim" | "saml"), uid]) => {
            let list = if *kind == "scim" {
                &mut st.seed.scim
            } else {
                &mut st.seed.saml
            };
            match list.iter().position(|i| i.extern_uid == *uid) {
                Some(p) => {
                    list.remove(p);
                    Reply::text(204, "")
                }
                None => Reply::json(404, json!({"message": "404 Identity Not Found"})),
            }
        }
        ("GET", ["members"]) => members(st, q, owner),
        _ => Reply::json(404, json!({"message": "404 Not Found"})),
    }
}

/// `GET /groups/:id/saml_users` (GitLab 18.1): see the module doc for the code it follows.
fn saml_users(
    st: &State,
    path: &str,
    parent: Option<u64>,
    owner: bool,
    q: &HashMap<String, String>,
) -> Reply {
    if st.switches.no_saml_users {
        return Reply::json(404, json!({"error": "404 Not Found"}));
    }
    if parent.is_some() {
        return Reply::json(
            400,
            json!({"message": "400 Bad request - Must be a top-level group"}),
        );
    }
    if !owner {
        return Reply::json(403, json!({"message": "403 Forbidden"}));
    }
    if path != "acme" {
        // No SAML provider: `User.none`.
        return paged(Vec::new(), q, "/api/v4/groups/34/saml_users");
    }
    let mut users: Vec<&User> = st
        .seed
        .users
        .iter()
        .filter(|u| st.seed.saml.iter().any(|i| i.user_id == u.id))
        .collect();
    users.sort_by_key(|u| std::cmp::Reverse(u.id));
    let items = users
        .into_iter()
        .map(|u| user_public(&st.seed, u))
        .collect();
    paged(items, q, "/api/v4/groups/33/saml_users")
}

/// A user as `API::Entities::UserPublic` shows them (the fields samltrace reads, and a few
/// others GitLab sends).
fn user_public(seed: &Seed, u: &User) -> Value {
    let mut identities: Vec<Value> = seed
        .saml
        .iter()
        .filter(|i| i.user_id == u.id)
        .map(|i| json!({"provider": "group_saml", "extern_uid": i.extern_uid, "saml_provider_id": ACME_SAML_PROVIDER}))
        .collect();
    identities.extend(u.other_identities.iter().map(|(provider, uid, spid)| {
        json!({"provider": provider, "extern_uid": uid, "saml_provider_id": spid})
    }));
    let mut scim: Vec<Value> = seed
        .scim
        .iter()
        .filter(|i| i.user_id == u.id)
        .map(|i| json!({"extern_uid": i.extern_uid, "group_id": 33, "active": i.active}))
        .collect();
    scim.extend(
        u.other_scim
            .iter()
            .map(|(uid, g)| json!({"extern_uid": uid, "group_id": g, "active": true})),
    );
    json!({
        "id": u.id, "username": u.username, "name": u.name, "state": u.state, "locked": false,
        "avatar_url": null, "web_url": format!("http://gitlab.test/{}", u.username),
        "public_email": "", "bot": false, "email": u.email, "commit_email": u.email,
        "identities": identities, "can_create_group": true, "two_factor_enabled": false,
        "external": false, "private_profile": false,
        "shared_runners_minutes_limit": null, "extra_shared_runners_minutes_limit": null,
        "scim_identities": scim,
    })
}

fn identity_json(i: &Ident, scim: bool) -> Value {
    if scim {
        json!({"extern_uid": i.extern_uid, "user_id": i.user_id, "active": i.active})
    } else {
        json!({"extern_uid": i.extern_uid, "user_id": i.user_id})
    }
}

fn identity_list(list: &[Ident], scim: bool, paginate: bool, q: &HashMap<String, String>) -> Reply {
    let items: Vec<Value> = list.iter().map(|i| identity_json(i, scim)).collect();
    if paginate {
        return paged(items, q, "/api/v4/groups/acme/identities");
    }
    Reply::json(200, Value::Array(items))
}

/// GitLab's offset pagination: `page`, `per_page` (20 by default, at most 100), with
/// `X-Next-Page` and `Link` headers.
fn paged(items: Vec<Value>, q: &HashMap<String, String>, path: &str) -> Reply {
    let per_page = q
        .get("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p > 0)
        .unwrap_or(20)
        .min(100);
    let page = q
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p > 0)
        .unwrap_or(1);
    let total = items.len();
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let has_next = page * per_page < total;
    let next = if has_next {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let mut reply = Reply::json(200, Value::Array(slice))
        .header("X-Page", &page.to_string())
        .header(
            "X-Total-Pages",
            &total.div_ceil(per_page).max(1).to_string(),
        )
        .header("X-Per-Page", &per_page.to_string())
        .header("X-Next-Page", &next)
        .header("X-Total", &total.to_string());
    if has_next {
        reply = reply.header(
            "Link",
            &format!(
                "<{path}?page={}&per_page={per_page}>; rel=\"next\"",
                page + 1
            ),
        );
    }
    reply
}

fn rest_patch(st: &mut State, kind: &str, uid: &str, body: &str) -> Reply {
    let new = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "extern_uid")
        .map(|(_, v)| v.into_owned())
        .or_else(|| {
            serde_json::from_str::<Value>(body).ok()?["extern_uid"]
                .as_str()
                .map(str::to_owned)
        });
    let Some(new) = new else {
        return Reply::json(400, json!({"error": "extern_uid is missing"}));
    };
    let scim = kind == "scim";
    let list = if scim {
        &mut st.seed.scim
    } else {
        &mut st.seed.saml
    };
    let pos = if scim {
        find_ci(list, uid)
    } else {
        list.iter().position(|i| i.extern_uid == uid)
    };
    let Some(p) = pos else {
        return Reply::json(404, json!({"message": "404 Identity Not Found"}));
    };
    if list
        .iter()
        .enumerate()
        .any(|(j, i)| j != p && i.extern_uid.to_lowercase() == new.to_lowercase())
    {
        return Reply::json(400, json!({"message": "Extern uid has already been taken"}));
    }
    list[p].extern_uid = new;
    Reply::json(200, identity_json(&list[p], scim))
}

fn members(st: &State, q: &HashMap<String, String>, owner: bool) -> Reply {
    let items: Vec<Value> = st
        .seed
        .users
        .iter()
        .map(|u| {
            let mut m = json!({"id": u.id, "username": u.username, "name": u.name, "state": u.state, "access_level": 30, "email": u.email});
            if owner {
                m["group_saml_identity"] = st
                    .seed
                    .saml
                    .iter()
                    .find(|i| i.user_id == u.id)
                    .map_or(Value::Null, |i| json!({"extern_uid": i.extern_uid, "provider": "group_saml", "saml_provider_id": 10}));
            }
            m
        })
        .collect();
    paged(items, q, "/api/v4/groups/acme/members")
}

fn users(st: &State, q: &HashMap<String, String>, auth: Option<&str>) -> Reply {
    let (uid, provider) = (q.get("extern_uid"), q.get("provider"));
    if uid.is_some() != provider.is_some() {
        return Reply::json(
            400,
            json!({"error": "extern_uid, provider provide all or none of parameters"}),
        );
    }
    match auth {
        Some(ADMIN_TOKEN) => {}
        Some(OWNER_TOKEN) | Some(MAINTAINER_TOKEN) if uid.is_some() => {
            return Reply::json(403, json!({"message": "403 Forbidden"}));
        }
        Some(OWNER_TOKEN) | Some(MAINTAINER_TOKEN) => {}
        _ => return unauthorized(),
    }
    let found: Vec<Value> = st
        .seed
        .users
        .iter()
        .filter(|u| match (uid, provider.map(String::as_str)) {
            (Some(x), Some("scim")) => st.seed.scim.iter().any(|i| i.user_id == u.id && i.extern_uid.eq_ignore_ascii_case(x)),
            (Some(x), Some(_)) => st.seed.saml.iter().any(|i| i.user_id == u.id && i.extern_uid.eq_ignore_ascii_case(x)),
            _ => true,
        })
        .map(|u| json!({"id": u.id, "username": u.username, "email": u.email, "name": u.name, "state": u.state}))
        .collect();
    Reply::json(200, Value::Array(found))
}

// ---- seeds ----------------------------------------------------------------------------------

fn user(id: u64, username: &str, name: &str, email: &str) -> User {
    User {
        id,
        username: username.into(),
        name: name.into(),
        email: email.into(),
        state: "active".into(),
        other_identities: Vec::new(),
        other_scim: Vec::new(),
    }
}

fn ident(uid: &str, user_id: u64, active: bool) -> Ident {
    Ident {
        extern_uid: uid.into(),
        user_id,
        active,
    }
}

pub const ALICE_GUID: &str = "0b1d561c-21ff-4092-beab-8154b17f82f2";
pub const DAVE_GUID: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

/// The seed dataset of gitlab-api.md §8 (users 48–53), plus a member who never linked.
pub fn seed_people() -> Seed {
    Seed {
        users: vec![
            user(48, "alice", "Alice Example", "alice@example.com"),
            user(49, "bob", "Bob Builder", "bob@example.com"),
            user(50, "carol", "Carol Singer", "carol@example.com"),
            user(51, "dave", "Dave Diver", "dave@example.com"),
            user(52, "erin", "Erin Archer", "erin@example.com"),
            user(53, "frank", "Frank Fixer", "frank@example.com"),
            user(54, "gina", "Gina Unlinked", "gina@example.com"),
        ],
        scim: vec![
            ident(ALICE_GUID, 48, true),
            ident("bob@example.com", 49, true),
            ident("carol", 50, true),
            ident(DAVE_GUID, 51, true),
            ident("erin-4711", 52, false),
            ident("frank-1", 53, true),
        ],
        saml: vec![
            ident(ALICE_GUID, 48, true),
            ident("Bob@Example.com", 49, true),
            ident("dave@example.com", 51, true),
            ident("erin-4711", 52, true),
        ],
    }
}

/// `n` users, each with an active SCIM identity `uid-<i>` and a SAML identity of the same
/// value (as SCIM provisioning creates them), plus two more whose ids differ only in case
/// (`Case-Pair` and `case-pair`): `n + 2` identities in all. GitLab's validation would refuse
/// the pair today (`uniqueness: { case_sensitive: false }`), but lists that predate it, and
/// lists combined from two sources, hold such pairs: the `ambiguous` verdict is for them.
pub fn seed_case_pair(n: u64) -> Seed {
    let mut seed = seed_many(n);
    for (id, uid) in [(2001, "Case-Pair"), (2002, "case-pair")] {
        seed.users.push(user(
            id,
            &format!("pair{id}"),
            &format!("Pair {id}"),
            &format!("pair{id}@example.com"),
        ));
        seed.scim.push(ident(uid, id, true));
    }
    seed.saml = seed.scim.clone();
    seed
}

/// `n` users, each with an active SCIM identity `uid-<i>`.
pub fn seed_many(n: u64) -> Seed {
    let users = (1..=n)
        .map(|i| {
            user(
                1000 + i,
                &format!("user{i}"),
                &format!("User {i}"),
                &format!("user{i}@example.com"),
            )
        })
        .collect();
    let scim = (1..=n)
        .map(|i| ident(&format!("uid-{i}"), 1000 + i, true))
        .collect();
    Seed {
        users,
        scim,
        saml: Vec::new(),
    }
}

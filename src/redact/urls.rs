//! Secrets taken out of URLs before a message shows them: the userinfo of any `scheme://`
//! URL (`https://user:glpat-…@host`), the values of credential-like query and fragment
//! parameters (`private_token=`, `access_token=`, …), and GitLab tokens by their prefixes.
//!
//! Pure, and applied to every URL and server text that goes into a `ScimError`, so no message
//! of the identity layer ever echoes a credential, whatever the user typed or the server said.
//! `har sanitize` uses the same rules ([`scrub_text`], [`userinfo`]) with its own marker.

use super::secrets::is_secret_name;

const REDACTED: &str = "[redacted]";

/// GitLab's token prefixes (personal, OAuth, SCIM, deploy, runner, feed, trigger, …).
const TOKEN_PREFIXES: &[&str] = &[
    "glpat-", "gloas-", "glsoat-", "gldt-", "glrt-", "glrtr-", "glcbt-", "glptt-", "glft-",
    "glimt-", "glagent-", "glwt-", "glffct-", "gltst-",
];

/// `text` with every credential in it replaced by `[redacted]`.
pub fn text(text: &str) -> String {
    scrub_text(text, REDACTED).0
}

/// `text` with every credential in it (userinfo, secret parameters, GitLab tokens) replaced by
/// `with`, and how many were replaced.
pub(crate) fn scrub_text(text: &str, with: &str) -> (String, usize) {
    let (without_userinfo, a) = userinfo(text, with);
    let (without_params, b) = params(&without_userinfo, with);
    let (clean, c) = tokens(&without_params, with);
    (clean, a + b + c)
}

/// Ends of a URL's authority or of a parameter value inside free text.
fn is_stop(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | ')' | ']')
}

/// Replaces `user:password@` after each `://` by `with@`; how many were replaced.
pub(crate) fn userinfo(text: &str, with: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let mut end = tail
            .find(|c: char| is_stop(c) || matches!(c, '/' | '?' | '#'))
            .unwrap_or(tail.len());
        // `…@hostother://u:p@…`: the `:` before `//` is the next URL's, so that one is read
        // in its turn instead of being swallowed here.
        if tail[..end].ends_with(':') && tail[end..].starts_with("//") {
            end -= 1;
        }
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(i) => {
                count += usize::from(&authority[..i] != with);
                out.push_str(with);
                out.push_str(&authority[i..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    (out, count)
}

/// Replaces the values of secret `name=value` pairs that follow `?`, `&`, `#` or `;`.
fn params(text: &str, with: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut chars = text.char_indices().peekable();
    let mut last = 0;
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '?' | '&' | '#' | ';') {
            continue;
        }
        let after = i + c.len_utf8();
        let rest = &text[after..];
        // The name ends at the first `=`; a stop or separator before it means there is no
        // pair here. Looking no further keeps long text without `=` linear.
        let Some(eq) = rest.find(|c: char| is_stop(c) || "?&#;=".contains(c)) else {
            continue;
        };
        let name = &rest[..eq];
        if name.is_empty() || !rest[eq..].starts_with('=') {
            continue;
        }
        if !is_secret_name(name) {
            continue;
        }
        let value_start = after + eq + 1;
        if text[value_start..].starts_with(with) {
            continue;
        }
        let value_len = text[value_start..]
            .find(|c: char| is_stop(c) || matches!(c, '&' | '#' | ';'))
            .unwrap_or(text.len() - value_start);
        if value_len == 0 {
            continue;
        }
        out.push_str(&text[last..value_start]);
        out.push_str(with);
        count += 1;
        last = value_start + value_len;
        while chars.peek().is_some_and(|(j, _)| *j < last) {
            chars.next();
        }
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// Replaces what follows a GitLab token prefix, up to the end of the token.
fn tokens(text: &str, with: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let prefix = TOKEN_PREFIXES.iter().find(|p| {
            rest.len() >= p.len() && rest.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        });
        let at_word_start = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if let (Some(p), true) = (prefix, at_word_start) {
            let body = &rest[p.len()..];
            let len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(body.len());
            if len > 0 && &body[..len] != with {
                out.push_str(&rest[..p.len()]);
                out.push_str(with);
                count += 1;
                i += p.len() + len;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_removed() {
        assert_eq!(
            text("https://user:glpat-abcDEF123_x@gitlab.com/api/scim/v2/groups/acme"),
            "https://[redacted]@gitlab.com/api/scim/v2/groups/acme"
        );
        assert_eq!(
            text("url https://oauth2:s3cr3t@gitlab.example.com: refused"),
            "url https://[redacted]@gitlab.example.com: refused"
        );
        assert_eq!(text("https://gitlab.com/a@b"), "https://gitlab.com/a@b");
        // Found by fuzzing (gitlab_headers): a URL whose authority runs into the next URL's
        // scheme left the second one's password in place.
        assert_eq!(
            text("https://a@bmsg://u:p@h/x"),
            "https://[redacted]@bmsg://[redacted]@h/x"
        );
        assert_eq!(
            text("https://u:\0e@k\0msg://u:p@h/"),
            "https://[redacted]@k\0msg://[redacted]@h/"
        );
    }

    #[test]
    fn secret_parameters_are_removed() {
        assert_eq!(
            text("https://gitlab.com/api/v4/groups/1?private_token=abc&per_page=100"),
            "https://gitlab.com/api/v4/groups/1?private_token=[redacted]&per_page=100"
        );
        assert_eq!(
            text("https://h/x#access_token=tok&state=1 and more"),
            "https://h/x#access_token=[redacted]&state=1 and more"
        );
        assert_eq!(text("?page=2&count=100"), "?page=2&count=100");
        let once = text("a https://u:p@h/x?token=t] b");
        assert_eq!(text(&once), once, "redacting twice changes nothing");
    }

    #[test]
    fn gitlab_tokens_are_removed_anywhere() {
        assert_eq!(
            text("token glsoat-0123456789abcdefghij was refused"),
            "token glsoat-[redacted] was refused"
        );
        assert_eq!(text("notglpat-x"), "notglpat-x", "only at a word start");
        assert_eq!(text("été glpat-é"), "été glpat-é");
    }

    #[test]
    fn counts_what_it_replaced_once() {
        let (clean, n) = scrub_text("https://u:p@h/x?token=t and glpat-abc", "REDACTED");
        assert_eq!(
            clean,
            "https://REDACTED@h/x?token=REDACTED and glpat-REDACTED"
        );
        assert_eq!(n, 3);
        assert_eq!(scrub_text(&clean, "REDACTED"), (clean.clone(), 0));
    }
}

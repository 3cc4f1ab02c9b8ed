//! Secrets and URLs as they may be shown: one place for what every networked plugin needs.
//!
//! A plugin that talks to a service holds a credential (an API key, a token, a password) and
//! a URL that may carry one (`https://user:password@host/`, `...?token=...`). Neither may
//! reach a log, an error, a `Debug` output or a file. [`Secret`] keeps a credential out of
//! `Debug`; [`redact_url`] turns a URL into something safe to print; what a server sends back
//! reaches a message only through [`Credentials::quote`](crate::Credentials::quote), which
//! hides every credential sent to it.
//!
//! ```
//! use codecarbon_core::{redact_url, Secret};
//!
//! let key = Secret::new("s3cr3t\n");
//! assert_eq!(format!("{key:?}"), "Secret(<hidden>)");
//! assert_eq!(key.expose(), "s3cr3t");
//! assert_eq!(
//!     redact_url("https://bob:hunter2@gw.example:9091/push?token=t0k3n#top"),
//!     "https://gw.example:9091/push"
//! );
//! ```

use std::fmt;

/// What is shown in place of a secret, in `Debug` output and quoted text.
pub const HIDDEN: &str = "<hidden>";

/// A credential (API key, token, password) that never shows itself.
///
/// It has no `Display`, and its `Debug` is `Secret(<hidden>)`, so a struct holding one can
/// derive `Debug` and be logged safely. The value comes out only through [`Secret::expose`],
/// at the one place that must send it.
///
/// ```compile_fail,E0277
/// // No `Display`: a secret cannot be formatted into a message by mistake.
/// let key = codecarbon_core::Secret::new("k");
/// let _ = format!("{key}");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret, without the whitespace around it (a pasted key often ends with a
    /// newline, which no server accepts).
    pub fn new(value: impl Into<String>) -> Secret {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed.len() == value.len() {
            Secret(value)
        } else {
            Secret(trimmed.to_string())
        }
    }

    /// Whether the secret is empty (a variable set to nothing): callers usually treat that as
    /// "not configured".
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The secret itself. Call it only where the value must go on the wire (the header or the
    /// body of the request that needs it), never to build a message.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({HIDDEN})")
    }
}

/// `url` as it may be shown in a message or `Debug`: without its `user:password@`, query
/// and fragment (tokens travel there too), and without the whitespace around it.
///
/// It works on the text, so a value that does not parse as a URL is redacted as well, and it
/// errs towards hiding too much:
/// - the scheme is optional (`bob:pw@gw:9091` gives `gw:9091`);
/// - the authority ends at the first `/`, `?` or `#`, so an `@` in the path or the query
///   is not taken for user information (`http://h/a@b` is shown as is);
/// - within the authority the last `@` ends the user information (a password may hold an
///   `@`), and an IPv6 host in brackets is kept (`http://[::1]:8080/`);
/// - when what precedes the first `/`, `?` or `#` cannot be a `host[:port]` (a password
///   holding one of those characters, `http://bob:p/ss@h/`), everything up to the last `@`
///   is removed.
///
/// The user information is removed, not masked: even its presence is left out, as most URL
/// libraries do when asked for a URL without credentials. A password holding a `/` after a
/// port-like run of digits (`http://bob:12/34@h`) cannot be told from a path and is not
/// detected: such a URL is malformed anyway.
///
/// ```
/// use codecarbon_core::redact_url;
///
/// assert_eq!(redact_url("http://u:p@[::1]:9091/m?k=v"), "http://[::1]:9091/m");
/// assert_eq!(redact_url("https://h.example/a@b?mail=x@y"), "https://h.example/a@b");
/// assert_eq!(redact_url("bob:pw@gw:9091"), "gw:9091");
/// ```
pub fn redact_url(url: &str) -> String {
    let parts = UrlParts::split(url);
    let kept = &parts.rest[..parts.rest.find(['?', '#']).unwrap_or(parts.rest.len())];
    format!("{}{kept}", parts.scheme)
}

/// A URL cut where [`redact_url`] cuts it: the one reading of where credentials are, shared
/// with [`Credentials::with_url`](crate::Credentials::with_url), which gathers them.
pub(crate) struct UrlParts<'a> {
    /// `http://`, or empty.
    pub scheme: &'a str,
    /// What precedes the `@` that ends the user information, if there is one.
    pub userinfo: Option<&'a str>,
    /// The host, port, path, query and fragment.
    pub rest: &'a str,
}

impl<'a> UrlParts<'a> {
    /// `url`, trimmed, in parts (see [`redact_url`] for the rules).
    pub fn split(url: &'a str) -> UrlParts<'a> {
        let url = url.trim();
        let (scheme, rest) = split_scheme(url);
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let userinfo_end = match authority.rfind('@') {
            Some(at) => Some(at),
            None if !is_host_port(authority) => rest.rfind('@'),
            None => None,
        };
        match userinfo_end {
            Some(at) => UrlParts {
                scheme,
                userinfo: Some(&rest[..at]),
                rest: &rest[at + 1..],
            },
            None => UrlParts {
                scheme,
                userinfo: None,
                rest,
            },
        }
    }

    /// The query, without `?` and fragment; empty when there is none.
    pub fn query(&self) -> &'a str {
        let Some(start) = self.rest.find(['?', '#']) else {
            return "";
        };
        let after = &self.rest[start..];
        match after.strip_prefix('?') {
            Some(query) => &query[..query.find('#').unwrap_or(query.len())],
            None => "",
        }
    }
}

/// `("http://", rest)` when `url` starts with a scheme, its colon and at least one slash
/// (`http:/h` and `http:\\h` too, which WHATWG parsers accept); `("", url)` otherwise, so
/// `host:9091` and `user:pw@host` are not taken for a scheme.
fn split_scheme(url: &str) -> (&str, &str) {
    let Some(colon) = url.find(':') else {
        return ("", url);
    };
    let name = &url[..colon];
    let mut chars = name.chars();
    let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let after = &url[colon + 1..];
    let slashes = after.len() - after.trim_start_matches(['/', '\\']).len();
    if is_scheme && slashes > 0 {
        url.split_at(colon + 1 + slashes)
    } else {
        ("", url)
    }
}

/// Whether `authority` (without `@`) can be a `host[:port]`: a registered name or IPv4
/// address, or an IPv6 address in brackets, then an optional all-digit port.
fn is_host_port(authority: &str) -> bool {
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((ip, port)) => (
                ip.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '%' | '-' | '_')),
                port,
            ),
            None => (false, ""),
        },
        None => match authority.find(':') {
            Some(colon) => (is_reg_name(&authority[..colon]), &authority[colon..]),
            None => (is_reg_name(authority), ""),
        },
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.chars().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
}

/// RFC 3986's `reg-name` characters (unreserved, sub-delims, percent escapes).
fn is_reg_name(host: &str) -> bool {
    host.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | '~'
                    | '%'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
            )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn debug_hides_the_value_and_new_trims_it() {
        let key = Secret::new(" s3cr3t-k3y\n");
        assert_eq!(format!("{key:?}"), "Secret(<hidden>)");
        assert_eq!(format!("{:?}", Some(key.clone())), "Some(Secret(<hidden>))");
        assert_eq!(key.expose(), "s3cr3t-k3y");
        assert!(!key.is_empty());
        assert!(Secret::new("  \t\n").is_empty());
        assert!(Secret::new("").is_empty());
        assert_eq!(Secret::new("inner space").expose(), "inner space");
    }

    #[test]
    fn equality_is_on_the_trimmed_value() {
        assert_eq!(Secret::new("abc\n"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
        let key = Secret::new("abc");
        assert_eq!(key.clone(), key);
    }

    #[test]
    fn userinfo_is_removed_and_the_host_kept() {
        let cases = [
            ("https://bob:pw@gw:9091/x", "https://gw:9091/x"),
            ("https://bob:pw@gw:9091/x@y", "https://gw:9091/x@y"),
            ("http://token@h.example/", "http://h.example/"),
            ("http://user:p@ss@h/m", "http://h/m"),
            ("http://u:p@h", "http://h"),
            ("HTTPS://U:P@H/", "HTTPS://H/"),
            ("http://@h/", "http://h/"),
            ("http://u:p%40x@h/", "http://h/"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn parts_are_where_redact_url_cuts() {
        let parts = UrlParts::split(" http://bob:p@ss@h:1/x?token=t&k=v#frag ");
        assert_eq!(
            (parts.scheme, parts.userinfo, parts.rest),
            ("http://", Some("bob:p@ss"), "h:1/x?token=t&k=v#frag")
        );
        assert_eq!(parts.query(), "token=t&k=v");
        let plain = UrlParts::split("gw:9091/p#a?b");
        assert_eq!((plain.scheme, plain.userinfo), ("", None));
        assert_eq!(plain.query(), "", "a `?` in the fragment is no query");
        assert_eq!(UrlParts::split("http://h/?").query(), "");
        assert_eq!(
            UrlParts::split("http://bob:p/ss@h/x").userinfo,
            Some("bob:p/ss")
        );
    }

    #[test]
    fn the_scheme_is_optional() {
        assert_eq!(redact_url("bob:pw@gw:9091"), "gw:9091");
        assert_eq!(redact_url("bob:pw@gw:9091/p?k=v"), "gw:9091/p");
        assert_eq!(redact_url("localhost:9091"), "localhost:9091");
        assert_eq!(redact_url("gw:9091/metrics"), "gw:9091/metrics");
        // A `://` in the query is no scheme.
        assert_eq!(redact_url("gw:9091/push?next=http://u:p@x"), "gw:9091/push");
        // Forms a WHATWG parser reads as `http://u:p@h/...`.
        assert_eq!(redact_url("http:/u:p@h/x"), "http:/h/x");
        assert_eq!(redact_url("http:\\\\u:p@h/x"), "http:\\\\h/x");
        assert_eq!(redact_url("http:u:p@h"), "h");
    }

    #[test]
    fn ipv6_hosts_are_kept() {
        assert_eq!(redact_url("http://u:p@[::1]:8080/m"), "http://[::1]:8080/m");
        assert_eq!(redact_url("http://[::1]:8080/a@b"), "http://[::1]:8080/a@b");
        assert_eq!(
            redact_url("http://[fe80::1%25eth0]/m"),
            "http://[fe80::1%25eth0]/m"
        );
        assert_eq!(redact_url("[2001:db8::1]:9091"), "[2001:db8::1]:9091");
    }

    #[test]
    fn an_at_sign_in_the_path_query_or_fragment_is_not_userinfo() {
        assert_eq!(redact_url("http://h/p@x"), "http://h/p@x");
        assert_eq!(redact_url("https://gw:9091/x@y/z"), "https://gw:9091/x@y/z");
        assert_eq!(redact_url("http://h/p?mail=a@b"), "http://h/p");
        assert_eq!(redact_url("http://h?mail=a@b"), "http://h");
        assert_eq!(redact_url("http://h#a@b"), "http://h");
        assert_eq!(redact_url("http://h:80/p?x=1#u:p@q"), "http://h:80/p");
    }

    #[test]
    fn query_and_fragment_are_removed() {
        assert_eq!(
            redact_url("https://ipinfo.io/json?token=t0k3n#frag"),
            "https://ipinfo.io/json"
        );
        assert_eq!(redact_url("http://h/?"), "http://h/");
        assert_eq!(redact_url("http://h/#"), "http://h/");
    }

    #[test]
    fn a_malformed_password_is_removed_whole() {
        for url in [
            "http://bob:p/ss@h/x",
            "http://bob:p?ss@h/x",
            "http://bob:p#ss@h/x",
            "http://bob:p ss@h/x",
        ] {
            assert_eq!(redact_url(url), "http://h/x", "{url}");
        }
        // When the last `@` is in the query, more is removed, never less.
        assert_eq!(redact_url("http://bob:p/ss@h/x?m=a@b"), "http://b");
    }

    #[test]
    fn plain_urls_are_unchanged_but_trimmed() {
        for url in [
            "http://localhost:9091",
            "https://api.electricitymaps.com/v3/carbon-intensity/latest",
            "http://127.0.0.1:8080/",
            "file:///etc/hosts",
            "",
        ] {
            assert_eq!(redact_url(url), url);
        }
        assert_eq!(redact_url("  http://u:p@h/ \n"), "http://h/");
    }

    #[test]
    fn no_secret_survives() {
        let urls = [
            "https://bob:hunter2@gw/p?token=t0k3n#hunter2",
            "bob:hunter2@gw",
            "http://bob:hunter2@[::1]/?t0k3n",
            "http://bob:hun/ter2@gw/",
            "http:/bob:hunter2@gw?token=t0k3n",
            " https://bob:hunter2@gw/#t0k3n",
        ];
        for url in urls {
            let shown = redact_url(url);
            for secret in ["bob", "hunter2", "hun", "ter2", "t0k3n"] {
                assert!(!shown.contains(secret), "{secret} in {shown} (from {url})");
            }
            assert!(shown.contains("gw") || shown.contains("[::1]"), "{shown}");
        }
    }
}

//! The API token, kept out of every `Debug`, error and log.

use std::fmt;

/// What is shown in place of the token.
pub(crate) const HIDDEN: &str = "<hidden>";

/// An Electricity Maps API token. It has no `Display`, and its `Debug` shows `<hidden>`, so a
/// logged provider or configuration never leaks it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token, without the spaces around it (a pasted token often has a newline).
    pub fn new(token: impl Into<String>) -> ApiToken {
        ApiToken(token.into().trim().to_string())
    }

    /// Whether the token is empty (a key set to nothing).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The token itself, for the `auth-token` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced by `<hidden>`: a last guard on
    /// messages built from what a server said.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, HIDDEN)
        }
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiToken({HIDDEN})")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let token = ApiToken::new(" s3cr3t-t0ken\n");
        assert_eq!(format!("{token:?}"), "ApiToken(<hidden>)");
        assert_eq!(token.expose(), "s3cr3t-t0ken");
    }

    #[test]
    fn scrub_removes_every_occurrence() {
        let token = ApiToken::new("abc123");
        assert_eq!(token.scrub("x abc123 y abc123"), "x <hidden> y <hidden>");
        assert_eq!(ApiToken::new("").scrub("abc"), "abc");
    }
}

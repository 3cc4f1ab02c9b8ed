//! The Comet API key, kept out of every `Debug`, error and log.

use std::fmt;

/// What is shown in place of the key.
pub(crate) const HIDDEN: &str = "<hidden>";

/// A Comet API key (`COMET_API_KEY`).
///
/// It has no `Display`, and its `Debug` shows `<hidden>`, so a logged sink or settings struct
/// never leaks it. The key travels only in the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, without the spaces around it (a pasted key often ends with a newline).
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into().trim().to_string())
    }

    /// Whether the key is empty (a variable set to nothing).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the key replaced by `<hidden>`: a last guard on
    /// messages built from what a server said.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, HIDDEN)
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({HIDDEN})")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn debug_hides_the_key_and_new_trims_it() {
        let key = ApiKey::new(" s3cr3t-k3y\n");
        assert_eq!(format!("{key:?}"), "ApiKey(<hidden>)");
        assert_eq!(key.expose(), "s3cr3t-k3y");
        assert!(!key.is_empty());
        assert!(ApiKey::new("  ").is_empty());
    }

    #[test]
    fn scrub_removes_every_occurrence() {
        let key = ApiKey::new("abc123");
        assert_eq!(
            key.scrub("bad key abc123 (abc123)"),
            "bad key <hidden> (<hidden>)"
        );
        assert_eq!(ApiKey::new("").scrub("text"), "text");
    }
}

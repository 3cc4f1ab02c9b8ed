//! [`Spec`]: everything known about one setting, declared once.

use super::value::Value;
use crate::config::Range;
use std::fmt;

/// What a setting's value is: decides how its text is read, what a message says it expects,
/// the shape of its command-line flag and the literal `#[track_emissions]` takes for it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ValueKind {
    /// `true`, `yes`, `1`, `on` or `false`, `no`, `0`, `off`, any case; a flag without a value.
    Bool,
    /// Any text; empty clears an optional setting.
    Text,
    /// Text that cannot be empty (a file name, an id).
    NonEmpty,
    /// A path, which cannot be empty.
    Path,
    /// A decimal number in a range; empty clears an optional setting.
    Number(Range),
    /// A whole number in a range, and what its special values mean.
    Count(Range, &'static str),
    /// One of these words, any case.
    OneOf(&'static [&'static str]),
    /// A comma-separated list of words, lower-cased.
    List,
}

impl ValueKind {
    /// What the kind accepts, in words, for error messages (`a number from 0 to 100`).
    pub fn expected(&self) -> String {
        match self {
            ValueKind::Bool => "true or false".into(),
            ValueKind::Text => "text".into(),
            ValueKind::NonEmpty => "text that is not empty".into(),
            ValueKind::Path => "a path, not empty".into(),
            ValueKind::Number(range) => format!("a number {range}"),
            ValueKind::Count(range, meaning) => format!("a whole number {range} ({meaning})"),
            ValueKind::OneOf(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                match quoted.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => "nothing".into(),
                }
            }
            ValueKind::List => "a comma-separated list".into(),
        }
    }

    /// Reads `text` (blanks around it ignored), or says what was expected.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let text = text.trim();
        let fail = || Err(self.expected());
        match self {
            // Empty unsets an optional switch; a switch that must have a value refuses it.
            ValueKind::Bool if text.is_empty() => Ok(Value::Unset),
            ValueKind::Bool => parse_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| self.expected()),
            ValueKind::Text => Ok(Value::Text(text.to_string())),
            ValueKind::NonEmpty | ValueKind::Path if text.is_empty() => fail(),
            ValueKind::NonEmpty | ValueKind::Path => Ok(Value::Text(text.to_string())),
            ValueKind::Number(_) if text.is_empty() => Ok(Value::Unset),
            ValueKind::Number(range) => range
                .parse(text)
                .map(Value::Number)
                .ok_or_else(|| self.expected()),
            ValueKind::Count(range, _) => match text.parse::<i64>() {
                Ok(n) if range.contains(n as f64) => Ok(Value::Count(n)),
                _ => fail(),
            },
            ValueKind::OneOf(words) => {
                let word = text.to_ascii_lowercase();
                if words.contains(&word.as_str()) {
                    Ok(Value::Text(word))
                } else {
                    fail()
                }
            }
            ValueKind::List => Ok(Value::List(
                text.split(',')
                    .map(|w| w.trim().to_ascii_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect(),
            )),
        }
    }
}

/// The one reader of a boolean setting: `true`, `yes`, `1`, `on` or `false`, `no`, `0`, `off`,
/// any case, blanks around ignored (Python's `configparser.getboolean`).
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// The first sentence of `text` (up to the first `. `), or all of it.
pub fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// One setting: its key, what its value is, its default, its documentation, whether it is a
/// secret, its deprecated names and who reads it. Built with `const` methods, so a table of
/// settings is a `const` and a new property never breaks a declaration.
///
/// ```
/// use codecarbon_core::settings::{Spec, ValueKind};
/// const URL: Spec = Spec::new("example_url", ValueKind::Text)
///     .doc("Where the example service listens.")
///     .value_name("URL")
///     .default("http://localhost:8080")
///     .owner("example");
/// assert_eq!(URL.env_var(), "CODECARBON_EXAMPLE_URL");
/// assert_eq!(URL.flag(), "--example-url");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    key: &'static str,
    kind: ValueKind,
    doc: &'static str,
    value_name: &'static str,
    default: Option<&'static str>,
    example: Option<&'static str>,
    secret: bool,
    aliases: &'static [&'static str],
    owner: &'static str,
    flag: bool,
    implies: Option<&'static str>,
}

impl Spec {
    /// A setting `key` of this kind, owned by the core, with a command-line flag.
    pub const fn new(key: &'static str, kind: ValueKind) -> Self {
        Spec {
            key,
            kind,
            doc: "",
            value_name: "VALUE",
            default: None,
            example: None,
            secret: false,
            aliases: &[],
            owner: "core",
            flag: true,
            implies: None,
        }
    }

    /// A setting of this kind whose key is given later by [`named`](Self::named): the form
    /// [`settings!`](crate::settings!) declarations take, where the key is the field's name.
    pub const fn of(kind: ValueKind) -> Self {
        Self::new("", kind)
    }

    /// The same setting under `key`.
    pub const fn named(mut self, key: &'static str) -> Self {
        self.key = key;
        self
    }

    /// Its documentation: the first sentence is the one-line help, the whole the reference.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The name of its value in `--help` (`SECONDS`).
    pub const fn value_name(mut self, name: &'static str) -> Self {
        self.value_name = name;
        self
    }

    /// Its default, as text (unset when not given).
    pub const fn default(mut self, text: &'static str) -> Self {
        self.default = Some(text);
        self
    }

    /// A value to show in messages, when the default is none or a poor example.
    pub const fn example(mut self, text: &'static str) -> Self {
        self.example = Some(text);
        self
    }

    /// Its value is a secret: never shown in a message, a log or an error.
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// Older names that still set it, each with a deprecation warning.
    pub const fn aliases(mut self, names: &'static [&'static str]) -> Self {
        self.aliases = names;
        self
    }

    /// The plugin that reads it (`core` for the tracker's own settings).
    pub const fn owner(mut self, plugin: &'static str) -> Self {
        self.owner = plugin;
        self
    }

    /// No command-line flag: a setting for files and the environment only (`proc_root`).
    pub const fn without_flag(mut self) -> Self {
        self.flag = false;
        self
    }

    /// Setting it (to anything but blank) turns the output `method` on, as CodeCarbon's
    /// `emissions_endpoint` turns its HTTP output on, unless `output_methods` is given in a
    /// later layer.
    pub const fn implies_output(mut self, method: &'static str) -> Self {
        self.implies = Some(method);
        self
    }

    /// The output that setting it turns on, if any.
    pub const fn implied_output(&self) -> Option<&'static str> {
        self.implies
    }

    /// The key (`measure_power_secs`).
    pub const fn key(&self) -> &'static str {
        self.key
    }

    /// What its value is.
    pub const fn kind(&self) -> ValueKind {
        self.kind
    }

    /// Its documentation, whole, as one line of Markdown (the reference's text).
    pub fn doc_text(&self) -> String {
        self.doc.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Its documentation as plain text, for `--help`: Markdown links give their text.
    pub fn help_text(&self) -> String {
        let mut plain = String::new();
        let mut rest = self.doc_text();
        while let Some(open) = rest.find('[') {
            let Some(link) = rest[open..].find("](").map(|i| open + i) else {
                break;
            };
            let Some(close) = rest[link..].find(')').map(|i| link + i) else {
                break;
            };
            plain.push_str(&rest[..open]);
            plain.push_str(&rest[open + 1..link]);
            rest = rest[close + 1..].to_string();
        }
        plain.push_str(&rest);
        plain
    }

    /// The first sentence of its documentation, as plain text, for the short `--help`.
    pub fn summary(&self) -> String {
        first_sentence(&self.help_text()).to_string()
    }

    /// The name of its value in `--help`.
    pub const fn value_name_text(&self) -> &'static str {
        self.value_name
    }

    /// Its default as text, if it has one.
    pub const fn default_text(&self) -> Option<&'static str> {
        self.default
    }

    /// A value for examples: the declared example, else the default, else one of its kind.
    pub fn example_text(&self) -> &'static str {
        self.example.or(self.default).unwrap_or(match self.kind {
            ValueKind::Bool => "true",
            ValueKind::Number(_) | ValueKind::Count(..) => "1",
            ValueKind::OneOf([first, ..]) => first,
            _ => "text",
        })
    }

    /// Whether its value is a secret.
    pub const fn is_secret(&self) -> bool {
        self.secret
    }

    /// Its deprecated names.
    pub const fn alias_names(&self) -> &'static [&'static str] {
        self.aliases
    }

    /// The plugin that reads it, `core` for the tracker's own.
    pub const fn owner_name(&self) -> &'static str {
        self.owner
    }

    /// Whether it has a command-line flag.
    pub const fn has_flag(&self) -> bool {
        self.flag
    }

    /// Its environment variable (`CODECARBON_MEASURE_POWER_SECS`).
    pub fn env_var(&self) -> String {
        format!("CODECARBON_{}", self.key.to_ascii_uppercase())
    }

    /// Its command-line flag (`--measure-power-secs`).
    pub fn flag(&self) -> String {
        format!("--{}", self.key.replace('_', "-"))
    }

    /// The numeric range of its values, for a number or a count.
    pub const fn range(&self) -> Option<Range> {
        match self.kind {
            ValueKind::Number(range) | ValueKind::Count(range, _) => Some(range),
            _ => None,
        }
    }

    /// `value` as messages may show it: quoted, its control characters escaped (Rust's `Debug`), a
    /// URL's credentials cut off, or `<hidden>` for a secret.
    pub fn shown(&self, value: &str) -> String {
        if self.secret {
            crate::secret::HIDDEN.into()
        } else if value.contains("://") {
            format!("{:?}", crate::secret::redact_url(value))
        } else {
            format!("{value:?}")
        }
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_value_hides_secrets_and_url_credentials_and_escapes_control_characters() {
        let url = Spec::new("example_url", ValueKind::Text);
        let shown = url.shown("https://me:pa55@host/x?token=t0k");
        assert!(!shown.contains("pa55") && !shown.contains("t0k"), "{shown}");
        assert!(shown.contains("host"), "{shown}");
        assert_eq!(url.shown("a\x1bb"), "\"a\\u{1b}b\"");
        let token = Spec::new("example_token", ValueKind::Text).secret();
        assert_eq!(token.shown("abc"), crate::secret::HIDDEN);
    }

    #[test]
    fn every_kind_reads_what_it_promises_and_says_what_it_expects() {
        use crate::config::Range;
        let count = ValueKind::Count(Range::closed(-1.0, 10.0), "-1: never");
        assert_eq!(count.parse(" 3 "), Ok(Value::Count(3)));
        assert!(count.parse("").unwrap_err().contains("-1: never"));
        assert!(count.parse("1.5").is_err() && count.parse("11").is_err());
        let number = ValueKind::Number(Range::closed(0.0, 1.0));
        assert_eq!(number.parse(""), Ok(Value::Unset));
        assert_eq!(number.parse("0.5"), Ok(Value::Number(0.5)));
        assert_eq!(ValueKind::Bool.parse("ON"), Ok(Value::Bool(true)));
        assert_eq!(ValueKind::Bool.parse("off"), Ok(Value::Bool(false)));
        assert_eq!(ValueKind::Bool.expected(), "true or false");
        let words = ValueKind::OneOf(&["a", "b", "c"]);
        assert_eq!(words.parse("B"), Ok(Value::Text("b".into())));
        assert_eq!(words.expected(), "`a`, `b` or `c`");
        assert!(ValueKind::Path.parse(" ").is_err() && ValueKind::NonEmpty.parse("").is_err());
        assert_eq!(ValueKind::Text.parse(" x "), Ok(Value::Text("x".into())));
        assert_eq!(
            ValueKind::List.parse("csv, JSON,,"),
            Ok(Value::List(vec!["csv".into(), "json".into()]))
        );
    }

    #[test]
    fn help_text_keeps_a_links_words_and_the_summary_is_the_first_sentence() {
        let spec = Spec::new("k", ValueKind::Text)
            .doc(" See [outputs](outputs.md) for more.\n Then this. ");
        assert_eq!(
            spec.doc_text(),
            "See [outputs](outputs.md) for more. Then this."
        );
        assert_eq!(spec.help_text(), "See outputs for more. Then this.");
        assert_eq!(spec.summary(), "See outputs for more.");
        assert_eq!(
            (spec.env_var(), spec.flag()),
            ("CODECARBON_K".into(), "--k".into())
        );
    }
}

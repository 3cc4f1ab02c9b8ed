//! The INI dialect of `.codecarbon.config`: that of Python's `configparser` with its defaults,
//! which reads the same files for CodeCarbon, made strict where a lax reading would hide a
//! mistake.
//!
//! - `[name]` starts a section (a comment may follow it); names are case-sensitive, and
//!   `[DEFAULT]`'s keys apply to every section that does not set them.
//! - `key = value` or `key: value` (the first `=` or `:` splits), blanks around both trimmed,
//!   keys case-insensitive, empty values allowed. A `#` or `;` starts a comment only at the
//!   start of a line: after a value it is part of the value, as in `configparser`.
//! - A UTF-8 byte order mark is skipped; `\r\n` line ends are read as `\n`. No interpolation:
//!   `%` is an ordinary character.
//! - Errors, each naming its line: bytes that are not UTF-8; a repeated section, or a key
//!   repeated in a section (which `configparser` refuses too); an indented line under a key,
//!   which `configparser` would read as the next line of a value on several lines (not
//!   supported here); a key before any section; and any line that is not a section, a key, a
//!   comment or blank.
//!
//! A line's text is never quoted in an error: it may hold a token.

use thiserror::Error;

/// The section whose keys apply to every other one, as in `configparser`.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// One `key = value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key, trimmed, in lower case.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// Its line, from 1.
    pub line: usize,
}

/// One `[name]` and the keys under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets, as written.
    pub name: String,
    /// The line of its header, from 1.
    pub line: usize,
    /// Its keys, in the order of the file.
    pub entries: Vec<Entry>,
}

/// A parsed file: its sections in order, `[DEFAULT]` among them if present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The sections.
    pub sections: Vec<Section>,
}

/// Why a file is not valid INI, and the line where that shows.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: {problem}")]
pub struct SyntaxError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong with it, and how to fix it.
    pub problem: Problem,
}

/// What is wrong with a line. Names from the file are shown with control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    /// Bytes that are not UTF-8.
    #[error("it is not valid UTF-8; save the file as UTF-8")]
    NotUtf8,
    /// A second `[name]` of the same name.
    #[error(
        "the section [{}] is repeated (first at line {first}); merge the two into one section",
        .name.escape_debug()
    )]
    RepeatedSection {
        /// The section.
        name: String,
        /// The line of its first header.
        first: usize,
    },
    /// A key given twice in one section.
    #[error(
        "the key `{}` is repeated in [{}] (first at line {first}); keep only one of them",
        .key.escape_debug(), .section.escape_debug()
    )]
    RepeatedKey {
        /// The key, in lower case.
        key: String,
        /// Its section.
        section: String,
        /// The line where it was set first.
        first: usize,
    },
    /// An indented line under a key, which `configparser` reads as more of its value.
    #[error(
        "this indented line would continue the value of `{}` (line {key_line}), and values \
         on several lines are not supported; write the value on the key's line, or remove \
         the indentation",
        .key.escape_debug()
    )]
    Continuation {
        /// The key above.
        key: String,
        /// Its line.
        key_line: usize,
    },
    /// A key before the first section.
    #[error(
        "the key `{}` comes before any section; put `[codecarbon]` on a line above it",
        .key.escape_debug()
    )]
    NoSection {
        /// The key.
        key: String,
    },
    /// A line that starts with `[` but is not a `[name]`.
    #[error("a section header is a name in brackets alone on its line, such as `[codecarbon]`")]
    BadHeader,
    /// `= value` with nothing before it.
    #[error("there is no key before the `=` or `:`; write `key = value`")]
    EmptyKey,
    /// Anything else.
    #[error(
        "this line is not a `[section]`, a `key = value`, a comment (starting with `#` or `;`) \
         or blank; fix it, or make it a comment"
    )]
    NotAKey,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The key whose value an indented line would continue.
struct LastKey {
    key: String,
    line: usize,
    indent: usize,
}

/// The name of a section header, given what follows its `[`: up to the `]`, which only a
/// comment may follow (`[codecarbon] # ours`, which `configparser` reads too).
fn section_name(header: &str) -> Option<&str> {
    let (name, rest) = header.split_once(']')?;
    let rest = rest.trim_start();
    let closed = rest.is_empty() || rest.starts_with('#') || rest.starts_with(';');
    (closed && !name.is_empty()).then_some(name)
}

impl Document {
    /// Parses a file's bytes. Never panics, whatever the bytes.
    ///
    /// ```
    /// use codecarbon::config::ini::Document;
    /// let doc = Document::parse(b"[codecarbon]\nPUE = 1.2\n").unwrap();
    /// let entries = doc.section("codecarbon").unwrap();
    /// assert_eq!((entries[0].key.as_str(), entries[0].value.as_str()), ("pue", "1.2"));
    /// assert_eq!(Document::parse(b"[a]\n[a]\n").unwrap_err().line, 2);
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Document, SyntaxError> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        let mut doc = Document::default();
        let mut last_key: Option<LastKey> = None;
        for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
            let line = index + 1;
            let fail = |problem| SyntaxError { line, problem };
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let text = std::str::from_utf8(raw).map_err(|_| fail(Problem::NotUtf8))?;
            let content = text.trim();
            if content.is_empty() || content.starts_with('#') || content.starts_with(';') {
                continue;
            }
            let indent = text.chars().take_while(|c| c.is_whitespace()).count();
            if let Some(last) = last_key.as_ref().filter(|last| indent > last.indent) {
                return Err(fail(Problem::Continuation {
                    key: last.key.clone(),
                    key_line: last.line,
                }));
            }
            if let Some(header) = content.strip_prefix('[') {
                let name = section_name(header).ok_or_else(|| fail(Problem::BadHeader))?;
                if let Some(first) = doc.sections.iter().find(|s| s.name == name) {
                    return Err(fail(Problem::RepeatedSection {
                        name: name.to_string(),
                        first: first.line,
                    }));
                }
                doc.sections.push(Section {
                    name: name.to_string(),
                    line,
                    entries: Vec::new(),
                });
                last_key = None;
                continue;
            }
            let (key, value) = content
                .split_once(['=', ':'])
                .ok_or_else(|| fail(Problem::NotAKey))?;
            let key = key.trim().to_ascii_lowercase();
            if key.is_empty() {
                return Err(fail(Problem::EmptyKey));
            }
            let Some(section) = doc.sections.last_mut() else {
                return Err(fail(Problem::NoSection { key }));
            };
            if let Some(first) = section.entries.iter().find(|e| e.key == key) {
                return Err(fail(Problem::RepeatedKey {
                    key,
                    section: section.name.clone(),
                    first: first.line,
                }));
            }
            section.entries.push(Entry {
                key: key.clone(),
                value: value.trim().to_string(),
                line,
            });
            last_key = Some(LastKey { key, line, indent });
        }
        Ok(doc)
    }

    /// The keys of section `name` followed by those of `[DEFAULT]` it does not set, as
    /// `configparser` gives them; `None` when the file has no such section.
    pub fn section(&self, name: &str) -> Option<Vec<Entry>> {
        let find = |name: &str| self.sections.iter().find(|s| s.name == name);
        let mut entries = find(name)?.entries.clone();
        if name != DEFAULT_SECTION {
            if let Some(defaults) = find(DEFAULT_SECTION) {
                let inherited: Vec<Entry> = defaults
                    .entries
                    .iter()
                    .filter(|d| !entries.iter().any(|e| e.key == d.key))
                    .cloned()
                    .collect();
                entries.extend(inherited);
            }
        }
        Some(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str, section: &str) -> Option<Vec<(String, String, usize)>> {
        Document::parse(text.as_bytes())
            .unwrap()
            .section(section)
            .map(|es| es.into_iter().map(|e| (e.key, e.value, e.line)).collect())
    }

    fn problem(text: &[u8]) -> (usize, Problem) {
        let e = Document::parse(text).unwrap_err();
        (e.line, e.problem)
    }

    fn own(items: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
        items
            .iter()
            .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
            .collect()
    }

    #[test]
    fn reads_configparsers_dialect() {
        let text = "# a comment\n; another\n\n[codecarbon]\n  Project_Name = my run  \n\
                    pue: 1.2\nregion =\n  # indented comment\napi_endpoint = http://h:1/x\n\
                    note = a # not a comment\n[other]\npue = high\n";
        assert_eq!(
            pairs(text, "codecarbon").unwrap(),
            own(&[
                ("project_name", "my run", 5),
                ("pue", "1.2", 6),
                ("region", "", 7),
                ("api_endpoint", "http://h:1/x", 9),
                ("note", "a # not a comment", 10),
            ])
        );
        assert_eq!(pairs(text, "other").unwrap(), own(&[("pue", "high", 12)]));
        assert_eq!(pairs(text, "CodeCarbon"), None, "names are case-sensitive");
        assert_eq!(pairs("", "codecarbon"), None);
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_read() {
        let text = "\u{feff}[codecarbon]\r\npue = 1.5\r\n";
        assert_eq!(
            pairs(text, "codecarbon").unwrap(),
            own(&[("pue", "1.5", 2)])
        );
    }

    #[test]
    fn default_keys_apply_to_every_section_that_lacks_them() {
        let text = "[DEFAULT]\npue = 1.1\nwue = 2\n[codecarbon]\nwue = 3\n";
        assert_eq!(
            pairs(text, "codecarbon").unwrap(),
            own(&[("wue", "3", 5), ("pue", "1.1", 2)])
        );
        assert_eq!(pairs("[DEFAULT]\npue = 1\n", "codecarbon"), None);
    }

    #[test]
    fn repeats_are_errors_naming_both_lines() {
        let (line, p) = problem(b"[codecarbon]\npue = 1\n\n[codecarbon]\nwue = 1\n");
        assert_eq!(line, 4);
        assert_eq!(
            p,
            Problem::RepeatedSection {
                name: "codecarbon".into(),
                first: 1
            }
        );
        let (line, p) = problem(b"[other]\n[codecarbon]\nPUE = 1\npue = 2\n");
        assert_eq!(line, 4);
        assert!(p
            .to_string()
            .contains("`pue` is repeated in [codecarbon] (first at line 3)"));
        assert_eq!(problem(b"[DEFAULT]\n[DEFAULT]\n").0, 2);
    }

    #[test]
    fn an_indented_line_under_a_key_is_a_continuation_error() {
        let (line, p) = problem(b"[codecarbon]\noutput_methods = csv,\n    json\n");
        assert_eq!(line, 3);
        assert_eq!(
            p,
            Problem::Continuation {
                key: "output_methods".into(),
                key_line: 2
            }
        );
        // After a blank line too, as configparser reads it.
        assert_eq!(problem(b"[codecarbon]\na = 1\n\n  b = 2\n").0, 4);
        // Keys indented alike are separate keys; an indented first key is fine.
        let text = "[codecarbon]\n  a = 1\n  b = 2\nc = 3\n";
        assert_eq!(pairs(text, "codecarbon").unwrap().len(), 3);
        // A comment may follow a section header.
        let text = "[codecarbon] # ours\npue = 1\n[other] ; theirs\n";
        assert_eq!(pairs(text, "codecarbon").unwrap(), own(&[("pue", "1", 2)]));
        // A section header resets it.
        assert!(Document::parse(b"[a]\n x = 1\n[b]\n  y = 2\n").is_ok());
    }

    #[test]
    fn other_malformed_lines_are_errors() {
        let cases: [(&[u8], usize, Problem); 8] = [
            (b"pue = 1\n", 1, Problem::NoSection { key: "pue".into() }),
            (b"[codecarbon\n", 1, Problem::BadHeader),
            (b"[]\n", 1, Problem::BadHeader),
            (b"[a] b\n", 1, Problem::BadHeader),
            (b"[a]]\n", 1, Problem::BadHeader),
            (b"[codecarbon]\n= 1\n", 2, Problem::EmptyKey),
            (b"[codecarbon]\nsecret-token-here\n", 2, Problem::NotAKey),
            (
                b"[codecarbon]\nx = caf\xC3\xA9\ny = \xFF\n",
                3,
                Problem::NotUtf8,
            ),
        ];
        for (text, line, expected) in cases {
            let e = Document::parse(text).unwrap_err();
            assert_eq!((e.line, &e.problem), (line, &expected), "{text:?}");
            assert!(!e.to_string().contains("secret-token"), "{e}");
        }
    }

    #[test]
    fn names_in_messages_have_control_characters_escaped() {
        let e = Document::parse(b"[a\x1b[2J]\n[a\x1b[2J]\n").unwrap_err();
        assert!(!e.to_string().contains('\x1b'), "{e}");
        assert!(e.to_string().contains("\\u{1b}"), "{e}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Pieces of INI, so that random files are often nearly valid.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("[codecarbon]".to_string()),
                Just("[DEFAULT]".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("pue".to_string()),
                Just("=".to_string()),
                Just(":".to_string()),
                Just("#".to_string()),
                Just(";".to_string()),
                Just(" ".to_string()),
                Just("\t".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just("\u{feff}".to_string()),
                any::<String>(),
            ]
        }

        fn ini_like() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat().into_bytes())
        }

        fn lines_of(bytes: &[u8]) -> usize {
            bytes.split(|b| *b == b'\n').count()
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                failure_persistence: None,
                ..ProptestConfig::with_cases(512)
            })]

            /// Any bytes: no panic; an error names a line of the file.
            #[test]
            fn any_bytes_parse_or_name_a_line(
                bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..256), ini_like()],
            ) {
                match Document::parse(&bytes) {
                    Ok(doc) => {
                        for section in &doc.sections {
                            prop_assert!(!section.name.is_empty());
                            for e in &section.entries {
                                prop_assert!(!e.key.is_empty());
                                prop_assert_eq!(e.key.trim(), e.key.as_str());
                                prop_assert!((1..=lines_of(&bytes)).contains(&e.line));
                            }
                        }
                        let _ = doc.section("codecarbon");
                    }
                    Err(e) => {
                        prop_assert!((1..=lines_of(&bytes)).contains(&e.line), "{}", e);
                        let prefix = format!("line {}: ", e.line);
                        prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                    }
                }
            }

            /// Any well-formed `[codecarbon]` of distinct keys reads back as written.
            #[test]
            fn written_keys_read_back(
                values in prop::collection::btree_map("[a-z_]{1,12}", "[^\r\n]{0,20}", 0..8),
            ) {
                let mut text = String::from("[codecarbon]\n");
                for (k, v) in &values {
                    text.push_str(&format!("{k} = {v}\n"));
                }
                let entries = Document::parse(text.as_bytes()).unwrap().section("codecarbon").unwrap();
                let read: Vec<(String, String)> =
                    entries.into_iter().map(|e| (e.key, e.value)).collect();
                let written: Vec<(String, String)> = values
                    .iter()
                    .map(|(k, v)| (k.clone(), v.trim().to_string()))
                    .collect();
                prop_assert_eq!(read, written);
            }
        }
    }
}

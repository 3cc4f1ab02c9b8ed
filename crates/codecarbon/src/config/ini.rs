//! The INI dialect of `.codecarbon.config`: that of Python's `configparser` with its defaults,
//! which reads the same files for CodeCarbon, made strict where a lax reading would hide a
//! mistake.
//!
//! - `[name]` starts a section; the name runs to the last `]` of the line and whatever follows
//!   is ignored (a comment, usually). Names are case-sensitive, and `[DEFAULT]`'s keys apply
//!   to every section that does not set them; a repeated `[DEFAULT]` adds to the first.
//! - `key = value` or `key: value` (the first `=` or `:` splits), blanks around both trimmed,
//!   keys case-insensitive, empty values allowed. A `#` or `;` starts a comment only at the
//!   start of a line: after a value it is part of the value, as in `configparser`.
//! - Lines end at `\n`, `\r\n` or a lone `\r`, as Python reads a text file.
//! - Errors, each naming its line: bytes that are not UTF-8; a repeated section (other than
//!   `[DEFAULT]`), or a key repeated in a section (which `configparser` refuses too); a key
//!   before any section; and any line that is not a section, a key, a comment or blank.
//!
//! Where this reader and `configparser` differ (each checked against Python 3.11's), it
//! mostly refuses, with an error naming the line, what `configparser` would read in a way
//! nobody means:
//!
//! - An indented line under a key is refused: `configparser` reads it as the next line of a
//!   value on several lines, not supported here.
//! - A section name holding a `]` is refused: `configparser` reads `[codecarbon] # see [docs]`
//!   as the section `codecarbon] # see [docs` and ignores the keys under it.
//! - A line that starts with `[` but has no `]` is refused: `configparser` reads `[a=b` as the
//!   key `[a`.
//! - A UTF-8 byte order mark is skipped, where `configparser` refuses the file.
//! - No interpolation: `%` is an ordinary character. CodeCarbon's `ConfigParser` reads `%%`
//!   as one `%` and `%(key)s` as another key's value, and refuses any other `%`: a value with
//!   `%%` or `%(` is the one thing read differently.
//! - Text after a section's `]` that is not a comment is ignored by both; it is noted in
//!   [`Section::text_after_header`] so that the caller can warn.
//!
//! A line's text is never quoted in an error: it may hold a token.

use codecarbon_core::quote::printable;
use std::collections::{HashMap, HashSet};
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
    /// The lines of its headers with text after the `]` that is not a comment: ignored, as
    /// `configparser` ignores it, and worth a warning.
    pub text_after_header: Vec<usize>,
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
        printable(.name)
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
        printable(.key), printable(.section)
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
        printable(.key)
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
        printable(.key)
    )]
    NoSection {
        /// The key.
        key: String,
    },
    /// A section name that holds a `]`.
    #[error(
        "this section header has a `]` after the one that closes its name; Python's \
         configparser reads the name up to the last `]` and would ignore every key under it: \
         put what follows the name on a line of its own (a comment starts with `#` or `;`)"
    )]
    BracketInName,
    /// A line that starts with `[` but is not a `[name]`.
    #[error("a section header is a name in brackets, such as `[codecarbon]`")]
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

/// A UTF-8 byte order mark, skipped at the start of a file.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The key whose value an indented line would continue.
struct LastKey {
    key: String,
    line: usize,
    indent: usize,
}

/// The lines of `bytes` as Python reads a text file (universal newlines): `\n`, `\r\n` and a
/// lone `\r` each end one.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    lines_with_ends(bytes).map(|line| {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        text.strip_suffix(b"\r").unwrap_or(text)
    })
}

/// The lines of [`lines`], each with the end that ends it (none for a last line without one),
/// so that the whole is `bytes` again: the line numbers of a [`Document`] count these.
pub(super) fn lines_with_ends(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let text = rest?;
        let Some(end) = text.iter().position(|b| matches!(b, b'\n' | b'\r')) else {
            rest = None;
            return Some(text);
        };
        let crlf = text[end] == b'\r' && text.get(end + 1) == Some(&b'\n');
        let next = end + 1 + usize::from(crlf);
        rest = text.get(next..);
        Some(&text[..next])
    })
}

/// The name of a section header, given what follows its `[`, and whether text other than a
/// comment follows its `]`.
///
/// As in `configparser`, the name runs to the last `]` and anything after it is ignored
/// (`[codecarbon] # ours`). A name that holds a `]` is refused: `configparser` would read
/// `[codecarbon] # see [docs]` as the section `codecarbon] # see [docs` and so ignore every
/// key under it, which is never what was meant.
fn section_name(header: &str) -> Result<(&str, bool), Problem> {
    let (name, after) = header.rsplit_once(']').ok_or(Problem::BadHeader)?;
    if name.is_empty() {
        return Err(Problem::BadHeader);
    }
    if name.contains(']') {
        return Err(Problem::BracketInName);
    }
    let after = after.trim_start();
    let comment = after.is_empty() || after.starts_with('#') || after.starts_with(';');
    Ok((name, !comment))
}

impl Document {
    /// Parses a file's bytes. Never panics, whatever the bytes, and takes time in proportion
    /// to their number: repeats are looked up, not searched for, so that even the largest file
    /// read parses at once.
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
        // Where each section is in `doc.sections`, and the line of each key of each section.
        let mut sections: HashMap<String, usize> = HashMap::new();
        let mut keys: HashMap<(usize, String), usize> = HashMap::new();
        let mut current: Option<usize> = None;
        let mut last_key: Option<LastKey> = None;
        for (index, raw) in lines(bytes).enumerate() {
            let line = index + 1;
            let fail = |problem| SyntaxError { line, problem };
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
                let (name, text_after) = section_name(header).map_err(fail)?;
                let at = match sections.get(name) {
                    // `configparser` merges a repeated `[DEFAULT]` into the first.
                    Some(&at) if name == DEFAULT_SECTION => at,
                    Some(&at) => {
                        return Err(fail(Problem::RepeatedSection {
                            name: name.to_string(),
                            first: doc.sections[at].line,
                        }))
                    }
                    None => {
                        sections.insert(name.to_string(), doc.sections.len());
                        doc.sections.push(Section {
                            name: name.to_string(),
                            line,
                            entries: Vec::new(),
                            text_after_header: Vec::new(),
                        });
                        doc.sections.len() - 1
                    }
                };
                if text_after {
                    doc.sections[at].text_after_header.push(line);
                }
                current = Some(at);
                last_key = None;
                continue;
            }
            let (key, value) = content
                .split_once(['=', ':'])
                .ok_or_else(|| fail(Problem::NotAKey))?;
            let key = key.trim().to_lowercase();
            if key.is_empty() {
                return Err(fail(Problem::EmptyKey));
            }
            let Some(at) = current else {
                return Err(fail(Problem::NoSection { key }));
            };
            let section = &mut doc.sections[at];
            if let Some(&first) = keys.get(&(at, key.clone())) {
                return Err(fail(Problem::RepeatedKey {
                    key,
                    section: section.name.clone(),
                    first,
                }));
            }
            keys.insert((at, key.clone()), line);
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
                let own: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
                let inherited = defaults.entries.iter().filter(|d| !own.contains(&d.key));
                entries.extend(inherited.cloned());
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

    /// Python reads text files with universal newlines: a lone `\r` (old Mac editors) ends a
    /// line too, where it once made the whole file one line.
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "[codecarbon]\rpue = 1.2\r\n\rwue = 3\rregion = x\r";
        assert_eq!(
            pairs(text, "codecarbon").unwrap(),
            own(&[("pue", "1.2", 2), ("wue", "3", 4), ("region", "x", 5)])
        );
        assert_eq!(problem(b"[a]\rx = 1\rx = 2").0, 3);
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
        // Keys are lower-cased as Python does, beyond ASCII too.
        assert_eq!(problem("[a]\nÜ = 1\nü = 2\n".as_bytes()).0, 3);
    }

    /// As `configparser` does, a repeated `[DEFAULT]` adds to the first; a key repeated
    /// across its headers is still an error.
    #[test]
    fn a_repeated_default_section_adds_to_the_first() {
        let text = "[DEFAULT]\npue = 1\n[codecarbon]\nwue = 2\n[DEFAULT]\nregion = x\n";
        assert_eq!(
            pairs(text, "codecarbon").unwrap(),
            own(&[("wue", "2", 4), ("pue", "1", 2), ("region", "x", 6)])
        );
        let (line, p) = problem(b"[DEFAULT]\npue = 1\n[DEFAULT]\nPUE = 2\n");
        assert_eq!(line, 4);
        assert!(
            p.to_string()
                .contains("`pue` is repeated in [DEFAULT] (first at line 2)"),
            "{p}"
        );
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
        // A section header resets it.
        assert!(Document::parse(b"[a]\n x = 1\n[b]\n  y = 2\n").is_ok());
    }

    /// The name runs to the last `]`, and what follows is ignored, as in `configparser`; the
    /// headers with more than a comment after the `]` are noted, for a warning.
    #[test]
    fn text_after_a_section_header_is_ignored_and_noted() {
        let text = "[codecarbon] # ours\npue = 1\n[other] ; theirs\n[DEFAULT] junk\nwue = 2\n";
        let doc = Document::parse(text.as_bytes()).unwrap();
        assert_eq!(
            doc.section("codecarbon").unwrap(),
            [
                Entry {
                    key: "pue".into(),
                    value: "1".into(),
                    line: 2
                },
                Entry {
                    key: "wue".into(),
                    value: "2".into(),
                    line: 5
                },
            ]
        );
        let noted: Vec<(&str, &[usize])> = doc
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.text_after_header.as_slice()))
            .collect();
        assert_eq!(
            noted,
            [
                ("codecarbon", &[][..]),
                ("other", &[][..]),
                ("DEFAULT", &[4][..])
            ]
        );
        // Even a key written after the `]` is ignored, as `configparser` ignores it.
        assert_eq!(pairs("[codecarbon] pue = 1\n", "codecarbon").unwrap(), []);
    }

    /// `configparser` would read `[codecarbon] # see [docs]` as the section
    /// `codecarbon] # see [docs`, silently ignoring its keys: an error says so instead.
    #[test]
    fn a_bracket_inside_a_section_name_is_an_error() {
        for text in [&b"[codecarbon] # see [docs]\n"[..], b"[a]]\n", b"[[a]]\n"] {
            let (line, p) = problem(text);
            assert_eq!((line, &p), (1, &Problem::BracketInName), "{text:?}");
            assert!(p.to_string().contains("up to the last `]`"), "{p}");
        }
        // A `[` inside a name is what configparser reads too.
        assert!(pairs("[a[b]\nx = 1\n", "a[b").is_some());
    }

    #[test]
    fn other_malformed_lines_are_errors() {
        let cases: [(&[u8], usize, Problem); 7] = [
            (b"pue = 1\n", 1, Problem::NoSection { key: "pue".into() }),
            (b"[codecarbon\n", 1, Problem::BadHeader),
            (b"[]\n", 1, Problem::BadHeader),
            (b"[a]\n[b=c\n", 2, Problem::BadHeader),
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
        assert!(e.to_string().contains("\\x1b"), "{e}");
    }

    /// Repeats are looked up, not searched for: a file of the largest size read, all distinct
    /// keys or all distinct sections, parses at once. It once took tens of seconds, so that a
    /// cloned repository's `.codecarbon.config` could stall every start in it. The bound is
    /// generous, for a slow debug build: only a hang fails.
    #[test]
    fn a_file_of_the_largest_size_parses_at_once() {
        let fill = |head: &str, line: fn(usize) -> String| {
            let mut text = head.to_string();
            for line in (0..).map(line) {
                if text.len() + line.len() > crate::config::MAX_BYTES as usize {
                    return text;
                }
                text.push_str(&line);
            }
            text
        };
        let keys = fill("[DEFAULT]\nx = 1\n[codecarbon]\n", |n| format!("k{n}=\n"));
        let sections = fill("[DEFAULT]\nx = 1\n", |n| format!("[s{n}]\n"));
        for (text, section, entries, sections) in [
            (keys, "codecarbon", 100_001, 2),
            (sections, "s0", 1, 100_001),
        ] {
            let started = std::time::Instant::now();
            let doc = Document::parse(text.as_bytes()).unwrap();
            let read = doc.section(section).unwrap();
            let elapsed = started.elapsed();
            assert!(read.len() >= entries && doc.sections.len() >= sections);
            assert!(elapsed.as_secs_f64() < 2.0, "{elapsed:?} for [{section}]");
        }
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
                Just("\r".to_string()),
                Just("\u{feff}".to_string()),
                any::<String>(),
            ]
        }

        fn ini_like() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat().into_bytes())
        }

        /// The number of lines, as Python counts them: every `\n` or `\r` ends one, but for
        /// the `\r` of a `\r\n`.
        fn lines_of(bytes: &[u8]) -> usize {
            let ends = bytes.iter().filter(|b| matches!(b, b'\n' | b'\r')).count();
            let crlf = bytes.windows(2).filter(|w| *w == b"\r\n").count();
            1 + ends - crlf
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

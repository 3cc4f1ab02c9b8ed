//! Writing settings into a config file's text, as `codecarbon config` does: the rest of the file
//! (comments, other sections, the order of the keys, the line ends) stays as it was.
//!
//! A key already in `[codecarbon]` has its line replaced; a new key goes after the section's
//! last key; a file without `[codecarbon]` gets one at its end. The text must be valid for
//! [`Document::parse`], and so is the result, which Python's `configparser` reads the same
//! (CodeCarbon reads these files with `ConfigParser`, which takes `%` as the start of an
//! interpolation: a value with `%` is refused rather than written to be read otherwise).

use super::ini::{lines_with_ends, Document, SyntaxError, BOM};
use super::SECTION;
use codecarbon_core::quote::printable;
use thiserror::Error;

/// Why the settings cannot be written into the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditError {
    /// The file is not valid INI: it is left as it is, for the user to fix.
    #[error("{0}")]
    Syntax(#[from] SyntaxError),
    /// A key that cannot be a key of the file.
    #[error("`{}` cannot be a key: a key is letters, digits and `_`", printable(.0))]
    Key(String),
    /// A value that the file cannot hold as given.
    #[error("the value of `{key}` {problem}")]
    Value {
        /// The key.
        key: String,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// `text` (a config file's bytes, `None` for a new file) with each `(key, value)` of `settings`
/// set in `[codecarbon]`, later settings winning over earlier ones of the same key.
///
/// ```
/// use codecarbon::config::edit::with_settings;
/// let old = b"# mine\n[codecarbon]\npue = 1.1\n\n[other]\nx = 1\n";
/// let new = with_settings(Some(old), &[("pue", "1.4"), ("country_iso_code", "FRA")]).unwrap();
/// assert_eq!(
///     String::from_utf8(new).unwrap(),
///     "# mine\n[codecarbon]\npue = 1.4\ncountry_iso_code = FRA\n\n[other]\nx = 1\n"
/// );
/// ```
pub fn with_settings(text: Option<&[u8]>, settings: &[(&str, &str)]) -> Result<Vec<u8>, EditError> {
    let text = text.unwrap_or_default();
    let doc = Document::parse(text)?;
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => (&b""[..], text),
    };
    let mut lines: Vec<Vec<u8>> = lines_with_ends(body).map(<[u8]>::to_vec).collect();
    // `lines_with_ends` ends with an empty line after a final line end; it is no line.
    if lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    let ending = line_ending(&lines);
    let section = doc.sections.iter().find(|s| s.name == SECTION);
    // Where a new key goes: after the section's last key, or its header (1-based lines).
    let insert_after = section.map(|s| s.entries.last().map_or(s.line, |e| e.line));
    let mut added: Vec<Vec<u8>> = Vec::new();
    let mut written: Vec<(String, usize)> = Vec::new();
    for (key, value) in settings {
        let key = checked_key(key)?;
        let value = checked_value(&key, value)?;
        let line = format!("{key} = {value}").into_bytes();
        let existing = section
            .and_then(|s| s.entries.iter().find(|e| e.key == key))
            .map(|e| e.line);
        match (existing, written.iter().find(|(k, _)| *k == key)) {
            (_, Some(&(_, index))) => added[index] = line,
            (Some(at), None) => lines[at - 1] = with_end(line, &lines[at - 1]),
            (None, None) => {
                written.push((key, added.len()));
                added.push(line);
            }
        }
    }
    let added = added.into_iter().map(|mut l| {
        l.extend_from_slice(ending);
        l
    });
    match insert_after {
        Some(after) => {
            // The line it follows needs an end of its own (a last line may have none).
            if let Some(previous) = lines.get_mut(after - 1) {
                if !ends_a_line(previous) {
                    previous.extend_from_slice(ending);
                }
            }
            lines.splice(after..after, added);
        }
        None => {
            if let Some(last) = lines.last_mut() {
                if !ends_a_line(last) {
                    last.extend_from_slice(ending);
                }
            }
            if lines.iter().any(|l| !l.trim_ascii().is_empty()) {
                lines.push(ending.to_vec());
            }
            let mut header = format!("[{SECTION}]").into_bytes();
            header.extend_from_slice(ending);
            lines.push(header);
            lines.extend(added);
        }
    }
    let mut out = bom.to_vec();
    out.extend(lines.concat());
    Ok(out)
}

/// The file's line end: that of its first line, `\n` for a file without one.
fn line_ending(lines: &[Vec<u8>]) -> &'static [u8] {
    match lines.first() {
        Some(l) if l.ends_with(b"\r\n") => b"\r\n",
        Some(l) if l.ends_with(b"\r") => b"\r",
        _ => b"\n",
    }
}

fn ends_a_line(line: &[u8]) -> bool {
    line.ends_with(b"\n") || line.ends_with(b"\r")
}

/// `line` with the end of the line it replaces (none for a last line without one).
fn with_end(mut line: Vec<u8>, replaced: &[u8]) -> Vec<u8> {
    let end: &[u8] = if replaced.ends_with(b"\r\n") {
        b"\r\n"
    } else if replaced.ends_with(b"\n") {
        b"\n"
    } else if replaced.ends_with(b"\r") {
        b"\r"
    } else {
        b""
    };
    line.extend_from_slice(end);
    line
}

/// The key in lower case, as the reader compares keys.
fn checked_key(key: &str) -> Result<String, EditError> {
    let key = key.trim().to_ascii_lowercase();
    let fine = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if fine {
        Ok(key)
    } else {
        Err(EditError::Key(key))
    }
}

/// The value trimmed, as the reader trims it, if the file can hold it as one line that Python
/// CodeCarbon reads the same.
fn checked_value<'a>(key: &str, value: &'a str) -> Result<&'a str, EditError> {
    let value = value.trim();
    let problem = if value.chars().any(char::is_control) {
        Some("holds a line break or another control character; a config file holds one line per value")
    } else if value.contains('%') {
        Some(
            "holds a `%`, which Python CodeCarbon reads in this file as the start of an \
             interpolation; set it in its CODECARBON_* variable instead",
        )
    } else {
        None
    };
    match problem {
        Some(problem) => Err(EditError::Value {
            key: key.to_string(),
            problem,
        }),
        None => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn edit(text: Option<&str>, settings: &[(&str, &str)]) -> String {
        let bytes = with_settings(text.map(str::as_bytes), settings).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    fn read(text: &str) -> Vec<(String, String)> {
        Document::parse(text.as_bytes())
            .unwrap()
            .section(SECTION)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    #[test]
    fn a_new_file_gets_the_section_and_the_keys() {
        assert_eq!(
            edit(None, &[("project_name", " demo "), ("pue", "1.2")]),
            "[codecarbon]\nproject_name = demo\npue = 1.2\n"
        );
    }

    #[test]
    fn keys_are_replaced_in_place_and_added_after_the_sections_last_key() {
        let old = "; top\r\n[DEFAULT]\r\npue = 2\r\n[codecarbon]\r\n# a comment\r\nPUE: 1.1\r\noutput_dir = x\r\n\r\n[other]\r\nk = v";
        let new = edit(
            Some(old),
            &[
                ("pue", "1.3"),
                ("log_level", "info"),
                ("Log_Level", "debug"),
            ],
        );
        assert_eq!(
            new,
            "; top\r\n[DEFAULT]\r\npue = 2\r\n[codecarbon]\r\n# a comment\r\npue = 1.3\r\noutput_dir = x\r\nlog_level = debug\r\n\r\n[other]\r\nk = v"
        );
        assert_eq!(
            read(&new),
            [
                ("pue".into(), "1.3".into()),
                ("output_dir".into(), "x".into()),
                ("log_level".into(), "debug".into())
            ]
        );
    }

    #[test]
    fn a_file_without_the_section_gets_it_at_its_end() {
        assert_eq!(
            edit(Some("\u{feff}[other]\nk = v"), &[("pue", "1.2")]),
            "\u{feff}[other]\nk = v\n\n[codecarbon]\npue = 1.2\n"
        );
        assert_eq!(
            edit(Some("[codecarbon]"), &[("pue", "1.2")]),
            "[codecarbon]\npue = 1.2\n"
        );
        assert_eq!(
            edit(Some(""), &[("pue", "1.2")]),
            "[codecarbon]\npue = 1.2\n"
        );
    }

    #[test]
    fn a_broken_file_bad_keys_and_values_are_refused() {
        let err = with_settings(Some(b"[codecarbon\n"), &[("pue", "1")]).unwrap_err();
        assert!(
            matches!(err, EditError::Syntax(SyntaxError { line: 1, .. })),
            "{err}"
        );
        for key in ["a=b", "", "k\nx"] {
            assert!(matches!(
                with_settings(None, &[(key, "1")]),
                Err(EditError::Key(_))
            ));
        }
        for value in ["a\nb", "50%", "x\u{1b}[2J"] {
            let err = with_settings(None, &[("project_name", value)]).unwrap_err();
            assert!(matches!(err, EditError::Value { .. }), "{value:?}");
        }
    }
}

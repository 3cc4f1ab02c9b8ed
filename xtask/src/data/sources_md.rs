//! Regenerates the parts of `data/SOURCES.md` that describe refreshed files.
//!
//! For each file: its row of the size and checksum table (`| \`path\` | bytes | \`sha\` |`),
//! replaced or inserted in path order, and its section, written between
//! `<!-- refresh-data: begin PATH -->` and `<!-- refresh-data: end PATH -->`. The first refresh
//! replaces the hand-written section (from its `## \`PATH\`` heading to the next `## `) with the
//! marked one; later ones replace what is between the markers; a file with no section gets
//! one at the end. Everything else in the document is kept as it is.

use super::fetch::thousands;
use sha2::{Digest, Sha256};

/// One refreshed file.
pub struct Entry<'a> {
    /// Path under the data directory.
    pub path: &'a str,
    /// Its new contents.
    pub bytes: &'a [u8],
    /// The bullet list describing it.
    pub section: &'a str,
}

/// The first 16 hex digits of the SHA-256 of `bytes`, as the table shows them.
pub fn sha16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `text` with the rows and sections of `entries` regenerated.
pub fn update(text: &str, entries: &[Entry]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for entry in entries {
        update_row(&mut lines, entry);
        update_section(&mut lines, entry);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The line width of the document's prose.
const WIDTH: usize = 100;

/// A bullet wrapped at `width` columns, continuation lines indented by two spaces (as the
/// hand-written sections are).
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut current, "  ".to_owned()));
        }
        if !current.is_empty() && current != "  " {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
    out
}

fn begin(path: &str) -> String {
    format!("<!-- refresh-data: begin {path} -->")
}

fn end(path: &str) -> String {
    format!("<!-- refresh-data: end {path} -->")
}

fn row_prefix(path: &str) -> String {
    format!("| `{path}` |")
}

fn update_row(lines: &mut Vec<String>, entry: &Entry) {
    let row = format!(
        "{} {} | `{}` |",
        row_prefix(entry.path),
        thousands(entry.bytes.len()),
        sha16(entry.bytes)
    );
    if let Some(i) = lines
        .iter()
        .position(|l| l.starts_with(&row_prefix(entry.path)))
    {
        lines[i] = row;
        return;
    }
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("| `"))
        .collect();
    let Some(&last) = rows.last() else {
        return; // no table to add to
    };
    let at = rows
        .iter()
        .copied()
        .find(|&i| lines[i].as_str() > row.as_str())
        .unwrap_or(last + 1);
    lines.insert(at, row);
}

fn update_section(lines: &mut Vec<String>, entry: &Entry) {
    let mut block = vec![
        begin(entry.path),
        format!("## `{}`", entry.path),
        String::new(),
    ];
    for line in entry.section.lines() {
        block.extend(wrap(line, WIDTH));
    }
    block.push(end(entry.path));

    let find = |lines: &[String], wanted: &str| lines.iter().position(|l| l.trim() == wanted);
    if let (Some(b), Some(e)) = (
        find(lines, &begin(entry.path)),
        find(lines, &end(entry.path)),
    ) {
        if b < e {
            lines.splice(b..=e, block);
            return;
        }
    }
    let heading = format!("## `{}`", entry.path);
    if let Some(h) = find(lines, &heading) {
        let next = (h + 1..lines.len()).find(|&i| {
            lines[i].starts_with("## ") || lines[i].starts_with("<!-- refresh-data: begin")
        });
        match next {
            Some(n) => {
                block.push(String::new());
                lines.splice(h..n, block);
            }
            None => {
                lines.splice(h.., block);
            }
        }
        return;
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines.push(String::new());
    lines.extend(block);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const DOC: &str = "# Data\n\n| File | Bytes | SHA-256 (first 16) |\n|---|---|---|\n| `a.csv` | 1 | `00` |\n| `c.csv` | 3 | `00` |\n\n## `a.csv`\n\n- old a\n\n## `c.csv`\n\n- old c\n";

    #[test]
    fn wraps_bullets_at_the_document_width() {
        let line = format!("- **From**: {}", "word ".repeat(40));
        let wrapped = wrap(line.trim_end(), 30);
        assert!(
            wrapped.iter().all(|l| l.chars().count() <= 30),
            "{wrapped:?}"
        );
        assert!(wrapped[1..]
            .iter()
            .all(|l| l.starts_with("  ") && !l.starts_with("   ")));
        assert_eq!(wrapped.join(" ").split_whitespace().count(), 42);
        assert_eq!(wrap("- short", 30), ["- short"]);
    }

    #[test]
    fn replaces_sections_then_markers_and_adds_rows() {
        let once = update(
            DOC,
            &[
                Entry {
                    path: "a.csv",
                    bytes: b"xy",
                    section: "- new a",
                },
                Entry {
                    path: "b.csv",
                    bytes: b"z",
                    section: "- new b",
                },
            ],
        );
        assert!(once.contains("| `a.csv` | 2 | `"), "{once}");
        let b_row = once.find("| `b.csv` | 1 |").unwrap();
        assert!(once.find("| `a.csv`").unwrap() < b_row && b_row < once.find("| `c.csv`").unwrap());
        assert!(once.contains("<!-- refresh-data: begin a.csv -->\n## `a.csv`\n\n- new a\n<!-- refresh-data: end a.csv -->\n\n## `c.csv`\n\n- old c\n"), "{once}");
        assert!(!once.contains("old a"));
        assert!(once.ends_with("<!-- refresh-data: begin b.csv -->\n## `b.csv`\n\n- new b\n<!-- refresh-data: end b.csv -->\n"), "{once}");
        let twice = update(
            &once,
            &[Entry {
                path: "a.csv",
                bytes: b"xy",
                section: "- newer a",
            }],
        );
        assert!(
            twice.contains("- newer a\n<!-- refresh-data: end a.csv -->\n\n## `c.csv`"),
            "{twice}"
        );
        assert_eq!(twice.matches("## `a.csv`").count(), 1);
        assert_eq!(
            update(
                &twice,
                &[Entry {
                    path: "a.csv",
                    bytes: b"xy",
                    section: "- newer a"
                }]
            ),
            twice
        );
    }
}

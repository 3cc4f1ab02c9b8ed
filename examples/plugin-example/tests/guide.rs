//! The plugin guide `docs/plugins.md` shows only code that this crate compiles and tests: each
//! `rust` or `toml` block is preceded by `<!-- from: PATH -->`, and its lines (split at `// ...`
//! or `# ...` elision lines) appear verbatim and in order in that file.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use std::path::{Path, PathBuf};

/// The workspace root, two levels above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A code block of the guide.
struct Block {
    /// Its first line's number in the guide.
    line: usize,
    /// The file it claims to come from, relative to the workspace root.
    from: String,
    /// Its runs of consecutive lines, between elisions.
    chunks: Vec<Vec<String>>,
}

/// Every checked block of `guide`; a `rust` or `toml` block without a source is an error.
fn blocks(guide: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut from: Option<String> = None;
    let mut lines = guide.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim();
        if let Some(path) = trimmed
            .strip_prefix("<!-- from:")
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            from = Some(path.trim().to_string());
            continue;
        }
        let Some(info) = trimmed.strip_prefix("```") else {
            if !trimmed.is_empty() {
                from = None;
            }
            continue;
        };
        let language = info.split(',').next().unwrap_or_default().trim();
        let checked = matches!(language, "rust" | "toml");
        let elision = if language == "toml" {
            "# ..."
        } else {
            "// ..."
        };
        let mut chunks = vec![Vec::new()];
        for (_, body) in lines.by_ref() {
            if body.trim() == "```" {
                break;
            }
            if body.trim() == elision {
                chunks.push(Vec::new());
            } else if let Some(chunk) = chunks.last_mut() {
                chunk.push(body.to_string());
            }
        }
        if checked {
            let from = from.take().unwrap_or_else(|| {
                panic!(
                    "docs/plugins.md:{}: a {language} block without `<!-- from: PATH -->`",
                    i + 1
                )
            });
            found.push(Block {
                line: i + 1,
                from,
                chunks,
            });
        }
        from = None;
    }
    found
}

/// Where `chunk` starts in `file` at or after line `start`, as consecutive lines.
fn find(file: &[&str], chunk: &[String], start: usize) -> Option<usize> {
    (start..=file.len().checked_sub(chunk.len())?)
        .find(|&at| chunk.iter().zip(&file[at..]).all(|(a, b)| a == b))
}

#[test]
fn every_code_block_of_the_guide_is_an_excerpt_of_a_tested_file() {
    let guide = std::fs::read_to_string(root().join("docs/plugins.md")).unwrap();
    let blocks = blocks(&guide);
    assert!(blocks.len() >= 10, "only {} blocks found", blocks.len());
    for block in blocks {
        let path = root().join(&block.from);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("docs/plugins.md:{}: {}: {e}", block.line, block.from));
        let file: Vec<&str> = text.lines().collect();
        let mut at = 0;
        for chunk in &block.chunks {
            assert!(
                !chunk.is_empty(),
                "docs/plugins.md:{}: an empty excerpt",
                block.line
            );
            match find(&file, chunk, at) {
                Some(found) => at = found + chunk.len(),
                None => panic!(
                    "docs/plugins.md:{}: these lines are not (or no longer, or not in this \
                     order) in {}:\n{}",
                    block.line,
                    block.from,
                    chunk.join("\n")
                ),
            }
        }
    }
}

#[test]
fn the_check_itself_catches_a_changed_line_and_a_missing_source() {
    let good = "<!-- from: examples/plugin-example/src/lib.rs -->\n```rust\npub const PLUGINS: &[&str] = &[BOARD, LOG];\n```\n";
    let found = blocks(good);
    assert_eq!(found.len(), 1);
    let file = ["x", "pub const PLUGINS: &[&str] = &[BOARD, LOG];"];
    assert_eq!(find(&file, &found[0].chunks[0], 0), Some(1));
    let changed = vec!["pub const PLUGINS: &[&str] = &[BOARD];".to_string()];
    assert_eq!(find(&file, &changed, 0), None);
    let unsourced = std::panic::catch_unwind(|| blocks("text\n\n```rust\nfn f() {}\n```\n"));
    assert!(unsourced.is_err());
}

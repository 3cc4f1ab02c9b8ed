//! The limits the user guide states for the servers (`docs/outputs.md` for the exporter,
//! `docs/board.md` for the board) are [`Limits::default`]'s: both servers use it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_httpd::Limits;
use std::path::Path;

fn page(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_guide_states_the_default_limits() {
    let limits = Limits::default();
    let stated = [
        format!("a request head over {} KiB", limits.max_head_bytes / 1024),
        format!("over {} header fields", limits.max_headers),
        format!(
            "At most {} connections are served at once",
            limits.max_connections
        ),
        format!(
            "within {} s of the connection's opening",
            limits.head_timeout.as_secs()
        ),
        format!(
            "an answer must be read within {} s",
            limits.write_timeout.as_secs()
        ),
        "405, `Allow: GET, HEAD`".to_string(),
        "413, and the connection closed".to_string(),
    ];
    for name in ["outputs.md", "board.md"] {
        let text = page(name);
        for claim in &stated {
            assert!(
                text.contains(claim.as_str()),
                "{name} does not say: {claim}"
            );
        }
    }
}

//! The page: one self-contained HTML document. The script, the styles, the data and the map
//! outlines are inline; the fonts are the system's; a Content-Security-Policy forbids the page
//! any request (no CDN, nothing fetched), so the report works offline and leaks nothing.

use crate::error::BoardError;
use crate::model::Model;

const SCRIPT: &str = include_str!("../assets/board.js");
const STYLE: &str = include_str!("../assets/board.css");
use codecarbon_data::files::{CANADA_MAP as CANADA, ISO_NUMERIC, US_MAP as US, WORLD_MAP as WORLD};

/// The policy: inline scripts and styles only, images only from `data:`; no connection,
/// font, frame or form target anywhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// JSON made safe inside `<script>`: no `<` can close the element early.
fn embed(json: &str) -> String {
    json.replace('<', "\\u003c")
}

fn data_block(id: &str, json: &str) -> String {
    format!(
        "<script type=\"application/json\" id=\"{id}\">{}</script>\n",
        embed(json)
    )
}

/// The whole page for `model`.
pub fn render(model: &Model) -> Result<String, BoardError> {
    let json = serde_json::to_string(model)?;
    let mut data = data_block("model", &json);
    for map in &model.maps {
        let (id, text) = match *map {
            "us" => ("map-us", US),
            "ca" => ("map-ca", CANADA),
            _ => ("map-world", WORLD),
        };
        data.push_str(&data_block(id, text.trim()));
    }
    data.push_str(&data_block("iso-numeric", ISO_NUMERIC.trim()));
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="codecarbon {version}">
<link rel="icon" href="data:,">
<title>carbonboard</title>
<style>
{STYLE}</style>
</head>
<body>
<noscript><p class="noscript">carbonboard draws its charts with JavaScript: please enable it for this page (it makes no network request).</p></noscript>
<div id="app"></div>
{data}<script>
{SCRIPT}</script>
</body>
</html>
"#,
        version = model.version,
    ))
}

//! Per-region emission factors out of Cloud Carbon Footprint's compiled JavaScript.
//!
//! The packages are not run, only read: the factors are object literals of the form
//! `exports.AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH = { [AWSRegions_1.AWS_REGIONS.US_EAST_1]:
//! core_1.US_NERC_REGIONS_EMISSIONS_FACTORS.SERC, [...AF_SOUTH_1]: 0.0009006, ... }` (metric
//! tonnes CO2e per kWh), the AWS region codes come from `AWS_REGIONS["US_EAST_1"] =
//! "us-east-1";` lines, the Azure ones from `AZURE_REGIONS = { AF_SOUTH_AFRICA: { name:
//! 'southafrica', ... }, ... }`, and the US NERC factors from `@cloud-carbon-footprint/core`.

use super::npm::Package;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;

/// The AWS factors object.
pub const AWS_FACTORS: &str = "AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH";
/// The Azure factors object.
pub const AZURE_FACTORS: &str = "AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH";
/// The US NERC region factors object (in the core package).
pub const NERC_FACTORS: &str = "US_NERC_REGIONS_EMISSIONS_FACTORS";

/// Factors in t CO2e/kWh by region code (lower-case).
pub type Factors = BTreeMap<String, f64>;

/// The NERC factors (`RFC`, `SERC`, ...) from the core package.
pub fn nerc(core: &Package) -> Result<BTreeMap<String, f64>> {
    let (path, src) = core.file_with(&format!("{NERC_FACTORS} = {{"))?;
    let mut out = BTreeMap::new();
    for (key, value) in object(body_of(src, NERC_FACTORS)?)? {
        let x = number(&value)
            .with_context(|| format!("{} {path}: {NERC_FACTORS}.{key}", core.name))?;
        out.insert(key, x);
    }
    Ok(out)
}

/// AWS factors by region code.
pub fn aws(pkg: &Package, nerc: &BTreeMap<String, f64>) -> Result<Factors> {
    let (_, regions_src) = pkg.file_with("AWS_REGIONS[\"")?;
    let codes = enum_strings(regions_src, "AWS_REGIONS");
    factors(pkg, AWS_FACTORS, &codes, nerc)
}

/// Azure factors by region name.
pub fn azure(pkg: &Package, nerc: &BTreeMap<String, f64>) -> Result<Factors> {
    let (_, regions_src) = pkg.file_with("AZURE_REGIONS = {")?;
    let mut codes = BTreeMap::new();
    for (ident, value) in object(body_of(regions_src, "AZURE_REGIONS")?)? {
        let inner = value
            .trim()
            .strip_prefix('{')
            .and_then(|v| v.strip_suffix('}'));
        let name = inner
            .map(object)
            .transpose()?
            .and_then(|m| m.into_iter().find(|(k, _)| k == "name"))
            .map(|(_, v)| unquote(&v))
            .ok_or_else(|| anyhow!("{}: AZURE_REGIONS.{ident} has no name", pkg.name))?;
        codes.insert(ident, name);
    }
    factors(pkg, AZURE_FACTORS, &codes, nerc)
}

fn factors(
    pkg: &Package,
    var: &str,
    codes: &BTreeMap<String, String>,
    nerc: &BTreeMap<String, f64>,
) -> Result<Factors> {
    let (path, src) = pkg.file_with(&format!("{var} = {{"))?;
    let mut out = Factors::new();
    for (key, value) in object(body_of(src, var)?)? {
        let ident = key
            .trim_end_matches(".name")
            .rsplit('.')
            .next()
            .unwrap_or(&key);
        let region = codes.get(ident).ok_or_else(|| {
            anyhow!(
                "{} {path}: {var}: region `{ident}` is not defined",
                pkg.name
            )
        })?;
        let t = match value.split_once(&format!("{NERC_FACTORS}.")) {
            Some((_, grid)) => *nerc
                .get(grid.trim())
                .ok_or_else(|| anyhow!("{} {path}: {var}: no NERC factor `{grid}`", pkg.name))?,
            None => {
                number(&value).with_context(|| format!("{} {path}: {var}[{region}]", pkg.name))?
            }
        };
        out.insert(region.to_lowercase(), t);
    }
    if out.is_empty() {
        bail!("{} {path}: {var} is empty", pkg.name);
    }
    Ok(out)
}

/// The text between the braces of `NAME = { ... }`.
fn body_of<'a>(src: &'a str, name: &str) -> Result<&'a str> {
    let marker = format!("{name} = {{");
    let start = src
        .find(&marker)
        .map(|i| i + marker.len())
        .ok_or_else(|| anyhow!("`{marker}` not found"))?;
    let mut depth = 1;
    let mut quote = None;
    for (i, c) in src[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '{' | '[' | '(') => depth += 1,
            (None, '}' | ']' | ')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(&src[start..start + i]);
                }
            }
            _ => {}
        }
    }
    bail!("`{marker}` is not closed")
}

/// The `key: value` members of an object body; computed keys (`[a.b.C]`) without brackets.
fn object(body: &str) -> Result<Vec<(String, String)>> {
    let mut members = Vec::new();
    for part in split_top(body, ',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let pieces = split_top(part, ':');
        if pieces.len() < 2 {
            bail!("`{part}` is not `key: value`");
        }
        let key = pieces[0];
        let value = part[key.len() + 1..].trim().to_owned();
        let key = key.trim().trim_start_matches('[').trim_end_matches(']');
        members.push((unquote(key), value));
    }
    Ok(members)
}

/// `text` split at `sep` where it is outside brackets and quotes.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut from) = (Vec::new(), 0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '{' | '[' | '(') => depth += 1,
            (None, '}' | ']' | ')') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                parts.push(&text[from..i]);
                from = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[from..]);
    parts
}

/// `NAME["IDENT"] = "value";` lines of a compiled TypeScript string enum.
fn enum_strings(src: &str, name: &str) -> BTreeMap<String, String> {
    let marker = format!("{name}[\"");
    src.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = &src[i + marker.len()..];
            let (ident, rest) = rest.split_once("\"]")?;
            let rest = rest.trim_start().strip_prefix('=')?.trim_start();
            let value = rest.strip_prefix('"')?.split_once('"')?.0;
            Some((ident.to_owned(), value.to_owned()))
        })
        .collect()
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches(|c| c == '\'' || c == '"').to_owned()
}

fn number(s: &str) -> Result<f64> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| anyhow!("`{}` is not a number", s.trim()))?;
    if !x.is_finite() {
        bail!("`{}` is not finite", s.trim());
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn reads_object_literals_and_enums() {
        let src = "x; exports.F = {\n  [a_1.R.US_EAST_1]: core_1.US_NERC_REGIONS_EMISSIONS_FACTORS.SERC,\n  [a_1.R.AF]: 0.0009006,\n};\n";
        let m = object(body_of(src, "exports.F").unwrap()).unwrap();
        assert_eq!(
            m[0],
            (
                "a_1.R.US_EAST_1".into(),
                "core_1.US_NERC_REGIONS_EMISSIONS_FACTORS.SERC".into()
            )
        );
        assert_eq!(m[1], ("a_1.R.AF".into(), "0.0009006".into()));
        let e = enum_strings(
            "R[\"US_EAST_1\"] = \"us-east-1\";\n R[\"X\"] = \"x-1\";",
            "R",
        );
        assert_eq!(e["US_EAST_1"], "us-east-1");
        assert_eq!(e["X"], "x-1");
        let nested =
            object(" A: { name: 'southafrica', options: ['a', 'b:c'] },\n B: { name: 'b' }")
                .unwrap();
        assert_eq!(nested[0].0, "A");
        assert_eq!(
            nested[0].1,
            "{ name: 'southafrica', options: ['a', 'b:c'] }"
        );
    }
}

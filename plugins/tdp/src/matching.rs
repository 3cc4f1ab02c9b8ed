//! Finding a CPU's TDP in `data/hardware/cpu_power.csv`, with CodeCarbon's matching rules.
//!
//! 1. An exact, case-insensitive match of the model.
//! 2. The same on the cleaned model ([`clean_model`]).
//! 3. rapidfuzz's `token_set_ratio` of 100 with `utils.default_process`, accepted only when
//!    exactly one row scores 100 ([`token_set_full_match`]).

use codecarbon_core::Watts;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The table, embedded at compile time (`Name,TDP`).
use codecarbon_data::files::CPU_POWER as CPU_POWER_CSV;

/// Which rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The model equals a row's name, ignoring case.
    Exact,
    /// The cleaned model equals a row's name, ignoring case.
    Cleaned,
    /// One row, and only one, has tokens that are a subset or superset of the model's.
    TokenSet,
}

/// A row of `cpu_power.csv` that matched a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TdpMatch {
    /// The row's name (`AMD EPYC 7763`).
    pub name: &'static str,
    /// The row's TDP, for one socket.
    pub tdp: Watts,
    /// The rule that matched.
    pub kind: MatchKind,
}

/// One row of the table, with its name pre-processed for both kinds of matching.
#[derive(Debug)]
struct Row {
    name: String,
    lower: String,
    tokens: BTreeSet<String>,
    /// `None` where the file's TDP is not a number (`27.29.5`).
    tdp: Option<f64>,
}

/// The parsed table, built once on first use.
fn table() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| {
        csv::Reader::from_reader(CPU_POWER_CSV.as_bytes())
            .records()
            .filter_map(Result::ok)
            .filter_map(|record| {
                let name = record.get(0)?.trim().to_string();
                let tdp = record
                    .get(1)
                    .and_then(|t| t.trim().parse::<f64>().ok())
                    .filter(|t| t.is_finite() && *t > 0.0);
                (!name.is_empty()).then(|| Row {
                    lower: name.to_lowercase(),
                    tokens: default_process(&name),
                    name,
                    tdp,
                })
            })
            .collect()
    })
}

/// How many rows the embedded table has.
pub fn table_len() -> usize {
    table().len()
}

/// rapidfuzz's `utils.default_process`, split into tokens: lower-case, every non-alphanumeric
/// character becomes a space, then split on whitespace.
pub fn default_process(text: &str) -> BTreeSet<String> {
    let spaced: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.split_whitespace().map(str::to_string).collect()
}

/// Whether rapidfuzz's `token_set_ratio` of two token sets is 100: they share a token and one
/// is a subset of the other. (Otherwise the ratio compares strings made of disjoint token sets,
/// which cannot be equal.)
pub fn token_set_full_match(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    !a.is_disjoint(b) && (a.is_subset(b) || b.is_subset(a))
}

/// Removes every match of the regex ` @\s*\d+\.\d+GHz` from `text`.
fn remove_ghz(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" @") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match ghz_len(after) {
            Some(len) => rest = &after[len..],
            None => {
                out.push_str(" @");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The byte length of `\s*\d+\.\d+GHz` at the start of `text`, if it matches there.
fn ghz_len(text: &str) -> Option<usize> {
    let body = text.trim_start();
    let mut len = text.len() - body.len();
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let whole = digits(&text[len..]);
    if whole == 0 || !text[len + whole..].starts_with('.') {
        return None;
    }
    len += whole + 1;
    let fraction = digits(&text[len..]);
    if fraction == 0 || !text[len + fraction..].starts_with("GHz") {
        return None;
    }
    Some(len + fraction + 3)
}

/// CodeCarbon's cleaning before the second exact match: remove `(R)`, cut at ` CPU @ `, remove
/// ` CPU`, remove ` @ <n.n>GHz`.
///
/// ```
/// assert_eq!(codecarbon_tdp::clean_model("Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz"),
///     "Intel Xeon Gold 5220R");
/// ```
pub fn clean_model(model: &str) -> String {
    let mut text = model.replace("(R)", "");
    if let Some(at) = text.find(" CPU @ ") {
        if at > 0 {
            text.truncate(at);
        }
    }
    remove_ghz(&text.replace(" CPU", ""))
}

fn exact(model: &str) -> Option<&'static Row> {
    let lower = model.to_lowercase();
    table().iter().find(|row| row.lower == lower)
}

fn found(row: &'static Row, kind: MatchKind) -> Option<TdpMatch> {
    row.tdp.map(|tdp| TdpMatch {
        name: &row.name,
        tdp: Watts(tdp),
        kind,
    })
}

/// The TDP of `model` from `cpu_power.csv`, or `None` when no rule finds a single row (or the
/// row found has no numeric TDP).
///
/// ```
/// let m = codecarbon_tdp::find_tdp("AMD EPYC 7763 64-Core Processor").unwrap();
/// assert_eq!((m.name, m.tdp.value()), ("AMD EPYC 7763", 280.0));
/// assert!(codecarbon_tdp::find_tdp("AMD EPYC").is_none());
/// ```
pub fn find_tdp(model: &str) -> Option<TdpMatch> {
    if let Some(row) = exact(model) {
        return found(row, MatchKind::Exact);
    }
    let cleaned = clean_model(model);
    if let Some(row) = exact(&cleaned) {
        return found(row, MatchKind::Cleaned);
    }
    let tokens = default_process(&cleaned);
    if tokens.is_empty() {
        return None;
    }
    let mut hits = table()
        .iter()
        .filter(|row| token_set_full_match(&tokens, &row.tokens));
    match (hits.next(), hits.next()) {
        (Some(row), None) => found(row, MatchKind::TokenSet),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tdp(model: &str) -> Option<(&'static str, f64, MatchKind)> {
        find_tdp(model).map(|m| (m.name, m.tdp.value(), m.kind))
    }

    #[test]
    fn table_is_embedded_whole() {
        assert!(table_len() > 4900, "{}", table_len());
    }

    #[test]
    fn reference_examples() {
        assert_eq!(
            tdp("Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz"),
            Some(("Intel Xeon Gold 5220R", 150.0, MatchKind::Cleaned))
        );
        assert_eq!(
            tdp("AMD EPYC 7763 64-Core Processor"),
            Some(("AMD EPYC 7763", 280.0, MatchKind::TokenSet))
        );
        assert_eq!(
            tdp("Apple M2 Pro"),
            Some(("Apple M2 Pro", 35.0, MatchKind::Exact))
        );
        assert_eq!(
            tdp("Cortex-A76"),
            Some(("Cortex-A76", 12.0, MatchKind::Exact))
        );
        assert_eq!(tdp("AMD EPYC"), None);
    }

    #[test]
    fn exact_match_ignores_case() {
        assert_eq!(tdp("apple m2 PRO").map(|t| t.1), Some(35.0));
    }

    #[test]
    fn unknown_and_empty_models_do_not_match() {
        assert_eq!(tdp(""), None);
        assert_eq!(tdp("  --  "), None);
        assert_eq!(tdp("Totally Unknown Chip 9000"), None);
    }

    #[test]
    fn rows_without_a_numeric_tdp_never_match() {
        assert_eq!(tdp("Intel Celeron 1000A"), None);
    }

    #[test]
    fn cleaning_follows_codecarbon() {
        assert_eq!(
            clean_model("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz"),
            "Intel Core(TM) i7-8700"
        );
        assert_eq!(clean_model("Foo CPU"), "Foo");
        assert_eq!(clean_model("Foo @ 2.5GHz bar"), "Foo bar");
        assert_eq!(clean_model("Foo @2.50GHz"), "Foo");
        assert_eq!(clean_model("Foo @ 2GHz"), "Foo @ 2GHz");
        assert_eq!(clean_model("Foo @ x"), "Foo @ x");
        assert_eq!(clean_model(" CPU @ 1.0GHz"), "");
    }

    #[test]
    fn default_process_tokens() {
        let t = default_process("AMD EPYC 7763 64-Core Processor");
        let expected: BTreeSet<String> = ["amd", "epyc", "7763", "64", "core", "processor"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(t, expected);
        assert!(default_process(" _-_ ").is_empty());
    }

    #[test]
    fn token_set_ratio_is_100_only_for_nested_overlapping_sets() {
        let set = |s: &str| default_process(s);
        assert!(token_set_full_match(&set("a b c"), &set("a b")));
        assert!(token_set_full_match(&set("a"), &set("a b")));
        assert!(token_set_full_match(&set("a b"), &set("b a")));
        assert!(!token_set_full_match(&set("a b"), &set("a c")));
        assert!(!token_set_full_match(&set("a"), &set("b")));
        assert!(!token_set_full_match(&set(""), &set("")));
    }

    #[test]
    fn intel_core_with_tm_matches_by_tokens() {
        let m = find_tdp("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
        assert_eq!(
            m.map(|m| (m.name, m.kind)),
            Some(("Intel Core i7-8700", MatchKind::TokenSet))
        );
    }
}

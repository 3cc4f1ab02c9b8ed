//! The checks shared by the file kinds, each reporting into one file's problem list.

use super::{Problem, MAX_INTENSITY, YEARS};
use crate::data::pyjson::Value;

/// Collects the problems of one file, with checks shared by the file kinds.
pub(crate) struct Sink<'a> {
    pub(super) file: &'a str,
    pub(super) problems: Vec<Problem>,
}

impl Sink<'_> {
    pub(super) fn bad(&mut self, key: &str, message: &str) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            key: key.to_owned(),
            message: message.to_owned(),
        });
    }

    /// The members of an object, or a problem.
    pub(super) fn object<'v>(&mut self, key: &str, v: &'v Value) -> &'v [(String, Value)] {
        match v.as_object() {
            Some(m) => m,
            None => {
                self.bad(key, "expected a JSON object");
                &[]
            }
        }
    }

    /// Reports keys that appear more than once.
    pub(super) fn unique<'k>(&mut self, what: &str, keys: impl IntoIterator<Item = &'k str>) {
        let mut seen = std::collections::BTreeSet::new();
        for k in keys {
            if !seen.insert(k) {
                self.bad(k, &format!("duplicate {what}"));
            }
        }
    }

    /// A number field: present, finite, and in `min..max` (`max` excluded when `open`).
    pub(super) fn number(
        &mut self,
        key: &str,
        field: &str,
        v: Option<&Value>,
        min: f64,
        max: f64,
        open: bool,
    ) -> Option<f64> {
        let Some(x) = v.and_then(Value::as_f64) else {
            self.bad(key, &format!("`{field}` is missing or not a number"));
            return None;
        };
        let above = if open { x >= max } else { x > max };
        if !x.is_finite() || x < min || above {
            let bound = if open { ")" } else { "]" };
            self.bad(
                key,
                &format!("`{field}` = {x} is outside [{min}, {max}{bound}"),
            );
        }
        Some(x)
    }

    /// A carbon intensity in g/kWh.
    pub(super) fn intensity(&mut self, key: &str, field: &str, v: Option<&Value>) -> Option<f64> {
        self.intensity_value(key, field, v.and_then(Value::as_f64))
    }

    pub(super) fn intensity_value(
        &mut self,
        key: &str,
        field: &str,
        x: Option<f64>,
    ) -> Option<f64> {
        let Some(x) = x else {
            self.bad(key, &format!("`{field}` is missing or not a number"));
            return None;
        };
        if !x.is_finite() || x < 0.0 {
            self.bad(
                key,
                &format!("`{field}` = {x} g/kWh: an intensity is finite and >= 0"),
            );
        } else if x >= MAX_INTENSITY {
            self.bad(
                key,
                &format!("`{field}` = {x} g/kWh is absurd (>= {MAX_INTENSITY}): a unit slip?"),
            );
        }
        Some(x)
    }

    /// A year in [`YEARS`].
    pub(super) fn year(&mut self, key: &str, field: &str, v: Option<&Value>) {
        match v.and_then(Value::as_i64) {
            Some(y) if YEARS.contains(&y) => {}
            Some(y) => self.bad(
                key,
                &format!("`{field}` = {y} is not a plausible year (1990..=2100)"),
            ),
            None => self.bad(key, &format!("`{field}` is missing or not an integer year")),
        }
    }

    /// A string field that must equal `want`.
    pub(super) fn equals(&mut self, key: &str, field: &str, v: Option<&Value>, want: &str) {
        match v.and_then(Value::as_str) {
            Some(got) if got == want => {}
            Some(got) => self.bad(key, &format!("`{field}` is `{got}`, expected `{want}`")),
            None => self.bad(
                key,
                &format!("`{field}` is missing or not a string (expected `{want}`)"),
            ),
        }
    }

    /// A non-empty string field.
    pub(super) fn text<'v>(
        &mut self,
        key: &str,
        field: &str,
        v: Option<&'v Value>,
    ) -> Option<&'v str> {
        match v.and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => Some(t),
            _ => {
                self.bad(key, &format!("`{field}` is missing or empty"));
                None
            }
        }
    }

    /// An upper-case ASCII code of `len` letters.
    pub(super) fn code(&mut self, key: &str, field: &str, code: &str, len: usize) {
        if code.len() != len || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            self.bad(
                key,
                &format!("`{field}` = `{code}` is not {len} upper-case letters"),
            );
        }
    }
}

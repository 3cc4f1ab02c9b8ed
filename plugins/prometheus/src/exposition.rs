//! The Prometheus text exposition format (version 0.0.4), written by hand.
//!
//! The format is small: per metric family a `# HELP` line, a `# TYPE` line, then one
//! `name{label="value",...} number` line per sample. Writing it here keeps the crate free of a
//! metrics library and its global registry (CodeCarbon's Python output keeps one registry per
//! process, which mixes the series of two trackers).

/// The `Content-Type` of the text format, for a `/metrics` answer or a push.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric family's type, as its `# TYPE` line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// Only grows (a reset means the process restarted).
    Counter,
    /// Goes up and down.
    Gauge,
}

impl MetricType {
    fn name(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
        }
    }
}

/// A label value with `\`, `"` and line feeds escaped, as the format requires inside quotes.
///
/// ```
/// use codecarbon_prometheus::exposition::escape_label_value;
/// assert_eq!(escape_label_value("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
/// ```
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A `# HELP` text with `\` and line feeds escaped (quotes stay as they are there).
pub fn escape_help(help: &str) -> String {
    let mut out = String::with_capacity(help.len());
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sample value as the format spells it: `NaN`, `+Inf`, `-Inf`, or the shortest decimal or
/// exponent form that reads back to the same `f64` (`0.5`, `1e-7`).
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+Inf".into()
    } else if value == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{value:?}")
    }
}

/// Builds an exposition, one metric family after another.
///
/// ```
/// use codecarbon_prometheus::exposition::{Exposition, MetricType};
/// let mut e = Exposition::default();
/// e.family("demo_total", "A demo (J)", MetricType::Counter)
///     .sample(&[("component", "cpu")], 1.5);
/// assert_eq!(
///     e.finish(),
///     "# HELP demo_total A demo (J)\n# TYPE demo_total counter\ndemo_total{component=\"cpu\"} 1.5\n"
/// );
/// ```
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    /// Starts a family: writes its HELP and TYPE lines; add samples to the returned value.
    ///
    /// `name` must be a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`); this crate only passes
    /// constants.
    pub fn family<'a>(&'a mut self, name: &'a str, help: &str, kind: MetricType) -> Family<'a> {
        self.text.push_str("# HELP ");
        self.text.push_str(name);
        self.text.push(' ');
        self.text.push_str(&escape_help(help));
        self.text.push_str("\n# TYPE ");
        self.text.push_str(name);
        self.text.push(' ');
        self.text.push_str(kind.name());
        self.text.push('\n');
        Family {
            name,
            text: &mut self.text,
        }
    }

    /// The text, each line ending with `\n`.
    pub fn finish(self) -> String {
        self.text
    }
}

/// The family being written; each [`Family::sample`] adds one line.
#[derive(Debug)]
pub struct Family<'a> {
    name: &'a str,
    text: &'a mut String,
}

impl Family<'_> {
    /// Adds `name{labels} value`. Label names must be valid (`[a-zA-Z_][a-zA-Z0-9_]*`); values
    /// are escaped here.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.text.push_str(self.name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (name, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                self.text.push_str(name);
                self.text.push_str("=\"");
                self.text.push_str(&escape_label_value(value));
                self.text.push('"');
            }
            self.text.push('}');
        }
        self.text.push(' ');
        self.text.push_str(&format_value(value));
        self.text.push('\n');
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline_only() {
        assert_eq!(escape_label_value(r"C:\dir"), r"C:\\dir");
        assert_eq!(escape_label_value(r#"say "hi""#), r#"say \"hi\""#);
        assert_eq!(escape_label_value("two\nlines"), r"two\nlines");
        assert_eq!(escape_label_value("tab\there é {}=,"), "tab\there é {}=,");
    }

    #[test]
    fn help_escapes_backslash_and_newline_but_not_quotes() {
        assert_eq!(escape_help("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
    }

    #[test]
    fn values_use_the_formats_spelling() {
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(0.0), "0.0");
        assert_eq!(format_value(3600.0), "3600.0");
        assert_eq!(format_value(1e-7), "1e-7");
        assert_eq!(format_value(0.1 + 0.2), "0.30000000000000004");
        for x in [1e-7, 0.30000000000000004, 123456789.125, 1e300] {
            assert_eq!(format_value(x).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn a_family_has_help_type_then_samples() {
        let mut e = Exposition::default();
        e.family("x_watts", "Power\nnow (W)", MetricType::Gauge)
            .sample(&[("a", "1"), ("b", "q\"")], 2.0)
            .sample(&[], 3.5);
        e.family("y_total", "Y", MetricType::Counter);
        assert_eq!(
            e.finish(),
            "# HELP x_watts Power\\nnow (W)\n# TYPE x_watts gauge\n\
             x_watts{a=\"1\",b=\"q\\\"\"} 2.0\nx_watts 3.5\n\
             # HELP y_total Y\n# TYPE y_total counter\n"
        );
    }
}

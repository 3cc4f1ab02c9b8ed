//! JSON as Python's `json.dump(..., indent=N)` writes it, and a parser that keeps what the
//! committed files rely on.
//!
//! [`Value`] keeps object keys in document order (and duplicates, so `check-data` can report
//! them) and keeps integers apart from floats (`0` and `0.0` are different bytes in the files).
//! [`render`] writes `indent`-space pretty JSON with `": "` and `","` separators, floats as
//! Python's `repr`, and non-ASCII escaped as `\uXXXX` (`ensure_ascii=True`), so parsing a
//! committed file and rendering it again gives the same bytes.

mod read;

pub use read::ParseError;

use super::num::py_repr;

/// A JSON value in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number written without a fraction or exponent.
    Int(i64),
    /// A number written with a fraction or exponent.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keys in document order (duplicates kept).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The members of an object, or `None`.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The first member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value of a number (integer or float).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The integer, for a number written without a fraction.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The string, for a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses JSON text into a [`Value`].
pub fn parse(text: &str) -> Result<Value, ParseError> {
    read::parse(text)
}

/// Writes `value` as Python's `json.dumps(value, indent=indent)` does (no trailing newline).
pub fn render(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent, 0);
    out
}

fn write_value(out: &mut String, value: &Value, indent: usize, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&py_repr(*f)),
        Value::Str(s) => write_str(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(members) if members.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                newline(out, indent, level + 1, i > 0);
                write_value(out, item, indent, level + 1);
            }
            newline(out, indent, level, false);
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                newline(out, indent, level + 1, i > 0);
                write_str(out, key);
                out.push_str(": ");
                write_value(out, item, indent, level + 1);
            }
            newline(out, indent, level, false);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, indent: usize, level: usize, comma: bool) {
    if comma {
        out.push(',');
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent * level));
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn renders_as_python_json_dumps() {
        let v = parse(r#"{"b": {"x": 0, "y": 0.0, "z": [1, "é"]}, "a": {}, "c": []}"#).unwrap();
        assert_eq!(
            render(&v, 2),
            "{\n  \"b\": {\n    \"x\": 0,\n    \"y\": 0.0,\n    \"z\": [\n      1,\n      \"\\u00e9\"\n    ]\n  },\n  \"a\": {},\n  \"c\": []\n}"
        );
    }

    #[test]
    fn parses_floats_exactly_and_reports_errors() {
        let v = parse("[1.1300000000000001, 1e5, -0, 2]").unwrap();
        assert_eq!(
            v,
            Value::Array(vec![
                Value::Float(1.130_000_000_000_000_1),
                Value::Float(1e5),
                Value::Int(0),
                Value::Int(2)
            ])
        );
        assert_eq!(
            render(&v, 1),
            "[\n 1.1300000000000001,\n 100000.0,\n 0,\n 2\n]"
        );
        let e = parse("{\n  \"a\": 1,\n  \"b\": tru\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 8), "{e}");
        assert!(parse("{} x").is_err());
        assert_eq!(
            parse(r#""\u00e9\ud83d\ude00""#).unwrap(),
            Value::Str("é😀".into())
        );
    }

    #[test]
    fn keeps_duplicate_keys_and_order() {
        let v = parse(r#"{"z": 1, "a": 2, "z": 3}"#).unwrap();
        let keys: Vec<_> = v
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["z", "a", "z"]);
    }
}

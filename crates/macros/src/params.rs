//! The attribute's parameters: their names, the literal each takes, and the parsing of
//! `name = literal, ...` into settings for the tracker's builder.

use codecarbon_core::config::{range_of, Range};
use codecarbon_core::quote::printable;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, Token, UnOp};

/// The literal a parameter takes, and what its value must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// `true` or `false`.
    Bool,
    /// Any string.
    Text,
    /// A string that is not empty (after trimming), as the config requires.
    NonEmptyText,
    /// One of these strings (case-insensitive, as the config reads them).
    OneOf(&'static [&'static str]),
    /// An integer or float literal, in the range of the parameter's config key (looked up with
    /// `range_of`, so that each range is declared once, in the config).
    Number,
    /// A count of measurements: an integer literal in the range of the parameter's config key
    /// (`api_call_interval`: -1 for never).
    Measurements,
    /// A string `"csv,json"` or an array of strings `["csv", "json"]`.
    Methods,
}

/// One parameter of `#[track_emissions]`: CodeCarbon's name, which is also the config key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param {
    /// The name, as in CodeCarbon's decorator and in `.codecarbon.config`.
    pub(crate) name: &'static str,
    /// The literal it takes.
    pub(crate) kind: Kind,
    /// A value to show in messages (`measure_power_secs = 15`).
    pub(crate) example: &'static str,
}

impl Param {
    /// The range of its config key, for a numeric parameter.
    fn range(&self) -> Option<Range> {
        range_of(self.name)
    }

    /// The range in words (`from 0.1 to 86400`); a numeric parameter without one takes no
    /// value (a test makes sure that each has one).
    fn range_text(&self) -> String {
        self.range()
            .map_or_else(|| "(no range is declared for it)".into(), |r| r.to_string())
    }

    /// What the parameter takes, in words, for error messages.
    fn expected(&self) -> String {
        match self.kind {
            Kind::Bool => "`true` or `false`".into(),
            Kind::Text => "a string literal".into(),
            Kind::NonEmptyText => "a non-empty string literal".into(),
            Kind::OneOf(values) => {
                let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
            Kind::Number => format!("a number {}", self.range_text()),
            Kind::Measurements => {
                format!(
                    "a whole number {} (-1: only at flush and stop)",
                    self.range_text()
                )
            }
            Kind::Methods => {
                "a string such as \"csv,json\" or an array such as [\"csv\", \"json\"]".into()
            }
        }
    }
}

const LOG_LEVELS: &[&str] = &["debug", "info", "warning", "warn", "error", "critical"];

/// Every parameter, in the order the documentation lists them.
pub(crate) const PARAMS: &[Param] = &[
    Param {
        name: "offline",
        kind: Kind::Bool,
        example: "true",
    },
    Param {
        name: "country_iso_code",
        kind: Kind::Text,
        example: "\"FRA\"",
    },
    Param {
        name: "region",
        kind: Kind::Text,
        example: "\"quebec\"",
    },
    Param {
        name: "cloud_provider",
        kind: Kind::Text,
        example: "\"gcp\"",
    },
    Param {
        name: "cloud_region",
        kind: Kind::Text,
        example: "\"europe-west1\"",
    },
    Param {
        name: "project_name",
        kind: Kind::Text,
        example: "\"training\"",
    },
    Param {
        name: "measure_power_secs",
        kind: Kind::Number,
        example: "15",
    },
    Param {
        name: "api_call_interval",
        kind: Kind::Measurements,
        example: "4",
    },
    Param {
        name: "output_dir",
        kind: Kind::NonEmptyText,
        example: "\"out\"",
    },
    Param {
        name: "output_file",
        kind: Kind::NonEmptyText,
        example: "\"emissions.csv\"",
    },
    Param {
        name: "output_methods",
        kind: Kind::Methods,
        example: "[\"csv\", \"json\"]",
    },
    Param {
        name: "tracking_mode",
        kind: Kind::OneOf(&["machine", "process"]),
        example: "\"process\"",
    },
    Param {
        name: "pue",
        kind: Kind::Number,
        example: "1.2",
    },
    Param {
        name: "wue",
        kind: Kind::Number,
        example: "1.8",
    },
    Param {
        name: "experiment_id",
        kind: Kind::NonEmptyText,
        example: "\"exp-1\"",
    },
    Param {
        name: "experiment_name",
        kind: Kind::Text,
        example: "\"baseline\"",
    },
    Param {
        name: "on_csv_write",
        kind: Kind::OneOf(&["append", "update"]),
        example: "\"update\"",
    },
    Param {
        name: "log_level",
        kind: Kind::OneOf(LOG_LEVELS),
        example: "\"error\"",
    },
    Param {
        name: "force_cpu_power",
        kind: Kind::Number,
        example: "65",
    },
    Param {
        name: "force_ram_power",
        kind: Kind::Number,
        example: "10",
    },
    Param {
        name: "force_carbon_intensity_g_co2e_kwh",
        kind: Kind::Number,
        example: "450",
    },
];

/// The parameter called `name`.
fn lookup(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name == name)
}

/// One `name = value` of the attribute, checked and turned into the text the builder's
/// `set(key, value)` takes.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    /// The parameter.
    pub(crate) param: &'static Param,
    /// Its value as config text (`"15"`, `"true"`, `"csv,json"`).
    pub(crate) value: String,
    /// Where the value is written.
    pub(crate) span: Span,
}

/// The attribute's arguments, in the order given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Args {
    /// Each setting, checked, with no parameter given twice.
    pub(crate) settings: Vec<Setting>,
}

impl Args {
    /// The value of `offline`, if given.
    pub(crate) fn offline(&self) -> Option<bool> {
        self.settings
            .iter()
            .find(|s| s.param.name == "offline")
            .map(|s| s.value == "true")
    }
}

/// `name` or `name = expr`, before checking.
struct RawArg {
    name: Ident,
    value: Option<Expr>,
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected `name = literal` parameters of #[track_emissions]; {}",
                    list_params()
                ),
            )
        })?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(RawArg { name, value })
    }
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let raw = Punctuated::<RawArg, Token![,]>::parse_terminated(input)?;
        let mut args = Args::default();
        for arg in raw {
            let setting = check(arg)?;
            if args
                .settings
                .iter()
                .any(|s| s.param.name == setting.param.name)
            {
                return Err(syn::Error::new(
                    setting.span,
                    format!("`{}` is given twice", setting.param.name),
                ));
            }
            args.settings.push(setting);
        }
        Ok(args)
    }
}

/// "the parameters are: offline, country_iso_code, ..."
fn list_params() -> String {
    let names: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
    format!("the parameters are: {}", names.join(", "))
}

/// Checks one argument against the table.
fn check(arg: RawArg) -> syn::Result<Setting> {
    let name = arg.name.to_string();
    let Some(param) = lookup(&name) else {
        let hint = match closest(&name) {
            Some(near) => format!(" (did you mean `{near}`?)"),
            None => String::new(),
        };
        return Err(syn::Error::new(
            arg.name.span(),
            format!(
                "unknown parameter `{name}` of #[track_emissions]{hint}; {}",
                list_params()
            ),
        ));
    };
    let Some(expr) = arg.value else {
        return Err(syn::Error::new(
            arg.name.span(),
            format!(
                "`{name}` needs a value: {}, e.g. `{name} = {}`",
                param.expected(),
                param.example
            ),
        ));
    };
    let span = expr.span();
    let value = literal_value(param, &expr)?;
    check_value(param, &value)
        .map_err(|why| syn::Error::new_spanned(&expr, format!("`{name}` {why}")))?;
    Ok(Setting { param, value, span })
}

/// The error for a value of the wrong type: names the parameter, what it takes, and an example.
fn wrong_type(param: &Param, expr: &Expr, found: &str) -> syn::Error {
    syn::Error::new_spanned(
        expr,
        format!(
            "`{}` takes {}, not {found}; e.g. `{} = {}`",
            param.name,
            param.expected(),
            param.name,
            param.example
        ),
    )
}

/// What kind of literal or expression this is, for error messages.
fn describe(expr: &Expr) -> &'static str {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(_) => "a string",
            Lit::Int(_) => "an integer",
            Lit::Float(_) => "a float",
            Lit::Bool(_) => "a bool",
            Lit::Char(_) => "a char",
            Lit::ByteStr(_) | Lit::CStr(_) => "a byte string",
            Lit::Byte(_) => "a byte",
            _ => "this literal",
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) if matches!(**expr, Expr::Lit(_)) => "a negative number",
        Expr::Array(_) => "an array",
        _ => "an expression (attribute arguments must be literals)",
    }
}

/// The number a literal (or a negated literal) holds, as text.
fn number_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => Some(i.base10_digits().to_string()),
        Expr::Lit(ExprLit {
            lit: Lit::Float(f), ..
        }) => Some(f.base10_digits().to_string()),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => number_text(expr).map(|digits| format!("-{digits}")),
        _ => None,
    }
}

/// The string a string literal holds.
fn string_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// Turns the literal into config text, or says that it has the wrong type.
fn literal_value(param: &Param, expr: &Expr) -> syn::Result<String> {
    let found = describe(expr);
    match param.kind {
        Kind::Bool => match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Ok(b.value.to_string()),
            _ => Err(wrong_type(param, expr, found)),
        },
        Kind::Text | Kind::NonEmptyText | Kind::OneOf(_) => {
            string_value(expr).ok_or_else(|| wrong_type(param, expr, found))
        }
        Kind::Number | Kind::Measurements => {
            number_text(expr).ok_or_else(|| wrong_type(param, expr, found))
        }
        Kind::Methods => match expr {
            Expr::Array(array) => {
                let mut names = Vec::new();
                for element in &array.elems {
                    let name = string_value(element).ok_or_else(|| {
                        syn::Error::new_spanned(
                            element,
                            format!(
                                "`{}` lists output methods as strings, not {}; e.g. `{} = {}`",
                                param.name,
                                describe(element),
                                param.name,
                                param.example
                            ),
                        )
                    })?;
                    names.push(name);
                }
                Ok(names.join(","))
            }
            _ => string_value(expr).ok_or_else(|| wrong_type(param, expr, found)),
        },
    }
}

/// Checks a value's text as the configuration will: `Err` says why, after the parameter's name.
pub(crate) fn check_value(param: &Param, value: &str) -> Result<(), String> {
    let expected = || param.expected();
    let trimmed = value.trim();
    let is_text = !matches!(param.kind, Kind::Number | Kind::Measurements);
    if is_text && printable(trimmed) != trimmed {
        return Err(format!(
            "is {value:?}; a setting holds no control characters (a terminal escape, a line \
             break, a tab) nor invisible marks that reorder text"
        ));
    }
    match param.kind {
        Kind::Bool | Kind::Text => Ok(()),
        Kind::NonEmptyText if trimmed.is_empty() => Err("must not be empty".into()),
        Kind::NonEmptyText => Ok(()),
        Kind::OneOf(values) => {
            let lower = trimmed.to_ascii_lowercase();
            if values.contains(&lower.as_str()) {
                Ok(())
            } else {
                Err(format!("is \"{value}\"; expected {}", expected()))
            }
        }
        Kind::Number => match param.range().and_then(|range| range.parse(value)) {
            Some(_) => Ok(()),
            None => Err(format!("is {value}; expected {}", expected())),
        },
        Kind::Measurements => match (param.range(), trimmed.parse::<i32>()) {
            (Some(range), Ok(n)) if range.contains(f64::from(n)) => Ok(()),
            _ => Err(format!("is {value}; expected {}", expected())),
        },
        // Names are checked at run time: a third-party sink may bring its own.
        Kind::Methods => Ok(()),
    }
}

/// The parameter whose name is nearest to `name`, if one is near enough to be a typo.
fn closest(name: &str) -> Option<&'static str> {
    PARAMS
        .iter()
        .map(|p| (edit_distance(name, p.name), p.name))
        .filter(|(d, p)| *d <= 3.max(p.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecarbon::core::config::KEYS;
    use codecarbon::Config;

    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Args> {
        syn::parse2(tokens)
    }

    fn error(tokens: proc_macro2::TokenStream) -> String {
        match parse(tokens) {
            Ok(args) => panic!("expected an error, got {args:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_parameter_is_a_config_key() {
        for p in PARAMS {
            assert!(KEYS.contains(&p.name), "{} is not a config key", p.name);
        }
    }

    /// Each numeric parameter has the range of its config key, looked up, not repeated.
    #[test]
    fn every_numeric_parameter_has_its_keys_range() {
        for p in PARAMS {
            let numeric = matches!(p.kind, Kind::Number | Kind::Measurements);
            assert_eq!(numeric, p.range().is_some(), "{}", p.name);
            if let Some(range) = p.range() {
                assert!(p.expected().contains(&range.to_string()), "{}", p.name);
            }
        }
    }

    #[test]
    fn examples_are_valid_values() {
        for p in PARAMS {
            let tokens: proc_macro2::TokenStream =
                format!("{} = {}", p.name, p.example).parse().unwrap();
            let args = parse(tokens).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let mut config = Config::default();
            config
                .set(p.name, &args.settings[0].value, "test")
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
    }

    /// The compile-time checks agree with the configuration's own, so they cannot drift apart.
    #[test]
    fn checks_agree_with_the_config() {
        let samples = [
            "",
            " ",
            "0",
            "-1",
            "-2",
            "-0.5",
            "0.05",
            "0.1",
            "0.5",
            "1",
            "15",
            "100",
            "101",
            "1000",
            "86400",
            "86401",
            "1000000",
            "1000001",
            "10000",
            "10001",
            "1e19",
            "1e308",
            "1e400",
            "4294967295",
            "fast",
            "machine",
            "Process",
            "cluster",
            "append",
            "UPDATE",
            "error",
            "warn",
            "loud",
            "csv",
            "csv,json",
            "FRA",
            "FRA\x1b]0;pwned\x07",
            "csv,\rjson",
            "out\u{202e}",
            " spaced\n",
        ];
        for p in PARAMS.iter().filter(|p| p.kind != Kind::Bool) {
            for value in samples {
                let ours = check_value(p, value).is_ok();
                // Numbers reach the config only from number literals.
                let numeric = matches!(p.kind, Kind::Number | Kind::Measurements);
                if numeric && value.trim().parse::<f64>().is_err() {
                    continue;
                }
                let theirs = Config::default().set(p.name, value, "test").is_ok();
                assert_eq!(ours, theirs, "{} = {value:?}", p.name);
            }
        }
    }

    #[test]
    fn parses_every_kind_of_literal() {
        let args = parse(quote::quote!(
            offline = true,
            country_iso_code = "FRA",
            measure_power_secs = 2.5,
            pue = 2,
            output_methods = ["csv", "json"],
            tracking_mode = "process",
        ))
        .unwrap();
        let values: Vec<(&str, &str)> = args
            .settings
            .iter()
            .map(|s| (s.param.name, s.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("offline", "true"),
                ("country_iso_code", "FRA"),
                ("measure_power_secs", "2.5"),
                ("pue", "2"),
                ("output_methods", "csv,json"),
                ("tracking_mode", "process"),
            ]
        );
        assert_eq!(args.offline(), Some(true));
        assert_eq!(
            parse(quote::quote!(output_methods = "csv,json"))
                .unwrap()
                .settings[0]
                .value,
            "csv,json"
        );
        assert!(parse(quote::quote!()).unwrap().settings.is_empty());
    }

    #[test]
    fn errors_name_the_parameter() {
        let e = error(quote::quote!(measure_power_sec = 1));
        assert!(e.contains("did you mean `measure_power_secs`"), "{e}");
        assert!(
            e.contains("the parameters are: offline, country_iso_code"),
            "{e}"
        );
        let e = error(quote::quote!(colour = "blue"));
        assert!(!e.contains("did you mean"), "{e}");
        let e = error(quote::quote!(measure_power_secs = "fast"));
        assert!(e.contains("`measure_power_secs` takes a number"), "{e}");
        let e = error(quote::quote!(offline = 1));
        assert!(
            e.contains("`offline` takes `true` or `false`, not an integer"),
            "{e}"
        );
        let e = error(quote::quote!(country_iso_code = 3));
        assert!(
            e.contains("`country_iso_code` takes a string literal"),
            "{e}"
        );
        let e = error(quote::quote!(pue = -1.0));
        assert!(
            e.contains("`pue` is -1.0; expected a number above 0, up to 100"),
            "{e}"
        );
        let e = error(quote::quote!(measure_power_secs = 1e19));
        assert!(
            e.contains("`measure_power_secs` is 1e19; expected a number from 0.1 to 86400"),
            "{e}"
        );
        let e = error(quote::quote!(pue = 1, pue = 2));
        assert!(e.contains("`pue` is given twice"), "{e}");
        let e = error(quote::quote!(offline));
        assert!(
            e.contains("`offline` needs a value: `true` or `false`, e.g. `offline = true`"),
            "{e}"
        );
        let e = error(quote::quote!(output_methods = ["csv", 1]));
        assert!(e.contains("as strings, not an integer"), "{e}");
        let e = error(quote::quote!(project_name = NAME));
        assert!(e.contains("attribute arguments must be literals"), "{e}");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("pue", "pue"), 0);
        assert_eq!(edit_distance("pue", "wue"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("country_code"), Some("country_iso_code"));
    }
}

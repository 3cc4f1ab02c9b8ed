//! The attribute's parameters: their names, the literal each takes, and the parsing of
//! `name = literal, ...` into settings for the tracker's builder.

use codecarbon_core::config::{range_of, Range};
use codecarbon_core::quote::printable;
use codecarbon_core::settings::ValueKind;
use codecarbon_core::Config;
use proc_macro2::Span;
use std::sync::OnceLock;
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
#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The name, as in CodeCarbon's decorator and in `.codecarbon.config`.
    pub(crate) name: &'static str,
    /// The literal it takes.
    pub(crate) kind: Kind,
    /// A value to show in messages (`measure_power_secs = 15`), as a literal.
    pub(crate) example: String,
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

/// The kind of literal a setting of this kind takes.
fn kind_of(kind: ValueKind) -> Kind {
    match kind {
        ValueKind::Bool => Kind::Bool,
        ValueKind::NonEmpty | ValueKind::Path => Kind::NonEmptyText,
        ValueKind::OneOf(words) => Kind::OneOf(words),
        ValueKind::Number(_) => Kind::Number,
        ValueKind::Count(..) => Kind::Measurements,
        ValueKind::List => Kind::Methods,
        _ => Kind::Text,
    }
}

/// Every parameter: the tracker's own settings that have a flag, in the order they are
/// declared (`codecarbon_core::core_settings!`), so that a new setting is a parameter without
/// an edit here.
pub(crate) fn params() -> &'static [Param] {
    static PARAMS: OnceLock<Vec<Param>> = OnceLock::new();
    PARAMS.get_or_init(|| {
        Config::SPECS
            .iter()
            .filter(|spec| spec.has_flag())
            .map(|spec| {
                let kind = kind_of(spec.kind());
                let example = spec.example_text();
                let example = match kind {
                    Kind::Text | Kind::NonEmptyText | Kind::OneOf(_) | Kind::Methods => {
                        format!("{example:?}")
                    }
                    Kind::Bool | Kind::Number | Kind::Measurements => example.to_string(),
                };
                Param {
                    name: spec.key(),
                    kind,
                    example,
                }
            })
            .collect()
    })
}

fn lookup(name: &str) -> Option<&'static Param> {
    params().iter().find(|p| p.name == name)
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
            .find(|s| s.param.name == codecarbon_core::config::key::offline)
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
    let names: Vec<&str> = params().iter().map(|p| p.name).collect();
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

/// Checks a value's text with the configuration's own reader, so the attribute refuses at
/// compile time exactly what `build()` would refuse at run time: `Err` says why, after the
/// parameter's name.
pub(crate) fn check_value(param: &Param, value: &str) -> Result<(), String> {
    match Config::default().set(param.name, value, "#[track_emissions]") {
        Ok(_) => Ok(()),
        Err(e) => Err(match param.kind {
            Kind::Number | Kind::Measurements => format!("is {value}; expected {}", e.expected),
            _ => format!("is \"{}\"; expected {}", printable(value), e.expected),
        }),
    }
}

/// The parameter whose name is nearest to `name`, if one is near enough to be a typo.
fn closest(name: &str) -> Option<&'static str> {
    params()
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
        for p in params() {
            assert!(
                Config::SPECS.iter().any(|s| s.key() == p.name),
                "{} is not a config key",
                p.name
            );
        }
    }

    /// Each numeric parameter has the range of its config key, looked up, not repeated.
    #[test]
    fn every_numeric_parameter_has_its_keys_range() {
        for p in params() {
            let numeric = matches!(p.kind, Kind::Number | Kind::Measurements);
            assert_eq!(numeric, p.range().is_some(), "{}", p.name);
            if let Some(range) = p.range() {
                assert!(p.expected().contains(&range.to_string()), "{}", p.name);
            }
        }
    }

    #[test]
    fn examples_are_valid_values() {
        for p in params() {
            let tokens: proc_macro2::TokenStream =
                format!("{} = {}", p.name, p.example).parse().unwrap();
            let args = parse(tokens).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let mut config = Config::default();
            config
                .set(p.name, &args.settings[0].value, "test")
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
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
            e.contains("the parameters are: project_name, measure_power_secs"),
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

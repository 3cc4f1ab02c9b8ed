//! The expansion: the function as written, with a tracker guard as its body's first statement.

use crate::params::Args;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Item, ItemFn, LitStr, Stmt, TraitItemFn};

/// Expands `#[track_emissions(args)] item`. Errors become `compile_error!`s, emitted beside the
/// unchanged item so that the compiler reports nothing else about it.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(e) => {
            let error = e.to_compile_error();
            quote! { #error #item }
        }
    }
}

fn try_expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut function = parse_function(item)?;
    let args: Args = syn::parse2(args)?;
    if let Some(constness) = &function.sig.constness {
        return Err(syn::Error::new(
            constness.span(),
            "#[track_emissions] cannot track a `const fn`: a tracker runs at run time; remove \
             `const` or the attribute",
        ));
    }
    let guard = guard(&args, &function)?;
    function.block.stmts.insert(0, guard);
    Ok(function.into_token_stream())
}

/// The item as a function with a body, or an error that says what it is instead.
fn parse_function(item: TokenStream) -> syn::Result<ItemFn> {
    let not_a_function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => return Ok(function),
        Err(e) => e,
    };
    if let Ok(declaration) = syn::parse2::<TraitItemFn>(item.clone()) {
        return Err(syn::Error::new(
            declaration.sig.ident.span(),
            "#[track_emissions] needs a function with a body; on a trait, put it on the \
             implementations' methods",
        ));
    }
    let Ok(other) = syn::parse2::<Item>(item) else {
        return Err(not_a_function);
    };
    let (what, span) = describe_item(&other);
    Err(syn::Error::new(
        span,
        format!("#[track_emissions] applies to functions and methods, not to {what}"),
    ))
}

/// "a struct", and the span of its name (or of the item).
fn describe_item(item: &Item) -> (&'static str, Span) {
    match item {
        Item::Struct(i) => ("a struct", i.ident.span()),
        Item::Enum(i) => ("an enum", i.ident.span()),
        Item::Union(i) => ("a union", i.ident.span()),
        Item::Trait(i) => ("a trait", i.ident.span()),
        Item::TraitAlias(i) => ("a trait alias", i.ident.span()),
        Item::Impl(i) => ("an impl block", i.impl_token.span),
        Item::Mod(i) => ("a module", i.ident.span()),
        Item::Const(i) => ("a constant", i.ident.span()),
        Item::Static(i) => ("a static", i.ident.span()),
        Item::Type(i) => ("a type alias", i.ident.span()),
        Item::Use(i) => ("a `use` declaration", i.use_token.span),
        Item::ExternCrate(i) => ("an `extern crate`", i.ident.span()),
        Item::ForeignMod(i) => ("an `extern` block", i.abi.extern_token.span),
        Item::Macro(i) => ("a macro", i.mac.path.span()),
        other => ("this item", other.span()),
    }
}

/// `let guard = ::codecarbon::private::start(builder, "name");`
fn guard(args: &Args, function: &ItemFn) -> syn::Result<Stmt> {
    let span = Span::call_site();
    let builder = if args.offline() == Some(true) {
        quote_spanned!(span=> ::codecarbon::OfflineEmissionsTracker::builder())
    } else {
        quote_spanned!(span=> ::codecarbon::EmissionsTracker::builder())
    };
    // `offline = true` is the offline builder itself; every other value goes through `set`.
    let settings = args
        .settings
        .iter()
        .filter(|s| !(s.param.name == codecarbon_core::config::key::offline && s.value == "true"))
        .map(|s| {
            let key = LitStr::new(s.param.name, s.span);
            let value = LitStr::new(&s.value, s.span);
            quote_spanned!(span=> .set(#key, #value))
        });
    let name = LitStr::new(
        &function.sig.ident.unraw().to_string(),
        function.sig.ident.span(),
    );
    // Mixed-site hygiene: the body cannot see or shadow this binding.
    let binding = syn::Ident::new("__codecarbon_guard", Span::mixed_site());
    syn::parse2(quote_spanned! {span=>
        let #binding = ::codecarbon::private::start(#builder #(#settings)*, #name);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(args: TokenStream, item: TokenStream) -> String {
        expand(args, item).to_string()
    }

    #[test]
    fn the_guard_is_the_first_statement() {
        let out = expand_str(
            quote!(offline = true, country_iso_code = "FRA"),
            quote! {
                /// Adds.
                #[inline]
                pub(crate) fn add<T>(a: T, b: T) -> T where T: std::ops::Add<Output = T> {
                    #![allow(unused)]
                    a + b
                }
            },
        );
        #[rustfmt::skip]
        let expected = quote! {
            #[doc = r" Adds."]
            #[inline]
            pub(crate) fn add<T>(a: T, b: T) -> T where T: std::ops::Add<Output = T> {
                #![allow(unused)]
                let __codecarbon_guard = ::codecarbon::private::start(
                    ::codecarbon::OfflineEmissionsTracker::builder().set("country_iso_code", "FRA"),
                    "add");
                a + b
            }
        };
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn online_and_bare() {
        let out = expand_str(
            quote!(),
            quote!(
                fn f() {}
            ),
        );
        assert!(
            out.contains("start (:: codecarbon :: EmissionsTracker :: builder () , \"f\")"),
            "{out}"
        );
        let out = expand_str(
            quote!(offline = false),
            quote!(
                async fn r#type() {}
            ),
        );
        assert!(
            out.contains(
                "EmissionsTracker :: builder () . set (\"offline\" , \"false\") , \"type\""
            ),
            "{out}"
        );
        assert!(out.starts_with("async fn r#type"), "{out}");
    }

    #[test]
    fn errors_keep_the_item() {
        let out = expand_str(
            quote!(pue = "high"),
            quote!(
                fn kept() {}
            ),
        );
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("fn kept () { }"), "{out}");
        let out = expand_str(
            quote!(),
            quote!(
                struct S;
            ),
        );
        assert!(out.contains("not to a struct"), "{out}");
        let out = expand_str(
            quote!(),
            quote!(
                fn declared(&self);
            ),
        );
        assert!(out.contains("needs a function with a body"), "{out}");
        let out = expand_str(
            quote!(),
            quote!(
                const fn c() {}
            ),
        );
        assert!(out.contains("cannot track a `const fn`"), "{out}");
    }
}

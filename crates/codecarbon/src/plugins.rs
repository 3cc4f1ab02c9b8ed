//! The plugin crates this build links, chosen by cargo features.
//!
//! `inventory` only sees a plugin crate that the final binary links, and the linker drops a
//! crate nothing refers to. The build script refers to the `PLUGINS` list (written by
//! `codecarbon_core::register_plugins!`) of each plugin crate that an enabled feature turns on,
//! and a test checks that the registry holds exactly what those lists promise.

include!(concat!(env!("OUT_DIR"), "/linked.rs"));

/// The names of the plugins that the enabled features promise.
pub fn linked_plugins() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = LINKED
        .iter()
        .flat_map(|(_, plugins)| plugins.iter().copied())
        .collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn the_registry_holds_what_the_features_promise() {
        let mut registered: Vec<_> = codecarbon_core::registry::plugins()
            .iter()
            .map(|p| p.name)
            .collect();
        registered.sort_unstable();
        assert_eq!(registered, super::linked_plugins());
        for (feature, plugins) in super::LINKED {
            assert!(!plugins.is_empty(), "feature {feature} registers nothing");
        }
    }

    #[test]
    fn the_linked_plugins_have_unique_names() {
        codecarbon_core::registry::check_unique_names().unwrap();
        let mut names = super::linked_plugins();
        let all = names.len();
        names.dedup();
        assert_eq!(names.len(), all, "a name is registered twice");
    }
}

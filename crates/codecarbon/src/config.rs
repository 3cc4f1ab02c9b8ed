//! Where settings come from, lowest to highest: built-in defaults, `~/.codecarbon.config`,
//! `./.codecarbon.config` (INI, section `[codecarbon]`), `CODECARBON_*` environment variables,
//! and finally code or explicit command-line flags.
//!
//! A bad value of a known key is an error naming the key and where it came from (the file and
//! line, the variable, the flag or the method); an unknown key is a warning, since files written
//! by Python's `codecarbon config` carry keys we do not use (the first few are named, the others
//! counted). A name from a file or the environment (a key, a section, a file's path, a
//! variable's name) is shown with its control characters escaped. A config file that cannot be read
//! (not a regular file, too large, not UTF-8, not valid INI) and a `CODECARBON_*` variable that
//! is not UTF-8 are errors too: a setting the user wrote is never dropped in silence.

pub mod edit;
pub mod ini;

/// The largest config file read: a real one is a few hundred bytes, and a limit keeps a huge
/// file (or one growing without end) from filling the memory.
pub const MAX_BYTES: u64 = 1 << 20;

use codecarbon_core::config::key;
use codecarbon_core::output::{read_regular, OutputError};
use codecarbon_core::quote::printable;
use codecarbon_core::{Config, ConfigError, KeyStatus};
use ini::Document;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The file name CodeCarbon reads in the home and working directories.
pub const FILE_NAME: &str = ".codecarbon.config";

/// The section of a config file that holds the settings.
pub const SECTION: &str = "codecarbon";

/// The prefix of CodeCarbon's environment variables.
pub const ENV_PREFIX: &str = "CODECARBON_";

/// Why the configuration could not be resolved.
#[derive(Debug, Error)]
pub enum ConfigLoadError {
    /// A value does not fit its key.
    #[error(transparent)]
    Value(#[from] ConfigError),
    /// A config file exists but cannot be read: it is not a regular file (or a symlink to
    /// one), it is over [`MAX_BYTES`], or the system refused. Only regular files are read, so
    /// a FIFO cannot hang the start nor `/dev/zero` fill the memory.
    #[error("cannot use a config file: {}", printable(&.reason.to_string()))]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong, naming the file and how to fix it.
        reason: OutputError,
    },
    /// A config file is not valid INI.
    #[error("config file {}, {error}", shown(.path))]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line, and what is wrong with it.
        error: ini::SyntaxError,
    },
    /// A `CODECARBON_*` variable whose name or value is not UTF-8.
    #[error(
        "the environment variable {} is not valid UTF-8; set it to UTF-8 text, or unset it",
        printable(.name)
    )]
    NotUnicode {
        /// The variable's name, invalid bytes shown as `\u{fffd}`.
        name: String,
    },
}

/// One explicit setting, with where it came from (`--pue`, `builder method pue()`). Its
/// `Debug` hides the value of a secret key (`api_key`, tokens, passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct Setting {
    /// The key, CodeCarbon's name.
    pub key: String,
    /// Its text form.
    pub value: String,
    /// Where it came from, for error messages.
    pub origin: String,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = if codecarbon_core::config::is_secret(&self.key.to_ascii_lowercase()) {
            codecarbon_core::secret::HIDDEN
        } else {
            &self.value
        };
        f.debug_struct("Setting")
            .field("key", &self.key)
            .field("value", &value)
            .field("origin", &self.origin)
            .finish()
    }
}

/// The layers below code: the caller's own defaults, files and environment. Its `Debug` shows
/// the names of the `CODECARBON_*` variables only: the environment holds other programs'
/// secrets too.
#[derive(Clone, Default)]
pub struct ConfigSources {
    /// Defaults of the calling program, below every file (the CLI's `process` tracking mode
    /// when it runs a command, say), so a config file still wins.
    pub defaults: Vec<Setting>,
    /// `~/.codecarbon.config`, if there is a home directory.
    pub home_file: Option<PathBuf>,
    /// `./.codecarbon.config`.
    pub local_file: Option<PathBuf>,
    /// The process environment (only `CODECARBON_*` variables are read).
    pub env: Vec<(String, String)>,
    /// `CODECARBON_*` variables whose name or value is not UTF-8, by name (shown lossily):
    /// resolving is then an error, since the setting cannot be read.
    pub non_unicode_env: Vec<String>,
}

impl std::fmt::Debug for ConfigSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<&str> = self
            .env
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| k.to_ascii_uppercase().starts_with(ENV_PREFIX))
            .collect();
        f.debug_struct("ConfigSources")
            .field("defaults", &self.defaults)
            .field("home_file", &self.home_file)
            .field("local_file", &self.local_file)
            .field("env", &env)
            .field("non_unicode_env", &self.non_unicode_env)
            .finish()
    }
}

impl ConfigSources {
    /// The real files and environment of this process.
    pub fn from_process() -> Self {
        let (env, non_unicode_env) = split_env(std::env::vars_os());
        Self {
            defaults: Vec::new(),
            home_file: std::env::var_os("HOME").map(|h| PathBuf::from(h).join(FILE_NAME)),
            local_file: Some(PathBuf::from(FILE_NAME)),
            env,
            non_unicode_env,
        }
    }

    /// No files and no environment: defaults and code only.
    pub fn none() -> Self {
        Self::default()
    }
}

/// A file's name as a message shows it: the home directory comes from the environment, so
/// its control characters are escaped.
fn shown(path: &Path) -> String {
    printable(&path.display().to_string())
}

/// Whether `name` is one of ours: `CODECARBON_` (any case) and more.
fn is_ours(name: &[u8]) -> bool {
    name.len() > ENV_PREFIX.len()
        && name[..ENV_PREFIX.len()].eq_ignore_ascii_case(ENV_PREFIX.as_bytes())
}

/// The UTF-8 variables, and the names of the `CODECARBON_*` ones that are not UTF-8 (other
/// programs' variables are none of our business).
fn split_env(
    vars: impl IntoIterator<Item = (OsString, OsString)>,
) -> (Vec<(String, String)>, Vec<String>) {
    let mut env = Vec::new();
    let mut non_unicode = Vec::new();
    for (name, value) in vars {
        let ours = is_ours(name.as_encoded_bytes());
        match (name.into_string(), value.into_string()) {
            (Ok(name), Ok(value)) => env.push((name, value)),
            (Ok(name), Err(_)) if ours => non_unicode.push(name),
            (Err(name), _) if ours => non_unicode.push(name.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    non_unicode.sort();
    (env, non_unicode)
}

/// A resolved configuration and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The settings.
    pub config: Config,
    /// Things the user should know (unknown keys).
    pub warnings: Vec<ConfigWarning>,
}

/// Something about the settings the user should know: the sentence, and, for a program that
/// routes the tracker's `tracing` events, the key and the place it is about (the `key` and
/// `origin` fields of the event). Names from a file or the environment are escaped, as in the
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The whole sentence, as the console prints it.
    pub message: String,
    /// The setting it is about.
    pub key: Option<String>,
    /// Where that was written: `path, line N`, `environment variable X`, `--flag`.
    pub origin: Option<String>,
}

impl ConfigWarning {
    fn new(message: String) -> Self {
        Self {
            message,
            key: None,
            origin: None,
        }
    }

    fn key(mut self, key: &str) -> Self {
        self.key = Some(key.to_string());
        self
    }

    fn origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_string());
        self
    }
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The most unknown settings named one by one; the others are counted. A file of a hundred
/// thousand keys (a mistake, or a cloned repository's) must not flood the terminal.
const UNKNOWN_NAMED: usize = 10;

/// What setting the layers met on the way: unknown keys (named up to [`UNKNOWN_NAMED`]) and
/// deprecated names (each named).
#[derive(Default)]
struct Notes {
    unknown: Vec<ConfigWarning>,
    renamed: Vec<ConfigWarning>,
}

/// Sets `key` and returns the key it set (the name to use, for a deprecated one); a key nobody
/// knows, or a deprecated name, goes to `notes` as a warning that names it.
fn apply(
    config: &mut Config,
    notes: &mut Notes,
    key: &str,
    value: &str,
    origin: &str,
) -> Result<String, ConfigError> {
    let status = config.set(key, value, origin)?;
    let key = key.trim().to_ascii_lowercase();
    match status {
        // A linked plugin's declared setting is `Known` already.
        KeyStatus::Unknown => {
            // The key is the user's text: a control character in it must not reach the terminal.
            let shown = printable(&key);
            let message = format!("unknown setting `{shown}` in {origin} is ignored");
            notes
                .unknown
                .push(ConfigWarning::new(message).key(&shown).origin(origin));
        }
        KeyStatus::Renamed { key: now } => {
            let message = format!(
                "`{key}` in {origin} is deprecated: it sets `{now}`, the name to use instead"
            );
            notes
                .renamed
                .push(ConfigWarning::new(message).key(now).origin(origin));
            return Ok(now.to_string());
        }
        _ => {}
    }
    Ok(key)
}

/// The first [`UNKNOWN_NAMED`] warnings about unknown settings, and a count of the others.
fn name_a_few(mut unknown: Vec<ConfigWarning>) -> Vec<ConfigWarning> {
    if unknown.len() > UNKNOWN_NAMED {
        let more = unknown.len() - UNKNOWN_NAMED;
        unknown.truncate(UNKNOWN_NAMED);
        unknown.push(ConfigWarning::new(format!(
            "{more} more unknown settings are ignored"
        )));
    }
    unknown
}

/// The settings of a config file (`[codecarbon]`, with `[DEFAULT]`'s keys), each with its
/// origin (`path, line N`); `None` when there is no file or no `[codecarbon]` in it (as in
/// Python's `configparser`, the section is case-sensitive). A section that is `[codecarbon]` but
/// for case or blanks is ignored with a warning, as `configparser` ignores it, and so is text
/// after the `]` of a header of a section read.
fn read_file(
    path: &Path,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Option<Vec<Setting>>, ConfigLoadError> {
    let bytes = match read_regular(path, MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(reason) => {
            return Err(ConfigLoadError::File {
                path: path.to_path_buf(),
                reason,
            })
        }
    };
    let doc = Document::parse(&bytes).map_err(|error| ConfigLoadError::Syntax {
        path: path.to_path_buf(),
        error,
    })?;
    let shown = shown(path);
    for section in &doc.sections {
        if section.name != SECTION && section.name.trim().eq_ignore_ascii_case(SECTION) {
            let message = format!(
                "section [{}] of {shown}, line {}, is ignored: the section read is \
                 [{SECTION}], in lower case without blanks",
                printable(&section.name),
                section.line
            );
            let origin = format!("{shown}, line {}", section.line);
            warnings.push(ConfigWarning::new(message).origin(&origin));
        }
        if [SECTION, ini::DEFAULT_SECTION].contains(&section.name.as_str()) {
            for line in &section.text_after_header {
                let message = format!(
                    "{shown}, line {line}: the text after [{}] is ignored, as Python's \
                     configparser ignores it; put it on a line of its own (a comment starts \
                     with `#` or `;`)",
                    section.name
                );
                let origin = format!("{shown}, line {line}");
                warnings.push(ConfigWarning::new(message).origin(&origin));
            }
        }
    }
    Ok(doc.section(SECTION).map(|entries| {
        entries
            .into_iter()
            .map(|e| Setting {
                origin: format!("{shown}, line {}", e.line),
                key: e.key,
                value: e.value,
            })
            .collect()
    }))
}

/// Resolves every layer into one `Config`.
pub fn resolve(sources: &ConfigSources, explicit: &[Setting]) -> Result<Resolved, ConfigLoadError> {
    let mut config = Config::default();
    let mut warnings = Vec::new();
    let mut notes = Notes::default();
    // The layer that set each key last (defaults 0, home file 1, local file 2, environment 3,
    // explicit 4): an `output_methods` set in any of them silences CodeCarbon's output
    // switches, and a setting that implies an output yields to a higher one.
    let mut layers: BTreeMap<String, usize> = BTreeMap::new();
    let mut set = |config: &mut Config,
                   notes: &mut Notes,
                   layer: usize,
                   (key, value, origin): (&str, &str, &str)| {
        let key = apply(config, notes, key, value, origin)?;
        layers.insert(key, layer);
        Ok::<(), ConfigError>(())
    };
    for s in &sources.defaults {
        set(&mut config, &mut notes, 0, (&s.key, &s.value, &s.origin))?;
    }
    for (layer, path) in [(1, &sources.home_file), (2, &sources.local_file)] {
        let Some(path) = path else { continue };
        for s in read_file(path, &mut warnings)?.unwrap_or_default() {
            let setting = (s.key.as_str(), s.value.as_str(), s.origin.as_str());
            set(&mut config, &mut notes, layer, setting)?;
        }
    }
    if let Some(name) = sources.non_unicode_env.first() {
        return Err(ConfigLoadError::NotUnicode { name: name.clone() });
    }
    let mut env: Vec<_> = sources
        .env
        .iter()
        .filter(|(k, _)| is_ours(k.as_bytes()))
        .collect();
    env.sort();
    for (name, value) in env {
        let key = name[ENV_PREFIX.len()..].to_ascii_lowercase();
        let origin = format!("environment variable {}", printable(name));
        set(&mut config, &mut notes, 3, (&key, value, &origin))?;
    }
    for s in explicit {
        set(&mut config, &mut notes, 4, (&s.key, &s.value, &s.origin))?;
    }
    warnings.extend(notes.renamed);
    warnings.extend(name_a_few(notes.unknown));
    warnings.extend(implied_outputs(&mut config, &layers));
    Ok(Resolved { config, warnings })
}

/// CodeCarbon's switches that add an output (`save_to_api = true`), with the output and whether
/// they ask for it, so that a user coming from Python keeps their config file and gets the same
/// outputs.
fn switches(config: &Config) -> [(&'static str, &'static str, bool); 3] {
    [
        (key::save_to_api, "api", config.save_to_api),
        (key::save_to_logger, "logger", config.save_to_logger),
        (
            key::save_to_prometheus,
            "prometheus",
            config.save_to_prometheus,
        ),
    ]
    .map(|(key, method, on)| (key, method, on == Some(true)))
}

/// The declared settings that imply an output when set (an `emissions_endpoint`:
/// [`Spec::implied_output`](codecarbon_core::settings::Spec::implied_output)), with the output
/// and whether they are set.
fn implying_settings(config: &Config) -> Vec<(&'static str, &'static str, bool)> {
    codecarbon_core::settings::all()
        .into_iter()
        .filter_map(|s| {
            let method = s.implied_output()?;
            let set = config.extra.value(s.key()).is_some();
            Some((s.key(), method, set))
        })
        .collect()
}

/// Adds the outputs that CodeCarbon's switches ask for, removes `csv` for
/// `save_to_file = false`, and warns about what this build cannot do (Logfire).
///
/// As in CodeCarbon (`_resolve_output_methods`), an `output_methods` set anywhere (a file, the
/// environment, code or a flag) names the outputs, and the `save_to_*` switches are then
/// ignored, with a warning where one would have changed the list. A declared setting that
/// implies an output (`emissions_endpoint`) yields to an `output_methods` of a higher layer
/// only. An output a switch or setting asks for that cannot work here (the `api` output
/// offline, say) is left out with a warning: the user did not name it.
fn implied_outputs(config: &mut Config, layers: &BTreeMap<String, usize>) -> Vec<ConfigWarning> {
    let methods_layer = layers.get(key::output_methods).copied();
    let counts = |key: &str| {
        layers
            .get(key)
            .is_some_and(|l| methods_layer.is_none_or(|m| *l >= m))
    };
    let mut warnings = Vec::new();
    let ignored = |key: &str, what: String| {
        ConfigWarning::new(format!(
            "`{key}` is ignored: `output_methods` is set, and names the outputs, as in \
             CodeCarbon; {what}"
        ))
        .key(key)
    };
    let mut asked: Vec<(&str, &str)> = Vec::new();
    for (key, method, asks) in switches(config) {
        let has = config.output_methods.iter().any(|m| m == method);
        match (methods_layer, asks && layers.contains_key(key)) {
            (_, false) => {}
            (Some(_), true) if !has => warnings.push(ignored(
                key,
                format!("add `{method}` to it for that output"),
            )),
            (Some(_), true) => {}
            (None, true) => asked.push((key, method)),
        }
    }
    for (key, method, set) in implying_settings(config) {
        if set && counts(key) {
            asked.push((key, method));
        }
    }
    for (key, method) in asked {
        if config.output_methods.iter().any(|m| m == method) {
            continue;
        }
        match sink_works(config, method) {
            Ok(()) => config.output_methods.push(method.to_string()),
            Err(why) => warnings.push(
                ConfigWarning::new(format!(
                    "`{key}` asks for the `{method}` output, which {why}: it is left out"
                ))
                .key(key),
            ),
        }
    }
    if layers.contains_key(key::save_to_file) && config.save_to_file == Some(false) {
        match methods_layer {
            None => config.output_methods.retain(|m| m != "csv"),
            Some(_) if config.output_methods.iter().any(|m| m == "csv") => warnings.push(ignored(
                key::save_to_file,
                "remove `csv` from it for no CSV".into(),
            )),
            Some(_) => {}
        }
    }
    if config.save_to_logfire == Some(true) && methods_layer.is_none() {
        let message = format!(
            "`{}` is set, but this build has no Logfire output; it is ignored (the `otlp` output \
             speaks OpenTelemetry, which Logfire accepts)",
            key::save_to_logfire
        );
        warnings.push(ConfigWarning::new(message).key(key::save_to_logfire));
    }
    warnings
}

/// Whether the output `method` is linked and can work with this configuration.
fn sink_works(config: &Config, method: &str) -> Result<(), String> {
    use codecarbon_core::{registry::plugins_of, PluginKind};
    let sinks = plugins_of(PluginKind::Sink);
    let Some(sink) = sinks.iter().find(|p| p.name == method) else {
        return Err("this build lacks".into());
    };
    match sink.probe(config).reason() {
        None => Ok(()),
        Some(why) => Err(format!("cannot work here ({why})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sources(dir: &Path, home: &str, local: &str, env: &[(&str, &str)]) -> ConfigSources {
        std::fs::write(dir.join("home.config"), home).unwrap();
        std::fs::write(dir.join("local.config"), local).unwrap();
        ConfigSources {
            defaults: vec![Setting {
                key: "tracking_mode".into(),
                value: "process".into(),
                origin: "default".into(),
            }],
            home_file: Some(dir.join("home.config")),
            local_file: Some(dir.join("local.config")),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            non_unicode_env: Vec::new(),
        }
    }

    fn setting(key: &str, value: &str) -> Setting {
        Setting {
            key: key.into(),
            value: value.into(),
            origin: format!("--{key}"),
        }
    }

    #[test]
    fn each_layer_overrides_the_one_below() {
        let dir = tempfile::tempdir().unwrap();
        let home =
            "[codecarbon]\nproject_name = home\npue = 1.1\nwue = 1\nmeasure_power_secs = 3\n\
                    tracking_mode = machine\n";
        let local = "[codecarbon]\npue = 1.2\nwue = 2\nMeasure_Power_Secs: 4\n";
        let env = [
            ("CODECARBON_WUE", "3"),
            ("CODECARBON_MEASURE_POWER_SECS", "5"),
            ("PATH", "/x"),
        ];
        let s = sources(dir.path(), home, local, &env);
        let r = resolve(&s, &[setting("measure_power_secs", "6")]).unwrap();
        assert_eq!(r.config.project_name, "home");
        assert_eq!(
            r.config.tracking_mode,
            codecarbon_core::TrackingMode::Machine
        );
        assert_eq!(r.config.pue, 1.2);
        assert_eq!(r.config.wue.value(), 3.0);
        assert_eq!(r.config.measure_power_secs, Duration::from_secs(6));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn missing_files_and_other_sections_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let s = ConfigSources {
            home_file: Some(dir.path().join("absent")),
            local_file: Some(dir.path().join("other")),
            ..ConfigSources::none()
        };
        std::fs::write(dir.path().join("other"), "[other]\npue = nonsense\n").unwrap();
        let r = resolve(&s, &[]).unwrap();
        assert_eq!(r.config, Config::default());
    }

    #[test]
    fn a_bad_value_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let s = sources(
            dir.path(),
            "",
            "[codecarbon]\nmeasure_power_secs = soon\n",
            &[],
        );
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains("measure_power_secs"), "{err}");
        assert!(err.contains("local.config"), "{err}");
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let s = ConfigSources {
            env: vec![("CODECARBON_TRACKING_MODE".into(), "cluster".into())],
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains("CODECARBON_TRACKING_MODE"), "{err}");
    }

    #[test]
    fn unknown_keys_warn_and_secrets_stay_quiet() {
        let dir = tempfile::tempdir().unwrap();
        let local = "[codecarbon]\napi_key = s3cret-value\nfavourite_colour = blue\n";
        let s = sources(dir.path(), "", local, &[]);
        let r = resolve(&s, &[]).unwrap();
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].message.contains("favourite_colour"));
        assert_eq!(r.warnings[0].key.as_deref(), Some("favourite_colour"));
        assert_eq!(r.config.extra.get("api_key"), Some("s3cret-value"));
        assert!(!format!("{r:?}").contains("s3cret"));
    }

    #[test]
    fn only_the_first_unknown_settings_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut local = String::from("[codecarbon]\n");
        for n in 0..1000 {
            local.push_str(&format!("k{n} = 1\n"));
        }
        let r = resolve(&sources(dir.path(), "", &local, &[]), &[]).unwrap();
        assert_eq!(r.warnings.len(), UNKNOWN_NAMED + 1, "{:?}", r.warnings);
        assert!(
            r.warnings[0].message.contains("`k0` in "),
            "{:?}",
            r.warnings
        );
        assert_eq!(
            r.warnings[UNKNOWN_NAMED].message,
            "990 more unknown settings are ignored"
        );
    }

    /// A deprecated name sets the setting it stands for, is named in a warning of its own (not
    /// counted among unknown keys), and its layer is the setting's.
    #[test]
    fn a_deprecated_name_sets_its_setting_and_says_so() {
        let s = ConfigSources {
            env: vec![("CODECARBON_CO2_SIGNAL_API_TOKEN".into(), "t0k3n".into())],
            ..ConfigSources::none()
        };
        let r = resolve(&s, &[]).unwrap();
        assert_eq!(
            r.config.extra.get("electricitymaps_api_token"),
            Some("t0k3n")
        );
        assert!(r.config.extra.get("co2_signal_api_token").is_none());
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        let warning = &r.warnings[0];
        assert!(
            warning.message.contains("`co2_signal_api_token`")
                && warning.message.contains("deprecated")
                && warning.message.contains("`electricitymaps_api_token`"),
            "{}",
            warning.message
        );
        assert_eq!(warning.key.as_deref(), Some("electricitymaps_api_token"));
        assert!(!warning.message.contains("t0k3n"));
    }

    #[test]
    fn codecarbon_output_switches_become_output_methods() {
        let s = ConfigSources {
            env: vec![
                ("CODECARBON_SAVE_TO_API".into(), "True".into()),
                ("CODECARBON_SAVE_TO_FILE".into(), "false".into()),
                ("CODECARBON_SAVE_TO_PROMETHEUS".into(), "false".into()),
                ("CODECARBON_SAVE_TO_LOGFIRE".into(), "yes".into()),
                (
                    "CODECARBON_EMISSIONS_ENDPOINT".into(),
                    "http://127.0.0.1:1/e".into(),
                ),
            ],
            ..ConfigSources::none()
        };
        let r = resolve(&s, &[]).unwrap();
        assert_eq!(r.config.output_methods, ["api", "http"]);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].message.contains("save_to_logfire"));
        assert_eq!(r.warnings[0].key.as_deref(), Some("save_to_logfire"));
    }

    /// As in CodeCarbon, an `output_methods` from any layer names the outputs: the switches,
    /// even from a higher layer, change nothing, and say so when they would have.
    #[test]
    fn output_methods_anywhere_silences_the_switches() {
        let dir = tempfile::tempdir().unwrap();
        let home = "[codecarbon]\noutput_methods = csv,json\n";
        let env = [
            ("CODECARBON_SAVE_TO_API", "true"),
            ("CODECARBON_SAVE_TO_LOGGER", "false"),
            ("CODECARBON_SAVE_TO_LOGFIRE", "true"),
        ];
        let explicit = [Setting {
            key: "save_to_file".into(),
            value: "false".into(),
            origin: "--flag".into(),
        }];
        let r = resolve(&sources(dir.path(), home, "", &env), &explicit).unwrap();
        assert_eq!(r.config.output_methods, ["csv", "json"]);
        let keys: Vec<_> = r.warnings.iter().map(|w| w.key.as_deref()).collect();
        assert_eq!(
            keys,
            [Some("save_to_api"), Some("save_to_file")],
            "{:?}",
            r.warnings
        );
        assert!(r.warnings[0].message.contains("`output_methods` is set"));
        assert!(r.warnings[0].message.contains("add `api`"));
        // A switch that agrees with the list is no news.
        let env = [("CODECARBON_SAVE_TO_API", "true")];
        let local = "[codecarbon]\noutput_methods = csv,api\n";
        let r = resolve(&sources(dir.path(), "", local, &env), &[]).unwrap();
        assert_eq!(r.config.output_methods, ["csv", "api"]);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn a_malformed_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = sources(dir.path(), "[codecarbon\npue = 1\n", "", &[]);
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains("home.config"), "{err}");
    }

    #[test]
    fn a_bad_value_in_a_file_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let local = "# settings\n[codecarbon]\nproject_name = x\nmeasure_power_secs = 1e19\n";
        let s = sources(dir.path(), "", local, &[]);
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains("local.config, line 4"), "{err}");
        assert!(err.contains("from 0.1 to 86400"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_and_default_section_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let local = "\u{feff}[DEFAULT]\nwue = 2\n[codecarbon]\npue = 1.4\n";
        let r = resolve(&sources(dir.path(), "", local, &[]), &[]).unwrap();
        assert_eq!((r.config.pue, r.config.wue.value()), (1.4, 2.0));
    }

    #[test]
    fn a_repeated_section_is_an_error_naming_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let home = "[codecarbon]\npue = 1.1\n\n[codecarbon]\npue = 1.2\n";
        let err = resolve(&sources(dir.path(), home, "", &[]), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("home.config, line 4: the section [codecarbon] is repeated"),
            "{err}"
        );
    }

    #[test]
    fn a_section_named_nearly_codecarbon_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let local = "[CodeCarbon]\npue = 1.4\n";
        let r = resolve(&sources(dir.path(), "", local, &[]), &[]).unwrap();
        assert_eq!(r.config.pue, 1.0);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(
            r.warnings[0].message.contains("[CodeCarbon]"),
            "{:?}",
            r.warnings
        );
        assert!(r.warnings[0].message.contains("line 1"), "{:?}", r.warnings);
        assert!(
            r.warnings[0]
                .origin
                .as_ref()
                .is_some_and(|o| o.ends_with(", line 1")),
            "{:?}",
            r.warnings
        );
    }

    /// Keys, section names, file and variable names are the user's text: no control
    /// character in them reaches a message raw (a title change, a screen clear).
    #[test]
    fn names_from_files_and_the_environment_are_escaped_in_messages() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("home\x1b[2J");
        std::fs::create_dir(&odd).unwrap();
        let local = "[codecarbon]\n\x1b]0;pwned\x07 = 1\n";
        std::fs::write(odd.join("local.config"), local).unwrap();
        let env = [
            ("CODECARBON_\x1b]0;env\x07", "1"),
            ("CODECARBON_PUE\u{85}", "x"),
        ];
        let s = ConfigSources {
            local_file: Some(odd.join("local.config")),
            env: env.map(|(k, v)| (k.into(), v.into())).to_vec(),
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains(r"CODECARBON_PUE\u{85}"), "{err}");
        let s = ConfigSources {
            env: s.env[..1].to_vec(),
            ..s
        };
        let warnings = resolve(&s, &[]).unwrap().warnings;
        let warnings = warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            warnings.contains(r"unknown setting `\x1b]0;pwned\x07`")
                && warnings.contains(r"home\x1b[2J")
                && warnings.contains(r"`\x1b]0;env\x07`")
                && warnings.contains(r"environment variable CODECARBON_\x1b]0;env\x07"),
            "{warnings}"
        );
        let bad = "[codecarbon]\n[codecarbon]\n";
        std::fs::write(odd.join("local.config"), bad).unwrap();
        let s = ConfigSources {
            local_file: Some(odd.join("local.config")),
            non_unicode_env: vec!["CODECARBON_\x1b[2J".into()],
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains(r"home\x1b[2J"), "{err}");
        std::fs::remove_file(odd.join("local.config")).unwrap();
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains(r"CODECARBON_\x1b[2J"), "{err}");
        let s = ConfigSources {
            local_file: Some(odd.clone()),
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(err.contains(r"home\x1b[2J"), "{err}");
        for message in [&err, &warnings] {
            assert!(!message.contains(['\x1b', '\x07', '\u{85}']), "{message:?}");
        }
    }

    #[test]
    fn text_after_a_header_read_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let local = "[codecarbon] pue = 1.4\nwue = 2\n[other] junk\n[DEFAULT] # fine\n";
        let r = resolve(&sources(dir.path(), "", local, &[]), &[]).unwrap();
        assert_eq!((r.config.pue, r.config.wue.value()), (1.0, 2.0));
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(
            r.warnings[0]
                .message
                .contains("local.config, line 1: the text after [codecarbon] is ignored"),
            "{:?}",
            r.warnings
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_that_is_not_a_regular_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.config");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let s = ConfigSources {
            local_file: Some(link),
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(
            err.contains("zero.config") && err.contains("a character device"),
            "{err}"
        );
    }

    #[test]
    fn an_unreadable_config_file_is_named_once_with_the_reason_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.config");
        let mut text = b"[codecarbon]\n".to_vec();
        text.resize(MAX_BYTES as usize, b'\n');
        std::fs::write(&big, &text).unwrap();
        let read = |path: &Path| {
            let s = ConfigSources {
                local_file: Some(path.to_path_buf()),
                ..ConfigSources::none()
            };
            resolve(&s, &[])
        };
        assert!(read(&big).is_ok(), "a file of exactly the limit is read");
        text.push(b'\n');
        std::fs::write(&big, &text).unwrap();
        let too_large = format!("more than the {MAX_BYTES} bytes");
        for (path, reason) in [
            (big.as_path(), too_large.as_str()),
            (dir.path(), "is a directory, not a regular file"),
        ] {
            let err = read(path).unwrap_err();
            assert!(matches!(err, ConfigLoadError::File { .. }), "{err:?}");
            let text = err.to_string();
            let named = path.display().to_string();
            assert_eq!(text.matches(&named).count(), 1, "{text}");
            assert!(text.starts_with("cannot use a config file: "), "{text}");
            assert!(text.contains(reason), "{text}");
            assert!(
                text.contains("move it away") || text.contains("remove it"),
                "{text}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_our_variables_must_be_unicode() {
        use std::os::unix::ffi::OsStringExt;
        let bytes = |b: &[u8]| OsString::from_vec(b.to_vec());
        let (env, bad) = split_env([
            (bytes(b"CODECARBON_PUE"), bytes(b"1.2")),
            (bytes(b"codecarbon_project_name"), bytes(b"caf\xe9")),
            (bytes(b"CODECARBON_\xff"), bytes(b"1")),
            (bytes(b"OTHER"), bytes(b"\xff")),
            (bytes(b"CODECARBON_"), bytes(b"\xff")),
        ]);
        assert_eq!(env, [("CODECARBON_PUE".to_string(), "1.2".to_string())]);
        assert_eq!(bad, ["CODECARBON_\u{fffd}", "codecarbon_project_name"]);
        let s = ConfigSources {
            non_unicode_env: bad,
            ..ConfigSources::none()
        };
        let err = resolve(&s, &[]).unwrap_err().to_string();
        assert!(
            err.contains("environment variable CODECARBON_\u{fffd} is not valid UTF-8"),
            "{err}"
        );
    }
}

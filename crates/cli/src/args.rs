//! The tracker's command-line options: one flag `--x-y` for each declared setting `x_y` that
//! has one (the tracker's own and every linked plugin's, from
//! [`codecarbon::core::settings::all`]), with its help from the declaration. A flag sets its key
//! only when given, so a config file's value is never hidden by a default of the command line.

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use codecarbon::config::Setting;
use codecarbon::core::config::key;
use codecarbon::core::settings::{self, first_sentence, Spec, ValueKind};

/// Options shared by `monitor`, `run` and `detect`: the settings given as flags.
#[derive(Debug, Clone, Default)]
pub struct TrackerArgs {
    given: Vec<Setting>,
}

/// The declared settings that have a flag.
fn flagged() -> impl Iterator<Item = &'static Spec> {
    settings::all().into_iter().filter(|s| s.has_flag())
}

/// The flag of `spec`, with its help: the declaration's first sentence, the possible values,
/// the default and the environment variable. A boolean is a flag without a value.
fn flag_of(spec: &'static Spec) -> Arg {
    // Read once: the short help is its first sentence.
    let help = spec.help_text();
    let mut notes = String::new();
    if let ValueKind::OneOf(words) = spec.kind() {
        notes.push_str(&format!(" [possible values: {}]", words.join(", ")));
    }
    if let Some(default) = spec.default_text().filter(|d| !d.is_empty()) {
        notes.push_str(&format!(" [config default: {default}]"));
    }
    notes.push_str(&format!(" [env: {}]", spec.env_var()));
    let arg = Arg::new(spec.key())
        .long(spec.key().replace('_', "-"))
        .help(format!("{}{notes}", first_sentence(&help)))
        .long_help(format!("{help}{notes}"));
    match spec.kind() {
        ValueKind::Bool => arg.action(ArgAction::SetTrue),
        kind => arg
            .value_name(spec.value_name_text())
            .action(ArgAction::Set)
            .allow_hyphen_values(matches!(kind, ValueKind::Number(_) | ValueKind::Count(..))),
    }
}

impl Args for TrackerArgs {
    fn augment_args(cmd: Command) -> Command {
        flagged().fold(cmd, |cmd, spec| cmd.arg(flag_of(spec)))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for TrackerArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let given = flagged()
            .filter_map(|spec| {
                let value = match spec.kind() {
                    ValueKind::Bool => matches.get_flag(spec.key()).then(|| "true".to_string()),
                    _ => matches.get_one::<String>(spec.key()).cloned(),
                }?;
                Some(Setting {
                    key: spec.key().to_string(),
                    value,
                    origin: spec.flag(),
                })
            })
            .collect();
        Ok(Self { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl TrackerArgs {
    /// The flags given, as settings with their flag as origin.
    pub fn settings(&self) -> Vec<Setting> {
        self.given.clone()
    }

    /// Installs the process's `tracing` subscriber for a tracker of `builder`, at its
    /// `log_level` (see [`crate::diagnostics`]), so that the tracker's first message, a warning
    /// about the settings at `build()`, is already shown as the settings ask.
    pub(crate) fn console(&self, builder: &codecarbon::TrackerBuilder) {
        // Settings that cannot be resolved are `build()`'s error to report: the default here.
        let resolved = builder.resolve().ok();
        let config = resolved.as_ref().map(|r| &r.config);
        crate::diagnostics::install(crate::diagnostics::Console {
            log_level: config.map_or(crate::diagnostics::DEFAULT_LEVEL, |c| &c.log_level),
            flag: self.given.iter().any(|s| s.key == key::log_level),
            logger_records: config.is_some_and(|c| c.output_methods.iter().any(|m| m == "logger")),
        });
    }

    /// A tracker builder with the config layers and these flags, below which `defaults` sit.
    pub fn builder(&self, defaults: &[(&str, &str)]) -> codecarbon::TrackerBuilder {
        // A command-line tool talks only when something needs attention, unless asked.
        let mut builder = codecarbon::EmissionsTracker::builder()
            .default_value(key::log_level, crate::diagnostics::DEFAULT_LEVEL);
        for (key, value) in defaults {
            builder = builder.default_value(key, value);
        }
        self.settings()
            .into_iter()
            .fold(builder, |b, setting| b.setting(setting))
    }
}

/// CodeCarbon's `--api/--no-api` of `monitor`: `save_to_api = true` or `false`, given as a
/// flag. CodeCarbon's default is `--api` (a run then needs an `experiment_id`); here the `api`
/// output is on only when asked for, so `--no-api` mostly changes nothing, and says so.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct ApiSwitch {
    /// Send the run to the CodeCarbon API: `save_to_api = true` (an `output_methods` that is
    /// set wins over it, as in CodeCarbon).
    #[arg(long, overrides_with = "no_api")]
    api: bool,
    /// Accepted for CodeCarbon's scripts: `save_to_api = false`. The `api` output is off
    /// unless asked for, so this changes nothing but a `save_to_api = true` of a config file.
    #[arg(long, overrides_with = "api")]
    no_api: bool,
}

impl ApiSwitch {
    /// `tracker`, with `save_to_api` set when `--api` or `--no-api` was given.
    pub(crate) fn applied_to(self, tracker: &TrackerArgs) -> TrackerArgs {
        let mut tracker = tracker.clone();
        let (flag, value) = match (self.api, self.no_api) {
            (true, _) => ("--api", "true"),
            (_, true) => ("--no-api", "false"),
            _ => return tracker,
        };
        tracker.given.push(Setting {
            key: key::save_to_api.to_string(),
            value: value.into(),
            origin: flag.into(),
        });
        tracker
    }

    /// Says, once, what `--no-api` did for a tracker of `builder`. Call it once the console
    /// is set up.
    pub(crate) fn explain(self, builder: &codecarbon::TrackerBuilder) {
        if !self.no_api {
            return;
        }
        let api_on = builder
            .resolve()
            .is_ok_and(|r| r.config.output_methods.iter().any(|m| m == "api"));
        if api_on {
            tracing::warn!(
                target: "codecarbon::cli",
                "--no-api leaves the `api` output on: `output_methods` names it, and wins over \
                 --no-api, as in CodeCarbon"
            );
        } else {
            tracing::warn!(
                target: "codecarbon::cli",
                "--no-api is CodeCarbon's flag and changes nothing here: the `api` output is \
                 off unless asked for (--api, `output_methods` or `save_to_api`)"
            );
        }
    }
}

//! `example-board`: the CPU's power, read from a file in which a board publishes it in watts.

use crate::settings::{BoardSettings, POWER_FILE_KEY};
use crate::BOARD;
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    BuildError, Component, Config, Method, PowerSource, Probe, Reading, SampleContext, SourceError,
    SourceInfo, TrackingMode, Watts,
};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The CPU power that a board publishes in a file, as one decimal number of watts (`12.5`).
///
/// Each sample reads the file again and counts that power over the time since the previous
/// sample. In `machine` tracking mode the whole power counts. In `process` mode the tracked
/// processes get their share of the machine's CPU time since the previous sample, as the `tdp`
/// model does (the first process-mode sample sets the baseline and reads 0 W); when the engine
/// knows no process usage, the whole power counts.
///
/// ```
/// use codecarbon_core::{PowerSource, SampleContext, TrackingMode};
/// use codecarbon_example_plugin::ExampleBoard;
/// use std::time::Duration;
///
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("cpu_power");
/// std::fs::write(&file, "12.5\n")?;
/// let mut board = ExampleBoard::new(&file);
/// let ctx = SampleContext::new(Duration::from_secs(2), TrackingMode::Machine, 4);
/// assert_eq!(board.sample(&ctx)?.energy.value(), 25.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExampleBoard {
    path: PathBuf,
    /// The tracked processes' CPU time at the previous process-mode sample.
    cpu_time: Option<Duration>,
}

impl ExampleBoard {
    /// A board whose CPU power is in `path`. Nothing is read until [`ExampleBoard::read_power`]
    /// or the first sample.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            cpu_time: None,
        }
    }

    /// The board that the setting `example_board_power_file` names, once one read has shown
    /// that its file holds watts: [`ExampleBoard::from_settings`] of the settings in `config`,
    /// a value that does not fit its declaration being [`BuildError::Invalid`].
    pub fn from_config(config: &Config) -> Result<Self, BuildError> {
        let settings =
            BoardSettings::from_config(config).map_err(|e| BuildError::invalid(BOARD, e))?;
        Self::from_settings(&settings)
    }

    /// The board that `settings` name, once one read has shown that its file holds watts.
    ///
    /// [`BuildError::Unavailable`] (the engine then tries the next CPU power source) when the
    /// setting is missing or the file is gone; [`BuildError::Invalid`] (the run does not start,
    /// and the message says what to fix) when the file exists but cannot be read or does not
    /// hold watts, since the user asked for this board.
    pub fn from_settings(settings: &BoardSettings) -> Result<Self, BuildError> {
        let unavailable = |message: String| BuildError::unavailable(BOARD, message);
        let Some(path) = &settings.example_board_power_file else {
            return Err(unavailable(format!("{POWER_FILE_KEY} is not set")));
        };
        let board = Self::new(path);
        match board.read_power() {
            Ok(_) => Ok(board),
            Err(SourceError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Err(unavailable(format!("{} is gone", board.path.display())))
            }
            Err(e) => Err(BuildError::invalid(BOARD, e)),
        }
    }

    /// The file this board reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the board's CPU power now.
    ///
    /// A file that cannot be read is a [`SourceError::Read`] whose hint says how to fix it; a
    /// file that does not hold a finite, non-negative number is a [`SourceError::Other`].
    pub fn read_power(&self) -> Result<Watts, SourceError> {
        let text = std::fs::read_to_string(&self.path).map_err(|source| {
            let hint = read_hint(&self.path, &source);
            SourceError::read(&self.path, source, hint)
        })?;
        parse_watts(&text).ok_or_else(|| {
            SourceError::Other(format!(
                "{} holds {:?}, not a power in watts; the board should write one number such \
                 as 12.5 (check that {POWER_FILE_KEY} names its power file)",
                self.path.display(),
                text.trim()
            ))
        })
    }

    /// The share of the board's power that the tracked work gets over this sample.
    fn share(&mut self, ctx: &SampleContext) -> f64 {
        let usage = match (ctx.tracking_mode, ctx.process) {
            (TrackingMode::Process, Some(usage)) => usage,
            _ => {
                self.cpu_time = None;
                return 1.0;
            }
        };
        let Some(previous) = self.cpu_time.replace(usage.cpu_time) else {
            return 0.0;
        };
        let capacity = ctx.elapsed.as_secs_f64() * ctx.logical_cpus.max(1) as f64;
        if capacity <= 0.0 {
            return 0.0;
        }
        let used = usage.cpu_time.saturating_sub(previous).as_secs_f64();
        (used / capacity).clamp(0.0, 1.0)
    }
}

impl PowerSource for ExampleBoard {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Cpu,
            BOARD,
            Method::Measured,
            format!(
                "CPU power in watts read from {} (in process mode, shared out by CPU time)",
                self.path.display()
            ),
        )
        .with_count(1)
    }

    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        // The share first: it moves the CPU-time baseline even when the file cannot be read,
        // so the next sample does not count this interval's CPU time over a shorter span.
        let share = self.share(ctx);
        let power = self.read_power()? * share;
        Ok(Reading::new(
            power.over(ctx.elapsed),
            power,
            Method::Measured,
        ))
    }
}

/// A finite, non-negative number of watts, surrounded by any white space.
fn parse_watts(text: &str) -> Option<Watts> {
    let watts: f64 = text.trim().parse().ok()?;
    (watts.is_finite() && watts >= 0.0).then_some(Watts(watts))
}

/// How to fix a failed read of `path`.
fn read_hint(path: &Path, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => format!(
            "Let this user read it (`sudo chmod a+r {}`), or run codecarbon as a user who can",
            path.display()
        ),
        io::ErrorKind::NotFound => format!(
            "Check that the board's driver is running and that {POWER_FILE_KEY} names its \
             power file"
        ),
        _ => format!("Check that {POWER_FILE_KEY} names the board's power file"),
    }
}

/// Available when `example_board_power_file` names an existing file and `force_cpu_power` is
/// not set. Cheap and without side effects: it looks at the file's metadata, never its content.
/// The registry hands it the settings already parsed.
pub(crate) fn probe(config: &Config, settings: &BoardSettings) -> Probe {
    if config.force_cpu_power.is_some() {
        return Probe::Unavailable(
            "force_cpu_power is set, and it replaces any measured CPU power".into(),
        );
    }
    match &settings.example_board_power_file {
        None => Probe::Unavailable(format!(
            "{POWER_FILE_KEY} is not set; set it (or CODECARBON_{}) to the file holding the \
             board's CPU power in watts",
            POWER_FILE_KEY.to_ascii_uppercase()
        )),
        Some(path) if !path.is_file() => Probe::Unavailable(format!(
            "{} (from {POWER_FILE_KEY}) is not a file; check that the board's driver is running",
            path.display()
        )),
        Some(_) => Probe::Available,
    }
}

/// Builds the `example-board` plugin from its parsed settings.
pub(crate) fn build(
    _config: &Config,
    settings: &BoardSettings,
) -> Result<ExampleBoard, BuildError> {
    ExampleBoard::from_settings(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecarbon_core::{Gigabytes, KeyStatus, ProcessUsage};

    /// What the engine would pass after `elapsed`, in `mode`, with the tracked processes having
    /// used `cpu_time` since they started.
    fn ctx(elapsed: f64, mode: TrackingMode, cpu_time: Option<f64>) -> SampleContext {
        SampleContext::new(Duration::from_secs_f64(elapsed), mode, 4)
            .with_machine_cpu_load(0.5)
            .with_process(
                cpu_time
                    .map(|secs| ProcessUsage::new(Duration::from_secs_f64(secs), Gigabytes(0.1))),
            )
    }

    fn board_file(watts: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cpu_power");
        std::fs::write(&file, watts).unwrap();
        (dir, file)
    }

    /// The registry's call of the probe: the settings parsed from `config`.
    fn probe(config: &Config) -> Probe {
        super::probe(config, &BoardSettings::from_config(config).unwrap())
    }

    /// The registry's call of the build: the settings parsed from `config`.
    fn build(config: &Config) -> Result<ExampleBoard, BuildError> {
        super::build(config, &BoardSettings::from_config(config).unwrap())
    }

    fn config_with(file: &Path) -> Config {
        let mut config = Config::default();
        let status = config.set(POWER_FILE_KEY, &file.display().to_string(), "test");
        // Declared by this crate, so checked, known, and kept in `extra` for the plugin.
        assert_eq!(status, Ok(KeyStatus::Known));
        config
    }

    #[test]
    fn machine_mode_counts_the_whole_power_over_the_interval() {
        let (_dir, file) = board_file(" 12.5\n");
        let mut board = ExampleBoard::new(&file);
        let first = board
            .sample(&ctx(0.0, TrackingMode::Machine, None))
            .unwrap();
        assert_eq!(first.energy.value(), 0.0);
        let reading = board
            .sample(&ctx(2.0, TrackingMode::Machine, None))
            .unwrap();
        assert_eq!(reading.power, Watts(12.5));
        assert_eq!(reading.energy.value(), 25.0);
        assert_eq!(reading.method, Method::Measured);
        // The board changes its reading: the next sample sees it.
        std::fs::write(&file, "20").unwrap();
        let reading = board
            .sample(&ctx(1.0, TrackingMode::Machine, None))
            .unwrap();
        assert_eq!(reading.energy.value(), 20.0);
    }

    #[test]
    fn process_mode_shares_the_power_out_by_cpu_time() {
        let (_dir, file) = board_file("40");
        let mut board = ExampleBoard::new(&file);
        // The first process sample only sets the baseline.
        let first = board
            .sample(&ctx(0.0, TrackingMode::Process, Some(3.0)))
            .unwrap();
        assert_eq!(first.power, Watts(0.0));
        // 2 s of CPU time in 1 s on 4 CPUs: half the machine, 20 W.
        let reading = board
            .sample(&ctx(1.0, TrackingMode::Process, Some(5.0)))
            .unwrap();
        assert_eq!(reading.power, Watts(20.0));
        assert_eq!(reading.energy.value(), 20.0);
        // No process usage known: the whole power.
        let reading = board
            .sample(&ctx(1.0, TrackingMode::Process, None))
            .unwrap();
        assert_eq!(reading.power, Watts(40.0));
    }

    #[test]
    fn a_missing_file_is_a_read_error_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let mut board = ExampleBoard::new(dir.path().join("absent"));
        let err = board
            .sample(&ctx(1.0, TrackingMode::Machine, None))
            .unwrap_err();
        assert!(matches!(err, SourceError::Read { .. }), "{err:?}");
        assert!(err.to_string().contains(POWER_FILE_KEY), "{err}");
    }

    #[test]
    fn content_that_is_not_watts_is_refused() {
        for bad in ["", "twelve", "-3", "NaN", "inf"] {
            let (_dir, file) = board_file(bad);
            let err = ExampleBoard::new(&file).read_power().unwrap_err();
            assert!(matches!(err, SourceError::Other(_)), "{bad:?}: {err:?}");
            assert!(err.to_string().contains("12.5"), "{err}");
        }
    }

    #[test]
    fn probe_needs_the_setting_and_the_file() {
        let unset = probe(&Config::default());
        assert!(
            matches!(&unset, Probe::Unavailable(r) if r.contains("CODECARBON_EXAMPLE_BOARD_POWER_FILE")),
            "{unset:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let missing = probe(&config_with(&dir.path().join("absent")));
        assert!(
            matches!(&missing, Probe::Unavailable(r) if r.contains("is not a file")),
            "{missing:?}"
        );
        let (_dir, file) = board_file("5");
        let config = config_with(&file);
        assert_eq!(probe(&config), Probe::Available);
        let forced = Config {
            force_cpu_power: Some(Watts(30.0)),
            ..config
        };
        assert!(matches!(probe(&forced), Probe::Unavailable(r) if r.contains("force_cpu_power")));
    }

    #[test]
    fn build_refuses_a_file_that_does_not_hold_watts() {
        let (_dir, file) = board_file("hot");
        match build(&config_with(&file)) {
            Err(BuildError::Invalid { plugin, message }) => {
                assert_eq!(plugin, BOARD);
                assert!(message.contains("not a power in watts"), "{message}");
            }
            Err(e) => panic!("expected Invalid, got {e}"),
            Ok(_) => panic!("expected Invalid, got a plugin"),
        }
    }

    #[test]
    fn build_leaves_a_vanished_file_to_the_next_candidate() {
        let dir = tempfile::tempdir().unwrap();
        let result = build(&config_with(&dir.path().join("gone")));
        assert!(matches!(result, Err(BuildError::Unavailable { .. })));
    }
}

//! `example-log`: one line for people per flush, per task and at the end of the run.

use crate::settings::LogSettings;
use crate::LOG;
use codecarbon_core::output::{append_to, OutputError, OutputPaths};
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    async_trait, BuildError, Component, Config, EmissionsData, Probe, Provenance, Report, Sink,
    SinkError, TaskReport,
};
use std::path::Path;

/// Appends one line for people per flush, per task and at the end of the run:
///
/// ```text
/// 2025-01-02T03:04:05 "training" run 5f0c…: flush: 12.0 s, 0.042 Wh, 0.001 g CO2eq at 32.1 g/kWh; cpu 12.50 W (example-board, measured), ram 3.00 W (ram_dimm, estimated)
/// 2025-01-02T03:04:06 "training" run 5f0c…: task "epoch 1": 0.5 s, ...
/// 2025-01-02T03:04:09 "training" run 5f0c…: final: 15.0 s, ...
/// ```
///
/// It follows core's rule for files, as the built-in CSV and JSON sinks do: never through a
/// link planted at the log, never into a FIFO or device, created 0644. Writers of one file, in
/// threads or processes, take the advisory lock `.{file}.lock` beside it, and each line is
/// appended wholly or not at all (a full disk leaves no torn line), so lines never interleave.
///
/// ```
/// use codecarbon_example_plugin::ExampleLog;
///
/// let dir = tempfile::tempdir()?;
/// let log = ExampleLog::new(&dir.path().join("logs"), "runs.log")?;
/// assert_eq!(log.path(), dir.path().join("logs/runs.log"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ExampleLog {
    paths: OutputPaths,
}

impl ExampleLog {
    /// A log at `output_dir.join(file)` (`file` may be absolute). Creates the directory if
    /// needed and proves it writable now, so that a bad directory fails when the run starts,
    /// not at its end.
    pub fn new(output_dir: &Path, file: &str) -> Result<Self, OutputError> {
        let paths = OutputPaths::new(output_dir, file)?;
        paths.prepare()?;
        Ok(Self { paths })
    }

    /// The log that `example_log_file` names in `config`: [`ExampleLog::from_settings`] of
    /// the settings in `config`, a value that does not fit its declaration (one put in
    /// `Config::extra` by hand: one set through `Config::set` was checked there) being
    /// [`BuildError::Invalid`].
    pub fn from_config(config: &Config) -> Result<Self, BuildError> {
        let settings = LogSettings::from_config(config).map_err(|e| BuildError::invalid(LOG, e))?;
        Self::from_settings(config, &settings)
    }

    /// The log that `settings` name, relative to `output_dir` (default `example.log`).
    ///
    /// [`BuildError::Invalid`] when the log cannot be written: the user asked for this output,
    /// so the run does not start without it.
    pub fn from_settings(config: &Config, settings: &LogSettings) -> Result<Self, BuildError> {
        Self::new(&config.output_dir, settings.file()).map_err(|e| BuildError::invalid(LOG, e))
    }

    /// The file this log appends to.
    pub fn path(&self) -> &Path {
        self.paths.file()
    }

    /// Appends `line` under the lock, wholly or not at all.
    fn append(&self, line: &str) -> Result<(), SinkError> {
        let failed = |e: OutputError| SinkError::Other(format!("{LOG}: {e}"));
        let lock = self.paths.acquire_lock().map_err(failed)?;
        append_to(self.paths.file(), line.as_bytes()).map_err(failed)?;
        drop(lock);
        Ok(())
    }
}

#[async_trait]
impl Sink for ExampleLog {
    // `record` (every measure interval) keeps its default, which does nothing: people want a
    // line when something happens, not every 15 seconds.

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.append(&line("flush", &report.data, &report.provenance))
    }

    async fn task(&mut self, task: &TaskReport) -> Result<(), SinkError> {
        let what = format!("task {:?}", task.task_name);
        self.append(&line(&what, &task.data, &task.provenance))
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.append(&line("final", &report.data, &report.provenance))
    }
}

/// One line, ending with `\n`. Names are quoted with escapes, so a name holding a line break
/// cannot split the line.
fn line(what: &str, data: &EmissionsData, provenance: &Provenance) -> String {
    let powers = [
        (Component::Cpu, data.cpu_power),
        (Component::Gpu, data.gpu_power),
        (Component::Ram, data.ram_power),
    ];
    let components: Vec<String> = powers
        .into_iter()
        .filter_map(|(component, power)| {
            let sources: Vec<String> = provenance
                .components
                .iter()
                .filter(|c| c.component == component)
                .map(|c| format!("{}, {}", c.source, c.method))
                .collect();
            (!sources.is_empty()).then(|| {
                format!(
                    "{component} {:.2} W ({})",
                    power.value(),
                    sources.join("; ")
                )
            })
        })
        .collect();
    let intensity = provenance
        .intensity
        .as_ref()
        .map(|i| format!(" at {:.1} g/kWh", i.value.value()))
        .unwrap_or_default();
    format!(
        "{} {:?} run {}: {what}: {:.1} s, {:.3} Wh, {:.3} g CO2eq{intensity}; {}\n",
        data.timestamp,
        data.project_name,
        data.run_id,
        data.duration.as_secs_f64(),
        data.energy_consumed.value() * 1000.0,
        data.emissions.value() * 1000.0,
        components.join(", ")
    )
}

/// Always available: a sink is chosen by name from `output_methods`, and a directory that
/// cannot be written is an error of [`build`], which names it.
pub(crate) fn probe(_config: &Config, _settings: &LogSettings) -> Probe {
    Probe::Available
}

/// Builds the `example-log` plugin from its parsed settings. A log that cannot be written is
/// the user's to fix, so it is [`BuildError::Invalid`]: the run does not start without the
/// output they asked for.
pub(crate) fn build(config: &Config, settings: &LogSettings) -> Result<ExampleLog, BuildError> {
    ExampleLog::from_settings(config, settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_example_log_in_output_dir() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            output_dir: dir.path().join("out"),
            ..Config::default()
        };
        let log = ExampleLog::from_config(&config).unwrap();
        assert_eq!(log.path(), dir.path().join("out/example.log"));
    }

    #[test]
    fn the_setting_names_the_file_relative_to_output_dir_or_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            output_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        config
            .set(crate::LOG_FILE_KEY, "sub/runs.log", "test")
            .unwrap();
        let log = ExampleLog::from_config(&config).unwrap();
        assert_eq!(log.path(), dir.path().join("sub/runs.log"));
        let absolute = dir.path().join("elsewhere.log");
        config
            .set(crate::LOG_FILE_KEY, &absolute.display().to_string(), "test")
            .unwrap();
        assert_eq!(ExampleLog::from_config(&config).unwrap().path(), absolute);
    }

    /// The line of a flush appended to `log`: its error, if any, as text.
    fn flush(log: &mut ExampleLog) -> Result<(), String> {
        let line = line("flush", &EmissionsData::default(), &Provenance::default());
        log.append(&line).map_err(|e| e.to_string())
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_a_fifo_planted_at_the_log_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = ExampleLog::new(dir.path(), "runs.log").unwrap();
        flush(&mut log).unwrap();
        assert_eq!(
            std::fs::read_to_string(log.path()).unwrap().lines().count(),
            1
        );

        // A link planted between two lines: its target is not written through.
        let target = dir.path().join("passwd");
        std::fs::write(&target, "root:x:0:0\n").unwrap();
        std::fs::remove_file(log.path()).unwrap();
        std::os::unix::fs::symlink(&target, log.path()).unwrap();
        let err = flush(&mut log).unwrap_err();
        assert!(err.contains("runs.log is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "root:x:0:0\n");

        // A FIFO: refused at once, where opening it to write would wait for a reader forever.
        std::fs::remove_file(log.path()).unwrap();
        let name = std::ffi::CString::new(log.path().as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
        let err = flush(&mut log).unwrap_err();
        assert!(
            err.contains("a FIFO (named pipe), not a regular file"),
            "{err}"
        );
    }

    #[test]
    fn an_unusable_directory_is_an_invalid_build() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let config = Config {
            output_dir: blocker,
            ..Config::default()
        };
        let settings = LogSettings::from_config(&config).unwrap();
        match build(&config, &settings) {
            Err(BuildError::Invalid { plugin, message }) => {
                assert_eq!(plugin, LOG);
                assert!(message.contains("set `output_dir`"), "{message}");
            }
            Err(e) => panic!("expected Invalid, got {e}"),
            Ok(_) => panic!("expected Invalid, got a plugin"),
        }
    }
}

//! `example-log`: one line for people per flush, per task and at the end of the run.

use crate::{DEFAULT_LOG_FILE, LOG, LOG_FILE_KEY};
use codecarbon_core::output::{LockFile, OutputError, OutputPaths};
use codecarbon_core::{
    async_trait, BuildError, Component, Config, EmissionsData, Plugin, Probe, Provenance, Report,
    Sink, SinkError, TaskReport,
};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Appends one line for people per flush, per task and at the end of the run:
///
/// ```text
/// 2025-01-02T03:04:05 "training" run 5f0c…: flush: 12.0 s, 0.042 Wh, 0.001 g CO2eq at 32.1 g/kWh; cpu 12.50 W (example-board, measured), ram 3.00 W (ram_dimm, estimated)
/// 2025-01-02T03:04:06 "training" run 5f0c…: task "epoch 1": 0.5 s, ...
/// 2025-01-02T03:04:09 "training" run 5f0c…: final: 15.0 s, ...
/// ```
///
/// Writers of one file, in threads or processes, take the advisory lock `.{file}.lock` beside
/// it and write each line with one `write_all`, so lines never interleave.
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

    /// The log that `example_log_file` names, relative to `output_dir` (default `example.log`).
    pub fn from_config(config: &Config) -> Result<Self, OutputError> {
        let file = config
            .extra
            .get(LOG_FILE_KEY)
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .unwrap_or(DEFAULT_LOG_FILE);
        Self::new(&config.output_dir, file)
    }

    /// The file this log appends to.
    pub fn path(&self) -> &Path {
        self.paths.file()
    }

    /// Appends `line` under the lock.
    fn append(&self, line: &str) -> Result<(), SinkError> {
        let _lock = LockFile::acquire(&self.paths.lock())
            .map_err(|e| SinkError::Other(format!("{LOG}: {e}")))?;
        let path = self.paths.file();
        let io = |action| {
            move |source| SinkError::Io {
                action,
                path: path.to_path_buf(),
                source,
            }
        };
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(io("cannot open"))?;
        file.write_all(line.as_bytes())
            .map_err(io("cannot append to"))
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
pub(crate) fn probe(_config: &Config) -> Probe {
    Probe::Available
}

/// Builds the `example-log` plugin. A log that cannot be written is the user's to fix, so it
/// is [`BuildError::Invalid`]: the run does not start without the output they asked for.
pub(crate) fn build(config: &Config) -> Result<Plugin, BuildError> {
    let log = ExampleLog::from_config(config).map_err(|e| BuildError::Invalid {
        plugin: LOG,
        message: e.to_string(),
    })?;
    Ok(Plugin::Sink(Box::new(log)))
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
        config.set(LOG_FILE_KEY, "sub/runs.log", "test").unwrap();
        let log = ExampleLog::from_config(&config).unwrap();
        assert_eq!(log.path(), dir.path().join("sub/runs.log"));
        let absolute = dir.path().join("elsewhere.log");
        config
            .set(LOG_FILE_KEY, &absolute.display().to_string(), "test")
            .unwrap();
        assert_eq!(ExampleLog::from_config(&config).unwrap().path(), absolute);
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
        match build(&config) {
            Err(BuildError::Invalid { plugin, message }) => {
                assert_eq!(plugin, LOG);
                assert!(message.contains("set `output_dir`"), "{message}");
            }
            Err(e) => panic!("expected Invalid, got {e}"),
            Ok(_) => panic!("expected Invalid, got a plugin"),
        }
    }
}

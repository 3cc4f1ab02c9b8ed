//! `codecarbon config`: writes settings into a `.codecarbon.config` (INI, section
//! `[codecarbon]`), `~/.codecarbon.config` unless told another path, as CodeCarbon's `config`
//! does.
//!
//! - For scripts, the settings come as flags (one per declared setting, as for `monitor`) and
//!   `--set KEY=VALUE` (any key, `save_to_api` or `organization_id` too), and nothing is asked.
//! - On a terminal, with no setting given, it asks for the main ones ([`ASKED`]), each with its
//!   current value (or default) kept on Enter, and the key without echo.
//! - Without settings and without a terminal, there is nothing to do: an error says how to
//!   give them.
//!
//! Each setting is checked as the config reader checks it ([`Config::set`]): an unknown key or a
//! bad value is refused with the reader's words, and nothing is written. The file is replaced
//! whole and atomically, the rest of it kept as it was ([`codecarbon::config::edit`]); a new
//! file that holds a secret is made readable by its owner only. A secret is never printed.

use crate::args::TrackerArgs;
use crate::console::{stdout_failed, stdout_line};
use crate::diagnostics;
use codecarbon::config::{edit, Setting, FILE_NAME, MAX_BYTES};
use codecarbon::core::config::{is_secret, key};
use codecarbon::core::output::{read_regular, replace, Durability, OutputError};
use codecarbon::core::quote::printable;
use codecarbon::core::secret::HIDDEN;
use codecarbon::core::settings::{self, first_sentence};
use codecarbon::core::stderr_line;
use codecarbon::core::{Config, KeyStatus};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The settings asked for on a terminal, in this order: what a run, its place and the
/// CodeCarbon dashboard need.
pub(crate) const ASKED: [&str; 7] = [
    key::project_name,
    key::experiment_id,
    codecarbon::http::API_ENDPOINT,
    codecarbon::http::API_KEY,
    key::country_iso_code,
    key::output_dir,
    key::measure_power_secs,
];

/// `codecarbon config`'s options.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    tracker: TrackerArgs,
    /// The file to write [default: ~/.codecarbon.config, as CodeCarbon's `config`].
    #[arg(long, value_name = "FILE")]
    path: Option<PathBuf>,
    /// A setting to write, for any key (`--set save_to_api=true`); may be repeated.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// Why `config` stops, and its exit code.
struct Stop {
    message: String,
    code: u8,
}

impl Stop {
    /// Settings that cannot work or a usage error: 2.
    fn usage(message: impl Into<String>) -> Stop {
        Stop {
            message: message.into(),
            code: 2,
        }
    }

    /// A file that cannot be read or written: 1.
    fn io(message: impl Into<String>) -> Stop {
        Stop {
            message: message.into(),
            code: 1,
        }
    }
}

/// Runs `codecarbon config`: see the module's documentation.
pub fn config(args: &ConfigArgs) -> u8 {
    diagnostics::install(diagnostics::Console {
        log_level: diagnostics::DEFAULT_LEVEL,
        flag: false,
        logger_records: false,
    });
    match write_settings(args) {
        Ok(summary) => match stdout_line(summary.trim_end()) {
            Ok(()) => 0,
            Err(e) => stdout_failed(&e),
        },
        Err(stop) => {
            stderr_line!("codecarbon: error: {}", stop.message);
            stop.code
        }
    }
}

fn write_settings(args: &ConfigArgs) -> Result<String, Stop> {
    let mut given = args.tracker.settings();
    for pair in &args.set {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            Stop::usage(format!(
                "--set {}: write KEY=VALUE, as `--set country_iso_code=FRA`",
                printable(pair)
            ))
        })?;
        given.push(Setting {
            key: key.trim().to_string(),
            value: value.to_string(),
            origin: format!("--set {}", printable(key.trim())),
        });
    }
    let interactive = given.is_empty();
    if interactive && !io::stdin().is_terminal() {
        return Err(Stop::usage(
            "no setting to write: give them as flags (`--country-iso-code FRA`) or `--set \
             KEY=VALUE`, or run `codecarbon config` on a terminal to be asked",
        ));
    }
    let mut prompter = interactive.then(Prompter::terminal);
    let path = match (&args.path, prompter.as_mut()) {
        (Some(path), _) => path.clone(),
        (None, Some(prompter)) => prompter.path().map_err(asking_failed)?,
        (None, None) => home_file()?,
    };
    let existing = read_existing(&path)?;
    if let Some(prompter) = prompter.as_mut() {
        let current = current_values(existing.as_deref());
        given = prompter.settings(&current).map_err(asking_failed)?;
        if given.is_empty() {
            return Ok(format!("Nothing to change in {}.", path.display()));
        }
    }
    let checked = check(&given)?;
    let pairs: Vec<(&str, &str)> = checked
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let text = edit::with_settings(existing.as_deref(), &pairs).map_err(|e| match e {
        edit::EditError::Syntax(e) => Stop::usage(format!(
            "config file {}, {e}; it is left as it is",
            printable(&path.display().to_string())
        )),
        e => Stop::usage(e.to_string()),
    })?;
    let secret = checked.iter().any(|(k, _)| is_secret(k));
    write(&path, &text, secret && existing.is_none())?;
    let mut summary = format!("Wrote {}:\n", path.display());
    for (key, value) in &checked {
        let shown = if is_secret(key) { HIDDEN } else { value };
        summary.push_str(&format!("  {key} = {shown}\n"));
    }
    Ok(summary)
}

fn asking_failed(e: io::Error) -> Stop {
    Stop::io(format!(
        "cannot ask on the terminal: {e}; nothing was written"
    ))
}

/// `~/.codecarbon.config`, CodeCarbon's default for its `config`.
fn home_file() -> Result<PathBuf, Stop> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(FILE_NAME))
        .ok_or_else(|| Stop::usage("HOME is not set: name the file with --path"))
}

/// The file's bytes, `None` when there is no file yet.
fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, Stop> {
    match read_regular(path, MAX_BYTES) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(Stop::io(file_problem(e))),
    }
}

/// The `[codecarbon]` settings of the file, for the prompts' defaults.
fn current_values(text: Option<&[u8]>) -> Vec<(String, String)> {
    text.and_then(|t| codecarbon::config::ini::Document::parse(t).ok())
        .and_then(|doc| doc.section(codecarbon::config::SECTION))
        .map(|entries| entries.into_iter().map(|e| (e.key, e.value)).collect())
        .unwrap_or_default()
}

/// Each setting as the config reader takes it: a bad value is the reader's error, an unknown
/// key is refused, a deprecated name is written under the name it stands for (and said so).
fn check(given: &[Setting]) -> Result<Vec<(String, String)>, Stop> {
    let mut config = Config::default();
    let mut checked: Vec<(String, String)> = Vec::new();
    for s in given {
        let status = config
            .set(&s.key, &s.value, &s.origin)
            .map_err(|e| Stop::usage(e.to_string()))?;
        let key = match status {
            KeyStatus::Known => s.key.trim().to_ascii_lowercase(),
            KeyStatus::Renamed { key: now } => {
                stderr_line!(
                    "codecarbon: warning: `{}` in {} is deprecated: it is written as `{now}`, \
                     the name to use instead",
                    printable(s.key.trim()),
                    s.origin
                );
                now.to_string()
            }
            // `Unknown`, and any status a later core adds: not a key to write.
            _ => {
                return Err(Stop::usage(format!(
                    "unknown setting `{}` in {}: nothing was written (the settings: \
                     `codecarbon monitor --help`)",
                    printable(&s.key.trim().to_ascii_lowercase()),
                    s.origin
                )))
            }
        };
        checked.retain(|(k, _)| *k != key);
        checked.push((key, s.value.trim().to_string()));
    }
    Ok(checked)
}

/// Replaces `path` with `text` atomically; a new file that will hold a secret is made 0600
/// first, a mode that the replacement keeps.
fn write(path: &Path, text: &[u8], new_with_secret: bool) -> Result<(), Stop> {
    if new_with_secret {
        use std::os::unix::fs::OpenOptionsExt;
        let made = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        if let Err(e) = made {
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(Stop::io(format!(
                    "cannot write {}: {e}; check that its directory exists and that you may \
                     write there",
                    printable(&path.display().to_string())
                )));
            }
        }
    }
    replace(path, text, Durability::PowerLoss).map_err(|e| Stop::io(file_problem(e)))
}

/// What went wrong with the config file, in words about a config file (not an output's).
fn file_problem(error: OutputError) -> String {
    match error {
        OutputError::Unwritable { path, source, .. } => format!(
            "cannot write {}: {source}; check that its directory exists and that you may write \
             there, or name another file with --path",
            printable(&path.display().to_string())
        ),
        other => other.to_string(),
    }
}

/// Asks on a terminal; answers come from `read_line`, whose argument says whether the answer
/// is a secret (not echoed).
struct Prompter<'a> {
    read_line: Box<dyn FnMut(bool) -> io::Result<Option<String>> + 'a>,
    out: Box<dyn Write + 'a>,
}

impl<'a> Prompter<'a> {
    /// Standard input and error, the secret read without echo.
    fn terminal() -> Prompter<'static> {
        Prompter {
            read_line: Box::new(|secret| {
                let _quiet = secret.then(NoEcho::start);
                let mut line = String::new();
                let read = io::stdin().lock().read_line(&mut line)?;
                if secret {
                    // The Enter that was not echoed.
                    let _ = io::stderr().write_all(b"\n");
                }
                Ok((read > 0).then_some(line))
            }),
            out: Box::new(io::stderr()),
        }
    }

    /// One answer, `None` at the end of the input.
    fn answer(&mut self, question: &str, secret: bool) -> io::Result<Option<String>> {
        write!(self.out, "{question}")?;
        self.out.flush()?;
        Ok((self.read_line)(secret)?.map(|a| a.trim().to_string()))
    }

    /// Where to write: CodeCarbon's question and default; `~/` is the home directory.
    fn path(&mut self) -> io::Result<PathBuf> {
        let default = format!("~/{FILE_NAME}");
        let answer = self
            .answer(
                &format!("Where do you want to put your config file? [{default}]: "),
                false,
            )?
            .filter(|a| !a.is_empty())
            .unwrap_or(default);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        Ok(match (answer.strip_prefix("~/"), home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(answer),
        })
    }

    /// The answers to [`ASKED`] that change something: Enter keeps the value shown (the
    /// file's, else the default); an answer the reader would refuse is asked again.
    fn settings(&mut self, current: &[(String, String)]) -> io::Result<Vec<Setting>> {
        let mut answers = Vec::new();
        for key in ASKED {
            let Some(spec) = settings::find(key) else {
                continue;
            };
            let now = current
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str());
            let shown = match (now, spec.default_text()) {
                (Some(_), _) if spec.is_secret() => format!(" [{HIDDEN}]"),
                (Some(value), _) | (None, Some(value)) if !value.is_empty() => {
                    format!(" [{value}]")
                }
                _ => String::new(),
            };
            writeln!(self.out, "{}", first_sentence(&spec.help_text()))?;
            loop {
                let Some(answer) = self.answer(&format!("{key}{shown}: "), spec.is_secret())?
                else {
                    return Ok(answers);
                };
                if answer.is_empty() {
                    break;
                }
                let origin = format!("your answer for `{key}`");
                match Config::default().set(key, &answer, &origin) {
                    Ok(_) => {
                        answers.push(Setting {
                            key: key.to_string(),
                            value: answer,
                            origin,
                        });
                        break;
                    }
                    Err(e) => writeln!(self.out, "  {e}")?,
                }
            }
        }
        Ok(answers)
    }
}

/// Standard input's echo turned off until dropped, when it is a terminal.
struct NoEcho {
    saved: Option<libc::termios>,
}

impl NoEcho {
    fn start() -> NoEcho {
        // SAFETY: tcgetattr and tcsetattr on standard input, with a zeroed termios to fill.
        unsafe {
            let mut term: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut term) != 0 {
                return NoEcho { saved: None };
            }
            let saved = term;
            term.c_lflag &= !libc::ECHO;
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &term) != 0 {
                return NoEcho { saved: None };
            }
            NoEcho { saved: Some(saved) }
        }
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `start`.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved) };
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// What a prompter wrote.
    type Shown = Rc<RefCell<Vec<u8>>>;

    /// A prompter fed `answers`, recording the questions and which answers were secret.
    fn scripted(answers: &[&str]) -> (Prompter<'static>, Shown, Rc<RefCell<Vec<bool>>>) {
        let mut answers: Vec<String> = answers.iter().map(|a| format!("{a}\n")).collect();
        answers.reverse();
        let secrets = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::clone(&secrets);
        let out = Rc::new(RefCell::new(Vec::new()));
        struct Shared(Rc<RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let prompter = Prompter {
            read_line: Box::new(move |secret| {
                seen.borrow_mut().push(secret);
                Ok(answers.pop())
            }),
            out: Box::new(Shared(Rc::clone(&out))),
        };
        (prompter, out, secrets)
    }

    #[test]
    fn enter_keeps_a_bad_answer_is_asked_again_and_the_key_is_not_echoed() {
        let current = vec![
            ("api_key".to_string(), "old-s3cret".to_string()),
            ("project_name".to_string(), "mine".to_string()),
        ];
        // project_name: Enter; experiment_id: an answer; api_endpoint: Enter; api_key: a new
        // one; country_iso_code: FRA; output_dir: Enter; measure_power_secs: -1, refused, then 5.
        let (mut prompter, out, secrets) =
            scripted(&["", "exp-1", "", "n3w-s3cret", "FRA", "", "-1", "5"]);
        let answers = prompter.settings(&current).unwrap();
        let pairs: Vec<(&str, &str)> = answers
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("experiment_id", "exp-1"),
                ("api_key", "n3w-s3cret"),
                ("country_iso_code", "FRA"),
                ("measure_power_secs", "5"),
            ]
        );
        let secret_asked: Vec<bool> = secrets.borrow().clone();
        assert_eq!(secret_asked.iter().filter(|s| **s).count(), 1);
        assert!(secret_asked[3], "the fourth question is the key");
        let said = String::from_utf8(out.borrow().clone()).unwrap();
        assert!(said.contains("project_name [mine]: "), "{said}");
        assert!(said.contains("api_key [<hidden>]: "), "{said}");
        assert!(
            said.contains("api_endpoint [https://api.codecarbon.io]: "),
            "{said}"
        );
        let reader_says = Config::default()
            .set(
                "measure_power_secs",
                "-1",
                "your answer for `measure_power_secs`",
            )
            .unwrap_err()
            .to_string();
        assert!(
            said.contains(&format!("  {reader_says}\n")),
            "the reader's error: {said}"
        );
        assert_eq!(
            said.matches("measure_power_secs [15]: ").count(),
            2,
            "asked again: {said}"
        );
        assert!(!said.contains("s3cret"), "{said}");
    }

    #[test]
    fn the_end_of_the_input_stops_the_questions() {
        let (mut prompter, _, _) = scripted(&["demo"]);
        let answers = prompter.settings(&[]).unwrap();
        assert_eq!(answers.len(), 1);
        assert_eq!(
            (answers[0].key.as_str(), answers[0].value.as_str()),
            ("project_name", "demo")
        );
        let (mut prompter, _, _) = scripted(&["~/x/cc.config"]);
        let home = PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(prompter.path().unwrap(), home.join("x/cc.config"));
    }

    #[test]
    fn settings_are_checked_as_the_reader_checks_them() {
        let setting = |key: &str, value: &str| Setting {
            key: key.into(),
            value: value.into(),
            origin: format!("--set {key}"),
        };
        let checked = check(&[
            setting("PUE", " 1.2 "),
            setting("co2_signal_api_token", "t"),
            setting("organization_id", "org-1"),
            setting("pue", "1.3"),
        ])
        .ok()
        .unwrap();
        assert_eq!(
            checked,
            [
                ("electricitymaps_api_token".to_string(), "t".to_string()),
                ("organization_id".to_string(), "org-1".to_string()),
                ("pue".to_string(), "1.3".to_string()),
            ]
        );
        let bad = check(&[setting("pue", "0")]).err().unwrap();
        assert_eq!(bad.code, 2);
        let mut reader = Config::default();
        let reader_says = reader.set("pue", "0", "--set pue").unwrap_err().to_string();
        assert_eq!(bad.message, reader_says);
        let unknown = check(&[setting("colour", "blue")]).err().unwrap();
        assert!(unknown
            .message
            .starts_with("unknown setting `colour` in --set colour"));
    }
}

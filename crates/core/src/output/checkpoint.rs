//! Crash safety for every file output: each run keeps its latest record in a checkpoint, and
//! the next sink built for the same file writes the record of any run that died before it
//! wrote its own.
//!
//! A live run holds an exclusive lock on its checkpoint's lock file for as long as its sink
//! lives; the kernel releases it when the process dies, even by SIGKILL. So a checkpoint whose
//! lock can be taken belongs to a run that is over: [`recover_all`] writes its record and
//! deletes it. The checkpoint itself is replaced atomically ([`super::replace`]), so it always
//! holds either the previous or the latest record, never a torn mix; and a write that fails
//! (a full disk) leaves the previous one.
//!
//! What a checkpoint holds is the sink's business (the CSV keeps a header and its row, JSON
//! Lines its line): this module moves bytes, the sink parses and writes them.
//!
//! | file | role |
//! |---|---|
//! | `.{output}.{run}.checkpoint` | the latest record of a live (or killed) run |
//! | `.{output}.{run}.checkpoint.lock` | held by the run's sink while it lives |
//! | `.{output}.{run}.checkpoint.unreadable` | a checkpoint that could not be read, kept for a person |

use super::file::read_output;
use super::replace::{replace, Durability};
use super::{LockFile, OutputError, OutputPaths};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const CHECKPOINT_SUFFIX: &str = ".checkpoint";
const LOCK_SUFFIX: &str = ".lock";
const UNREADABLE_SUFFIX: &str = ".unreadable";

/// The largest checkpoint read back: one record is a few kilobytes, so anything near this is
/// not one of ours.
pub const MAX_CHECKPOINT_BYTES: u64 = 1 << 20;

/// A run id as it may appear in a file name: ASCII letters, digits, `-` and `_` kept, anything
/// else (a `/`, a dot) replaced by `_`. UUIDs pass unchanged.
pub fn run_key(run_id: &str) -> String {
    let key: String = run_id
        .chars()
        .map(|c| if is_key_char(c) { c } else { '_' })
        .collect();
    if key.is_empty() {
        "_".into()
    } else {
        key
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl OutputPaths {
    /// The checkpoint of the run `key` ([`run_key`]): `.{name}.{key}.checkpoint`.
    pub fn checkpoint(&self, key: &str) -> PathBuf {
        self.side_file(&format!(".{key}{CHECKPOINT_SUFFIX}"))
    }

    /// The lock a run's sink holds for as long as it lives.
    pub fn checkpoint_lock(&self, key: &str) -> PathBuf {
        self.side_file(&format!(".{key}{CHECKPOINT_SUFFIX}{LOCK_SUFFIX}"))
    }

    /// The run keys that have a checkpoint or a checkpoint lock in the directory.
    fn run_keys(&self) -> io::Result<Vec<String>> {
        let prefix = format!(".{}.", self.name());
        let mut keys = Vec::new();
        for entry in fs::read_dir(self.dir())? {
            let name = entry?.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let rest = rest.strip_suffix(LOCK_SUFFIX).unwrap_or(rest);
            let Some(key) = rest.strip_suffix(CHECKPOINT_SUFFIX) else {
                continue;
            };
            if !key.is_empty() && key.chars().all(is_key_char) && !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// A run's claim on its checkpoint: the lock, held until drop, which deletes the lock file.
#[derive(Debug)]
struct Claim {
    run_id: String,
    path: PathBuf,
    lock: Option<LockFile>,
}

impl Claim {
    /// Takes the lock of `run_id`'s checkpoint; fails if a live sink holds it.
    fn take(paths: &OutputPaths, run_id: &str) -> Result<Self, OutputError> {
        let key = run_key(run_id);
        let lock_path = paths.checkpoint_lock(&key);
        let lock = LockFile::try_acquire(&lock_path)?.ok_or_else(|| OutputError::RunBusy {
            run_id: run_id.to_owned(),
            path: lock_path,
        })?;
        Ok(Self {
            run_id: run_id.to_owned(),
            path: paths.checkpoint(&key),
            lock: Some(lock),
        })
    }

    /// Whether the lock still guards the checkpoint: not once the directory was deleted and
    /// made again, when a recovery elsewhere would take this live run for a dead one.
    fn is_current(&self) -> bool {
        self.lock.as_ref().is_some_and(LockFile::is_current)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            lock.remove();
        }
    }
}

/// What a run's checkpoint holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    /// Nothing yet.
    Nothing,
    /// The record of the latest save.
    Latest,
    /// An earlier record: the latest save failed (a full disk).
    Earlier,
}

/// Where a run's record waits when it could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The checkpoint.
    pub path: PathBuf,
    /// Whether it holds the latest totals (else those of an earlier save, at most an interval
    /// or two older).
    pub latest: bool,
}

/// A sink's checkpoint of the run it writes, claimed at the first save.
///
/// ```
/// use codecarbon_core::output::{Checkpoint, OutputPaths};
/// let dir = tempfile::tempdir().unwrap();
/// let paths = OutputPaths::with_extension(dir.path(), "emissions.csv", "jsonl").unwrap();
/// let mut checkpoint = Checkpoint::new(paths.clone());
/// checkpoint.save("run-1", b"{\"run_id\":\"run-1\"}\n").unwrap();
/// assert!(paths.checkpoint("run-1").exists());
/// // ... the record is written to the output ...
/// checkpoint.done().unwrap();
/// assert!(!paths.checkpoint("run-1").exists());
/// ```
#[derive(Debug)]
pub struct Checkpoint {
    paths: OutputPaths,
    claim: Option<Claim>,
    saved: Saved,
}

impl Checkpoint {
    /// No checkpoint yet; the first [`Checkpoint::save`] claims one.
    pub fn new(paths: OutputPaths) -> Self {
        Self {
            paths,
            claim: None,
            saved: Saved::Nothing,
        }
    }

    /// Replaces the checkpoint of `run_id` with `record`, claiming it first if needed. A new
    /// run id leaves the previous run's checkpoint for a later recovery to write.
    ///
    /// Only a killed process must be survived, so the file is not flushed to disk. An output
    /// directory deleted during the run is made again.
    pub fn save(&mut self, run_id: &str, record: &[u8]) -> Result<(), OutputError> {
        self.paths.ensure_dir()?;
        let claim = match self.claim.take() {
            Some(claim) if claim.run_id == run_id && claim.is_current() => claim,
            Some(claim) if claim.run_id == run_id => {
                drop(claim);
                Claim::take(&self.paths, run_id)?
            }
            _ => {
                self.saved = Saved::Nothing;
                Claim::take(&self.paths, run_id)?
            }
        };
        let result = replace(&claim.path, record, Durability::ProcessKill);
        self.claim = Some(claim);
        self.saved = match (&result, self.saved) {
            (Ok(()), _) => Saved::Latest,
            (Err(_), Saved::Nothing) => Saved::Nothing,
            (Err(_), _) => Saved::Earlier,
        };
        result
    }

    /// Where the run's record waits, if a save succeeded: for the message of a write that
    /// failed.
    pub fn kept(&self) -> Option<Kept> {
        let claim = self.claim.as_ref()?;
        match self.saved {
            Saved::Nothing => None,
            saved => Some(Kept {
                path: claim.path.clone(),
                latest: saved == Saved::Latest,
            }),
        }
    }

    /// The run's record is written: deletes the checkpoint, then its lock file.
    ///
    /// An error leaves a checkpoint that the next sink writes again, which duplicates a
    /// record rather than losing one; say so to the user.
    pub fn done(&mut self) -> Result<(), OutputError> {
        self.saved = Saved::Nothing;
        let Some(claim) = self.claim.take() else {
            return Ok(());
        };
        match fs::remove_file(&claim.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(OutputError::write(&claim.path)(e))
            }
            _ => Ok(()),
        }
    }
}

/// What [`recover_all`] did.
#[derive(Debug)]
pub struct Recovery<E> {
    /// The runs whose records were written, by run id.
    pub recovered: Vec<String>,
    /// What failed. A checkpoint that could not be written stays for the next try; one that
    /// could not be read is renamed `….unreadable` ([`OutputError::BadCheckpoint`]).
    pub problems: Vec<E>,
}

impl<E> Recovery<E> {
    /// What to tell the user of each recovered run, whose `record` (`row`, `line`) was added
    /// to `file`. Its record waited in the checkpoint because the run was killed before writing
    /// it or because the write failed (a full disk): the words hold for both.
    pub fn messages(&self, record: &str, file: &Path) -> Vec<String> {
        self.recovered
            .iter()
            .map(|run| {
                format!(
                    "run {run} did not write its {record} (it was killed, or its write failed); \
                     its last totals were added to {}",
                    file.display()
                )
            })
            .collect()
    }
}

/// Writes the record of every run that left a checkpoint and is no longer alive, then deletes
/// the checkpoint. Runs still alive (their lock is held) are left alone.
///
/// `parse` turns a checkpoint's bytes into a record, or says why they are not one; `write`
/// writes the record (under the output's lock) and returns its run id, for the message.
pub fn recover_all<R, E: From<OutputError>>(
    paths: &OutputPaths,
    parse: impl Fn(&[u8]) -> Result<R, String>,
    mut write: impl FnMut(R) -> Result<String, E>,
) -> Recovery<E> {
    let mut done = Recovery {
        recovered: Vec::new(),
        problems: Vec::new(),
    };
    let keys = match paths.run_keys() {
        Ok(keys) => keys,
        Err(source) => {
            done.problems
                .push(OutputError::read(paths.dir())(source).into());
            return done;
        }
    };
    for key in keys {
        match recover_one(paths, &key, &parse, &mut write) {
            Ok(Some(run_id)) => done.recovered.push(run_id),
            Ok(None) => {}
            Err(e) => done.problems.push(e),
        }
    }
    done
}

fn recover_one<R, E: From<OutputError>>(
    paths: &OutputPaths,
    key: &str,
    parse: &impl Fn(&[u8]) -> Result<R, String>,
    write: &mut impl FnMut(R) -> Result<String, E>,
) -> Result<Option<String>, E> {
    let Some(lock) = LockFile::try_acquire(&paths.checkpoint_lock(key))? else {
        return Ok(None); // its run is alive
    };
    let path = paths.checkpoint(key);
    if fs::symlink_metadata(&path).is_err() {
        lock.remove(); // a run killed before its first checkpoint
        return Ok(None);
    }
    let read = read_output(&path, MAX_CHECKPOINT_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|bytes| parse(&bytes));
    let record = match read {
        Ok(record) => record,
        Err(reason) => {
            let kept_as = set_aside(&path);
            lock.remove();
            return Err(OutputError::BadCheckpoint {
                path,
                kept_as,
                reason,
            }
            .into());
        }
    };
    let run_id = write(record)?;
    fs::remove_file(&path).map_err(OutputError::write(&path))?;
    lock.remove();
    Ok(Some(run_id))
}

/// Renames an unreadable checkpoint `….unreadable`, for a person to look at and out of the
/// way of the next recovery; `None` if even that failed.
fn set_aside(path: &Path) -> Option<PathBuf> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(UNREADABLE_SUFFIX);
    let aside = PathBuf::from(aside);
    fs::rename(path, &aside).ok().map(|()| aside)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn setup() -> (tempfile::TempDir, OutputPaths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "out.log").unwrap();
        (dir, paths)
    }

    /// A checkpoint is the run id, `=`, the value; the output gets `run=value` lines.
    fn parse(bytes: &[u8]) -> Result<(String, String), String> {
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        let (run, value) = text.split_once('=').ok_or("no `=`")?;
        Ok((run.to_owned(), value.to_owned()))
    }

    fn recover(paths: &OutputPaths) -> Recovery<OutputError> {
        recover_all(paths, parse, |(run, value): (String, String)| {
            super::super::append_to(paths.file(), format!("{run}={value}\n").as_bytes())?;
            Ok(run)
        })
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn names_checkpoints_after_the_output_and_the_run() {
        let p = OutputPaths::new(Path::new("/out"), "emissions.csv").unwrap();
        assert_eq!(
            p.checkpoint("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint")
        );
        assert_eq!(
            p.checkpoint_lock("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint.lock")
        );
        assert_eq!(run_key("5b0fa12a-3dd7"), "5b0fa12a-3dd7");
        assert_eq!(run_key("../x.y"), "___x_y");
        assert_eq!(run_key(""), "_");
    }

    #[test]
    fn finds_run_keys() {
        let (d, p) = setup();
        for name in [
            ".out.log.lock",
            ".out.log.a.checkpoint",
            ".out.log.a.checkpoint.lock",
            ".out.log.b.checkpoint.lock",
            ".out.log.x.y.checkpoint",
            ".out.log.c.checkpoint.unreadable",
            ".other.log.d.checkpoint",
        ] {
            fs::write(d.path().join(name), "").unwrap();
        }
        assert_eq!(p.run_keys().unwrap(), ["a", "b"]);
    }

    #[test]
    fn a_live_claim_is_not_recovered_and_cannot_be_claimed_twice() {
        let (_d, p) = setup();
        let mut live = Checkpoint::new(p.clone());
        live.save("run-1", b"run-1=5").unwrap();
        let mut other = Checkpoint::new(p.clone());
        assert!(matches!(
            other.save("run-1", b"run-1=6"),
            Err(OutputError::RunBusy { .. })
        ));
        let done = recover(&p);
        assert!(done.recovered.is_empty() && done.problems.is_empty());
        assert!(!p.file().exists() && p.checkpoint("run-1").exists());
    }

    #[test]
    fn a_dropped_claim_is_recovered_once() {
        let (d, p) = setup();
        let mut run = Checkpoint::new(p.clone());
        run.save("run-1", b"run-1=1").unwrap();
        run.save("run-1", b"run-1=2").unwrap();
        drop(run);
        let done = recover(&p);
        assert_eq!(done.recovered, ["run-1"]);
        assert_eq!(fs::read_to_string(p.file()).unwrap(), "run-1=2\n");
        assert_eq!(names(d.path()), ["out.log"]);
        assert!(recover(&p).recovered.is_empty());
        // Killed, or its write failed: the message claims neither.
        assert_eq!(
            done.messages("row", p.file()),
            [format!(
                "run run-1 did not write its row (it was killed, or its write failed); \
                 its last totals were added to {}",
                p.file().display()
            )]
        );
    }

    #[test]
    fn done_deletes_the_checkpoint_and_its_lock() {
        let (d, p) = setup();
        let mut run = Checkpoint::new(p.clone());
        run.save("run-1", b"run-1=1").unwrap();
        assert_eq!(
            run.kept(),
            Some(Kept {
                path: p.checkpoint("run-1"),
                latest: true
            })
        );
        run.done().unwrap();
        assert_eq!(run.kept(), None);
        assert!(names(d.path()).is_empty());
    }

    #[test]
    fn a_failed_save_keeps_the_earlier_record() {
        let (_d, p) = setup();
        let mut run = Checkpoint::new(p.clone());
        run.save("run-1", b"run-1=1").unwrap();
        // The next save cannot replace the checkpoint: a directory stands in its way.
        let cp = p.checkpoint("run-1");
        fs::remove_file(&cp).unwrap();
        fs::create_dir(&cp).unwrap();
        assert!(run.save("run-1", b"run-1=2").is_err());
        assert_eq!(
            run.kept(),
            Some(Kept {
                path: cp,
                latest: false
            })
        );
    }

    #[test]
    fn a_new_run_id_leaves_the_previous_checkpoint_for_recovery() {
        let (_d, p) = setup();
        let mut sink = Checkpoint::new(p.clone());
        sink.save("run-1", b"run-1=1").unwrap();
        sink.save("run-2", b"run-2=1").unwrap();
        let done = recover(&p);
        assert_eq!(done.recovered, ["run-1"]);
        assert!(p.checkpoint("run-2").exists());
    }

    #[test]
    fn a_deleted_directory_is_made_again_and_the_run_claimed_again() {
        let (d, p) = setup();
        let out = OutputPaths::new(&d.path().join("out"), "out.log").unwrap();
        let mut run = Checkpoint::new(out.clone());
        run.save("run-1", b"run-1=1").unwrap();
        fs::remove_dir_all(out.dir()).unwrap();
        run.save("run-1", b"run-1=2").unwrap();
        // The new lock file is held: a recovery takes the run for a live one.
        let done = recover(&out);
        assert!(done.recovered.is_empty() && done.problems.is_empty());
        assert_eq!(
            fs::read(out.checkpoint("run-1")).unwrap(),
            b"run-1=2".to_vec()
        );
        let _ = p;
    }

    #[test]
    fn an_unreadable_checkpoint_is_set_aside_with_the_reason() {
        let (d, p) = setup();
        fs::write(p.checkpoint("run-2"), "no equals sign").unwrap();
        let done = recover(&p);
        assert_eq!(done.problems.len(), 1);
        let text = done.problems[0].to_string();
        assert!(
            text.contains("no `=`") && text.contains(".unreadable"),
            "{text}"
        );
        assert_eq!(names(d.path()), [".out.log.run-2.checkpoint.unreadable"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_a_fifo_as_checkpoint_is_set_aside_unread() {
        let (d, p) = setup();
        let passwd = d.path().join("passwd");
        fs::write(&passwd, "root=x").unwrap();
        std::os::unix::fs::symlink(&passwd, p.checkpoint("link")).unwrap();
        let fifo =
            std::ffi::CString::new(p.checkpoint("fifo").into_os_string().into_encoded_bytes())
                .unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let done = recover(&p);
        assert!(done.recovered.is_empty());
        assert_eq!(done.problems.len(), 2, "{:?}", done.problems);
        assert!(!p.file().exists(), "nothing read through the link");
        assert_eq!(fs::read_to_string(&passwd).unwrap(), "root=x");
        assert_eq!(
            names(d.path()),
            [
                ".out.log.fifo.checkpoint.unreadable",
                ".out.log.link.checkpoint.unreadable",
                "passwd"
            ]
        );
    }
}

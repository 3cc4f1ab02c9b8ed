//! Crash safety for every file output: each run keeps its latest record in a checkpoint, and
//! the next sink built for the same file writes the record of any run that died before it
//! wrote its own.
//!
//! A live run holds an exclusive lock on its checkpoint's lock file for as long as its sink
//! lives; the kernel releases it when the process dies, even by SIGKILL. So a checkpoint whose
//! lock can be taken belongs to a run that is over: [`recover_all`] writes its record and
//! deletes it. The checkpoint is written in place, in two slots taken in turn
//! ([`super::slots`]), so it always holds the previous or the latest record whole, never a
//! torn mix; and a write that fails (a full disk) leaves the previous one.
//!
//! What a checkpoint holds is the sink's business (the CSV keeps a header and its row, JSON
//! Lines its line): this module moves bytes, the sink parses and writes them.
//!
//! | file | role |
//! |---|---|
//! | `.{output}.{run}.checkpoint` | the latest record of a live (or killed) run |
//! | `.{output}.{run}.checkpoint.lock` | held by the run's sink while it lives |
//! | `.{output}.{run}.checkpoint.unreadable` (`.2.unreadable`, ...) | a checkpoint that could not be read, kept for a person |
//! | `..{output}.{run}.checkpoint.{pid}-{n}.tmp` | a new checkpoint file in the making (the first save, or a record that outgrew its slots); one left by a process killed then is deleted by the next recovery |

use super::aside::move_aside;
use super::file::read_output;
use super::replace::remove_stale_temporaries;
use super::slots::{self, SlotFile};
use super::{LockFile, OutputError, OutputPaths};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CHECKPOINT_SUFFIX: &str = ".checkpoint";
const LOCK_SUFFIX: &str = ".lock";
const UNREADABLE_SUFFIX: &str = ".unreadable";

/// How many names an unreadable checkpoint may be kept under (`….unreadable`,
/// `….2.unreadable`, ...) before it is left where it is.
const UNREADABLE_NAMES: u32 = 100;

/// How long a new claim waits for a run's checkpoint lock: a recovery in another process may
/// hold it for a moment (it found the lock file of a run that has not saved yet, and is
/// finding that there is nothing to recover), and must not make a live run look like a second
/// tracker with its run id.
const CLAIM_PATIENCE: Duration = Duration::from_millis(200);

/// How long a recovery waits for the output's lock before it leaves the records of earlier
/// runs for the next run: a start must not hang on a lock someone holds for ever.
const RECOVERY_PATIENCE: Duration = Duration::from_secs(3);

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

/// A run's claim on its checkpoint: the lock, held until drop, which deletes the lock file,
/// and the checkpoint file once made, open for saving in place.
#[derive(Debug)]
struct Claim {
    run_id: String,
    path: PathBuf,
    lock: Option<LockFile>,
    file: Option<SlotFile>,
}

impl Claim {
    /// Takes the lock of `run_id`'s checkpoint; fails if a live sink holds it.
    fn take(paths: &OutputPaths, run_id: &str) -> Result<Self, OutputError> {
        let key = run_key(run_id);
        let lock_path = paths.checkpoint_lock(&key);
        let lock = LockFile::acquire_within(&lock_path, CLAIM_PATIENCE)?.ok_or_else(|| {
            OutputError::RunBusy {
                run_id: run_id.to_owned(),
                path: lock_path,
            }
        })?;
        Ok(Self {
            run_id: run_id.to_owned(),
            path: paths.checkpoint(&key),
            lock: Some(lock),
            file: None,
        })
    }

    /// Saves `record` in the checkpoint: in place, or in a new file the first time, when the
    /// record outgrew its slot, or when the file was deleted or replaced under the run.
    fn save(&mut self, record: &[u8]) -> Result<(), OutputError> {
        if let Some(file) = self.file.as_mut().filter(|f| f.is_at(&self.path)) {
            match file.save(record) {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => return Err(OutputError::write(&self.path)(e)),
            }
        }
        self.file = None;
        self.file = SlotFile::create(&self.path, record)?;
        Ok(())
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
#[non_exhaustive]
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

    /// Saves `record` as the checkpoint of `run_id`, claiming it first if needed. A new run id
    /// leaves the previous run's checkpoint for a later recovery to write.
    ///
    /// Only a killed process must be survived, so the file is not flushed to disk. An output
    /// directory deleted during the run is made again.
    pub fn save(&mut self, run_id: &str, record: &[u8]) -> Result<(), OutputError> {
        let mut claim = match self.claim.take() {
            Some(claim) if claim.run_id == run_id && claim.is_current() => claim,
            earlier => {
                if earlier.is_none_or(|claim| claim.run_id != run_id) {
                    self.saved = Saved::Nothing;
                }
                self.paths.ensure_dir()?;
                Claim::take(&self.paths, run_id)?
            }
        };
        let result = claim.save(record);
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
#[non_exhaustive]
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
/// writes the record and returns its run id, for the message. It is called under the output's
/// lock, which it must not take again. If that lock stays busy (`RECOVERY_PATIENCE`), the
/// recovery stops there with [`OutputError::RecoveryPostponed`]: the checkpoints stay for the
/// next run, and the start goes on.
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
            Ok(Recovered::Run(run_id)) => done.recovered.push(run_id),
            Ok(Recovered::Nothing) => {}
            Ok(Recovered::Postponed(busy)) => {
                done.problems.push(
                    OutputError::RecoveryPostponed {
                        source: Box::new(busy),
                    }
                    .into(),
                );
                break;
            }
            Err(e) => done.problems.push(e),
        }
    }
    done
}

/// What became of one checkpoint.
enum Recovered {
    /// Its record was written: the run id.
    Run(String),
    /// Nothing to write: its run is alive, or left no checkpoint.
    Nothing,
    /// The output's lock stayed busy: this checkpoint and the rest wait for the next run.
    Postponed(OutputError),
}

fn recover_one<R, E: From<OutputError>>(
    paths: &OutputPaths,
    key: &str,
    parse: &impl Fn(&[u8]) -> Result<R, String>,
    write: &mut impl FnMut(R) -> Result<String, E>,
) -> Result<Recovered, E> {
    let Some(lock) = LockFile::try_acquire(&paths.checkpoint_lock(key))? else {
        return Ok(Recovered::Nothing); // its run is alive
    };
    let path = paths.checkpoint(key);
    // Nobody saves this checkpoint while we hold its lock: what a save left is a dead one's.
    remove_stale_temporaries(&path);
    if fs::symlink_metadata(&path).is_err() {
        lock.remove(); // a run killed before its first checkpoint
        return Ok(Recovered::Nothing);
    }
    let read = read_output(&path, MAX_CHECKPOINT_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|bytes| parse(slots::record(&bytes)?));
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
    let output_lock = match paths.acquire_lock_within(RECOVERY_PATIENCE) {
        Ok(output_lock) => output_lock,
        Err(busy @ OutputError::LockBusy { .. }) => return Ok(Recovered::Postponed(busy)),
        Err(e) => return Err(e.into()),
    };
    // Every writer of the output holds its lock around a replace (`update` mode).
    remove_stale_temporaries(paths.file());
    let run_id = write(record)?;
    drop(output_lock);
    fs::remove_file(&path).map_err(OutputError::write(&path))?;
    lock.remove();
    Ok(Recovered::Run(run_id))
}

/// The record that the checkpoint file `path` holds (for a tool or a test that looks into
/// one): checkpoints are written in place in two slots, so their bytes are not the record.
pub fn read_checkpoint(path: &Path) -> Result<Vec<u8>, OutputError> {
    let bytes = read_output(path, MAX_CHECKPOINT_BYTES)?;
    slots::record(&bytes).map(<[u8]>::to_vec).map_err(|reason| {
        OutputError::read(path)(io::Error::new(io::ErrorKind::InvalidData, reason))
    })
}

/// Moves an unreadable checkpoint to `….unreadable` (or `….2.unreadable`, ..., never over one
/// kept earlier), for a person to look at and out of the way of the next recovery; `None` if
/// even that failed.
fn set_aside(path: &Path) -> Option<PathBuf> {
    let name = |n: u32| {
        let mut aside = path.as_os_str().to_owned();
        if n > 1 {
            aside.push(format!(".{n}"));
        }
        aside.push(UNREADABLE_SUFFIX);
        PathBuf::from(aside)
    };
    move_aside(path, (1..=UNREADABLE_NAMES).map(name)).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use codecarbon_testkit::file_names;

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
        // The output's lock file (written under it), and no checkpoint or its lock.
        assert_eq!(file_names(d.path()), [".out.log.lock", "out.log"]);
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
        assert!(file_names(d.path()).is_empty());
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
        let (d, _) = setup();
        let out = OutputPaths::new(&d.path().join("out"), "out.log").unwrap();
        let mut run = Checkpoint::new(out.clone());
        run.save("run-1", b"run-1=1").unwrap();
        fs::remove_dir_all(out.dir()).unwrap();
        run.save("run-1", b"run-1=2").unwrap();
        // The new lock file is held: a recovery takes the run for a live one.
        let done = recover(&out);
        assert!(done.recovered.is_empty() && done.problems.is_empty());
        assert_eq!(
            read_checkpoint(&out.checkpoint("run-1")).unwrap(),
            b"run-1=2".to_vec()
        );
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
        assert_eq!(
            file_names(d.path()),
            [".out.log.run-2.checkpoint.unreadable"]
        );
    }

    #[test]
    fn an_unreadable_checkpoint_never_replaces_one_kept_earlier() {
        let (d, p) = setup();
        for (i, earlier) in ["first", "second"].iter().enumerate() {
            fs::write(p.checkpoint("run-2"), earlier).unwrap();
            let done = recover(&p);
            assert_eq!(done.problems.len(), 1, "{i}");
        }
        let kept = |name: &str| fs::read_to_string(d.path().join(name)).unwrap();
        assert_eq!(kept(".out.log.run-2.checkpoint.unreadable"), "first");
        assert_eq!(kept(".out.log.run-2.checkpoint.2.unreadable"), "second");
        assert!(
            p.run_keys().unwrap().is_empty(),
            "neither is taken for a run"
        );
    }

    #[test]
    fn a_busy_output_lock_postpones_the_recovery_and_keeps_the_checkpoints() {
        let (_d, p) = setup();
        for run in ["run-1", "run-2"] {
            let mut dead = Checkpoint::new(p.clone());
            dead.save(run, format!("{run}=1").as_bytes()).unwrap();
        }
        let held = p.acquire_lock().unwrap();
        let start = std::time::Instant::now();
        let done = recover(&p);
        let waited = start.elapsed();
        assert!(
            waited >= RECOVERY_PATIENCE && waited < RECOVERY_PATIENCE * 2,
            "one bounded wait, not one per run: {waited:?}"
        );
        assert!(done.recovered.is_empty());
        assert_eq!(done.problems.len(), 1, "{:?}", done.problems);
        let text = done.problems[0].to_string();
        assert!(
            text.contains(".out.log.lock") && text.contains("stay in their checkpoints"),
            "{text}"
        );
        assert!(p.checkpoint("run-1").exists() && p.checkpoint("run-2").exists());
        drop(held);
        assert_eq!(recover(&p).recovered, ["run-1", "run-2"]);
    }

    #[test]
    fn a_recovery_deletes_what_a_save_killed_midway_left() {
        let (d, p) = setup();
        let mut dead = Checkpoint::new(p.clone());
        dead.save("run-1", b"run-1=1").unwrap();
        let mut alive = Checkpoint::new(p.clone());
        alive.save("run-2", b"run-2=1").unwrap();
        // Temporary files of a save (and of an update of the output) that never got renamed.
        let left = [
            "..out.log.run-1.checkpoint.999999-3.tmp",
            ".out.log.999999-4.tmp",
        ];
        let live = "..out.log.run-2.checkpoint.999999-5.tmp";
        for name in left.iter().chain([&live]) {
            fs::write(d.path().join(name), "half").unwrap();
        }
        drop(dead);
        assert_eq!(recover(&p).recovered, ["run-1"]);
        let names = file_names(d.path());
        for name in left {
            assert!(!names.contains(&name.to_string()), "{names:?}");
        }
        assert!(
            names.contains(&live.to_string()),
            "a live run's is left: {names:?}"
        );
    }

    #[test]
    fn a_claim_waits_a_moment_for_a_recovery_holding_its_lock() {
        let (_d, p) = setup();
        // A recovery elsewhere found the lock file of a run not yet saved, and holds it.
        let recovery = LockFile::try_acquire(&p.checkpoint_lock("run-1"))
            .unwrap()
            .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            recovery.remove();
        });
        let mut live = Checkpoint::new(p.clone());
        live.save("run-1", b"run-1=1").unwrap();
        release.join().unwrap();
        assert!(p.checkpoint("run-1").exists());
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
            file_names(d.path()),
            [
                ".out.log.fifo.checkpoint.unreadable",
                ".out.log.link.checkpoint.unreadable",
                "passwd"
            ]
        );
    }
}

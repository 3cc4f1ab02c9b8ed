//! A record (a CSV row, a JSON line) is in the file wholly or not at all.
//!
//! A full disk can accept part of a write: `emissions.csv` then ends with a torn row that
//! every later reader trips over. So [`append_whole`] remembers where the record starts and, on
//! a short write, `ENOSPC`, or any other error (the sync included), cuts the file back to
//! there before it returns the error. The caller keeps the record (a checkpoint) to write later.
//!
//! A torn last line left by something else (a crash of an older version, power loss, another
//! tool) is found by [`unterminated_tail`]; the sink decides whether it is a whole record that
//! only lacks its line break, or a torn one that [`cut_torn_tail`] moves to a side file for a
//! person to look at. Both are bounded: a last line longer than [`MAX_TAIL_BYTES`] (a file
//! that a crash filled with zeros) is an error that says where to cut, never read whole.

use super::file::{open_append, open_existing};
use super::OutputError;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Suffix of the file that keeps torn lines cut off an output (`emissions.csv.torn`).
const TORN_SUFFIX: &str = ".torn";

/// How far back [`unterminated_tail`] reads at a time.
const TAIL_CHUNK: u64 = 64 * 1024;

/// What appending needs of a file: the seam where a test makes a write fail part way.
trait Appendable: Write {
    /// The current length, where the record will start.
    fn length(&self) -> io::Result<u64>;
    /// Cuts the file back to `len`.
    fn cut(&self, len: u64) -> io::Result<()>;
    /// Makes the record durable.
    fn sync(&self) -> io::Result<()>;
}

impl Appendable for File {
    fn length(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn cut(&self, len: u64) -> io::Result<()> {
        self.set_len(len)
    }

    fn sync(&self) -> io::Result<()> {
        self.sync_data()
    }
}

/// Appends `bytes` to `file` (opened by [`open_append`] as `path`, under the output's lock)
/// and syncs them, or, on any error, cuts the file back to its length before and returns the
/// error: never part of a record.
pub fn append_whole(path: &Path, file: &mut File, bytes: &[u8]) -> Result<(), OutputError> {
    append_or_cut(file, bytes).map_err(OutputError::write(path))
}

/// Opens `path` (creating it) under the rule and appends `bytes` wholly or not at all.
pub fn append_to(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut file = open_append(path)?;
    append_whole(path, &mut file, bytes)
}

fn append_or_cut(file: &mut impl Appendable, bytes: &[u8]) -> io::Result<()> {
    let start = file.length()?;
    let Err(error) = file.write_all(bytes).and_then(|()| file.sync()) else {
        return Ok(());
    };
    match file.cut(start) {
        Ok(()) => Err(error),
        Err(cut) => Err(io::Error::new(
            error.kind(),
            format!("{error}; the partial record could not be cut off either ({cut})"),
        )),
    }
}

/// The last line of a file when it lacks its line break: where it starts, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tail {
    /// The byte offset where the line starts (just after the last `\n`, or 0).
    pub offset: u64,
    /// The line, without a line break.
    pub bytes: Vec<u8>,
}

impl Tail {
    /// The torn end of `content`, the whole of the file `path` already read, from `offset`
    /// (where a sink's own parser found its last record to start); an error if it is longer
    /// than [`MAX_TAIL_BYTES`].
    pub fn within(path: &Path, content: &[u8], offset: u64) -> Result<Self, OutputError> {
        let start = usize::try_from(offset).map_or(content.len(), |o| o.min(content.len()));
        check_tail_length(path, Some(offset), (content.len() - start) as u64)?;
        Ok(Self {
            offset,
            bytes: content[start..].to_vec(),
        })
    }

    /// The torn end of the file `path` that starts at `offset` and holds `bytes`, read by a
    /// sink that found where its last record starts without reading the file whole; an error
    /// if it is longer than [`MAX_TAIL_BYTES`].
    pub fn at(path: &Path, offset: u64, bytes: Vec<u8>) -> Result<Self, OutputError> {
        check_tail_length(path, Some(offset), bytes.len() as u64)?;
        Ok(Self { offset, bytes })
    }
}

/// The longest torn last line that is repaired (read, moved to `.torn`): a record of ours is
/// a few kilobytes, so a longer one is not a record cut short but something else (the zeros a
/// crash can leave), and it is [`OutputError::OverlongLastLine`] rather than a copy of it all.
pub const MAX_TAIL_BYTES: u64 = 1 << 20;

/// How far back from the end a line break is looked for, to say where to cut an overlong last
/// line: bounded, so that a huge file without one costs a bounded read.
const TAIL_SEARCH_BYTES: u64 = 64 << 20;

/// The unterminated last line of `file` (`path`), or `None` when it is empty or ends with
/// `\n`. Looks back from the end for the last line break without keeping what it passes, then
/// reads the line once; a line longer than [`MAX_TAIL_BYTES`] is
/// [`OutputError::OverlongLastLine`].
pub fn unterminated_tail(path: &Path, file: &mut File) -> Result<Option<Tail>, OutputError> {
    let len = file.metadata().map_err(OutputError::read(path))?.len();
    let offset = match last_line_start(file, len).map_err(OutputError::read(path))? {
        LineStart::None => return Ok(None),
        LineStart::At(offset) => offset,
        LineStart::Beyond => return Err(overlong(path, None)),
    };
    check_tail_length(path, Some(offset), len - offset)?;
    let mut bytes = vec![0; usize::try_from(len - offset).unwrap_or(0)];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(OutputError::read(path))?;
    Ok(Some(Tail { offset, bytes }))
}

/// Where the last line of a file of `len` bytes starts.
#[derive(Debug, PartialEq, Eq)]
enum LineStart {
    /// The file is empty or ends with a line break: it has no unterminated line.
    None,
    /// Just after the last line break (0: the file has none).
    At(u64),
    /// No line break in the last [`TAIL_SEARCH_BYTES`].
    Beyond,
}

/// Reads back from the end a chunk at a time, into one buffer, until a line break: each byte
/// is read once, and at most [`TAIL_SEARCH_BYTES`] of them.
fn last_line_start(file: &mut File, len: u64) -> io::Result<LineStart> {
    let floor = len.saturating_sub(TAIL_SEARCH_BYTES);
    let mut chunk = Vec::new();
    let mut end = len;
    while end > floor {
        let start = end.saturating_sub(TAIL_CHUNK).max(floor);
        chunk.resize(usize::try_from(end - start).unwrap_or(0), 0);
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        if end == len && chunk.last() == Some(&b'\n') {
            return Ok(LineStart::None);
        }
        if let Some(newline) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(LineStart::At(start + newline as u64 + 1));
        }
        end = start;
    }
    Ok(match len {
        0 => LineStart::None,
        _ if floor == 0 => LineStart::At(0),
        _ => LineStart::Beyond,
    })
}

fn check_tail_length(path: &Path, offset: Option<u64>, length: u64) -> Result<(), OutputError> {
    if length > MAX_TAIL_BYTES {
        return Err(overlong(path, offset));
    }
    Ok(())
}

fn overlong(path: &Path, offset: Option<u64>) -> OutputError {
    OutputError::OverlongLastLine {
        path: path.to_path_buf(),
        offset,
        limit: MAX_TAIL_BYTES,
    }
}

/// `{file}.torn`, beside it: where torn lines cut off it are kept, one per line.
fn torn_file(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(TORN_SUFFIX);
    PathBuf::from(name)
}

/// Moves a torn last line out of `file`: appends it (and a line break) to `{file}.torn`
/// beside it, then cuts the file back to where the line started. Returns the side file.
///
/// In that order, so that a crash in between leaves the line in both files, never in neither.
/// A line longer than [`MAX_TAIL_BYTES`] is refused ([`OutputError::OverlongLastLine`]), never
/// copied. Call it under the output's lock.
pub fn cut_torn_tail(file: &Path, tail: &Tail) -> Result<PathBuf, OutputError> {
    check_tail_length(file, Some(tail.offset), tail.bytes.len() as u64)?;
    let torn = torn_file(file);
    let mut kept = Vec::with_capacity(tail.bytes.len() + 1);
    kept.extend_from_slice(&tail.bytes);
    kept.push(b'\n');
    append_to(&torn, &kept)?;
    let output = open_existing(file)?;
    output
        .set_len(tail.offset)
        .and_then(|()| output.sync_data())
        .map_err(OutputError::write(file))?;
    Ok(torn)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::cell::RefCell;
    use std::fs;

    /// A file on a disk with `room` bytes left: writes stop there, with `ENOSPC` after a short
    /// write, as a full disk does. `broken_cut` makes cutting back fail too.
    struct FullDisk {
        bytes: RefCell<Vec<u8>>,
        room: usize,
        broken_cut: bool,
        fail_sync: bool,
    }

    impl FullDisk {
        fn new(existing: &[u8], room: usize) -> Self {
            Self {
                bytes: RefCell::new(existing.to_vec()),
                room,
                broken_cut: false,
                fail_sync: false,
            }
        }
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = buf.len().min(self.room);
            self.bytes.borrow_mut().extend_from_slice(&buf[..n]);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Appendable for FullDisk {
        fn length(&self) -> io::Result<u64> {
            Ok(self.bytes.borrow().len() as u64)
        }

        fn cut(&self, len: u64) -> io::Result<()> {
            if self.broken_cut {
                return Err(io::Error::other("read-only now"));
            }
            self.bytes
                .borrow_mut()
                .truncate(usize::try_from(len).unwrap());
            Ok(())
        }

        fn sync(&self) -> io::Result<()> {
            if self.fail_sync {
                return Err(io::Error::from_raw_os_error(5)); // EIO
            }
            Ok(())
        }
    }

    const EARLIER: &[u8] = b"header\nrow 1\n";
    const ROW: &[u8] = b"a,row,of,thirty,fields\n";

    #[test]
    fn a_short_write_on_a_full_disk_leaves_no_part_of_the_row() {
        for room in 0..ROW.len() {
            let mut disk = FullDisk::new(EARLIER, room);
            let err = append_or_cut(&mut disk, ROW).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(28), "room {room}: {err}");
            assert_eq!(*disk.bytes.borrow(), EARLIER, "room {room}");
        }
        let mut disk = FullDisk::new(EARLIER, ROW.len());
        append_or_cut(&mut disk, ROW).unwrap();
        assert_eq!(*disk.bytes.borrow(), [EARLIER, ROW].concat());
    }

    #[test]
    fn a_failed_sync_cuts_the_row_off_too() {
        let mut disk = FullDisk::new(EARLIER, 1000);
        disk.fail_sync = true;
        assert!(append_or_cut(&mut disk, ROW).is_err());
        assert_eq!(*disk.bytes.borrow(), EARLIER);
    }

    #[test]
    fn a_cut_that_fails_is_reported_with_the_write_error() {
        let mut disk = FullDisk::new(EARLIER, 3);
        disk.broken_cut = true;
        let err = append_or_cut(&mut disk, ROW).unwrap_err();
        assert_eq!(err.kind(), io::Error::from_raw_os_error(28).kind());
        assert!(err.to_string().contains("could not be cut off"), "{err}");
    }

    #[test]
    fn appends_to_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        append_to(&path, b"one\n").unwrap();
        append_to(&path, b"two\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one\ntwo\n");
    }

    fn tail(bytes: &[u8]) -> Option<Tail> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, bytes).unwrap();
        let mut file = File::open(&path).unwrap();
        unterminated_tail(&path, &mut file).unwrap()
    }

    #[test]
    fn finds_the_unterminated_last_line() {
        assert_eq!(tail(b""), None);
        assert_eq!(tail(b"a\nb\n"), None);
        assert_eq!(
            tail(b"a\nbc"),
            Some(Tail {
                offset: 2,
                bytes: b"bc".to_vec()
            })
        );
        assert_eq!(
            tail(b"abc"),
            Some(Tail {
                offset: 0,
                bytes: b"abc".to_vec()
            })
        );
        // A last line longer than one chunk, after a short one.
        let long = vec![b'x'; (TAIL_CHUNK * 2 + 5) as usize];
        let got = tail(&[b"first\n".as_slice(), &long].concat()).unwrap();
        assert_eq!((got.offset, got.bytes), (6, long.clone()));
        let got = tail(&long).unwrap();
        assert_eq!((got.offset, got.bytes.len()), (0, long.len()));
    }

    #[test]
    fn a_torn_tail_goes_to_the_side_file_and_the_rest_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.jsonl");
        fs::write(&path, b"{\"a\":1}\n{\"a\":").unwrap();
        let found = tail(&fs::read(&path).unwrap()).unwrap();
        let torn = cut_torn_tail(&path, &found).unwrap();
        assert_eq!(torn, dir.path().join("e.jsonl.torn"));
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\":1}\n");
        // A second one is added below the first.
        fs::write(&path, b"{\"b\"").unwrap();
        cut_torn_tail(&path, &tail(b"{\"b\"").unwrap()).unwrap();
        assert_eq!(fs::read(&torn).unwrap(), b"{\"a\":\n{\"b\"\n");
        assert_eq!(fs::read(&path).unwrap(), b"");
    }

    /// `head`, then `zeros` zero bytes (a sparse file: no disk used), as a crash can leave.
    fn ending_in_zeros(head: &[u8], zeros: u64) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.jsonl");
        fs::write(&path, head).unwrap();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(head.len() as u64 + zeros)
            .unwrap();
        (dir, path)
    }

    #[test]
    fn a_last_line_up_to_the_limit_is_read_whole() {
        let (_d, path) = ending_in_zeros(b"{\"a\":1}\n", MAX_TAIL_BYTES);
        let got = unterminated_tail(&path, &mut File::open(&path).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(got.offset, 8);
        assert_eq!(got.bytes.len() as u64, MAX_TAIL_BYTES);
    }

    #[test]
    fn an_overlong_last_line_is_an_error_saying_where_to_cut_and_is_never_copied() {
        // 16 MiB of zeros took a second, 128 MiB a minute and a half, when every chunk read
        // back was prepended to the ones before.
        let (d, path) = ending_in_zeros(b"{\"a\":1}\n", 16 << 20);
        let start = std::time::Instant::now();
        let err = unterminated_tail(&path, &mut File::open(&path).unwrap()).unwrap_err();
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        assert!(
            matches!(
                err,
                OutputError::OverlongLastLine {
                    offset: Some(8),
                    ..
                }
            ),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("truncate -s 8 {}", path.display())),
            "{text}"
        );
        // Nor is a tail found another way (a sink's own parser) copied aside.
        let overlong = Tail {
            offset: 8,
            bytes: vec![0; MAX_TAIL_BYTES as usize + 1],
        };
        assert!(matches!(
            cut_torn_tail(&path, &overlong),
            Err(OutputError::OverlongLastLine { .. })
        ));
        assert!(!d.path().join("e.jsonl.torn").exists());
        let content = vec![b'x'; MAX_TAIL_BYTES as usize + 3];
        assert!(matches!(
            Tail::within(&path, &content, 2),
            Err(OutputError::OverlongLastLine {
                offset: Some(2),
                ..
            })
        ));
        assert_eq!(Tail::within(&path, &content, 3).unwrap().offset, 3);
    }

    #[test]
    fn a_file_without_a_line_break_near_its_end_is_refused_after_a_bounded_search() {
        let (_d, path) = ending_in_zeros(b"", TAIL_SEARCH_BYTES + 1);
        let err = unterminated_tail(&path, &mut File::open(&path).unwrap()).unwrap_err();
        assert!(
            matches!(err, OutputError::OverlongLastLine { offset: None, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("move it away"), "{err}");
        // The whole file searched: no line break at all starts the line at 0.
        let (_d, path) = ending_in_zeros(b"", MAX_TAIL_BYTES + 1);
        let err = unterminated_tail(&path, &mut File::open(&path).unwrap()).unwrap_err();
        assert!(
            matches!(
                err,
                OutputError::OverlongLastLine {
                    offset: Some(0),
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

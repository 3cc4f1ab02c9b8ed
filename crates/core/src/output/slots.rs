//! The layout of a checkpoint file, written in place at every save: two slots of equal size,
//! written in turn, each a header line and a record. A write cut short (a process killed in
//! the middle of it, a full copy-on-write disk) spoils at most the slot being written; the
//! other keeps the previous record. The header carries a sequence number, the record's length
//! and a CRC-32, by which a reader picks the newer whole record.
//!
//! Why in place: a save is then one `pwrite` into blocks the file already has. Replacing the
//! file at every save (a new file renamed over the old) cost a directory update and, on ext4,
//! a flush of the replaced file's blocks to the disk, every second of every run.
//!
//! A file that does not begin with [`MAGIC`] is read whole as one record: the checkpoint of a
//! version that replaced the file at each save, or of a record too large for two slots.

use super::lock::still_named;
use super::replace::{replace_keeping, Durability};
use super::{OutputError, MAX_CHECKPOINT_BYTES};
use std::fs::File;
use std::io;
use std::path::Path;

/// What a two-slot checkpoint, and each of its slots, begins with.
const MAGIC: &[u8] = b"#codecarbon-checkpoint v1 ";

/// The header: [`MAGIC`], then `seq=` (16 hex digits), ` len=` (8), ` crc=` (8) and `\n`.
const HEADER_LEN: usize = MAGIC.len() + 4 + 16 + 5 + 8 + 5 + 8 + 1;

/// Slots are a whole number of these: a record within one page is copied in one go.
const SLOT_ALIGN: usize = 4096;

/// The header of `record`, saved as the `seq`-th.
fn header(seq: u64, record: &[u8]) -> Vec<u8> {
    let len = record.len();
    let crc = checksum(seq, record);
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(format!("seq={seq:016x} len={len:08x} crc={crc:08x}\n").as_bytes());
    debug_assert_eq!(header.len(), HEADER_LEN);
    header
}

/// The CRC-32 of a record and its place in the sequence, so that a header left from an
/// earlier save never vouches for the bytes of a later one.
fn checksum(seq: u64, record: &[u8]) -> u32 {
    let mut crc = crc32fast::Hasher::new();
    crc.update(&seq.to_le_bytes());
    crc.update(&(record.len() as u64).to_le_bytes());
    crc.update(record);
    crc.finalize()
}

/// The size of each slot of a new file for `record`: room for the record to double, since
/// its numbers grow through a run; a record that outgrows it makes a new file.
fn slot_size(record: usize) -> usize {
    (HEADER_LEN + 2 * record).div_ceil(SLOT_ALIGN) * SLOT_ALIGN
}

/// A checkpoint file, open for saving in place.
#[derive(Debug)]
pub(super) struct SlotFile {
    file: File,
    /// Bytes in each slot.
    slot: usize,
    /// The sequence number of the latest save.
    seq: u64,
    /// The slot that holds the latest whole record: the next save writes the other.
    latest: usize,
    /// The header and record of a save, kept between saves.
    buffer: Vec<u8>,
}

impl SlotFile {
    /// Replaces `path` with a new two-slot file holding `record` ([`super::replace`]): `None`
    /// when the record is too large for two slots within [`MAX_CHECKPOINT_BYTES`], and was
    /// saved as the whole file instead.
    ///
    /// Both slots are written out, so that saving in place needs no new blocks (a full disk
    /// does not stop it) on file systems that overwrite in place.
    pub(super) fn create(path: &Path, record: &[u8]) -> Result<Option<SlotFile>, OutputError> {
        let slot = slot_size(record.len());
        if 2 * slot as u64 > MAX_CHECKPOINT_BYTES {
            replace_keeping(path, record, Durability::ProcessKill)?;
            return Ok(None);
        }
        let mut bytes = header(1, record);
        bytes.extend_from_slice(record);
        bytes.resize(2 * slot, 0);
        let file = replace_keeping(path, &bytes, Durability::ProcessKill)?;
        Ok(Some(SlotFile {
            file,
            slot,
            seq: 1,
            latest: 0,
            buffer: Vec::new(),
        }))
    }

    /// Saves `record` in the slot that does not hold the latest one: `false` when it does not
    /// fit there (make a new file). An error leaves the other slot, the previous record, whole.
    pub(super) fn save(&mut self, record: &[u8]) -> io::Result<bool> {
        if HEADER_LEN + record.len() > self.slot {
            return Ok(false);
        }
        let (seq, slot) = (self.seq + 1, 1 - self.latest);
        self.buffer.clear();
        self.buffer.extend_from_slice(&header(seq, record));
        self.buffer.extend_from_slice(record);
        write_all_at(&self.file, &self.buffer, (slot * self.slot) as u64)?;
        (self.seq, self.latest) = (seq, slot);
        Ok(true)
    }

    /// Whether `path` still names the file: not once it was deleted, replaced or moved
    /// away, when a save into it would be lost.
    pub(super) fn is_at(&self, path: &Path) -> bool {
        still_named(&self.file, path).unwrap_or(false)
    }
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// The record a checkpoint file holds: the newer whole slot of a two-slot file, or the whole
/// file of any other; why not, when neither slot is whole.
pub(super) fn record(file: &[u8]) -> Result<&[u8], String> {
    if !file.starts_with(MAGIC) {
        return Ok(file);
    }
    if !file.len().is_multiple_of(2) || file.len() < 2 * HEADER_LEN {
        return Err(format!(
            "a two-slot checkpoint of {} bytes, which is no two slots",
            file.len()
        ));
    }
    let (first, second) = file.split_at(file.len() / 2);
    match (slot_record(first), slot_record(second)) {
        (Some((a, record_a)), Some((b, record_b))) => Ok(if a > b { record_a } else { record_b }),
        (Some((_, record)), None) | (None, Some((_, record))) => Ok(record),
        (None, None) => Err("neither of its two slots holds a whole record".into()),
    }
}

/// The sequence number and record of a whole slot, `None` for a spoilt or empty one.
fn slot_record(slot: &[u8]) -> Option<(u64, &[u8])> {
    let header = slot.get(..HEADER_LEN)?;
    let fields = std::str::from_utf8(header.strip_prefix(MAGIC)?).ok()?;
    let fields = fields.strip_suffix('\n')?;
    let mut parts = fields.split(' ');
    let mut hex = |name: &str, digits: usize| {
        let value = parts.next()?.strip_prefix(name)?.strip_prefix('=')?;
        (value.len() == digits && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u64::from_str_radix(value, 16).ok())
            .flatten()
    };
    let (seq, len, crc) = (hex("seq", 16)?, hex("len", 8)?, hex("crc", 8)?);
    let record = slot.get(HEADER_LEN..HEADER_LEN.checked_add(usize::try_from(len).ok()?)?)?;
    (u64::from(checksum(seq, record)) == crc).then_some((seq, record))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::fs;

    fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".out.log.run-1.checkpoint");
        (dir, path)
    }

    #[test]
    fn saves_alternate_between_the_slots_and_the_newest_is_read() {
        let (_d, path) = setup();
        let mut file = SlotFile::create(&path, b"first").unwrap().unwrap();
        assert_eq!(record(&fs::read(&path).unwrap()).unwrap(), b"first");
        let size = fs::metadata(&path).unwrap().len();
        for n in 2..=5 {
            let text = format!("record {n}");
            assert!(file.save(text.as_bytes()).unwrap());
            let bytes = fs::read(&path).unwrap();
            assert_eq!(record(&bytes).unwrap(), text.as_bytes());
            assert_eq!(bytes.len() as u64, size, "written in place");
        }
        // Slot 0 holds the fifth record (saves 1, 3, 5), slot 1 the fourth.
        let bytes = fs::read(&path).unwrap();
        let (first, second) = bytes.split_at(bytes.len() / 2);
        assert_eq!(slot_record(first).unwrap(), (5, &b"record 5"[..]));
        assert_eq!(slot_record(second).unwrap(), (4, &b"record 4"[..]));
    }

    #[test]
    fn a_save_cut_short_anywhere_leaves_the_previous_record() {
        let (_d, path) = setup();
        let mut file = SlotFile::create(&path, b"one,1.5\n").unwrap().unwrap();
        file.save(b"two,2.25\n").unwrap();
        let whole = fs::read(&path).unwrap();
        file.save(b"three,3.125\n").unwrap();
        let after = fs::read(&path).unwrap();
        // Every prefix of the third save's write (into slot 0, at offset 0) that changed
        // something, as a killed process would leave it.
        let start = after.iter().zip(&whole).position(|(a, b)| a != b).unwrap();
        let end = HEADER_LEN + b"three,3.125\n".len();
        assert!(start < end);
        for cut in start..end {
            let mut torn = whole.clone();
            torn[start..cut].copy_from_slice(&after[start..cut]);
            assert_eq!(record(&torn).unwrap(), b"two,2.25\n", "cut at {cut}");
        }
    }

    #[test]
    fn spoilt_slots_are_skipped_and_two_spoilt_ones_are_an_error() {
        let (_d, path) = setup();
        let mut file = SlotFile::create(&path, b"old").unwrap().unwrap();
        file.save(b"new").unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let half = bytes.len() / 2;
        // A flipped byte in the newer record: the older one is read.
        bytes[half + HEADER_LEN] ^= 1;
        assert_eq!(record(&bytes).unwrap(), b"old");
        bytes[HEADER_LEN] ^= 1;
        let err = record(&bytes).unwrap_err();
        assert!(err.contains("neither of its two slots"), "{err}");
        // A length past the slot, a truncated file.
        assert!(record(&bytes[..bytes.len() - 1]).is_err());
        assert!(slot_record(&bytes[..HEADER_LEN - 1]).is_none());
    }

    #[test]
    fn a_file_of_another_kind_is_read_whole() {
        assert_eq!(record(b"run-1=5").unwrap(), b"run-1=5");
        assert_eq!(record(b"").unwrap(), b"");
    }

    #[test]
    fn a_record_that_outgrows_its_slot_asks_for_a_new_file() {
        let (_d, path) = setup();
        let mut file = SlotFile::create(&path, b"small").unwrap().unwrap();
        let big = vec![b'x'; SLOT_ALIGN];
        assert!(!file.save(&big).unwrap());
        assert_eq!(record(&fs::read(&path).unwrap()).unwrap(), b"small");
        let bigger = SlotFile::create(&path, &big).unwrap().unwrap();
        assert!(bigger.slot >= HEADER_LEN + 2 * big.len());
        assert_eq!(record(&fs::read(&path).unwrap()).unwrap(), &big[..]);
    }

    #[test]
    fn a_record_too_large_for_two_slots_is_the_whole_file() {
        let (_d, path) = setup();
        let huge = vec![b'y'; (MAX_CHECKPOINT_BYTES / 2) as usize];
        assert!(SlotFile::create(&path, &huge).unwrap().is_none());
        assert_eq!(fs::read(&path).unwrap(), huge);
    }

    #[test]
    fn a_file_deleted_or_moved_away_is_no_longer_the_checkpoint() {
        let (d, path) = setup();
        let file = SlotFile::create(&path, b"a").unwrap().unwrap();
        assert!(file.is_at(&path));
        fs::rename(&path, d.path().join("elsewhere")).unwrap();
        assert!(!file.is_at(&path));
        fs::write(&path, "another").unwrap();
        assert!(!file.is_at(&path));
        fs::remove_file(&path).unwrap();
        assert!(!file.is_at(&path));
    }
}

//! The ends of a CSV file, found in one pass of fixed-size reads without parsing its rows:
//! where its header line ends and where its last record starts. Appending a row needs only
//! those, so its cost in memory does not grow with the file, and its time only by a scan for
//! two bytes.
//!
//! A line break ends a record exactly when an even number of `"` come before it: in CSV a
//! quote inside a quoted field is doubled, so quotes pair up and a line break inside a quoted
//! field always follows an odd number of them. That holds where every quote is where CSV puts
//! one (opening at a field's start, closing at its end, or doubled); a file with a stray quote,
//! or an open quote at its end, is said not to be [`Ends::plain`] and left to the whole-file
//! parse, which reads such quotes its own way.

use std::fs::File;
use std::io::{self, Read};

/// How much is read at a time.
const CHUNK: usize = 256 << 10;

/// The longest header line kept: ours is about 600 bytes.
pub(crate) const MAX_HEADER_BYTES: usize = 64 << 10;

/// Where a CSV file's records begin and end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ends {
    /// The file's length in bytes.
    pub len: u64,
    /// The header line with its line break, when one ends within [`MAX_HEADER_BYTES`].
    pub header: Option<Vec<u8>>,
    /// Just past the last line break that ends a record: where the last line starts (0 when
    /// no line break ends a record).
    pub last_line: u64,
    /// Whether every quote is where CSV puts one and none is open at the end: only then do the
    /// line breaks above end the records that a CSV reader finds.
    pub plain: bool,
}

/// Whether a quote may open a field after `before` (`None`: the file's start), or close one
/// before `after` (`None`: the file's end). Between the two quotes of a doubled one, `"` is
/// the neighbour.
fn opens_after(before: Option<u8>) -> bool {
    matches!(before, None | Some(b',' | b'\n' | b'\r' | b'"'))
}

fn closes_before(after: Option<u8>) -> bool {
    matches!(after, None | Some(b',' | b'\n' | b'\r' | b'"'))
}

/// Reads `file` from its current position to its end.
pub(crate) fn ends(file: &mut File) -> io::Result<Ends> {
    let mut buffer = vec![0u8; CHUNK];
    let mut ends = Ends {
        len: 0,
        header: None,
        last_line: 0,
        plain: true,
    };
    let mut head = Vec::new();
    let mut in_quotes = false;
    // The previous read's last byte, and whether a quote closed on it (its follower is then
    // this read's first byte).
    let mut last_byte = None;
    let mut closed_at_end = false;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buffer[..read];
        if closed_at_end && !closes_before(chunk.first().copied()) {
            ends.plain = false;
        }
        closed_at_end = false;
        for at in memchr::memchr3_iter(b'"', b'\n', b'\r', chunk) {
            if chunk[at] == b'"' {
                if in_quotes {
                    match chunk.get(at + 1) {
                        Some(&next) => ends.plain &= closes_before(Some(next)),
                        None => closed_at_end = true,
                    }
                } else {
                    let before = at.checked_sub(1).map(|i| chunk[i]).or(last_byte);
                    ends.plain &= opens_after(before);
                }
                in_quotes = !in_quotes;
            } else if !in_quotes {
                let after = ends.len + at as u64 + 1;
                ends.last_line = after;
                if ends.header.is_none() && after <= MAX_HEADER_BYTES as u64 {
                    head.extend_from_slice(&chunk[..=at]);
                    ends.header = Some(std::mem::take(&mut head));
                }
            }
        }
        if ends.header.is_none() && head.len() < MAX_HEADER_BYTES {
            let room = MAX_HEADER_BYTES - head.len();
            head.extend_from_slice(&chunk[..read.min(room)]);
        }
        ends.len += read as u64;
        last_byte = chunk.last().copied();
    }
    ends.plain &= !in_quotes;
    Ok(ends)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::io::{Seek, Write};

    fn ends_of(bytes: &[u8]) -> Ends {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.rewind().unwrap();
        ends(&mut file).unwrap()
    }

    #[test]
    fn the_header_and_the_last_line_of_a_plain_file() {
        let got = ends_of(b"a,b\n1,2\n3,4");
        assert_eq!(got.header.as_deref(), Some(&b"a,b\n"[..]));
        assert_eq!(got.last_line, 8);
        assert_eq!(got.len, 11);
        assert!(got.plain);
    }

    #[test]
    fn a_line_break_inside_quotes_ends_no_record() {
        let got = ends_of(b"a,b\r\n\"x\ny\",\"q\"\"\n\"\r\n\"z\n");
        assert_eq!(got.header.as_deref(), Some(&b"a,b\r"[..]));
        // The record with two quoted line breaks ends at its \r\n; the last line is open.
        assert_eq!(got.last_line, 19);
        assert!(!got.plain, "a quote is open at the end");
    }

    #[test]
    fn a_stray_quote_makes_the_file_not_plain() {
        assert!(!ends_of(b"a,b\nx\"y,1\n").plain, "opening inside a field");
        assert!(!ends_of(b"a,b\n\"x\"y,1\n").plain, "closing inside a field");
        assert!(
            ends_of(b"a,b\n\"x\"\"y\",\"\"\n").plain,
            "doubled and empty"
        );
    }

    #[test]
    fn no_line_break_no_header() {
        let got = ends_of(b"a,b");
        assert_eq!(got.header, None);
        assert_eq!(got.last_line, 0);
    }

    #[test]
    fn boundaries_across_reads_are_found() {
        // A header, then rows that straddle the read size, a quoted line break in each.
        let mut file = b"h1,h2\n".to_vec();
        let row = b"\"long\nfield\",2\n";
        while file.len() < 3 * CHUNK {
            file.extend_from_slice(row);
        }
        let got = ends_of(&file);
        assert_eq!(got.header.as_deref(), Some(&b"h1,h2\n"[..]));
        assert_eq!(got.last_line, file.len() as u64);
        assert!(got.plain);
    }
}

//! The CSV's checkpoint: our header line, then the run's row. Core keeps it, claims it and
//! finds the ones of runs that are over ([`codecarbon_core::output::Checkpoint`],
//! [`codecarbon_core::output::recover_all`]); here they are encoded, parsed and written.

use crate::error::CsvSinkError;
use crate::paths::OutputPaths;
use crate::row::{encode as encode_records, Row, RUN_ID};
use crate::table;
use codecarbon_core::output::{self, Recovery};
use codecarbon_core::{CsvWriteMode, CSV_COLUMNS};
use std::io;

/// The checkpoint of `row`: our header, then the row.
pub(crate) fn encode(row: &Row) -> io::Result<Vec<u8>> {
    encode_records([
        CSV_COLUMNS.to_vec(),
        row.fields().iter().map(String::as_str).collect(),
    ])
}

/// The row in a checkpoint, matched to our columns by the header's names (a checkpoint of an
/// older version may have other columns), or why it is not one.
pub(crate) fn parse(bytes: &[u8]) -> Result<Row, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut records = reader.records();
    let mut next = || match records.next() {
        Some(Ok(r)) => Ok(r.iter().map(str::to_owned).collect::<Vec<_>>()),
        Some(Err(e)) => Err(format!("not CSV: {e}")),
        None => Err("it needs a header line and a row".to_owned()),
    };
    let header = next()?;
    let values = next()?;
    if !header.iter().any(|h| h == RUN_ID) {
        return Err(format!("its header has no `{RUN_ID}` column"));
    }
    Ok(Row::from_named(&header, &values))
}

/// Writes the row of every run that left a checkpoint and is over, in `mode` (under the
/// CSV's lock, which core's recovery takes).
pub(crate) fn recover_all(paths: &OutputPaths, mode: CsvWriteMode) -> Recovery<CsvSinkError> {
    output::recover_all(paths, parse, |row: Row| {
        table::write_row(paths, &row, mode)?;
        Ok(row.run_id().to_owned())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use codecarbon_core::output::Checkpoint;
    use proptest::prelude::*;
    use std::fs;

    fn setup() -> (tempfile::TempDir, OutputPaths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        (dir, paths)
    }

    fn row(run: &str, duration: &str) -> Row {
        let header = vec![RUN_ID.to_string(), "duration".into()];
        Row::from_named(&header, &[run.into(), duration.into()])
    }

    #[test]
    fn a_dropped_run_is_recovered_once_as_a_row() {
        let (_d, p) = setup();
        let mut cp = Checkpoint::new(p.clone());
        cp.save("run-1", &encode(&row("run-1", "2.5")).unwrap())
            .unwrap();
        drop(cp);
        let done = recover_all(&p, CsvWriteMode::Append);
        assert_eq!(done.recovered, ["run-1"]);
        let text = fs::read_to_string(p.file()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().nth(1).unwrap().contains(",run-1,"), "{text}");
        assert!(recover_all(&p, CsvWriteMode::Append).recovered.is_empty());
    }

    #[test]
    fn an_unreadable_checkpoint_is_set_aside() {
        let (_d, p) = setup();
        let cp = p.checkpoint("run-2");
        fs::write(&cp, "only a header\n").unwrap();
        let done = recover_all(&p, CsvWriteMode::Append);
        assert_eq!(done.problems.len(), 1);
        assert!(!cp.exists() && !p.file().exists());
        assert!(p
            .dir()
            .join(".emissions.csv.run-2.checkpoint.unreadable")
            .exists());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any bytes: a row, or a reason; never a panic.
        #[test]
        fn any_bytes_parse_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            match parse(&bytes) {
                Ok(row) => prop_assert_eq!(row.fields().len(), CSV_COLUMNS.len()),
                Err(reason) => prop_assert!(!reason.is_empty()),
            }
        }

        /// Text shaped like a checkpoint (commas, quotes, line breaks in the fields).
        #[test]
        fn csv_like_text_parses_or_says_why(text in "[a-z_,\"\r\n0-9.-]{0,400}") {
            let with_header = format!("run_id,duration\n{text}");
            for bytes in [text.as_bytes(), with_header.as_bytes()] {
                if let Err(reason) = parse(bytes) {
                    prop_assert!(!reason.is_empty());
                }
            }
        }

        /// What we save is what we read back, whatever the fields hold.
        #[test]
        fn a_saved_row_reads_back(fields in proptest::collection::vec(".{0,20}", CSV_COLUMNS.len())) {
            let header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
            let row = Row::from_named(&header, &fields);
            prop_assert_eq!(parse(&encode(&row).unwrap()), Ok(row));
        }
    }
}

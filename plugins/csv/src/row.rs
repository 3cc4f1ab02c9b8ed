//! One CSV row of CodeCarbon's 38 columns, and its text form.

use codecarbon_core::{Column, EmissionsData, CSV_COLUMNS};
use std::io;

/// The run_id column, by which `update` mode finds a run's row.
pub(crate) const RUN_ID: &str = Column::RunId.name();

/// A record as CSV fields, in [`CSV_COLUMNS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    fields: Vec<String>,
}

impl Row {
    /// The row for a record.
    pub(crate) fn from_data(data: &EmissionsData) -> Self {
        Self {
            fields: data.csv_fields().into(),
        }
    }

    /// A row from a header and values, matched by column name; a column the header lacks is
    /// empty, and one we do not know is dropped.
    pub(crate) fn from_named(header: &[String], values: &[String]) -> Self {
        let fields = CSV_COLUMNS
            .iter()
            .map(|column| {
                header
                    .iter()
                    .position(|h| h == column)
                    .and_then(|i| values.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        Self { fields }
    }

    /// The run this row belongs to.
    pub(crate) fn run_id(&self) -> &str {
        self.field(RUN_ID)
    }

    /// The value of `column`, empty if unknown.
    pub(crate) fn field(&self, column: &str) -> &str {
        CSV_COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.fields.get(i))
            .map_or("", String::as_str)
    }

    /// The fields in another column order: `order[i]` is the [`CSV_COLUMNS`] index of column `i`.
    pub(crate) fn reordered(&self, order: &[usize]) -> Vec<&str> {
        order
            .iter()
            .map(|&i| self.fields.get(i).map_or("", String::as_str))
            .collect()
    }

    /// The fields in [`CSV_COLUMNS`] order.
    pub(crate) fn fields(&self) -> &[String] {
        &self.fields
    }
}

/// CSV text of the given records, each ended by `\n`, quoted only where needed (as Python's
/// `csv` and pandas do).
pub(crate) fn encode<R, F>(records: R) -> io::Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer.write_record(record)?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_with_minimal_quoting_and_newlines() {
        let text = encode([vec!["a", "b,c", ""], vec!["x\"y", "1.5", "line\nbreak"]]).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "a,\"b,c\",\n\"x\"\"y\",1.5,\"line\nbreak\"\n"
        );
    }

    #[test]
    fn maps_named_values_and_reorders() {
        let header = vec!["run_id".to_string(), "timestamp".into(), "zzz".into()];
        let row = Row::from_named(&header, &["r1".into(), "t".into(), "?".into()]);
        assert_eq!(row.run_id(), "r1");
        assert_eq!(row.field("timestamp"), "t");
        assert_eq!(row.field("emissions"), "");
        assert_eq!(row.fields().len(), 38);
        assert_eq!(row.reordered(&[2, 0]), ["r1", "t"]);
    }
}

//! A record as Python values: one dict entry per column of emissions.csv, read through the
//! record's own description (`codecarbon::core::record::Column`), so a column added there
//! reaches Python without a change here.

use codecarbon::core::record::{Cell, Column, Kind};
use codecarbon::core::EmissionsData;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The columns of `data`, in the CSV's order, with the types CodeCarbon's `EmissionsData`
/// has: floats, whole counts as ints, text as str (`""` when empty, as CodeCarbon's defaults),
/// `on_cloud` as `"Y"`/`"N"`, and a number that has no value as `None`.
pub(crate) fn to_dict<'py>(py: Python<'py>, data: &EmissionsData) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for column in Column::ALL {
        let name = column.name();
        let cell = column.cell(data);
        match cell {
            Cell::Empty => match column.kind() {
                Kind::Text | Kind::Timestamp => dict.set_item(name, "")?,
                _ => dict.set_item(name, py.None())?,
            },
            Cell::Text(text) => dict.set_item(name, text)?,
            Cell::Number(x) => dict.set_item(name, x)?,
            Cell::Seconds(d) => dict.set_item(name, d.as_secs_f64())?,
            Cell::Count(n) => dict.set_item(name, n)?,
            Cell::Flag(yes) => dict.set_item(name, if yes { "Y" } else { "N" })?,
            // A kind of cell added later: its text in the CSV.
            _ => dict.set_item(name, cell.to_csv().as_ref())?,
        }
    }
    Ok(dict)
}

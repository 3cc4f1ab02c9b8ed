//! Where the sink's files live: the CSV, its lock, the checkpoints and the backups.
//!
//! Everything sits in the CSV's own directory so renames stay atomic (same file system):
//!
//! | file | role |
//! |---|---|
//! | `emissions.csv` | the output (`output_dir`/`output_file`) |
//! | `.emissions.csv.lock` | advisory lock shared by every writer of `emissions.csv` |
//! | `.emissions.csv.<run>.checkpoint` | the latest totals of a live (or killed) run |
//! | `.emissions.csv.<run>.checkpoint.lock` | held by the run's sink while it lives |
//! | `emissions.csv.torn` | incomplete last rows cut off the CSV, for a person to look at |
//! | `emissions.csv.bak`, `emissions.csv_0.bak`, ... | an old file set aside (CodeCarbon's names) |
//!
//! All but the backups are core's ([`codecarbon_core::output`]), shared with every file output.

pub(crate) use codecarbon_core::output::OutputPaths;
use std::path::{Path, PathBuf};

/// CodeCarbon's backup names for `path`: `{path}.bak`, then `{path}_0.bak`, `{path}_1.bak`, ...
pub(crate) fn backup_candidates(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let with = move |suffix: String| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    std::iter::once(with(".bak".into())).chain((0u64..).map(move |i| with(format!("_{i}.bak"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_are_codecarbons() {
        let names: Vec<_> = backup_candidates(Path::new("d/emissions.csv"))
            .take(3)
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("d/emissions.csv.bak"),
                PathBuf::from("d/emissions.csv_0.bak"),
                PathBuf::from("d/emissions.csv_1.bak"),
            ]
        );
    }
}

//! `/proc/<pid>/stat`: one process's parent, CPU time and resident pages, and the process tree
//! those parents draw.

use crate::ProcFile;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What codecarbon reads of one process's `/proc/<pid>/stat` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    /// The parent's pid.
    pub ppid: u32,
    /// utime + stime + cutime + cstime, in clock ticks: the process's own CPU time and that of
    /// the children it has reaped.
    pub ticks: u64,
    /// Resident set size, in pages.
    pub rss_pages: u64,
}

impl ProcStat {
    /// Parses the text of a `stat` file; `None` when it has no parent field.
    ///
    /// The command name is in parentheses and may itself hold spaces or parentheses, so the
    /// fields are counted from the last `)`.
    pub fn parse(text: &str) -> Option<ProcStat> {
        let rest = &text[text.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|s| s.parse::<i64>().ok());
        let ticks = (11..=14).map(|i| num(i).unwrap_or(0).max(0) as u64).sum();
        Some(ProcStat {
            ppid: u32::try_from(num(1)?).ok()?,
            ticks,
            rss_pages: num(21).unwrap_or(0).max(0) as u64,
        })
    }

    /// Reads `<proc_root>/<pid>/stat` through `file`'s buffer; `None` when the process is gone
    /// or the file is not a `stat` line.
    pub fn read(file: &mut ProcFile, proc_root: &Path, pid: u32) -> Option<ProcStat> {
        let path = proc_root.join(pid.to_string()).join("stat");
        ProcStat::parse(file.read(&path).ok()?)
    }
}

/// The processes now in `proc_root` (its numeric entries); empty when it cannot be read.
pub fn pids(proc_root: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir(proc_root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// `root` and every live descendant of it, as `<proc_root>` shows them now; just `root` when
/// `proc_root` cannot be read.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// for (pid, ppid) in [(10, 1), (11, 10), (12, 11), (20, 1)] {
///     std::fs::create_dir(dir.path().join(pid.to_string())).unwrap();
///     let stat = format!("{pid} (a) S {ppid} 0 0");
///     std::fs::write(dir.path().join(pid.to_string()).join("stat"), stat).unwrap();
/// }
/// let tree = codecarbon_system::descendants(dir.path(), 10);
/// assert!(tree.contains(&10) && tree.contains(&11) && tree.contains(&12));
/// assert!(!tree.contains(&20));
/// ```
pub fn descendants(proc_root: &Path, root: u32) -> HashSet<u32> {
    let mut tree = HashSet::from([root]);
    let mut file = ProcFile::default();
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for pid in pids(proc_root) {
        if let Some(stat) = ProcStat::read(&mut file, proc_root, pid) {
            children.entry(stat.ppid).or_default().push(pid);
        }
    }
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for &child in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            if tree.insert(child) {
                queue.push(child);
            }
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_with_parentheses() {
        let text = "7 (a (b) c) S 1 0 0 0 -1 0 0 0 0 0 30 0 5 0 20 0 1 0 0 0 9 0";
        let s = ProcStat::parse(text).unwrap();
        assert_eq!(
            s,
            ProcStat {
                ppid: 1,
                ticks: 35,
                rss_pages: 9
            }
        );
    }

    #[test]
    fn a_short_line_keeps_its_parent() {
        // nvml only needs the parent; a line cut after it still gives it.
        let s = ProcStat::parse("12 (sh) S 11 0 0").unwrap();
        assert_eq!((s.ppid, s.ticks, s.rss_pages), (11, 0, 0));
        assert_eq!(ProcStat::parse("12 sh S 11"), None);
        assert_eq!(ProcStat::parse("12 (sh) S"), None);
    }

    #[test]
    fn no_proc_root_is_just_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(pids(&missing).is_empty());
        assert_eq!(descendants(&missing, 7), HashSet::from([7]));
    }
}

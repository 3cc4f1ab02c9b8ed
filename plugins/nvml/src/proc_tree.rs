//! The tracked process tree's pids: a process and its descendants, from `<proc_root>/<pid>/stat`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The parent of the process whose `stat` line is `text` (the command name, in parentheses,
/// may itself hold spaces and parentheses).
fn parent(text: &str) -> Option<u32> {
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
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
/// let tree = codecarbon_nvml::descendants(dir.path(), 10);
/// assert!(tree.contains(&10) && tree.contains(&11) && tree.contains(&12));
/// assert!(!tree.contains(&20));
/// ```
pub fn descendants(proc_root: &Path, root: u32) -> HashSet<u32> {
    let mut tree = HashSet::from([root]);
    let Ok(entries) = std::fs::read_dir(proc_root) else {
        return tree;
    };
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some(ppid) = parent(&text) {
            children.entry(ppid).or_default().push(pid);
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

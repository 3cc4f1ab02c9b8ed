//! CPU time and memory of a process and all its descendants, from `/proc/<pid>/stat`.
//!
//! A process's `cutime`/`cstime` hold the CPU time of the children it has reaped, so the tree's
//! CPU time is the sum over the live tree of own + reaped-children time: a child that exits moves
//! its time into its parent's counters. A descendant that vanishes without being reaped inside
//! the tree (reparented to an outside reaper) would make that sum drop; its last value is kept
//! instead, so the total never goes backwards.
//!
//! Whether a process belongs to the tree is decided once, when it first appears (a process's
//! parent is fixed at its birth), so a listing of `/proc` reads the `stat` of the tree's
//! processes and of newcomers only, not of every process on the machine. Listing `/proc` costs
//! as much as the machine has processes, so it is done only when a process was created since
//! the last listing, anywhere on the machine (`/proc/stat`'s `processes` count moved, which the
//! machine's load reading gives for free); otherwise each tick reads the members' files, kept
//! open. No newcomer is ever found late: every sample's share of the machine is the tree's.
//!
//! Where the kernel lists each thread's children (`/proc/<pid>/task/<tid>/children`), even
//! that listing is of the tree alone: newcomers are the members' children, so the cost
//! follows the tree, not the machine (a server with thousands of processes and frequent
//! forks).

use crate::stat::{pids, ProcStat};
use crate::ProcFile;
use codecarbon_core::{Gigabytes, ProcessUsage};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many members' `stat` files stay open between ticks (each with a 4 kB buffer): a tree
/// larger than this (a build with many compilers) opens the others at each read.
const KEPT_FILES: usize = 32;

/// Follows the tree rooted at one process.
#[derive(Debug)]
pub struct ProcessTree {
    proc_root: PathBuf,
    root: u32,
    ticks_per_sec: f64,
    page_size: u64,
    file: ProcFile,
    /// Members' `stat` files, kept open.
    kept: HashMap<u32, ProcFile>,
    /// Every process seen, and whether it belongs to the tree.
    members: HashMap<u32, bool>,
    /// The ones that belong, as of the last listing or tick: what a tick reads, without going
    /// through every process of the machine.
    inside: Vec<u32>,
    /// The machine's count of created processes at the last listing of `/proc`.
    listed_at_forks: Option<u64>,
    /// Whether the kernel lists each thread's children: decided at the first listing.
    children_files: Option<bool>,
    /// Ticks carried over from descendants that vanished unreaped.
    carried: u64,
    last_total: u64,
}

impl ProcessTree {
    /// Follows `root` and its descendants, reading `<proc_root>/<pid>/stat`.
    pub fn new(proc_root: &Path, root: u32) -> Self {
        // SAFETY: sysconf only reads system constants.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Self {
            proc_root: proc_root.to_path_buf(),
            root,
            ticks_per_sec: if ticks > 0 { ticks as f64 } else { 100.0 },
            page_size: if page > 0 { page as u64 } else { 4096 },
            file: ProcFile::default(),
            kept: HashMap::new(),
            members: HashMap::new(),
            inside: Vec::new(),
            listed_at_forks: None,
            children_files: None,
            carried: 0,
            last_total: 0,
        }
    }

    /// The stat of a process; a member's through its kept file.
    fn read(&mut self, pid: u32, member: bool) -> Option<ProcStat> {
        if member && (self.kept.contains_key(&pid) || self.kept.len() < KEPT_FILES) {
            let file = self.kept.entry(pid).or_default();
            return ProcStat::read(file, &self.proc_root, pid);
        }
        ProcStat::read(&mut self.file, &self.proc_root, pid)
    }

    /// The stats of the members known, without listing `/proc`. A member gone is forgotten at
    /// once, as a listing would: a process that takes its pid later is a newcomer.
    fn member_stats(&mut self) -> Vec<ProcStat> {
        let mut stats = Vec::with_capacity(self.inside.len());
        let mut gone = Vec::new();
        for i in 0..self.inside.len() {
            let pid = self.inside[i];
            match self.read(pid, true) {
                Some(stat) => stats.push(stat),
                None => gone.push(pid),
            }
        }
        for pid in gone {
            self.members.remove(&pid);
            self.kept.remove(&pid);
            self.inside.retain(|&p| p != pid);
        }
        stats
    }

    /// Adds the members' children that are not members yet, and theirs, from the kernel's
    /// list of each member thread's children.
    fn find_children(&mut self) {
        if self.inside.is_empty() && !self.members.contains_key(&self.root) {
            self.members.insert(self.root, true);
            self.inside.push(self.root);
        }
        let mut queue = self.inside.clone();
        while let Some(pid) = queue.pop() {
            let Ok(threads) = std::fs::read_dir(self.proc_root.join(format!("{pid}/task"))) else {
                continue; // ended
            };
            for thread in threads.flatten() {
                let Ok(text) = std::fs::read_to_string(thread.path().join("children")) else {
                    continue;
                };
                for child in text
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok())
                {
                    if self.members.get(&child) != Some(&true) {
                        self.members.insert(child, true);
                        self.inside.push(child);
                        queue.push(child);
                    }
                }
            }
        }
    }

    /// The stats of the tree's processes now, listing `/proc` and deciding the membership of
    /// newcomers.
    fn tree_stats(&mut self) -> Vec<ProcStat> {
        let pids = pids(&self.proc_root);
        let present: HashSet<u32> = pids.iter().copied().collect();
        self.members.retain(|pid, _| present.contains(pid));
        self.kept.retain(|pid, _| present.contains(pid));
        let mut stats = HashMap::new();
        let mut newcomers = Vec::new();
        for pid in pids {
            match self.members.get(&pid).copied() {
                Some(false) => {}
                known => {
                    if let Some(stat) = self.read(pid, known == Some(true)) {
                        stats.insert(pid, stat);
                        if known.is_none() {
                            newcomers.push(pid);
                        }
                    }
                }
            }
        }
        // A newcomer belongs if it is the root or its parent belongs; parents may be newcomers
        // too, so settle them until nothing changes.
        loop {
            let before = newcomers.len();
            newcomers.retain(|pid| {
                let parent_in = stats
                    .get(pid)
                    .is_some_and(|s| self.members.get(&s.ppid) == Some(&true));
                if *pid == self.root || parent_in {
                    self.members.insert(*pid, true);
                }
                !(*pid == self.root || parent_in)
            });
            if newcomers.len() == before {
                break;
            }
        }
        for pid in newcomers {
            self.members.insert(pid, false);
        }
        self.inside.clear();
        let mut inside = Vec::new();
        for (pid, stat) in stats {
            if self.members.get(&pid) == Some(&true) {
                self.inside.push(pid);
                inside.push(stat);
            }
        }
        inside
    }

    /// The tree's cumulative CPU time (never decreasing) and current resident memory.
    ///
    /// `forks`: the machine's count of processes created since boot (`/proc/stat`'s
    /// `processes`, [`crate::MachineLoad::forks`]), read before this call. `/proc` is listed for
    /// newcomers only when it moved since the last listing; without it, at every call.
    pub fn usage(&mut self, forks: Option<u64>) -> ProcessUsage {
        let list = forks.is_none() || forks != self.listed_at_forks;
        let children_files = *self.children_files.get_or_insert_with(|| {
            let (root, proc_root) = (self.root, &self.proc_root);
            proc_root
                .join(format!("{root}/task/{root}/children"))
                .exists()
        });
        let stats = match (list, children_files) {
            (true, true) => {
                self.listed_at_forks = forks;
                self.find_children();
                self.member_stats()
            }
            (true, false) => {
                self.listed_at_forks = forks;
                self.tree_stats()
            }
            (false, _) => self.member_stats(),
        };
        let ticks: u64 = stats.iter().map(|s| s.ticks).sum();
        let pages: u64 = stats.iter().map(|s| s.rss_pages).sum();
        let live = ticks + self.carried;
        if live < self.last_total {
            self.carried += self.last_total - live;
        }
        self.last_total = ticks + self.carried;
        ProcessUsage::new(
            Duration::from_secs_f64(self.last_total as f64 / self.ticks_per_sec),
            Gigabytes::from_bytes(pages * self.page_size),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(pid: u32, ppid: u32, utime: u64, cutime: u64, rss: u64) -> String {
        format!(
            "{pid} (a (b) c) S {ppid} 0 0 0 -1 0 0 0 0 0 {utime} 0 {cutime} 0 20 0 1 0 0 0 {rss} 0"
        )
    }

    fn write(root: &Path, pid: u32, text: &str) {
        std::fs::create_dir_all(root.join(pid.to_string())).unwrap();
        std::fs::write(root.join(pid.to_string()).join("stat"), text).unwrap();
    }

    #[test]
    fn sums_the_tree_and_never_goes_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, 10, &stat(10, 1, 100, 0, 10));
        write(root, 11, &stat(11, 10, 50, 0, 5));
        write(root, 12, &stat(12, 11, 25, 0, 5));
        write(root, 99, &stat(99, 1, 1000, 0, 500)); // not in the tree
        let mut tree = ProcessTree::new(root, 10);
        tree.ticks_per_sec = 100.0;
        tree.page_size = 1024 * 1024 * 1024;
        let u = tree.usage(None);
        assert_eq!(u.cpu_time, Duration::from_secs_f64(1.75));
        assert_eq!(u.resident, Gigabytes(20.0));

        // 12 exits and is reaped by 11: its time moves into 11's cutime.
        std::fs::remove_dir_all(root.join("12")).unwrap();
        write(root, 11, &stat(11, 10, 50, 25, 5));
        assert_eq!(tree.usage(None).cpu_time, Duration::from_secs_f64(1.75));

        // A new grandchild appears: it belongs, and so does its own child.
        write(root, 13, &stat(13, 11, 5, 0, 1));
        write(root, 14, &stat(14, 13, 5, 0, 1));
        write(root, 98, &stat(98, 99, 500, 0, 1)); // a child of an outsider does not
        assert_eq!(tree.usage(None).cpu_time, Duration::from_secs_f64(1.85));
        std::fs::remove_dir_all(root.join("13")).unwrap();
        std::fs::remove_dir_all(root.join("14")).unwrap();
        write(root, 11, &stat(11, 10, 50, 35, 5));

        // 11 vanishes unreaped (reparented elsewhere): its last value is kept.
        std::fs::remove_dir_all(root.join("11")).unwrap();
        assert_eq!(tree.usage(None).cpu_time, Duration::from_secs_f64(1.85));
        write(root, 10, &stat(10, 1, 110, 0, 10));
        assert_eq!(tree.usage(None).cpu_time, Duration::from_secs_f64(1.95));
    }

    #[test]
    fn proc_is_listed_again_only_when_a_process_was_created() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, 10, &stat(10, 1, 100, 0, 1));
        let mut tree = ProcessTree::new(root, 10);
        tree.ticks_per_sec = 100.0;
        assert_eq!(tree.usage(Some(7)).cpu_time, Duration::from_secs(1));
        // No process created: the members' figures are read, no listing (a planted
        // directory stays unseen).
        write(root, 10, &stat(10, 1, 200, 0, 1));
        write(root, 11, &stat(11, 10, 50, 0, 1));
        assert_eq!(tree.usage(Some(7)).cpu_time, Duration::from_secs(2));
        // The count moved: the newcomer is found.
        assert_eq!(tree.usage(Some(8)).cpu_time, Duration::from_secs_f64(2.5));
        write(root, 12, &stat(12, 11, 50, 0, 1));
        assert_eq!(tree.usage(None).cpu_time, Duration::from_secs(3));
        assert_eq!(tree.usage(Some(9)).cpu_time, Duration::from_secs(3));
        // 12 ends, reaped by 11, between two listings; its pid then goes to a process outside
        // the tree: a newcomer, not a member. (The kernel's `stat` of an ended process reads
        // as an error through a file kept open; a fake file must be emptied to read as none.)
        write(root, 12, "");
        std::fs::remove_dir_all(root.join("12")).unwrap();
        write(root, 11, &stat(11, 10, 50, 50, 1));
        assert_eq!(tree.usage(Some(9)).cpu_time, Duration::from_secs(3));
        write(root, 12, &stat(12, 1, 900, 0, 1));
        assert_eq!(tree.usage(Some(10)).cpu_time, Duration::from_secs(3));
    }

    #[test]
    fn finds_newcomers_through_the_kernels_lists_of_children() {
        let me = std::process::id();
        let root = Path::new("/proc");
        if !root.join(format!("{me}/task/{me}/children")).exists() {
            return; // a kernel without CONFIG_PROC_CHILDREN lists /proc instead
        }
        let mut tree = ProcessTree::new(root, me);
        tree.usage(Some(1));
        assert_eq!(tree.children_files, Some(true));
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        // No process created, says the count: nothing looked for.
        tree.usage(Some(1));
        assert!(!tree.inside.contains(&child.id()));
        tree.usage(Some(2));
        assert!(tree.inside.contains(&child.id()), "{:?}", tree.inside);
        child.kill().unwrap();
        child.wait().unwrap();
        tree.usage(Some(2));
        assert!(
            !tree.inside.contains(&child.id()),
            "an ended member is forgotten"
        );
    }

    #[test]
    fn sees_this_process() {
        let mut tree = ProcessTree::new(Path::new("/proc"), std::process::id());
        let u = tree.usage(None);
        assert!(u.resident.value() > 0.0);
    }
}

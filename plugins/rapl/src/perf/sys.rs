//! The `perf_event_open` system call, kept as small as can be: open one counting event on one
//! CPU, and read its 64-bit count.

use std::fs::File;
use std::io::{self, Read};

/// `perf_event_attr` up to its first published size (`PERF_ATTR_SIZE_VER0`, 64 bytes); the
/// kernel accepts this size and zero-fills the rest. Every flag is 0: enabled, counting.
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    type_: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

/// `PERF_ATTR_SIZE_VER0`.
const ATTR_SIZE: u32 = 64;
/// `PERF_FLAG_FD_CLOEXEC`.
const FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;

/// Opens event `config` of PMU `pmu_type` on `cpu`, for every process (pid −1), counting.
#[cfg(target_os = "linux")]
pub(crate) fn open_counter(pmu_type: u32, config: u64, cpu: i32) -> io::Result<File> {
    use std::os::fd::FromRawFd;
    let attr = PerfEventAttr {
        type_: pmu_type,
        size: ATTR_SIZE,
        config,
        ..PerfEventAttr::default()
    };
    let pid: libc::pid_t = -1;
    let group: libc::c_int = -1;
    // SAFETY: `attr` is a valid perf_event_attr of the size it declares and outlives the call.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const PerfEventAttr,
            pid,
            cpu as libc::c_int,
            group,
            FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = libc::c_int::try_from(fd).map_err(|_| io::Error::other("fd out of range"))?;
    // SAFETY: the kernel just gave us this descriptor and nothing else owns it.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Elsewhere there is no perf_event.
#[cfg(not(target_os = "linux"))]
pub(crate) fn open_counter(_pmu_type: u32, _config: u64, _cpu: i32) -> io::Result<File> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "perf_event_open exists only on Linux",
    ))
}

/// The event's count so far.
pub(crate) fn read_count(file: &File) -> io::Result<u64> {
    let mut bytes = [0u8; 8];
    (&*file).read_exact(&mut bytes)?;
    Ok(u64::from_ne_bytes(bytes))
}

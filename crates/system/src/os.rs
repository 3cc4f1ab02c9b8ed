//! What `uname(2)` tells: the `os` column (system, kernel release and architecture, like
//! Python's `platform.platform()`), and the host name the fleet's outputs label a machine with.

/// `Linux-6.1.0-x86_64`, from `uname(2)`.
pub fn os_description() -> String {
    let Some(name) = uname() else {
        return std::env::consts::OS.to_string();
    };
    format!(
        "{}-{}-{}",
        field(&name.sysname),
        field(&name.release),
        field(&name.machine)
    )
}

/// The machine's host name, as `hostname` prints it (`uname(2)`'s node name); `None` when the
/// system gives none.
///
/// The outputs read by many machines of one job tell them apart by it: the Pushgateway's
/// `instance`, OpenTelemetry's `host.name`. Inside a container it is the container's (its UTS
/// namespace's), unless the container shares the host's.
pub fn host_name() -> Option<String> {
    uname()
        .map(|name| field(&name.nodename))
        .filter(|host| !host.is_empty())
}

/// The kernel's `utsname`, or `None` if `uname` fails.
fn uname() -> Option<libc::utsname> {
    // SAFETY: `uname` fills a zeroed struct of fixed-size, NUL-terminated arrays.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    (unsafe { libc::uname(&mut name) } == 0).then_some(name)
}

/// One field of `utsname`: the bytes up to its NUL, as text.
fn field(f: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = f
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    #[test]
    fn names_the_system_and_architecture() {
        let os = super::os_description();
        assert!(os.starts_with("Linux-"), "{os}");
        assert!(os.ends_with(std::env::consts::ARCH), "{os}");
    }

    #[test]
    fn the_host_name_is_the_kernels() {
        let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(super::host_name().as_deref(), Some(kernel.trim_end()));
    }
}

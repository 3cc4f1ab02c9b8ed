//! What `uname(2)` tells: the `os` column, and the host name the fleet's outputs label a
//! machine with.
//!
//! The `os` column is what Python's `platform.platform()` says, as CodeCarbon writes it
//! (`Linux-6.1.0-18-amd64-x86_64-with-glibc2.36`).
//!
//! Python 3.11 builds it from `uname` (system, release, machine; its processor, from
//! `uname -p`, is `unknown` or the machine on Linux, and then dropped) and, on Linux, `with` and
//! the C library's name and version (`os.confstr('CS_GNU_LIBC_VERSION')`, which is glibc's
//! `gnu_get_libc_version`), then makes the text fit a file name ([`platform_text`]).

/// `platform.platform()` of this machine, from `uname(2)` and the C library, without a
/// subprocess.
pub fn os_description() -> String {
    let Some(name) = uname() else {
        return std::env::consts::OS.to_string();
    };
    let system = field(&name.sysname);
    let mut parts = vec![system.clone(), field(&name.release), field(&name.machine)];
    if system == "Linux" {
        parts.push("with".into());
        parts.push(c_library().unwrap_or_default());
    }
    platform_text(&parts)
}

/// The C library as Python's `platform.libc_ver()` names it on glibc: `glibc2.36`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn c_library() -> Option<String> {
    // SAFETY: glibc returns a pointer to a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(libc::gnu_get_libc_version()) };
    Some(format!("glibc{}", version.to_str().ok()?))
}

/// Another C library: Python finds none by `confstr` either.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn c_library() -> Option<String> {
    None
}

/// Python's `platform._platform`: the non-empty parts, trimmed, joined with `-`; blanks as
/// `_`; `/ \ : ; " ( )` as `-`; `unknown` dropped; runs of `-` folded and trailing ones removed.
fn platform_text(parts: &[String]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.trim())
        .collect::<Vec<_>>()
        .join("-");
    let mut text: String = joined
        .replace(' ', "_")
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | ';' | '"' | '(' | ')' => '-',
            c => c,
        })
        .collect::<String>()
        .replace("unknown", "");
    while text.contains("--") {
        text = text.replace("--", "-");
    }
    text.trim_end_matches('-').to_string()
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

    use super::*;

    fn text(parts: &[&str]) -> String {
        platform_text(&parts.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    /// The expected texts are what Python 3.11's `platform._platform` gives for these parts.
    #[test]
    fn the_text_is_pythons() {
        assert_eq!(
            text(&["Linux", "6.1.0-18-amd64", "x86_64", "with", "glibc2.36"]),
            "Linux-6.1.0-18-amd64-x86_64-with-glibc2.36"
        );
        assert_eq!(
            text(&[
                "Linux",
                "5.15.0 (custom) unknown",
                "x86_64",
                "",
                "with",
                "glibc2.31"
            ]),
            "Linux-5.15.0_-custom-_-x86_64-with-glibc2.31"
        );
        assert_eq!(
            text(&["Linux", "4.4.0-19041-Microsoft", "x86_64", "with", ""]),
            "Linux-4.4.0-19041-Microsoft-x86_64-with"
        );
        assert_eq!(
            text(&["Linux", "6.8:rt/x\\\"y;z", "aarch64", "with", "glibc2.39"]),
            "Linux-6.8-rt-x-y-z-aarch64-with-glibc2.39"
        );
    }

    #[test]
    fn names_the_system_architecture_and_c_library() {
        let os = os_description();
        assert!(os.starts_with("Linux-"), "{os}");
        assert!(
            os.contains(&format!("-{}-with", std::env::consts::ARCH)),
            "{os}"
        );
    }

    /// The version comes from `confstr(_CS_GNU_LIBC_VERSION)` too, which Python asks.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_c_library_is_the_one_confstr_names() {
        let mut buf = vec![0u8; 64];
        // SAFETY: a writable buffer of the length given.
        let n = unsafe {
            libc::confstr(
                libc::_CS_GNU_LIBC_VERSION,
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        assert!(n > 0 && n <= buf.len());
        let named = String::from_utf8_lossy(&buf[..n - 1]).into_owned(); // "glibc 2.36"
        let os = os_description();
        assert!(
            os.ends_with(&format!("-with-{}", named.replace(' ', ""))),
            "{os} vs {named}"
        );
    }

    #[test]
    fn the_host_name_is_the_kernels() {
        let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(super::host_name().as_deref(), Some(kernel.trim_end()));
    }
}

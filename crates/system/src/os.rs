//! The `os` column: system, kernel release and architecture, like Python's `platform.platform()`.

/// `Linux-6.1.0-x86_64`, from `uname(2)`.
pub fn os_description() -> String {
    // SAFETY: `uname` fills a zeroed struct of fixed-size, NUL-terminated arrays.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    if unsafe { libc::uname(&mut name) } != 0 {
        return std::env::consts::OS.to_string();
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    format!(
        "{}-{}-{}",
        field(&name.sysname),
        field(&name.release),
        field(&name.machine)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_system_and_architecture() {
        let os = super::os_description();
        assert!(os.starts_with("Linux-"), "{os}");
        assert!(os.ends_with(std::env::consts::ARCH), "{os}");
    }
}

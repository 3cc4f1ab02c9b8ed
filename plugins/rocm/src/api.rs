//! Which of AMD's two monitoring libraries a backend uses, and what differs between them: the
//! plugin's name, the files to load, the setting that names one, and how to install it.
//!
//! AMD SMI (`libamd_smi.so`) replaces ROCm SMI (`librocm_smi64.so`) in current ROCm releases
//! and is what CodeCarbon 3.3.2 reads; ROCm SMI stays for older installs. Both give the same
//! readings by device, so everything above [`Smi`](crate::Smi) is shared.

/// One of the two libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// ROCm SMI, `librocm_smi64.so.1` (ROCm 5 and 6).
    RocmSmi,
    /// AMD SMI, `libamd_smi.so` (ROCm 6 and later).
    AmdSmi,
}

impl Api {
    /// The library's name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Api::RocmSmi => "ROCm SMI",
            Api::AmdSmi => "AMD SMI",
        }
    }

    /// The name of the plugin that reads through it.
    pub fn plugin(self) -> &'static str {
        match self {
            Api::RocmSmi => "rocm",
            Api::AmdSmi => "amdsmi",
        }
    }

    /// The file names the dynamic loader is asked for, in order; the first is also looked for
    /// in `$ROCM_PATH/lib`.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Api::RocmSmi => &["librocm_smi64.so.1", "librocm_smi64.so"],
            Api::AmdSmi => &["libamd_smi.so"],
        }
    }

    /// The setting that names the file to load instead of searching.
    pub fn setting(self) -> &'static str {
        match self {
            Api::RocmSmi => "rocm_smi_library",
            Api::AmdSmi => "amd_smi_library",
        }
    }

    /// The fix when the library cannot be found.
    pub fn install_fix(self) -> String {
        let package = match self {
            Api::RocmSmi => "rocm-smi-lib",
            Api::AmdSmi => "amd-smi-lib",
        };
        format!(
            "Install ROCm (its {package} package), or set LD_LIBRARY_PATH to the directory that \
             holds {} (usually /opt/rocm/lib), or set `{}` to the file",
            self.files()[0],
            self.setting()
        )
    }
}

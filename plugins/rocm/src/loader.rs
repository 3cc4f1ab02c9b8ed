//! Where a library is looked for, and which file was loaded.

use crate::api::Api;
use crate::error::RocmError;
use std::path::Path;

/// ROCm SMI's library name, as the dynamic loader looks it up.
pub const LIBRARY: &str = "librocm_smi64.so.1";

/// Where ROCm installs itself when `ROCM_PATH` does not say otherwise.
pub const DEFAULT_ROCM_PATH: &str = "/opt/rocm";

/// The files to try for `api`, in order: `explicit` alone (the `rocm_smi_library` or
/// `amd_smi_library` setting) when given; else [`Api::files`] through the loader's search path
/// (`LD_LIBRARY_PATH`, ld.so.cache), and the first of them in `lib/` of `rocm_path`
/// (`ROCM_PATH`) or of [`DEFAULT_ROCM_PATH`].
///
/// ```
/// use codecarbon_rocm::{candidates, Api};
/// assert_eq!(
///     candidates(Api::RocmSmi, Some("/x/librocm_smi64.so.1"), None),
///     ["/x/librocm_smi64.so.1"]
/// );
/// assert_eq!(
///     candidates(Api::RocmSmi, None, Some("/rocm")),
///     ["librocm_smi64.so.1", "librocm_smi64.so", "/rocm/lib/librocm_smi64.so.1"]
/// );
/// assert_eq!(
///     candidates(Api::AmdSmi, None, None),
///     ["libamd_smi.so", "/opt/rocm/lib/libamd_smi.so"]
/// );
/// ```
pub fn candidates(api: Api, explicit: Option<&str>, rocm_path: Option<&str>) -> Vec<String> {
    if let Some(file) = explicit.map(str::trim).filter(|f| !f.is_empty()) {
        return vec![file.to_string()];
    }
    let root = rocm_path
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(DEFAULT_ROCM_PATH);
    let mut files: Vec<String> = api.files().iter().map(|f| f.to_string()).collect();
    if let Some(first) = api.files().first() {
        files.push(
            Path::new(root)
                .join("lib")
                .join(first)
                .display()
                .to_string(),
        );
    }
    files
}

/// Opens the first candidate that `open` loads. A file that loads but is not usable (a
/// missing symbol, the library's initialisation failing) ends the search with its own error;
/// when none loads, the error names every file tried and says how to install or point to the
/// library.
pub fn load<L>(
    api: Api,
    candidates: &[String],
    open: impl Fn(&str) -> Result<L, RocmError>,
) -> Result<L, RocmError> {
    let mut first_error = None;
    for file in candidates {
        match open(file) {
            Ok(lib) => return Ok(lib),
            Err(RocmError::NotFound {
                first_error: why, ..
            }) => {
                first_error.get_or_insert(why);
            }
            Err(other) => return Err(other),
        }
    }
    Err(RocmError::NotFound {
        api,
        tried: candidates.to_vec(),
        first_error: first_error.unwrap_or_else(|| "no file to try".into()),
    })
}

/// The path of the file the loader mapped for `file`: `file` itself when it is a path, else
/// the first mapping in `/proc/self/maps` whose file name starts like it (`librocm_smi64`),
/// else `file` as given.
pub fn loaded_path(file: &str) -> String {
    if file.contains('/') {
        return file.to_string();
    }
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    find_mapping(&maps, file).unwrap_or_else(|| file.to_string())
}

/// The path in `maps` (the text of `/proc/<pid>/maps`) of the library `file` names.
///
/// ```
/// use codecarbon_rocm::find_mapping;
/// let maps = "7f00-7f10 r--p 00000000 08:01 42 /opt/rocm-6.2.0/lib/librocm_smi64.so.7.3.60200\n";
/// assert_eq!(
///     find_mapping(maps, "librocm_smi64.so.1").as_deref(),
///     Some("/opt/rocm-6.2.0/lib/librocm_smi64.so.7.3.60200")
/// );
/// assert_eq!(find_mapping(maps, "libamd_smi.so"), None);
/// ```
pub fn find_mapping(maps: &str, file: &str) -> Option<String> {
    let stem = file.split(".so").next().unwrap_or(file);
    maps.lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .find(|path| {
            Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(stem))
                .is_some_and(|rest| rest.starts_with(".so"))
        })
        .map(str::to_string)
}

//! The only unsafe code of this crate: the libraries' C functions, resolved at run time with
//! `libloading`, behind the [`Smi`](crate::Smi) trait. One module per library.

mod amd_smi;
mod rocm_smi;

pub use amd_smi::AmdSmiLib;
pub use rocm_smi::RocmSmiLib;

use crate::api::Api;
use crate::error::RocmError;
use libloading::Library;

/// Opens `file` (a name the dynamic loader looks up, or a path). A file that cannot be opened
/// is [`RocmError::NotFound`].
fn open_library(api: Api, file: &str) -> Result<Library, RocmError> {
    // SAFETY: loading runs the library's initialisers; librocm_smi64 and libamd_smi are system
    // libraries whose initialisers only set up their own state. A file that is not a shared
    // object is refused by the loader with an error, not run.
    unsafe { Library::new(file) }.map_err(|e| RocmError::NotFound {
        api,
        tried: vec![file.to_string()],
        first_error: e.to_string(),
    })
}

/// A library being resolved: where its functions are looked up.
struct Symbols<'a> {
    api: Api,
    library: &'a Library,
    file: &'a str,
}

impl Symbols<'_> {
    /// Looks `name` (NUL-terminated) up; a missing function is [`RocmError::MissingSymbol`].
    ///
    /// # Safety
    ///
    /// `T` must be the `extern "C"` fn type of the function `name` in the library's header.
    unsafe fn get<T: Copy>(&self, name: &'static str) -> Result<T, RocmError> {
        // SAFETY: the caller gives the function's declared type.
        let found = unsafe { self.library.get::<T>(name.as_bytes()) };
        found.map(|s| *s).map_err(|e| RocmError::MissingSymbol {
            api: self.api,
            library: self.file.to_string(),
            symbol: name.trim_end_matches('\0'),
            message: e.to_string(),
        })
    }
}

//! What the builder's setters take: each setting's setter is generated from its declaration
//! (`codecarbon_core::core_settings!`), and takes any value that [`SettingInput`] turns into
//! the setting's text. A number for a number, text for text, a path for a path.

use codecarbon_core::{CsvWriteMode, GramsPerKwh, LitersPerKwh, TrackingMode, Watts};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A value the builder's setter of a setting of type `T` takes, as the text the
/// configuration reads (the same text a config file or a flag would give).
pub trait SettingInput<T> {
    /// The value as a setting's text.
    fn into_text(self) -> String;
}

macro_rules! numbers {
    ($($target:ty),*) => {$(
        impl SettingInput<$target> for f64 {
            fn into_text(self) -> String {
                self.to_string()
            }
        }
    )*};
}
numbers!(
    f64,
    Duration,
    LitersPerKwh,
    Option<Watts>,
    Option<GramsPerKwh>
);

impl<S: AsRef<str>> SettingInput<String> for S {
    fn into_text(self) -> String {
        self.as_ref().to_string()
    }
}

impl<S: AsRef<str>> SettingInput<Option<String>> for S {
    fn into_text(self) -> String {
        self.as_ref().to_string()
    }
}

impl<P: AsRef<Path>> SettingInput<PathBuf> for P {
    fn into_text(self) -> String {
        self.as_ref().display().to_string()
    }
}

/// A switch that is unset until given (CodeCarbon's `save_to_*`).
impl SettingInput<Option<bool>> for bool {
    fn into_text(self) -> String {
        self.to_string()
    }
}

impl SettingInput<bool> for bool {
    fn into_text(self) -> String {
        self.to_string()
    }
}

/// A count of measurements; `-1`: only at flush and stop.
impl SettingInput<Option<NonZeroU32>> for i32 {
    fn into_text(self) -> String {
        self.to_string()
    }
}

impl SettingInput<Vec<String>> for &[&str] {
    fn into_text(self) -> String {
        self.join(",")
    }
}

impl<const N: usize> SettingInput<Vec<String>> for &[&str; N] {
    fn into_text(self) -> String {
        self.join(",")
    }
}

impl SettingInput<TrackingMode> for TrackingMode {
    fn into_text(self) -> String {
        self.to_string()
    }
}

impl SettingInput<CsvWriteMode> for CsvWriteMode {
    fn into_text(self) -> String {
        self.to_string()
    }
}

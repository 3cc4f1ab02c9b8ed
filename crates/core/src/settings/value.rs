//! [`Value`], a setting's text once read, and [`FromSetting`], which turns it into the type a
//! struct of settings holds.

use crate::config::{CsvWriteMode, TrackingMode};
use crate::secret::Secret;
use crate::units::{GramsPerKwh, LitersPerKwh, Watts};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

/// A setting's value once its text is read by its [`ValueKind`](super::ValueKind).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// Text, trimmed (possibly empty).
    Text(String),
    /// A number in its range.
    Number(f64),
    /// A whole number in its range.
    Count(i64),
    /// A list of words.
    List(Vec<String>),
    /// An empty number: the setting is unset.
    Unset,
}

/// A type a setting can hold. The conversion fails only when the declaration pairs a type
/// with a kind that cannot give it (a test of each table catches that).
pub trait FromSetting: Sized {
    /// The value, or `None` when it does not fit this type.
    fn from_setting(value: Value) -> Option<Self>;
}

impl FromSetting for String {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl FromSetting for PathBuf {
    fn from_setting(value: Value) -> Option<Self> {
        String::from_setting(value).map(PathBuf::from)
    }
}

impl FromSetting for bool {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl FromSetting for f64 {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::Number(x) => Some(x),
            _ => None,
        }
    }
}

impl FromSetting for Vec<String> {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::List(words) => Some(words),
            _ => None,
        }
    }
}

/// Seconds, as a number.
impl FromSetting for Duration {
    fn from_setting(value: Value) -> Option<Self> {
        f64::from_setting(value).and_then(|secs| Duration::try_from_secs_f64(secs).ok())
    }
}

/// An empty value unsets an optional setting, and so does a count of `-1` (CodeCarbon's
/// "never", as in `api_call_interval = -1`).
impl<T: FromSetting> FromSetting for Option<T> {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::Unset | Value::Count(-1) => Some(None),
            Value::Text(text) if text.is_empty() => Some(None),
            value => T::from_setting(value).map(Some),
        }
    }
}

/// A count of measurements: `-1` is never (`None`), `0` counts as 1, as in CodeCarbon, which
/// compares with `>=`.
impl FromSetting for NonZeroU32 {
    fn from_setting(value: Value) -> Option<Self> {
        match value {
            Value::Count(0) => Some(NonZeroU32::MIN),
            Value::Count(n) => u32::try_from(n).ok().and_then(NonZeroU32::new),
            _ => None,
        }
    }
}

macro_rules! from_number {
    ($($unit:ident),*) => {$(
        impl FromSetting for $unit {
            fn from_setting(value: Value) -> Option<Self> {
                f64::from_setting(value).map($unit)
            }
        }
    )*};
}
from_number!(Watts, GramsPerKwh, LitersPerKwh);

macro_rules! from_word {
    ($($ty:ident),*) => {$(
        impl FromSetting for $ty {
            fn from_setting(value: Value) -> Option<Self> {
                String::from_setting(value)?.parse().ok()
            }
        }
    )*};
}
from_word!(TrackingMode, CsvWriteMode);

/// A secret (an API key, a token): kept out of every message by its `Debug`.
impl FromSetting for Secret {
    fn from_setting(value: Value) -> Option<Self> {
        String::from_setting(value).map(Secret::new)
    }
}

/// The value as read, for checking a text without keeping it.
impl FromSetting for Value {
    fn from_setting(value: Value) -> Option<Self> {
        Some(value)
    }
}

macro_rules! from_count {
    ($($ty:ty),*) => {$(
        /// A whole number (of a [`ValueKind::Count`](super::ValueKind::Count) setting).
        impl FromSetting for $ty {
            fn from_setting(value: Value) -> Option<Self> {
                match value {
                    Value::Count(n) => <$ty>::try_from(n).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
from_count!(u16, u32, u64, usize, i64);

/// An address and port (`127.0.0.1:9464`).
impl FromSetting for std::net::SocketAddr {
    fn from_setting(value: Value) -> Option<Self> {
        String::from_setting(value)?.parse().ok()
    }
}

//! Small helpers for the one-line details shown to people.

use codecarbon_core::Watts;

/// `8 W`, `11.4 W`: watts rounded to two decimals, without trailing zeros.
pub(crate) fn format_watts(watts: Watts) -> String {
    let rounded = (watts.value() * 100.0).round() / 100.0;
    format!("{rounded} W")
}

/// `1 socket`, `2 sockets`.
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watts_are_short() {
        assert_eq!(format_watts(Watts(8.0)), "8 W");
        assert_eq!(format_watts(Watts(4.0 * 1.5 + 0.9 * 1.5 * 4.0)), "11.4 W");
        assert_eq!(plural(1, "thread"), "1 thread");
        assert_eq!(plural(2, "thread"), "2 threads");
    }
}

//! Number formatting that matches the tools that wrote the committed files byte for byte.
//!
//! The JSON files were written by Python (`json.dump`, which prints a float as `repr` does:
//! `0.0`, `561.224`, `1e-05`) and the cloud CSV tables by JavaScript (`String(number)`: `120`,
//! `379.069`). Rust's own `Display` differs from both (`0` for `0.0`, `1e16` for `1e+16`), so a
//! refresh would rewrite every line of an unchanged file. Rounding is done on the exact decimal
//! value of the double, as Python's `round` (ties to even) and JavaScript's `toFixed` (ties away
//! from zero) do, never by multiplying and dividing, which misrounds.

/// The shortest digits that round-trip `x` (no leading zeros, at least one digit) and the
/// position of the decimal point: `x = 0.DIGITS × 10^point`. `x` must be finite and non-zero.
fn shortest(x: f64) -> (String, i32) {
    // `{:e}` prints the shortest round-trip digits as `d.ddde<exp>`.
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// `x` as Python's `repr(float)` prints it: what `json.dump` writes for a float.
pub fn py_repr(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, point) = shortest(x);
    let n = digits.len() as i32;
    if point > -4 && point <= 16 {
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point >= n {
            format!("{digits}{}.0", "0".repeat((point - n) as usize))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let exp = point - 1;
        let mantissa = if n == 1 {
            digits.clone()
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp.abs())
    }
}

/// `x` as JavaScript's `String(number)` prints it: what the cloud tables' generator wrote.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, point) = shortest(x);
    let k = digits.len() as i32;
    let body = if k <= point && point <= 21 {
        format!("{digits}{}", "0".repeat((point - k) as usize))
    } else if 0 < point && point <= 21 {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    } else if -6 < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let exp = point - 1;
        let mantissa = if k == 1 {
            digits.clone()
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{esign}{}", exp.abs())
    };
    format!("{sign}{body}")
}

/// How a value exactly halfway between two candidates is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    /// To the even last digit, as Python's `round(x, n)`.
    Even,
    /// Away from zero, as JavaScript's `x.toFixed(n)`.
    AwayFromZero,
}

/// `x` rounded to `places` decimals from its exact decimal value. Non-finite values are
/// returned unchanged.
pub fn round_to(x: f64, places: usize, ties: Ties) -> f64 {
    if !x.is_finite() {
        return x;
    }
    // 1074 fractional digits hold any double's exact decimal expansion.
    let exact = format!("{:.1074}", x.abs());
    let (int_part, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let kept = &frac[..places.min(frac.len())];
    let rest = &frac[places.min(frac.len())..];
    let mut digits: Vec<u8> = int_part.bytes().chain(kept.bytes()).collect();
    let first = rest.bytes().next().unwrap_or(b'0');
    let beyond_half = rest.bytes().skip(1).any(|b| b != b'0');
    let last_odd = digits.last().is_some_and(|d| (d - b'0') % 2 == 1);
    let up = match first.cmp(&b'5') {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            beyond_half
                || match ties {
                    Ties::AwayFromZero => true,
                    Ties::Even => last_odd,
                }
        }
    };
    if up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - kept.len();
    let text = format!(
        "{}{}.{}",
        if x.is_sign_negative() { "-" } else { "" },
        String::from_utf8_lossy(&digits[..split]),
        String::from_utf8_lossy(&digits[split..])
    );
    text.parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn python_repr_matches_cpython() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (561.224, "561.224"),
            (153.42999999999998, "153.42999999999998"),
            (0.18000000000000002, "0.18000000000000002"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000012, "1.2e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e22, "1e+22"),
            (-2.5, "-2.5"),
            (53284.637, "53284.637"),
        ];
        for (x, want) in cases {
            assert_eq!(py_repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn js_number_matches_javascript() {
        let cases = [
            (0.0, "0"),
            (120.0, "120"),
            (379.069, "379.069"),
            (8.8, "8.8"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (-7.62, "-7.62"),
        ];
        for (x, want) in cases {
            assert_eq!(js_number(x), want, "{x:e}");
        }
    }

    #[test]
    fn rounding_uses_the_exact_value() {
        // 2.675 is 2.67499999... in binary: both Python and JavaScript give 2.67.
        assert_eq!(round_to(2.675, 2, Ties::Even), 2.67);
        assert_eq!(round_to(2.675, 2, Ties::AwayFromZero), 2.67);
        // 0.0625 is exact: a real tie.
        assert_eq!(round_to(0.0625, 3, Ties::Even), 0.062);
        assert_eq!(round_to(0.0625, 3, Ties::AwayFromZero), 0.063);
        assert_eq!(round_to(0.125, 2, Ties::Even), 0.12);
        assert_eq!(round_to(9.9996, 3, Ties::Even), 10.0);
        assert_eq!(round_to(-1.23456, 3, Ties::Even), -1.235);
        assert_eq!(
            round_to(0.000_379_069 * 1e6, 3, Ties::AwayFromZero),
            379.069
        );
        assert_eq!(round_to(0.000_051_28 * 1e6, 3, Ties::AwayFromZero), 51.28);
        assert_eq!(round_to(713.9761234, 3, Ties::Even), 713.976);
        assert_eq!(round_to(5.0, 0, Ties::Even), 5.0);
    }
}

//! Text from outside (a server's answer, a header, an error a server caused) made fit to put in
//! a message: the one way such text reaches a log, an error or a file.
//!
//! A server may echo what it was sent: a proxy or a debugging endpoint returns the request's
//! headers, so the `Authorization: Basic <base64 of user:password>` that reqwest builds from a
//! URL's `user:password@`, an `x-api-token`, or a token in the query come back in the error
//! body, in whatever encoding the server chose. And it may answer anything at all: an escape
//! sequence that retitles the terminal (`ESC ]0;...BEL`) or clears it (`ESC [2J`), a carriage
//! return that lets the next text overwrite the line.
//!
//! A plugin gathers the credentials it sends once, in a [`Credentials`], and passes every text
//! it quotes through [`Credentials::quote`], which
//!
//! 1. hides each credential, wherever it stands in any of the forms it travels in: as is,
//!    percent-encoded (a URL, a form; any hex case, any subset of characters encoded),
//!    JSON-escaped (`\"`, `\/`, `\u0040`), and for Basic auth the base64 of `user:password`
//!    (with or without padding) and of the password;
//! 2. escapes every control character (`\x1b`, `\r`, `\u{9b}`) and the invisible characters
//!    that reorder text (bidirectional overrides), and puts the text on one line (a run of
//!    spaces, tabs and line breaks becomes one space);
//! 3. bounds the length ([`QUOTE_CHARS`]).
//!
//! A text is quoted whole, never cut first: a credential cut in two is no longer recognised,
//! and its first part would show. An answer's body, which its reader may have cut, goes
//! through [`Credentials::quote_body`], which shows nothing near the cut.
//!
//! A credential shorter than [`SHORT_SECRET`] characters is hidden only where it stands as a
//! whole token (not touching a letter, digit or `_`): a one-letter token must not turn every
//! matching letter of a message into `<hidden>`.
//!
//! ```
//! use codecarbon_core::{Credentials, Secret};
//!
//! let sent = Credentials::none()
//!     .with_secret(&Secret::new("k3y-s3cr3t-42"))
//!     .with_url("https://bob:hunter2!@collector.example/");
//! let echo = "bad key k3y-s3cr3t-42, auth Basic Ym9iOmh1bnRlcjIh, pw hunter2%21 \x1b[2J\r!";
//! assert_eq!(
//!     sent.quote(echo),
//!     r"bad key <hidden>, auth Basic <hidden>, pw <hidden> \x1b[2J\r!"
//! );
//! ```

use crate::body::BoundedBody;
use crate::secret::{UrlParts, HIDDEN};
use crate::Secret;
use base64::prelude::{Engine, BASE64_STANDARD, BASE64_STANDARD_NO_PAD};
use std::fmt;

/// The most characters a quote holds (then `…`): enough to say what a server meant, not
/// enough to flood a log.
pub const QUOTE_CHARS: usize = 200;

/// Credentials shorter than this (in characters) are hidden only as whole tokens.
pub const SHORT_SECRET: usize = 8;

/// The most characters of a text looked at: a quote shows [`QUOTE_CHARS`] of them, and a
/// server's answer may be megabytes of whitespace.
const SCAN_CHARS: usize = 64 * 1024;

/// The longest text one character of a credential can stand for: a JSON surrogate pair
/// (`\ud83d\ude00`).
const WIDEST_ENCODING: usize = 12;

/// The credentials a plugin sends, in every form they travel in, to hide from the text a
/// server sends back; see the [module](self).
///
/// `Debug` shows how many forms it holds, never one of them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    forms: Vec<Vec<char>>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({} forms {HIDDEN})", self.forms.len())
    }
}

impl Credentials {
    /// No credential: [`quote`](Self::quote) then only escapes and bounds (for outside text
    /// that went with no credential, a geolocation answer, say).
    pub fn none() -> Credentials {
        Credentials::default()
    }

    /// With a token sent as is (a header's value: an API key, `auth-token`). An empty one
    /// adds nothing.
    pub fn with_secret(mut self, secret: &Secret) -> Credentials {
        self.add(secret.expose());
        self
    }

    /// With a token given percent-encoded (an `OTEL_EXPORTER_OTLP_HEADERS` value): sent
    /// decoded, and hidden both decoded and as written.
    pub fn with_percent_encoded(mut self, value: &str) -> Credentials {
        self.add(&percent_decode(value));
        self.add(value);
        self
    }

    /// With Basic auth as reqwest sends it for `user` and `password`: the header carries the
    /// base64 of `user:password` (`user:` without a password). The password is a credential
    /// alone too (as is and in base64); the user is one only when there is no password (a
    /// token given as `https://TOKEN@host/`).
    pub fn with_basic_auth(mut self, user: &str, password: Option<&str>) -> Credentials {
        let pair = format!("{user}:{}", password.unwrap_or_default());
        self.add_base64(pair.as_bytes());
        match password.filter(|p| !p.is_empty()) {
            Some(password) => {
                self.add(password);
                self.add_base64(password.as_bytes());
            }
            None => self.add(user),
        }
        self
    }

    /// With what a request to `url` carries: its `user:password@` (percent-decoded, as reqwest
    /// sends it as Basic auth, and as written) and every query parameter's value, or the
    /// parameter itself when it has no `=` (a `?t0k3n`). The rules of
    /// [`redact_url`](crate::redact_url) say where they are, so what one hides from a URL, the
    /// other hides from an answer.
    ///
    /// The URL is read as the URL parser reads it (WHATWG): without the tabs and line breaks
    /// inside it, nor the blanks and control characters around it. So for
    /// `https://u:pa<TAB>ss@h/` the `u:pass` that is sent is hidden, not `u:pa<TAB>ss`.
    pub fn with_url(mut self, url: &str) -> Credentials {
        let url: String = url
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let parts = UrlParts::split(&url);
        if let Some(userinfo) = parts.userinfo {
            let (user, password) = match userinfo.split_once(':') {
                Some((user, password)) => (user, Some(password)),
                None => (userinfo, None),
            };
            let decoded_password = password.map(percent_decode);
            self = self.with_basic_auth(&percent_decode(user), decoded_password.as_deref());
            // As written too, in case decoding lost something (an invalid UTF-8 escape).
            self.add(password.unwrap_or(user));
        }
        for pair in parts.query().split('&') {
            let value = pair.split_once('=').map_or(pair, |(_, value)| value);
            self.add(&percent_decode_query(value));
            self.add(value);
        }
        self
    }

    /// `text` fit to put in a message: every credential hidden, control characters escaped,
    /// on one line, at most [`QUOTE_CHARS`] characters (then `…`). Empty when `text` holds
    /// nothing but whitespace.
    pub fn quote(&self, text: &str) -> String {
        self.quote_text(text, false)
    }

    /// [`quote`](Self::quote) of bytes, read as UTF-8 (an invalid sequence becomes `�`).
    pub fn quote_bytes(&self, bytes: &[u8]) -> String {
        self.quote(&String::from_utf8_lossy(bytes))
    }

    /// [`quote_bytes`](Self::quote_bytes) of the start of an answer as
    /// [`read_bounded`](crate::body::read_bounded) read it. When the reader cut the answer, a
    /// credential may stand cut in two at its end, and no longer be recognised: nothing that
    /// near the cut is shown, only `…`.
    ///
    /// Quote a body through this, never `quote_bytes(body.bytes())`, nor a text cut in any
    /// other way before it is quoted: the quote bounds its own length.
    pub fn quote_body(&self, body: &BoundedBody) -> String {
        self.quote_text(&String::from_utf8_lossy(body.bytes()), body.is_cut())
    }

    /// The quote of `text`; when `cut`, what starts too near its end to be a whole credential
    /// is left out.
    fn quote_text(&self, text: &str, cut: bool) -> String {
        let lookahead = self.forms.iter().map(Vec::len).max().unwrap_or(0) * WIDEST_ENCODING;
        let chars: Vec<char> = text.chars().take(SCAN_CHARS + lookahead).collect();
        let whole = match cut {
            true => chars.len().saturating_sub(lookahead),
            false => chars.len(),
        };
        let scanned = whole.min(SCAN_CHARS);
        let mut out = Printable::default();
        let mut at = 0;
        while at < scanned && !out.full {
            if let Some(end) = self.hidden_span(&chars, at) {
                out.push(HIDDEN);
                at = end;
                continue;
            }
            let c = chars[at];
            let crlf = c == '\r' && chars.get(at + 1) == Some(&'\n');
            if crlf || matches!(c, ' ' | '\t' | '\n') {
                out.space();
            } else {
                out.push(&escape(c));
            }
            at += 1;
        }
        let more = cut
            || chars[at.min(chars.len())..]
                .iter()
                .any(|c| !c.is_whitespace())
            || text.chars().nth(chars.len()).is_some();
        out.finish(more)
    }

    /// Adds `form`, and each of its words as a credential alone, unless known already: every
    /// word after the first (the token of `Bearer <token>`, however short: a short one is
    /// hidden only as a whole token), and the first when it is long enough to be one (a
    /// `Bearer` stays visible).
    fn add(&mut self, form: &str) {
        let form = form.trim();
        let mut words = form.split_whitespace();
        let first = words
            .next()
            .filter(|w| *w != form && w.chars().count() >= SHORT_SECRET);
        for part in std::iter::once(form).chain(first).chain(words) {
            let chars: Vec<char> = part.chars().collect();
            if !chars.is_empty() && !self.forms.contains(&chars) {
                self.forms.push(chars);
            }
        }
    }

    fn add_base64(&mut self, bytes: &[u8]) {
        self.add(&BASE64_STANDARD.encode(bytes));
        self.add(&BASE64_STANDARD_NO_PAD.encode(bytes));
    }

    /// Where the text to hide that starts at `start` ends, if a credential starts there: the
    /// longest match, stretched over any credential that starts inside it and ends later, so
    /// that no tail of an overlapping one shows.
    fn hidden_span(&self, text: &[char], start: usize) -> Option<usize> {
        let mut end = self.longest_match(text, start)?;
        let mut inside = start + 1;
        while inside < end {
            if let Some(further) = self.longest_match(text, inside) {
                end = end.max(further);
            }
            inside += 1;
        }
        Some(end)
    }

    fn longest_match(&self, text: &[char], start: usize) -> Option<usize> {
        self.forms
            .iter()
            .filter_map(|form| {
                let first = *text.get(start)?;
                if first != form[0] && !matches!(first, '%' | '\\' | '+') {
                    return None;
                }
                let end = match_at(form, text, start)?;
                let whole_token = start.checked_sub(1).is_none_or(|b| !is_word(text[b]))
                    && text.get(end).is_none_or(|&c| !is_word(c));
                (form.len() >= SHORT_SECRET || whole_token).then_some(end)
            })
            .max()
    }
}

/// Where `form` ends when it stands at `start` of `text`, each of its characters written as is
/// or in any encoding of [`encoded_ends`]; the furthest end when there are several readings.
fn match_at(form: &[char], text: &[char], start: usize) -> Option<usize> {
    let mut reached = vec![start];
    let mut next = Vec::new();
    for &c in form {
        next.clear();
        for &at in &reached {
            encoded_ends(c, text, at, &mut next);
        }
        if next.is_empty() {
            return None;
        }
        next.sort_unstable();
        next.dedup();
        std::mem::swap(&mut reached, &mut next);
    }
    reached.last().copied()
}

/// Pushes to `ends` where `c` ends when it stands at `at` of `text`: as itself; `+` for a
/// space (a form); `%XX` for each of its UTF-8 bytes, any hex case (a URL); `\"`, `\\`, `\/`,
/// `\n`, `\r`, `\t`, `\b`, `\f` or `\uXXXX` (a surrogate pair beyond U+FFFF) in JSON.
fn encoded_ends(c: char, text: &[char], at: usize, ends: &mut Vec<usize>) {
    let Some(&first) = text.get(at) else {
        return;
    };
    if first == c {
        ends.push(at + 1);
    }
    if first == '+' && c == ' ' {
        ends.push(at + 1);
    }
    if first == '%' {
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        let all = bytes
            .iter()
            .enumerate()
            .all(|(i, &byte)| hex_byte(text, at + 3 * i) == Some(byte));
        if all {
            ends.push(at + 3 * bytes.len());
        }
    }
    if first == '\\' {
        let short = match c {
            '"' | '\\' | '/' => Some(c),
            '\n' => Some('n'),
            '\r' => Some('r'),
            '\t' => Some('t'),
            '\u{8}' => Some('b'),
            '\u{c}' => Some('f'),
            _ => None,
        };
        if short.is_some() && text.get(at + 1).copied() == short {
            ends.push(at + 2);
        }
        let mut units = [0u16; 2];
        let units = c.encode_utf16(&mut units);
        let all = units
            .iter()
            .enumerate()
            .all(|(i, &unit)| json_unit(text, at + 6 * i) == Some(unit));
        if all {
            ends.push(at + 6 * units.len());
        }
    }
}

/// The byte of `%XX` at `at`.
fn hex_byte(text: &[char], at: usize) -> Option<u8> {
    match text.get(at..at + 3)? {
        ['%', high, low] => Some((high.to_digit(16)? * 16 + low.to_digit(16)?) as u8),
        _ => None,
    }
}

/// The UTF-16 unit of `\uXXXX` at `at`.
fn json_unit(text: &[char], at: usize) -> Option<u16> {
    match text.get(at..at + 6)? {
        ['\\', 'u', digits @ ..] => digits.iter().try_fold(0u16, |unit, d| {
            Some(unit * 16 + u16::try_from(d.to_digit(16)?).ok()?)
        }),
        _ => None,
    }
}

/// Letters, digits and `_`: what a short credential must not touch to count as a token.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with its `%XX` escapes decoded, as a server decodes the user information, path or
/// header value it is sent: `+` stays a `+` (only in a query's values is it a space).
///
/// The bytes are read as UTF-8, an invalid sequence becoming `�`; a `%` not followed by two
/// hex digits (of either case) stays as it is, since a credential may hold one unencoded.
///
/// ```
/// use codecarbon_core::percent_decode;
/// assert_eq!(percent_decode("al%20ice:p%40ss+w%C3%B6rd"), "al ice:p@ss+wörd");
/// assert_eq!(percent_decode("100%"), "100%");
/// ```
pub fn percent_decode(text: &str) -> String {
    decode(text, false)
}

/// A query's value decoded as a server decodes it: [`percent_decode`], with `+` a space.
pub(crate) fn percent_decode_query(text: &str) -> String {
    decode(text, true)
}

/// `%XX` escapes decoded, and `+` as a space when `plus_is_space`.
fn decode(text: &str, plus_is_space: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut bytes = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        if let Some(byte) = hex_byte(&chars, at) {
            bytes.push(byte);
            at += 3;
            continue;
        }
        let c = if plus_is_space && chars[at] == '+' {
            ' '
        } else {
            chars[at]
        };
        let mut utf8 = [0u8; 4];
        bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        at += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` with every control character and every invisible character that reorders text
/// escaped as [`Credentials::quote`] escapes them (`\x1b`, `\r`, `\u{202e}`), and nothing else
/// changed: for a name from outside that a message shows whole, which holds no credential (a
/// config key or section, a file name, an environment variable's name).
///
/// ```
/// use codecarbon_core::quote::printable;
/// assert_eq!(printable("key\x1b]0;pwned\x07 's\t"), r"key\x1b]0;pwned\x07 's\x09");
/// ```
pub fn printable(text: &str) -> String {
    text.chars().map(escape).collect()
}

/// `c` as it may reach a terminal: control characters and the invisible ones that reorder or
/// break text as visible escapes (`\r`, `\x1b`, `\u{9b}`, `\u{202e}`), anything else as is.
fn escape(c: char) -> String {
    match c {
        '\r' => r"\r".to_string(),
        c if c.is_ascii_control() => format!(r"\x{:02x}", u32::from(c)),
        c if c.is_control() || reorders(c) => format!(r"\u{{{:x}}}", u32::from(c)),
        c => c.to_string(),
    }
}

/// Bidirectional marks, embeddings, overrides and isolates, and the Unicode line and paragraph
/// separators: invisible, they make a terminal show text in another order or on another line.
fn reorders(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// A quote being written: one space between words, whole escapes, at most [`QUOTE_CHARS`].
#[derive(Default)]
struct Printable {
    text: String,
    chars: usize,
    space: bool,
    full: bool,
}

impl Printable {
    /// A space before the next piece, unless at the start.
    fn space(&mut self) {
        self.space = self.chars > 0;
    }

    /// Adds `piece` whole, or marks the quote full when it does not fit.
    fn push(&mut self, piece: &str) {
        let width = piece.chars().count() + usize::from(self.space);
        if self.chars + width > QUOTE_CHARS {
            self.full = true;
            return;
        }
        if self.space {
            self.text.push(' ');
            self.space = false;
        }
        self.text.push_str(piece);
        self.chars += width;
    }

    /// The quote, with `…` when something was left out.
    fn finish(mut self, more: bool) -> String {
        if self.full || more {
            self.text.push('…');
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn key(value: &str) -> Credentials {
        Credentials::none().with_secret(&Secret::new(value))
    }

    #[test]
    fn a_credential_is_hidden_as_is_and_in_every_text_encoding() {
        let sent = key("p@ss w0rd/\"x+é");
        for echo in [
            "p@ss w0rd/\"x+é",
            "p%40ss%20w0rd%2F%22x%2B%C3%A9",
            "p%40ss+w0rd%2f%22x%2b%c3%a9",
            "p@ss%20w0rd/%22x+é",
            r#"p@ss w0rd\/\"x+\u00e9"#,
            r"\u0070\u0040ss w0rd/\u0022x+\u00E9",
        ] {
            assert_eq!(sent.quote(&format!("[{echo}]")), "[<hidden>]", "{echo}");
        }
        let astral = key("k3y-😀-long");
        assert_eq!(astral.quote(r"a k3y-\ud83d\ude00-long b"), "a <hidden> b");
    }

    #[test]
    fn basic_auth_is_hidden_in_base64_with_and_without_padding() {
        // base64("bob:hunter2!") and base64("hunter2!").
        let sent = Credentials::none().with_basic_auth("bob", Some("hunter2!"));
        assert_eq!(
            sent.quote("Basic Ym9iOmh1bnRlcjIh, aHVudGVyMiE=, aHVudGVyMiE, bob"),
            "Basic <hidden>, <hidden>, <hidden>, bob"
        );
        // A token as the user, without a password: `token:` goes in base64.
        let token = Credentials::none().with_basic_auth("t0k3n-abcdef", None);
        assert_eq!(
            token.quote("t0k3n-abcdef dDBrM24tYWJjZGVmOg=="),
            "<hidden> <hidden>"
        );
    }

    #[test]
    fn a_urls_credentials_are_gathered_decoded_and_as_written() {
        let sent = Credentials::none()
            .with_url("https://al%20ice:p%40ss%2Fw0rd@h.example/x?token=t0k%2Bn&n=a+b");
        let shown =
            sent.quote("p@ss/w0rd p%40ss%2Fw0rd YWwgaWNlOnBAc3MvdzByZA== t0k+n t0k%2Bn al ice");
        assert_eq!(shown, "<hidden> <hidden> <hidden> <hidden> <hidden> al ice");
        assert_eq!(
            Credentials::none().with_url("http://h/").quote("h"),
            "h",
            "no credential in the URL"
        );
    }

    #[test]
    fn the_long_words_of_a_credential_are_credentials_too() {
        let sent = Credentials::none().with_percent_encoded("Bearer%20t0k3n-abcdef");
        assert_eq!(
            sent.quote("Bearer t0k3n-abcdef; Bearer%20t0k3n-abcdef; token t0k3n-abcdef"),
            "<hidden>; <hidden>; token <hidden>"
        );
        assert_eq!(
            sent.quote("Bearer"),
            "Bearer",
            "a short first word is not hidden alone"
        );
    }

    /// Every word after the first is a credential alone, however short, as it would be
    /// given through `with_secret`; a short one is hidden only as a whole token.
    #[test]
    fn the_short_words_after_the_first_are_credentials_too() {
        let sent = Credentials::none().with_percent_encoded("Bearer%20abc1234");
        assert_eq!(
            sent.quote("token abc1234, Bearer abc1234, xabc1234 abc12345"),
            "token <hidden>, <hidden>, xabc1234 abc12345"
        );
        let alone = key("abc1234");
        let text = "token abc1234, xabc1234";
        assert_eq!(sent.quote(text), alone.quote(text));
    }

    /// A query parameter without `=` is a secret to `redact_url`, so it is gathered too.
    #[test]
    fn a_query_parameter_without_a_value_is_gathered() {
        let url = "https://h.example/geo?t0k3n&x=1&&k%2By";
        assert_eq!(crate::redact_url(url), "https://h.example/geo");
        let sent = Credentials::none().with_url(url);
        assert_eq!(
            sent.quote("bad t0k3n, k+y, k%2By"),
            "bad <hidden>, <hidden>, <hidden>"
        );
    }

    /// Credentials are gathered from the URL that is sent: the URL parser drops the tabs and
    /// line breaks inside it, and the blanks and control characters around it.
    #[test]
    fn a_url_is_read_as_the_url_parser_reads_it() {
        let url = "\x01 https://u:pa\tss\n@h.example/?to\rken=t0k\r3n-abcdef \x02";
        let parsed = reqwest_like_parse(url);
        assert_eq!(parsed, "https://u:pass@h.example/?token=t0k3n-abcdef");
        let sent = Credentials::none().with_url(url);
        // base64("u:pass"), as reqwest sends it.
        assert_eq!(
            sent.quote("pass dTpwYXNz t0k3n-abcdef"),
            "<hidden> <hidden> <hidden>"
        );
    }

    /// What the WHATWG URL parser (the `url` crate under reqwest) makes of `url` before it
    /// reads it, written here so that the test does not trust the code under test.
    fn reqwest_like_parse(url: &str) -> String {
        let c0_or_space = |c: char| ('\u{0}'..='\u{20}').contains(&c);
        url.trim_matches(c0_or_space)
            .replace(['\t', '\n', '\r'], "")
    }

    #[test]
    fn short_credentials_are_hidden_only_as_whole_tokens() {
        let sent = key("a");
        assert_eq!(
            sent.quote("a banana, a; (a) x-a_b %61"),
            "<hidden> banana, <hidden>; (<hidden>) x-a_b <hidden>"
        );
        let sent = Credentials::none().with_basic_auth("u", Some("pw"));
        assert_eq!(
            sent.quote("pw pwned upward dTpwdw== Basic dTpwdw"),
            "<hidden> pwned upward <hidden> Basic <hidden>"
        );
        // From SHORT_SECRET characters on, a credential is hidden wherever it stands.
        assert_eq!(key("abcdefgh").quote("xabcdefghx"), "x<hidden>x");
    }

    #[test]
    fn overlapping_credentials_leave_no_tail() {
        let sent = key("abcdefgh").with_secret(&Secret::new("fghijklm"));
        assert_eq!(sent.quote("[abcdefghijklm]"), "[<hidden>]");
    }

    #[test]
    fn control_characters_are_escaped_and_text_is_put_on_one_line() {
        let quote = |text: &str| Credentials::none().quote(text);
        assert_eq!(
            quote("a\x1b]0;pwned\x07b \x1b[2J\rc\u{9b}d\u{7f}"),
            r"a\x1b]0;pwned\x07b \x1b[2J\rc\u{9b}d\x7f"
        );
        assert_eq!(quote("  one\r\n two\t\tthree\n\n"), "one two three");
        assert_eq!(quote("x\u{202e}y\u{2028}z"), r"x\u{202e}y\u{2028}z");
        assert_eq!(quote(" \n\t "), "");
        assert_eq!(quote("Île-de-France 🌍"), "Île-de-France 🌍");
    }

    #[test]
    fn quotes_are_bounded() {
        let quote = |text: &str| Credentials::none().quote(text);
        let long = "x".repeat(QUOTE_CHARS + 1);
        let shown = quote(&long);
        assert_eq!(shown.chars().count(), QUOTE_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(quote(&"y".repeat(QUOTE_CHARS)), "y".repeat(QUOTE_CHARS));
        // An escape is never cut in two.
        let escapes = "\x1b".repeat(QUOTE_CHARS);
        let shown = quote(&escapes);
        assert_eq!(shown, format!("{}…", r"\x1b".repeat(QUOTE_CHARS / 4)));
        // A flood of whitespace is not read to its end.
        let flood = format!("start{}end", " ".repeat(10 * SCAN_CHARS));
        assert_eq!(quote(&flood), "start…");
    }

    #[test]
    fn a_credential_cut_by_the_length_bound_is_hidden_not_shown_in_part() {
        let secret = "s3cr3t-v4lue-0123456789";
        let text = format!("{}{secret}", "x".repeat(QUOTE_CHARS - 5));
        let shown = key(secret).quote(&text);
        assert!(!shown.contains("s3cr"), "{shown}");
        let text = format!("{}{secret}", " ".repeat(SCAN_CHARS - 3));
        let shown = key(secret).quote(&text);
        assert_eq!(shown, "<hidden>");
    }

    /// The start of `body` as `read_bounded` reads it with `limit`, in one chunk.
    fn read(body: &[u8], limit: usize) -> crate::body::BoundedBody {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut chunks = vec![body.to_vec()];
        runtime
            .block_on(crate::body::read_bounded(&mut chunks, limit, |c| {
                let chunk = c.pop();
                Box::pin(async move { Ok::<_, String>(chunk) })
            }))
            .unwrap()
    }

    /// A reader cuts an answer at a byte count: a credential cut in two there is no longer
    /// matched, so nothing that near the cut is shown (after enough blanks, which collapse,
    /// the cut falls within what a quote shows).
    #[test]
    fn a_credential_cut_by_the_reader_shows_not_even_in_part() {
        let secret = "tok-S3CRET-99";
        let limit = crate::body::EXCERPT_BYTES;
        for tail in 1..secret.len() {
            let body = format!("{}{secret}", " ".repeat(limit - tail));
            let cut = read(body.as_bytes(), limit);
            assert!(cut.is_cut());
            assert_eq!(key(secret).quote_body(&cut), "…", "{tail}");
        }
        // What is whole is quoted as ever.
        let whole = read(b"bad tok-S3CRET-99 \x1b", limit);
        assert_eq!(key(secret).quote_body(&whole), r"bad <hidden> \x1b");
        let long = format!("bad {secret} {}", "x".repeat(QUOTE_CHARS));
        let shown = key(secret).quote_body(&read(long.as_bytes(), QUOTE_CHARS));
        assert!(
            shown.starts_with("bad <hidden> xx") && shown.ends_with("x…"),
            "{shown}"
        );
    }

    #[test]
    fn bytes_are_read_as_utf8() {
        assert_eq!(Credentials::none().quote_bytes(b"ok \xff\x1b"), r"ok �\x1b");
    }

    #[test]
    fn debug_shows_no_form() {
        let sent = key("s3cr3t-v4lue");
        let shown = format!("{sent:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(shown, "Credentials(1 forms <hidden>)");
    }

    /// Properties over arbitrary credentials and texts.
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Every form `password` may come back in, as Basic auth of `user` and `password`.
        fn forms(password: &str) -> Vec<String> {
            let percent = |lower: bool, plus: bool| -> String {
                password
                    .bytes()
                    .map(|b| match b {
                        b' ' if plus => "+".to_string(),
                        b if b.is_ascii_alphanumeric() => char::from(b).to_string(),
                        b if lower => format!("%{b:02x}"),
                        b => format!("%{b:02X}"),
                    })
                    .collect()
            };
            let json = serde_json::to_string(password).unwrap();
            let json = json[1..json.len() - 1].to_string();
            let unicode: String = password
                .encode_utf16()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect();
            let pair = format!("user:{password}");
            vec![
                password.to_string(),
                percent(false, false),
                percent(true, false),
                percent(false, true),
                json.replace('/', "\\/"),
                json,
                unicode,
                BASE64_STANDARD.encode(&pair),
                BASE64_STANDARD_NO_PAD.encode(&pair),
                BASE64_STANDARD.encode(password),
                BASE64_STANDARD_NO_PAD.encode(password),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                failure_persistence: None,
                ..ProptestConfig::with_cases(200)
            })]

            /// A credential of `SHORT_SECRET` characters or more, echoed in any of its forms
            /// amid any other text, shows in none of them, not even in part: no run of
            /// `SHORT_SECRET` characters of a form survives (so a text cut before it is quoted,
            /// which leaves a part no longer matched, would fail here). The noise has no
            /// capital letter and the credential starts with one, so a form can only show if
            /// it came through.
            #[test]
            fn no_form_of_a_credential_survives(
                password in "[A-Z][!-~é😀 ]{6,30}[!-~]",
                noise in proptest::collection::vec("[^A-Z]{0,12}", 12),
                picks in proptest::collection::vec(0usize..11, 11),
            ) {
                let forms = forms(&password);
                let mut text = String::new();
                for (gap, pick) in noise.iter().zip(&picks) {
                    text.push_str(gap);
                    text.push_str(&forms[*pick]);
                }
                let sent = Credentials::none().with_basic_auth("user", Some(&password));
                let shown = sent.quote(&text);
                for form in &forms {
                    let chars: Vec<char> = form.chars().collect();
                    prop_assert!(chars.len() >= SHORT_SECRET);
                    for window in chars.windows(SHORT_SECRET) {
                        let window: String = window.iter().collect();
                        prop_assert!(
                            !shown.contains(&window),
                            "{window:?} of {form:?} in {shown:?}"
                        );
                    }
                }
            }

            /// No control or reordering character survives, whatever the text; a quote is at
            /// most `QUOTE_CHARS` characters and `…`.
            #[test]
            fn no_control_character_survives(
                text in prop_oneof![
                    any::<String>(),
                    "[\\x00-\\x20\\x7f-\\u{a0}\\u{61c}\\u{200e}\\u{200f}\\u{2028}-\\u{202e}\\u{2066}-\\u{2069}a-z%\\\\]{0,300}",
                ],
                password in ".{0,12}",
            ) {
                let sent = Credentials::none().with_basic_auth("u", Some(&password));
                let shown = sent.quote(&text);
                prop_assert!(
                    shown.chars().all(|c| !c.is_control() && !reorders(c)),
                    "{shown:?}"
                );
                prop_assert!(shown.chars().count() <= QUOTE_CHARS + 1, "{shown:?}");
            }

            /// A short credential hides the words that are it, and not one letter of the
            /// others.
            #[test]
            fn a_short_credential_eats_no_letters(
                secret in "[a-z]{1,7}",
                words in proptest::collection::vec("[a-z]{1,9}", 0..15),
                at in 0usize..16,
            ) {
                let words: Vec<String> = words.into_iter().filter(|w| *w != secret).collect();
                let sent = Credentials::none().with_secret(&Secret::new(secret.clone()));
                let text = words.join(" ");
                prop_assert_eq!(sent.quote(&text), text);
                let mut with_secret = words.clone();
                with_secret.insert(at.min(words.len()), secret);
                let mut hidden = words;
                hidden.insert(at.min(hidden.len()), HIDDEN.to_string());
                prop_assert_eq!(sent.quote(&with_secret.join(" ")), hidden.join(" "));
            }
        }
    }

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%41"), "aA");
        assert_eq!(percent_decode("%zz%41+"), "%zzA+");
        assert_eq!(percent_decode_query("%zz%41+"), "%zzA ");
        assert_eq!(percent_decode("%C3%A9%ff"), "é�");
        assert_eq!(percent_decode("%e2%82%AC"), "€");
    }
}

//! `codecarbon monitor -- CMD` at its edges: a command line that is not UTF-8.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, Sandbox};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

const CAN: &[&str] = &["monitor", "--offline", "--country-iso-code", "CAN", "--"];

/// Bytes that are not UTF-8 reach the command unchanged, in its name and its arguments.
#[test]
fn the_command_line_after_the_separator_passes_byte_for_byte() {
    let sandbox = Sandbox::new();
    let program: &[u8] = b"./echo-\xff";
    let script = sandbox.work().join(OsStr::from_bytes(&program[2..]));
    std::fs::write(&script, "#!/bin/sh\nprintf '%s|%s' \"$1\" \"$2\" > args\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let arguments: [&[u8]; 2] = [b"\xff\xfe", b"caf\xe9 \n\x80"];

    let out = sandbox
        .command(CAN)
        .arg(OsStr::from_bytes(program))
        .args(arguments.map(OsStr::from_bytes))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = std::fs::read(sandbox.work().join("args")).unwrap();
    assert_eq!(got, [arguments[0], b"|", arguments[1]].concat());
    assert_eq!(sandbox.csv("emissions.csv").len(), 2);

    // A program that is not there, under such a name: the shell's 127, with its name shown.
    let out = sandbox
        .command(CAN)
        .arg(OsStr::from_bytes(b"./missing-\xff"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing-"), "{}", stderr(&out));
}

//! The archive's `README.md`: what the archive is and where each of its files goes.

use super::glibc::GlibcVersion;
use super::{Options, BINARY, COMPLETIONS};
use std::fmt::Write as _;

/// Where each shell looks for completions: for one user, and for everyone.
const COMPLETION_PLACES: [(&str, &str, &str); 5] = [
    (
        "bash",
        "`~/.local/share/bash-completion/completions/codecarbon`",
        "`/usr/local/share/bash-completion/completions/codecarbon`",
    ),
    (
        "zsh",
        "`~/.zfunc/_codecarbon`, with `fpath=(~/.zfunc $fpath)` before `compinit` in `~/.zshrc`",
        "`/usr/local/share/zsh/site-functions/_codecarbon`",
    ),
    (
        "fish",
        "`~/.config/fish/completions/codecarbon.fish`",
        "`/usr/local/share/fish/vendor_completions.d/codecarbon.fish`",
    ),
    (
        "powershell",
        "anywhere, with `. <path>/_codecarbon.ps1` in your `$PROFILE`",
        "",
    ),
    (
        "elvish",
        "`~/.config/elvish/lib/codecarbon.elv`, with `use codecarbon` in `rc.elv`",
        "",
    ),
];

/// The README of the archive made from `options`; `glibc` is the oldest glibc the binary runs
/// on, when it links glibc.
pub(super) fn render(options: &Options, glibc: Option<&GlibcVersion>) -> String {
    let (version, target) = (&options.version, &options.target);
    let mut text = format!(
        "# codecarbon {version} for {target}\n\n\
         `codecarbon` measures the energy a command (or the whole machine) uses, on CPU, RAM and \
         GPUs, and the carbon it emits. This archive is its release build for `{target}`: one \
         binary with the carbon-intensity datasets built in, nothing else to install.\n\n\
         | file | what |\n|---|---|\n\
         | `{BINARY}` | the program |\n\
         | `man/*.1` | the manual pages (`codecarbon.1`, one per command) |\n"
    );
    for (shell, file) in COMPLETIONS {
        let _ = writeln!(text, "| `completions/{file}` | {shell} completion |");
    }
    text.push_str("| `LICENSE` | the program's licence |\n");
    text.push_str(
        "| `data/SOURCES.md` | where each built-in dataset comes from, its year and licence |\n",
    );
    text.push_str(
        "| `LICENSES/` | the licence texts of the datasets (which covers what: its README) |\n",
    );

    if let Some(glibc) = glibc {
        let _ = writeln!(
            text,
            "\n## Requirements\n\n\
             Linux with glibc {glibc} or newer (`ldd --version` prints yours): the newest glibc \
             symbol version the binary needs."
        );
    }

    text.push_str(
        "\n## Install\n\n\
         From the folder this README is in. For yourself (no root; `~/.local/bin` must be on your \
         `PATH`, and `man` then finds the pages in `~/.local/share/man`):\n\n\
         ```sh\n\
         install -Dm755 codecarbon ~/.local/bin/codecarbon\n\
         install -Dm644 -t ~/.local/share/man/man1 man/*.1\n\
         ```\n\n\
         For every user of the machine:\n\n\
         ```sh\n\
         sudo install -Dm755 codecarbon /usr/local/bin/codecarbon\n\
         sudo install -Dm644 -t /usr/local/share/man/man1 man/*.1\n\
         ```\n\n\
         Then `codecarbon --version` and `man codecarbon`.\n\n\
         Each shell's completion goes where that shell looks for it (make the folder if it is \
         missing; the system-wide places need `sudo`):\n\n\
         | shell | file | for yourself | for everyone |\n|---|---|---|---|\n",
    );
    for ((shell, file), (_, mine, everyone)) in COMPLETIONS.iter().zip(COMPLETION_PLACES) {
        let _ = writeln!(
            text,
            "| {shell} | `completions/{file}` | {mine} | {} |",
            if everyone.is_empty() { "—" } else { everyone }
        );
    }
    text.push_str(
        "\nTo uninstall, remove the same files. `codecarbon completions <shell>` and \
         `codecarbon man --dir <dir>` write these files again from the binary itself.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::PathBuf;

    fn options(target: &str) -> Options {
        Options {
            binary: PathBuf::from("codecarbon"),
            version: "1.2.3".into(),
            target: target.into(),
            out_dir: PathBuf::from("dist"),
        }
    }

    #[test]
    fn completion_places_follow_the_shells_in_order() {
        for ((shell, _), (place_shell, ..)) in COMPLETIONS.iter().zip(COMPLETION_PLACES) {
            assert_eq!(*shell, place_shell);
        }
    }

    #[test]
    fn names_the_glibc_only_when_there_is_one() {
        let glibc = GlibcVersion::from_symbol_version("GLIBC_2.34").unwrap();
        let gnu = render(&options("x86_64-unknown-linux-gnu"), Some(&glibc));
        assert!(gnu.starts_with("# codecarbon 1.2.3 for x86_64-unknown-linux-gnu\n"));
        assert!(gnu.contains("glibc 2.34 or newer"));
        assert!(gnu.contains("`LICENSES/`"));
        let musl = render(&options("x86_64-unknown-linux-musl"), None);
        assert!(!musl.contains("glibc"));
    }
}

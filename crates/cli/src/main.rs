//! The `codecarbon` binary: see the `codecarbon_cli` library.

fn main() -> std::process::ExitCode {
    codecarbon_cli::main()
}

//! `codecarbon-with-example`: the `codecarbon` commands (`monitor`, `run`, `detect`,
//! `intensity`) with this crate's plugins linked in, so `detect` lists `example-board` and
//! `--output-methods csv,example-log` works.

// Refers to the plugin crate so that the linker keeps it, and `inventory` sees its plugins.
use codecarbon_example_plugin as _;

fn main() -> std::process::ExitCode {
    codecarbon_cli::main()
}

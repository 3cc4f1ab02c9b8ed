//! The `codecarbon` command (being written).
fn main() {}

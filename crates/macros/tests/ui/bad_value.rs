use codecarbon::track_emissions;

#[track_emissions(tracking_mode = "cluster")]
fn unknown_mode() {}

#[track_emissions(measure_power_secs = 0)]
fn zero_interval() {}

#[track_emissions(pue = -1.5)]
fn negative_pue() {}

#[track_emissions(measure_power_secs = 1e19)]
fn huge_interval() {}

#[track_emissions(log_level = "loud")]
fn unknown_level() {}

#[track_emissions(output_dir = "")]
fn empty_dir() {}

#[track_emissions(project_name = "nightly\x1b]0;pwned\x07")]
fn terminal_escape() {}

fn main() {
    unknown_mode();
    zero_interval();
    negative_pue();
    huge_interval();
    unknown_level();
    empty_dir();
    terminal_escape();
}

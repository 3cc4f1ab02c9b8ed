use codecarbon::track_emissions;

#[track_emissions(offline)]
fn missing_value() {}

#[track_emissions(pue = 1.2, pue = 1.3)]
fn twice() {}

#[track_emissions("FRA")]
fn positional() {}

fn main() {
    missing_value();
    twice();
    positional();
}

use codecarbon::track_emissions;

#[track_emissions(offline = true, country_iso_code = "FRA", measure_power_sec = 5)]
fn typo() {}

#[track_emissions(colour = "green")]
fn unknown() {}

fn main() {
    typo();
    unknown();
}

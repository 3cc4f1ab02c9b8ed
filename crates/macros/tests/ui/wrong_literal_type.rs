use codecarbon::track_emissions;

#[track_emissions(measure_power_secs = "fast")]
fn string_for_a_number() {}

#[track_emissions(offline = 1)]
fn integer_for_a_bool() {}

#[track_emissions(country_iso_code = 3)]
fn integer_for_a_string() {}

#[track_emissions(output_methods = ["csv", 2])]
fn integer_in_methods() {}

fn main() {
    string_for_a_number();
    integer_for_a_bool();
    integer_for_a_string();
    integer_in_methods();
}

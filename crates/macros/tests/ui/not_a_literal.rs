use codecarbon::track_emissions;

const NAME: &str = "training";

#[track_emissions(project_name = NAME)]
fn constant() {}

#[track_emissions(output_dir = concat!("a", "/b"))]
fn macro_call() {}

fn main() {
    let _ = NAME;
    constant();
    macro_call();
}

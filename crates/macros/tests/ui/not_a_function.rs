use codecarbon::track_emissions;

#[track_emissions]
struct Model {
    weights: Vec<f32>,
}

#[track_emissions(offline = true, country_iso_code = "FRA")]
impl Model {
    fn size(&self) -> usize {
        self.weights.len()
    }
}

#[track_emissions]
const EPOCHS: u32 = 3;

trait Train {
    #[track_emissions]
    fn train(&mut self);
}

#[track_emissions]
const fn constant() -> u32 {
    1
}

fn main() {
    let model = Model { weights: vec![] };
    let _ = (model.size(), EPOCHS, constant());
}

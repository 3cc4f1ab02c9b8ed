//! The CSV's `gpu_model`, as CodeCarbon writes it: `N x name` per model.

/// `"2 x NVIDIA A100, 1 x Tesla T4"`: each model once, in the order first seen, with its count.
/// (CodeCarbon joins the groups with no separator at all; we put `", "` between them.)
///
/// ```
/// let names = ["NVIDIA A100", "Tesla T4", "NVIDIA A100"].map(String::from);
/// assert_eq!(codecarbon_nvml::gpu_model(&names), "2 x NVIDIA A100, 1 x Tesla T4");
/// ```
pub fn gpu_model(names: &[String]) -> String {
    groups(names)
        .iter()
        .map(|(name, n)| format!("{n} x {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model and count for [`codecarbon_core::SourceInfo`], whose `model` the engine writes as
/// `count x model`: the one name and the count when every GPU is the same model; with several
/// models, the whole [`gpu_model`] text (which the engine writes as it is) and the total
/// count.
pub fn model_and_count(names: &[String]) -> (Option<String>, usize) {
    match groups(names).as_slice() {
        [] => (None, 0),
        [(name, n)] => (Some(name.clone()), *n),
        _ => (Some(gpu_model(names)), names.len()),
    }
}

fn groups(names: &[String]) -> Vec<(String, usize)> {
    let mut groups: Vec<(String, usize)> = Vec::new();
    for name in names {
        match groups.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => groups.push((name.clone(), 1)),
        }
    }
    groups
}

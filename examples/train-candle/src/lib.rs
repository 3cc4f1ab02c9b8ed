//! A real training run under codecarbon: a small multi-layer perceptron, written with
//! [candle](https://github.com/huggingface/candle) and trained on the CPU to tell apart two
//! interleaved spirals that [`spirals`] generates.
//!
//! The whole run is measured by an offline tracker (no network) that writes CodeCarbon's
//! `emissions.csv`; each epoch is a task (`start_task("epoch N")` / `stop_task`), whose row goes
//! to the task file `emissions_<experiment_name>_<run_id>.csv`. [`train`] reports each epoch's
//! loss, accuracy, energy and emissions as it ends.
//!
//! The binary `train-candle` runs it: `cargo run -p codecarbon-example-train`.

use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Linear, Module, Optimizer, ParamsAdamW};
use codecarbon::{EmissionsData, OfflineEmissionsTracker};
use std::path::PathBuf;

/// Any error of the run: the tracker's, candle's, or the file system's.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The experiment name, hence the task file `emissions_train-candle_<run_id>.csv`.
pub const EXPERIMENT_NAME: &str = "train-candle";

/// What to train, and where the emissions go.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Training points (half per spiral); a quarter as many more are held out for accuracy.
    pub points: usize,
    /// Passes over the training points.
    pub epochs: usize,
    /// Points per optimiser step.
    pub batch_size: usize,
    /// Width of the two hidden layers.
    pub hidden: usize,
    /// AdamW's learning rate.
    pub learning_rate: f64,
    /// Seeds the data, the initial weights and the shuffling: a run is reproducible.
    pub seed: u64,
    /// Where `emissions.csv` and the task file go (created if missing).
    pub output_dir: PathBuf,
    /// Where the machine runs (ISO 3166 alpha-3): the carbon intensity used, offline.
    pub country_iso_code: String,
}

impl TrainOptions {
    /// Four thousand points, ten epochs, writing into `output_dir`.
    pub fn new(output_dir: impl Into<PathBuf>) -> Self {
        Self {
            points: 4_000,
            epochs: 10,
            batch_size: 64,
            hidden: 32,
            learning_rate: 0.01,
            seed: 42,
            output_dir: output_dir.into(),
            country_iso_code: "CAN".into(),
        }
    }
}

/// One epoch's results.
#[derive(Debug, Clone)]
pub struct EpochReport {
    /// From 1.
    pub epoch: usize,
    /// Mean cross-entropy over the epoch's batches.
    pub loss: f32,
    /// Share of the held-out points classified right after the epoch, in [0, 1].
    pub accuracy: f32,
    /// The epoch's task totals: energy, emissions, duration...
    pub totals: EmissionsData,
}

/// The whole run's results.
#[derive(Debug, Clone)]
pub struct TrainReport {
    /// Each epoch, in order.
    pub epochs: Vec<EpochReport>,
    /// The run's totals, as in its `emissions.csv` row.
    pub run: EmissionsData,
    /// `emissions.csv`.
    pub emissions_csv: PathBuf,
    /// The task file, a row per epoch.
    pub task_csv: PathBuf,
}

/// Trains the classifier under an offline tracker; calls `on_epoch` as each epoch ends.
pub fn train(
    options: &TrainOptions,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Result<TrainReport, Error> {
    let mut tracker = OfflineEmissionsTracker::builder()
        .country_iso_code(&options.country_iso_code)
        .project_name("train-candle")
        .experiment_name(EXPERIMENT_NAME)
        .output_dir(&options.output_dir)
        .log_level("warning")
        .start()?;

    let device = Device::Cpu;
    let mut rng = Rng::new(options.seed);
    let train_set = spirals(options.points, &mut rng);
    let test_set = spirals(options.points.div_ceil(4), &mut rng);
    let (test_x, test_y) = test_set.tensors(&device)?;

    let model = Mlp::new(options.hidden, &mut rng, &device)?;
    let params = ParamsAdamW {
        lr: options.learning_rate,
        ..ParamsAdamW::default()
    };
    let mut optimizer = AdamW::new(model.vars(), params)?;

    let mut epochs = Vec::with_capacity(options.epochs);
    let mut order: Vec<usize> = (0..train_set.len()).collect();
    for epoch in 1..=options.epochs {
        let task = format!("epoch {epoch}");
        tracker.start_task(&task)?;

        rng.shuffle(&mut order);
        let (mut loss_sum, mut batches) = (0.0, 0);
        for batch in order.chunks(options.batch_size.max(1)) {
            let (x, y) = train_set.select(batch).tensors(&device)?;
            let loss = candle_nn::loss::cross_entropy(&model.forward(&x)?, &y)?;
            optimizer.backward_step(&loss)?;
            loss_sum += loss.to_scalar::<f32>()?;
            batches += 1;
        }
        let accuracy = model.accuracy(&test_x, &test_y)?;

        let totals = tracker.stop_task(&task)?;
        let report = EpochReport {
            epoch,
            loss: loss_sum / batches.max(1) as f32,
            accuracy,
            totals,
        };
        on_epoch(&report);
        epochs.push(report);
    }

    let run = tracker.stop()?;
    let dir = &tracker.config().output_dir;
    Ok(TrainReport {
        emissions_csv: dir.join(&tracker.config().output_file),
        task_csv: dir.join(format!("emissions_{EXPERIMENT_NAME}_{}.csv", run.run_id)),
        epochs,
        run,
    })
}

/// Points in the plane with a class each.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// `x, y` of each point, one after the other.
    pub features: Vec<f32>,
    /// 0 or 1.
    pub labels: Vec<u32>,
}

impl Dataset {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The points at `indices`.
    fn select(&self, indices: &[usize]) -> Dataset {
        let mut out = Dataset::default();
        for &i in indices {
            out.features
                .extend_from_slice(&self.features[2 * i..2 * i + 2]);
            out.labels.push(self.labels[i]);
        }
        out
    }

    /// An `(n, 2)` f32 tensor of features and an `(n,)` u32 tensor of labels.
    fn tensors(&self, device: &Device) -> candle_core::Result<(Tensor, Tensor)> {
        let n = self.len();
        Ok((
            Tensor::from_slice(&self.features, (n, 2), device)?,
            Tensor::from_slice(&self.labels, n, device)?,
        ))
    }
}

/// Two interleaved spirals of two turns, `points` in all (half each), with a little
/// Gaussian noise: a problem no straight line separates.
pub fn spirals(points: usize, rng: &mut Rng) -> Dataset {
    let mut data = Dataset::default();
    for i in 0..points {
        let class = (i % 2) as u32;
        let t = rng.uniform().sqrt(); // more points outside, where the arms are longer
        let angle = t * 4.0 * std::f64::consts::PI + f64::from(class) * std::f64::consts::PI;
        let radius = 0.1 + 0.9 * t;
        let x = radius * angle.cos() + 0.03 * rng.normal();
        let y = radius * angle.sin() + 0.03 * rng.normal();
        data.features.extend([x as f32, y as f32]);
        data.labels.push(class);
    }
    data
}

/// 2 → hidden → hidden → 2, ReLU between.
struct Mlp {
    layers: Vec<(Var, Var)>,
}

impl Mlp {
    fn new(hidden: usize, rng: &mut Rng, device: &Device) -> candle_core::Result<Self> {
        let sizes = [(2, hidden), (hidden, hidden), (hidden, 2)];
        let mut layers = Vec::new();
        for (inputs, outputs) in sizes {
            // He (Kaiming) uniform initialisation, from our own generator so runs repeat.
            let bound = (6.0 / inputs as f64).sqrt();
            let weights: Vec<f32> = (0..inputs * outputs)
                .map(|_| ((2.0 * rng.uniform() - 1.0) * bound) as f32)
                .collect();
            let weight = Var::from_tensor(&Tensor::from_vec(weights, (outputs, inputs), device)?)?;
            let bias = Var::zeros(outputs, DType::F32, device)?;
            layers.push((weight, bias));
        }
        Ok(Self { layers })
    }

    fn vars(&self) -> Vec<Var> {
        self.layers
            .iter()
            .flat_map(|(w, b)| [w.clone(), b.clone()])
            .collect()
    }

    /// The share of `x` classified as `y`.
    fn accuracy(&self, x: &Tensor, y: &Tensor) -> candle_core::Result<f32> {
        let predicted = self.forward(x)?.argmax(D::Minus1)?;
        predicted
            .eq(y)?
            .to_dtype(DType::F32)?
            .mean_all()?
            .to_scalar::<f32>()
    }
}

impl Module for Mlp {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for (i, (w, b)) in self.layers.iter().enumerate() {
            let layer = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
            x = layer.forward(&x)?;
            if i + 1 < self.layers.len() {
                x = x.relu()?;
            }
        }
        Ok(x)
    }
}

/// A small seeded generator (SplitMix64), so that data and weights need no `rand` crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform(); // in (0, 1]: the logarithm is finite
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

//! The sampling engine: plugin selection, the run's accumulators, and the sampler thread.

pub(crate) mod run;
pub(crate) mod sampler;
pub mod selection;

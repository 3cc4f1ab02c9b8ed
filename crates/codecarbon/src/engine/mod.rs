//! The sampling engine: plugin selection, the run's parts and totals, and the sampler thread.

pub(crate) mod allocation;
pub(crate) mod explicit;
mod outlet;
mod place;
pub(crate) mod run;
pub(crate) mod sampler;
pub mod selection;
mod setup;
mod timestamp;
mod totals;

pub use outlet::OutputFailure;

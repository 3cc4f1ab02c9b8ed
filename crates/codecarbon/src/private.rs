//! Support for code that `#[track_emissions]` generates; not a public API.

use crate::{EmissionsTracker, TrackerBuilder};

/// Builds and starts a tracker for a tracked function. A tracker that cannot start is reported
/// (to the program's `tracing` subscriber, else on standard error) and the function runs
/// untracked: measuring must never stop the work it measures. (CodeCarbon's decorator does so
/// for a tracker that fails, but raises for `offline=True` without a country.)
pub fn start(builder: TrackerBuilder, function: &str) -> Option<EmissionsTracker> {
    let started = builder.build().and_then(|mut tracker| {
        tracker.start()?;
        Ok(tracker)
    });
    match started {
        Ok(tracker) => Some(tracker),
        Err(e) => {
            // No config was resolved: the fallback, if one is needed, writes errors only.
            let _route = crate::diagnostics::Route::new("error").enter();
            tracing::error!(
                target: crate::diagnostics::TRACK,
                function,
                "cannot track `{function}`: {e}"
            );
            None
        }
    }
}

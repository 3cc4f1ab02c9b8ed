//! Where the tracker's messages go: `tracing` events, to the program's subscriber, or, when it
//! has none, to standard error in CodeCarbon's words.
//!
//! Every message of the tracker and its plugins is an event whose target starts with
//! `codecarbon` ([`CONFIG`] for the settings, [`ENGINE`] for a run, [`TRACK`] for
//! `#[track_emissions]`, `codecarbon::<plugin>` for a plugin), with fields beside the sentence
//! (`key`, `origin`, `output`, `plugin`, …; see [`codecarbon_core::diagnostics`]).
//!
//! - A program that installed a subscriber (global, or the thread's default around its calls)
//!   gets them all, from the threads of a run too; nothing is written to stderr behind its back,
//!   and its own filter decides what it keeps (`log_level` does not filter for it).
//! - A program that installed none gets, as from Python's CodeCarbon through `logging`'s last
//!   resort, `codecarbon: warning: …` lines on standard error at and above `log_level`: the
//!   tracker scopes a fallback subscriber around its public calls and on its threads.
//!
//! A run's threads keep the subscriber of the `start()` that began it: one installed while a
//! run goes on is used from the next call and the next run.
//!
//! [`console_layer`] is the layer that writes those lines; the command line installs it too.

use codecarbon_core::diagnostics::{level_name, TARGET};
use codecarbon_core::stderr::Quiet;
use std::fmt::{self, Write as _};
use std::thread::{Builder, JoinHandle};
use tracing::dispatcher::{self, DefaultGuard, Dispatch};
use tracing::field::{Field, Visit};
use tracing::subscriber::NoSubscriber;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::filter::{filter_fn, FilterExt, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::{Filter, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

pub use codecarbon_core::diagnostics::level_filter;

/// The target of the messages about settings (unknown keys, ignored sections).
pub const CONFIG: &str = "codecarbon::config";
/// The target of the messages of a run: power sources chosen, place and intensity, outputs.
pub const ENGINE: &str = "codecarbon::engine";
/// The target of `#[track_emissions]`'s message when a tracker cannot start.
pub const TRACK: &str = "codecarbon::track";

/// A layer that writes each event that has a message as one line on standard error, in the
/// words of CodeCarbon's command line: `codecarbon: warning: the message` (the target instead
/// of `codecarbon` for another crate's event), and only the message: fields are for programs.
///
/// `filter` chooses the events (a [`Targets`], a level); events without a message (the
/// `logger` output's records) are never written. A line that cannot be written is dropped
/// ([`Quiet`]): a closed stderr must not cost a run its row.
pub fn console_layer<S, F>(filter: F) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    F: Filter<S> + 'static,
{
    tracing_subscriber::fmt::layer()
        .event_format(Wording)
        .with_writer(|| Quiet)
        // Its own complaint about a failed write would be an `eprintln!`, which panics then.
        .log_internal_errors(false)
        .with_filter(filter.and(filter_fn(has_message)))
}

/// Whether the event carries a sentence for people (a record of the `logger` output has none).
fn has_message(meta: &Metadata<'_>) -> bool {
    meta.fields().field("message").is_some()
}

/// `codecarbon: level: message`.
struct Wording;

impl<S, N> FormatEvent<S, N> for Wording
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut message = Message(String::new());
        event.record(&mut message);
        let who = if meta.target().starts_with(TARGET) {
            TARGET
        } else {
            meta.target()
        };
        writeln!(writer, "{who}: {}: {}", level_name(meta.level()), message.0)
    }
}

/// The `message` field of an event.
struct Message(String);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}

/// The subscriber of a program that has none: [`console_layer`] for codecarbon's targets at and
/// above `log_level`.
fn fallback(log_level: &str) -> Dispatch {
    let filter = Targets::new().with_target(TARGET, level_filter(log_level));
    Dispatch::new(Registry::default().with(console_layer(filter)))
}

/// Where one tracker's messages go: the calling thread's subscriber, or the fallback.
#[derive(Clone)]
pub(crate) struct Route {
    fallback: Dispatch,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Route")
    }
}

impl Route {
    /// A route whose fallback writes at and above `log_level`. (Built once per tracker: each
    /// new subscriber makes `tracing` recompute every call site's interest.)
    pub(crate) fn new(log_level: &str) -> Self {
        Self {
            fallback: fallback(log_level),
        }
    }

    /// Until the guard drops, this thread's events go to its subscriber (the program's global
    /// or scoped one), or to the fallback where there is none. Asked at every public call, so
    /// that a subscriber installed after `build()` is used from then on.
    pub(crate) fn enter(&self) -> DefaultGuard {
        let current = dispatcher::get_default(Dispatch::clone);
        if current.is::<NoSubscriber>() {
            dispatcher::set_default(&self.fallback)
        } else {
            dispatcher::set_default(&current)
        }
    }
}

/// Spawns a thread whose events go where the spawning thread's go: a run's threads speak to
/// the subscriber of the call that started them.
pub(crate) fn spawn<F, T>(builder: Builder, work: F) -> std::io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let dispatch = dispatcher::get_default(Dispatch::clone);
    builder.spawn(move || dispatcher::with_default(&dispatch, work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Events seen by a subscriber of the test's own.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<String>>>);

    impl<S: Subscriber> Layer<S> for Seen {
        fn on_event(&self, event: &Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            let mut message = Message(String::new());
            event.record(&mut message);
            if let Ok(mut seen) = self.0.lock() {
                seen.push(format!("{} {}", event.metadata().target(), message.0));
            }
        }
    }

    #[test]
    fn a_subscriber_of_the_caller_is_kept_and_followed_onto_spawned_threads() {
        let seen = Seen::default();
        let mine = Dispatch::new(Registry::default().with(seen.clone()));
        let route = Route::new("debug");
        dispatcher::with_default(&mine, || {
            let _entered = route.enter();
            tracing::warn!(target: ENGINE, "on the caller");
            let thread = spawn(Builder::new(), || {
                tracing::warn!(target: ENGINE, "on a run's thread");
            });
            thread.map(|t| t.join()).ok();
        });
        let seen = seen.0.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(
            seen,
            [
                "codecarbon::engine on the caller",
                "codecarbon::engine on a run's thread"
            ]
        );
    }

    #[test]
    fn without_a_subscriber_the_fallback_is_entered() {
        let route = Route::new("warning");
        // The test thread has no default (no test here sets a global one).
        let _entered = route.enter();
        assert!(dispatcher::get_default(|d| !d.is::<NoSubscriber>()));
    }
}

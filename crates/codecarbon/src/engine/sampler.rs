//! The one background thread that samples every source and feeds the sinks.
//!
//! Everything of a run lives on the run's own threads (this one, the place thread and one per
//! output, each with a small runtime of its own), so plugin futures never run inside the
//! caller's. `flush` and `stop` are messages: the thread wakes at once, takes a final sample,
//! writes and replies.

use super::explicit::Lent;
use super::outlet::{self, OutputFailure, Receipt};
use super::run::{Run, Stage};
use crate::diagnostics;
use crate::error::TrackerError;
use codecarbon_core::{Config, EmissionsData};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A row's totals and the errors of the outputs that could not take it.
pub(crate) type Delivered = (EmissionsData, Vec<OutputFailure>);

/// How long the user's flush waits for the outputs to write its row.
const FLUSH_LIMIT: Duration = Duration::from_secs(10);

/// How long the stop waits for the outputs to write the final row and end.
const STOP_LIMIT: Duration = Duration::from_secs(10);

enum Command {
    Flush(Instant, Sender<(EmissionsData, Vec<Receipt>)>),
    Stop(Instant, Sender<Delivered>),
    StartTask(String, Instant, Sender<Result<(), TrackerError>>),
    StopTask(
        Option<String>,
        Instant,
        Sender<Result<EmissionsData, TrackerError>>,
    ),
}

/// Handle to a running sampler thread.
pub(crate) struct Sampler {
    commands: Sender<Command>,
    thread: JoinHandle<()>,
    run_id: String,
}

impl Sampler {
    /// Starts a run on a new thread; returns once it is measuring, or with why it could not.
    pub(crate) fn spawn(config: Config, lent: Lent) -> Result<Sampler, TrackerError> {
        let (commands, inbox) = mpsc::channel();
        let (ready, started) = mpsc::channel();
        let thread = std::thread::Builder::new().name("codecarbon-sampler".into());
        let thread = diagnostics::spawn(thread, move || match Run::start(config, lent) {
            Ok(run) => {
                let _ = ready.send(Ok(run.run_id().to_string()));
                run_loop(run, inbox);
            }
            Err(e) => {
                let _ = ready.send(Err(e));
            }
        })?;
        match started.recv() {
            Ok(Ok(run_id)) => Ok(Sampler {
                commands,
                thread,
                run_id,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(TrackerError::Sampler("it panicked while starting".into())),
        }
    }

    /// The run's id.
    pub(crate) fn run_id(&self) -> &str {
        &self.run_id
    }

    fn ask<T>(&self, command: impl FnOnce(Sender<T>) -> Command) -> Result<T, TrackerError> {
        let (reply, answer) = mpsc::channel();
        self.commands
            .send(command(reply))
            .map_err(|_| TrackerError::Sampler("it is gone".into()))?;
        answer
            .recv()
            .map_err(|_| TrackerError::Sampler("it panicked".into()))
    }

    /// Starts a task now: the thread samples and interpolates back to this instant.
    pub(crate) fn start_task(&self, name: &str) -> Result<(), TrackerError> {
        let at = Instant::now();
        self.ask(|reply| Command::StartTask(name.to_string(), at, reply))?
    }

    /// Ends a task (the latest when `None`) now and returns its totals.
    pub(crate) fn stop_task(&self, name: Option<&str>) -> Result<EmissionsData, TrackerError> {
        let at = Instant::now();
        self.ask(|reply| Command::StopTask(name.map(str::to_string), at, reply))?
    }

    /// Writes a row of the totals so far and returns them.
    pub(crate) fn flush(&self) -> Result<Delivered, TrackerError> {
        let at = Instant::now();
        let (data, receipts) = self.ask(|reply| Command::Flush(at, reply))?;
        // The wait is here, on the caller's thread, so sampling goes on meanwhile.
        Ok((
            data,
            outlet::collect(receipts, Instant::now() + FLUSH_LIMIT),
        ))
    }

    /// Ends the run: final sample, final row, thread joined.
    pub(crate) fn stop(self) -> Result<Delivered, TrackerError> {
        let at = Instant::now();
        let data = self.ask(|reply| Command::Stop(at, reply));
        let _ = self.thread.join();
        data
    }
}

fn next(after: Instant, period: Duration, now: Instant) -> Instant {
    let next = after + period;
    if next > now {
        next
    } else {
        now + period
    }
}

fn run_loop(mut run: Run, inbox: Receiver<Command>) {
    let period = run.tick_period();
    let interval = run.measure_interval();
    let live_every = run.live_every();
    let mut measures: u32 = 0;
    let start = Instant::now();
    let (mut next_tick, mut next_measure) = (start + period, start + interval);
    loop {
        let wait = next_tick
            .min(next_measure)
            .saturating_duration_since(Instant::now());
        match inbox.recv_timeout(wait) {
            Ok(Command::Flush(at, reply)) => {
                run.settle();
                let end = run.boundary(at);
                let _ = reply.send(run.deliver(Stage::Flush, end));
            }
            Ok(Command::StartTask(name, at, reply)) => {
                let _ = reply.send(run.start_task(name, at));
            }
            Ok(Command::StopTask(name, at, reply)) => match run.stop_task(name, at) {
                Ok(task) => {
                    let _ = reply.send(Ok(task.data.clone()));
                    run.deliver_task(task);
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            },
            Ok(Command::Stop(at, reply)) => {
                let _ = reply.send(finish(run, at));
                return;
            }
            Err(RecvTimeoutError::Disconnected) => {
                // The tracker was dropped without stop (it stops on drop, so this is a leak or a
                // panic elsewhere): still write the last row.
                finish(run, Instant::now());
                return;
            }
            Err(RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                if now >= next_tick {
                    run.sample();
                    next_tick = next(next_tick, period, now);
                }
                if now >= next_measure {
                    run.update_emissions();
                    measures = measures.wrapping_add(1);
                    let live = live_every.is_some_and(|every| measures.is_multiple_of(every.get()));
                    run.record(measures, live);
                    next_measure = next(next_measure, interval, now);
                }
            }
        }
    }
}

/// The end of a run at `at`, when its caller asked: open tasks end, the final sample, the
/// final row, and a bounded wait for the outputs to write it.
fn finish(mut run: Run, at: Instant) -> Delivered {
    run.settle();
    // One boundary for everything that ends now: the open tasks and the run.
    let end = run.boundary(at);
    run.stop_all_tasks(&end);
    let (data, receipts) = run.deliver(Stage::Finish, end);
    let deadline = Instant::now() + STOP_LIMIT;
    let errors = outlet::collect(receipts, deadline);
    run.end(deadline);
    (data, errors)
}

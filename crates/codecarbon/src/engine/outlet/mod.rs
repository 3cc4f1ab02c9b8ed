//! Each output on a thread of its own, behind a small queue, so that a slow or dead output
//! (a Comet endpoint that hangs) never delays sampling nor costs another output its row.
//!
//! The sampler only enqueues. Interval records are cumulative, so a record still waiting when
//! the next arrives is replaced by it: the queue never grows with a stuck output. Rows the user
//! asked for (flush, stop) and tasks are kept; every call is bounded by a timeout, and the end
//! of a run waits a bounded time for each output to finish.

mod failure;

pub use failure::OutputFailure;

use super::setup::SinkPart;
use crate::diagnostics::{self, ENGINE};
use codecarbon_core::{Report, Sink, SinkError, TaskReport};
use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest one call of an output may take.
const CALL_LIMIT: Duration = Duration::from_secs(30);

/// How long a record call in progress may go on once a flush or the stop waits behind it.
const GIVE_WAY_GRACE: Duration = Duration::from_secs(2);

/// Tasks queued for a stuck output beyond this are dropped (and reported).
const TASK_BACKLOG: usize = 10_000;

/// An output's answer to a row the user asked for.
pub(crate) type Receipt = (String, Receiver<Result<(), String>>);

enum Job {
    Record(Arc<Report>),
    Flush(Arc<Report>, Sender<Result<(), String>>),
    Finish(Arc<Report>, Sender<Result<(), String>>),
    Task(Arc<TaskReport>),
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
    /// The output panicked: it gets nothing more, and rows asked of it fail at once.
    dead: bool,
    dropped_tasks: usize,
}

/// What a dead output answers.
const DEAD: &str = "it panicked earlier in this run";

/// The queue, its bell, and whether a row the user asked for (flush, stop) waits: an interval
/// record still in progress then gives way, since the waiting row has newer totals.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    urgent: AtomicBool,
}

type Mailbox = Arc<Shared>;

/// One output and its worker thread.
pub(crate) struct Outlet {
    name: String,
    explicit: bool,
    /// The output checkpoints at each record ([`Sink::checkpoints`]).
    checkpoints: bool,
    mailbox: Mailbox,
    thread: Option<JoinHandle<Box<dyn Sink>>>,
}

impl Outlet {
    /// Starts the worker of one output.
    pub(crate) fn start(part: SinkPart) -> std::io::Result<Outlet> {
        let mailbox: Mailbox = Arc::default();
        let SinkPart {
            name,
            sink,
            explicit,
        } = part;
        let checkpoints = sink.checkpoints();
        let thread = {
            let (mailbox, name) = (mailbox.clone(), name.clone());
            let thread = std::thread::Builder::new().name(format!("codecarbon-output-{name}"));
            diagnostics::spawn(thread, move || work(sink, &name, &mailbox))?
        };
        Ok(Outlet {
            name,
            explicit,
            checkpoints,
            mailbox,
            thread: Some(thread),
        })
    }

    fn push(&self, job: Job) {
        let mut queue = self
            .mailbox
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if queue.dead {
            if let Job::Flush(_, reply) | Job::Finish(_, reply) = job {
                let _ = reply.send(Err(DEAD.into()));
            }
            return;
        }
        match job {
            // A newer cumulative record makes a waiting one pointless.
            Job::Record(_) => queue.jobs.retain(|j| !matches!(j, Job::Record(_))),
            Job::Task(_) if queue.jobs.len() >= TASK_BACKLOG => {
                queue.dropped_tasks += 1;
                return;
            }
            Job::Flush(..) | Job::Finish(..) => self.mailbox.urgent.store(true, Ordering::SeqCst),
            Job::Task(_) => {}
        }
        queue.jobs.push_back(job);
        // Rung once the queue is unlocked, so the worker does not wake only to wait for it.
        drop(queue);
        self.mailbox.ready.notify_one();
    }

    /// Hands an interval's totals over.
    pub(crate) fn record(&self, report: &Arc<Report>) {
        self.push(Job::Record(report.clone()));
    }

    /// Whether the output wants every interval's totals for a checkpoint of its own.
    pub(crate) fn checkpoints(&self) -> bool {
        self.checkpoints
    }

    /// Hands a finished task over.
    pub(crate) fn task(&self, task: &Arc<TaskReport>) {
        self.push(Job::Task(task.clone()));
    }

    /// Hands a row the user asked for over; the receipt tells when it is written.
    pub(crate) fn flush(&self, report: &Arc<Report>) -> Receipt {
        let (reply, receipt) = mpsc::channel();
        self.push(Job::Flush(report.clone(), reply));
        (self.name.clone(), receipt)
    }

    /// Hands the final row over and closes the queue: the worker ends after it.
    pub(crate) fn finish(&self, report: &Arc<Report>) -> Receipt {
        let (reply, receipt) = mpsc::channel();
        self.push(Job::Finish(report.clone(), reply));
        self.close();
        (self.name.clone(), receipt)
    }

    fn close(&self) {
        let mailbox = &self.mailbox;
        mailbox
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        mailbox.ready.notify_one();
    }

    /// Waits until `deadline` for the worker to end; the output back when it did and the user
    /// gave it (it then serves their next run).
    pub(crate) fn end(mut self, deadline: Instant) -> Option<Box<dyn Sink>> {
        self.close();
        let thread = self.thread.take()?;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        // A worker stuck in a call is left behind; it ends with its call.
        let sink = thread.is_finished().then(|| thread.join().ok()).flatten()?;
        self.explicit.then_some(sink)
    }
}

impl Drop for Outlet {
    fn drop(&mut self) {
        self.close();
    }
}

/// Waits until `deadline` for each receipt; the errors, and a line for each output that did not
/// answer in time. The workers log the errors they get; the waits that ran out are logged here.
pub(crate) fn collect(receipts: Vec<Receipt>, deadline: Instant) -> Vec<OutputFailure> {
    let mut errors = Vec::new();
    for (name, receipt) in receipts {
        let left = deadline.saturating_duration_since(Instant::now());
        let unanswered = match receipt.recv_timeout(left) {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => {
                errors.push(OutputFailure::new(name, e));
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => "has not written the row in time",
            Err(mpsc::RecvTimeoutError::Disconnected) => "stopped before writing the row",
        };
        tracing::error!(target: ENGINE, output = %name, "output `{name}` {unanswered}");
        errors.push(OutputFailure::new(name, unanswered));
    }
    errors
}

fn next_job(mailbox: &Mailbox, name: &str) -> Option<Job> {
    let mut queue = mailbox.queue.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if queue.dropped_tasks > 0 {
            tracing::error!(
                target: ENGINE,
                output = %name,
                "output `{name}` is too slow: {} tasks were not handed to it",
                queue.dropped_tasks
            );
            queue.dropped_tasks = 0;
        }
        if let Some(job) = queue.jobs.pop_front() {
            if matches!(job, Job::Flush(..) | Job::Finish(..)) {
                let more = queue
                    .jobs
                    .iter()
                    .any(|j| matches!(j, Job::Flush(..) | Job::Finish(..)));
                mailbox.urgent.store(more, Ordering::SeqCst);
            }
            return Some(job);
        }
        if queue.closed {
            return None;
        }
        queue = mailbox
            .ready
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

/// The worker: calls the output for each job, each call bounded by [`CALL_LIMIT`]. A failure is
/// reported when it starts and when the output recovers, not at every interval.
fn work(mut sink: Box<dyn Sink>, name: &str, mailbox: &Mailbox) -> Box<dyn Sink> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(target: ENGINE, output = %name, "output `{name}` cannot start: {e}");
            while let Some(job) = next_job(mailbox, name) {
                if let Job::Flush(_, reply) | Job::Finish(_, reply) = job {
                    let _ = reply.send(Err(format!("cannot start: {e}")));
                }
            }
            return sink;
        }
    };
    let mut failing = false;
    while let Some(job) = next_job(mailbox, name) {
        // `None`: a record that gave way to a waiting row, which says nothing of the output.
        let called = std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async {
                let sink = &mut sink;
                match job {
                    Job::Record(_) if mailbox.urgent.load(Ordering::SeqCst) => (None, None),
                    Job::Record(report) => {
                        let mut record = std::pin::pin!(sink.record(&report));
                        // Most records are a local write, done at the first poll: they need
                        // no time limit, and pay for no timer.
                        if let Poll::Ready(done) = poll_once(record.as_mut()) {
                            return (Some(done.map_err(|e| e.to_string())), None);
                        }
                        tokio::select! {
                            done = bounded(record) => (Some(done), None),
                            () = give_way(&mailbox.urgent) => (None, None),
                        }
                    }
                    Job::Task(task) => (Some(bounded(sink.task(&task)).await), None),
                    Job::Flush(report, reply) => {
                        (Some(bounded(sink.flush(&report)).await), Some(reply))
                    }
                    Job::Finish(report, reply) => {
                        (Some(bounded(sink.finish(&report)).await), Some(reply))
                    }
                }
            })
        }));
        let Ok((result, reply)) = called else {
            // The reply sender of the job went with the panic: its row is reported missing.
            tracing::error!(
                target: ENGINE,
                output = %name,
                "output `{name}` panicked: it gets nothing more in this run"
            );
            bury(mailbox);
            break;
        };
        let Some(result) = result else {
            continue;
        };
        match &result {
            Err(e) if !failing => {
                tracing::error!(target: ENGINE, output = %name, "output `{name}` failed: {e}");
                failing = true;
            }
            Ok(()) if failing => {
                tracing::warn!(target: ENGINE, output = %name, "output `{name}` works again");
                failing = false;
            }
            _ => {}
        }
        if let Some(reply) = reply {
            let _ = reply.send(result);
        }
    }
    sink
}

/// Marks the output dead and answers every row still waiting for it.
fn bury(mailbox: &Mailbox) {
    let mut queue = mailbox.queue.lock().unwrap_or_else(PoisonError::into_inner);
    queue.dead = true;
    for job in queue.jobs.drain(..) {
        if let Job::Flush(_, reply) | Job::Finish(_, reply) = job {
            let _ = reply.send(Err(DEAD.into()));
        }
    }
}

/// Resolves [`GIVE_WAY_GRACE`] after a row the user asked for is waiting: a record call in
/// progress usually completes in that time (cutting it off could leave an endpoint holding a
/// delta the output does not know it sent); one that hangs is dropped.
async fn give_way(flag: &AtomicBool) {
    while !flag.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(GIVE_WAY_GRACE).await;
}

/// Polls `call` once, without waiting: inside the runtime's context (a call may make a timer
/// or a socket), with a waker that does nothing, since a call still pending is then polled
/// again, with the runtime's own waker.
fn poll_once<F: Future + ?Sized>(call: Pin<&mut F>) -> Poll<F::Output> {
    call.poll(&mut Context::from_waker(Waker::noop()))
}

async fn bounded(call: impl Future<Output = Result<(), SinkError>>) -> Result<(), String> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CALL_LIMIT.as_secs())),
    }
}

#[cfg(test)]
mod tests;

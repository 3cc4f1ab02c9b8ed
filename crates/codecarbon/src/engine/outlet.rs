//! Each output on a thread of its own, behind a small queue, so that a slow or dead output
//! (a Comet endpoint that hangs) never delays sampling nor costs another output its row.
//!
//! The sampler only enqueues. Interval records are cumulative, so a record still waiting when
//! the next arrives is replaced by it: the queue never grows with a stuck output. Rows the user
//! asked for (flush, stop) and tasks are kept; every call is bounded by a timeout, and the end
//! of a run waits a bounded time for each output to finish.

use super::setup::SinkPart;
use crate::log::Logger;
use codecarbon_core::{Report, Sink, SinkError, TaskReport};
use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest one call of an output may take.
const CALL_LIMIT: Duration = Duration::from_secs(30);

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
    dropped_tasks: usize,
}

type Mailbox = Arc<(Mutex<Queue>, Condvar)>;

/// One output and its worker thread.
pub(crate) struct Outlet {
    name: String,
    explicit: bool,
    mailbox: Mailbox,
    thread: Option<JoinHandle<Box<dyn Sink>>>,
}

impl Outlet {
    /// Starts the worker of one output.
    pub(crate) fn start(part: SinkPart, log: Logger) -> std::io::Result<Outlet> {
        let mailbox: Mailbox = Arc::default();
        let SinkPart {
            name,
            sink,
            explicit,
        } = part;
        let thread = {
            let (mailbox, name) = (mailbox.clone(), name.clone());
            std::thread::Builder::new()
                .name(format!("codecarbon-output-{name}"))
                .spawn(move || work(sink, &name, &mailbox, log))?
        };
        Ok(Outlet {
            name,
            explicit,
            mailbox,
            thread: Some(thread),
        })
    }

    fn push(&self, job: Job) {
        let (lock, ready) = &*self.mailbox;
        let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
        match job {
            // A newer cumulative record makes a waiting one pointless.
            Job::Record(_) => queue.jobs.retain(|j| !matches!(j, Job::Record(_))),
            Job::Task(_) if queue.jobs.len() >= TASK_BACKLOG => {
                queue.dropped_tasks += 1;
                return;
            }
            _ => {}
        }
        queue.jobs.push_back(job);
        ready.notify_one();
    }

    /// Hands an interval's totals over.
    pub(crate) fn record(&self, report: &Arc<Report>) {
        self.push(Job::Record(report.clone()));
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
        let (lock, ready) = &*self.mailbox;
        lock.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        ready.notify_one();
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
/// answer in time.
pub(crate) fn collect(receipts: Vec<Receipt>, deadline: Instant) -> Vec<String> {
    let mut errors = Vec::new();
    for (name, receipt) in receipts {
        let left = deadline.saturating_duration_since(Instant::now());
        match receipt.recv_timeout(left) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(format!("output `{name}`: {e}")),
            Err(mpsc::RecvTimeoutError::Timeout) => errors.push(format!(
                "output `{name}`: not written in time; it is still trying"
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => errors.push(format!(
                "output `{name}`: its worker stopped before writing"
            )),
        }
    }
    errors
}

fn next_job(mailbox: &Mailbox, name: &str, log: Logger) -> Option<Job> {
    let (lock, ready) = &**mailbox;
    let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if queue.dropped_tasks > 0 {
            log.error(format_args!(
                "output `{name}` is too slow: {} tasks were not handed to it",
                queue.dropped_tasks
            ));
            queue.dropped_tasks = 0;
        }
        if let Some(job) = queue.jobs.pop_front() {
            return Some(job);
        }
        if queue.closed {
            return None;
        }
        queue = ready.wait(queue).unwrap_or_else(PoisonError::into_inner);
    }
}

/// The worker: calls the output for each job, each call bounded by [`CALL_LIMIT`]. A failure is
/// reported when it starts and when the output recovers, not at every interval.
fn work(mut sink: Box<dyn Sink>, name: &str, mailbox: &Mailbox, log: Logger) -> Box<dyn Sink> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            log.error(format_args!("output `{name}` cannot start: {e}"));
            while let Some(job) = next_job(mailbox, name, log) {
                if let Job::Flush(_, reply) | Job::Finish(_, reply) = job {
                    let _ = reply.send(Err(format!("cannot start: {e}")));
                }
            }
            return sink;
        }
    };
    let mut failing = false;
    while let Some(job) = next_job(mailbox, name, log) {
        let (result, reply) = runtime.block_on(async {
            let sink = &mut sink;
            match job {
                Job::Record(report) => (bounded(sink.record(&report)).await, None),
                Job::Task(task) => (bounded(sink.task(&task)).await, None),
                Job::Flush(report, reply) => (bounded(sink.flush(&report)).await, Some(reply)),
                Job::Finish(report, reply) => (bounded(sink.finish(&report)).await, Some(reply)),
            }
        });
        match &result {
            Err(e) if !failing => {
                log.error(format_args!("output `{name}` failed: {e}"));
                failing = true;
            }
            Ok(()) if failing => {
                log.warn(format_args!("output `{name}` works again"));
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

async fn bounded(
    call: impl std::future::Future<Output = Result<(), SinkError>>,
) -> Result<(), String> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CALL_LIMIT.as_secs())),
    }
}

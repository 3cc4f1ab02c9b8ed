//! The bound on connections: a place for each one served, and, when all are taken, a
//! connection gives its place to the newcomer: the oldest one waiting for a request, else the
//! one whose client has stopped reading its answer for longest.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How often a full server looks again for a connection to evict, while every one is busy.
const RETRY: Duration = Duration::from_millis(50);

/// How long an answer's write may stay blocked (the client's buffers full, nothing read)
/// before its connection may give its place to a newcomer. An answer being read moves on
/// within milliseconds, even over a slow link; one stalled this long belongs to a client that
/// does not read, which must not keep a place from others until the write timeout.
pub(crate) const STALLED: Duration = Duration::from_secs(1);

/// What the server knows of one connection.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Between a request's arrival and the end of its response: evicted only when stalled.
    busy: AtomicBool,
    /// Since when the response's write has been blocked without progress, if it is.
    stalled_since: Mutex<Option<Instant>>,
    /// Asked to give its place; set once.
    evicted: AtomicBool,
    evict: Notify,
}

impl Slot {
    /// A request arrived: its response is owed.
    pub(crate) fn set_busy(&self) {
        self.busy.store(true, Ordering::SeqCst);
    }

    /// The response was written: the connection waits for another request.
    pub(crate) fn set_waiting(&self) {
        self.busy.store(false, Ordering::SeqCst);
    }

    /// A write could not go on: the client's buffers are full. The first of a row counts.
    pub(crate) fn set_write_blocked(&self) {
        self.stalled().get_or_insert_with(Instant::now);
    }

    /// A write went through: the client reads.
    pub(crate) fn set_write_moved(&self) {
        *self.stalled() = None;
    }

    fn stalled(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.stalled_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Since when the response has been stalled, if for at least [`STALLED`] by `now`.
    fn stalled_at(&self, now: Instant) -> Option<Instant> {
        (*self.stalled()).filter(|since| now.saturating_duration_since(*since) >= STALLED)
    }

    /// Resolves when the connection must close to make room.
    pub(crate) async fn evicted(&self) {
        self.evict.notified().await;
    }
}

type Open = Arc<Mutex<BTreeMap<u64, Arc<Slot>>>>;

/// The places of a server.
pub(crate) struct Slots {
    permits: Arc<Semaphore>,
    /// By age: the lowest id is the oldest connection.
    open: Open,
    next_id: u64,
}

/// A connection's place, given back when dropped (the connection ended, however).
pub(crate) struct Claim {
    id: u64,
    slot: Arc<Slot>,
    open: Open,
    _permit: OwnedSemaphorePermit,
}

impl Claim {
    /// The connection's state, shared with its reader, writer and request handler.
    pub(crate) fn slot(&self) -> &Arc<Slot> {
        &self.slot
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

impl Slots {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max.max(1))),
            open: Open::default(),
            next_id: 0,
        }
    }

    /// A place for a new connection: a free one, else the place of the oldest connection that
    /// waits for a request, else of the one stalled longest in a write (for at least
    /// [`STALLED`]), else the first one freed by a connection that finishes its answer.
    pub(crate) async fn claim(&mut self) -> Claim {
        let permit = loop {
            if let Ok(permit) = self.permits.clone().try_acquire_owned() {
                break permit;
            }
            self.evict_one();
            tokio::select! {
                acquired = self.permits.clone().acquire_owned() => {
                    if let Ok(permit) = acquired {
                        break permit;
                    }
                    // Never closed: unreachable, but looping is the safe answer.
                }
                () = tokio::time::sleep(RETRY) => {}
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        let slot = Arc::new(Slot::default());
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, slot.clone());
        Claim {
            id,
            slot,
            open: self.open.clone(),
            _permit: permit,
        }
    }

    /// Asks one connection to give its place: the oldest waiting for a request, else the one
    /// stalled longest. A busy one that moves is never asked.
    fn evict_one(&self) {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let candidates = || open.values().filter(|s| !s.evicted.load(Ordering::SeqCst));
        let now = Instant::now();
        let chosen = candidates()
            .find(|s| !s.busy.load(Ordering::SeqCst))
            .or_else(|| {
                candidates()
                    .filter_map(|s| Some((s.stalled_at(now)?, s)))
                    .min_by_key(|(since, _)| *since)
                    .map(|(_, s)| s)
            });
        if let Some(slot) = chosen {
            slot.evicted.store(true, Ordering::SeqCst);
            // Stored if the connection is not listening yet: it closes at its next look.
            slot.evict.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn a_full_set_evicts_its_oldest_waiting_connection_not_a_busy_one() {
        runtime().block_on(async {
            let mut slots = Slots::new(2);
            let first = slots.claim().await;
            let second = slots.claim().await;
            first.slot().set_busy();
            let (third, ()) = tokio::join!(slots.claim(), async {
                // The second (waiting) is told to go; the first (busy) is not.
                second.slot().evicted().await;
                assert!(!first.slot().evicted.load(Ordering::SeqCst));
                drop(second);
            });
            assert_eq!(third.id, 2);
            assert_eq!(slots.open.lock().unwrap().len(), 2);
        });
    }

    #[test]
    fn when_every_connection_is_busy_the_one_stalled_longest_gives_way() {
        runtime().block_on(async {
            let mut slots = Slots::new(3);
            let moving = slots.claim().await;
            let stalled_briefly = slots.claim().await;
            let stalled_long = slots.claim().await;
            let now = Instant::now();
            for claim in [&moving, &stalled_briefly, &stalled_long] {
                claim.slot().set_busy();
            }
            // A write that blocked, then went on: the client reads.
            *moving.slot().stalled() = Some(now - STALLED * 10);
            moving.slot().set_write_moved();
            stalled_briefly.slot().set_write_blocked();
            *stalled_long.slot().stalled() = Some(now - STALLED * 2);
            // Blocked again later: the stall still counts from its start.
            stalled_long.slot().set_write_blocked();
            let (fourth, ()) = tokio::join!(slots.claim(), async {
                stalled_long.slot().evicted().await;
                drop(stalled_long);
            });
            assert_eq!(fourth.id, 3);
            assert!(!moving.slot().evicted.load(Ordering::SeqCst));
            assert!(!stalled_briefly.slot().evicted.load(Ordering::SeqCst));
        });
    }

    #[test]
    fn when_every_connection_is_busy_a_new_one_waits_for_a_place() {
        runtime().block_on(async {
            let mut slots = Slots::new(1);
            let only = slots.claim().await;
            only.slot().set_busy();
            let waited = tokio::time::timeout(Duration::from_millis(200), slots.claim()).await;
            assert!(waited.is_err(), "claimed a place held by a busy connection");
            only.slot().set_waiting();
            let (next, ()) = tokio::join!(slots.claim(), async {
                only.slot().evicted().await;
                drop(only);
            });
            assert_eq!(next.id, 1);
        });
    }
}

//! The bound on connections: a place for each one served, and, when all are taken, the oldest
//! connection waiting for a request gives its place to the newcomer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// How often a full server looks again for a connection to evict, while every one is busy.
const RETRY: Duration = Duration::from_millis(50);

/// What the server knows of one connection.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Between a request's arrival and the end of its response: not to be evicted.
    busy: AtomicBool,
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
    /// waits for a request, else the first one freed by a connection that finishes its answer.
    pub(crate) async fn claim(&mut self) -> Claim {
        let permit = loop {
            if let Ok(permit) = self.permits.clone().try_acquire_owned() {
                break permit;
            }
            self.evict_oldest_waiting();
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

    fn evict_oldest_waiting(&self) {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest = open
            .values()
            .find(|s| !s.busy.load(Ordering::SeqCst) && !s.evicted.load(Ordering::SeqCst));
        if let Some(slot) = oldest {
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

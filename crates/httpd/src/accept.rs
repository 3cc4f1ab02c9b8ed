//! The accept loop: a place for each connection, then a task to serve it.

use crate::connection::{self, Shared};
use crate::error::Fault;
use crate::slots::Slots;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long to wait after an accept that failed for want of resources (file descriptors,
/// memory) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Accepts and serves until `stop` says so (or its sender is gone).
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut slots = Slots::new(shared.limits.max_connections);
    // An accept error is told once, until an accept succeeds again.
    let mut failing = false;
    loop {
        let accepted = tokio::select! {
            biased;
            () = stopped(&mut stop) => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                failing = false;
                stream
            }
            Err(e) if is_the_clients(&e) => continue,
            Err(e) => {
                if !failing {
                    shared.report(Fault::Accept {
                        reason: e.to_string(),
                    });
                    failing = true;
                }
                tokio::select! {
                    () = stopped(&mut stop) => return,
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                }
            }
        };
        #[cfg(test)]
        if shared.crash_after_accept {
            std::panic::panic_any("injected: the accept loop fails");
        }
        // While every place is busy, the new connection waits here, unserved, and no other
        // is accepted: the system's queue holds the rest.
        let claim = tokio::select! {
            () = stopped(&mut stop) => return,
            claim = slots.claim() => claim,
        };
        tokio::spawn(connection::serve(stream, shared.clone(), claim));
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone: stop as well.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Errors of one connection that the client caused (it left before it was accepted).
fn is_the_clients(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

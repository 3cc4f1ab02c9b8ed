//! Binding, starting and stopping: the socket is bound on the caller's thread (so a taken port
//! is the caller's error at once), then served from a thread of its own.

use crate::accept;
use crate::connection::Shared;
use crate::error::{panic_message, Fault, HttpdError};
use crate::exchange::{Request, Response};
use crate::limits::Limits;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::watch;

/// A bound socket, not served yet.
#[derive(Debug)]
pub struct Listener {
    socket: std::net::TcpListener,
    addr: SocketAddr,
}

impl Listener {
    /// Listens on `addr` (port 0: a free port).
    pub fn bind(addr: SocketAddr) -> Result<Self, HttpdError> {
        let bind_error = |source| HttpdError::Bind { addr, source };
        let socket = std::net::TcpListener::bind(addr).map_err(bind_error)?;
        let addr = socket.local_addr().map_err(bind_error)?;
        Ok(Self { socket, addr })
    }

    /// The address listened on, with the real port when port 0 was asked for.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves from a thread of its own until the [`Server`] is dropped: `handler` answers each
    /// GET and HEAD; `on_fault` is told, on the server's thread, of what went wrong while
    /// serving (see [`Fault`]).
    pub fn serve(
        self,
        limits: Limits,
        handler: impl Fn(&Request<'_>) -> Response + Send + Sync + 'static,
        on_fault: impl Fn(Fault) + Send + Sync + 'static,
    ) -> Result<Server, HttpdError> {
        self.start(Shared {
            limits,
            handler: Box::new(handler),
            on_fault: Box::new(on_fault),
            #[cfg(test)]
            crash_after_accept: false,
        })
    }

    pub(crate) fn start(self, shared: Shared) -> Result<Server, HttpdError> {
        let addr = self.addr;
        let start_error = |source| HttpdError::Start { addr, source };
        self.socket.set_nonblocking(true).map_err(start_error)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(start_error)?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(self.socket).map_err(start_error)?
        };
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(shared);
        let thread = std::thread::Builder::new()
            .name("codecarbon-httpd".into())
            .spawn(move || run(runtime, listener, shared, stopped))
            .map_err(start_error)?;
        Ok(Server {
            addr,
            stop,
            thread: Some(thread),
        })
    }
}

/// The server's thread: the accept loop, and the report of its failure.
fn run(
    runtime: Runtime,
    listener: TcpListener,
    shared: Arc<Shared>,
    stopped: watch::Receiver<bool>,
) {
    let reporter = shared.clone();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(move || {
        runtime.block_on(accept::run(listener, shared, stopped));
        // Closes the listening socket and every connection.
        drop(runtime);
    }));
    if let Err(payload) = outcome {
        reporter.report(Fault::Stopped {
            reason: format!("its thread panicked: {}", panic_message(payload.as_ref())),
        });
    }
}

/// A running server; dropping it stops it and waits for its thread (at most the time the
/// handler in progress, if any, takes to answer).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address served.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// False once the server's thread has ended (after [`Fault::Stopped`]).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // An error means the thread has already ended.
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    #[test]
    fn a_panic_of_the_server_thread_is_a_fault_and_the_server_stops_without_taking_the_process() {
        let listener = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr();
        let faults = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let faults = faults.clone();
            listener
                .start(Shared {
                    limits: Limits::default(),
                    handler: Box::new(|_| Response::text(200, "x")),
                    on_fault: Box::new(move |f| faults.lock().unwrap().push(f)),
                    crash_after_accept: true,
                })
                .unwrap()
        };
        assert!(server.is_running());
        let _knock = std::net::TcpStream::connect(addr).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while server.is_running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!server.is_running());
        let faults = faults.lock().unwrap().clone();
        assert_eq!(faults.len(), 1, "{faults:?}");
        let Fault::Stopped { reason } = &faults[0] else {
            panic!("{faults:?}")
        };
        assert!(
            reason.contains("injected: the accept loop fails"),
            "{reason}"
        );
        drop(server);
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "still listening"
        );
    }
}

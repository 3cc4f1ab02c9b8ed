//! The `/metrics` endpoint: a tiny_http server on its own thread, serving the latest text.

use crate::error::PrometheusError;
use crate::exposition::CONTENT_TYPE;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use tiny_http::{Header, Method, Request, Response, Server};

/// Serves `GET /metrics` until dropped.
pub(crate) struct Exporter {
    addr: SocketAddr,
    server: Arc<Server>,
    body: Arc<RwLock<String>>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Exporter {
    /// Binds `addr` (port 0: any free port) and starts serving.
    pub(crate) fn start(addr: SocketAddr) -> Result<Self, PrometheusError> {
        let bind_error = |reason: String| PrometheusError::Bind {
            addr: addr.to_string(),
            reason,
        };
        let server = Server::http(addr).map_err(|e| bind_error(e.to_string()))?;
        let bound = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| bind_error("not an IP address".into()))?;
        let server = Arc::new(server);
        let body = Arc::new(RwLock::new(String::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let (server, body, stopping) = (server.clone(), body.clone(), stopping.clone());
            std::thread::Builder::new()
                .name("codecarbon-prometheus-exporter".into())
                .spawn(move || serve(&server, &body, &stopping))
                .map_err(|e| bind_error(format!("cannot start its thread: {e}")))?
        };
        Ok(Self {
            addr: bound,
            server,
            body,
            stopping,
            thread: Some(thread),
        })
    }

    /// The address it listens on (the real port when asked for port 0).
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces what `/metrics` answers.
    pub(crate) fn publish(&self, text: String) {
        *self.body.write().unwrap_or_else(PoisonError::into_inner) = text;
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(server: &Server, body: &RwLock<String>, stopping: &AtomicBool) {
    while !stopping.load(Ordering::SeqCst) {
        let Ok(request) = server.recv() else {
            break;
        };
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        answer(request, body);
    }
}

fn answer(request: Request, body: &RwLock<String>) {
    let path = request.url().split('?').next().unwrap_or_default();
    let get = matches!(request.method(), Method::Get | Method::Head);
    let response = match (get, path) {
        (true, "/metrics") => {
            let text = body.read().unwrap_or_else(PoisonError::into_inner).clone();
            with_type(Response::from_string(text), CONTENT_TYPE)
        }
        (true, "/") => with_type(
            Response::from_string("codecarbon exporter: metrics at /metrics\n"),
            "text/plain; charset=utf-8",
        ),
        (true, _) => {
            Response::from_string("not found: metrics are at /metrics\n").with_status_code(404)
        }
        (false, _) => Response::from_string("only GET is served\n").with_status_code(405),
    };
    // A client that went away is no concern of ours.
    let _ = request.respond(response);
}

fn with_type<R: std::io::Read>(response: Response<R>, content_type: &str) -> Response<R> {
    match Header::from_bytes("Content-Type", content_type) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

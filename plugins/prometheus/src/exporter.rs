//! The `/metrics` endpoint: codecarbon's own small server (`codecarbon-httpd`) on a thread of
//! its own, serving the latest text. A client can cost at most its own connection; what goes
//! wrong in the server is kept here and told to the engine as this output's error at the next
//! record, never an abort of the run.

use crate::error::PrometheusError;
use crate::exposition::CONTENT_TYPE;
use codecarbon_httpd::{Fault, HttpdError, Limits, Listener, Request, Response, Server};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// The faults kept between two records; the first ones tell the story.
const FAULTS_KEPT: usize = 8;

/// What answers a request, given the latest text.
pub(crate) type Answer = fn(&Request<'_>, &str) -> Response;

/// Serves `GET /metrics` until dropped.
pub(crate) struct Exporter {
    server: Server,
    body: Arc<RwLock<String>>,
    /// Faults of the server not yet told.
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl Exporter {
    /// Binds `addr` (port 0: any free port) and starts serving.
    pub(crate) fn start(addr: SocketAddr) -> Result<Self, PrometheusError> {
        Self::start_with(addr, answer)
    }

    /// [`Exporter::start`] with `answer` in place of the exporter's own: a test's way to make
    /// the server fail.
    pub(crate) fn start_with(addr: SocketAddr, answer: Answer) -> Result<Self, PrometheusError> {
        let bind_error = |e: HttpdError| PrometheusError::Bind {
            addr: addr.to_string(),
            reason: match e {
                HttpdError::Bind { source, .. } => source.to_string(),
                other => other.to_string(),
            },
        };
        let body = Arc::new(RwLock::new(String::new()));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let (body, faults) = (body.clone(), faults.clone());
            Listener::bind(addr)
                .and_then(|listener| {
                    listener.serve(
                        Limits::default(),
                        move |request| {
                            answer(
                                request,
                                &body.read().unwrap_or_else(PoisonError::into_inner),
                            )
                        },
                        move |fault| {
                            let mut faults = faults.lock().unwrap_or_else(PoisonError::into_inner);
                            if faults.len() < FAULTS_KEPT {
                                faults.push(fault);
                            }
                        },
                    )
                })
                .map_err(bind_error)?
        };
        Ok(Self {
            server,
            body,
            faults,
        })
    }

    /// The address it listens on (the real port when asked for port 0).
    pub(crate) fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Replaces what `/metrics` answers; an error tells what went wrong in the server since
    /// the last call (the text is replaced all the same), or that it no longer serves.
    pub(crate) fn publish(&self, text: String) -> Result<(), PrometheusError> {
        *self.body.write().unwrap_or_else(PoisonError::into_inner) = text;
        let faults =
            std::mem::take(&mut *self.faults.lock().unwrap_or_else(PoisonError::into_inner));
        // Its thread may not have ended yet when its last fault is read.
        let stopped =
            !self.server.is_running() || faults.iter().any(|f| matches!(f, Fault::Stopped { .. }));
        if faults.is_empty() && !stopped {
            return Ok(());
        }
        let reason = if faults.is_empty() {
            "the server stopped".to_string()
        } else {
            let told: Vec<String> = faults.iter().map(Fault::to_string).collect();
            told.join("; ")
        };
        Err(PrometheusError::Endpoint {
            addr: self.addr().to_string(),
            reason,
            stopped,
        })
    }
}

/// `/metrics`, `/` and 404; the server answers methods other than GET and HEAD itself.
fn answer(request: &Request<'_>, metrics: &str) -> Response {
    match request.path() {
        "/metrics" => Response::new(200, CONTENT_TYPE, metrics.to_string()),
        "/" => Response::text(200, "codecarbon exporter: metrics at /metrics\n"),
        _ => Response::text(404, "not found: metrics are at /metrics\n"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_testkit::client::get;

    /// The exporter's answers, except at `/boom`, where it panics.
    pub(crate) fn breaks_on_boom(request: &Request<'_>, metrics: &str) -> Response {
        if request.path() == "/boom" {
            panic!("the exporter's handler broke");
        }
        answer(request, metrics)
    }

    #[test]
    fn a_panic_in_the_server_is_this_outputs_error_once_and_the_endpoint_keeps_serving() {
        let exporter =
            Exporter::start_with("127.0.0.1:0".parse().unwrap(), breaks_on_boom).unwrap();
        let addr = exporter.addr().to_string();
        exporter.publish("m 1\n".into()).unwrap();
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);

        let err = exporter.publish("m 2\n".into()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&addr), "{text}");
        assert!(text.contains("GET /boom"), "{text}");
        assert!(text.contains("the exporter's handler broke"), "{text}");
        assert!(text.contains("still served"), "{text}");
        // The new text was published all the same, and the endpoint still answers.
        let metrics = get(&addr, "/metrics").unwrap();
        assert_eq!((metrics.status, metrics.body.as_str()), (200, "m 2\n"));
        // Told once.
        exporter.publish("m 3\n".into()).unwrap();
    }

    #[test]
    fn the_exporter_answers_head_and_refuses_other_methods() {
        let exporter = Exporter::start("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = exporter.addr().to_string();
        exporter.publish("m 1\n".into()).unwrap();
        let head = codecarbon_testkit::client::send(
            &addr,
            b"HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
        assert_eq!((head.status, head.body.as_str()), (200, ""));
        assert_eq!(head.header("content-length"), Some("4"));
        let post = codecarbon_testkit::hostile::post(&addr, "/metrics").unwrap();
        assert_eq!(post.status, 405);
        assert_eq!(post.header("allow"), Some("GET, HEAD"));
    }
}

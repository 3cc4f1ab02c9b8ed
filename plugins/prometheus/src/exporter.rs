//! The `/metrics` endpoint: codecarbon's own small server (`codecarbon-httpd`) on a thread of
//! its own, serving the latest text. A client can cost at most its own connection; what goes
//! wrong in the server is kept here and handed to the sink at the next record, which tells it
//! as a warning: never the output's failure, never an abort of the run.

use crate::error::{EndpointTrouble, PrometheusError};
use crate::exposition::CONTENT_TYPE;
use codecarbon_httpd::{Fault, HttpdError, Limits, Listener, Request, Response, Server};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// The faults kept between two records; the first ones tell the story, the rest are counted.
const FAULTS_KEPT: usize = 8;

/// What answers a request, given the latest text.
pub(crate) type Answer = fn(&Request<'_>, &str) -> Response;

/// The server's faults not told yet: the first [`FAULTS_KEPT`], and how many more.
#[derive(Debug, Default)]
struct Unseen {
    kept: Vec<Fault>,
    more: usize,
}

impl Unseen {
    fn add(&mut self, fault: Fault) {
        if self.kept.len() < FAULTS_KEPT {
            self.kept.push(fault);
        } else {
            self.more += 1;
        }
    }
}

/// Serves `GET /metrics` until dropped.
pub(crate) struct Exporter {
    server: Server,
    body: Arc<RwLock<String>>,
    unseen: Arc<Mutex<Unseen>>,
    /// Whether its end has been told: it is told once.
    told_stopped: bool,
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
        let unseen = Arc::new(Mutex::new(Unseen::default()));
        let server = {
            let (body, unseen) = (body.clone(), unseen.clone());
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
                            unseen
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .add(fault);
                        },
                    )
                })
                .map_err(bind_error)?
        };
        Ok(Self {
            server,
            body,
            unseen,
            told_stopped: false,
        })
    }

    /// The address it listens on (the real port when asked for port 0).
    pub(crate) fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Replaces what `/metrics` answers. Returns what went wrong in the server since the last
    /// call, if anything, for the user to be told: each fault once, and its end once.
    pub(crate) fn publish(&mut self, text: String) -> Option<EndpointTrouble> {
        *self.body.write().unwrap_or_else(PoisonError::into_inner) = text;
        let unseen =
            std::mem::take(&mut *self.unseen.lock().unwrap_or_else(PoisonError::into_inner));
        let running = self.server.is_running();
        self.news(unseen, running)
    }

    /// The news of `unseen` faults, given whether the server is `running`.
    fn news(&mut self, unseen: Unseen, running: bool) -> Option<EndpointTrouble> {
        // Its thread may not have ended yet when its last fault is read.
        let stopped = !running
            || unseen
                .kept
                .iter()
                .any(|f| matches!(f, Fault::Stopped { .. }));
        let stop_is_news = stopped && !self.told_stopped;
        self.told_stopped |= stopped;
        if unseen.kept.is_empty() && !stop_is_news {
            return None;
        }
        let mut told: Vec<String> = unseen.kept.iter().map(Fault::to_string).collect();
        if told.is_empty() {
            told.push("the server stopped".to_string());
        }
        if unseen.more > 0 {
            told.push(format!("and {} more", unseen.more));
        }
        Some(EndpointTrouble {
            addr: self.addr().to_string(),
            reason: told.join("; "),
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
    fn a_panic_in_the_server_is_told_once_and_the_endpoint_keeps_serving() {
        let mut exporter =
            Exporter::start_with("127.0.0.1:0".parse().unwrap(), breaks_on_boom).unwrap();
        let addr = exporter.addr().to_string();
        assert!(exporter.publish("m 1\n".into()).is_none());
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);

        let news = exporter.publish("m 2\n".into()).unwrap();
        let text = news.to_string();
        assert!(text.contains(&addr), "{text}");
        assert!(text.contains("GET /boom"), "{text}");
        assert!(text.contains("the exporter's handler broke"), "{text}");
        assert!(text.contains("still served"), "{text}");
        // The new text was published all the same, and the endpoint still answers.
        let metrics = get(&addr, "/metrics").unwrap();
        assert_eq!((metrics.status, metrics.body.as_str()), (200, "m 2\n"));
        // Told once.
        assert!(exporter.publish("m 3\n".into()).is_none());
    }

    fn stopped(reason: &str) -> Fault {
        Fault::Stopped {
            reason: reason.into(),
        }
    }

    #[test]
    fn the_end_of_the_server_is_told_once_however_it_is_seen() {
        let mut exporter = Exporter::start("127.0.0.1:0".parse().unwrap()).unwrap();
        // Its thread ended without a word (the report lost): told at the first look only.
        let news = exporter.news(Unseen::default(), false).unwrap().to_string();
        assert!(news.contains("stopped: the server stopped"), "{news}");
        assert!(news.contains("can no longer scrape"), "{news}");
        for _ in 0..3 {
            assert!(exporter.news(Unseen::default(), false).is_none());
        }

        // Its fault read before its thread has ended, then the end seen: told once.
        let mut exporter = Exporter::start("127.0.0.1:0".parse().unwrap()).unwrap();
        let mut unseen = Unseen::default();
        unseen.add(stopped("its thread panicked: boom"));
        let news = exporter.news(unseen, true).unwrap().to_string();
        assert!(news.contains("its thread panicked: boom"), "{news}");
        assert!(exporter.news(Unseen::default(), false).is_none());
    }

    #[test]
    fn faults_beyond_those_kept_are_counted_not_dropped() {
        let mut exporter = Exporter::start("127.0.0.1:0".parse().unwrap()).unwrap();
        let mut unseen = Unseen::default();
        for i in 0..FAULTS_KEPT + 3 {
            unseen.add(Fault::Accept {
                reason: format!("reason {i}"),
            });
        }
        let news = exporter.news(unseen, true).unwrap().to_string();
        assert!(news.contains("reason 0"), "{news}");
        assert!(
            news.contains(&format!("reason {}", FAULTS_KEPT - 1)),
            "{news}"
        );
        assert!(!news.contains(&format!("reason {FAULTS_KEPT}")), "{news}");
        assert!(news.contains("; and 3 more"), "{news}");
        assert!(news.contains("still served"), "{news}");
    }

    #[test]
    fn the_exporter_answers_head_and_refuses_other_methods() {
        let mut exporter = Exporter::start("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = exporter.addr().to_string();
        assert!(exporter.publish("m 1\n".into()).is_none());
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

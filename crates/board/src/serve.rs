//! `codecarbon board`'s web server: 127.0.0.1 only, the page at `/`, its data at
//! `/model.json`; the files are read again when they change, so a reload shows new runs.
//!
//! It is codecarbon's own small server (`codecarbon-httpd`): GET and HEAD only, no request
//! body, bounded heads and connections, timeouts. It answers only requests whose `Host` is a
//! loopback name (`127.0.0.1`, `localhost`, `[::1]`, with any port): a web page that makes its
//! own name resolve to 127.0.0.1 (DNS rebinding) is refused, and cannot read the dashboard.

use crate::board::Board;
use crate::error::BoardError;
use crate::html::CONTENT_SECURITY_POLICY;
use codecarbon_httpd::{Bytes, Fault, HttpdError, Limits, Listener, Request, Response};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long a request that arrives between [`Server::bind`] and [`Server::serve`] waits for the
/// board before it is answered 503.
const BOARD_WAIT: Duration = Duration::from_secs(10);

/// The board being shown, and its page, built once per reading of the files.
struct Shown {
    board: Board,
    page: Option<Bytes>,
}

impl Shown {
    fn new(board: Board) -> Self {
        let page = board.html().ok().map(Bytes::from);
        Self { board, page }
    }
}

/// What the server's thread tells the thread in [`Server::serve`].
enum Event {
    /// The files changed and were read again.
    Reloaded,
    /// Something went wrong in the server.
    Fault(Fault),
}

/// The board once [`Server::serve`] gives it; requests wait on the condition until then.
#[derive(Default)]
struct State {
    shown: Mutex<Option<Shown>>,
    given: Condvar,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Option<Shown>> {
        self.shown.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A listening server: it answers once [`Server::serve`] gives it the board.
pub struct Server {
    http: codecarbon_httpd::Server,
    state: Arc<State>,
    events: Receiver<Event>,
    port: u16,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("port", &self.port).finish()
    }
}

impl Server {
    /// Listens on 127.0.0.1:`port`, or on a free port for `None`.
    pub fn bind(port: Option<u16>) -> Result<Self, BoardError> {
        let asked = port.unwrap_or(0);
        let bind_error = |e: HttpdError| BoardError::Bind {
            port: asked,
            message: match e {
                HttpdError::Bind { source, .. } => source.to_string(),
                other => other.to_string(),
            },
        };
        let listener =
            Listener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, asked))).map_err(bind_error)?;
        let port = listener.local_addr().port();
        let state = Arc::new(State::default());
        let (tell, events) = mpsc::channel();
        let http = {
            let (state, reloaded) = (state.clone(), tell.clone());
            listener
                .serve(
                    Limits::default(),
                    move |request| answer(request, &state, &reloaded),
                    move |fault| {
                        let _ = tell.send(Event::Fault(fault));
                    },
                )
                .map_err(bind_error)?
        };
        Ok(Self {
            http,
            state,
            events,
            port,
        })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The dashboard's address, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Serves `board` until the process ends (Ctrl-C). `on_reload` gets the board each time
    /// the files changed and were read again (for the terminal's summary).
    pub fn serve(self, board: Board, on_reload: impl Fn(&Board)) {
        self.serve_reporting(board, on_reload, |_| {});
    }

    /// [`Server::serve`], with `on_problem` told what went wrong in the server (a request it
    /// could not answer, connections it cannot accept, its end); it returns only if the server
    /// stops. Both callbacks run on the calling thread.
    pub fn serve_reporting(
        self,
        board: Board,
        on_reload: impl Fn(&Board),
        on_problem: impl Fn(&str),
    ) {
        *self.state.lock() = Some(Shown::new(board));
        self.state.given.notify_all();
        // Ends when the server's thread has ended, and with it every sender.
        for event in &self.events {
            match event {
                Event::Reloaded => {
                    if let Some(shown) = self.state.lock().as_ref() {
                        on_reload(&shown.board);
                    }
                }
                Event::Fault(fault) => on_problem(&fault.to_string()),
            }
        }
        drop(self.http);
    }
}

/// Whether `host` (a `Host` header) names this machine's loopback: `127.0.0.1`, `localhost` or
/// `[::1]`, with or without a port.
fn is_loopback(host: &str) -> bool {
    // The name, and what follows it: nothing, or `:PORT`.
    let (name, rest) = match host.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some(split) => split,
            None => return false,
        },
        None => host.find(':').map_or((host, ""), |i| host.split_at(i)),
    };
    let port_ok = rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|p| p.parse::<u16>().is_ok());
    port_ok
        && ["127.0.0.1", "localhost", "::1"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
}

fn answer(request: &Request<'_>, state: &State, reloaded: &Sender<Event>) -> Response {
    if !request.header("host").is_some_and(is_loopback) {
        return with_headers(Response::text(
            403,
            "refused: this dashboard answers only requests addressed to 127.0.0.1, localhost \
             or [::1] (the Host header names another host)\n",
        ));
    }
    let guard = state.lock();
    let (mut guard, _) = state
        .given
        .wait_timeout_while(guard, BOARD_WAIT, |shown| shown.is_none())
        .unwrap_or_else(PoisonError::into_inner);
    let Some(shown) = guard.as_mut() else {
        return with_headers(Response::text(503, "the dashboard is not ready yet\n"));
    };
    if shown.board.changed() {
        if let Ok(fresh) = Board::load(shown.board.paths()) {
            *shown = Shown::new(fresh);
            // Nobody listens only once `serve` has returned: nothing left to tell.
            let _ = reloaded.send(Event::Reloaded);
        }
    }
    with_headers(respond(request.path(), shown))
}

fn respond(path: &str, shown: &Shown) -> Response {
    match (path, &shown.page) {
        ("/" | "/index.html", Some(page)) => {
            Response::new(200, "text/html; charset=utf-8", page.clone())
        }
        ("/" | "/index.html", None) => {
            Response::text(500, "the page could not be built; see the terminal")
        }
        ("/model.json", _) => match serde_json::to_string(shown.board.model()) {
            Ok(json) => Response::new(200, "application/json", json),
            Err(e) => Response::text(500, e.to_string()),
        },
        _ => Response::text(404, "not found"),
    }
}

/// The headers of every answer. The server gives a length, never chunks: the simplest clients
/// (a test's socket, `nc`) read it whole.
fn with_headers(response: Response) -> Response {
    response
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn only_loopback_hosts_are_accepted() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost",
            "LOCALHOST:1",
            "[::1]",
            "[::1]:65535",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.",
            "127.0.0.2",
            "0.0.0.0",
            "[::1]x",
            "[::1]:99999",
            "localhost:port",
            "127.0.0.1:80:80",
            "::1",
            "[::2]",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}

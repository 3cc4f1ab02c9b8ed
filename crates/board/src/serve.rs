//! `codecarbon board`'s web server: 127.0.0.1 only, the page at `/`, its data at
//! `/model.json`; the files are read again when they change, so a reload shows new runs.
//!
//! It is codecarbon's own small server (`codecarbon-httpd`): GET and HEAD only, no request
//! body, bounded heads and connections, timeouts. It answers only requests whose `Host` is a
//! loopback name (`127.0.0.1`, `localhost`, `[::1]`, with any port): a web page that makes its
//! own name resolve to 127.0.0.1 (DNS rebinding) is refused, and cannot read the dashboard.
//!
//! The server has one thread, so nothing on it waits for anything but the files: it starts
//! only once it has the board, and what it tells the terminal (a new reading's summary, a
//! fault) is printed by the caller's thread, which holds nothing the server needs.

use crate::board::Board;
use crate::error::BoardError;
use crate::html::CONTENT_SECURITY_POLICY;
use codecarbon_httpd::{Bytes, Fault, HttpdError, Limits, Listener, Request, Response};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The board being shown, and its page, built once per reading of the files.
struct Shown {
    /// Shared with the thread in [`Server::serve`], which tells the terminal about it without
    /// holding the lock.
    board: Arc<Board>,
    page: Option<Bytes>,
    /// How many times the files were read again: the terminal is told of each reading once.
    reading: u64,
}

impl Shown {
    fn new(board: Board, reading: u64) -> Self {
        let page = board.html().ok().map(Bytes::from);
        Self {
            board: Arc::new(board),
            page,
            reading,
        }
    }
}

/// What the server's thread tells the thread in [`Server::serve`].
enum Event {
    /// The files changed and were read again.
    Reloaded,
    /// Something went wrong in the server.
    Fault(Fault),
}

/// The board, shared by the server's thread (which answers with it, and reads the files again)
/// and the thread in [`Server::serve`]. Held only to answer or to take the board: never while
/// anything is printed, so that a terminal that blocks (paused, a pager not scrolled) never
/// stops the server.
type State = Arc<Mutex<Shown>>;

fn lock(state: &State) -> MutexGuard<'_, Shown> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A bound port, served once [`Server::serve`] gives it the board. A request that arrives
/// before then waits in the system's queue of connections, and is answered as soon as it
/// serves: nothing of the server runs, waits or holds a thread until it has the board.
pub struct Server {
    listener: Listener,
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
        let listener =
            Listener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, asked))).map_err(|e| {
                BoardError::Bind {
                    port: asked,
                    message: match e {
                        HttpdError::Bind { source, .. } => source.to_string(),
                        other => other.to_string(),
                    },
                }
            })?;
        let port = listener.local_addr().port();
        Ok(Self { listener, port })
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
    /// could not answer, connections it cannot accept, its end, or that it cannot start); it
    /// returns only if the server stops. Both callbacks run on the calling thread, never
    /// holding anything the server needs: a callback that blocks (a terminal that does not
    /// take its output) delays only the next callback, never an answer.
    pub fn serve_reporting(
        self,
        board: Board,
        on_reload: impl Fn(&Board),
        on_problem: impl Fn(&str),
    ) {
        let state: State = Arc::new(Mutex::new(Shown::new(board, 0)));
        let (tell, events) = mpsc::channel();
        let http = {
            let (state, reloaded) = (state.clone(), tell.clone());
            self.listener.serve(
                Limits::default(),
                move |request| answer(request, &state, &reloaded),
                move |fault| {
                    let _ = tell.send(Event::Fault(fault));
                },
            )
        };
        let http = match http {
            Ok(http) => http,
            Err(e) => return on_problem(&e.to_string()),
        };
        let mut told = 0;
        // Ends when the server's thread has ended, and with it every sender.
        for event in &events {
            match event {
                Event::Reloaded => {
                    // Only the board is taken under the lock; the callback runs without it.
                    let (board, reading) = {
                        let shown = lock(&state);
                        (shown.board.clone(), shown.reading)
                    };
                    // Readings that came while the terminal was not taking lines are told
                    // once, with the latest board.
                    if reading > told {
                        told = reading;
                        on_reload(&board);
                    }
                }
                Event::Fault(fault) => on_problem(&fault.to_string()),
            }
        }
        drop(http);
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
    let mut shown = lock(state);
    if shown.board.changed() {
        if let Ok(fresh) = shown.board.reload() {
            let reading = shown.reading + 1;
            *shown = Shown::new(fresh, reading);
            // Nobody listens only once `serve` has returned: nothing left to tell.
            let _ = reloaded.send(Event::Reloaded);
        }
    }
    with_headers(respond(request.path(), &shown))
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

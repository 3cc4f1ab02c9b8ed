//! `codecarbon board`'s web server: 127.0.0.1 only, the page at `/`, its data at
//! `/model.json`; the files are read again when they change, so a reload shows new runs.

use crate::board::Board;
use crate::error::BoardError;
use crate::html::CONTENT_SECURITY_POLICY;
use tiny_http::{Header, Request, Response, Server as Http};

/// A bound, not yet serving, server.
pub struct Server {
    http: Http,
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
        let http = Http::http(("127.0.0.1", asked)).map_err(|e| BoardError::Bind {
            port: asked,
            message: e.to_string(),
        })?;
        let port = http
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| BoardError::Bind {
                port: asked,
                message: "the socket has no IP address".into(),
            })?;
        Ok(Self { http, port })
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
    pub fn serve(self, mut board: Board, on_reload: impl Fn(&Board)) {
        let mut page = board.html().ok();
        for request in self.http.incoming_requests() {
            if board.changed() {
                if let Ok(fresh) = Board::load(board.paths()) {
                    on_reload(&fresh);
                    board = fresh;
                    page = board.html().ok();
                }
            }
            respond(request, &board, page.as_deref());
        }
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(request: Request, board: &Board, page: Option<&str>) {
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    let (status, kind, body) = match (path.as_str(), page) {
        ("/" | "/index.html", Some(page)) => (200, "text/html; charset=utf-8", page.to_string()),
        ("/model.json", _) => match serde_json::to_string(board.model()) {
            Ok(json) => (200, "application/json", json),
            Err(e) => (500, "text/plain; charset=utf-8", e.to_string()),
        },
        ("/" | "/index.html", None) => (
            500,
            "text/plain; charset=utf-8",
            "the page could not be built; see the terminal".to_string(),
        ),
        _ => (404, "text/plain; charset=utf-8", "not found".to_string()),
    };
    // A length, never chunks: the simplest clients (a test's socket, `nc`) read it whole.
    let mut response = Response::from_data(body.into_bytes())
        .with_status_code(status)
        .with_chunked_threshold(usize::MAX);
    for (name, value) in [
        ("Content-Type", kind),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ] {
        if let Some(h) = header(name, value) {
            response.add_header(h);
        }
    }
    // A client that went away is no concern of the server's.
    let _ = request.respond(response);
}

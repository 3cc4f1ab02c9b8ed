//! One connection: hyper's HTTP/1.1 with the limits, and the gate in front of the handler
//! (method, body, panics).

use crate::error::{panic_message, Fault};
use crate::exchange::{Method, Request, Response};
use crate::limits::Limits;
use crate::slots::Claim;
use crate::timed_io::TimedIo;
use http_body_util::Full;
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{
    HeaderName, HeaderValue, ALLOW, CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::net::TcpStream;

/// A handler, as the server keeps it.
pub(crate) type Handler = dyn Fn(&Request<'_>) -> Response + Send + Sync;
/// Where faults go, as the server keeps it.
pub(crate) type FaultSink = dyn Fn(Fault) + Send + Sync;

/// What every connection of a server shares.
pub(crate) struct Shared {
    pub(crate) limits: Limits,
    pub(crate) handler: Box<Handler>,
    pub(crate) on_fault: Box<FaultSink>,
    /// A test's way to fail the server thread outside any handler.
    #[cfg(test)]
    pub(crate) crash_after_accept: bool,
}

impl Shared {
    /// Tells the caller; a callback that panics loses its fault, not the server.
    pub(crate) fn report(&self, fault: Fault) {
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| (self.on_fault)(fault)));
    }
}

/// Serves `stream` until the client leaves, a limit ends it, or its place is claimed.
pub(crate) async fn serve(stream: TcpStream, shared: Arc<Shared>, claim: Claim) {
    let _ = stream.set_nodelay(true);
    let limits = shared.limits;
    let slot = claim.slot().clone();
    let io = TimedIo::new(TokioIo::new(stream), limits.write_timeout, slot.clone());
    let service = {
        let slot = slot.clone();
        service_fn(move |request| {
            slot.set_busy();
            let response = answer(&shared, &request);
            std::future::ready(Ok::<_, Infallible>(response))
        })
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout)
        .max_buf_size(limits.max_head_bytes.max(Limits::MIN_HEAD_BYTES))
        .max_headers(limits.max_headers)
        .writev(true)
        .serve_connection(io, service);
    // Errors (a client gone, a head too large or too slow, a response not read in time) end
    // the connection and concern no one else.
    tokio::select! {
        _ = connection => {}
        () = slot.evicted() => {}
    }
    drop(claim);
}

/// The answer to one request: refused at the gate, or the handler's.
fn answer(shared: &Shared, request: &hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    // A body is never read. One announced is refused, and the connection closed after the
    // answer, so that its bytes are never taken for the next request.
    let body = request.body();
    let has_body = !body.is_end_stream();
    let method = match *request.method() {
        hyper::Method::GET => Method::Get,
        hyper::Method::HEAD => Method::Head,
        _ => {
            let mut refusal = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "only GET and HEAD are served\n",
                has_body,
            );
            refusal
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return refusal;
        }
    };
    if has_body {
        return match body.size_hint().exact() {
            Some(_) => refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "a GET or HEAD request has no body here: send it without Content-Length\n",
                true,
            ),
            None => refuse(
                StatusCode::BAD_REQUEST,
                "a GET or HEAD request has no body here: send it without Transfer-Encoding\n",
                true,
            ),
        };
    }
    let path = request.uri().path();
    let seen = Request::new(method, path, request.uri().query(), request.headers());
    let given = match std::panic::catch_unwind(AssertUnwindSafe(|| (shared.handler)(&seen))) {
        Ok(given) => given,
        Err(payload) => {
            shared.report(Fault::HandlerPanicked {
                method,
                path: path.to_string(),
                message: panic_message(payload.as_ref()),
            });
            return failed();
        }
    };
    match to_hyper(given) {
        Ok(response) => response,
        Err(reason) => {
            shared.report(Fault::BadResponse {
                method,
                path: path.to_string(),
                reason,
            });
            failed()
        }
    }
}

fn to_hyper(response: Response) -> Result<hyper::Response<Full<Bytes>>, String> {
    let (status, headers, body) = response.into_parts();
    let status =
        StatusCode::from_u16(status).map_err(|_| format!("{status} is not an HTTP status"))?;
    let mut out = hyper::Response::new(Full::new(body));
    *out.status_mut() = status;
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("{name:?} is not a header name"))?;
        if [CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(&name) {
            continue;
        }
        let value = HeaderValue::from_str(&value)
            .map_err(|_| format!("the value of {name} is not visible ASCII"))?;
        out.headers_mut().append(name, value);
    }
    Ok(out)
}

/// A plain-text refusal; `close` ends the connection after it.
fn refuse(status: StatusCode, text: &'static str, close: bool) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *out.status_mut() = status;
    out.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if close {
        out.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    out
}

/// The answer when the handler failed.
fn failed() -> hyper::Response<Full<Bytes>> {
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: this request could not be answered; the program reports why\n",
        false,
    )
}

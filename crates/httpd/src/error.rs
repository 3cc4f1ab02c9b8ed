//! What can go wrong: at start, an error the caller gets back; while serving, a fault the caller
//! is told of and the server survives (or, for [`Fault::Stopped`], the end of serving).

use crate::exchange::Method;
use std::net::SocketAddr;
use thiserror::Error;

/// Why a server could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HttpdError {
    /// The address cannot be listened on (taken, not this machine's, not allowed).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The listening socket is bound but the server cannot run (no thread, no runtime).
    #[error("cannot start serving on {addr}: {source}")]
    Start {
        /// The address listened on.
        addr: SocketAddr,
        /// The system's reason.
        source: std::io::Error,
    },
}

/// Something the server could not do while serving. Each is told once, when it happens; the
/// server goes on serving, except after [`Fault::Stopped`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Fault {
    /// The handler panicked; the client was answered 500.
    #[error("the handler panicked answering {method} {path}: {message}; the client got HTTP 500")]
    HandlerPanicked {
        /// The request's method.
        method: Method,
        /// The request's path.
        path: String,
        /// The panic's message.
        message: String,
    },
    /// The handler's answer is not valid HTTP (a status out of range, a header that cannot be
    /// sent); the client was answered 500.
    #[error("the answer to {method} {path} cannot be sent: {reason}; the client got HTTP 500")]
    BadResponse {
        /// The request's method.
        method: Method,
        /// The request's path.
        path: String,
        /// What is wrong with the answer.
        reason: String,
    },
    /// Connections cannot be accepted (out of file descriptors, ...): the server retries, and
    /// tells this once until an accept succeeds again.
    #[error("cannot accept connections: {reason}; retrying")]
    Accept {
        /// The system's reason.
        reason: String,
    },
    /// The server's thread failed (a panic outside any handler): nothing is served any more.
    #[error("the server stopped: {reason}")]
    Stopped {
        /// What happened.
        reason: String,
    },
}

/// The message of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

//! A small HTTP/1.1 server for codecarbon's own endpoints (the `/metrics` exporter of
//! `codecarbon monitor --prometheus-listen`, the page of `codecarbon board`), with limits.
//!
//! These servers run beside a measurement that must not be lost, so a client, hostile or
//! broken, can cost at most its own connection:
//!
//! - **GET and HEAD only**: any other method is answered 405 with `Allow: GET, HEAD`.
//! - **No request body is ever read**: a request that announces one (`Content-Length` above 0,
//!   or `Transfer-Encoding`) is answered 413 or 400 and its connection closed; nothing is
//!   allocated for it, whatever length it claims.
//! - **Bounded request heads**: at most [`Limits::max_head_bytes`] and [`Limits::max_headers`];
//!   a larger head is answered 431 (or its connection closed) before it is read further.
//! - **Bounded connections**: at most [`Limits::max_connections`] are served at once. When all
//!   are taken, a new one takes the place of the oldest connection that is waiting for a
//!   request (idle, or sending its head); failing that, of the one whose answer has been stuck
//!   longest, for over a second, because its client does not read (so clients that pipeline
//!   requests and never read cannot keep every place until the write timeout); when every one
//!   is busy answering and being read, the new one waits in the system's queue until one is
//!   done. No task, buffer or thread grows with the number of clients.
//! - **Timeouts**: a request head must arrive whole within [`Limits::head_timeout`] of the
//!   connection's opening or of its previous response (so neither a slowloris nor an idle
//!   keep-alive connection holds a place), and a response must be written whole within
//!   [`Limits::write_timeout`] (so a client that never reads cannot pin one).
//!
//! The server runs on its own thread with its own single-threaded tokio runtime, so it works
//! the same under any caller (a plain `main`, a tokio runtime, a sampler thread). A handler is a
//! plain function of the request's method, path and headers to a [`Response`], called on that
//! thread, one request at a time: keep it short. A handler that panics is answered 500; that, and
//! anything else the server could not do, reaches the caller as a [`Fault`] through the callback
//! given to [`Listener::serve`]: nothing is printed, nothing aborts the process. Dropping the
//! [`Server`] stops it at once and joins its thread.
//!
//! ```
//! use codecarbon_httpd::{Limits, Listener, Response};
//!
//! let listener = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
//! let addr = listener.local_addr();
//! let server = listener
//!     .serve(
//!         Limits::default(),
//!         |request| match request.path() {
//!             "/" => Response::text(200, "hello\n"),
//!             _ => Response::text(404, "not found\n"),
//!         },
//!         |fault| {
//!             // Hand it to whatever reports the program's warnings.
//!             let _ = fault;
//!         },
//!     )
//!     .unwrap();
//! assert_eq!(server.local_addr(), addr);
//! drop(server); // stops serving and joins the thread
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-httpd`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod accept;
mod connection;
mod error;
mod exchange;
mod limits;
mod server;
mod slots;
mod timed_io;

pub use error::{Fault, HttpdError};
pub use exchange::{Method, Request, Response};
pub use hyper::body::Bytes;
pub use limits::Limits;
pub use server::{Listener, Server};

//! Each limit of the server, over real sockets on 127.0.0.1, with the requests of
//! `codecarbon_testkit::hostile`. Every wait is bounded; a test of a timeout shortens that one
//! so that it takes a few seconds, and the others are made long enough to stay out of its way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_httpd::{Fault, HttpdError, Limits, Listener, Method, Response, Server};
use codecarbon_testkit::client::{get, send};
use codecarbon_testkit::hostile;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A body larger than any socket buffer of the loopback interface.
const BIG: usize = 64 * 1024 * 1024;

struct Running {
    server: Server,
    addr: String,
    calls: Arc<AtomicUsize>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl Running {
    fn start(limits: Limits) -> Self {
        let listener = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().to_string();
        let calls = Arc::new(AtomicUsize::new(0));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let (calls, faults) = (calls.clone(), faults.clone());
            listener
                .serve(
                    limits,
                    move |request| {
                        calls.fetch_add(1, Ordering::SeqCst);
                        match request.path() {
                            "/" => Response::text(200, format!("hello {}\n", request.method())),
                            "/panic" => panic!("the handler broke"),
                            "/big" => {
                                Response::new(200, "application/octet-stream", vec![b'x'; BIG])
                            }
                            "/bad-status" => Response::text(1000, "no such status"),
                            "/bad-header" => {
                                Response::text(200, "x").with_header("X-Bad", "line\nbreak")
                            }
                            "/length" => {
                                Response::text(200, "four").with_header("Content-Length", "99")
                            }
                            _ => Response::text(404, "not found\n"),
                        }
                    },
                    move |fault| faults.lock().unwrap().push(fault),
                )
                .unwrap()
        };
        Self {
            server,
            addr,
            calls,
            faults,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn faults(&self) -> Vec<Fault> {
        self.faults.lock().unwrap().clone()
    }

    /// A normal client still gets its answer.
    fn assert_serves(&self) {
        let answer = get(&self.addr, "/").expect("no answer to a plain GET");
        assert_eq!((answer.status, answer.body.as_str()), (200, "hello GET\n"));
    }
}

/// Timeouts longer than any test takes (30 s, where the default head timeout is 10 s), so that
/// a test of one limit never sees a timeout end a connection it holds open.
fn long_timeouts() -> Limits {
    Limits {
        head_timeout: Duration::from_secs(30),
        write_timeout: Duration::from_secs(30),
        ..Limits::default()
    }
}

#[test]
fn get_and_head_are_answered_with_a_length_and_head_without_the_body() {
    let s = Running::start(long_timeouts());
    let answer = get(&s.addr, "/").unwrap();
    assert_eq!(answer.header("content-length"), Some("10"));
    assert_eq!(
        answer.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(answer.header("transfer-encoding").is_none());
    let head = send(
        &s.addr,
        format!(
            "HEAD / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            s.addr
        )
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("11"), "{head:?}");
    assert_eq!(head.body, "");
    // A Content-Length of the handler's own is not sent: the body's length is.
    let length = get(&s.addr, "/length").unwrap();
    assert_eq!(
        (length.header("content-length"), length.body.as_str()),
        (Some("4"), "four")
    );
    // A GET that says Content-Length: 0 has no body: it is served.
    let zero = send(
        &s.addr,
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(zero.status, 200);
    assert!(s.faults().is_empty(), "{:?}", s.faults());
}

#[test]
fn other_methods_are_405_with_allow_and_the_handler_is_not_called() {
    let s = Running::start(long_timeouts());
    let post = hostile::post(&s.addr, "/").unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(post.header("connection"), Some("close"), "{post:?}");
    for method in ["PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"] {
        let path = if method == "CONNECT" {
            "127.0.0.1:1"
        } else {
            "/"
        };
        let answer = hostile::with_host(&s.addr, method, path, Some("127.0.0.1")).unwrap();
        assert_eq!(answer.status, 405, "{method}: {answer:?}");
    }
    assert_eq!(s.calls(), 0);
    s.assert_serves();
}

#[test]
fn a_request_body_is_never_read_whatever_length_it_claims() {
    let s = Running::start(long_timeouts());
    let started = Instant::now();
    let huge = hostile::huge_content_length(&s.addr, "/").unwrap();
    assert_eq!(huge.status, 413, "{huge:?}");
    assert_eq!(huge.header("connection"), Some("close"));
    let chunked = hostile::chunked_body(&s.addr, "/").unwrap();
    assert_eq!(chunked.status, 400, "{chunked:?}");
    assert_eq!(chunked.header("connection"), Some("close"));
    // The server closed both at once: the client did not wait for its read timeout.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(s.calls(), 0);
    s.assert_serves();
}

#[test]
fn a_head_over_the_limit_is_refused_before_it_is_read_and_one_under_it_is_served() {
    let limits = Limits {
        max_head_bytes: 16 * 1024,
        ..long_timeouts()
    };
    let s = Running::start(limits);
    let over = hostile::oversized_head(&s.addr, "/", 20 * 1024).unwrap();
    assert_eq!(over.status, 431, "{over:?}");
    // 431, or the connection closed while the client still writes (a reset): never served.
    if let Some(answer) = hostile::oversized_head(&s.addr, "/", 1024 * 1024) {
        assert_eq!(answer.status, 431, "{answer:?}");
    }
    assert_eq!(s.calls(), 0);
    let under = hostile::oversized_head(&s.addr, "/", 12 * 1024).unwrap();
    assert_eq!(under.status, 200);
    s.assert_serves();
}

#[test]
fn too_many_header_fields_are_refused() {
    let s = Running::start(Limits {
        max_headers: 8,
        ..long_timeouts()
    });
    let mut request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        s.addr
    );
    for i in 0..20 {
        request.push_str(&format!("X-{i}: {i}\r\n"));
    }
    request.push_str("\r\n");
    if let Some(answer) = send(&s.addr, request.as_bytes()) {
        assert_eq!(answer.status, 431, "{answer:?}");
    }
    assert_eq!(s.calls(), 0);
    s.assert_serves();
}

#[test]
fn a_slowloris_and_an_idle_keep_alive_connection_are_closed_at_the_head_timeout() {
    let s = Running::start(Limits {
        head_timeout: Duration::from_millis(400),
        ..long_timeouts()
    });
    // No clock starts before this: each connection's opens after it.
    let started = Instant::now();
    let mut slow = hostile::slowloris(&s.addr, "/").unwrap();
    let mut idle = hostile::idle_connections(&s.addr, 1).pop().unwrap();
    // One request answered, then the connection stays open and says nothing more.
    let mut kept = codecarbon_testkit::client::connect(&s.addr).unwrap();
    std::io::Write::write_all(&mut kept, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(hostile::closed_within(&mut slow, Duration::from_secs(5)));
    assert!(hostile::closed_within(&mut idle, Duration::from_secs(5)));
    assert!(hostile::closed_within(&mut kept, Duration::from_secs(5)));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400),
        "closed too early: {took:?}"
    );
    assert_eq!(s.calls(), 1);
    s.assert_serves();
}

#[test]
fn beyond_the_connection_bound_the_oldest_waiting_connections_give_way() {
    let s = Running::start(Limits {
        max_connections: 4,
        ..long_timeouts()
    });
    let mut held = hostile::idle_connections(&s.addr, 12);
    held.push(hostile::slowloris(&s.addr, "/").unwrap());
    // Served at once, not after the 30 s head timeout of the connections held.
    let started = Instant::now();
    s.assert_serves();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // At most 4 were ever served at once: the others were closed to make room.
    let closed = held
        .iter_mut()
        .map(|c| hostile::closed_within(c, Duration::from_millis(300)))
        .filter(|closed| *closed)
        .count();
    assert!(
        closed >= held.len() - 4,
        "{closed} of {} closed",
        held.len()
    );
}

/// Waits (at most 5 s) until the handler has been called `n` times.
fn until_called(s: &Running, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.calls() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(s.calls(), n);
}

#[test]
fn a_client_that_never_reads_is_cut_off_at_the_write_timeout() {
    // Places to spare: nothing but the write timeout ends the connection.
    let s = Running::start(Limits {
        write_timeout: Duration::from_secs(1),
        ..long_timeouts()
    });
    let mut stuck: TcpStream = hostile::never_reads(&s.addr, "/big", 1).unwrap();
    until_called(&s, 1);
    std::thread::sleep(Duration::from_millis(1500));
    // Read only now: the answer was cut off, far less than the 64 MiB arrives.
    let mut got = Vec::new();
    let _ = std::io::Read::read_to_end(&mut stuck, &mut got);
    assert!(got.len() < BIG, "the whole answer arrived");
    s.assert_serves();
}

#[test]
fn clients_that_never_read_cannot_keep_every_place_until_the_write_timeout() {
    // Every place taken by a client that asked and does not read its answer; the write
    // timeout (30 s) is far off.
    let s = Running::start(Limits {
        max_connections: 2,
        ..long_timeouts()
    });
    let mut stuck: Vec<TcpStream> = (0..2)
        .map(|_| hostile::never_reads(&s.addr, "/big", 1).unwrap())
        .collect();
    until_called(&s, 2);
    // Served in about a second, once a stuck one has been stuck that long.
    let started = Instant::now();
    s.assert_serves();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let closed = stuck
        .iter_mut()
        .map(|c| hostile::closed_within(c, Duration::from_secs(2)))
        .filter(|closed| *closed)
        .count();
    assert!(closed >= 1, "no stuck connection gave its place");
    assert!(s.faults().is_empty(), "{:?}", s.faults());
}

#[test]
fn a_handler_that_panics_or_answers_nonsense_is_a_500_and_a_fault_not_a_crash() {
    let s = Running::start(long_timeouts());
    let answer = get(&s.addr, "/panic").unwrap();
    assert_eq!(answer.status, 500);
    assert!(answer.body.contains("internal error"), "{}", answer.body);
    assert_eq!(get(&s.addr, "/bad-status").unwrap().status, 500);
    assert_eq!(get(&s.addr, "/bad-header").unwrap().status, 500);
    s.assert_serves();
    let faults = s.faults();
    assert_eq!(faults.len(), 3, "{faults:?}");
    assert_eq!(
        faults[0],
        Fault::HandlerPanicked {
            method: Method::Get,
            path: "/panic".into(),
            message: "the handler broke".into()
        }
    );
    assert!(
        faults[0].to_string().contains("GET /panic"),
        "{}",
        faults[0]
    );
    assert!(matches!(&faults[1], Fault::BadResponse { reason, .. } if reason.contains("1000")));
    assert!(matches!(&faults[2], Fault::BadResponse { reason, .. } if reason.contains("x-bad")));
    assert!(s.server.is_running());
}

#[test]
fn dropping_the_server_stops_it_at_once_with_connections_open() {
    let s = Running::start(long_timeouts());
    let addr = s.addr.clone();
    let _slow = hostile::slowloris(&addr, "/").unwrap();
    let _idle = hostile::idle_connections(&addr, 3);
    let _stuck = hostile::never_reads(&addr, "/big", 1).unwrap();
    s.assert_serves();
    let started = Instant::now();
    drop(s);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(TcpStream::connect(&addr).is_err(), "still listening");
}

#[test]
fn a_taken_address_is_an_error_naming_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = Listener::bind(addr).unwrap_err();
    assert!(matches!(err, HttpdError::Bind { .. }), "{err:?}");
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

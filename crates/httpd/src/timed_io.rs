//! A connection's socket with a deadline on each response: hyper has a timeout for reading a
//! request head but none for writing, so a client that never reads would hold its connection
//! (and its place) for ever.
//!
//! A response starts with the first write after the previous flush and ends with the flush
//! that follows it: hyper writes a whole response (head and body, one buffer each; the server
//! asks for vectored writes) before it flushes. A write or flush still blocked at the deadline
//! fails with `TimedOut`, which ends the connection.
//!
//! It also tells the connection's slot when a write blocks and when one goes through, so that
//! a full server can take the place of a client that stopped reading long before the deadline.

use crate::slots::Slot;
use hyper::rt::{Read, ReadBufCursor, Write};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// `inner` with a write deadline per response; it marks `slot` waiting when a response is
/// written, and stalled while a write is blocked.
pub(crate) struct TimedIo<T> {
    inner: T,
    write_timeout: Duration,
    /// Armed while a response is being written.
    deadline: Option<Pin<Box<Sleep>>>,
    slot: Arc<Slot>,
}

impl<T> TimedIo<T> {
    pub(crate) fn new(inner: T, write_timeout: Duration, slot: Arc<Slot>) -> Self {
        Self {
            inner,
            write_timeout,
            deadline: None,
            slot,
        }
    }

    fn start_response(&mut self) {
        if self.deadline.is_none() {
            self.deadline = Some(Box::pin(tokio::time::sleep(self.write_timeout)));
        }
    }

    /// What a write's (or flush's) poll gives, with the slot told whether it blocked.
    fn settle<R>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match polled {
            Poll::Pending => {
                self.slot.set_write_blocked();
                self.blocked(cx)
            }
            done => {
                self.slot.set_write_moved();
                done
            }
        }
    }

    /// `Pending`, or the timeout's error once the deadline has passed (polling the deadline
    /// also asks to be woken then).
    fn blocked<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let passed = self
            .deadline
            .as_mut()
            .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
        if passed {
            Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the response was not read in time",
            )))
        } else {
            Poll::Pending
        }
    }
}

impl<T: Read + Unpin> Read for TimedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for TimedIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.start_response();
        let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.settle(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.start_response();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.settle(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_flush(cx);
        if let Poll::Ready(Ok(())) = polled {
            if this.deadline.take().is_some() {
                this.slot.set_waiting();
            }
        }
        this.settle(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.settle(cx, polled)
    }
}

//! What a server answers, read only up to a bound.
//!
//! A plugin that reads an answer whole trusts the server with its memory: a hostile or broken
//! one answering gigabytes, or a body that never ends, would grow it until the request's
//! timeout, or without end. [`read_bounded`] reads a body a chunk at a time and stops past a
//! limit, so an answer costs at most that much: [`EXCERPT_BYTES`] of an error answer, whose
//! start is quoted in a message, and [`ANSWER_BYTES`] of a successful answer that is parsed,
//! which is refused when it is larger ([`BoundedBody::whole`]).
//!
//! Core has no HTTP client, so [`read_bounded`] is handed the client's way to get the next
//! chunk; with reqwest, `read_bounded(&mut response, EXCERPT_BYTES, |r| Box::pin(r.chunk()))`.
//!
//! ```
//! use codecarbon_core::body::{read_bounded, NextChunk};
//!
//! // A body that never ends, as a hostile server sends it.
//! struct Endless;
//! impl Endless {
//!     fn chunk(&mut self) -> NextChunk<'_, Vec<u8>, std::io::Error> {
//!         Box::pin(async { Ok(Some(vec![b'x'; 1000])) })
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let body = read_bounded(&mut Endless, 2500, |e| e.chunk()).await?;
//! assert_eq!((body.bytes().len(), body.is_cut()), (2500, true));
//! assert!(body.whole().is_err());
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```

use std::future::Future;
use std::pin::Pin;
use thiserror::Error;

/// How much of an error answer is read, to quote its start in a message: the quote shows far
/// less ([`QUOTE_CHARS`](crate::QUOTE_CHARS)), and [`Credentials::quote`](crate::Credentials::quote)
/// looks at no more than this.
pub const EXCERPT_BYTES: usize = 64 * 1024;

/// The most a successful answer that is parsed may weigh (a run id, an experiment key, an
/// intensity, a location): real ones are well under a few KiB.
pub const ANSWER_BYTES: usize = 256 * 1024;

/// The next chunk of a body, as an HTTP client gives it (`None` at its end).
pub type NextChunk<'a, C, E> = Pin<Box<dyn Future<Output = Result<Option<C>, E>> + Send + 'a>>;

/// The start of a body, at most the limit it was read with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundedBody {
    bytes: Vec<u8>,
    limit: usize,
    cut: bool,
}

/// A successful answer larger than such an answer ever is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the answer is larger than {limit} bytes, far more than such an answer ever is")]
#[non_exhaustive]
pub struct TooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

impl BoundedBody {
    /// What was read: the whole body, or its first bytes up to the limit when it
    /// [`is_cut`](Self::is_cut). Enough to quote.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the body was longer than the limit, and the rest left unread.
    pub fn is_cut(&self) -> bool {
        self.cut
    }

    /// The whole body, to parse; [`TooLarge`] when it was cut.
    pub fn whole(self) -> Result<Vec<u8>, TooLarge> {
        match self.cut {
            true => Err(TooLarge { limit: self.limit }),
            false => Ok(self.bytes),
        }
    }
}

/// Reads the body of `source` a chunk at a time with `next`, keeping at most `limit` bytes and
/// reading nothing past the chunk that goes over it. An error of `next` is returned as is.
pub async fn read_bounded<S, C, E>(
    source: &mut S,
    limit: usize,
    mut next: impl for<'a> FnMut(&'a mut S) -> NextChunk<'a, C, E>,
) -> Result<BoundedBody, E>
where
    C: AsRef<[u8]>,
{
    let mut bytes = Vec::new();
    while let Some(chunk) = next(source).await? {
        let chunk = chunk.as_ref();
        let room = limit.saturating_sub(bytes.len());
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(BoundedBody {
                bytes,
                limit,
                cut: true,
            });
        }
        bytes.extend_from_slice(chunk);
    }
    Ok(BoundedBody {
        bytes,
        limit,
        cut: false,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// A body of the given chunks, then its end; counts the chunks asked for.
    struct Chunks {
        chunks: Vec<Vec<u8>>,
        asked: usize,
    }

    impl Chunks {
        fn new(chunks: &[&[u8]]) -> Chunks {
            Chunks {
                chunks: chunks.iter().map(|c| c.to_vec()).collect(),
                asked: 0,
            }
        }

        fn next(&mut self) -> NextChunk<'_, Vec<u8>, String> {
            self.asked += 1;
            let chunk = (!self.chunks.is_empty()).then(|| self.chunks.remove(0));
            Box::pin(async move { Ok(chunk) })
        }
    }

    fn read(chunks: &mut Chunks, limit: usize) -> Result<BoundedBody, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(read_bounded(chunks, limit, |c| c.next()))
    }

    #[test]
    fn a_body_within_the_limit_is_read_whole() {
        for limit in [5, 6, 100] {
            let body = read(&mut Chunks::new(&[b"ab", b"", b"cde"]), limit).unwrap();
            assert_eq!(body.bytes(), b"abcde");
            assert!(!body.is_cut());
            assert_eq!(body.whole().unwrap(), b"abcde");
        }
        assert_eq!(read(&mut Chunks::new(&[]), 0).unwrap().bytes(), b"");
    }

    #[test]
    fn a_longer_body_keeps_its_start_and_is_read_no_further() {
        let mut chunks = Chunks::new(&[b"ab", b"cdef", b"never asked for"]);
        let body = read(&mut chunks, 4).unwrap();
        assert_eq!((body.bytes(), body.is_cut()), (&b"abcd"[..], true));
        assert_eq!(
            chunks.asked, 2,
            "the chunk after the limit is not asked for"
        );
        let err = body.whole().unwrap_err();
        assert_eq!(err, TooLarge { limit: 4 });
        assert!(err.to_string().contains("larger than 4 bytes"), "{err}");
        let body = read(&mut Chunks::new(&[b"a"]), 0).unwrap();
        assert!(body.is_cut() && body.bytes().is_empty());
    }

    #[test]
    fn an_endless_body_ends_at_the_limit() {
        struct Endless(usize);
        impl Endless {
            fn next(&mut self) -> NextChunk<'_, Vec<u8>, String> {
                self.0 += 1;
                Box::pin(async { Ok(Some(vec![b'x'; 7])) })
            }
        }
        let mut endless = Endless(0);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let body = runtime
            .block_on(read_bounded(&mut endless, 100, |e| e.next()))
            .unwrap();
        assert_eq!((body.bytes().len(), body.is_cut()), (100, true));
        assert_eq!(endless.0, 15);
    }

    #[test]
    fn a_failed_read_is_the_error() {
        struct Broken;
        impl Broken {
            fn next(&mut self) -> NextChunk<'_, Vec<u8>, String> {
                Box::pin(async { Err("reset".to_string()) })
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = runtime
            .block_on(read_bounded(&mut Broken, 100, |b| b.next()))
            .unwrap_err();
        assert_eq!(err, "reset");
    }
}

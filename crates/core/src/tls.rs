//! The TLS of every HTTPS client the plugins build: rustls on the `ring` provider.
//!
//! reqwest is built without a provider of its own (its `rustls` feature brings aws-lc-rs, a C
//! library whose build costs about a minute and more than a C compiler), so a process must have
//! chosen rustls's provider before it builds a client. A plugin calls [`use_ring_unless_chosen`]
//! just before; a program that chose another provider keeps it.
//!
//! ```
//! codecarbon_core::tls::use_ring_unless_chosen();
//! assert!(rustls::crypto::CryptoProvider::get_default().is_some());
//! ```

/// Makes `ring` rustls's provider for this process, unless one was chosen already (by an
/// earlier call, or by the program itself).
pub fn use_ring_unless_chosen() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may have installed one in between: then that one stays, as wanted.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

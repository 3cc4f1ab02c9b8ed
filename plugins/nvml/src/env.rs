//! What the plugin reads from its process's environment, gathered once so tests can inject it.

/// The process facts the plugin uses besides [`codecarbon_core::Config`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `CUDA_VISIBLE_DEVICES`, when set (an empty value means no GPU).
    pub cuda_visible_devices: Option<String>,
    /// The root of the tracked process tree in process mode (this process).
    pub root_pid: u32,
}

impl Environment {
    /// This process's environment and id.
    pub fn from_process() -> Environment {
        Environment {
            cuda_visible_devices: std::env::var("CUDA_VISIBLE_DEVICES").ok(),
            root_pid: std::process::id(),
        }
    }
}

//! The codecarbon facade (being written).

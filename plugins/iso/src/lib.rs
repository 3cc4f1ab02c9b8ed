//! codecarbon plugin `iso` (being written).

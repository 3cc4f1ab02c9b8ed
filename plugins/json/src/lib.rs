//! codecarbon plugin `json` (being written).

//! codecarbon plugin `tdp` (being written).

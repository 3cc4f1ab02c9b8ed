//! codecarbon plugin `csv` (being written).

//! carbonboard: the dashboard for emissions files (being built).


//! Whole-screen snapshots.

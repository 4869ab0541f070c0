//! End-to-end tests of lang.

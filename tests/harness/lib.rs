//! The shared harness of the multi-node tests: starts real `smartket` processes on ephemeral
//! loopback ports with their own data dirs, and waits on conditions with deadlines.

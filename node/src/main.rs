//! The `smartket` binary: sets up logging, parses the command line, runs it, and turns any
//! error into one readable message and a non-zero exit code.

use std::process::ExitCode;

use clap::Parser;
use smartket_node::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    // libp2p warns of what is normal among homes behind routers: AutoNAT's dial-back to a
    // home behind NAT times out (that is the answer it looks for), Kademlia queries find no
    // peer, a peer that went away leaves a Yamux stream half-closed. The node's own warnings
    // stay; SMARTKET_LOG=debug shows everything.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SMARTKET_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(
                    "warn,libp2p_kad=error,libp2p_autonat=error,yamux=error",
                )
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

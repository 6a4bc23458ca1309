//! The node's life from the command line: `init` writes a data dir (key, documented config,
//! token, database), `id` reads its key, `run` keeps one node in the foreground and `demo` a
//! whole local market, both until Ctrl-C or SIGTERM ([`StopSignal`]) stops them cleanly.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::config::{self, Config, MarketEntry, Overrides};
use crate::daemon::Daemon;
use crate::data_dir::DataDir;
use crate::identity;
use crate::store::Store;

pub(super) fn init(
    dir: &Path,
    market: String,
    role: String,
    name: String,
    port: u16,
    api: SocketAddr,
) -> Result<()> {
    DataDir::new(dir)
        .create()
        .with_context(|| format!("creating {}", dir.display()))?;
    // An existing directory others can read is refused before anything secret is written in it.
    identity::check_private(dir)?;
    let mut config = Config::default();
    config.node.role = role;
    config.node.name = name;
    config.network.listen = config::default_listen(port);
    config.api.listen = api;
    config.markets = vec![MarketEntry {
        id: market,
        config: None,
    }];
    config.validate()?;
    crate::markets::load_all(&config.markets, dir)?;
    let secret = identity::create_key(dir)?;
    let config_path = DataDir::new(dir).config();
    if !config_path.exists() {
        std::fs::write(&config_path, config.to_documented_toml())
            .with_context(|| format!("writing {}", config_path.display()))?;
    }
    identity::ensure_api_token(dir)?;
    // Made now, valid for this machine's addresses as they are, so that its fingerprint is
    // the same from the first run that serves HTTPS on (and the owner may note it down).
    let names: Vec<String> = crate::http::lan_addresses()
        .iter()
        .map(ToString::to_string)
        .collect();
    let tls = crate::tls::load_or_create(dir, None, None, &names)?;
    Store::open(&DataDir::new(dir).store())?;
    println!("Created a {} node in {}", config.node.role, dir.display());
    println!("  author   {}", secret.public());
    println!("  config   {}", config_path.display());
    println!("  HTTPS certificate SHA-256 {}", tls.fingerprint());
    println!("Start it with: smartket run --data-dir {}", dir.display());
    Ok(())
}

pub(super) fn id(dir: &Path) -> Result<()> {
    let secret = identity::load_key(dir)?;
    println!("author  {}", secret.public());
    println!("peer id {}", crate::network::peer_id_of(&secret.public()));
    Ok(())
}

/// The seed shipped with the sources, found from the working directory or the build's.
fn default_seed() -> PathBuf {
    let here = PathBuf::from("examples/geneva");
    if here.join("market.toml").exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/geneva")
}

pub(super) async fn demo(
    dir: &Path,
    seed: Option<PathBuf>,
    fresh: bool,
    port: u16,
    remote: bool,
) -> Result<()> {
    let stop = StopSignal::register().context("installing the Ctrl-C handler")?;
    let seed = seed.unwrap_or_else(default_seed);
    println!(
        "Starting the Geneva demo market in {} (seed {})…",
        dir.display(),
        seed.display()
    );
    let demo = crate::demo::run::start(dir, &seed, fresh, port, remote).await?;
    println!(
        "The market is up: {} nodes on this machine.",
        demo.nodes.len()
    );
    for node in &demo.nodes {
        println!("  {:<16} {:<32} {}", node.role, node.name, node.login);
    }
    println!(
        "Open a link to log in as that actor: each works once, and the browser then stays \
         logged in for 30 days. For a new link: smartket demo --login <actor> (e.g. camille)."
    );
    if demo.nodes.iter().any(|n| n.remote.is_some()) {
        println!(
            "To use a node from a phone: log in, then Paramètres › Accès › Connecter un téléphone."
        );
    }
    println!("Press Ctrl-C to stop.");
    stop.wait().await;
    println!("Stopping…");
    demo.shutdown().await;
    Ok(())
}

pub(super) async fn run(dir: &Path, flags: &Overrides) -> Result<()> {
    if !dir.is_dir() {
        bail!(
            "data dir {} does not exist: create a node with `smartket init --data-dir {}`",
            dir.display(),
            dir.display()
        );
    }
    let config = Config::load(dir, flags)?;
    // Registered before anything starts: a Ctrl-C that arrives while the node is still coming
    // up must stop it cleanly, not kill it by the signal's default action.
    let stop = StopSignal::register().context("installing the Ctrl-C handler")?;
    let api_addr = config.api.listen;
    let listener = tokio::net::TcpListener::bind(api_addr)
        .await
        .map_err(|e| port_error("API", &api_addr.to_string(), e))?;
    let daemon = Daemon::start(dir, config).await?;
    let handle = daemon.handle();
    let served = crate::http::serve(dir, handle.clone(), listener).await?;
    let api_addr = served.addr;
    println!("smartket node {} running", handle.author());
    println!("  peer id  {}", handle.peer_id());
    println!("  API      http://{api_addr}/api/v1/status");
    println!("  login    {}", served.access.login_link()?);
    println!("           (works once; `smartket login` prints another)");
    if let Some(remote) = served.access.remote() {
        println!(
            "  HTTPS    https://{} (for phones: pair one from Paramètres › Accès)",
            remote.addr
        );
        println!(
            "           certificate SHA-256 {}",
            remote.tls.fingerprint()
        );
    }
    for addr in handle.listen_addrs().await {
        println!("  listen   {addr}/p2p/{}", handle.peer_id());
    }
    println!("Press Ctrl-C to stop.");
    stop.wait().await;
    println!("Stopping…");
    served.stop();
    daemon.shutdown().await;
    println!("Stopped cleanly.");
    Ok(())
}

/// Ctrl-C, or SIGTERM from a service manager (a co-op's bootstrap node under systemd): both
/// stop the node cleanly.
struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    #[cfg(unix)]
    fn register() -> std::io::Result<StopSignal> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignal {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn register() -> std::io::Result<StopSignal> {
        Ok(StopSignal {})
    }

    #[cfg(unix)]
    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// A port in use is the usual reason a second `run` fails (another node, or an old one still
/// stopping), so it is named as such with the flag that chooses another.
fn port_error(what: &str, addr: &str, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        anyhow::anyhow!(
            "{what} address {addr} is already in use (another smartket node or program?); choose another with --api"
        )
    } else {
        anyhow::anyhow!("cannot listen on {what} address {addr}: {e}")
    }
}

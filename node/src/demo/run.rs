//! Starts the demo market: one real node per actor that has one (plus the market's
//! cooperative), each with its own key, database, libp2p port and API, all in this process and
//! talking over loopback; publishes the seed on the first run; stops them all on Ctrl-C.

use std::path::{Path, PathBuf};

use smartket_protocol::kinds::Profile;
use smartket_protocol::{Body, Kind, Payload};

use super::seed::{Seed, SeedActor, SeedError, SeedRole, demo_secret};
use crate::config::Config;
use crate::daemon::{Daemon, Handle, StartError};
use crate::http::{self, Served};
use crate::identity;
use crate::ingest::Verdict;
use crate::settings::{Location, Settings};

/// The cooperative that keeps the demo market's bootstrap node and mailboxes.
pub const COOPERATIVE: &str = "cooperative-du-marche";
/// How long the demo's records live before they are republished (as a real node would).
const LIFETIME_MS: u64 = 30 * 24 * 3600 * 1000;

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The seed files.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// A node.
    #[error("node {slug}: {source}")]
    Node {
        /// Which.
        slug: String,
        /// Why.
        source: Box<StartError>,
    },
    /// A file or directory of the demo.
    #[error("{path}: {source}")]
    Io {
        /// Which.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Anything else on the way, said plainly.
    #[error("{0}")]
    Other(String),
}

/// One running actor.
pub struct DemoNode {
    /// The actor's file name.
    pub slug: String,
    /// Its role.
    pub role: String,
    /// Its name.
    pub name: String,
    /// A one-time login link of its web UI and API.
    pub login: String,
    /// Its API address.
    pub api: std::net::SocketAddr,
    /// Its HTTPS address, for phones.
    pub remote: Option<std::net::SocketAddr>,
    daemon: Daemon,
    server: Served,
}

/// The running demo.
pub struct Demo {
    /// Every node, cooperative first, consumer last.
    pub nodes: Vec<DemoNode>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_owned(),
        source,
    }
}

fn role_name(role: SeedRole) -> &'static str {
    match role {
        SeedRole::Certifier => "certifier",
        SeedRole::Producer => "producer",
        SeedRole::Shop => "shop",
        SeedRole::ServiceProvider => "service_provider",
        SeedRole::Platform => "platform",
        SeedRole::Courier => "courier",
        SeedRole::Consumer => "consumer",
    }
}

fn display_name(actor: &SeedActor) -> String {
    actor
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Profile(p) => p.name.get("fr").or_else(|| p.name.values().next()).cloned(),
            _ => None,
        })
        .unwrap_or_else(|| actor.slug.clone())
}

/// Starts one node in `dir` with the key derived from `slug`.
async fn start_node(
    dir: &Path,
    slug: &str,
    role: &str,
    name: &str,
    bootstrap: &[String],
    remote: bool,
) -> Result<Daemon, DemoError> {
    let files = crate::data_dir::DataDir::new(dir);
    files.create().map_err(io(dir))?;
    if !files.key().exists() {
        identity::write_key(dir, demo_secret(slug))
            .map_err(|e| DemoError::Other(format!("{slug}: {e}")))?;
    }
    identity::ensure_api_token(dir).map_err(|e| DemoError::Other(format!("{slug}: {e}")))?;
    let mut config = Config::default();
    config.node.role = role.to_owned();
    config.node.name = name.to_owned();
    config.network.listen = vec![
        "/ip4/127.0.0.1/tcp/0"
            .parse()
            .map_err(|e| DemoError::Other(format!("listen address: {e}")))?,
    ];
    for addr in bootstrap {
        config.network.bootstrap.push(
            addr.parse()
                .map_err(|e| DemoError::Other(format!("bootstrap address {addr}: {e}")))?,
        );
    }
    // Every node serves HTTPS too, on any free port, so that a phone can be paired with it:
    // on loopback only unless the demo was asked to be reachable from the LAN.
    let https_ip = if remote { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
    config.api.remote = Some(std::net::SocketAddr::from((https_ip, 0)));
    // Written out so that `smartket demo --login` finds the actor by name, and so that the
    // node can be run alone (`smartket run --data-dir smartket-demo/<actor>`).
    let config_path = files.config();
    std::fs::write(&config_path, config.to_documented_toml()).map_err(io(&config_path))?;
    Daemon::start(dir, config)
        .await
        .map_err(|source| DemoError::Node {
            slug: slug.to_owned(),
            source: Box::new(source),
        })
}

/// Serves `handle`'s API and web UI on `port` (or any free port when it is taken).
async fn serve(dir: &Path, handle: Handle, port: u16) -> Result<Served, DemoError> {
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(_) => tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| DemoError::Other(format!("binding an API port: {e}")))?,
    };
    http::serve(dir, handle, listener)
        .await
        .map_err(|e| DemoError::Other(format!("API: {e}")))
}

fn login_link(server: &Served) -> Result<String, DemoError> {
    server
        .access
        .login_link()
        .map_err(|e| DemoError::Other(format!("login link: {e}")))
}

/// The cooperative's first listen address, to give the others as their bootstrap node.
async fn listen_addr(handle: &Handle) -> Result<String, DemoError> {
    match handle.listen_addrs().await.into_iter().next() {
        Some(addr) => Ok(format!("{addr}/p2p/{}", handle.peer_id())),
        None => Err(DemoError::Other(
            "the cooperative has no listen address".into(),
        )),
    }
}

/// Publishes `actor`'s records (and stores its pictures) through `handle`, signed with the
/// actor's key; skipped when the node already holds the actor's profile (a second run).
async fn publish(
    handle: &Handle,
    seed: &Seed,
    actor: &SeedActor,
    progress: &indicatif::ProgressBar,
) -> Result<(), DemoError> {
    let slot = smartket_protocol::Slot {
        author: actor.key(),
        kind: Kind::Profile,
        key: "profile".into(),
    };
    if handle
        .store()
        .current(&slot)
        .map_err(|e| DemoError::Other(e.to_string()))?
        .is_some()
    {
        progress.inc(actor.records.len() as u64);
        return Ok(());
    }
    for picture in seed.pictures.values() {
        let bytes = std::fs::read(&picture.path).map_err(io(&picture.path))?;
        handle
            .blobs()
            .put(bytes)
            .await
            .map_err(|e| DemoError::Other(format!("picture {}: {e}", picture.path.display())))?;
    }
    let now = crate::clock::now_ms();
    for record in &actor.records {
        let mut body = record.body.clone();
        if let Body::Profile(Profile { enc_key, .. }) = &mut body {
            // Orders to this actor are sealed to the key its node derives from its identity.
            *enc_key = identity::encryption_key(&actor.secret).public().0;
        }
        let payload = Payload::new(&seed.market, record.key.clone(), now, LIFETIME_MS, body);
        let signed = smartket_protocol::Record::sign(&actor.secret, payload)
            .map_err(|e| DemoError::Other(format!("{}: {e}", actor.slug)))?;
        match handle.own().submit(signed.to_wire()).await {
            Verdict::Accepted(_) | Verdict::Ignored(_) => {}
            Verdict::Rejected(why) => {
                return Err(DemoError::Other(format!(
                    "{} {}: refused: {why}",
                    actor.slug, record.key
                )));
            }
        }
        progress.inc(1);
    }
    Ok(())
}

/// Starts the demo in `data_dir` from the seed in `seed_dir`; `fresh` deletes earlier data
/// first. APIs take ports from `base_port` up, in the order of [`Demo::nodes`] (any free ports
/// with 0).
pub async fn start(
    data_dir: &Path,
    seed_dir: &Path,
    fresh: bool,
    base_port: u16,
    remote: bool,
) -> Result<Demo, DemoError> {
    let seed = Seed::load(seed_dir)?;
    if fresh && data_dir.exists() {
        std::fs::remove_dir_all(data_dir).map_err(io(data_dir))?;
    }
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let total: usize = seed.actors.iter().map(|a| a.records.len()).sum();
    let progress = indicatif::ProgressBar::new(total as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "  publishing the seed {bar:30} {pos}/{len} records",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );

    let mut nodes = Vec::new();
    let coop_dir = data_dir.join(COOPERATIVE);
    let coop = start_node(
        &coop_dir,
        COOPERATIVE,
        "cooperative",
        "Coopérative du marché",
        &[],
        remote,
    )
    .await?;
    let bootstrap = vec![listen_addr(&coop.handle()).await?];
    let server = serve(&coop_dir, coop.handle(), base_port).await?;
    nodes.push(DemoNode {
        slug: COOPERATIVE.into(),
        role: "cooperative".into(),
        name: "Coopérative du marché".into(),
        login: login_link(&server)?,
        api: server.addr,
        remote: server.remote,
        daemon: coop,
        server,
    });
    let certifier = seed
        .actors
        .iter()
        .find(|a| a.role == SeedRole::Certifier)
        .map(|a| a.key().to_hex());
    // The relayed producers' records go through their platform's node.
    let platform_slug = seed
        .actors
        .iter()
        .find(|a| a.role == SeedRole::Platform)
        .map(|a| a.slug.clone());
    let mut relayed = Vec::new();
    for actor in &seed.actors {
        if !actor.node {
            relayed.push(actor);
            continue;
        }
        let dir = data_dir.join(&actor.slug);
        let role = role_name(actor.role);
        let name = display_name(actor);
        if actor.role == SeedRole::Consumer {
            let settings = Settings {
                trusted_issuers: certifier.iter().cloned().collect(),
                location: Some(Location {
                    lat: 46.1984,
                    lon: 6.1423,
                    postcode: Some("1205".into()),
                }),
                languages: vec!["fr".into(), "en".into()],
            };
            let files = crate::data_dir::DataDir::new(&dir);
            files.create().map_err(io(&dir))?;
            if !files.settings().exists() {
                settings
                    .save(&dir)
                    .map_err(|e| DemoError::Other(format!("consumer settings: {e}")))?;
            }
        }
        let daemon = start_node(&dir, &actor.slug, role, &name, &bootstrap, remote).await?;
        let handle = daemon.handle();
        if Some(&actor.slug) == platform_slug.as_ref() {
            for member in relayed.drain(..) {
                publish(&handle, &seed, member, &progress).await?;
            }
        }
        publish(&handle, &seed, actor, &progress).await?;
        let port = match base_port {
            0 => 0,
            base => base.saturating_add(nodes.len() as u16),
        };
        let server = serve(&dir, handle, port).await?;
        nodes.push(DemoNode {
            slug: actor.slug.clone(),
            role: role.into(),
            name,
            login: login_link(&server)?,
            api: server.addr,
            remote: server.remote,
            daemon,
            server,
        });
    }
    progress.finish_and_clear();
    Ok(Demo { nodes })
}

impl Demo {
    /// Stops every node: the APIs, then the daemons (each closes its databases).
    pub async fn shutdown(self) {
        for node in self.nodes.into_iter().rev() {
            node.server.stop();
            node.daemon.shutdown().await;
        }
    }
}

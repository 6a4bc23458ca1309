//! The `smartket` command line: parses arguments and calls the library. Each subcommand is one
//! function returning `anyhow::Result`, so every failure reaches the user as one clear sentence
//! (the binary's edge is the only place `anyhow` is used).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use smartket_protocol::kinds::Tombstone;
use smartket_protocol::record::{MAX_LIFETIME_MS, Payload};
use smartket_protocol::{AuthorKey, Body, Kind, Record, SecretKey};

use crate::api::{RecordJson, SubmitOutcome};
use crate::clock::now_ms;
use crate::config::{self, Addr, Config, MarketEntry, Overrides};
use crate::daemon::{Daemon, Status};
use crate::data_dir::DataDir;
use crate::identity;
use crate::ingest::{Ingest, Source};
use crate::store::Store;

/// File in the data dir holding the address the running node's API is bound to.
pub const API_ADDR_FILE: &str = "api-addr";

/// smartket: a peer-to-peer local marketplace node.
#[derive(Debug, Parser)]
#[command(name = "smartket", version, about, long_about = None)]
pub struct Cli {
    /// The node's data directory (key, config, database).
    #[arg(long, global = true, env = "SMARTKET_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new node: its key (mode 0600), its documented config file and its database.
    Init {
        /// The market to join.
        #[arg(long, default_value = "geneva")]
        market: String,
        /// What this node is: producer, shop, service_provider, platform, courier, certifier,
        /// consumer, cooperative.
        #[arg(long, default_value = "consumer")]
        role: String,
        /// The name shown on the profile.
        #[arg(long, default_value = "")]
        name: String,
        /// TCP/UDP port for other nodes.
        #[arg(long, default_value_t = config::DEFAULT_P2P_PORT)]
        port: u16,
        /// Address of the local API and web UI.
        #[arg(long, default_value = config::DEFAULT_API)]
        api: std::net::SocketAddr,
    },
    /// Start a whole local Geneva market on this machine (a cooperative, sellers, a platform,
    /// couriers, a certifier and your consumer node), each a real node; Ctrl-C stops them.
    Demo {
        /// Delete the demo's data first and publish the seed again.
        #[arg(long)]
        fresh: bool,
        /// The seed (actors, catalogues, pictures); default `examples/geneva`.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// First API port; the nodes take the ones after it (0: any free ports).
        #[arg(long, default_value_t = 8420)]
        port: u16,
    },
    /// Run the node until Ctrl-C.
    Run {
        /// Listen address for other nodes (repeatable); replaces the config's list.
        #[arg(long)]
        listen: Vec<Addr>,
        /// Address of the local API.
        #[arg(long)]
        api: Option<std::net::SocketAddr>,
        /// Bootstrap node (repeatable), e.g. /ip4/192.0.2.1/tcp/4417/p2p/12D3Koo…
        #[arg(long)]
        bootstrap: Vec<Addr>,
        /// Allow the API on a non-loopback address.
        #[arg(long)]
        allow_remote_api: bool,
    },
    /// Print this node's public key and peer id.
    Id,
    /// Peers, records held per kind, own records waiting to be published.
    Status,
    /// Sign and publish a record described in a JSON or TOML file.
    Publish {
        /// The file: `kind`, `key`, optional `market` and `lifetime_days`, and `body`.
        file: PathBuf,
    },
    /// Catch up with the market now: reconcile with every connected peer (shows progress), or
    /// pull one seller's whole catalogue with `--author`.
    Sync {
        /// Pull this author's current records (64 hex characters) instead.
        #[arg(long)]
        author: Option<String>,
        /// The market (default: the first one joined).
        #[arg(long)]
        market: Option<String>,
    },
    /// Manage this node's own listings.
    Listing {
        /// What to do with listings.
        #[command(subcommand)]
        action: ListingAction,
    },
}

/// `smartket listing …`
#[derive(Debug, Subcommand)]
pub enum ListingAction {
    /// Publish a listing from a JSON or TOML file (`key`, optional `lifetime_days`, `body`).
    Add {
        /// The file.
        file: PathBuf,
    },
    /// List own current listings.
    List,
    /// Withdraw a listing (publishes a tombstone).
    Rm {
        /// The listing's key.
        key: String,
    },
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<()> {
    if let Command::Demo { fresh, seed, port } = &cli.command {
        let dir = cli
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("smartket-demo"));
        return demo(&dir, seed.clone(), *fresh, *port).await;
    }
    let dir = cli
        .data_dir
        .unwrap_or_else(crate::data_dir::default_data_dir);
    match cli.command {
        Command::Demo { .. } => Ok(()),
        Command::Init {
            market,
            role,
            name,
            port,
            api,
        } => init(&dir, market, role, name, port, api),
        Command::Run {
            listen,
            api,
            bootstrap,
            allow_remote_api,
        } => {
            let flags = Overrides {
                listen: (!listen.is_empty()).then_some(listen),
                bootstrap: (!bootstrap.is_empty()).then_some(bootstrap),
                api,
                allow_remote: allow_remote_api.then_some(true),
            };
            run_node(&dir, &flags).await
        }
        Command::Id => {
            let secret = identity::load_key(&dir)?;
            println!("author  {}", secret.public());
            println!("peer id {}", crate::network::peer_id_of(&secret.public()));
            Ok(())
        }
        Command::Status => status(&dir).await,
        Command::Sync { author, market } => sync(&dir, author, market).await,
        Command::Publish { file } => {
            let spec = RecordFile::read(&file, None)?;
            submit(&dir, spec).await
        }
        Command::Listing { action } => match action {
            ListingAction::Add { file } => {
                let spec = RecordFile::read(&file, Some(Kind::Listing))?;
                submit(&dir, spec).await
            }
            ListingAction::List => list_listings(&dir).await,
            ListingAction::Rm { key } => {
                let config = Config::load(&dir, &Overrides::default())?;
                let market = first_market(&config)?;
                let payload = Payload::new(
                    market,
                    key,
                    now_ms(),
                    MAX_LIFETIME_MS,
                    Body::Tombstone(Tombstone {
                        target_kind: Kind::Listing,
                    }),
                );
                submit_payload(&dir, payload).await
            }
        },
    }
}

fn init(
    dir: &Path,
    market: String,
    role: String,
    name: String,
    port: u16,
    api: std::net::SocketAddr,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
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
    Store::open(&DataDir::new(dir).store())?;
    println!("Created a {} node in {}", config.node.role, dir.display());
    println!("  author   {}", secret.public());
    println!("  config   {}", config_path.display());
    println!("Start it with: smartket run --data-dir {}", dir.display());
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

async fn demo(dir: &Path, seed: Option<PathBuf>, fresh: bool, port: u16) -> Result<()> {
    let stop = StopSignal::register().context("installing the Ctrl-C handler")?;
    let seed = seed.unwrap_or_else(default_seed);
    println!(
        "Starting the Geneva demo market in {} (seed {})…",
        dir.display(),
        seed.display()
    );
    let demo = crate::demo::run::start(dir, &seed, fresh, port).await?;
    println!(
        "The market is up: {} nodes on this machine.",
        demo.nodes.len()
    );
    for node in &demo.nodes {
        let link = node
            .login
            .clone()
            .unwrap_or_else(|| format!("http://{}/api/v1/node", node.api));
        println!("  {:<16} {:<32} {link}", node.role, node.name);
    }
    println!("Open a link to log in as that actor (each works once). Press Ctrl-C to stop.");
    stop.wait().await;
    println!("Stopping…");
    demo.shutdown().await;
    Ok(())
}

async fn run_node(dir: &Path, flags: &Overrides) -> Result<()> {
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
    if !api_addr.ip().is_loopback() {
        eprintln!(
            "warning: the API listens on {api_addr}, reachable from the network \
             (--allow-remote-api); anyone who gets the token controls this node"
        );
    }
    let listener = tokio::net::TcpListener::bind(api_addr)
        .await
        .map_err(|e| port_error("API", &api_addr.to_string(), e))?;
    let daemon = Daemon::start(dir, config).await?;
    let handle = daemon.handle();
    let served = crate::http::serve(dir, handle.clone(), listener).await?;
    let api_addr = served.addr;
    println!("smartket node {} running", handle.author());
    println!("  peer id  {}", handle.peer_id());
    let addr_file = dir.join(API_ADDR_FILE);
    std::fs::write(&addr_file, api_addr.to_string())
        .with_context(|| format!("writing {}", addr_file.display()))?;
    println!("  API      http://{api_addr}/api/v1/status");
    if let Some(login) = served.access.login_link() {
        println!("  login    {login}");
    }
    for addr in handle.listen_addrs().await {
        println!("  listen   {addr}/p2p/{}", handle.peer_id());
    }
    println!("Press Ctrl-C to stop.");
    stop.wait().await;
    println!("Stopping…");
    served.stop();
    let _ = std::fs::remove_file(&addr_file);
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

/// The swarm reports its listen addresses a moment after start; wait for them (bounded) so the
/// addresses printed are the real ones, with the ports the OS chose.
fn port_error(what: &str, addr: &str, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        anyhow::anyhow!(
            "{what} address {addr} is already in use (another smartket node or program?); choose another with --api"
        )
    } else {
        anyhow::anyhow!("cannot listen on {what} address {addr}: {e}")
    }
}

/// A record described in a file for `publish` and `listing add`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordFile {
    kind: Option<String>,
    key: String,
    market: Option<String>,
    lifetime_days: Option<u64>,
    body: serde_json::Value,
}

impl RecordFile {
    fn read(path: &Path, kind: Option<Kind>) -> Result<RecordFile> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut spec: RecordFile = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        } else {
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        };
        if let Some(kind) = kind {
            spec.kind = Some(kind.as_str().into());
        }
        Ok(spec)
    }

    /// Builds the payload through the same decoder and validator as records from the network.
    fn payload(&self, default_market: &str, author: &AuthorKey) -> Result<Payload> {
        use ciborium::Value;
        let now = now_ms();
        let lifetime = self.lifetime_days.map_or(30 * 24 * 3600 * 1000, |d| {
            d.saturating_mul(24 * 3600 * 1000)
        });
        let kind = self.kind.as_deref().context("the file needs a `kind`")?;
        let body = Value::serialized(&self.body).context("reading the body")?;
        let entry = |k: &str, v: Value| (Value::Text(k.to_owned()), v);
        let map = Value::Map(vec![
            entry("v", smartket_protocol::record::PROTOCOL_VERSION.into()),
            entry("author", Value::Bytes(author.as_bytes().to_vec())),
            entry("kind", kind.into()),
            entry(
                "market",
                self.market.as_deref().unwrap_or(default_market).into(),
            ),
            entry("key", self.key.as_str().into()),
            entry("rev", now.into()),
            entry("created", now.into()),
            entry("expires", now.saturating_add(lifetime).into()),
            entry("body", body),
        ]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&map, &mut bytes).context("encoding the record")?;
        Payload::decode(&bytes).map_err(|e| anyhow::anyhow!("the record is not valid: {e}"))
    }
}

fn first_market(config: &Config) -> Result<String> {
    config
        .markets
        .first()
        .map(|m| m.id.clone())
        .context("the config joins no market")
}

async fn submit(dir: &Path, spec: RecordFile) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let author = identity::load_key(dir)?.public();
    let payload = spec.payload(&first_market(&config)?, &author)?;
    submit_payload(dir, payload).await
}

/// Signs with the node's key and hands the record to the running node, or, when none runs,
/// commits it to the database so the node publishes it when it starts.
async fn submit_payload(dir: &Path, payload: Payload) -> Result<()> {
    let secret: SecretKey = identity::load_key(dir)?;
    let record = Record::sign(&secret, payload)?;
    let config = Config::load(dir, &Overrides::default())?;
    let outcome = match identity::lock_data_dir(dir) {
        Ok(_lock) => {
            let markets = crate::markets::load_all(&config.markets, dir)?;
            let store = Store::open(&DataDir::new(dir).store())?;
            let ingest = Ingest::new(store, markets);
            let verdict = ingest
                .ingest(
                    Source::Local,
                    &record.payload.market,
                    vec![record.to_wire()],
                    now_ms(),
                )
                .into_iter()
                .next()
                .context("ingest returned nothing")?;
            let mut outcome = SubmitOutcome::of(&verdict);
            if outcome.outcome == "accepted" {
                outcome.reason = Some("stored; the node publishes it when it next runs".into());
            }
            outcome
        }
        Err(identity::IdentityError::Locked { .. }) => {
            let client = ApiClient::new(dir, &config)?;
            client.submit(record.to_wire()).await?
        }
        Err(e) => return Err(e.into()),
    };
    match outcome.outcome.as_str() {
        "accepted" => {
            println!(
                "{} {} published (id {})",
                record.payload.kind,
                record.payload.key,
                outcome.id.unwrap_or_default()
            );
            if let Some(note) = outcome.reason {
                println!("  {note}");
            }
            Ok(())
        }
        other => bail!(
            "record {other}: {}",
            outcome.reason.unwrap_or_else(|| "no reason given".into())
        ),
    }
}

async fn status(dir: &Path) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let client = ApiClient::new(dir, &config)?;
    let status: Status = match client.status().await {
        Ok(status) => status,
        Err(e) => bail!("{e:#}\n(is the node running? start it with `smartket run`)"),
    };
    println!("author     {}", status.author);
    println!("peer id    {}", status.peer_id);
    println!("role       {}", status.role);
    println!("peers      {}", status.peers);
    for addr in &status.listen {
        println!("listen     {addr}");
    }
    for (market, counts) in &status.markets {
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("market     {market}: {}", counts.join(", "));
    }
    println!("unpublished {}", status.unpublished);
    let sync = &status.sync;
    println!(
        "sync       {} sessions, {} records fetched, {} failed{}",
        sync.total.peers,
        sync.total.fetched,
        sync.failed,
        match sync.run {
            Some(run) if run.finished_at_ms.is_none() => format!(
                "; running: {}/{} peers, {}/{} records",
                run.peers_done, run.peers_total, run.report.fetched, run.need
            ),
            _ => String::new(),
        }
    );
    Ok(())
}

/// How often `smartket sync` reads the node's progress.
const SYNC_POLL: std::time::Duration = std::time::Duration::from_millis(200);

async fn sync(dir: &Path, author: Option<String>, market: Option<String>) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let client = ApiClient::new(dir, &config);
    let client = match client {
        Ok(c) if c.status().await.is_ok() => c,
        _ => bail!(
            "the node in {} is not running: start it with `smartket run` (it syncs by itself \
             when it connects)",
            dir.display()
        ),
    };
    let market = match market {
        Some(m) => m,
        None => first_market(&config)?,
    };
    if let Some(author) = author {
        let report: crate::sync::PullReport = client
            .post(&format!("/api/v1/markets/{market}/authors/{author}/pull"))
            .await?;
        println!(
            "Pulled {} records of {author} from {} ({} new or newer, {} pages)",
            report.received, report.peer, report.stored, report.pages
        );
        return Ok(());
    }
    let _: crate::api::SyncStarted = client.post("/api/v1/sync").await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} records")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let run = loop {
        let status = client.status().await?;
        let Some(run) = status.sync.run else {
            bail!("the node reports no sync run");
        };
        bar.set_length(run.need);
        bar.set_position(run.report.fetched.min(run.need));
        bar.set_message(format!("peers {}/{}", run.peers_done, run.peers_total));
        if run.finished_at_ms.is_some() {
            break run;
        }
        tokio::time::sleep(SYNC_POLL).await;
    };
    bar.finish_and_clear();
    if run.peers_total == 0 {
        bail!("no peer is connected yet: check the bootstrap addresses in smartket.toml");
    }
    println!(
        "Synced with {} of {} peers: {} records fetched, {} offered to peers, {} round trips, \
         {} bytes",
        run.report.peers,
        run.peers_total,
        run.report.fetched,
        run.report.pushed,
        run.report.rounds,
        run.report.bytes
    );
    if run.failed > 0 {
        println!("  {} sessions failed (see the node's log)", run.failed);
    }
    Ok(())
}

async fn list_listings(dir: &Path) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let records: Vec<RecordJson> = match identity::lock_data_dir(dir) {
        Ok(_lock) => {
            let store = Store::open(&DataDir::new(dir).store())?;
            let me = identity::load_key(dir)?.public();
            let mut out = Vec::new();
            for market in &config.markets {
                for r in store.by_author(&market.id, &me)? {
                    if r.payload.kind == Kind::Listing {
                        out.push(crate::api::record_json(&r));
                    }
                }
            }
            out
        }
        Err(identity::IdentityError::Locked { .. }) => {
            ApiClient::new(dir, &config)?.own_listings().await?
        }
        Err(e) => return Err(e.into()),
    };
    if records.is_empty() {
        println!("No listings yet. Add one with `smartket listing add FILE`.");
    }
    for r in records {
        println!("{}\t{}\trev {}\t{}", r.key, r.market, r.rev, r.id);
    }
    Ok(())
}

/// A small client of the running node's API, authenticated with the data dir's token.
struct ApiClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl ApiClient {
    fn new(dir: &Path, config: &Config) -> Result<ApiClient> {
        let token = std::fs::read_to_string(DataDir::new(dir).api_token())
            .with_context(|| format!("reading the API token in {}", dir.display()))?;
        // A running node writes the address it actually bound (the config may say port 0).
        let addr = std::fs::read_to_string(dir.join(API_ADDR_FILE))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| config.api.listen.to_string());
        Ok(ApiClient {
            base: format!("http://{addr}"),
            token: token.trim().to_owned(),
            http: reqwest::Client::new(),
        })
    }

    async fn status(&self) -> Result<Status> {
        self.get("/api/v1/status").await
    }

    async fn own_listings(&self) -> Result<Vec<RecordJson>> {
        self.get("/api/v1/own/records?kind=listing").await
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("contacting the node at {}", self.base))?;
        if !response.status().is_success() {
            bail!("the node answered {}", response.status());
        }
        Ok(response.json().await?)
    }

    async fn post<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("contacting the node at {}", self.base))?;
        if !response.status().is_success() {
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            match body["error"]["message"].as_str() {
                Some(message) => bail!("{message}"),
                None => bail!("the node answered {status}"),
            }
        }
        Ok(response.json().await?)
    }

    async fn submit(&self, wire: Vec<u8>) -> Result<SubmitOutcome> {
        let response = self
            .http
            .post(format!("{}/api/v1/records", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/cbor")
            .body(wire)
            .send()
            .await
            .with_context(|| format!("contacting the node at {}", self.base))?;
        if !response.status().is_success() {
            bail!("the node answered {}", response.status());
        }
        Ok(response.json().await?)
    }
}

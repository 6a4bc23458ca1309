//! The shared harness of the multi-node tests: starts real `smartket` processes on ephemeral
//! loopback ports, each with its own data dir, key and database, and waits on conditions with
//! deadlines — never fixed sleeps.
//!
//! ```text
//! Net::start(n) ──▶ bootstrap node (cooperative) ◀── node 1 … node n   (libp2p over 127.0.0.1)
//!                         ▲ API over HTTP (bearer token from each data dir)
//!                       the test
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub mod attacks;
pub mod netlab;
pub mod shop;
pub mod soak;
pub mod testbed;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::Instant;

/// Default deadline for a condition in these tests.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The `smartket` binary cargo built next to the test binary.
pub fn smartket_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> → target/<profile>/smartket
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir layout");
    let bin = dir.join("smartket");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p smartket-node` (scripts/test-all does)",
        bin.display()
    );
    bin
}

/// Polls `check` until it yields `Some`, or fails after `deadline` naming `what`.
pub async fn wait_until<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let end = Instant::now() + deadline;
    let mut pause = Duration::from_millis(10);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if Instant::now() > end {
            panic!("timed out after {deadline:?} waiting for: {what}");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

/// Runs the CLI once on `dir` and returns (success, stdout, stderr).
pub async fn cli(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(smartket_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SMARTKET_DATA_DIR")
        .output()
        .await
        .expect("run smartket");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One running node process.
pub struct Node {
    /// Data dir (kept for restarts; removed with the temp dir).
    pub dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub api: String,
    /// Bearer token.
    pub token: String,
    /// The one-time login link `smartket run` printed.
    pub login: String,
    /// `https://ADDR` when it serves HTTPS too (see [`Node::start_https`]).
    pub https: Option<String>,
    /// Flags given to every `smartket run` beyond the harness's own.
    run_args: Vec<String>,
    /// Full dialable addresses (`…/p2p/<peer id>`).
    pub addrs: Vec<String>,
    bootstrap: Vec<String>,
    http: reqwest::Client,
    /// Where it runs when not on the test's own loopback.
    place: Option<Place>,
    /// The proxy to its API inside a namespace, replaced at each run.
    proxy: Option<tokio::task::JoinHandle<()>>,
}

/// A node's place in a [`netlab::Lab`]: its namespace, listen address and API proxy.
struct Place {
    netns: String,
    listen: String,
    dialer: netlab::NsDialer,
}

impl Node {
    /// `smartket init` then `smartket run` on a fresh temp dir.
    pub async fn start(role: &str, name: &str, bootstrap: &[String]) -> Result<Node> {
        Node::start_with(role, name, bootstrap, "").await
    }

    /// Like [`Node::start`], appending `extra_toml` to the node's config file (e.g. another
    /// `[[markets]]` entry) before it runs. Files named there are relative to the data dir.
    pub async fn start_with(
        role: &str,
        name: &str,
        bootstrap: &[String],
        extra_toml: &str,
    ) -> Result<Node> {
        Node::init(role, name, bootstrap, extra_toml, None).await
    }

    /// Like [`Node::start`], with its config file rewritten by `edit` and `run_args` given to
    /// every `smartket run` (e.g. a second `--listen`).
    pub async fn start_configured(
        role: &str,
        name: &str,
        bootstrap: &[String],
        edit: impl FnOnce(&str) -> String,
        run_args: &[&str],
    ) -> Result<Node> {
        let mut node = Node::prepare(role, name, bootstrap, "", None).await?;
        let path = node.dir.join("smartket.toml");
        let config = std::fs::read_to_string(&path)?;
        std::fs::write(&path, edit(&config))?;
        node.run_args = run_args.iter().map(|a| (*a).to_owned()).collect();
        node.run().await?;
        Ok(node)
    }

    /// Like [`Node::start`], serving the web UI over HTTPS too, on a free loopback port.
    pub async fn start_https(role: &str, name: &str) -> Result<Node> {
        let mut node = Node::prepare(role, name, &[], "", None).await?;
        node.run_args = vec!["--remote-api".into(), "127.0.0.1:0".into()];
        node.run().await?;
        Ok(node)
    }

    /// Like [`Node::start`], on `host` in a network lab, listening on TCP `port` there.
    pub async fn start_on(
        host: &netlab::Host,
        port: u16,
        role: &str,
        name: &str,
        bootstrap: &[String],
    ) -> Result<Node> {
        let place = Place {
            netns: host.netns.clone(),
            listen: host.listen(port),
            dialer: netlab::NsDialer::new(&host.netns)?,
        };
        Node::init(role, name, bootstrap, "", Some(place)).await
    }

    async fn init(
        role: &str,
        name: &str,
        bootstrap: &[String],
        extra_toml: &str,
        place: Option<Place>,
    ) -> Result<Node> {
        let mut node = Node::prepare(role, name, bootstrap, extra_toml, place).await?;
        node.run().await?;
        Ok(node)
    }

    /// `smartket init` on a fresh temp dir, not yet running.
    async fn prepare(
        role: &str,
        name: &str,
        bootstrap: &[String],
        extra_toml: &str,
        place: Option<Place>,
    ) -> Result<Node> {
        let temp = tempfile::tempdir()?;
        let dir = temp.path().join("node");
        let (ok, out, err) = cli(
            &dir,
            &[
                "init",
                "--role",
                role,
                "--name",
                name,
                "--port",
                "0",
                "--api",
                "127.0.0.1:0",
            ],
        )
        .await;
        if !ok {
            bail!("init failed: {out}{err}");
        }
        if !extra_toml.is_empty() {
            let path = dir.join("smartket.toml");
            let mut config = std::fs::read_to_string(&path)?;
            config.push_str(extra_toml);
            std::fs::write(&path, config)?;
        }
        Ok(Node {
            dir,
            _temp: Some(temp),
            child: None,
            api: String::new(),
            token: String::new(),
            login: String::new(),
            https: None,
            run_args: Vec::new(),
            addrs: Vec::new(),
            bootstrap: bootstrap.to_vec(),
            http: reqwest::Client::new(),
            place,
            proxy: None,
        })
    }

    /// (Re)starts the process on the same data dir and waits until it serves its API.
    pub async fn run(&mut self) -> Result<()> {
        let mut cmd = match &self.place {
            Some(place) => {
                let mut cmd = Command::new("ip");
                cmd.args(["netns", "exec", &place.netns])
                    .arg(smartket_bin());
                cmd
            }
            None => Command::new(smartket_bin()),
        };
        let listen = self
            .place
            .as_ref()
            .map_or("/ip4/127.0.0.1/tcp/0", |p| p.listen.as_str());
        // In a lab, the API's port is one held on the test's loopback too, for its proxy.
        let api_port = match self.place {
            Some(_) => Some(std::net::TcpListener::bind("127.0.0.1:0")?),
            None => None,
        };
        cmd.arg("--data-dir")
            .arg(&self.dir)
            .arg("run")
            .args(["--listen", listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for b in &self.bootstrap {
            cmd.args(["--bootstrap", b]);
        }
        if let Some(held) = &api_port {
            cmd.args(["--api", &held.local_addr()?.to_string()]);
        }
        cmd.args(&self.run_args);
        let mut child = cmd.spawn().context("spawn smartket run")?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut api = String::new();
        let mut login = String::new();
        let mut https = None;
        let mut addrs = Vec::new();
        let started = tokio::time::timeout(DEADLINE, async {
            while let Some(line) = lines.next_line().await? {
                let line = line.trim().to_owned();
                if let Some(rest) = line.strip_prefix("API") {
                    api = rest.trim().trim_end_matches("/api/v1/status").to_owned();
                } else if let Some(rest) = line.strip_prefix("login") {
                    login = rest.trim().to_owned();
                } else if let Some(rest) = line.strip_prefix("HTTPS") {
                    https = rest.split_whitespace().next().map(str::to_owned);
                } else if let Some(rest) = line.strip_prefix("listen") {
                    addrs.push(rest.trim().to_owned());
                } else if line.starts_with("Press Ctrl-C") {
                    return Ok::<bool, std::io::Error>(true);
                }
            }
            Ok(false)
        })
        .await;
        match started {
            Ok(Ok(true)) => {}
            other => bail!("node in {} did not start: {other:?}", self.dir.display()),
        }
        // Keep draining stdout so the node never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.token = std::fs::read_to_string(self.dir.join("api-token"))?
            .trim()
            .to_owned();
        if let (Some(place), Some(held)) = (&self.place, api_port) {
            let (url, task) = place.dialer.proxy(held)?;
            if let Some(old) = self.proxy.replace(task) {
                old.abort();
            }
            api = url;
        }
        self.api = api;
        self.login = login;
        self.https = https;
        self.addrs = addrs;
        self.child = Some(child);
        Ok(())
    }

    /// Its first dialable address starting with `prefix` (e.g. `/ip6/`).
    pub fn addr_starting(&self, prefix: &str) -> String {
        self.addrs
            .iter()
            .find(|a| a.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} address among {:?}", self.addrs))
            .clone()
    }

    /// Its process's resident memory, KiB (0 when not running).
    pub fn rss_kib(&self) -> u64 {
        let Some(pid) = self.child.as_ref().and_then(Child::id) else {
            return 0;
        };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }

    /// The TCP port the next [`Node::run`] listens on in its lab (a laptop that restarted
    /// comes back on another port).
    pub fn set_port(&mut self, port: u16) {
        if let Some(place) = &mut self.place {
            let host = place.listen.rsplit_once('/').map_or("", |(h, _)| h);
            place.listen = format!("{host}/{port}");
        }
    }

    /// The peers the next [`Node::run`] dials (a restarted peer listens on a new port).
    pub fn set_bootstrap(&mut self, bootstrap: Vec<String>) {
        self.bootstrap = bootstrap;
    }

    /// SIGKILL, no clean shutdown.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Ctrl-C (SIGINT) and wait for a clean exit; returns whether it exited with success.
    pub async fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return false;
        };
        if let Some(pid) = child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
        }
        match tokio::time::timeout(DEADLINE, child.wait()).await {
            Ok(Ok(status)) => status.success(),
            _ => false,
        }
    }

    /// GET an API path; `None` on 404.
    pub async fn get(&self, path: &str) -> Result<Option<Value>> {
        let response = self
            .http
            .get(format!("{}{path}", self.api))
            .bearer_auth(&self.token)
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            bail!("GET {path}: {}", response.status());
        }
        Ok(Some(response.json().await?))
    }

    /// POST a signed record's wire bytes; returns the API's outcome JSON.
    pub async fn submit(&self, wire: Vec<u8>) -> Result<Value> {
        let response = self
            .http
            .post(format!("{}/api/v1/records", self.api))
            .bearer_auth(&self.token)
            .header("content-type", "application/cbor")
            .body(wire)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("POST record: {}", response.status());
        }
        Ok(response.json().await?)
    }

    /// POST to an API path without a body; returns the status code and the JSON answer.
    pub async fn post(&self, path: &str) -> Result<(u16, Value)> {
        let response = self
            .http
            .post(format!("{}{path}", self.api))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// Sends `method path` with a JSON body (or none); returns the status code and the JSON
    /// answer.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// Whether this node holds the record `id` (and serves it).
    pub async fn has(&self, id: &str) -> bool {
        matches!(
            self.get(&format!("/api/v1/records/{id}")).await,
            Ok(Some(_))
        )
    }

    /// The id of the current record of a slot, `None` when empty, deleted or expired.
    pub async fn current(&self, author: &str, kind: &str, key: &str) -> Option<String> {
        let path = format!("/api/v1/slots/{author}/{kind}/{key}");
        match self.get(&path).await {
            Ok(Some(record)) => record["id"].as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// This node's secret key, read from its data dir (tests sign in its name).
    pub fn secret(&self) -> smartket_protocol::SecretKey {
        let text = std::fs::read_to_string(self.dir.join("identity.key")).expect("key file");
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).expect("hex key");
        smartket_protocol::SecretKey::from_bytes(&bytes)
    }

    /// The node's status JSON.
    pub async fn status(&self) -> Value {
        self.get("/api/v1/status")
            .await
            .ok()
            .flatten()
            .unwrap_or(Value::Null)
    }
}

/// A small market: one cooperative bootstrap node and `n` other nodes.
pub struct Net {
    /// The bootstrap node.
    pub bootstrap: Node,
    /// The others.
    pub nodes: Vec<Node>,
}

impl Net {
    /// Starts the bootstrap node, then `n` producers bootstrapping from it, and waits until each
    /// sees at least one peer.
    pub async fn start(n: usize) -> Result<Net> {
        let bootstrap = Node::start("cooperative", "Coopérative", &[]).await?;
        let addr = bootstrap
            .addrs
            .first()
            .context("bootstrap has no address")?
            .clone();
        let mut nodes = Vec::new();
        for i in 0..n {
            nodes.push(
                Node::start(
                    "producer",
                    &format!("Producteur {i}"),
                    std::slice::from_ref(&addr),
                )
                .await?,
            );
        }
        for node in &nodes {
            wait_until("every node connected", DEADLINE, || async {
                (node.status().await["peers"].as_u64().unwrap_or(0) > 0).then_some(())
            })
            .await;
        }
        Ok(Net { bootstrap, nodes })
    }
}

/// A raw libp2p peer of the market with `keypair`, driven by the test itself: it validates and
/// stores nothing, and answers only what the test answers from its event receiver. Returns
/// its client, its events and its peer id.
pub async fn raw_peer(
    keypair: libp2p::identity::Keypair,
    bootstrap: &[String],
) -> (
    smartket_node::network::Client,
    tokio::sync::mpsc::Receiver<smartket_node::network::NetworkEvent>,
    String,
) {
    raw_peer_with(keypair, bootstrap, |_| {}).await
}

/// [`raw_peer`] with its network configuration changed by `edit` (an attacker that ignores
/// the limits honest nodes keep to).
pub async fn raw_peer_with(
    keypair: libp2p::identity::Keypair,
    bootstrap: &[String],
    edit: impl FnOnce(&mut smartket_node::network::NetworkConfig),
) -> (
    smartket_node::network::Client,
    tokio::sync::mpsc::Receiver<smartket_node::network::NetworkEvent>,
    String,
) {
    use smartket_node::network::{self, NetworkConfig};
    let id = keypair.public().to_peer_id().to_string();
    let mut config = NetworkConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        bootstrap: bootstrap.iter().map(|b| b.parse().unwrap()).collect(),
        markets: vec!["geneva".into()],
        heartbeat: Duration::from_millis(200),
        ..NetworkConfig::default()
    };
    edit(&mut config);
    let (client, events, event_loop) = network::new(keypair, config).await.unwrap();
    tokio::spawn(event_loop.run());
    (client, events, id)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Builders of realistic records for tests.
pub mod fixtures {
    use smartket_protocol::kinds::{Body, Fulfilment, Listing, Price, Unit};
    use smartket_protocol::record::Payload;

    /// A vegetable listing in French and English, picked up at the farm.
    pub fn listing(market: &str, key: &str, title_fr: &str, amount: u64, now: u64) -> Listing {
        let _ = (market, key, now);
        Listing {
            title: [
                ("fr".to_owned(), title_fr.to_owned()),
                ("en".to_owned(), format!("{title_fr} (en)")),
            ]
            .into(),
            description: [("fr".to_owned(), "Cueillies ce matin à Jussy.".to_owned())].into(),
            category: "food.vegetables".into(),
            price: Price {
                amount,
                currency: "CHF".into(),
                unit: Unit::Kg,
            },
            local_share_pct: Some(30),
            variants: Vec::new(),
            stock: Some(40),
            images: Vec::new(),
            origin: None,
            fulfilment: vec![Fulfilment::Pickup {
                place: "Ferme des Grands Bois, route de Jussy 12".into(),
                postcode: "1254".into(),
                hours: Vec::new(),
            }],
            lead_time_h: None,
            service: None,
            on_behalf_of: None,
        }
    }

    /// A listing payload living `lifetime_ms` from `now`.
    pub fn listing_payload(
        market: &str,
        key: &str,
        title_fr: &str,
        amount: u64,
        now: u64,
        lifetime_ms: u64,
    ) -> Payload {
        Payload::new(
            market,
            key,
            now,
            lifetime_ms,
            Body::Listing(listing(market, key, title_fr, amount, now)),
        )
    }
}

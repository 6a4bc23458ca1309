//! The CLI's way into a running node: [`ApiClient`] finds the node's API from the data dir (the
//! address `run` wrote, the token `init` made) and speaks its JSON, so that commands given while
//! the node runs go through the node that holds the database. `status` and `sync` only make
//! sense against a running node and live here with it.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::de::DeserializeOwned;

use super::first_market;
use crate::api::{LoginLink, SubmitOutcome, SyncStarted};
use crate::config::{Config, Overrides};
use crate::daemon::Status;
use crate::identity::{self, DataDirLock};
use crate::record_json::RecordJson;
use crate::sync::PullReport;

/// How often `smartket sync` reads the node's progress.
const SYNC_POLL: Duration = Duration::from_millis(200);

/// Who holds the data dir's database: only one process may open it, so a command either opens
/// it itself, holding the lock for as long as it runs, or asks the node that holds it.
pub(super) enum Holder {
    /// No node runs: the command holds the lock while it works.
    Nobody(DataDirLock),
    /// A node runs: the command asks it.
    Node(ApiClient),
}

impl Holder {
    pub(super) fn of(dir: &Path, config: &Config) -> Result<Holder> {
        match identity::lock_data_dir(dir) {
            Ok(lock) => Ok(Holder::Nobody(lock)),
            Err(identity::IdentityError::Locked { .. }) => {
                Ok(Holder::Node(ApiClient::new(dir, config)?))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A small client of the running node's API, authenticated with the data dir's token.
pub(super) struct ApiClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl ApiClient {
    pub(super) fn new(dir: &Path, config: &Config) -> Result<ApiClient> {
        let token = identity::read_api_token(dir)?
            .with_context(|| format!("no API token in {}", dir.display()))?;
        // A running node writes the address it actually bound (the config may say port 0).
        let addr = std::fs::read_to_string(crate::data_dir::DataDir::new(dir).api_addr())
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| config.api.listen.to_string());
        Ok(ApiClient {
            base: format!("http://{addr}"),
            token,
            http: reqwest::Client::new(),
        })
    }

    async fn status(&self) -> Result<Status> {
        self.call(self.http.get(self.url("/api/v1/status"))).await
    }

    pub(super) async fn own_listings(&self) -> Result<Vec<RecordJson>> {
        self.call(self.http.get(self.url("/api/v1/own/records?kind=listing")))
            .await
    }

    async fn post<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.call(self.http.post(self.url(path))).await
    }

    /// Hands over a record signed here, as its wire bytes: the node checks it as it checks
    /// records from the network.
    pub(super) async fn submit(&self, wire: Vec<u8>) -> Result<SubmitOutcome> {
        let request = self
            .http
            .post(self.url("/api/v1/records"))
            .header("content-type", "application/cbor")
            .body(wire);
        self.call(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `request` with the token; a refusal becomes the node's own message when it gives
    /// one (it names what was wrong, e.g. a bad author key), else its HTTP status.
    async fn call<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T> {
        Ok(self.send(request).await?.json().await?)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("contacting the node at {}", self.base))?;
        let status = response.status();
        if !status.is_success() {
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            match body["error"]["message"].as_str() {
                Some(message) => bail!("{message}"),
                None => bail!("the node answered {status}"),
            }
        }
        Ok(response)
    }

    /// Has the running node make a backup and writes it to `out` as it arrives, calling
    /// `progress` with the bytes so far and the whole size; returns the bytes written.
    pub(super) async fn backup(
        &self,
        out: &mut impl std::io::Write,
        progress: impl Fn(u64, Option<u64>),
    ) -> Result<u64> {
        let mut response = self
            .send(self.http.post(self.url("/api/v1/backup")))
            .await?;
        let total = response.content_length();
        let mut written = 0u64;
        while let Some(chunk) = response.chunk().await.context("receiving the backup")? {
            out.write_all(&chunk)?;
            written += chunk.len() as u64;
            progress(written, total);
        }
        if total.is_some_and(|t| t != written) {
            bail!(
                "the backup was cut short ({written} of {} bytes)",
                total.unwrap_or(0)
            );
        }
        Ok(written)
    }
}

pub(super) async fn status(dir: &Path) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let client = ApiClient::new(dir, &config)?;
    let status = match client.status().await {
        Ok(status) => status,
        Err(e) => bail!("{e:#}\n(is the node running? start it with `smartket run`)"),
    };
    println!("author     {}", status.author);
    println!("peer id    {}", status.peer_id);
    println!("role       {}", status.role);
    println!("peers      {}", status.peers);
    println!("reachable  {}", advice(status.reachability.state()));
    for relay in &status.reachability.relays {
        println!("relay      {relay}");
    }
    for addr in &status.listen {
        println!("listen     {addr}");
    }
    for (market, counts) in &status.markets {
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("market     {market}: {}", counts.join(", "));
    }
    println!("unpublished {}", status.unpublished);
    match status.disk.state.as_str() {
        "ok" => println!("disk       ok"),
        state => println!(
            "disk       {}: {} ({}) — nothing can be saved until {}",
            state.to_uppercase(),
            status.disk.message.as_deref().unwrap_or("?"),
            status.disk.file.as_deref().unwrap_or("?"),
            if state == "full" {
                "space is freed; the node then carries on by itself"
            } else {
                "the disk answers again"
            }
        ),
    }
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

pub(super) async fn sync(dir: &Path, author: Option<String>, market: Option<String>) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let client = match ApiClient::new(dir, &config) {
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
        let report: PullReport = client
            .post(&format!("/api/v1/markets/{market}/authors/{author}/pull"))
            .await?;
        println!(
            "Pulled {} records of {author} from {} ({} new or newer, {} pages)",
            report.received, report.peer, report.stored, report.pages
        );
        return Ok(());
    }
    let _: SyncStarted = client.post("/api/v1/sync").await?;
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

/// `smartket login` / `open`: asks the running node for a fresh one-time link, then prints it
/// or opens it in the default browser.
pub(super) async fn login(dir: &Path, open: bool) -> Result<()> {
    print_link(dir, open, "smartket login").await
}

/// Asks the node of `dir` for a link and prints it (saying `again` gives another) or opens it.
async fn print_link(dir: &Path, open: bool, again: &str) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let client = ApiClient::new(dir, &config)?;
    let link: LoginLink = match client.post("/api/v1/login-links").await {
        Ok(link) => link,
        Err(e) => bail!(
            "{e:#}\n(is the node in {} running? start it with `smartket run`)",
            dir.display()
        ),
    };
    if open {
        open_in_browser(&link.link)?;
        println!("Opened {} in your browser.", link.link);
    } else {
        println!("{}", link.link);
        println!(
            "Open it within {} hours; it works once. `{again}` gives another.",
            crate::sessions::LOGIN_LINK_SECS / 3600
        );
    }
    Ok(())
}

/// `smartket demo --login ACTOR`: the same for one node of the running demo in `dir`, the
/// actor named by its file name or by (part of) its name.
pub(super) async fn demo_login(dir: &Path, actor: &str) -> Result<()> {
    let wanted = actor.to_lowercase();
    let entries = std::fs::read_dir(dir).with_context(|| {
        format!(
            "no demo in {}: start it with `smartket demo`",
            dir.display()
        )
    })?;
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let node_dir = entry.path();
        let Ok(config) = Config::load(&node_dir, &Overrides::default()) else {
            continue;
        };
        let slug = entry.file_name().to_string_lossy().into_owned();
        if slug == wanted || config.node.name.to_lowercase().contains(&wanted) {
            return print_link(&node_dir, false, &format!("smartket demo --login {actor}")).await;
        }
        names.push(slug);
    }
    names.sort();
    bail!(
        "no actor {actor:?} in the demo in {}; its actors: {}",
        dir.display(),
        names.join(", ")
    )
}

/// Hands `link` to the desktop's opener.
fn open_in_browser(link: &str) -> Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(link)
        .status()
        .with_context(|| {
            format!("no browser to open here ({opener} failed); open this link yourself: {link}")
        })?;
    if !status.success() {
        bail!("{opener} could not open the link; open it yourself: {link}");
    }
    Ok(())
}

/// What the owner should know of how the node is reached (`Reachability::state`), in one
/// sentence; the web UI says the same in the reader's language.
fn advice(state: &str) -> &'static str {
    match state {
        "direct" => "reachable directly: other nodes connect to this one",
        "relayed" => {
            "reachable through the cooperative: this node is behind a router, orders reach \
             it through the market's cooperative"
        }
        _ => {
            "not reachable yet: orders wait at the cooperative until this node collects \
             them; check that a cooperative is in the bootstrap list"
        }
    }
}

//! Who may use this node's web UI from a browser: one-time links traded for sessions that last,
//! and phones paired as named devices whose sessions reach only their part of the node.
//!
//! ```text
//! smartket run / login ─▶ link (owner, 24 h, once) ─┐
//! "Connecter un téléphone" ─▶ link (device, 10 min) ─┴▶ redeem ─▶ session (30 days idle, renewed on use)
//!                                                               ─▶ sessions.json (hashes only)
//! ```
//!
//! Sessions are kept in the data dir so that a restarted node, or a rebooted laptop, logs
//! nobody out. The file holds SHA-256 hashes of the session secrets, never the secrets: a copy
//! of it (a backup, say) opens nothing. Links live in memory only — a restarted node has
//! forgotten the links it gave out, which is what a link found later in a terminal log should
//! do. Failed attempts at a link are counted per address and refused past
//! [`FAILURES_PER_MINUTE`] (the secrets are 256 bits: the limit keeps a guesser from filling
//! the logs and the CPU, not from guessing).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use axum::http::Method;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data_dir::DataDir;

/// A session unused for this long is closed (seconds).
pub const IDLE_LIMIT_SECS: u64 = 30 * 24 * 3600;
/// An owner's login link works this long, once (seconds).
pub const LOGIN_LINK_SECS: u64 = 24 * 3600;
/// A phone's pairing link works this long, once (seconds).
pub const PAIRING_LINK_SECS: u64 = 10 * 60;
/// Failed link attempts allowed per address per minute.
pub const FAILURES_PER_MINUTE: usize = 10;
/// A session's cookie is sent again with a fresh lifetime once it is this old (seconds).
const RENEW_AFTER_SECS: u64 = 24 * 3600;
/// A session's last use is written to disk at most this often (seconds).
const SAVE_USE_EVERY_SECS: u64 = 600;
/// Links waiting to be used; the oldest is dropped for a new one.
const MAX_LINKS: usize = 32;
/// Sessions kept; the least recently used is closed for a new one.
const MAX_SESSIONS: usize = 256;
/// Addresses whose failures are remembered.
const MAX_FAILING_ADDRESSES: usize = 1024;
/// Longest device name kept.
pub const MAX_DEVICE_NAME: usize = 60;

tokio::task_local! {
    /// The scope of the request being answered, set by the API's guard around each route, so
    /// that the page layout shows a device only the links it may follow.
    pub static SCOPE: Scope;
}

/// The scope of the request being answered; `None` outside a request the guard let through
/// (a page shown to a browser it turned away).
pub fn current_scope() -> Option<Scope> {
    SCOPE.try_with(|s| *s).ok()
}

/// What a session may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everything: the node's owner.
    Owner,
    /// A courier's phone: the job board, the day's route, its jobs' pages and their courier
    /// steps.
    Courier,
    /// A seller's helper: the orders, the packing list, the exports, the steps of an order and
    /// the stock of listings.
    Helper,
}

impl Scope {
    /// Every scope a phone may be paired with.
    pub const DEVICES: [Scope; 3] = [Scope::Courier, Scope::Helper, Scope::Owner];

    /// Its name in forms and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Owner => "owner",
            Scope::Courier => "courier",
            Scope::Helper => "helper",
        }
    }

    /// The scope named `name`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::DEVICES.into_iter().find(|s| s.as_str() == name)
    }

    /// The page a session of this scope opens on.
    pub fn home(self) -> &'static str {
        match self {
            Scope::Owner => "/",
            Scope::Courier => "/gestion/tournee",
            Scope::Helper => "/gestion",
        }
    }

    /// Whether a session of this scope may send `method` to `path`. The rule is by path, in
    /// one place, so that a page added later is closed to devices until it is named here.
    pub fn allows(self, method: &Method, path: &str) -> bool {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let read = matches!(*method, Method::GET | Method::HEAD);
        let common = matches!(
            (read, segments.as_slice()),
            (false, ["deconnexion"])
                | (true, ["api", "v1", "events"])
                | (true, ["commandes", _])
                | (false, ["commandes", _, "etape"])
        );
        match self {
            Scope::Owner => true,
            Scope::Courier => {
                common
                    || (read
                        && matches!(
                            segments.as_slice(),
                            ["gestion", "tournee"] | ["gestion", "livraison"]
                        ))
            }
            Scope::Helper => {
                common
                    || matches!(
                        (read, segments.as_slice()),
                        (true, ["gestion"])
                            | (true, ["gestion", "preparation"])
                            | (true, ["gestion", "export", _])
                            | (true, ["gestion", "annonces"])
                            | (false, ["gestion", "annonces", _, "stock"])
                    )
            }
        }
    }

    /// Whether a session of this scope may make the order step named `step` (the courier's
    /// phone makes the courier's steps only, even on an order where this node is also the
    /// buyer or the seller).
    pub fn may_step(self, step: &str) -> bool {
        match self {
            Scope::Courier => matches!(step, "picked_up" | "delivered"),
            Scope::Owner | Scope::Helper => true,
        }
    }
}

/// What the owner sees of a session (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// A short public name for it, to revoke it by.
    pub id: String,
    /// What it may reach.
    pub scope: Scope,
    /// The device's name, for a paired phone; `None` for the owner's browsers.
    pub device: Option<String>,
    /// The browser it was opened in, as its `User-Agent` summarised.
    pub agent: String,
    /// When it was opened (Unix seconds).
    pub created: u64,
    /// When it was last used (Unix seconds).
    pub last_used: u64,
}

/// A session as the file holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    info: SessionInfo,
    /// SHA-256 of the secret, hex.
    hash: String,
    /// When its cookie was last sent with a full lifetime.
    renewed: u64,
}

/// The sessions file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    sessions: Vec<Stored>,
}

/// A link given out and not yet used.
struct Link {
    hash: String,
    scope: Scope,
    device: Option<String>,
    expires: u64,
}

/// Why a link opened no session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedeemError {
    /// Unknown, used, or from before the node restarted.
    #[error("this link is unknown or was already used")]
    Unknown,
    /// Given out too long ago.
    #[error("this link has expired")]
    Expired,
    /// Too many wrong links from this address lately.
    #[error("too many wrong links from this address; try again in {retry_after} s")]
    TooMany {
        /// Seconds until the next attempt is heard.
        retry_after: u64,
    },
}

/// Why the sessions could not be read or kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionsError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a sessions file of this version.
    #[error("{path}: not a sessions file ({message}); delete it to log every browser out")]
    Format {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// The system's random source.
    #[error("random source: {0}")]
    Random(String),
}

/// A session as a request finds it.
#[derive(Debug, Clone)]
pub struct Found {
    /// The session.
    pub info: SessionInfo,
    /// Its cookie is due to be sent again with a full lifetime.
    pub renew: bool,
}

/// The node's sessions and the links waiting to be used.
pub struct Sessions {
    /// Where they are kept; `None` keeps them in memory (tests).
    path: Option<PathBuf>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    sessions: HashMap<String, Stored>,
    links: VecDeque<Link>,
    failures: HashMap<IpAddr, VecDeque<u64>>,
    saved_use: u64,
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    crate::clock::now_ms() / 1000
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_secret() -> Result<String, SessionsError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SessionsError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// `User-Agent` said in a few words ("Chrome on Android").
pub fn summarise_agent(agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .into_iter()
        .find(|b| agent.contains(b))
        .map(|b| match b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|s| agent.contains(s))
        .map(|s| if s == "Mac OS" { "macOS" } else { s });
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => agent.chars().take(40).collect(),
    }
}

impl Sessions {
    /// The sessions of data dir `dir`, read from its file (none yet is fine); sessions idle
    /// past [`IDLE_LIMIT_SECS`] are dropped.
    pub fn open(dir: &std::path::Path) -> Result<Sessions, SessionsError> {
        let path = DataDir::new(dir).sessions();
        let file: File = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SessionsError::Format {
                path: path.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
            Err(source) => return Err(SessionsError::Io { path, source }),
        };
        let now = now_secs();
        let sessions = file
            .sessions
            .into_iter()
            .filter(|s| now.saturating_sub(s.info.last_used) < IDLE_LIMIT_SECS)
            .map(|s| (s.hash.clone(), s))
            .collect();
        Ok(Sessions {
            path: Some(path),
            state: Mutex::new(State {
                sessions,
                saved_use: now,
                ..State::default()
            }),
        })
    }

    /// Sessions kept in memory only.
    pub fn in_memory() -> Sessions {
        Sessions {
            path: None,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while the lock was held leaves plain data behind, still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new link secret for `scope` (a device's when `device` names it), valid `ttl` seconds
    /// from `now`, once.
    pub fn new_link(
        &self,
        scope: Scope,
        device: Option<String>,
        ttl: u64,
        now: u64,
    ) -> Result<String, SessionsError> {
        let secret = random_secret()?;
        let mut state = self.state();
        state.links.retain(|l| l.expires > now);
        while state.links.len() >= MAX_LINKS {
            state.links.pop_front();
        }
        state.links.push_back(Link {
            hash: hash(&secret),
            scope,
            device: device.map(|d| d.chars().take(MAX_DEVICE_NAME).collect()),
            expires: now.saturating_add(ttl),
        });
        Ok(secret)
    }

    /// Trades link secret `presented`, from address `from` in browser `agent`, for a new
    /// session: its secret (for the cookie) and what it is.
    pub fn redeem(
        &self,
        presented: &str,
        from: IpAddr,
        agent: &str,
        now: u64,
    ) -> Result<(String, SessionInfo), RedeemError> {
        let mut state = self.state();
        if let Some(failures) = state.failures.get_mut(&from) {
            while failures
                .front()
                .is_some_and(|t| now.saturating_sub(*t) >= 60)
            {
                failures.pop_front();
            }
            if failures.len() >= FAILURES_PER_MINUTE {
                let oldest = failures.front().copied().unwrap_or(now);
                return Err(RedeemError::TooMany {
                    retry_after: 60u64.saturating_sub(now.saturating_sub(oldest)).max(1),
                });
            }
        }
        let wanted = hash(presented);
        let found = state.links.iter().position(|l| l.hash == wanted);
        let outcome = match found.and_then(|i| state.links.remove(i)) {
            None => Err(RedeemError::Unknown),
            Some(link) if link.expires <= now => Err(RedeemError::Expired),
            Some(link) => Ok(link),
        };
        let link = match outcome {
            Ok(link) => link,
            Err(e) => {
                if state.failures.len() >= MAX_FAILING_ADDRESSES
                    && !state.failures.contains_key(&from)
                {
                    state.failures.clear();
                }
                state.failures.entry(from).or_default().push_back(now);
                return Err(e);
            }
        };
        drop(state);
        let secret = random_secret().map_err(|_| RedeemError::Unknown)?;
        let info = SessionInfo {
            id: hash(&secret)[..8].to_owned(),
            scope: link.scope,
            device: link.device,
            agent: summarise_agent(agent),
            created: now,
            last_used: now,
        };
        let mut state = self.state();
        while state.sessions.len() >= MAX_SESSIONS {
            let Some(oldest) = state
                .sessions
                .values()
                .min_by_key(|s| s.info.last_used)
                .map(|s| s.hash.clone())
            else {
                break;
            };
            state.sessions.remove(&oldest);
        }
        let stored = Stored {
            info: info.clone(),
            hash: hash(&secret),
            renewed: now,
        };
        state.sessions.insert(stored.hash.clone(), stored);
        self.save(&state);
        Ok((secret, info))
    }

    /// The open session whose secret is `presented`, marked used at `now`.
    pub fn check(&self, presented: &str, now: u64) -> Option<Found> {
        let mut state = self.state();
        let key = hash(presented);
        let session = state.sessions.get_mut(&key)?;
        if now.saturating_sub(session.info.last_used) >= IDLE_LIMIT_SECS {
            state.sessions.remove(&key);
            self.save(&state);
            return None;
        }
        session.info.last_used = now;
        let renew = now.saturating_sub(session.renewed) >= RENEW_AFTER_SECS;
        if renew {
            session.renewed = now;
        }
        let info = session.info.clone();
        if renew || now.saturating_sub(state.saved_use) >= SAVE_USE_EVERY_SECS {
            state.saved_use = now;
            self.save(&state);
        }
        Some(Found { info, renew })
    }

    /// Closes the session whose secret is `presented` (logging out).
    pub fn end(&self, presented: &str) {
        let mut state = self.state();
        if state.sessions.remove(&hash(presented)).is_some() {
            self.save(&state);
        }
    }

    /// Closes the session named `id`; whether there was one.
    pub fn revoke(&self, id: &str) -> bool {
        let mut state = self.state();
        let before = state.sessions.len();
        state.sessions.retain(|_, s| s.info.id != id);
        let revoked = state.sessions.len() != before;
        if revoked {
            self.save(&state);
        }
        revoked
    }

    /// Every open session, most recently used first.
    pub fn list(&self) -> Vec<SessionInfo> {
        let mut all: Vec<SessionInfo> = self
            .state()
            .sessions
            .values()
            .map(|s| s.info.clone())
            .collect();
        all.sort_by(|a, b| b.last_used.cmp(&a.last_used).then(a.id.cmp(&b.id)));
        all
    }

    /// The session named by the secret `presented`, if open (without marking it used).
    pub fn id_of(&self, presented: &str) -> Option<String> {
        self.state()
            .sessions
            .get(&hash(presented))
            .map(|s| s.info.id.clone())
    }

    /// Writes the sessions to their file (a temporary file renamed over it, mode 0600). The
    /// file is small and written on logins, logouts, revocations and at most every ten minutes
    /// of use, so it is written in place on the caller's thread. A failed write is logged and
    /// the sessions stay open in memory: a full disk must not lock the owner out.
    fn save(&self, state: &State) {
        let Some(path) = &self.path else {
            return;
        };
        let file = File {
            version: 1,
            sessions: state.sessions.values().cloned().collect(),
        };
        let written = serde_json::to_vec_pretty(&file)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::data_dir::write_private(path, &bytes));
        if let Err(e) = written {
            tracing::warn!("could not save the sessions to {}: {e}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const CHROME: &str =
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36";

    #[test]
    fn a_link_opens_one_session_that_a_new_node_process_still_knows() {
        let dir = crate::data_dir::temp_data_dir();
        let sessions = Sessions::open(dir.path()).unwrap();
        let now = now_secs();
        let link = sessions
            .new_link(Scope::Owner, None, LOGIN_LINK_SECS, now)
            .unwrap();
        let (secret, info) = sessions.redeem(&link, HOME, CHROME, now).unwrap();
        assert_eq!(info.scope, Scope::Owner);
        assert_eq!(info.agent, "Chrome · Android");
        assert_eq!(
            sessions.redeem(&link, HOME, CHROME, now),
            Err(RedeemError::Unknown),
            "a link works once"
        );
        let reopened = Sessions::open(dir.path()).unwrap();
        let found = reopened.check(&secret, now_secs()).expect("kept on disk");
        assert_eq!(found.info.id, info.id);
        let file = std::fs::read_to_string(DataDir::new(dir.path()).sessions()).unwrap();
        assert!(!file.contains(&secret), "the file holds no secret");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(DataDir::new(dir.path()).sessions())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn links_expire_sessions_close_when_idle_and_cookies_are_renewed_daily() {
        let sessions = Sessions::in_memory();
        let late = sessions
            .new_link(Scope::Courier, Some("Vélo".into()), PAIRING_LINK_SECS, 0)
            .unwrap();
        assert_eq!(
            sessions.redeem(&late, HOME, CHROME, PAIRING_LINK_SECS),
            Err(RedeemError::Expired)
        );
        let link = sessions
            .new_link(Scope::Courier, Some("Vélo".into()), PAIRING_LINK_SECS, 0)
            .unwrap();
        let (secret, info) = sessions.redeem(&link, HOME, CHROME, 10).unwrap();
        assert_eq!(info.device.as_deref(), Some("Vélo"));
        assert!(!sessions.check(&secret, 20).unwrap().renew);
        assert!(
            sessions
                .check(&secret, 20 + RENEW_AFTER_SECS)
                .unwrap()
                .renew
        );
        assert!(
            !sessions
                .check(&secret, 30 + RENEW_AFTER_SECS)
                .unwrap()
                .renew
        );
        let later = 30 + RENEW_AFTER_SECS + IDLE_LIMIT_SECS;
        assert!(sessions.check(&secret, later).is_none(), "idle too long");
        assert!(sessions.list().is_empty());
    }

    #[test]
    fn wrong_links_from_one_address_are_refused_for_a_minute_and_others_still_get_in() {
        let sessions = Sessions::in_memory();
        let guesser: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..FAILURES_PER_MINUTE {
            assert_eq!(
                sessions.redeem("00", guesser, "", 100),
                Err(RedeemError::Unknown)
            );
        }
        let link = sessions.new_link(Scope::Owner, None, 600, 100).unwrap();
        assert!(matches!(
            sessions.redeem(&link, guesser, "", 101),
            Err(RedeemError::TooMany { retry_after: 59 })
        ));
        assert!(
            sessions.redeem(&link, HOME, "", 101).is_ok(),
            "another address"
        );
        let again = sessions.new_link(Scope::Owner, None, 600, 100).unwrap();
        assert!(
            sessions.redeem(&again, guesser, "", 160).is_ok(),
            "a minute later"
        );
    }

    #[test]
    fn revoking_and_logging_out_close_a_session() {
        let sessions = Sessions::in_memory();
        let open = |device: Option<&str>| {
            let link = sessions
                .new_link(Scope::Helper, device.map(Into::into), 600, 0)
                .unwrap();
            sessions.redeem(&link, HOME, "", 1).unwrap()
        };
        let (phone, phone_info) = open(Some("Aide"));
        let (laptop, _) = open(None);
        assert_eq!(sessions.list().len(), 2);
        assert!(sessions.revoke(&phone_info.id));
        assert!(!sessions.revoke(&phone_info.id));
        assert!(sessions.check(&phone, 2).is_none());
        sessions.end(&laptop);
        assert!(sessions.check(&laptop, 2).is_none());
        assert!(sessions.list().is_empty());
    }

    #[test]
    fn a_courier_phone_reaches_its_jobs_and_courier_steps_only() {
        let c = Scope::Courier;
        assert!(c.allows(&Method::GET, "/gestion/tournee"));
        assert!(c.allows(&Method::GET, "/commandes/00ff"));
        assert!(c.allows(&Method::POST, "/commandes/00ff/etape"));
        assert!(c.allows(&Method::GET, "/api/v1/events"));
        assert!(!c.allows(&Method::GET, "/"));
        assert!(!c.allows(&Method::GET, "/gestion/annonces"));
        assert!(!c.allows(&Method::POST, "/gestion/livraison/nouvelle"));
        assert!(!c.allows(&Method::GET, "/parametres"));
        assert!(!c.allows(&Method::GET, "/api/v1/node"));
        assert!(c.may_step("delivered") && !c.may_step("accepted"));
        let h = Scope::Helper;
        assert!(h.allows(&Method::GET, "/gestion"));
        assert!(h.allows(&Method::GET, "/gestion/preparation"));
        assert!(h.allows(&Method::GET, "/gestion/export/lignes.csv"));
        assert!(h.allows(&Method::POST, "/gestion/annonces/pain/stock"));
        assert!(!h.allows(&Method::POST, "/gestion/annonces/pain"));
        assert!(!h.allows(&Method::GET, "/parametres/acces"));
        assert!(Scope::Owner.allows(&Method::DELETE, "/api/v1/sessions/x"));
    }
}

//! A node's data dir and every file in it, named in one place: what a backup must copy, what
//! an operator may delete (the search index, rebuilt from the store), and what no two modules
//! may both think they own.
//!
//! ```text
//! <data dir>/
//!   smartket.toml   config          identity.key  the actor's secret key (0600)
//!   node.lock       held while run  api-token     the local API's bearer token (0600)
//!   smartket.redb   records         orders.redb   orders and their steps
//!   mailbox.redb    others' mail    settings.json the owner's settings
//!   blobs/          images          search/       the full-text index (rebuilt when missing)
//! ```

use std::path::{Path, PathBuf};

/// Where the data dir is when neither `--data-dir` nor `$SMARTKET_DATA_DIR` names one (the
/// CLI reads those): `$XDG_DATA_HOME/smartket`, else `~/.local/share/smartket`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("smartket");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/smartket"),
        None => PathBuf::from("smartket-data"),
    }
}

/// The data dir at `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data dir at `root` (nothing is created).
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The node's configuration (`smartket.toml`).
    pub fn config(&self) -> PathBuf {
        self.root.join("smartket.toml")
    }

    /// The actor's secret key.
    pub fn key(&self) -> PathBuf {
        self.root.join("identity.key")
    }

    /// The lock a running node holds.
    pub fn lock(&self) -> PathBuf {
        self.root.join("node.lock")
    }

    /// The local API's bearer token.
    pub fn api_token(&self) -> PathBuf {
        self.root.join("api-token")
    }

    /// The record store.
    pub fn store(&self) -> PathBuf {
        self.root.join("smartket.redb")
    }

    /// The order book.
    pub fn orders(&self) -> PathBuf {
        self.root.join("orders.redb")
    }

    /// The mailboxes a cooperative keeps for others.
    pub fn mailbox(&self) -> PathBuf {
        self.root.join("mailbox.redb")
    }

    /// The owner's settings.
    pub fn settings(&self) -> PathBuf {
        self.root.join("settings.json")
    }

    /// The blob (image) store.
    pub fn blobs(&self) -> PathBuf {
        self.root.join("blobs")
    }

    /// The full-text index.
    pub fn search(&self) -> PathBuf {
        self.root.join("search")
    }
}

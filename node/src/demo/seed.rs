//! The demo market's seed: actor files (`<dir>/actors/*.toml`) and their pictures
//! (`<dir>/pictures/`) → checked, signed-ready record bodies per actor, in publishing order.
//!
//! Actor files name other actors by `@slug` (and listings by `@slug/listing-key`) and pictures
//! by file name, because keys and blob ids do not exist until the demo runs. Loading turns
//! those references into the protocol's values, then runs the very checks a node runs on a
//! record from the network, so a typo in a hand-edited file is reported here with its file and
//! field rather than as a refused record in a running demo.
//!
//! This file holds what a load gives (the [`Seed`], its actors and records, [`SeedError`]) and
//! the load itself, in its steps: the files are read and parsed (`files.rs`), the references'
//! targets gathered (`refs.rs`), each actor's records built and checked (`records.rs`) with
//! keys derived from its slug (`keys.rs`).

mod files;
mod keys;
mod records;
mod refs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use smartket_protocol::kinds::Listing;
use smartket_protocol::{AuthorKey, BlobId, Body, EncryptionKey, RecordError, SecretKey};

use files::{load_market, parse_actor_files};
pub use keys::{demo_encryption_key, demo_secret};
use records::Resolver;
pub use refs::MAX_PICTURE_BYTES;
use refs::{Directory, Pictures};

/// What went wrong loading the seed; each variant names the file and, where there is one, the
/// field, because a person edits these files by hand.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// A file or directory could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid TOML or does not have the actor file's shape.
    #[error("{path}: {field}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where in the file (`file` when the whole file did not parse).
        field: String,
        /// The parser's message.
        message: String,
    },
    /// The market config did not load.
    #[error("{path}: {message}")]
    Market {
        /// `market.toml`.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The directory holds no actor file.
    #[error("no actor files (*.toml) in {0}")]
    NoActors(PathBuf),
    /// Two actor files use the same slug.
    #[error("{path}: slug {slug:?} is already used by {other}")]
    DuplicateSlug {
        /// The second file.
        path: PathBuf,
        /// The slug.
        slug: String,
        /// The first file.
        other: PathBuf,
    },
    /// One actor has two records in the same slot.
    #[error("{path}: {field}: key {key:?} is used twice")]
    DuplicateKey {
        /// The file.
        path: PathBuf,
        /// The entry.
        field: String,
        /// The slot key.
        key: String,
    },
    /// A reference names no actor, or no listing of that actor.
    #[error("{path}: {field}: unknown reference {reference:?} ({why})")]
    UnknownRef {
        /// The file.
        path: PathBuf,
        /// The field holding the reference.
        field: String,
        /// The reference as written.
        reference: String,
        /// Which part did not resolve.
        why: String,
    },
    /// A named picture is not in the pictures directory, or is not a usable image.
    #[error("{path}: {field}: picture {name:?}: {why}")]
    Picture {
        /// The file.
        path: PathBuf,
        /// The field naming the picture.
        field: String,
        /// The picture's file name as written.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// A body breaks a rule of the protocol or of the market.
    #[error("{path}: {entry}: {source}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Which record (`profile`, `listings[3] (carottes-kg)`…).
        entry: String,
        /// The protocol's verdict, naming the field.
        source: RecordError,
    },
}

/// What an actor is in the demo, which decides when it publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedRole {
    /// Issues labels; first, so labels show as soon as sellers appear.
    Certifier,
    /// Makes what it sells.
    Producer,
    /// A shop.
    Shop,
    /// A service provider.
    ServiceProvider,
    /// A sector platform that publishes for members.
    Platform,
    /// A delivery firm.
    Courier,
    /// The consumer whose shop the demo opens.
    Consumer,
}

/// One picture the seed uses, for the runner to put in the blob store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Where it is.
    pub path: PathBuf,
    /// Its blob id (blake3 of the bytes).
    pub id: BlobId,
}

/// One record to publish: its slot key and body.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedRecord {
    /// The slot key.
    pub key: String,
    /// The body, exactly as the protocol defines it.
    pub body: Body,
}

/// One actor, resolved.
#[derive(Clone)]
pub struct SeedActor {
    /// The slug other files refer to it by.
    pub slug: String,
    /// The file it came from.
    pub file: PathBuf,
    /// What it is in the demo.
    pub role: SeedRole,
    /// Whether it runs a node of its own (relayed producers do not).
    pub node: bool,
    /// Its demo signing key.
    pub secret: SecretKey,
    /// Its demo encryption key (the profile publishes the public half).
    pub enc: EncryptionKey,
    /// Its records: profile, memberships, delivery offers, attestations, listings.
    pub records: Vec<SeedRecord>,
}

impl std::fmt::Debug for SeedActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedActor")
            .field("slug", &self.slug)
            .field("role", &self.role)
            .field("node", &self.node)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl SeedActor {
    /// The actor's public key.
    pub fn key(&self) -> AuthorKey {
        self.secret.public()
    }

    /// Its listings.
    pub fn listings(&self) -> impl Iterator<Item = (&str, &Listing)> {
        self.records.iter().filter_map(|r| match &r.body {
            Body::Listing(l) => Some((r.key.as_str(), l)),
            _ => None,
        })
    }
}

/// The whole seed, in publishing order.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The market's id (from `market.toml`).
    pub market: String,
    /// Actors in the order to publish them: certifier, relayed producers (their memberships
    /// must exist before the platform publishes for them), platform, sellers, couriers,
    /// consumer.
    pub actors: Vec<SeedActor>,
    /// Every picture used, by file name.
    pub pictures: BTreeMap<String, Picture>,
}

impl Seed {
    /// Loads `<dir>/market.toml`, `<dir>/actors/*.toml` and the pictures they name.
    pub fn load(dir: &Path) -> Result<Seed, SeedError> {
        let market = load_market(&dir.join("market.toml"))?;
        let files = parse_actor_files(&dir.join("actors"))?;
        let directory = Directory::new(&files)?;
        let mut pictures = Pictures::new(dir.join("pictures"));
        let mut actors = Vec::with_capacity(files.len());
        for file in &files {
            let resolver = Resolver {
                file,
                directory: &directory,
                market: &market,
            };
            actors.push(resolver.actor(&mut pictures)?);
        }
        actors.sort_by_key(|a| (publish_rank(a), a.slug.clone()));
        Ok(Seed {
            market: market.id.clone(),
            actors,
            pictures: pictures.found,
        })
    }

    /// Every listing of the seed.
    pub fn listing_count(&self) -> usize {
        self.actors.iter().map(|a| a.listings().count()).sum()
    }
}

/// Where an actor goes in the publishing order.
fn publish_rank(actor: &SeedActor) -> u8 {
    match actor.role {
        SeedRole::Certifier => 0,
        _ if !actor.node => 1,
        SeedRole::Platform => 2,
        SeedRole::Producer | SeedRole::Shop | SeedRole::ServiceProvider => 3,
        SeedRole::Courier => 4,
        SeedRole::Consumer => 5,
    }
}

#[cfg(test)]
mod tests;

//! The demo market's seed: actor files (`<dir>/actors/*.toml`) and their pictures
//! (`<dir>/pictures/`) → checked, signed-ready record bodies per actor, in publishing order.
//!
//! Actor files name other actors by `@slug` (and listings by `@slug/listing-key`) and pictures
//! by file name, because keys and blob ids do not exist until the demo runs. This module turns
//! those references into the protocol's values, then runs the very checks a node runs on a
//! record from the network, so a typo in a hand-edited file is reported here with its file and
//! field rather than as a refused record in a running demo.
//!
//! Demo keys are derived from the slug: the same seed gives the same record ids on every run,
//! so a restarted demo keeps its shop's links and the consumer's cart. They are public
//! knowledge and only ever sign demo data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ciborium::Value;
use serde::Deserialize;
use smartket_protocol::kinds::{
    Attestation, DeliveryOffer, Listing, Membership, PROFILE_KEY, Profile, Scope, Subject,
};
use smartket_protocol::{
    AuthorKey, BlobId, Body, EncryptionKey, Market, Payload, Record, RecordError, SecretKey,
};

/// Largest picture the node's blob store takes.
pub const MAX_PICTURE_BYTES: u64 = 8 * 1024 * 1024;

/// The clock the seed is validated at: validation does not depend on time, but signing needs a
/// revision; the runner signs again with the real clock.
const VALIDATION_NOW_MS: u64 = 1_790_000_000_000;
/// Lifetime used for the trial signature (30 days, a listing's usual lifetime).
const VALIDATION_LIFETIME_MS: u64 = 30 * 24 * 60 * 60 * 1000;

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

/// The demo signing key of `slug`.
pub fn demo_secret(slug: &str) -> SecretKey {
    SecretKey::from_bytes(&blake3::derive_key(
        "smartket demo seed v1 signing key",
        slug.as_bytes(),
    ))
}

/// The demo encryption key of `slug`.
pub fn demo_encryption_key(slug: &str) -> EncryptionKey {
    EncryptionKey::from_seed(&blake3::derive_key(
        "smartket demo seed v1 encryption key",
        slug.as_bytes(),
    ))
}

fn load_market(path: &Path) -> Result<Market, SeedError> {
    let text = read(path)?;
    Market::from_toml(&text).map_err(|e| SeedError::Market {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn read(path: &Path) -> Result<String, SeedError> {
    std::fs::read_to_string(path).map_err(|source| SeedError::Read {
        path: path.to_owned(),
        source,
    })
}

/// An actor file as written: bodies stay TOML until their references are resolved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorFile {
    slug: String,
    role: SeedRole,
    #[serde(default = "yes")]
    node: bool,
    profile: toml::Table,
    #[serde(default)]
    memberships: Vec<MembershipSpec>,
    #[serde(default)]
    delivery_offers: Vec<toml::Table>,
    #[serde(default)]
    attestations: Vec<AttestationSpec>,
    #[serde(default)]
    listings: Vec<toml::Table>,
    #[serde(skip)]
    path: PathBuf,
}

fn yes() -> bool {
    true
}

/// A membership as written: the platform by reference; the countersignature is computed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipSpec {
    platform: String,
    scope: Vec<Scope>,
    until: u64,
}

/// An attestation as written: the subject by reference; the slot key is computed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestationSpec {
    subject: String,
    label: String,
    valid_from: u64,
    valid_until: u64,
    #[serde(default)]
    evidence: Option<String>,
}

fn parse_actor_files(dir: &Path) -> Result<Vec<ActorFile>, SeedError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SeedError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SeedError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(SeedError::NoActors(dir.to_owned()));
    }
    paths.sort();
    paths.iter().map(|p| parse_actor_file(p)).collect()
}

fn parse_actor_file(path: &Path) -> Result<ActorFile, SeedError> {
    let text = read(path)?;
    let mut file: ActorFile = toml::from_str(&text).map_err(|e| SeedError::Parse {
        path: path.to_owned(),
        field: "file".into(),
        message: e.to_string(),
    })?;
    file.path = path.to_owned();
    Ok(file)
}

/// Every actor's slug, with the listing keys others may refer to.
struct Directory {
    listings: BTreeMap<String, BTreeSet<String>>,
}

impl Directory {
    fn new(files: &[ActorFile]) -> Result<Directory, SeedError> {
        let mut owners: BTreeMap<&str, &Path> = BTreeMap::new();
        let mut listings = BTreeMap::new();
        for file in files {
            if let Some(other) = owners.insert(&file.slug, &file.path) {
                return Err(SeedError::DuplicateSlug {
                    path: file.path.clone(),
                    slug: file.slug.clone(),
                    other: other.to_owned(),
                });
            }
            let keys = file
                .listings
                .iter()
                .filter_map(|l| l.get("key").and_then(toml::Value::as_str))
                .map(str::to_owned)
                .collect();
            listings.insert(file.slug.clone(), keys);
        }
        Ok(Directory { listings })
    }

    fn has_actor(&self, slug: &str) -> bool {
        self.listings.contains_key(slug)
    }

    fn has_listing(&self, slug: &str, key: &str) -> bool {
        self.listings
            .get(slug)
            .is_some_and(|keys| keys.contains(key))
    }
}

/// The pictures directory, read once per picture.
struct Pictures {
    dir: PathBuf,
    found: BTreeMap<String, Picture>,
}

impl Pictures {
    fn new(dir: PathBuf) -> Pictures {
        Pictures {
            dir,
            found: BTreeMap::new(),
        }
    }

    /// The blob id of picture `name`, or why it cannot be used.
    fn id(&mut self, name: &str) -> Result<BlobId, String> {
        if let Some(p) = self.found.get(name) {
            return Ok(p.id);
        }
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && !name.contains(['/', '\\'])
            && Path::new(name).file_name().is_some_and(|f| f == name);
        if !plain {
            return Err("must be a plain file name in the pictures directory".into());
        }
        let lower = name.to_ascii_lowercase();
        if ![".png", ".jpg", ".jpeg", ".webp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            return Err("must be a PNG, JPEG or WebP file".into());
        }
        let path = self.dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!("no such file in {}", self.dir.display()));
            }
            Err(e) => return Err(format!("reading {}: {e}", path.display())),
        };
        if bytes.len() as u64 > MAX_PICTURE_BYTES {
            return Err(format!("over {MAX_PICTURE_BYTES} bytes"));
        }
        let id = BlobId::of(&bytes);
        self.found.insert(name.to_owned(), Picture { path, id });
        Ok(id)
    }
}

/// Resolves one actor file against the directory of all actors.
struct Resolver<'a> {
    file: &'a ActorFile,
    directory: &'a Directory,
    market: &'a Market,
}

impl Resolver<'_> {
    fn actor(&self, pictures: &mut Pictures) -> Result<SeedActor, SeedError> {
        let file = self.file;
        let secret = demo_secret(&file.slug);
        let enc = demo_encryption_key(&file.slug);
        let mut records = vec![self.profile(&enc, pictures)?];
        for (i, spec) in file.memberships.iter().enumerate() {
            records.push(self.membership(i, spec)?);
        }
        for (i, table) in file.delivery_offers.iter().enumerate() {
            records.push(self.delivery_offer(i, table)?);
        }
        for (i, spec) in file.attestations.iter().enumerate() {
            records.push(self.attestation(i, spec)?);
        }
        for (i, table) in file.listings.iter().enumerate() {
            records.push(self.listing(i, table, pictures)?);
        }
        let actor = SeedActor {
            slug: file.slug.clone(),
            file: file.path.clone(),
            role: file.role,
            node: file.node,
            secret,
            enc,
            records,
        };
        self.check_unique_keys(&actor)?;
        for record in &actor.records {
            self.validate(&actor, record)?;
        }
        Ok(actor)
    }

    fn profile(
        &self,
        enc: &EncryptionKey,
        pictures: &mut Pictures,
    ) -> Result<SeedRecord, SeedError> {
        let mut table = self.file.profile.clone();
        let logo = take_string(&mut table, "logo", "profile.logo", self.path())?;
        let mut map = self.to_cbor_map(&table, "profile")?;
        if let Some(name) = logo {
            let id = self.picture(pictures, "profile.logo", &name)?;
            set(&mut map, "logo", Value::Bytes(id.as_bytes().to_vec()));
        }
        set(&mut map, "enc_key", Value::Bytes(enc.public().0.to_vec()));
        let body: Profile = self.decode_body(map, "profile")?;
        Ok(SeedRecord {
            key: PROFILE_KEY.to_owned(),
            body: Body::Profile(body),
        })
    }

    fn membership(&self, i: usize, spec: &MembershipSpec) -> Result<SeedRecord, SeedError> {
        let field = format!("memberships[{i}].platform");
        let slug = self.actor_ref(&field, &spec.platform)?;
        let platform = demo_secret(slug);
        let member = demo_secret(&self.file.slug).public();
        let entry = format!("memberships[{i}]");
        let platform_sig =
            Membership::countersign(&platform, &self.market.id, &member, &spec.scope, spec.until)
                .map_err(|source| self.invalid(&entry, source))?;
        let body = Membership {
            platform: platform.public(),
            scope: spec.scope.clone(),
            until: spec.until,
            platform_sig,
        };
        body.verify_countersignature(&self.market.id, &member)
            .map_err(|source| self.invalid(&entry, source))?;
        Ok(SeedRecord {
            key: body.slot_key(),
            body: Body::Membership(body),
        })
    }

    fn delivery_offer(&self, i: usize, table: &toml::Table) -> Result<SeedRecord, SeedError> {
        let entry = format!("delivery_offers[{i}]");
        let mut table = table.clone();
        let key = self.required_key(&mut table, &entry)?;
        let map = self.to_cbor_map(&table, &entry)?;
        let body: DeliveryOffer = self.decode_body(map, &entry)?;
        Ok(SeedRecord {
            key,
            body: Body::DeliveryOffer(body),
        })
    }

    fn attestation(&self, i: usize, spec: &AttestationSpec) -> Result<SeedRecord, SeedError> {
        let subject = self.subject(&format!("attestations[{i}].subject"), &spec.subject)?;
        let body = Attestation {
            subject,
            label: spec.label.clone(),
            valid_from: spec.valid_from,
            valid_until: spec.valid_until,
            evidence: spec.evidence.clone(),
        };
        Ok(SeedRecord {
            key: body.slot_key(),
            body: Body::Attestation(body),
        })
    }

    fn listing(
        &self,
        i: usize,
        table: &toml::Table,
        pictures: &mut Pictures,
    ) -> Result<SeedRecord, SeedError> {
        let mut table = table.clone();
        let key = self.required_key(&mut table, &format!("listings[{i}]"))?;
        let entry = format!("listings[{i}] ({key})");
        let images = take_strings(
            &mut table,
            "images",
            &format!("{entry}.images"),
            self.path(),
        )?;
        let behalf = take_string(
            &mut table,
            "on_behalf_of",
            &format!("{entry}.on_behalf_of"),
            self.path(),
        )?;
        let mut map = self.to_cbor_map(&table, &entry)?;
        let mut ids = Vec::with_capacity(images.len());
        for (j, name) in images.iter().enumerate() {
            let id = self.picture(pictures, &format!("{entry}.images[{j}]"), name)?;
            ids.push(Value::Bytes(id.as_bytes().to_vec()));
        }
        if !ids.is_empty() {
            set(&mut map, "images", Value::Array(ids));
        }
        if let Some(reference) = behalf {
            let slug = self.actor_ref(&format!("{entry}.on_behalf_of"), &reference)?;
            let member = demo_secret(slug).public();
            set(
                &mut map,
                "on_behalf_of",
                Value::Bytes(member.as_bytes().to_vec()),
            );
        }
        let body: Listing = self.decode_body(map, &entry)?;
        Ok(SeedRecord {
            key,
            body: Body::Listing(body),
        })
    }

    /// `@slug` → the slug, if that actor exists.
    fn actor_ref<'r>(&self, field: &str, reference: &'r str) -> Result<&'r str, SeedError> {
        let slug = reference
            .strip_prefix('@')
            .ok_or_else(|| self.unknown(field, reference, "a reference starts with @"))?;
        if self.directory.has_actor(slug) {
            Ok(slug)
        } else {
            Err(self.unknown(field, reference, "no actor file has that slug"))
        }
    }

    /// `@slug` → the actor, `@slug/listing-key` → one of its listings.
    fn subject(&self, field: &str, reference: &str) -> Result<Subject, SeedError> {
        match reference.split_once('/') {
            None => {
                let slug = self.actor_ref(field, reference)?;
                Ok(Subject::Actor {
                    key: demo_secret(slug).public(),
                })
            }
            Some((actor, key)) => {
                let slug = self.actor_ref(field, actor)?;
                if !self.directory.has_listing(slug, key) {
                    return Err(self.unknown(
                        field,
                        reference,
                        "that actor has no listing with this key",
                    ));
                }
                Ok(Subject::Listing {
                    author: demo_secret(slug).public(),
                    key: key.to_owned(),
                })
            }
        }
    }

    fn picture(
        &self,
        pictures: &mut Pictures,
        field: &str,
        name: &str,
    ) -> Result<BlobId, SeedError> {
        pictures.id(name).map_err(|why| SeedError::Picture {
            path: self.path().to_owned(),
            field: field.to_owned(),
            name: name.to_owned(),
            why,
        })
    }

    fn required_key(&self, table: &mut toml::Table, entry: &str) -> Result<String, SeedError> {
        take_string(table, "key", &format!("{entry}.key"), self.path())?.ok_or_else(|| {
            SeedError::Parse {
                path: self.path().to_owned(),
                field: format!("{entry}.key"),
                message: "missing: every record needs its slot key".into(),
            }
        })
    }

    fn to_cbor_map(
        &self,
        table: &toml::Table,
        entry: &str,
    ) -> Result<Vec<(Value, Value)>, SeedError> {
        match Value::serialized(table) {
            Ok(Value::Map(map)) => Ok(map),
            Ok(_) => Err(self.parse_error(entry, "is not a table".into())),
            Err(e) => Err(self.parse_error(entry, e.to_string())),
        }
    }

    fn decode_body<T: serde::de::DeserializeOwned>(
        &self,
        map: Vec<(Value, Value)>,
        entry: &str,
    ) -> Result<T, SeedError> {
        Value::Map(map)
            .deserialized()
            .map_err(|e| self.parse_error(entry, e.to_string()))
    }

    fn check_unique_keys(&self, actor: &SeedActor) -> Result<(), SeedError> {
        let mut seen = BTreeSet::new();
        for record in &actor.records {
            if !seen.insert(&record.key) {
                return Err(SeedError::DuplicateKey {
                    path: self.path().to_owned(),
                    field: entry_name(record),
                    key: record.key.clone(),
                });
            }
        }
        Ok(())
    }

    /// Signs once with the demo key, because signing runs every protocol check a node runs on
    /// a record, then applies the market's own rules (taxonomy, currencies).
    fn validate(&self, actor: &SeedActor, record: &SeedRecord) -> Result<(), SeedError> {
        let payload = Payload::new(
            self.market.id.clone(),
            record.key.clone(),
            VALIDATION_NOW_MS,
            VALIDATION_LIFETIME_MS,
            record.body.clone(),
        );
        let entry = entry_name(record);
        let signed =
            Record::sign(&actor.secret, payload).map_err(|source| self.invalid(&entry, source))?;
        self.market
            .validate_payload(&signed.payload)
            .map_err(|source| self.invalid(&entry, source))
    }

    fn path(&self) -> &Path {
        &self.file.path
    }

    fn invalid(&self, entry: &str, source: RecordError) -> SeedError {
        SeedError::Invalid {
            path: self.path().to_owned(),
            entry: entry.to_owned(),
            source,
        }
    }

    fn unknown(&self, field: &str, reference: &str, why: &str) -> SeedError {
        SeedError::UnknownRef {
            path: self.path().to_owned(),
            field: field.to_owned(),
            reference: reference.to_owned(),
            why: why.to_owned(),
        }
    }

    fn parse_error(&self, field: &str, message: String) -> SeedError {
        SeedError::Parse {
            path: self.path().to_owned(),
            field: field.to_owned(),
            message,
        }
    }
}

/// How an error names a record: its kind and slot key.
fn entry_name(record: &SeedRecord) -> String {
    format!("{} {}", record.body.kind().as_str(), record.key)
}

fn take_string(
    table: &mut toml::Table,
    name: &str,
    field: &str,
    path: &Path,
) -> Result<Option<String>, SeedError> {
    match table.remove(name) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(SeedError::Parse {
            path: path.to_owned(),
            field: field.to_owned(),
            message: "must be a string".into(),
        }),
    }
}

fn take_strings(
    table: &mut toml::Table,
    name: &str,
    field: &str,
    path: &Path,
) -> Result<Vec<String>, SeedError> {
    let wrong = || SeedError::Parse {
        path: path.to_owned(),
        field: field.to_owned(),
        message: "must be a list of strings".into(),
    };
    match table.remove(name) {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                toml::Value::String(s) => Ok(s),
                _ => Err(wrong()),
            })
            .collect(),
        Some(_) => Err(wrong()),
    }
}

/// Sets `name` in a CBOR map, replacing what was there.
fn set(map: &mut Vec<(Value, Value)>, name: &str, value: Value) {
    map.retain(|(k, _)| k.as_text() != Some(name));
    map.push((Value::Text(name.to_owned()), value));
}

#[cfg(test)]
mod tests;

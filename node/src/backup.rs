//! A node's backup: one archive that brings its identity, catalogue, orders and mail back on
//! another machine, taken while the node runs.
//!
//! ```text
//! archive = gzip(tar), or age(gzip(tar)) with a passphrase
//!   identity.key  api-token  smartket.toml  settings.json  contact.json   as they are
//!   smartket.redb  orders.redb  mailbox.redb     copies made from one read transaction each
//!   blobs/<id>                                   images (immutable, named by their hash)
//!   MANIFEST.json                                last: every file's size and BLAKE3 hash
//! ```
//!
//! A database file may not be copied while the node writes it (the copy could hold half a
//! commit), so each database is copied table by table from a read transaction, which sees one
//! commit whole ([`crate::db_file`]). Each of the three is consistent in itself; they are taken
//! one after the other, so an order placed in between may be in the orders copy and not yet in
//! the catalogue's, which sync fills in. Left out: what the node makes again (the search index,
//! the HTTPS certificate), what belongs to this machine (the lock, the API's address) and the
//! web UI's sessions (a restored node asks its owner to log in again).
//!
//! Restoring checks every file against the manifest before anything is put in place, and only
//! into a directory that holds no node: a restore never overwrites an identity.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data_dir::DataDir;
use crate::mailbox::MailboxStore;
use crate::orders::db::OrdersDb;
use crate::store::Store;

/// A database a backup copies: from one read transaction into a new file.
pub trait Database: Sync {
    /// Copies every table into a new database at `dest`; returns the rows copied.
    fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error>;
}

impl Database for Store {
    fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error> {
        Store::copy_to(self, dest)
    }
}

impl Database for OrdersDb {
    fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error> {
        OrdersDb::copy_to(self, dest)
    }
}

impl Database for crate::orders::Orders {
    fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error> {
        self.copy_db_to(dest)
    }
}

impl Database for MailboxStore {
    fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error> {
        MailboxStore::copy_to(self, dest)
    }
}

/// The archive's own format; a restore refuses a newer one by name.
pub const FORMAT: u32 = 1;

const MANIFEST: &str = "MANIFEST.json";
const BLOBS: &str = "blobs";
/// How an age file begins (its version line).
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// Why a backup or a restore failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A database could not be copied or opened.
    #[error("{path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What redb said.
        source: Box<redb::Error>,
    },
    /// The archive is not a smartket backup, or is damaged.
    #[error("not a usable backup: {0}")]
    Damaged(String),
    /// The archive was made by a newer version.
    #[error(
        "this backup has format {found}; this version of smartket reads format {FORMAT}: restore it with a newer smartket"
    )]
    NewerFormat {
        /// The archive's format.
        found: u32,
    },
    /// The archive is encrypted and no passphrase was given, or the passphrase is wrong.
    #[error("{0}")]
    Passphrase(String),
    /// The restore's target already holds a node.
    #[error(
        "{0} already holds a node ({1} is there): restore into a new or empty directory, or move it away first"
    )]
    NotEmpty(PathBuf, &'static str),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a backup holds, written last into it and read first from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The smartket version that made it.
    pub made_by: String,
    /// When it was made (Unix ms).
    pub created_ms: u64,
    /// The actor whose node it is (hex).
    pub author: String,
    /// Rows copied per database file.
    pub rows: BTreeMap<String, u64>,
    /// Every other entry of the archive: its size and BLAKE3 hash (hex).
    pub files: BTreeMap<String, FileEntry>,
}

/// One file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its BLAKE3 hash, hex.
    pub blake3: String,
}

/// What a backup is taken from: the data dir, and the databases as the running node (or the
/// CLI, when no node runs) has them open.
pub struct Sources<'a> {
    /// The data dir (for the small files and the blobs).
    pub dir: &'a DataDir,
    /// The actor.
    pub author: smartket_protocol::AuthorKey,
    /// The catalogue.
    pub store: &'a dyn Database,
    /// The orders.
    pub orders: &'a dyn Database,
    /// A cooperative's mailboxes.
    pub mailbox: Option<&'a dyn Database>,
}

/// The small files copied as they are, when present.
fn plain_files(dir: &DataDir) -> [PathBuf; 5] {
    [
        dir.key(),
        dir.api_token(),
        dir.config(),
        dir.settings(),
        dir.contact(),
    ]
}

/// The passphrase on the first line of `file` (how the CLI and scheduled backups are given one).
pub fn read_passphrase(file: &Path) -> Result<String, BackupError> {
    let text = fs::read_to_string(file).map_err(io_at(file))?;
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(BackupError::Passphrase(format!(
            "{}: the passphrase is empty",
            file.display()
        )));
    }
    Ok(line.to_owned())
}

/// Writes a backup of `sources` to `out` as gzip(tar). Returns its manifest. The databases
/// are copied into a scratch directory in the data dir first, removed after. Blocks on disk
/// I/O: call it off the async threads.
pub fn write(sources: &Sources<'_>, out: impl Write) -> Result<Manifest, BackupError> {
    let scratch = sources
        .dir
        .root()
        .join(format!(".backup-{}", crate::clock::now_ms()));
    fs::create_dir(&scratch).map_err(io_at(&scratch))?;
    let made = write_via(sources, &scratch, out);
    let _ = fs::remove_dir_all(&scratch);
    made
}

fn write_via(
    sources: &Sources<'_>,
    scratch: &Path,
    out: impl Write,
) -> Result<Manifest, BackupError> {
    let mut rows = BTreeMap::new();
    let copies = [
        (sources.dir.store(), sources.store),
        (sources.dir.orders(), sources.orders),
    ]
    .into_iter()
    .chain(sources.mailbox.map(|m| (sources.dir.mailbox(), m)));
    let mut staged = Vec::new();
    for (live, copy) in copies {
        let name = file_name(&live)?;
        let dest = scratch.join(&name);
        let n = copy.copy_to(&dest).map_err(|e| BackupError::Database {
            path: live.clone(),
            source: Box::new(e),
        })?;
        rows.insert(name.clone(), n);
        staged.push((name, dest));
    }
    for path in plain_files(sources.dir) {
        if path.exists() {
            staged.push((file_name(&path)?, path));
        }
    }

    let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut files = BTreeMap::new();
    for (name, path) in staged {
        let bytes = fs::read(&path).map_err(io_at(&path))?;
        append(&mut tar, &name, &bytes)?;
        files.insert(name, entry_of(&bytes));
    }
    let blobs = sources.dir.blobs();
    if blobs.is_dir() {
        for item in fs::read_dir(&blobs).map_err(io_at(&blobs))? {
            let path = item.map_err(io_at(&blobs))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !is_blob_name(name) {
                continue;
            }
            // The collector may delete an unreferenced blob meanwhile: not an error.
            let bytes = match fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_at(&path)(e)),
            };
            let name = format!("{BLOBS}/{name}");
            append(&mut tar, &name, &bytes)?;
            files.insert(name, entry_of(&bytes));
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        made_by: env!("CARGO_PKG_VERSION").to_owned(),
        created_ms: crate::clock::now_ms(),
        author: sources.author.to_hex(),
        rows,
        files,
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Damaged(e.to_string()))?;
    append(&mut tar, MANIFEST, &json)?;
    let gz = tar.into_inner().map_err(io_at(Path::new(MANIFEST)))?;
    gz.finish().map_err(io_at(Path::new(MANIFEST)))?;
    Ok(manifest)
}

fn file_name(path: &Path) -> Result<String, BackupError> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| BackupError::Damaged(format!("{} has no file name", path.display())))
}

fn is_blob_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn entry_of(bytes: &[u8]) -> FileEntry {
    FileEntry {
        bytes: bytes.len() as u64,
        blake3: blake3::hash(bytes).to_hex().to_string(),
    }
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    bytes: &[u8],
) -> Result<(), BackupError> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(crate::clock::now_ms() / 1000);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, bytes)
        .map_err(io_at(Path::new(name)))
}

/// Wraps `out` so that what is written to it is encrypted to `passphrase` (age's scrypt
/// recipient, at its default work factor unless `work_factor` is given: tests lower it).
pub fn encrypting<W: Write>(
    out: W,
    passphrase: &str,
    work_factor: Option<u8>,
) -> Result<age::stream::StreamWriter<W>, BackupError> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.to_owned().into());
    if let Some(log_n) = work_factor {
        recipient.set_work_factor(log_n);
    }
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| BackupError::Passphrase(e.to_string()))?;
    encryptor
        .wrap_output(out)
        .map_err(io_at(Path::new("backup")))
}

/// Restores the backup read from `archive` into `dir`, which must not hold a node; an
/// encrypted backup needs its `passphrase`. Returns the manifest.
pub fn restore(
    archive: impl Read,
    passphrase: Option<&str>,
    dir: &Path,
) -> Result<Manifest, BackupError> {
    let target = DataDir::new(dir);
    for (path, what) in [
        (target.key(), "identity.key"),
        (target.store(), "smartket.redb"),
    ] {
        if path.exists() {
            return Err(BackupError::NotEmpty(dir.to_owned(), what));
        }
    }
    let mut archive = io::BufReader::new(archive);
    let encrypted = {
        use io::BufRead;
        let head = archive.fill_buf().map_err(io_at(Path::new("backup")))?;
        head.starts_with(AGE_MAGIC)
    };
    let plain: Box<dyn Read> = if encrypted {
        let Some(passphrase) = passphrase else {
            return Err(BackupError::Passphrase(
                "this backup is encrypted: give its passphrase (--passphrase-file)".into(),
            ));
        };
        let decryptor = age::Decryptor::new_buffered(archive)
            .map_err(|e| BackupError::Damaged(e.to_string()))?;
        let identity = age::scrypt::Identity::new(passphrase.to_owned().into());
        let reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| BackupError::Passphrase(format!("cannot decrypt the backup: {e}")))?;
        Box::new(reader)
    } else {
        Box::new(archive)
    };

    // Everything goes to a staging directory inside the target first, is checked against the
    // manifest, and only then moved into place.
    target.create().map_err(io_at(dir))?;
    let staging = dir.join(".restore");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_at(&staging))?;
    }
    fs::create_dir(&staging).map_err(io_at(&staging))?;
    let result = unpack(plain, &staging).and_then(|found| {
        let manifest = check(&staging, &found)?;
        install(&staging, &target, &manifest)?;
        Ok(manifest)
    });
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Unpacks the archive into `staging`; returns the manifest's bytes and the files found.
fn unpack(
    plain: impl Read,
    staging: &Path,
) -> Result<(Vec<u8>, BTreeMap<String, FileEntry>), BackupError> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(plain));
    let mut manifest = None;
    let mut found = BTreeMap::new();
    let damaged = |e: io::Error| BackupError::Damaged(e.to_string());
    for entry in tar.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(BackupError::Damaged("an entry is not a plain file".into()));
        }
        let name = entry
            .path()
            .map_err(damaged)?
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| BackupError::Damaged("an entry's name is not UTF-8".into()))?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(damaged)?;
        if name == MANIFEST {
            manifest = Some(bytes);
            continue;
        }
        if !allowed(&name) {
            return Err(BackupError::Damaged(format!("unexpected entry {name}")));
        }
        let path = staging.join(&name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        crate::data_dir::write_private(&path, &bytes).map_err(io_at(&path))?;
        found.insert(name, entry_of(&bytes));
    }
    let manifest = manifest.ok_or_else(|| {
        BackupError::Damaged("no manifest: the archive was cut short or is not a backup".into())
    })?;
    Ok((manifest, found))
}

/// Only the names a backup writes: nothing outside the data dir, nothing a node did not put.
fn allowed(name: &str) -> bool {
    const FILES: [&str; 8] = [
        "identity.key",
        "api-token",
        "smartket.toml",
        "settings.json",
        "contact.json",
        "smartket.redb",
        "orders.redb",
        "mailbox.redb",
    ];
    FILES.contains(&name) || name.strip_prefix("blobs/").is_some_and(is_blob_name)
}

fn check(
    staging: &Path,
    (manifest, found): &(Vec<u8>, BTreeMap<String, FileEntry>),
) -> Result<Manifest, BackupError> {
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let format: Format = serde_json::from_slice(manifest)
        .map_err(|e| BackupError::Damaged(format!("manifest: {e}")))?;
    if format.format > FORMAT {
        return Err(BackupError::NewerFormat {
            found: format.format,
        });
    }
    let manifest: Manifest = serde_json::from_slice(manifest)
        .map_err(|e| BackupError::Damaged(format!("manifest: {e}")))?;
    if &manifest.files != found {
        let missing: Vec<&String> = manifest
            .files
            .iter()
            .filter(|(name, entry)| found.get(*name) != Some(entry))
            .map(|(name, _)| name)
            .collect();
        return Err(BackupError::Damaged(format!(
            "files missing or changed since the backup was made: {missing:?}"
        )));
    }
    if !staging.join("identity.key").exists() {
        return Err(BackupError::Damaged("it holds no identity key".into()));
    }
    Ok(manifest)
}

fn install(staging: &Path, target: &DataDir, manifest: &Manifest) -> Result<(), BackupError> {
    let blobs = target.blobs();
    fs::create_dir_all(&blobs).map_err(io_at(&blobs))?;
    // The key last: a directory with a key is a node, so one cut short by a crash is
    // restored again rather than started half-filled.
    let mut names: Vec<&String> = manifest.files.keys().collect();
    names.sort_by_key(|n| *n == "identity.key");
    for name in names {
        let from = staging.join(name);
        let to = target.root().join(name);
        fs::rename(&from, &to).map_err(io_at(&to))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

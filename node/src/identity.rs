//! The node's identity on disk: the actor's ed25519 secret key file and the data-dir lock.
//!
//! The key file holds the secret as hex on one line, mode 0600. A key file that others can read
//! is refused rather than silently used: on a shared old laptop that is how a shop's identity
//! would leak. The lock file makes a second node on the same data dir fail at once with a clear
//! message instead of fighting over the database.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use smartket_protocol::SecretKey;
use thiserror::Error;

use crate::data_dir::DataDir;

/// Why the identity could not be created or loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// `init` found a key already there.
    #[error(
        "{path} already exists: this data dir already has an identity (refusing to overwrite it)"
    )]
    AlreadyExists {
        /// The key file.
        path: PathBuf,
    },
    /// No key file: the data dir was not initialised.
    #[error("no identity at {path}: run `smartket init --data-dir {dir}` first")]
    Missing {
        /// The key file.
        path: PathBuf,
        /// The data dir.
        dir: PathBuf,
    },
    /// Group or others may read the key.
    #[error(
        "{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}` and start again"
    )]
    LoosePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold 64 hex characters.
    #[error("{path} does not hold a key (expected 64 hex characters)")]
    Malformed {
        /// The key file.
        path: PathBuf,
    },
    /// Another node holds the data dir.
    #[error("{dir} is in use by another running smartket node (lock held on {lock})")]
    Locked {
        /// The data dir.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The system random generator failed.
    #[error("could not generate a key: {0}")]
    Random(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IdentityError + '_ {
    move |source| IdentityError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Creates a new key in `dir` (mode 0600). Refuses to overwrite an existing one.
pub fn create_key(dir: &Path) -> Result<SecretKey, IdentityError> {
    let secret = SecretKey::generate().map_err(|e| IdentityError::Random(e.to_string()))?;
    write_key(dir, secret)
}

/// Writes `secret` as the key of `dir` (mode 0600), refusing to replace an existing key: the
/// demo market gives each of its actors a key derived from its name.
pub fn write_key(dir: &Path, secret: SecretKey) -> Result<SecretKey, IdentityError> {
    let path = DataDir::new(dir).key();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                IdentityError::AlreadyExists { path: path.clone() }
            } else {
                IdentityError::Io {
                    path: path.clone(),
                    source,
                }
            }
        })?;
    writeln!(file, "{}", hex::encode(secret.to_bytes())).map_err(io(&path))?;
    file.sync_all().map_err(io(&path))?;
    Ok(secret)
}

/// The X25519 key sealed messages to an actor are encrypted to, derived from its identity key
/// so that the key file stays the one secret to back up.
pub fn encryption_key(secret: &SecretKey) -> smartket_protocol::EncryptionKey {
    let seed = blake3::derive_key(
        "smartket 2026 node encryption key seed v1",
        &secret.to_bytes(),
    );
    smartket_protocol::EncryptionKey::from_seed(&seed)
}

/// Loads the key of `dir`, checking its permissions first.
pub fn load_key(dir: &Path) -> Result<SecretKey, IdentityError> {
    let path = DataDir::new(dir).key();
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IdentityError::Missing {
                path,
                dir: dir.to_owned(),
            });
        }
        Err(e) => return Err(io(&path)(e)),
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(IdentityError::LoosePermissions { path, mode });
    }
    let text = fs::read_to_string(&path).map_err(io(&path))?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes)
        .map_err(|_| IdentityError::Malformed { path: path.clone() })?;
    Ok(SecretKey::from_bytes(&bytes))
}

/// Returns the API token of `dir`, creating it (random, mode 0600) on first use.
pub fn ensure_api_token(dir: &Path) -> Result<String, IdentityError> {
    let path = DataDir::new(dir).api_token();
    match fs::read_to_string(&path) {
        Ok(token) if !token.trim().is_empty() => return Ok(token.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(&path)(e)),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| IdentityError::Random(e.to_string()))?;
    let token = hex::encode(bytes);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(io(&path))?;
    writeln!(file, "{token}").map_err(io(&path))?;
    Ok(token)
}

/// An exclusive hold on a data dir, released when dropped (or when the process dies, even by
/// SIGKILL, since it is an OS file lock).
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

/// Takes the data dir's lock, failing at once if another node holds it.
pub fn lock_data_dir(dir: &Path) -> Result<DataDirLock, IdentityError> {
    let path = DataDir::new(dir).lock();
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(IdentityError::Locked {
            dir: dir.to_owned(),
            lock: path,
        }),
        Err(TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_loads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let secret = create_key(dir.path()).unwrap();
        let mode = fs::metadata(DataDir::new(dir.path()).key())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load_key(dir.path()).unwrap().public(), secret.public());
    }

    #[test]
    fn init_refuses_to_overwrite_an_identity() {
        let dir = tempfile::tempdir().unwrap();
        create_key(dir.path()).unwrap();
        assert!(matches!(
            create_key(dir.path()),
            Err(IdentityError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn a_key_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        create_key(dir.path()).unwrap();
        let path = DataDir::new(dir.path()).key();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_key(dir.path()).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }

    #[test]
    fn a_second_lock_on_the_same_dir_fails() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock_data_dir(dir.path()).unwrap();
        assert!(matches!(
            lock_data_dir(dir.path()),
            Err(IdentityError::Locked { .. })
        ));
    }
}

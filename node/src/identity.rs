//! The node's identity on disk: the actor's ed25519 secret key file and the data-dir lock.
//!
//! The key file holds the secret as hex on one line, mode 0600. A key file that others can read
//! is refused rather than silently used: on a shared old laptop that is how a shop's identity
//! would leak. The same rule holds for the data dir around it (0700) and for the API token and
//! the databases beside it (0600): loading the key checks them all ([`check_private`]), and
//! the token is checked again whenever it is read. The lock file makes a second node on the
//! same data dir fail at once with a clear message instead of fighting over the database.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use smartket_protocol::SecretKey;
use thiserror::Error;

use crate::data_dir::{DataDir, Loose};

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
    /// Group or others may read the data dir, the key, the token or a database.
    #[error("{}", Loose::describe(loose))]
    LoosePermissions {
        /// Every entry found open to others, so that one command fixes them all.
        loose: Vec<Loose>,
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

/// Loads the key of `dir`, checking first that the data dir is private ([`check_private`]):
/// every command that opens a data dir loads its key, so this is where a loose one is refused.
pub fn load_key(dir: &Path) -> Result<SecretKey, IdentityError> {
    let path = DataDir::new(dir).key();
    match fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IdentityError::Missing {
                path,
                dir: dir.to_owned(),
            });
        }
        Err(e) => return Err(io(&path)(e)),
    }
    check_private(dir)?;
    let text = fs::read_to_string(&path).map_err(io(&path))?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes)
        .map_err(|_| IdentityError::Malformed { path: path.clone() })?;
    Ok(SecretKey::from_bytes(&bytes))
}

/// Checks that the data dir `dir` is open to its owner only (0700) and so is each of its
/// private files that exists (0600): the key, the token and the databases. Every entry found
/// looser is named in the one error, with the `chmod` that fixes them all.
pub fn check_private(dir: &Path) -> Result<(), IdentityError> {
    let mut loose = Vec::new();
    for path in std::iter::once(dir.to_owned()).chain(DataDir::new(dir).private_files()) {
        match fs::metadata(&path) {
            Ok(meta) => loose.extend(Loose::of(&path, &meta)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
    }
    if loose.is_empty() {
        Ok(())
    } else {
        Err(IdentityError::LoosePermissions { loose })
    }
}

/// The API token of `dir`, if it has one (an empty file counts as none). Refused like the key
/// when others may read it: whoever holds the token drives the node.
pub fn read_api_token(dir: &Path) -> Result<Option<String>, IdentityError> {
    let path = DataDir::new(dir).api_token();
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path)(e)),
    };
    if let Some(loose) = Loose::of(&path, &meta) {
        return Err(IdentityError::LoosePermissions { loose: vec![loose] });
    }
    let token = fs::read_to_string(&path).map_err(io(&path))?;
    let token = token.trim();
    Ok((!token.is_empty()).then(|| token.to_owned()))
}

/// Returns the API token of `dir`, creating it (random, mode 0600) on first use.
pub fn ensure_api_token(dir: &Path) -> Result<String, IdentityError> {
    if let Some(token) = read_api_token(dir)? {
        return Ok(token);
    }
    let path = DataDir::new(dir).api_token();
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
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn a_created_key_loads_back_and_is_private() {
        let dir = crate::data_dir::temp_data_dir();
        let secret = create_key(dir.path()).unwrap();
        assert_eq!(mode(&DataDir::new(dir.path()).key()), 0o600);
        assert_eq!(load_key(dir.path()).unwrap().public(), secret.public());
    }

    #[test]
    fn init_refuses_to_overwrite_an_identity() {
        let dir = crate::data_dir::temp_data_dir();
        create_key(dir.path()).unwrap();
        assert!(matches!(
            create_key(dir.path()),
            Err(IdentityError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn a_key_readable_by_others_is_refused() {
        let dir = crate::data_dir::temp_data_dir();
        create_key(dir.path()).unwrap();
        let path = DataDir::new(dir.path()).key();
        set_mode(&path, 0o644);
        let err = load_key(dir.path()).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }

    #[test]
    fn a_new_data_dir_is_0700_and_its_token_0600() {
        let temp = crate::data_dir::temp_data_dir();
        let files = DataDir::new(temp.path().join("parent/node"));
        files.create().unwrap();
        // A second `create` finds it there: not an error.
        files.create().unwrap();
        assert_eq!(mode(files.root()), 0o700);
        ensure_api_token(files.root()).unwrap();
        assert_eq!(mode(&files.api_token()), 0o600);
        check_private(files.root()).unwrap();
    }

    #[test]
    fn a_token_readable_by_others_is_refused_like_the_key() {
        let dir = crate::data_dir::temp_data_dir();
        let token = ensure_api_token(dir.path()).unwrap();
        let path = DataDir::new(dir.path()).api_token();
        set_mode(&path, 0o644);
        for err in [
            ensure_api_token(dir.path()).unwrap_err(),
            read_api_token(dir.path()).unwrap_err(),
        ] {
            let fix = format!("run `chmod 600 {}`", path.display());
            assert!(err.to_string().contains(&fix), "{err}");
        }
        set_mode(&path, 0o600);
        assert_eq!(ensure_api_token(dir.path()).unwrap(), token);
    }

    #[test]
    fn a_loose_data_dir_is_refused_with_one_command_that_fixes_it_all() {
        let temp = crate::data_dir::temp_data_dir();
        let files = DataDir::new(temp.path().join("node"));
        files.create().unwrap();
        let secret = create_key(files.root()).unwrap();
        ensure_api_token(files.root()).unwrap();
        crate::store::Store::open(&files.store()).unwrap();
        // What an older version left: a 0755 directory, a 0644 database.
        set_mode(files.root(), 0o755);
        set_mode(&files.store(), 0o644);
        let err = load_key(files.root()).unwrap_err();
        let fix = format!(
            "run `chmod 700 {} && chmod 600 {}`",
            files.root().display(),
            files.store().display()
        );
        assert!(err.to_string().contains(&fix), "{err}");
        assert!(err.to_string().contains("(mode 755)"), "{err}");
        set_mode(files.root(), 0o700);
        set_mode(&files.store(), 0o600);
        assert_eq!(load_key(files.root()).unwrap().public(), secret.public());
    }

    #[test]
    fn a_second_lock_on_the_same_dir_fails() {
        let dir = crate::data_dir::temp_data_dir();
        let _held = lock_data_dir(dir.path()).unwrap();
        assert!(matches!(
            lock_data_dir(dir.path()),
            Err(IdentityError::Locked { .. })
        ));
    }
}

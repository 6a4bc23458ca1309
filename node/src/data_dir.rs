//! A node's data dir and every file in it, named in one place: what a backup must copy, what
//! an operator may delete (the search index, rebuilt from the store), and what no two modules
//! may both think they own — and which of them only the owner may read.
//!
//! ```text
//! <data dir>/       0700
//!   identity.key    the actor's secret key                         0600
//!   api-token       the local API's bearer token                   0600
//!   smartket.redb   records                                        0600
//!   orders.redb     orders and their steps                         0600
//!   mailbox.redb    others' mail (a cooperative's)                 0600
//!   smartket.toml   config
//!   node.lock       held while a node runs
//!   api-addr        the API's address, while the node serves it
//!   settings.json   the owner's settings
//!   sessions.json   the web UI's open sessions, as hashes          0600
//!   tls-cert.pem    the HTTPS certificate (self-signed unless given)
//!   tls-key.pem     its private key                                0600
//!   contact.json    the consumer's contact and address, for checkout 0600
//!   disk-probe      written and removed while the disk is full, to see when space is back
//!   blobs/          images
//!   search/         the full-text index (rebuilt when missing)
//! ```
//!
//! The key signs for the actor, the token drives its node, the orders database holds buyers'
//! delivery addresses and the mailbox other people's mail: on a shared machine none of it may
//! be readable by another account. The directory is created 0700 and those files 0600; a data
//! dir found looser (made by hand, or by an older version) is refused with the `chmod` that
//! fixes it ([`Loose`], checked by `identity`), never tightened behind the owner's back.

use std::fs::{self, DirBuilder, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The permission bits that let group or others in: none may be set on the data dir or on its
/// private files.
const OPEN_TO_OTHERS: u32 = 0o077;

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

    /// The address the running node's API is bound to, written by the node while it serves
    /// (the config may say port 0), read by the CLI to find it.
    pub fn api_addr(&self) -> PathBuf {
        self.root.join("api-addr")
    }

    /// The web UI's open sessions.
    pub fn sessions(&self) -> PathBuf {
        self.root.join("sessions.json")
    }

    /// The certificate the web UI is served with over HTTPS.
    pub fn tls_cert(&self) -> PathBuf {
        self.root.join("tls-cert.pem")
    }

    /// Its private key.
    pub fn tls_key(&self) -> PathBuf {
        self.root.join("tls-key.pem")
    }

    /// The consumer's contact and delivery address, remembered for the next checkout.
    pub fn contact(&self) -> PathBuf {
        self.root.join("contact.json")
    }

    /// The small file written (then removed) to see whether a full disk has space again.
    pub fn disk_probe(&self) -> PathBuf {
        self.root.join("disk-probe")
    }

    /// The blob (image) store.
    pub fn blobs(&self) -> PathBuf {
        self.root.join("blobs")
    }

    /// The full-text index.
    pub fn search(&self) -> PathBuf {
        self.root.join("search")
    }

    /// The files only the owner may read (0600): the key, the token, the databases, the
    /// sessions, the HTTPS key and the consumer's remembered address.
    pub fn private_files(&self) -> [PathBuf; 8] {
        [
            self.key(),
            self.api_token(),
            self.store(),
            self.orders(),
            self.mailbox(),
            self.sessions(),
            self.tls_key(),
            self.contact(),
        ]
    }

    /// Creates the directory, mode 0700, and its missing parents with the usual mode (a
    /// parent such as `~/.local/share` is not ours to close). An existing directory is left
    /// as it is: whether it is private is for [`Loose::of`] to say.
    pub fn create(&self) -> io::Result<()> {
        if let Some(parent) = self.root.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        match DirBuilder::new().mode(0o700).create(&self.root) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && self.root.is_dir() => Ok(()),
            other => other,
        }
    }
}

/// Creates `path` empty with mode 0600 unless it exists. redb creates its file with the
/// process's default mode (0644 under the usual umask) and initialises an empty one as a new
/// database, so a database opened after this call is private from its first byte.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `bytes` at once, 0600 from the first byte: written to a temporary file
/// beside it, synced, then renamed over it, so a crash leaves the old file or the new one,
/// never half of either (the sessions, the remembered contact, the HTTPS key).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temp, path)
}

/// The data dir, or one of its private files, found open to other users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loose {
    /// The directory or file.
    pub path: PathBuf,
    /// Its permission bits.
    pub mode: u32,
    /// Whether it is the directory (fixed with 700, files with 600).
    pub dir: bool,
}

impl Loose {
    /// `path` as `meta` describes it, if group or others have any access to it.
    pub fn of(path: &Path, meta: &Metadata) -> Option<Loose> {
        let mode = meta.permissions().mode() & 0o777;
        (mode & OPEN_TO_OTHERS != 0).then(|| Loose {
            path: path.to_owned(),
            mode,
            dir: meta.is_dir(),
        })
    }

    /// One sentence naming every entry of `all` and the one command that makes them private,
    /// so that a data dir made by an older version is fixed in one step, not one per start.
    pub fn describe(all: &[Loose]) -> String {
        let list = all
            .iter()
            .map(|l| format!("{} (mode {:o})", l.path.display(), l.mode))
            .collect::<Vec<_>>()
            .join(", ");
        let verb = if all.len() == 1 { "is" } else { "are" };
        let chmod = |dir: bool, mode: &str| {
            let paths: Vec<String> = all
                .iter()
                .filter(|l| l.dir == dir)
                .map(|l| shell_word(&l.path))
                .collect();
            (!paths.is_empty()).then(|| format!("chmod {mode} {}", paths.join(" ")))
        };
        let fix = [chmod(true, "700"), chmod(false, "600")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" && ");
        format!("{list} {verb} readable by other users; run `{fix}` and start again")
    }
}

/// `path` as one shell word, quoted when it holds anything but the usual path characters (a
/// desktop user's data dir may well be under "Mes documents").
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A temporary directory fit to be a data dir: private, as [`DataDir::create`] makes one
/// (tempfile's own follow the umask, 0755 on most systems, and would be refused).
#[cfg(test)]
pub(crate) fn temp_data_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()
        .expect("temp dir")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_file_is_created_0600_and_an_existing_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.redb");
        create_private_file(&path).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::write(&path, b"kept").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        create_private_file(&path).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"kept");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn the_fix_quotes_paths_a_shell_would_split() {
        let loose = Loose {
            path: PathBuf::from("/home/marie/Mes documents/l'épicerie"),
            mode: 0o755,
            dir: true,
        };
        assert_eq!(
            Loose::describe(&[loose]),
            "/home/marie/Mes documents/l'épicerie (mode 755) is readable by other users; \
             run `chmod 700 '/home/marie/Mes documents/l'\\''épicerie'` and start again"
        );
    }
}

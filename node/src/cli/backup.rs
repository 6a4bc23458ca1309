//! `smartket backup` and `smartket restore`: one archive of the node ([`crate::backup`]), taken
//! through the running node when one runs (only it may open the databases), else from the data
//! dir directly; encrypted with a passphrase here, so the passphrase never reaches the node.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::client::Holder;
use crate::backup::{self, Manifest};
use crate::config::{Config, Overrides};
use crate::data_dir::DataDir;
use crate::mailbox::MailboxStore;
use crate::orders::db::OrdersDb;
use crate::store::Store;

/// Where the passphrase may come from besides `--passphrase-file`.
pub(super) const PASSPHRASE_ENV: &str = "SMARTKET_BACKUP_PASSPHRASE";

/// The passphrase: the first line of `file`, else `$SMARTKET_BACKUP_PASSPHRASE`, else none.
fn passphrase(file: Option<&Path>) -> Result<Option<String>> {
    match (file, std::env::var(PASSPHRASE_ENV).ok()) {
        (Some(path), _) => Ok(Some(backup::read_passphrase(path)?)),
        (None, Some(p)) if p.is_empty() => bail!("{PASSPHRASE_ENV} is empty"),
        (None, found) => Ok(found),
    }
}

/// Writes a backup of the node in `dir` to `to` (through a `.partial` file renamed at the end,
/// so `to` is never half a backup).
pub(super) async fn backup(dir: &Path, to: &Path, passphrase_file: Option<&Path>) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let passphrase = passphrase(passphrase_file)?;
    let partial = partial_of(to);
    let file = fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let written = write_to(dir, &config, file, passphrase.as_deref()).await;
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    fs::rename(&partial, to).with_context(|| format!("cannot write {}", to.display()))?;
    println!(
        "backup written to {} ({:.1} MB{})",
        to.display(),
        bytes as f64 / 1e6,
        if passphrase.is_some() {
            ", encrypted"
        } else {
            ", not encrypted: it holds the node's secret key, keep it safe"
        }
    );
    Ok(())
}

fn partial_of(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Counts what goes through, so the size on disk can be told.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

async fn write_to(
    dir: &Path,
    config: &Config,
    file: fs::File,
    passphrase: Option<&str>,
) -> Result<u64> {
    let mut counted = Counted {
        inner: std::io::BufWriter::new(file),
        bytes: 0,
    };
    match passphrase {
        Some(p) => {
            let mut sealed = backup::encrypting(&mut counted, p, None)?;
            take(dir, config, &mut sealed).await?;
            // age writes its last chunk when finished, not when dropped.
            sealed.finish().context("finishing the encrypted backup")?;
        }
        None => take(dir, config, &mut counted).await?,
    }
    counted.flush()?;
    Ok(counted.bytes)
}

/// Takes the backup into `out`: from the running node, or from the data dir when none runs.
async fn take(dir: &Path, config: &Config, out: &mut impl Write) -> Result<()> {
    match Holder::of(dir, config)? {
        Holder::Node(client) => {
            eprintln!("asking the running node for a backup…");
            client
                .backup(out, |got, total| {
                    if let Some(total) = total {
                        eprint!("\r{:.1} of {:.1} MB", got as f64 / 1e6, total as f64 / 1e6);
                    }
                })
                .await?;
            eprintln!();
        }
        Holder::Nobody(_lock) => {
            let manifest = offline(dir, out)?;
            eprintln!(
                "{} files, {} database rows",
                manifest.files.len(),
                manifest.rows.values().sum::<u64>()
            );
        }
    }
    Ok(())
}

/// A backup of a data dir no node holds: the CLI opens the databases itself.
fn offline(dir: &Path, out: &mut impl Write) -> Result<Manifest> {
    let data = DataDir::new(dir);
    let author = crate::identity::load_key(dir)?.public();
    let health = crate::disk::DiskHealth::default();
    let store = Store::open_on(&data.store(), &health)?;
    let orders = OrdersDb::open(dir, &health)?;
    let mailbox = data
        .mailbox()
        .exists()
        .then(|| MailboxStore::open(dir, &health))
        .transpose()?;
    let sources = backup::Sources {
        dir: &data,
        author,
        store: &store,
        orders: &orders,
        mailbox: mailbox.as_ref().map(|m| m as &dyn backup::Database),
    };
    Ok(backup::write(&sources, out)?)
}

/// Restores the backup `file` into `dir`.
pub(super) fn restore(dir: &Path, file: &Path, passphrase_file: Option<&Path>) -> Result<()> {
    let passphrase = passphrase(passphrase_file)?;
    let archive =
        fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let manifest = backup::restore(archive, passphrase.as_deref(), dir)?;
    println!(
        "restored node {} into {} (made by smartket {}): {} files, {} database rows",
        manifest.author,
        dir.display(),
        manifest.made_by,
        manifest.files.len(),
        manifest.rows.values().sum::<u64>()
    );
    println!(
        "start it with: smartket --data-dir {} run   (stop the old node first: one identity, one node)",
        dir.display()
    );
    Ok(())
}

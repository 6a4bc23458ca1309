//! What an actor file's references resolve against: every actor's slug with its listing keys
//! (for `@slug` and `@slug/listing-key`), and the pictures directory (for picture file names,
//! each given its blob id).
//!
//! The directory is built from every file before any actor is resolved, because a file may
//! name actors that come after it; pictures are read as they are named, once each.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use smartket_protocol::BlobId;

use super::files::ActorFile;
use super::{Picture, SeedError};

/// Largest picture the node's blob store takes.
pub const MAX_PICTURE_BYTES: u64 = 8 * 1024 * 1024;

/// Every actor's slug, with the listing keys others may refer to.
pub(super) struct Directory {
    listings: BTreeMap<String, BTreeSet<String>>,
}

impl Directory {
    pub(super) fn new(files: &[ActorFile]) -> Result<Directory, SeedError> {
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

    pub(super) fn has_actor(&self, slug: &str) -> bool {
        self.listings.contains_key(slug)
    }

    pub(super) fn has_listing(&self, slug: &str, key: &str) -> bool {
        self.listings
            .get(slug)
            .is_some_and(|keys| keys.contains(key))
    }
}

/// The pictures directory, read once per picture.
pub(super) struct Pictures {
    dir: PathBuf,
    pub(super) found: BTreeMap<String, Picture>,
}

impl Pictures {
    pub(super) fn new(dir: PathBuf) -> Pictures {
        Pictures {
            dir,
            found: BTreeMap::new(),
        }
    }

    /// The blob id of picture `name`, or why it cannot be used.
    pub(super) fn id(&mut self, name: &str) -> Result<BlobId, String> {
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

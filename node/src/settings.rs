//! The owner's preferences that are not part of the config file because the web UI changes them:
//! which attestation issuers to trust, where the user is, which languages to show. Kept as
//! `settings.json` in the data dir, written atomically (temporary file, then rename), so a crash
//! mid-write leaves the previous settings.
//!
//! Beside them, the consumer's contact and delivery address as last used at checkout
//! ([`CheckoutContact`]), offered again at the next one. They are kept apart, in `contact.json`
//! (0600), because the settings are served by the API and shown on the settings page, while a
//! name, phone and street leave the node only inside sealed orders.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::data_dir::DataDir;

use serde::{Deserialize, Serialize};
use smartket_protocol::messages::{Address, Contact};
use utoipa::ToSchema;

/// Most trusted issuers kept.
const MAX_ISSUERS: usize = 256;
/// Most languages kept.
const MAX_LANGUAGES: usize = 8;

/// Why settings could not be read, written or accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid settings JSON.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A value is not allowed.
    #[error("invalid field {field}: {reason}")]
    Invalid {
        /// Dotted path of the field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Where the user is, for distances and delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Latitude, degrees (−90…90).
    pub lat: f64,
    /// Longitude, degrees (−180…180).
    pub lon: f64,
    /// Postcode, e.g. `1205`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

impl Location {
    /// The location as the protocol's fixed-point point (degrees × 10⁴).
    pub fn geo_point(&self) -> smartket_protocol::kinds::GeoPoint {
        // Validated to ±90/±180, so × 10⁴ fits an i32.
        smartket_protocol::kinds::GeoPoint {
            lat_e4: (self.lat * 1e4).round() as i32,
            lon_e4: (self.lon * 1e4).round() as i32,
        }
    }
}

/// The owner's preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Attestation issuers whose labels count (public keys, 64 hex characters).
    #[serde(default)]
    pub trusted_issuers: Vec<String>,
    /// The user's location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Languages to show, most preferred first (e.g. `fr`, `en`).
    #[serde(default)]
    pub languages: Vec<String>,
}

impl Settings {
    /// Reads the data dir's settings; defaults when there is no file yet.
    pub fn load(dir: &Path) -> Result<Settings, SettingsError> {
        let path = DataDir::new(dir).settings();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => return Err(SettingsError::Io { path, source }),
        };
        let settings: Settings = serde_json::from_str(&text).map_err(|e| SettingsError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Writes the settings to the data dir, replacing the file at once.
    pub fn save(&self, dir: &Path) -> Result<(), SettingsError> {
        let path = DataDir::new(dir).settings();
        let temp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(|e| SettingsError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        std::fs::write(&temp, text).map_err(|source| SettingsError::Io {
            path: temp.clone(),
            source,
        })?;
        std::fs::rename(&temp, &path).map_err(|source| SettingsError::Io { path, source })
    }

    /// The rules a value must follow before it is kept.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |field: String, reason: &str| SettingsError::Invalid {
            field,
            reason: reason.to_owned(),
        };
        if self.trusted_issuers.len() > MAX_ISSUERS {
            return Err(invalid(
                "trusted_issuers".into(),
                "at most 256 issuers are kept",
            ));
        }
        for (i, issuer) in self.trusted_issuers.iter().enumerate() {
            if issuer.parse::<smartket_protocol::AuthorKey>().is_err() {
                return Err(invalid(
                    format!("trusted_issuers[{i}]"),
                    "is not a public key (64 hex characters)",
                ));
            }
        }
        if let Some(location) = &self.location {
            if !(-90.0..=90.0).contains(&location.lat) {
                return Err(invalid("location.lat".into(), "must be within −90…90"));
            }
            if !(-180.0..=180.0).contains(&location.lon) {
                return Err(invalid("location.lon".into(), "must be within −180…180"));
            }
            if let Some(postcode) = &location.postcode {
                let ok = (1..=16).contains(&postcode.len())
                    && postcode
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
                if !ok {
                    return Err(invalid(
                        "location.postcode".into(),
                        "1–16 letters, digits, spaces or hyphens",
                    ));
                }
            }
        }
        if self.languages.len() > MAX_LANGUAGES {
            return Err(invalid("languages".into(), "at most 8 languages"));
        }
        for (i, lang) in self.languages.iter().enumerate() {
            let ok = (2..=8).contains(&lang.len())
                && lang.chars().all(|c| c.is_ascii_lowercase() || c == '-');
            if !ok {
                return Err(invalid(
                    format!("languages[{i}]"),
                    "a language code such as fr, en or de-ch",
                ));
            }
        }
        Ok(())
    }
}

/// The contact and address the consumer gave at its last checkout, to fill the next one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutContact {
    /// Who to ask for, and how to reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Where couriers deliver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

impl CheckoutContact {
    /// Reads the data dir's remembered contact; none when there is no file.
    fn load(dir: &Path) -> Result<CheckoutContact, SettingsError> {
        let path = DataDir::new(dir).contact();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CheckoutContact::default());
            }
            Err(source) => return Err(SettingsError::Io { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| SettingsError::Parse {
            path,
            message: e.to_string(),
        })
    }

    /// Writes the file, 0600 from its first byte, replacing the previous one at once; an
    /// empty contact removes it.
    fn save(&self, dir: &Path) -> Result<(), SettingsError> {
        let path = DataDir::new(dir).contact();
        if self == &CheckoutContact::default() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(SettingsError::Io { path, source: e })
                }
                _ => Ok(()),
            };
        }
        let text = serde_json::to_vec_pretty(self).map_err(|e| SettingsError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        crate::data_dir::write_private(&path, &text)
            .map_err(|source| SettingsError::Io { path, source })
    }
}

/// The settings in use, and the file they are kept in: read once at start, replaced as a
/// whole by [`OwnerSettings::save`]; the remembered checkout contact likewise, by
/// [`OwnerSettings::remember_contact`].
pub struct OwnerSettings {
    dir: PathBuf,
    current: RwLock<Settings>,
    contact: RwLock<CheckoutContact>,
}

impl OwnerSettings {
    /// The settings of the data dir `dir` (defaults when it has none yet).
    pub fn load(dir: &Path) -> Result<OwnerSettings, SettingsError> {
        Ok(OwnerSettings {
            dir: dir.to_owned(),
            current: RwLock::new(Settings::load(dir)?),
            contact: RwLock::new(CheckoutContact::load(dir)?),
        })
    }

    /// The contact and address to fill the checkout with.
    pub fn checkout_contact(&self) -> CheckoutContact {
        self.contact.read().map(|c| c.clone()).unwrap_or_default()
    }

    /// Remembers `contact` for the next checkout (an empty one forgets it).
    pub async fn remember_contact(&self, contact: CheckoutContact) -> Result<(), SettingsError> {
        let path = DataDir::new(&self.dir).contact();
        self.keep(&self.contact, path, contact, CheckoutContact::save)
            .await
    }

    /// The settings as last saved.
    pub fn get(&self) -> Settings {
        self.current.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Checks the settings, writes them to the data dir and puts them in use: the API's `PUT`
    /// and the settings page both come here, so both refuse the same values.
    pub async fn save(&self, settings: Settings) -> Result<(), SettingsError> {
        settings.validate()?;
        let path = DataDir::new(&self.dir).settings();
        self.keep(&self.current, path, settings, Settings::save)
            .await
    }

    /// Writes `value` to its file in the data dir with `save` (off the async threads), then
    /// puts it in `slot`: what is in use is always what the file holds.
    async fn keep<T: Clone + Send + 'static>(
        &self,
        slot: &RwLock<T>,
        path: PathBuf,
        value: T,
        save: fn(&T, &Path) -> Result<(), SettingsError>,
    ) -> Result<(), SettingsError> {
        let dir = self.dir.clone();
        let saved = value.clone();
        tokio::task::spawn_blocking(move || save(&saved, &dir))
            .await
            .map_err(|e| SettingsError::Io {
                path,
                source: std::io::Error::other(e),
            })
            .and_then(|r| r)?;
        if let Ok(mut current) = slot.write() {
            *current = value;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let settings = Settings {
            trusted_issuers: vec!["ab".repeat(32)],
            location: Some(Location {
                lat: 46.2,
                lon: 6.14,
                postcode: Some("1205".into()),
            }),
            languages: vec!["fr".into(), "en".into()],
        };
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), settings);
    }

    #[tokio::test]
    async fn the_checkout_contact_is_kept_private_across_a_restart_and_forgotten_when_emptied() {
        use std::os::unix::fs::PermissionsExt;
        let dir = crate::data_dir::temp_data_dir();
        let owner = OwnerSettings::load(dir.path()).unwrap();
        assert_eq!(owner.checkout_contact(), CheckoutContact::default());
        let remembered = CheckoutContact {
            contact: Some(Contact {
                name: "Camille Rochat".into(),
                phone: Some("+41 79 555 12 34".into()),
                email: None,
            }),
            address: Some(Address {
                lines: vec!["Rue de Carouge 18".into()],
                postcode: "1205".into(),
                city: "Genève".into(),
                country: "CH".into(),
                notes: None,
            }),
        };
        owner.remember_contact(remembered.clone()).await.unwrap();
        let path = DataDir::new(dir.path()).contact();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = OwnerSettings::load(dir.path()).unwrap();
        assert_eq!(again.checkout_contact(), remembered);
        assert_eq!(again.get(), Settings::default(), "not among the settings");
        again
            .remember_contact(CheckoutContact::default())
            .await
            .unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn an_out_of_range_latitude_is_refused_with_its_field() {
        let settings = Settings {
            location: Some(Location {
                lat: 91.0,
                lon: 6.0,
                postcode: None,
            }),
            ..Settings::default()
        };
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("location.lat"), "{err}");
    }
}

//! One actor file turned into its record bodies: references replaced by keys and blob ids,
//! computed fields filled in (countersignatures, slot keys, the profile's encryption key), then
//! every body signed once and checked as a node would check it from the network.
//!
//! This is where a hand-edited file's mistakes are caught, each named by file and field.

use std::collections::BTreeSet;
use std::path::Path;

use ciborium::Value;
use smartket_protocol::kinds::{
    Attestation, DeliveryOffer, Listing, Membership, PROFILE_KEY, Profile, Subject,
};
use smartket_protocol::{BlobId, Body, EncryptionKey, Market, Payload, Record, RecordError};

use super::files::{ActorFile, AttestationSpec, MembershipSpec};
use super::refs::{Directory, Pictures};
use super::{SeedActor, SeedError, SeedRecord, demo_encryption_key, demo_secret};

/// The clock the seed is validated at: validation does not depend on time, but signing needs a
/// revision; the runner signs again with the real clock.
const VALIDATION_NOW_MS: u64 = 1_790_000_000_000;
/// Lifetime used for the trial signature (30 days, a listing's usual lifetime).
const VALIDATION_LIFETIME_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// Resolves one actor file against the directory of all actors.
pub(super) struct Resolver<'a> {
    pub(super) file: &'a ActorFile,
    pub(super) directory: &'a Directory,
    pub(super) market: &'a Market,
}

impl Resolver<'_> {
    pub(super) fn actor(&self, pictures: &mut Pictures) -> Result<SeedActor, SeedError> {
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

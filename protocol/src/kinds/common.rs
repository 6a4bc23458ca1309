//! Field types that several kinds share — multilingual text, money, places, weekly hours — and
//! the small checks every body runs on its fields.
//!
//! Everything here is integers and strings: the CBOR layer refuses floats, so coordinates are in
//! 1e-4 degrees and money in minor units. Each check takes the dotted path of the field it looks
//! at, so a refused record names exactly what was wrong (`body.hours[2].end`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::keys::BlobId;

/// Text in several languages: language code → text. Keys are 2-3 lowercase ASCII letters
/// (ISO 639-1 or -3, e.g. `fr`, `en`, `gsw`); a map keeps each language at most once and encodes
/// in a stable order.
pub type MultiText = BTreeMap<String, String>;

/// Reads a [`MultiText`], refusing a language that appears twice. Read into a map, the last
/// value would win, and another reader might keep the first: two nodes would show different
/// texts for the same signed bytes. A duplicate key in any fixed-shape map is `schema`, and a
/// language map is held to the same rule.
pub(crate) fn unique_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<MultiText, D::Error> {
    struct Languages;
    impl<'de> serde::de::Visitor<'de> for Languages {
        type Value = MultiText;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of language code to text, each language once")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<MultiText, A::Error> {
            let mut out = MultiText::new();
            while let Some((lang, text)) = map.next_entry::<String, String>()? {
                if out.contains_key(&lang) {
                    return Err(serde::de::Error::custom(format!(
                        "language {lang:?} appears twice"
                    )));
                }
                out.insert(lang, text);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Languages)
}

/// Most languages one multilingual text may carry.
pub const MAX_LANGUAGES: usize = 8;

/// Checks a language code: 2 or 3 lowercase ASCII letters.
pub fn validate_lang(field: &str, code: &str) -> Result<(), RecordError> {
    if (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(RecordError::field(
            field,
            format!("language code {code:?} must be 2-3 lowercase letters"),
        ))
    }
}

/// Checks one line of text: 1..=`max` bytes, no control characters at all.
pub fn validate_line(field: &str, text: &str, max: usize) -> Result<(), RecordError> {
    if text.trim().is_empty() {
        return Err(RecordError::field(field, "must not be empty"));
    }
    if text.len() > max {
        return Err(RecordError::field(field, format!("over {max} bytes")));
    }
    if text.chars().any(char::is_control) {
        return Err(RecordError::field(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Checks a paragraph: 1..=`max` bytes, control characters other than newline and tab refused.
pub fn validate_paragraph(field: &str, text: &str, max: usize) -> Result<(), RecordError> {
    if text.trim().is_empty() {
        return Err(RecordError::field(field, "must not be empty"));
    }
    if text.len() > max {
        return Err(RecordError::field(field, format!("over {max} bytes")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(RecordError::field(
            field,
            "must not contain control characters other than newline and tab",
        ));
    }
    Ok(())
}

/// Checks multilingual text: at most [`MAX_LANGUAGES`] entries (at least one if `required`),
/// valid language codes, each text checked as a line (`multiline == false`) or a paragraph, of at
/// most `max` bytes.
pub fn validate_text(
    field: &str,
    text: &MultiText,
    max: usize,
    required: bool,
    multiline: bool,
) -> Result<(), RecordError> {
    if required && text.is_empty() {
        return Err(RecordError::field(field, "needs at least one language"));
    }
    if text.len() > MAX_LANGUAGES {
        return Err(RecordError::field(
            field,
            format!("more than {MAX_LANGUAGES} languages"),
        ));
    }
    for (lang, value) in text {
        validate_lang(field, lang)?;
        at(
            || format!("{field}.{lang}"),
            |path| {
                if multiline {
                    validate_paragraph(path, value, max)
                } else {
                    validate_line(path, value, max)
                }
            },
        )?;
    }
    Ok(())
}

/// Checks a currency code: 3 uppercase ASCII letters (ISO 4217 style; local currencies such as
/// `LEM` follow the same shape).
pub fn validate_currency(field: &str, code: &str) -> Result<(), RecordError> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(RecordError::field(
            field,
            format!("currency {code:?} must be 3 uppercase letters"),
        ))
    }
}

/// Checks a percentage in `min..=100`.
pub fn validate_pct(field: &str, pct: u8, min: u8) -> Result<(), RecordError> {
    if (min..=100).contains(&pct) {
        Ok(())
    } else {
        Err(RecordError::field(field, format!("must be {min}-100 %")))
    }
}

/// Checks a postcode: 2..=10 bytes of uppercase ASCII letters, digits, `-` and space, starting and
/// ending with a letter or digit (`1204`, `F-74100`, `SW1A 1AA`).
pub fn validate_postcode(field: &str, code: &str) -> Result<(), RecordError> {
    let bytes = code.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let ok = (2..=10).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-' || *b == b' ')
        && edge_ok(bytes.first())
        && edge_ok(bytes.last());
    if ok {
        Ok(())
    } else {
        Err(RecordError::field(
            field,
            format!("postcode {code:?} must be 2-10 of A-Z, 0-9, '-' and ' '"),
        ))
    }
}

/// Checks a list of postcodes: 1..=`max` entries, each valid, none repeated.
pub fn validate_postcodes(field: &str, codes: &[String], max: usize) -> Result<(), RecordError> {
    if codes.is_empty() {
        return Err(RecordError::field(field, "needs at least one postcode"));
    }
    if codes.len() > max {
        return Err(RecordError::field(
            field,
            format!("more than {max} postcodes"),
        ));
    }
    for (i, code) in codes.iter().enumerate() {
        at(
            || format!("{field}[{i}]"),
            |path| validate_postcode(path, code),
        )?;
    }
    unique(field, codes.iter())
}

/// Most postcodes in one delivery zone.
pub const MAX_ZONE_POSTCODES: usize = 128;

/// Refuses a list in which an item appears twice.
pub fn unique<'a, T: Ord + 'a>(
    field: &str,
    items: impl IntoIterator<Item = &'a T>,
) -> Result<(), RecordError> {
    let mut seen = BTreeSet::new();
    for item in items {
        if !seen.insert(item) {
            return Err(RecordError::field(field, "has a duplicate entry"));
        }
    }
    Ok(())
}

/// Checks a list of blob ids: at most `max`, none repeated.
pub fn validate_blobs(field: &str, blobs: &[BlobId], max: usize) -> Result<(), RecordError> {
    if blobs.len() > max {
        return Err(RecordError::field(field, format!("more than {max} blobs")));
    }
    unique(field, blobs.iter())
}

/// Checks a web address: `https://` (or also `http://` unless `https_only`), a host, at most
/// `max` bytes, no whitespace or control characters.
pub fn validate_url(
    field: &str,
    url: &str,
    max: usize,
    https_only: bool,
) -> Result<(), RecordError> {
    if url.len() > max {
        return Err(RecordError::field(field, format!("over {max} bytes")));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| (!https_only).then(|| url.strip_prefix("http://")).flatten());
    let Some(rest) = rest else {
        let want = if https_only {
            "https://"
        } else {
            "http:// or https://"
        };
        return Err(RecordError::field(field, format!("must start with {want}")));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RecordError::field(field, "is not a valid URL"));
    }
    Ok(())
}

/// A point on the map, in 1e-4 degrees (about 11 m): integers because CBOR floats are refused.
/// Sellers publish a coarse point (their street, not their door).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude × 10 000, in -900 000..=900 000.
    pub lat_e4: i32,
    /// Longitude × 10 000, in -1 800 000..=1 800 000.
    pub lon_e4: i32,
}

impl GeoPoint {
    /// Checks the ranges.
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        if !(-900_000..=900_000).contains(&self.lat_e4) {
            return Err(RecordError::field(
                format!("{field}.lat_e4"),
                "must be in -900000..=900000",
            ));
        }
        if !(-1_800_000..=1_800_000).contains(&self.lon_e4) {
            return Err(RecordError::field(
                format!("{field}.lon_e4"),
                "must be in -1800000..=1800000",
            ));
        }
        Ok(())
    }
}

/// A day of the week (ISO order, Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// A weekly recurring time span, in minutes after local midnight of the market's time zone:
/// opening hours, pick-up hours, delivery slots. A span past midnight is split in two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TimeSlot {
    /// The day.
    pub day: Weekday,
    /// Start, minutes after midnight (0..=1439).
    pub start: u16,
    /// End, minutes after midnight (start < end <= 1440).
    pub end: u16,
}

/// Most time slots in one list (six per day).
pub const MAX_SLOTS: usize = 42;

impl TimeSlot {
    /// Checks `start < end <= 1440`.
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        if self.end > 1440 {
            return Err(RecordError::field(
                format!("{field}.end"),
                "must be at most 1440",
            ));
        }
        if self.start >= self.end {
            return Err(RecordError::field(
                format!("{field}.end"),
                "must be after start",
            ));
        }
        Ok(())
    }
}

/// Checks a list of time slots: at most [`MAX_SLOTS`], each valid, none repeated.
pub fn validate_slots(field: &str, slots: &[TimeSlot]) -> Result<(), RecordError> {
    if slots.len() > MAX_SLOTS {
        return Err(RecordError::field(
            field,
            format!("more than {MAX_SLOTS} slots"),
        ));
    }
    for (i, slot) in slots.iter().enumerate() {
        at(|| format!("{field}[{i}]"), |path| slot.validate(path))?;
    }
    unique(field, slots.iter())
}

/// A postal address, shown publicly (sellers' shop or farm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street and number (≤ 200 bytes).
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// Town (≤ 100 bytes).
    pub locality: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `CH`.
    pub country: String,
}

impl Address {
    /// Checks every part.
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        validate_line(&format!("{field}.street"), &self.street, 200)?;
        validate_postcode(&format!("{field}.postcode"), &self.postcode)?;
        validate_line(&format!("{field}.locality"), &self.locality, 100)?;
        validate_country(&format!("{field}.country"), &self.country)
    }
}

/// Checks a country code: 2 uppercase ASCII letters.
pub fn validate_country(field: &str, code: &str) -> Result<(), RecordError> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(RecordError::field(field, "must be 2 uppercase letters"))
    }
}

/// Checks a short identifier (variant ids and similar): 1..=`max` bytes of `a-z`, `0-9`, `_`,
/// `-` and `.`.
pub fn validate_ident(field: &str, id: &str, max: usize) -> Result<(), RecordError> {
    let ok = (1..=max).contains(&id.len())
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        });
    if ok {
        Ok(())
    } else {
        Err(RecordError::field(
            field,
            format!("must be 1-{max} characters of a-z, 0-9, '_', '-' and '.'"),
        ))
    }
}

/// Helpers for the kinds' unit tests: a fixed key and clock, sign-and-open, and the path of a
/// refused field.
#[cfg(test)]
pub(crate) mod testing {
    use crate::error::RecordError;
    use crate::keys::SecretKey;
    use crate::kinds::Body;
    use crate::record::{Payload, Record};

    /// A fixed clock for tests.
    pub(crate) const NOW: u64 = 1_790_000_000_000;
    /// Thirty days, a listing's usual lifetime.
    pub(crate) const LIFETIME: u64 = 30 * 24 * 60 * 60 * 1000;

    /// The test author.
    pub(crate) fn secret() -> SecretKey {
        SecretKey::from_bytes(&[42; 32])
    }

    /// Signs `body` in slot `key` of market `geneva`, then opens the wire bytes again.
    pub(crate) fn sign_and_open(secret: &SecretKey, key: &str, body: Body) -> Record {
        let payload = Payload::new("geneva", key, NOW, LIFETIME, body);
        let record = Record::sign(secret, payload).expect("signs");
        let opened = Record::open(&record.to_wire(), NOW).expect("opens");
        assert_eq!(opened, record);
        opened
    }

    /// The field a body is refused for.
    pub(crate) fn refused_field(key: &str, body: Body) -> String {
        let payload = Payload::new("geneva", key, NOW, LIFETIME, body);
        match Record::sign(&secret(), payload) {
            Err(RecordError::InvalidField { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: RecordError) -> String {
        match err {
            RecordError::InvalidField { field, .. } => field,
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn multilingual_text_needs_valid_language_codes_and_lengths() {
        let mut text = MultiText::new();
        assert!(validate_text("body.name", &text, 10, true, false).is_err());
        assert!(validate_text("body.name", &text, 10, false, false).is_ok());
        text.insert("fr".into(), "Fromagerie".into());
        assert!(validate_text("body.name", &text, 10, true, false).is_ok());
        text.insert("EN".into(), "Cheese".into());
        assert_eq!(
            field_of(validate_text("body.name", &text, 10, true, false).unwrap_err()),
            "body.name"
        );
        text.remove("EN");
        text.insert("en".into(), "Cheese shop!".into());
        assert_eq!(
            field_of(validate_text("body.name", &text, 10, true, false).unwrap_err()),
            "body.name.en"
        );
    }

    #[test]
    fn postcodes_and_time_slots_are_range_checked() {
        assert!(validate_postcode("p", "1204").is_ok());
        assert!(validate_postcode("p", "F-74100").is_ok());
        assert!(validate_postcode("p", "1").is_err());
        assert!(validate_postcode("p", "12 04 ").is_err());
        assert!(validate_postcode("p", "ab12").is_err());
        let slot = TimeSlot {
            day: Weekday::Sat,
            start: 480,
            end: 720,
        };
        assert!(slot.validate("s").is_ok());
        let bad = TimeSlot { end: 480, ..slot };
        assert_eq!(field_of(bad.validate("s").unwrap_err()), "s.end");
        let late = TimeSlot { end: 1441, ..slot };
        assert!(late.validate("s").is_err());
        assert!(validate_slots("s", &[slot, slot]).is_err());
    }

    #[test]
    fn urls_and_geo_points_are_checked() {
        assert!(validate_url("u", "https://example.ch/a", 100, true).is_ok());
        assert!(validate_url("u", "http://example.ch", 100, true).is_err());
        assert!(validate_url("u", "http://example.ch", 100, false).is_ok());
        assert!(validate_url("u", "https:///path", 100, false).is_err());
        assert!(validate_url("u", "https://a b", 100, false).is_err());
        let geneva = GeoPoint {
            lat_e4: 462_044,
            lon_e4: 61_432,
        };
        assert!(geneva.validate("p").is_ok());
        let off = GeoPoint {
            lat_e4: 900_001,
            ..geneva
        };
        assert_eq!(field_of(off.validate("p").unwrap_err()), "p.lat_e4");
    }
}

/// Runs `check` on a part of a record whose path costs an allocation to spell (an index, a
/// language), spelling it only when the check fails: `check` gets the empty path, and the path
/// of an [`RecordError::InvalidField`] it returns is prefixed with `path()`. Validation of a
/// valid record, the common case, then allocates no path at all.
pub(crate) fn at<T>(
    path: impl FnOnce() -> String,
    check: impl FnOnce(&str) -> Result<T, RecordError>,
) -> Result<T, RecordError> {
    check("").map_err(|e| match e {
        RecordError::InvalidField { field, reason } => RecordError::InvalidField {
            field: format!("{}{field}", path()),
            reason,
        },
        other => other,
    })
}

//! Counting facet values of keyword fields over the matching listings, in the same pass as the
//! top hits. Labels are counted through a filter: a value `<issuer>:<label>` counts for its
//! label only when the issuer is trusted, and a listing counts once per label however many
//! trusted issuers attest it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// How a field's stored values become counted keys.
#[derive(Debug, Clone)]
pub(crate) enum KeyOf {
    /// The value itself.
    Value,
    /// `<issuer>:<label>` → `label` when the issuer is in the set; otherwise not counted.
    TrustedLabel(Arc<HashSet<String>>),
}

impl KeyOf {
    fn key(&self, value: &str) -> Option<String> {
        match self {
            KeyOf::Value => Some(value.to_owned()),
            KeyOf::TrustedLabel(trusted) => {
                let (issuer, label) = value.split_once(':')?;
                trusted.contains(issuer).then(|| label.to_owned())
            }
        }
    }
}

/// Counts, per field, how many collected documents have each key.
pub(crate) struct FieldCounts {
    fields: Vec<(&'static str, KeyOf)>,
}

impl FieldCounts {
    pub(crate) fn new(fields: Vec<(&'static str, KeyOf)>) -> FieldCounts {
        FieldCounts { fields }
    }
}

/// One field in one segment: term ordinal → key slot, and the count of each slot.
pub(crate) struct SegmentField {
    ords: Option<Column<u64>>,
    slot_of_ord: Vec<Option<u32>>,
    keys: Vec<String>,
    counts: Vec<u64>,
    seen: Vec<u32>,
}

pub(crate) struct SegmentFieldCounts {
    fields: Vec<SegmentField>,
}

impl Collector for FieldCounts {
    type Fruit = Vec<HashMap<String, u64>>;
    type Child = SegmentFieldCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFieldCounts> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for (name, key_of) in &self.fields {
            let mut field = SegmentField {
                ords: None,
                slot_of_ord: Vec::new(),
                keys: Vec::new(),
                counts: Vec::new(),
                seen: Vec::new(),
            };
            if let Some(column) = reader.fast_fields().str(name)? {
                let mut slots: HashMap<String, u32> = HashMap::new();
                let mut stream = column.dictionary().stream()?;
                field.slot_of_ord = vec![None; column.num_terms()];
                while stream.advance() {
                    let value = String::from_utf8_lossy(stream.key());
                    let Some(key) = key_of.key(&value) else {
                        continue;
                    };
                    let next = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                    let slot = *slots.entry(key).or_insert(next);
                    if let Some(entry) = usize::try_from(stream.term_ord())
                        .ok()
                        .and_then(|ord| field.slot_of_ord.get_mut(ord))
                    {
                        *entry = Some(slot);
                    }
                }
                field.keys = vec![String::new(); slots.len()];
                for (key, slot) in slots {
                    field.keys[slot as usize] = key;
                }
                field.counts = vec![0; field.keys.len()];
                field.ords = Some(column.ords().clone());
            }
            fields.push(field);
        }
        Ok(SegmentFieldCounts { fields })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<Vec<HashMap<String, u64>>>,
    ) -> tantivy::Result<Vec<HashMap<String, u64>>> {
        let mut out = vec![HashMap::new(); self.fields.len()];
        for segment in segments {
            for (total, counts) in out.iter_mut().zip(segment) {
                for (key, n) in counts {
                    *total.entry(key).or_insert(0) += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFieldCounts {
    type Fruit = Vec<HashMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for field in &mut self.fields {
            let Some(ords) = &field.ords else {
                continue;
            };
            field.seen.clear();
            for ord in ords.values_for_doc(doc) {
                let slot = usize::try_from(ord)
                    .ok()
                    .and_then(|ord| field.slot_of_ord.get(ord).copied().flatten());
                if let Some(slot) = slot
                    && !field.seen.contains(&slot)
                {
                    field.seen.push(slot);
                    field.counts[slot as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Vec<HashMap<String, u64>> {
        self.fields
            .into_iter()
            .map(|field| {
                field
                    .keys
                    .into_iter()
                    .zip(field.counts)
                    .filter(|(_, n)| *n > 0)
                    .collect()
            })
            .collect()
    }
}

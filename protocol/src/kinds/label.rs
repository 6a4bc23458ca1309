//! Label definitions: what an issuer's label codes mean, published in the issuer's own profile
//! (`labels`), so that a buyer's node can show "Genève Région – Terre Avenir" and a line of
//! explanation where an attestation says only `grta`. A definition is the issuer's word about
//! its own codes: readers look a code up among the definitions of the attestation's author only.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::kinds::MAX_LABEL_BYTES;
use crate::kinds::common::{MultiText, unique, validate_ident, validate_text, validate_url};

/// Most label definitions one profile carries.
pub const MAX_LABEL_DEFINITIONS: usize = 32;
/// Longest label name, per language.
pub const MAX_LABEL_NAME_BYTES: usize = 120;
/// Longest label explanation, per language.
pub const MAX_LABEL_DESCRIPTION_BYTES: usize = 500;

/// What one of the issuer's label codes means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelDefinition {
    /// The code its attestations carry in `label`.
    pub code: String,
    /// The label's name per language.
    #[serde(deserialize_with = "crate::kinds::common::unique_text")]
    pub name: MultiText,
    /// What the label guarantees, in a sentence or two, per language.
    #[serde(
        default,
        skip_serializing_if = "MultiText::is_empty",
        deserialize_with = "crate::kinds::common::unique_text"
    )]
    pub description: MultiText,
    /// Where the label's rules are published (`https://`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Checks a profile's `labels`: at most [`MAX_LABEL_DEFINITIONS`], codes unique, each valid.
pub(crate) fn validate_labels(field: &str, labels: &[LabelDefinition]) -> Result<(), RecordError> {
    if labels.len() > MAX_LABEL_DEFINITIONS {
        return Err(RecordError::field(
            field,
            format!("more than {MAX_LABEL_DEFINITIONS} label definitions"),
        ));
    }
    for (i, label) in labels.iter().enumerate() {
        let at = format!("{field}[{i}]");
        validate_ident(&format!("{at}.code"), &label.code, MAX_LABEL_BYTES)?;
        validate_text(
            &format!("{at}.name"),
            &label.name,
            MAX_LABEL_NAME_BYTES,
            true,
            false,
        )?;
        validate_text(
            &format!("{at}.description"),
            &label.description,
            MAX_LABEL_DESCRIPTION_BYTES,
            false,
            true,
        )?;
        if let Some(url) = &label.url {
            validate_url(&format!("{at}.url"), url, 512, true)?;
        }
    }
    unique(field, labels.iter().map(|l| &l.code))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn grta() -> LabelDefinition {
        LabelDefinition {
            code: "grta".into(),
            name: [("fr".to_owned(), "Genève Région – Terre Avenir".to_owned())].into(),
            description: [(
                "fr".to_owned(),
                "Produit et transformé à Genève.".to_owned(),
            )]
            .into(),
            url: Some("https://www.geneveterroir.ch/grta".into()),
        }
    }

    fn refused(labels: &[LabelDefinition]) -> String {
        match validate_labels("body.labels", labels) {
            Err(RecordError::InvalidField { field, .. }) => field,
            other => panic!("not refused on a field: {other:?}"),
        }
    }

    fn one(edit: fn(&mut LabelDefinition)) -> Vec<LabelDefinition> {
        let mut label = grta();
        edit(&mut label);
        vec![label]
    }

    #[test]
    fn each_wrong_label_definition_is_refused_on_its_field() {
        assert!(validate_labels("body.labels", &[grta()]).is_ok());
        assert_eq!(
            refused(&one(|l| l.code = "GRTA".into())),
            "body.labels[0].code"
        );
        assert_eq!(refused(&one(|l| l.name.clear())), "body.labels[0].name");
        assert_eq!(
            refused(&one(|l| {
                l.description.insert("fr".into(), "x".repeat(501));
            })),
            "body.labels[0].description.fr"
        );
        assert_eq!(
            refused(&one(|l| l.url = Some("http://geneveterroir.ch".into()))),
            "body.labels[0].url"
        );
        assert_eq!(refused(&[grta(), grta()]), "body.labels");
        assert_eq!(refused(&vec![grta(); 33]), "body.labels");
    }
}

//! The text analyzers, registered on the index under the names the schema uses.
//!
//! Accents are folded before stemming: buyers often type without them, and the French stemmer
//! treats `fermière` and `fermiere` differently, so only folding first makes both forms of a
//! word reach the same stem. Stop words are removed before folding because the stop lists are
//! spelled with accents. A query is analyzed with the same chain as the field it searches, word
//! by word (see [`super::query`]).

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// French fields: lower case, French stop words, accents folded, French stemmer.
pub(crate) const FRENCH: &str = "smartket_fr";
/// English fields: the same chain with English stop words and stemmer.
pub(crate) const ENGLISH: &str = "smartket_en";
/// Other languages and names: lower case and accents folded, no stemming.
pub(crate) const FOLDED: &str = "smartket_folded";

/// Longer tokens are dropped (they are never words a buyer types).
const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer registered as `name`.
pub(crate) fn analyzer(name: &str) -> TextAnalyzer {
    match name {
        FRENCH => stemmed(Language::French),
        ENGLISH => stemmed(Language::English),
        _ => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

fn stemmed(language: Language) -> TextAnalyzer {
    let stop_words =
        StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

/// Registers every analyzer on `index` (needed after each open: tantivy does not persist them).
pub(crate) fn register(index: &Index) {
    for name in [FRENCH, ENGLISH, FOLDED] {
        index.tokenizers().register(name, analyzer(name));
    }
}

/// The terms `analyzer` makes of `text`, in order.
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

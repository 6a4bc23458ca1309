//! Reads arbitrary bytes as a catalogue CSV file (`spec/csv.md`) for the Geneva example market,
//! as the back office's import does with an uploaded file.
//!
//! Checked: every line the import calls ready is a listing the market accepts, and survives the
//! back office's edit form unchanged (its row of fields read back into the same listing).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smartket_node::listing_rows::{Line, ListingRow, MAX_ROWS, read_csv};
use smartket_protocol::Market;

fn geneva() -> &'static Market {
    static MARKET: OnceLock<Market> = OnceLock::new();
    MARKET.get_or_init(|| {
        Market::from_toml(include_str!("../../../examples/geneva/market.toml"))
            .unwrap_or_else(|e| panic!("the Geneva market: {e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let market = geneva();
    let Ok(lines) = read_csv(data, market) else {
        return;
    };
    assert!(!lines.is_empty() && lines.len() <= MAX_ROWS);
    for line in lines {
        if let Line::Ready { key, listing } = line.outcome {
            if let Err(e) = market.validate_listing(&listing) {
                panic!("line {} is ready but the market refuses it: {e}", line.number);
            }
            let row = ListingRow::of(&key, &listing, market);
            assert_eq!(
                row.to_listing(market, Some(&listing)),
                Ok((key, *listing)),
                "line {}: {row:?}",
                line.number
            );
        }
    }
});

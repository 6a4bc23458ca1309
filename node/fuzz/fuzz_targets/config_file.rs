//! Reads arbitrary text as the node's configuration file (`smartket.toml` in the data dir), or
//! as a market definition (`market.toml`, which a `[[markets]]` entry may point to).
//!
//! Input: a selector byte (even: the node's file, odd: a market's), then the text.
//!
//! Checked: a node configuration that loads and passes its checks writes back, as the
//! commented file `smartket init` leaves, to a file that loads to the same configuration; a
//! market that loads passes its own validation.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use smartket_node::config::Config;
use smartket_protocol::Market;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if selector % 2 == 1 {
        if let Ok(market) = Market::from_toml(text) {
            assert!(market.validate().is_ok());
        }
        return;
    }
    let path = Path::new("smartket.toml");
    let Ok(config) = Config::from_toml(path, text) else {
        return;
    };
    if config.validate().is_err() {
        return;
    }
    let written = config.to_documented_toml();
    match Config::from_toml(path, &written) {
        Ok(back) => assert_eq!(back, config, "written as:\n{written}"),
        Err(e) => panic!("a valid configuration writes a file that does not load: {e}\n{written}"),
    }
});

//! The wpa_supplicant.conf reader on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::source::supplicant_conf::parse;

fuzz_target!(|data: &[u8]| {
    if let Ok(networks) = parse(data) {
        assert!(networks.len() <= data.len());
    }
});

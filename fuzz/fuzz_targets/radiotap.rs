//! The radiotap header parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::radiotap;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = radiotap::parse(data) {
        assert!(header.header_len <= data.len());
    }
});

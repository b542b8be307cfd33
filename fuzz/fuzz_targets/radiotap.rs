//! The radiotap header parser, and the per-frame skim that must agree with it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::radiotap;

fuzz_target!(|data: &[u8]| {
    let parsed = radiotap::parse(data);
    if let Ok(header) = &parsed {
        assert!(header.header_len <= data.len());
    }
    // Where the skim answers, the parser accepts and agrees on what the
    // skim decides by: the length and the two FCS flags.
    if let Some((header_len, flags)) = radiotap::header_len_and_flags(data) {
        let header = parsed.expect("the skim accepted a header the parser rejects");
        assert_eq!(header.header_len, header_len);
        assert_eq!(
            header.info.fcs_present,
            flags & radiotap::flags::FCS_AT_END != 0
        );
        assert_eq!(header.info.bad_fcs, flags & radiotap::flags::BAD_FCS != 0);
    }
});

//! The pcap/pcapng/gzip reader on arbitrary files, decoding every record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::{source::CaptureReader, wire};

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(std::io::Cursor::new(data.to_vec())) else {
        return;
    };
    let mut records = 0u64;
    while let Some(record) = reader.next_record() {
        records += 1;
        assert!(records <= data.len() as u64 + 1, "more records than bytes");
        if let Ok(record) = record
            && let Ok(decoded) = wire::decode(record.linktype, record.data)
            && let wire::Link::Dot11(frame) = decoded.link
        {
            let _ = wire::ieee80211::parse(frame);
        }
    }
});

//! 802.11 frames, their management bodies and elements.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::ieee80211::{self, Body};

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = ieee80211::parse(data) else {
        return;
    };
    let _ = (frame.kind(), frame.bssid(), frame.sequence_number());
    if let Some(elements) = frame.body.elements() {
        for (_, body) in elements.iter() {
            assert!(body.len() <= data.len());
        }
    }
    if let Body::Data { eapol: Some(eapol), .. } = frame.body {
        assert!(eapol.len() <= data.len());
    }
});

//! Element lists, RSN and WPA element bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::{ieee80211::Elements, rsn::RsnInfo};

fuzz_target!(|data: &[u8]| {
    let elements = Elements(data);
    let _ = (elements.ssid(), elements.ds_channel(), elements.rsnxe());
    if let Some(rsn) = elements.rsn()
        && let Ok(info) = RsnInfo::parse_rsn(rsn)
    {
        let _ = info.describe();
        assert!(info.pmkid_count() * 16 <= rsn.len());
    }
    if let Some(wpa) = elements.wpa() {
        let _ = RsnInfo::parse_wpa(wpa).map(|info| info.describe());
    }
    let _ = RsnInfo::parse_rsn(data).map(|info| info.describe());
});

//! Every link-layer decoder: the first byte picks the link type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::{self, LinkType};

const LINKTYPES: [u32; 8] = [1, 105, 113, 119, 127, 163, 192, 276];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let linktype = LINKTYPES[usize::from(pick) % LINKTYPES.len()];
    if let Ok(decoded) = wire::decode(LinkType(linktype), rest) {
        match decoded.link {
            wire::Link::Dot11(frame) => assert!(frame.len() <= rest.len()),
            wire::Link::Ethernet { payload, .. } => assert!(payload.len() <= rest.len()),
        }
    }
});

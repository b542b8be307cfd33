//! The whole `analyze` pipeline on an arbitrary file: detection, capture
//! or log reading, link analysis, key checks with a fixed PSK, diagnosis
//! and every report format.
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wpadiag::{
    crypto::{KeyMaterial, Pmk, PmkCache},
    diagnose,
    handshake::{
        self, Timeline,
        input::{LoadOptions, load},
        keycheck::{self, KeyInput},
    },
    report::{self, InputSummary, Report},
};

fn scratch() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("wpadiag-fuzz-analyze-{}", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    let Ok(mut file) = std::fs::File::create(path) else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    drop(file);
    let Ok(loaded) = load(path, 0, LoadOptions::default(), &mut |_| {}) else {
        return;
    };
    let mut timeline = Timeline::default();
    let inputs = vec![InputSummary {
        name: "fuzz".to_string(),
        description: loaded.description,
        limits: loaded.limits,
        skipped: loaded.skipped,
    }];
    timeline.add(loaded.input, loaded.events);
    timeline.finish();
    let mut analyses = handshake::analyze(&timeline, None);
    // A PSK rather than a passphrase: no PBKDF2, no typo search.
    let mut cache = PmkCache::new(KeyMaterial::Pmk(Pmk::from_bytes([0x5a; 32])));
    let mut input = KeyInput {
        cache: &mut cache,
        typo_search: false,
    };
    for analysis in &mut analyses {
        keycheck::run(&timeline.events, analysis, &mut input);
    }
    let diagnosis = diagnose::diagnose(&timeline, &analyses);
    let report = Report {
        timeline: &timeline,
        analyses: &analyses,
        diagnosis: &diagnosis,
        inputs,
        key_given: true,
    };
    let mut out = Vec::new();
    let _ = report::json::write(&report, false, 1, &mut out);
    for (markdown, redact) in [(false, false), (true, true)] {
        let style = report::text::Style {
            markdown,
            color: false,
            redact,
            verbose: redact,
        };
        out.clear();
        let _ = report::text::write(&report, style, &mut out);
    }
});

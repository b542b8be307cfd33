//! Typo diagnosis: when the user's own passphrase does not verify, try the
//! few thousand variants people actually produce and name the one that
//! does by its kind and position, never by its text. This is not a
//! wordlist attack: every candidate is one small edit of what the user gave.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use zeroize::Zeroizing;

use super::pmk::{BATCH, pmks};
use super::secret::Pmk;

/// At most this many candidates are tried (a few seconds on two cores).
pub const MAX_CANDIDATES: usize = 5000;

/// The variant that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypoVariant {
    /// Stable kebab-case id, e.g. `adjacent-swap`, `caps-lock`, `ssid-case`.
    pub kind: &'static str,
    /// Plain words with 1-based positions: "characters 15 and 16 swapped".
    pub description: String,
    /// Its PMK, so that other links of the network can be tested against it
    /// without another search.
    pub pmk: Pmk,
}

/// One candidate: a passphrase edit, or the given passphrase on another SSID.
pub struct Candidate {
    passphrase: Zeroizing<Vec<u8>>,
    ssid: Option<Vec<u8>>,
    kind: &'static str,
    description: String,
}

impl Candidate {
    pub fn kind(&self) -> &'static str {
        self.kind
    }
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("kind", &self.kind)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

struct Builder<'a> {
    original: &'a [u8],
    ssid: &'a [u8],
    seen: HashSet<u64>,
    out: Vec<Candidate>,
}

impl Builder<'_> {
    fn fingerprint(passphrase: &[u8], ssid: &[u8]) -> u64 {
        let mut hasher = DefaultHasher::new();
        passphrase.hash(&mut hasher);
        ssid.hash(&mut hasher);
        hasher.finish()
    }

    fn push(&mut self, passphrase: Vec<u8>, kind: &'static str, description: String) {
        let passphrase = Zeroizing::new(passphrase);
        // Neither side of a handshake accepts a passphrase outside 8..=63.
        if self.out.len() >= MAX_CANDIDATES || !(8..=63).contains(&passphrase.len()) {
            return;
        }
        if self.seen.insert(Self::fingerprint(&passphrase, self.ssid)) {
            self.out.push(Candidate {
                passphrase,
                ssid: None,
                kind,
                description,
            });
        }
    }

    fn push_ssid(&mut self, ssid: Vec<u8>, kind: &'static str, description: String) {
        if self.out.len() >= MAX_CANDIDATES || ssid.len() > 32 {
            return;
        }
        if self.seen.insert(Self::fingerprint(self.original, &ssid)) {
            self.out.push(Candidate {
                passphrase: Zeroizing::new(self.original.to_vec()),
                ssid: Some(ssid),
                kind,
                description,
            });
        }
    }

    fn edit(&self, f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut bytes = self.original.to_vec();
        f(&mut bytes);
        bytes
    }
}

fn toggle_case(byte: u8) -> u8 {
    if byte.is_ascii_alphabetic() {
        byte ^ 0x20
    } else {
        byte
    }
}

/// Keyboard layouts that put a letter where the user expected another.
const LAYOUT_SWAPS: [(u8, u8, &str, &str); 3] = [
    (b'y', b'z', "qwertz-y-z", "QWERTZ"),
    (b'a', b'q', "azerty-a-q", "AZERTY"),
    (b'w', b'z', "azerty-w-z", "AZERTY"),
];

fn swap_pair(byte: u8, a: u8, b: u8) -> u8 {
    let lower = byte.to_ascii_lowercase();
    let swapped = if lower == a {
        b
    } else if lower == b {
        a
    } else {
        return byte;
    };
    if byte.is_ascii_uppercase() {
        swapped.to_ascii_uppercase()
    } else {
        swapped
    }
}

/// Every candidate for `passphrase` on `ssid`, most likely first, deduplicated,
/// without the original, capped at [`MAX_CANDIDATES`].
pub fn candidates(passphrase: &[u8], ssid: &[u8]) -> Vec<Candidate> {
    let mut b = Builder {
        original: passphrase,
        ssid,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    b.seen.insert(Builder::fingerprint(passphrase, ssid));
    let len = passphrase.len();

    let caps = b.edit(|p| p.iter_mut().for_each(|c| *c = toggle_case(*c)));
    b.push(
        caps,
        "caps-lock",
        "Caps Lock inverted (the case of every letter flipped)".into(),
    );
    if let Some(first) = passphrase.iter().position(u8::is_ascii_alphabetic) {
        let v = b.edit(|p| p[first] = toggle_case(p[first]));
        b.push(
            v,
            "first-letter-case",
            format!("case of the first letter (character {}) toggled", first + 1),
        );
    }
    for (what, byte) in [
        ("space", b' '),
        ("newline", b'\n'),
        ("carriage return", b'\r'),
    ] {
        let v = b.edit(|p| p.push(byte));
        b.push(
            v,
            "trailing-whitespace-added",
            format!("a trailing {what} added"),
        );
        let v = b.edit(|p| p.insert(0, byte));
        b.push(
            v,
            "leading-whitespace-added",
            format!("a leading {what} added"),
        );
    }
    let trimmed_end = passphrase.trim_ascii_end();
    if trimmed_end.len() < len {
        let v = trimmed_end.to_vec();
        b.push(
            v,
            "trailing-whitespace-removed",
            "trailing whitespace removed".into(),
        );
    }
    let trimmed_start = passphrase.trim_ascii_start();
    if trimmed_start.len() < len {
        let v = trimmed_start.to_vec();
        b.push(
            v,
            "leading-whitespace-removed",
            "leading whitespace removed".into(),
        );
    }
    if let Some(&last) = passphrase.last() {
        let v = b.edit(|p| p.push(last));
        b.push(v, "last-character-doubled", "last character doubled".into());
        let v = b.edit(|p| {
            p.pop();
        });
        b.push(v, "last-character-dropped", "last character dropped".into());
    }
    for (pos, desc) in ssid_variants(ssid) {
        b.push_ssid(pos, "ssid-variant", desc);
    }
    for (x, y, kind, layout) in LAYOUT_SWAPS {
        let v = b.edit(|p| p.iter_mut().for_each(|c| *c = swap_pair(*c, x, y)));
        let (x, y) = (char::from(x), char::from(y));
        b.push(
            v,
            kind,
            format!("every {x} and {y} exchanged ({layout} keyboard)"),
        );
    }
    for i in 0..len.saturating_sub(1) {
        let v = b.edit(|p| p.swap(i, i + 1));
        b.push(
            v,
            "adjacent-swap",
            format!("characters {} and {} swapped", i + 1, i + 2),
        );
    }
    for (x, y, kind, layout) in LAYOUT_SWAPS {
        for i in 0..len {
            let v = b.edit(|p| p[i] = swap_pair(p[i], x, y));
            let (x, y) = (char::from(x), char::from(y));
            b.push(
                v,
                kind,
                format!(
                    "{x}/{y} exchanged at character {} ({layout} keyboard)",
                    i + 1
                ),
            );
        }
    }
    for i in 0..len {
        let v = b.edit(|p| p[i] = toggle_case(p[i]));
        b.push(
            v,
            "letter-case",
            format!("case of character {} toggled", i + 1),
        );
    }
    for i in 0..len {
        let v = b.edit(|p| {
            p.remove(i);
        });
        b.push(
            v,
            "character-dropped",
            format!("character {} dropped", i + 1),
        );
        let v = b.edit(|p| p.insert(i, p[i]));
        b.push(
            v,
            "character-doubled",
            format!("character {} doubled", i + 1),
        );
    }
    b.out
}

/// SSID spellings a user (or `wpa_passphrase` run by hand) may have used,
/// each with its description; may include `ssid` itself.
pub fn ssid_variants(ssid: &[u8]) -> Vec<(Vec<u8>, String)> {
    let mut out = vec![
        (
            ssid.to_ascii_lowercase(),
            "network name in lower case".to_string(),
        ),
        (
            ssid.to_ascii_uppercase(),
            "network name in upper case".to_string(),
        ),
    ];
    let mut title = ssid.to_ascii_lowercase();
    if let Some(first) = title.first_mut() {
        first.make_ascii_uppercase();
    }
    out.push((
        title,
        "network name with only its first letter upper case".into(),
    ));
    let flipped: Vec<u8> = ssid.iter().map(|c| toggle_case(*c)).collect();
    out.push((
        flipped,
        "network name with the case of every letter flipped".into(),
    ));
    let mut spaced = ssid.to_vec();
    spaced.push(b' ');
    out.push((spaced, "network name with a trailing space".into()));
    let trimmed = ssid.trim_ascii();
    if trimmed.len() < ssid.len() {
        out.push((
            trimmed.to_vec(),
            "network name without its leading/trailing spaces".into(),
        ));
    }
    out
}

/// Progress reports: (candidates done, candidates in total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Tries every candidate on all cores; returns the most likely variant whose
/// PMK `verify` accepts (the earliest in [`candidates`] order).
pub fn search<F>(
    passphrase: &[u8],
    ssid: &[u8],
    verify: F,
    progress: Option<Progress<'_>>,
) -> Option<TypoVariant>
where
    F: Fn(&Pmk) -> bool + Sync,
{
    let list = candidates(passphrase, ssid);
    let total = list.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let best = AtomicUsize::new(usize::MAX);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.div_ceil(BATCH).max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    // Candidates are claimed BATCH at a time: one kernel call
                    // runs their PBKDF2 chains side by side.
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= total || start > best.load(Ordering::Relaxed) {
                        break;
                    }
                    let Some(chunk) = list.get(start..total.min(start + BATCH)) else {
                        break;
                    };
                    let inputs: Vec<(&[u8], &[u8])> = chunk
                        .iter()
                        .map(|c| (&c.passphrase[..], c.ssid.as_deref().unwrap_or(ssid)))
                        .collect();
                    for (index, pmk) in (start..).zip(pmks(&inputs)) {
                        if verify(&pmk) {
                            best.fetch_min(index, Ordering::Relaxed);
                        }
                        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if let Some(report) = progress {
                            report(finished, total);
                        }
                    }
                }
            });
        }
    });
    let found = list.get(best.into_inner())?;
    // One more PBKDF2 beats handing PMKs back from the workers.
    let pmk = pmks(&[(&found.passphrase[..], found.ssid.as_deref().unwrap_or(ssid))]).pop()?;
    Some(TypoVariant {
        kind: found.kind,
        description: found.description.clone(),
        pmk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptions(passphrase: &[u8], ssid: &[u8]) -> Vec<String> {
        candidates(passphrase, ssid)
            .into_iter()
            .map(|c| c.description)
            .collect()
    }

    #[test]
    fn candidates_are_bounded_deduplicated_and_never_the_original() {
        let list = candidates(b"Password123", b"Home");
        assert!(list.len() < MAX_CANDIDATES);
        assert!(
            list.iter()
                .all(|c| &c.passphrase[..] != b"Password123" || c.ssid.is_some())
        );
        let mut seen = HashSet::new();
        for c in &list {
            assert!(
                seen.insert((c.passphrase.to_vec(), c.ssid.clone())),
                "{c:?}"
            );
        }
        let long = candidates(&[b'a'; 63], b"x");
        assert!(long.iter().all(|c| c.passphrase.len() <= 63));
    }

    #[test]
    fn swap_and_layout_variants_are_described_by_position() {
        let list = descriptions(b"yes-lazy", b"Net");
        assert!(list.contains(&"characters 7 and 8 swapped".to_string()));
        assert!(list.contains(&"y/z exchanged at character 1 (QWERTZ keyboard)".to_string()));
        assert!(list.contains(&"every y and z exchanged (QWERTZ keyboard)".to_string()));
        assert!(list.contains(&"network name in lower case".to_string()));
        // Descriptions never contain the variant itself.
        assert!(
            list.iter()
                .all(|d| !d.contains("lazy") && !d.contains("yes"))
        );
    }

    #[test]
    fn search_finds_the_swapped_pair_with_a_cheap_verifier() {
        let target = crate::crypto::pmk::pmk_from_bytes(b"abcdefhg", b"Lab");
        let found = search(b"abcdefgh", b"Lab", |pmk| *pmk == target, None).unwrap();
        assert_eq!(found.kind, "adjacent-swap");
        assert_eq!(found.description, "characters 7 and 8 swapped");
    }

    #[test]
    fn search_returns_the_earliest_match_across_batches() {
        let list = candidates(b"abcdefgh", b"Lab");
        let pmk_of = |c: &Candidate| {
            crate::crypto::pmk::pmk_from_bytes(&c.passphrase, c.ssid.as_deref().unwrap_or(b"Lab"))
        };
        // Two accepted candidates, in different batches: the earlier wins
        // whichever thread finishes first.
        let (early, late) = (BATCH + 1, 3 * BATCH + 2);
        let targets = [pmk_of(&list[late]), pmk_of(&list[early])];
        let found = search(b"abcdefgh", b"Lab", |p| targets.contains(p), None).unwrap();
        assert_eq!(found.description, list[early].description);
        assert_eq!(found.kind, list[early].kind);

        let reported = AtomicUsize::new(0);
        let progress = |done: usize, total: usize| {
            assert!(done <= total);
            reported.fetch_add(1, Ordering::Relaxed);
        };
        let first = search(b"abcdefgh", b"Lab", |_| true, Some(&progress)).unwrap();
        assert_eq!(first.kind, "caps-lock");
        assert!(reported.into_inner() >= 1);
    }
}

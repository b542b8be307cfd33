//! The checks that need a key: MICs of M2, M3 and M4, PMKIDs in M1, and
//! the key data of M3. Each proves which PMK one side used.

use crate::handshake::event::{SecurityIe, Ssid};

/// A nonce-error correction that made a MIC verify: the AP's ANonce in the
/// M1 the station answered is not in the capture, and its last four bytes
/// differ from the one seen by a small counter step (hcxtools' NC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonceCorrection {
    pub delta: i8,
    pub big_endian: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicStatus {
    /// No key was given, or the message has no MIC (M1).
    NotChecked,
    Verified {
        correction: Option<NonceCorrection>,
    },
    /// No candidate SSID's PMK verifies it.
    Failed,
    /// The inputs are missing: which ones.
    Unverifiable(&'static str),
}

/// What unwrapping M3's key data showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct M3KeyData {
    pub unwrapped: bool,
    pub ie: Option<SecurityIe>,
    pub gtk: bool,
    pub igtk: bool,
}

/// Key-based results for one link, parallel to its attempts and messages.
#[derive(Debug, Clone, Default)]
pub struct KeyChecks {
    pub given: bool,
    /// `[attempt][message]`.
    pub mic: Vec<Vec<MicStatus>>,
    /// `[attempt][message]`: a PMKID KDE in M1 checked against the PMK.
    pub pmkid: Vec<Vec<Option<bool>>>,
    /// `[attempt][message]`: M3 key data, when it could be read.
    pub m3_key_data: Vec<Vec<Option<M3KeyData>>>,
    /// The SSID whose PMK verified something.
    pub ssid: Option<Ssid>,
    /// A typo variant of the given passphrase that verifies: its kind and
    /// position, never its text.
    pub variant: Option<String>,
    /// The typo search was due but not run: the network's first
    /// [`TYPO_SEARCHES_PER_SSID`] failing links were searched in vain.
    pub typo_skipped: bool,
}

impl KeyChecks {
    pub fn mic(&self, attempt: usize, message: usize) -> MicStatus {
        self.mic
            .get(attempt)
            .and_then(|m| m.get(message))
            .copied()
            .unwrap_or(MicStatus::NotChecked)
    }

    pub fn pmkid(&self, attempt: usize, message: usize) -> Option<bool> {
        self.pmkid
            .get(attempt)
            .and_then(|m| m.get(message))
            .copied()
            .flatten()
    }

    pub fn m3_key_data(&self, attempt: usize, message: usize) -> Option<&M3KeyData> {
        self.m3_key_data
            .get(attempt)
            .and_then(|m| m.get(message))
            .and_then(Option::as_ref)
    }
}

use std::collections::{HashMap, hash_map::Entry};

use crate::crypto::{
    self, Endian, MicInput, MicKey, PairwiseKeys, PairwiseParams, PmkCache, secret::Pmk,
};
use crate::handshake::{
    analysis::LinkAnalysis,
    attempt::{AttemptFacts, Message, first_pairwise_and_akm},
    event::{Event, EventKind},
};
use crate::wire::{
    MacAddr,
    eapol::{EapolKey, KeyMsg},
};

/// `[attempt][message]` tables of results.
type MicTable = Vec<Vec<MicStatus>>;
type PmkidTable = Vec<Vec<Option<bool>>>;

/// What the key checks need besides the link: the user's key, with its
/// PMK per SSID derived once.
pub struct KeyInput<'a> {
    pub cache: &'a mut PmkCache,
    /// Try bounded typo variants of a passphrase that verifies nothing.
    pub typo_search: bool,
    typos: TypoMemo,
}

impl<'a> KeyInput<'a> {
    pub fn new(cache: &'a mut PmkCache, typo_search: bool) -> KeyInput<'a> {
        KeyInput {
            cache,
            typo_search,
            typos: TypoMemo::default(),
        }
    }
}

/// Full typo searches per SSID before the rest of its failing links are
/// only tested against the variants found. A search is a few thousand
/// PBKDF2s; run per link, a capture of 10,000 stations given the wrong
/// passphrase took hours. The candidates depend only on the passphrase
/// and the SSID, so a network whose first links match none rarely has a
/// later one that does (per-station keys aside).
pub const TYPO_SEARCHES_PER_SSID: usize = 4;

/// The typo searches so far, per SSID.
#[derive(Default)]
struct TypoMemo {
    by_ssid: HashMap<Vec<u8>, SsidTypos>,
}

#[derive(Default)]
struct SsidTypos {
    searched: usize,
    found: Vec<crypto::TypoVariant>,
}

/// Runs every key-based check of one link.
pub fn run(events: &[Event], link: &mut LinkAnalysis, key: &mut KeyInput<'_>) {
    let ssids: Vec<Vec<u8>> = match key.cache.key() {
        crypto::KeyMaterial::Pmk(_) => vec![Vec::new()],
        crypto::KeyMaterial::Passphrase(_) => link.ssids.iter().map(|s| s.0.clone()).collect(),
    };
    let mut checks = KeyChecks {
        given: true,
        ..KeyChecks::default()
    };
    let params = LinkParams::of(link);
    // The first SSID whose PMK verifies anything is the network's; without
    // any, every message stays Failed (or Unverifiable).
    let mut best: Option<(usize, MicTable, PmkidTable)> = None;
    for (ssid_index, ssid) in ssids.iter().enumerate() {
        let pmk = key.cache.pmk(ssid).clone();
        let (mics, pmkids) = check_all(events, link, &params, &pmk);
        let verified = mics
            .iter()
            .flatten()
            .any(|m| matches!(m, MicStatus::Verified { .. }))
            || pmkids.iter().flatten().any(|p| *p == Some(true));
        if verified || best.is_none() {
            best = Some((ssid_index, mics, pmkids));
        }
        if verified {
            break;
        }
    }
    if ssids.is_empty() {
        let unknown = link
            .attempts
            .iter()
            .map(|a| {
                a.messages
                    .iter()
                    .map(|m| match m.msg {
                        KeyMsg::M1 => MicStatus::NotChecked,
                        _ => MicStatus::Unverifiable("the SSID is unknown (give it with --ssid)"),
                    })
                    .collect()
            })
            .collect();
        checks.mic = unknown;
        link.keys = checks;
        return;
    }
    if let Some((ssid_index, mics, pmkids)) = best {
        let verified_any = mics
            .iter()
            .flatten()
            .any(|m| matches!(m, MicStatus::Verified { .. }))
            || pmkids.iter().flatten().any(|p| *p == Some(true));
        if verified_any {
            checks.ssid = link.ssids.get(ssid_index).cloned();
        }
        checks.mic = mics;
        checks.pmkid = pmkids;
    }
    if let Some(ssid) = checks.ssid.clone().or_else(|| link.ssids.first().cloned()) {
        let pmk = key.cache.pmk(&ssid.0).clone();
        checks.m3_key_data = m3_key_data(events, link, &params, &pmk, &checks.mic);
        let any_failed = checks.mic.iter().flatten().any(|m| *m == MicStatus::Failed);
        let any_verified = checks
            .mic
            .iter()
            .flatten()
            .any(|m| matches!(m, MicStatus::Verified { .. }));
        if key.typo_search && any_failed && !any_verified {
            let memo = key.typos.by_ssid.entry(ssid.0.clone()).or_default();
            match typo_variant(events, link, &params, key.cache.key(), &ssid.0, memo) {
                TypoSearch::Found(variant) => checks.variant = Some(variant),
                TypoSearch::NotFound => {}
                TypoSearch::Skipped => checks.typo_skipped = true,
            }
        }
    }
    link.keys = checks;
}

/// What the elements say about the link's key hierarchy.
struct LinkParams {
    akm: Option<u8>,
    tkip: Option<bool>,
}

impl LinkParams {
    fn of(link: &LinkAnalysis) -> LinkParams {
        let ie = link
            .attempts
            .iter()
            .find_map(|a| {
                a.m2_ie
                    .as_ref()
                    .or(a.assoc_ie.as_ref())
                    .map(|(_, ie)| ie.clone())
            })
            .or_else(|| {
                link.bss
                    .as_ref()
                    .and_then(|b| b.rsn.clone().or_else(|| b.wpa.clone()))
            });
        match ie.as_ref().and_then(first_pairwise_and_akm) {
            Some((pairwise, akm)) => LinkParams {
                akm: Some(akm),
                tkip: Some(pairwise == 2),
            },
            None => LinkParams {
                akm: None,
                tkip: None,
            },
        }
    }

    fn pairwise(
        &self,
        message: &Message,
        aa: MacAddr,
        spa: MacAddr,
        anonce: [u8; 32],
        snonce: [u8; 32],
    ) -> PairwiseParams {
        let version = message.descriptor_version().unwrap_or(2);
        PairwiseParams {
            aa,
            spa,
            anonce,
            snonce,
            descriptor_version: version,
            akm: self.akm,
            tkip: self.tkip.unwrap_or(version == 1),
        }
    }
}

fn eapol_of<'e>(events: &'e [Event], message: &Message) -> Option<&'e [u8]> {
    let event = events.get(message.eapol_event?)?;
    match &event.kind {
        EventKind::Key(key) => key.eapol.as_deref(),
        _ => None,
    }
}

/// Whether every key check of attempt `index` can be made with the
/// attempt's own nonces and reaches a result. Otherwise the result may
/// depend on other attempts (`check_all` borrows nonces from the whole
/// link) or on an SSID learnt later.
pub fn self_contained(link: &LinkAnalysis, index: usize) -> bool {
    let Some(facts) = link.attempts.get(index) else {
        return true;
    };
    let has = |kinds: &[KeyMsg]| {
        facts
            .messages
            .iter()
            .any(|m| kinds.contains(&m.msg) && full_nonce(m).is_some())
    };
    let pair = has(&[KeyMsg::M1, KeyMsg::M3]) && has(&[KeyMsg::M2]);
    facts.messages.iter().enumerate().all(|(i, m)| {
        let own_nonces = match m.msg {
            KeyMsg::M1 | KeyMsg::Request => true,
            KeyMsg::M2 => !anonce_candidates(facts, i).is_empty(),
            KeyMsg::M3 => !snonce_candidates(facts, i).is_empty(),
            KeyMsg::M4 | KeyMsg::Group1 | KeyMsg::Group2 => pair,
        };
        own_nonces && !matches!(link.keys.mic(index, i), MicStatus::Unverifiable(_))
    })
}

fn full_nonce(message: &Message) -> Option<[u8; 32]> {
    message.nonce.is_complete().then_some(message.nonce.bytes)
}

/// ANonces to try for a station message: the answered M1's, the M3's
/// (the AP's ANonce for the attempt), then every other M1's.
fn anonce_candidates(facts: &AttemptFacts, index: usize) -> Vec<[u8; 32]> {
    let mut out: Vec<[u8; 32]> = Vec::new();
    let mut push = |n: Option<[u8; 32]>| {
        if let Some(n) = n {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    if let Some(m1) = facts.m1_for(index) {
        push(facts.messages.get(m1).and_then(full_nonce));
    }
    for (_, m3) in facts.of(KeyMsg::M3) {
        push(full_nonce(m3));
    }
    for (_, m1) in facts.of(KeyMsg::M1) {
        push(full_nonce(m1));
    }
    out
}

fn snonce_candidates(facts: &AttemptFacts, index: usize) -> Vec<[u8; 32]> {
    let mut out: Vec<[u8; 32]> = Vec::new();
    let preferred = facts.m2_before(index);
    let ordered = preferred
        .into_iter()
        .chain(facts.of(KeyMsg::M2).map(|(i, _)| i));
    for i in ordered {
        if let Some(nonce) = facts.messages.get(i).and_then(full_nonce) {
            if !out.contains(&nonce) {
                out.push(nonce);
            }
        }
    }
    out
}

/// Distinct complete nonces of `kinds` on the whole link, at most 32
/// (each is a PTK derivation per candidate pair).
fn link_nonces(link: &LinkAnalysis, kinds: &[KeyMsg]) -> Vec<[u8; 32]> {
    let mut out: Vec<[u8; 32]> = Vec::new();
    for facts in &link.attempts {
        for message in facts.messages.iter().filter(|m| kinds.contains(&m.msg)) {
            if let Some(nonce) = full_nonce(message) {
                if !out.contains(&nonce) && out.len() < 32 {
                    out.push(nonce);
                }
            }
        }
    }
    out
}

fn check_all(
    events: &[Event],
    link: &LinkAnalysis,
    params: &LinkParams,
    pmk: &Pmk,
) -> (MicTable, PmkidTable) {
    let aa = link.id.ap;
    let spa = link.id.sta;
    let mut mics = Vec::new();
    let mut pmkids = Vec::new();
    // Captures drop frames: an M2 whose M1 fell into the previous attempt
    // (or out of the capture) still verifies with a nonce seen elsewhere on
    // the link. A verified MIC proves the PMK whichever nonces it took.
    let link_anonces = link_nonces(link, &[KeyMsg::M1, KeyMsg::M3]);
    let link_snonces = link_nonces(link, &[KeyMsg::M2]);
    // A retransmitted M1 keeps its ANonce and the station its SNonce: every
    // retry's MIC is checked under the same candidate PTKs.
    let mut keys = MicKeyCache::default();
    let extend = |mut own: Vec<[u8; 32]>, more: &[[u8; 32]]| {
        for nonce in more {
            if !own.contains(nonce) {
                own.push(*nonce);
            }
        }
        own
    };
    for facts in &link.attempts {
        let mut attempt_mics = Vec::new();
        let mut attempt_pmkids = Vec::new();
        // The nonce pair that verified, for M4 and group messages.
        let mut pair: Option<([u8; 32], [u8; 32])> = None;
        for (index, message) in facts.messages.iter().enumerate() {
            let mut pmkid = None;
            let status = match message.msg {
                KeyMsg::M1 => {
                    pmkid = eapol_of(events, message)
                        .and_then(|frame| check_pmkid(frame, pmk, aa, spa, params.akm));
                    MicStatus::NotChecked
                }
                KeyMsg::M2 | KeyMsg::M3 | KeyMsg::M4 | KeyMsg::Group1 | KeyMsg::Group2 => {
                    let Some(frame) = eapol_of(events, message) else {
                        attempt_mics.push(MicStatus::Unverifiable(
                            "the frame's bytes are not in the inputs",
                        ));
                        attempt_pmkids.push(None);
                        continue;
                    };
                    let (anonces, snonces) = match message.msg {
                        KeyMsg::M2 => (
                            extend(anonce_candidates(facts, index), &link_anonces),
                            full_nonce(message).into_iter().collect(),
                        ),
                        KeyMsg::M3 => (
                            full_nonce(message).into_iter().collect(),
                            extend(snonce_candidates(facts, index), &link_snonces),
                        ),
                        _ => match pair {
                            Some((a, s)) => (vec![a], vec![s]),
                            None => {
                                let anonces: Vec<[u8; 32]> = facts
                                    .of(KeyMsg::M3)
                                    .filter_map(|(_, m)| full_nonce(m))
                                    .chain(anonce_candidates(facts, index))
                                    .collect();
                                (
                                    extend(anonces, &link_anonces),
                                    extend(snonce_candidates(facts, index), &link_snonces),
                                )
                            }
                        },
                    };
                    // Nonce corrections stand in for an M1 (or M3) the capture
                    // lacks: with the one this message answers present (same
                    // replay counter), its ANonce is exact, and a MIC that
                    // fails with it fails for another key, not another nonce.
                    let answered_seen = |kind: KeyMsg| {
                        message.replay_counter.is_some()
                            && facts.of(kind).any(|(_, m)| {
                                m.replay_counter == message.replay_counter
                                    && full_nonce(m).is_some()
                            })
                    };
                    let corrections = match message.msg {
                        KeyMsg::M2 => !answered_seen(KeyMsg::M1),
                        KeyMsg::M4 => !answered_seen(KeyMsg::M3),
                        _ => false,
                    };
                    verify(
                        frame,
                        message,
                        params,
                        pmk,
                        (aa, spa),
                        (&anonces, &snonces),
                        corrections,
                        &mut pair,
                        &mut keys,
                    )
                }
                KeyMsg::Request => MicStatus::NotChecked,
            };
            attempt_mics.push(status);
            attempt_pmkids.push(pmkid);
        }
        mics.push(attempt_mics);
        pmkids.push(attempt_pmkids);
    }
    (mics, pmkids)
}

#[allow(clippy::too_many_arguments)]
fn verify(
    frame: &[u8],
    message: &Message,
    params: &LinkParams,
    pmk: &Pmk,
    (aa, spa): (MacAddr, MacAddr),
    (anonces, snonces): (&[[u8; 32]], &[[u8; 32]]),
    corrections: bool,
    pair: &mut Option<([u8; 32], [u8; 32])>,
    keys: &mut MicKeyCache,
) -> MicStatus {
    if anonces.is_empty() {
        return MicStatus::Unverifiable("no ANonce in the inputs (msg 1/4 and 3/4 missing)");
    }
    if snonces.is_empty() {
        return MicStatus::Unverifiable("no SNonce in the inputs (msg 2/4 missing)");
    }
    if !params.akm.is_none_or(derives_from_passphrase) {
        return MicStatus::Unverifiable(
            "the PMK of this AKM does not come from a passphrase (SAE, OWE or 802.1X)",
        );
    }
    // Prepared once for every candidate; an unreadable frame is reported
    // after the AKM, as the whole-PTK check did.
    let input = MicInput::new(frame, usize::from(message.mic_len)).ok();
    let mut attempt = |anonce: [u8; 32], snonce: [u8; 32]| -> Result<bool, MicStatus> {
        let p = params.pairwise(message, aa, spa, anonce, snonce);
        match keys.derive(pmk, p) {
            Ok(key) => match input.as_ref().map(|input| key.verify(input)) {
                Some(Ok(_)) => Ok(true),
                Some(Err(crypto::MicMismatch::Differs { .. })) => Ok(false),
                Some(Err(_)) | None => Err(MicStatus::Unverifiable(
                    "MIC algorithm or length not supported for this AKM",
                )),
            },
            Err(_) => Err(MicStatus::Unverifiable(
                "the PMK of this AKM does not come from a passphrase (SAE, FT or 802.1X)",
            )),
        }
    };
    for &anonce in anonces {
        for &snonce in snonces {
            match attempt(anonce, snonce) {
                Ok(true) => {
                    *pair = Some((anonce, snonce));
                    return MicStatus::Verified { correction: None };
                }
                Ok(false) => {}
                Err(status) => return status,
            }
        }
    }
    // hcxtools' nonce-error correction: an AP that counts ANonces up between
    // retransmitted M1s answers M2s whose M1 the capture does not have.
    if corrections {
        for &base in anonces {
            for (anonce, delta, endian) in crypto::nonce_corrections(base) {
                for &snonce in snonces {
                    if attempt(anonce, snonce) == Ok(true) {
                        *pair = Some((anonce, snonce));
                        return MicStatus::Verified {
                            correction: Some(NonceCorrection {
                                delta,
                                big_endian: endian == Endian::Big,
                            }),
                        };
                    }
                }
            }
        }
    }
    MicStatus::Failed
}

/// The KCKs of one link under one PMK, by their public inputs.
#[derive(Default)]
struct MicKeyCache(HashMap<PairwiseParams, MicKey>);

impl MicKeyCache {
    /// At most this many are kept: a link of many failed attempts tries
    /// each of its nonces with 32 corrections.
    const MAX: usize = 4096;

    fn derive(&mut self, pmk: &Pmk, params: PairwiseParams) -> Result<&MicKey, crypto::Error> {
        if self.0.len() >= Self::MAX && !self.0.contains_key(&params) {
            self.0.clear();
        }
        match self.0.entry(params) {
            Entry::Occupied(key) => Ok(key.into_mut()),
            Entry::Vacant(slot) => Ok(slot.insert(MicKey::derive(pmk, &params)?)),
        }
    }
}

/// Only the PSK AKMs derive the PMK from a passphrase (IEEE 802.11-2020
/// 12.7.1.3); SAE, OWE and 802.1X PMKs come out of another exchange.
fn derives_from_passphrase(akm: u8) -> bool {
    matches!(akm, 2 | 4 | 6 | 19 | 20)
}

/// A PMKID KDE in M1's key data, checked against the PMK.
fn check_pmkid(
    frame: &[u8],
    pmk: &Pmk,
    aa: MacAddr,
    spa: MacAddr,
    akm: Option<u8>,
) -> Option<bool> {
    if !akm.is_none_or(derives_from_passphrase) {
        return None;
    }
    let key = EapolKey::new_detect(frame).ok()?;
    let pmkid = find_pmkid_kde(key.key_data())?;
    if pmkid.iter().all(|&b| b == 0) {
        return None;
    }
    let sha256 = matches!(akm, Some(5 | 6));
    Some(crypto::pmkid::pmkid(pmk, aa, spa, sha256) == pmkid)
}

fn find_pmkid_kde(mut data: &[u8]) -> Option<[u8; 16]> {
    while let [id, len, rest @ ..] = data {
        let (body, next) = rest.split_at_checked(usize::from(*len))?;
        if *id == 0xdd {
            if let [0x00, 0x0f, 0xac, 0x04, pmkid @ ..] = body {
                return pmkid.get(..16)?.try_into().ok();
            }
        }
        data = next;
    }
    None
}

fn m3_key_data(
    events: &[Event],
    link: &LinkAnalysis,
    params: &LinkParams,
    pmk: &Pmk,
    mics: &[Vec<MicStatus>],
) -> Vec<Vec<Option<M3KeyData>>> {
    link.attempts
        .iter()
        .enumerate()
        .map(|(a, facts)| {
            facts
                .messages
                .iter()
                .enumerate()
                .map(|(index, message)| {
                    if message.msg != KeyMsg::M3 {
                        return None;
                    }
                    let verified = matches!(
                        mics.get(a).and_then(|m| m.get(index)),
                        Some(MicStatus::Verified { .. })
                    );
                    if !verified {
                        return None;
                    }
                    let frame = eapol_of(events, message)?;
                    let anonce = full_nonce(message)?;
                    for snonce in snonce_candidates(facts, index) {
                        let p = params.pairwise(message, link.id.ap, link.id.sta, anonce, snonce);
                        let keys = PairwiseKeys::derive(pmk, &p).ok()?;
                        if keys
                            .verify_mic(frame, usize::from(message.mic_len))
                            .is_err()
                        {
                            continue;
                        }
                        let data = match keys.unwrap_key_data(frame, usize::from(message.mic_len)) {
                            Ok(data) => data,
                            Err(_) => {
                                return Some(M3KeyData {
                                    unwrapped: false,
                                    ie: None,
                                    gtk: false,
                                    igtk: false,
                                });
                            }
                        };
                        return Some(describe_key_data(data.as_bytes()));
                    }
                    None
                })
                .collect()
        })
        .collect()
}

fn describe_key_data(mut data: &[u8]) -> M3KeyData {
    let mut out = M3KeyData {
        unwrapped: true,
        ie: None,
        gtk: false,
        igtk: false,
    };
    while let [id, len, rest @ ..] = data {
        let Some((body, next)) = rest.split_at_checked(usize::from(*len)) else {
            break;
        };
        match (*id, body) {
            (48, _) if out.ie.is_none() => {
                out.ie = Some(SecurityIe {
                    id: 48,
                    body: body.to_vec(),
                })
            }
            (0xdd, [0x00, 0x50, 0xf2, 0x01, wpa @ ..]) if out.ie.is_none() => {
                out.ie = Some(SecurityIe {
                    id: 221,
                    body: wpa.to_vec(),
                })
            }
            (0xdd, [0x00, 0x0f, 0xac, 0x01, ..]) => out.gtk = true,
            (0xdd, [0x00, 0x0f, 0xac, 0x09, ..]) => out.igtk = true,
            (0xdd, []) => break,
            _ => {}
        }
        data = next;
    }
    out
}

enum TypoSearch {
    Found(String),
    NotFound,
    /// The SSID's search budget is spent.
    Skipped,
}

/// The typo search against the link's first station message with a frame:
/// a variant that verifies it is the one the station was configured with.
/// Variants found on other links of the SSID are tried first.
fn typo_variant(
    events: &[Event],
    link: &LinkAnalysis,
    params: &LinkParams,
    key: &crypto::KeyMaterial,
    ssid: &[u8],
    memo: &mut SsidTypos,
) -> TypoSearch {
    let (Some(passphrase), Some((p, input))) =
        (key.passphrase(), typo_target(events, link, params))
    else {
        return TypoSearch::NotFound;
    };
    let verify = |pmk: &Pmk| MicKey::derive(pmk, &p).is_ok_and(|key| key.verify(&input).is_ok());
    if let Some(known) = memo.found.iter().find(|v| verify(&v.pmk)) {
        return TypoSearch::Found(known.description.clone());
    }
    if memo.searched >= TYPO_SEARCHES_PER_SSID {
        return TypoSearch::Skipped;
    }
    memo.searched += 1;
    match crypto::typo::search(passphrase.as_bytes(), ssid, verify, None) {
        Some(found) => {
            let description = found.description.clone();
            memo.found.push(found);
            TypoSearch::Found(description)
        }
        None => TypoSearch::NotFound,
    }
}

/// The link's first station message with a frame, ready for checking
/// candidate PMKs: its key expansion inputs and its prepared frame.
fn typo_target(
    events: &[Event],
    link: &LinkAnalysis,
    params: &LinkParams,
) -> Option<(PairwiseParams, MicInput)> {
    let (facts, index, message) = link.attempts.iter().find_map(|facts| {
        facts
            .messages
            .iter()
            .enumerate()
            .find(|(_, m)| matches!(m.msg, KeyMsg::M2 | KeyMsg::M3) && m.eapol_event.is_some())
            .map(|(i, m)| (facts, i, m))
    })?;
    let frame = eapol_of(events, message)?;
    let (anonces, snonces) = match message.msg {
        KeyMsg::M2 => (
            anonce_candidates(facts, index),
            full_nonce(message).into_iter().collect::<Vec<_>>(),
        ),
        _ => (
            full_nonce(message).into_iter().collect(),
            snonce_candidates(facts, index),
        ),
    };
    let (&anonce, &snonce) = (anonces.first()?, snonces.first()?);
    let p = params.pairwise(message, link.id.ap, link.id.sta, anonce, snonce);
    let input = MicInput::new(frame, usize::from(message.mic_len)).ok()?;
    Some((p, input))
}

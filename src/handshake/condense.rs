//! A day of monitor traffic repeats itself: a station that fails the same
//! way hundreds of times. From a link's `threshold`-th attempt on, each
//! attempt that has ended is shown to a [`Judge`]; when its key equals a
//! kept attempt's, the earlier of the two is counted on the later one and
//! its events are dropped. Memory then follows the number of different
//! attempts per link, not the length of the capture. The analyze command's
//! judge diagnoses each attempt on its own ([`Closed::timeline`]) and keys
//! it by its findings.

use std::collections::{BTreeMap, HashMap};

use crate::handshake::{
    event::{Event, EventKind, Origin},
    timeline::{AttemptState, Input, LinkId, LinkOf, Timeline, file_of, link_of},
};
use crate::wire::MacAddr;
use sha1::{Digest, Sha1};

/// Attempts the judge found the same as a kept one, counted on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repeats {
    pub count: u64,
    /// Attempt numbers (1-based, among all the link's attempts).
    pub first_number: u64,
    pub last_number: u64,
    /// First event of the earliest and of the latest repeat.
    pub first: Origin,
    pub last: Origin,
}

impl Repeats {
    fn merge(&mut self, other: &Repeats) {
        self.count += other.count;
        if other.first_number < self.first_number {
            self.first_number = other.first_number;
            self.first = other.first;
        }
        if other.last_number > self.last_number {
            self.last_number = other.last_number;
            self.last = other.last;
        }
    }
}

/// Where a kept attempt starts, its number among all the link's attempts,
/// and what was counted on it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptAttempt {
    pub start: Origin,
    pub number: u64,
    pub repeats: Option<Repeats>,
}

/// The kept attempts of every link where some were condensed, in order.
pub type AttemptPlan = BTreeMap<LinkId, Vec<KeptAttempt>>;

/// What a [`Judge`] sees of an attempt that has ended.
pub struct Closed<'a> {
    pub link: LinkId,
    /// The attempt's number among the link's attempts (1-based).
    pub number: u64,
    /// The input as far as it has been read.
    pub input: &'a Input,
    /// The AP's latest Beacon or Probe Response before the attempt.
    pub beacon: Option<&'a Event>,
    pub events: &'a [&'a Event],
    /// The event that began the next attempt; `None` at the end of the input.
    pub next: Option<&'a Event>,
}

impl Closed<'_> {
    /// The attempt on a timeline of its own: the AP's Beacon, its events
    /// and the event that began the next attempt, split where reading did
    /// and numbered as among all the link's attempts. Analysed, its first
    /// attempt reads as it will in the whole timeline ("not the last").
    pub fn timeline(&self) -> Timeline {
        let mut timeline = Timeline::default();
        let file = self.events.first().map_or(0, |e| file_of(e));
        timeline.inputs = vec![self.input.clone(); usize::from(file) + 1];
        timeline.events = self
            .beacon
            .into_iter()
            .chain(self.events.iter().copied())
            .chain(self.next)
            .cloned()
            .collect();
        timeline.finish();
        let planned = |event: Option<&Event>, number: u64| {
            event.map(|e| KeptAttempt {
                start: e.origin,
                number,
                repeats: None,
            })
        };
        timeline.plan.insert(
            self.link,
            planned(self.events.first().copied(), self.number)
                .into_iter()
                .chain(planned(self.next, self.number + 1))
                .collect(),
        );
        timeline
    }
}

/// Decides which attempts are the same: attempts with equal keys fold.
pub trait Judge {
    /// `None`: this attempt never folds.
    fn key(&mut self, closed: &Closed<'_>) -> Option<Vec<u8>>;
}

/// Events in arrival order, with each link's repeated attempts condensed.
pub struct Condenser<'j> {
    threshold: u64,
    judge: &'j mut dyn Judge,
    input: Input,
    links: HashMap<LinkId, LinkBuf>,
    beacons: HashMap<MacAddr, Event>,
    /// Every event in arrival order, `None` where one was dropped: what
    /// is kept needs no second copy to be put back in order.
    arena: Vec<Option<Event>>,
    /// Arena slots emptied since the last compaction.
    gone: Vec<usize>,
    condensed: u64,
}

#[derive(Default)]
struct LinkBuf {
    state: AttemptState,
    current: Pending,
    closed: u64,
    kept: BTreeMap<u64, Pending>,
    /// Kept attempt number by the digest of the judge's key, once
    /// condensing has begun (a key holds the findings' text).
    by_key: HashMap<[u8; 20], u64>,
    condensing: bool,
}

#[derive(Default)]
struct Pending {
    /// Arena slots of the attempt's events.
    events: Vec<usize>,
    start: Option<Origin>,
    /// Holds a shared event (a broadcast deauthentication): never dropped.
    shared: bool,
    /// The digest of the judge's key, once asked.
    key: Option<Option<[u8; 20]>>,
    repeats: Option<Repeats>,
}

impl<'j> Condenser<'j> {
    /// Condenses links from their `threshold`-th attempt on (at least 2);
    /// `judge` says which attempts are the same.
    pub fn new(threshold: u64, judge: &'j mut dyn Judge, input: Input) -> Self {
        Condenser {
            threshold: threshold.max(2),
            judge,
            input,
            links: HashMap::new(),
            beacons: HashMap::new(),
            arena: Vec::new(),
            gone: Vec::new(),
            condensed: 0,
        }
    }

    /// What the input is known to be so far (link types, ACKs), for the judge.
    pub fn set_input(&mut self, input: Input) {
        self.input = input;
    }

    pub fn push(&mut self, event: Event) {
        self.make_room();
        match link_of(&event) {
            LinkOf::One(id) => {
                let buf = self.links.entry(id).or_default();
                if buf.state.starts_new(&event) && !buf.current.events.is_empty() {
                    let mut ctx = Ctx {
                        id,
                        threshold: self.threshold,
                        judge: &mut *self.judge,
                        input: &self.input,
                        beacon: self.beacons.get(&id.ap),
                        arena: &self.arena,
                    };
                    let folded = buf.close(&mut ctx, Some(&event));
                    self.drop_events(folded);
                }
                // Closing may have compacted the arena: its length now.
                let slot = self.arena.len();
                let buf = self.links.entry(id).or_default();
                buf.state.absorb(&event);
                buf.current.start.get_or_insert(event.origin);
                buf.current.events.push(slot);
            }
            LinkOf::AllOfAp(ap) => {
                for (id, buf) in self.links.iter_mut() {
                    if id.ap == ap && !buf.current.events.is_empty() {
                        buf.state.absorb(&event);
                        buf.current.shared = true;
                    }
                }
            }
            LinkOf::None => {
                if let EventKind::Beacon { bssid, .. } = &event.kind {
                    self.beacons.insert(*bssid, event.clone());
                }
            }
            LinkOf::Context => {}
        }
        self.arena.push(Some(event));
    }

    /// The arena is what stays resident, so a full one is compacted if
    /// that frees a slot in eight, and otherwise grows by a quarter rather
    /// than doubling (still amortised O(1) per event).
    fn make_room(&mut self) {
        if self.arena.len() < self.arena.capacity() {
            return;
        }
        if !self.gone.is_empty() && self.gone.len() * 8 >= self.arena.len() {
            self.compact();
        }
        if self.arena.len() == self.arena.capacity() {
            self.arena.reserve_exact((self.arena.len() / 4).max(64));
        }
    }

    /// Empties the arena slots of folded attempts; compacts the arena
    /// once a fifth of it is empty.
    fn drop_events(&mut self, folded: Vec<Pending>) {
        for pending in folded {
            self.condensed += 1;
            for slot in pending.events {
                // A slot is emptied once: `gone` counts each slot once.
                if self.arena.get_mut(slot).and_then(Option::take).is_some() {
                    self.gone.push(slot);
                }
            }
        }
        // Often enough that empty slots never add much to the arena's
        // high-water mark, which is what stays resident.
        if self.gone.len() >= 256 && self.gone.len() * 5 >= self.arena.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut gone = std::mem::take(&mut self.gone);
        gone.sort_unstable();
        let moved = |slot: usize| slot.saturating_sub(gone.partition_point(|&g| g < slot));
        for buf in self.links.values_mut() {
            for pending in std::iter::once(&mut buf.current).chain(buf.kept.values_mut()) {
                for slot in &mut pending.events {
                    *slot = moved(*slot);
                }
            }
        }
        self.arena.retain(Option::is_some);
    }

    /// Every kept event in arrival order, the plan of the links where
    /// attempts were condensed, and how many attempts were counted on
    /// another instead of kept.
    pub fn finish(mut self) -> (Vec<Event>, AttemptPlan, u64) {
        let mut ids: Vec<LinkId> = self.links.keys().copied().collect();
        ids.sort_unstable();
        for id in &ids {
            let Some(buf) = self.links.get_mut(id) else {
                continue;
            };
            if buf.current.events.is_empty() {
                continue;
            }
            let mut ctx = Ctx {
                id: *id,
                threshold: self.threshold,
                judge: &mut *self.judge,
                input: &self.input,
                beacon: self.beacons.get(&id.ap),
                arena: &self.arena,
            };
            let folded = buf.close(&mut ctx, None);
            self.drop_events(folded);
        }
        let mut plan = AttemptPlan::new();
        for (id, buf) in self.links.drain() {
            if !buf.kept.values().any(|p| p.repeats.is_some()) {
                continue;
            }
            let kept = buf
                .kept
                .into_iter()
                .filter_map(|(number, pending)| {
                    Some(KeptAttempt {
                        start: pending.start?,
                        number,
                        repeats: pending.repeats,
                    })
                })
                .collect();
            plan.insert(id, kept);
        }
        // Collected in place: `None` is a niche, so both have one size, and
        // `filter_map` (unlike `flatten`) reuses the arena's allocation.
        #[allow(clippy::filter_map_identity)]
        let mut events: Vec<Event> = self.arena.into_iter().filter_map(|event| event).collect();
        // The arena was sized for the attempts still open while reading;
        // what the analysis allocates next can take the rest.
        events.shrink_to_fit();
        (events, plan, self.condensed)
    }
}

/// What closing an attempt needs besides the link's own buffer.
struct Ctx<'a, 'j> {
    id: LinkId,
    threshold: u64,
    judge: &'a mut (dyn Judge + 'j),
    input: &'a Input,
    beacon: Option<&'a Event>,
    arena: &'a [Option<Event>],
}

impl Ctx<'_, '_> {
    fn key(&mut self, number: u64, pending: &Pending, next: Option<&Event>) -> Option<[u8; 20]> {
        if pending.shared {
            return None;
        }
        let events: Vec<&Event> = pending
            .events
            .iter()
            .filter_map(|&slot| self.arena.get(slot)?.as_ref())
            .collect();
        let key = self.judge.key(&Closed {
            link: self.id,
            number,
            input: self.input,
            beacon: self.beacon,
            events: &events,
            next,
        })?;
        Some(Sha1::digest(&key).into())
    }
}

fn first_event<'a>(arena: &'a [Option<Event>], pending: &Pending) -> Option<&'a Event> {
    pending
        .events
        .first()
        .and_then(|&slot| arena.get(slot)?.as_ref())
}

impl LinkBuf {
    /// Ends the current attempt (`next` began the following one); returns
    /// the attempts folded into a later one, whose events are to go.
    fn close(&mut self, ctx: &mut Ctx<'_, '_>, next: Option<&Event>) -> Vec<Pending> {
        let mut pending = std::mem::take(&mut self.current);
        // Kept attempts may wait long: not with a doubled capacity.
        pending.events.shrink_to_fit();
        self.state = AttemptState::default();
        self.closed += 1;
        let number = self.closed;
        self.kept.insert(number, pending);
        if !self.condensing && self.closed < ctx.threshold {
            return Vec::new();
        }
        if !self.condensing {
            // Judge the attempts kept so far: each one's next attempt
            // begins with the first event of the one after it.
            self.condensing = true;
            let numbers: Vec<u64> = self.kept.keys().copied().collect();
            let arena = ctx.arena;
            for (i, &n) in numbers.iter().enumerate() {
                let after = numbers
                    .get(i + 1)
                    .and_then(|a| self.kept.get(a))
                    .and_then(|p| first_event(arena, p));
                let key = self
                    .kept
                    .get(&n)
                    .and_then(|p| ctx.key(n, p, after.or(next)));
                if let Some(p) = self.kept.get_mut(&n) {
                    p.key = Some(key);
                }
            }
            return numbers.into_iter().filter_map(|n| self.fold(n)).collect();
        }
        let key = self
            .kept
            .get(&number)
            .and_then(|p| ctx.key(number, p, next));
        if let Some(p) = self.kept.get_mut(&number) {
            p.key = Some(key);
        }
        self.fold(number).into_iter().collect()
    }

    /// Counts the kept attempt with the same key as attempt `number` (an
    /// earlier one) on `number`; returns it.
    fn fold(&mut self, number: u64) -> Option<Pending> {
        let key = self.kept.get(&number)?.key.flatten()?;
        let earlier = self.by_key.insert(key, number)?;
        let old = self.kept.remove(&earlier)?;
        let start = old.start?;
        let mut repeats = Repeats {
            count: 1,
            first_number: earlier,
            last_number: earlier,
            first: start,
            last: start,
        };
        if let Some(before) = &old.repeats {
            repeats.merge(before);
        }
        if let Some(now) = self.kept.get_mut(&number) {
            match &mut now.repeats {
                Some(existing) => existing.merge(&repeats),
                None => now.repeats = Some(repeats),
            }
        }
        Some(old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handshake::attempt::fixtures::{AP, STA, deauth, key, nonce};
    use crate::handshake::timeline::{InputKind, Timeline};
    use crate::wire::eapol::KeyMsg;
    use crate::wire::{LinkType, MacAddr};

    fn input() -> Input {
        Input {
            name: "test".to_string(),
            kind: InputKind::Capture {
                linktypes: vec![LinkType::RADIOTAP],
                shows_acks: false,
            },
        }
    }

    /// A failing attempt from frame `at` on: M1 and M2 twice, then a
    /// deauthentication with `reason`. Nonces and counters differ from one
    /// attempt to the next; the course does not.
    fn failing(at: u64, reason: u16) -> Vec<Event> {
        // Below 0x80, so the SNonce (seed | 0x80) always differs.
        let seed = (at / 100 % 0x80) as u8;
        vec![
            key(at, KeyMsg::M1, at, nonce(seed), None),
            key(at + 1, KeyMsg::M2, at, nonce(seed | 0x80), None),
            key(at + 2, KeyMsg::M1, at + 1, nonce(seed), None),
            key(at + 3, KeyMsg::M2, at + 1, nonce(seed | 0x80), None),
            deauth(at + 4, reason),
        ]
    }

    /// Attempts with the same messages and reason codes are the same; one
    /// the input ends in, without a deauthentication, stands apart.
    struct SameMessages;

    impl Judge for SameMessages {
        fn key(&mut self, closed: &Closed<'_>) -> Option<Vec<u8>> {
            let mut key = Vec::new();
            let mut ended = false;
            for event in closed.events {
                match &event.kind {
                    EventKind::Key(k) => key.push(k.msg as u8),
                    EventKind::Deauthentication { reason, .. } => {
                        ended = true;
                        key.extend(reason.to_le_bytes());
                    }
                    _ => key.push(0xFF),
                }
            }
            if closed.next.is_none() && !ended {
                key.push(0xFE);
            }
            Some(key)
        }
    }

    fn condense(threshold: u64, attempts: &[Vec<Event>]) -> (Vec<Event>, AttemptPlan, u64) {
        let mut judge = SameMessages;
        let mut condenser = Condenser::new(threshold, &mut judge, input());
        for event in attempts.iter().flatten() {
            condenser.push(event.clone());
        }
        condenser.finish()
    }

    fn numbers(events: &[Event]) -> Vec<u64> {
        events
            .iter()
            .map(|e| match e.origin {
                Origin::Frame { number, .. } | Origin::Line { number, .. } => number,
            })
            .collect()
    }

    const LINK: LinkId = LinkId { ap: AP, sta: STA };
    #[test]
    fn repeats_fold_into_the_latest_and_keep_their_numbers() {
        let attempts: Vec<Vec<Event>> = (1..=6).map(|i| failing(i * 100, 15)).collect();
        let (events, plan, condensed) = condense(3, &attempts);
        assert_eq!(condensed, 5);
        assert_eq!(numbers(&events), vec![600, 601, 602, 603, 604]);
        let kept = &plan[&LINK];
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].number, 6);
        assert_eq!(
            kept[0].start,
            Origin::Frame {
                file: 0,
                number: 600
            }
        );
        let repeats = kept[0].repeats.expect("repeats");
        assert_eq!(repeats.count, 5);
        assert_eq!((repeats.first_number, repeats.last_number), (1, 5));
        assert_eq!(
            repeats.first,
            Origin::Frame {
                file: 0,
                number: 100
            }
        );
        assert_eq!(
            repeats.last,
            Origin::Frame {
                file: 0,
                number: 500
            }
        );
    }

    #[test]
    fn compaction_keeps_every_link_pointing_at_its_own_events() {
        // Three links take turns; two of them fail the same way again and
        // again, so the arena is compacted many times while the third
        // link's attempts (each different) and the open ones stay.
        let other = MacAddr([0x02, 0, 0, 0, 9, 0]);
        let third = MacAddr([0x02, 0, 0, 0, 9, 1]);
        let on = |sta: MacAddr, events: Vec<Event>| -> Vec<Event> {
            events
                .into_iter()
                .map(|mut e| {
                    match &mut e.kind {
                        EventKind::Key(key) => key.sta = sta,
                        EventKind::Deauthentication { ra, .. } => *ra = sta,
                        _ => {}
                    }
                    e
                })
                .collect()
        };
        let mut attempts = Vec::new();
        for i in 0..300u64 {
            let at = 1000 + i * 30;
            attempts.push(failing(at, 15));
            attempts.push(on(other, failing(at + 10, 15)));
            // Each of the third link's attempts has its own reason code.
            attempts.push(on(third, failing(at + 20, 100 + i as u16)));
        }
        let (events, plan, condensed) = condense(3, &attempts);
        assert_eq!(condensed, 2 * 299);
        let n = numbers(&events);
        assert!(n.windows(2).all(|w| w[0] < w[1]), "order");
        // Kept: the last attempt of each repeating link, every attempt of
        // the third.
        assert_eq!(n.len(), 5 * (300 + 2));
        let last = 1000 + 299 * 30;
        assert!(n.contains(&last) && n.contains(&(last + 14)));
        for link in [LINK, LinkId { ap: AP, sta: other }] {
            let kept = &plan[&link];
            assert_eq!(kept.len(), 1);
            assert_eq!(kept[0].number, 300);
            assert_eq!(kept[0].repeats.map(|r| r.count), Some(299));
        }
        assert!(!plan.contains_key(&LinkId { ap: AP, sta: third }));
        let mut timeline = Timeline::default();
        timeline.add(input(), events);
        timeline.plan = plan;
        timeline.finish();
        for link in timeline.links() {
            for attempt in &link.attempts {
                // Each attempt is one whole failing course on its own link.
                assert_eq!(attempt.events.len(), 5, "{:?} #{}", link.id, attempt.number);
                for &i in &attempt.events {
                    match &timeline.events[i].kind {
                        EventKind::Key(key) => assert_eq!(key.sta, link.id.sta),
                        EventKind::Deauthentication { ra, .. } => assert_eq!(*ra, link.id.sta),
                        other => panic!("{other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn below_the_threshold_nothing_folds() {
        let attempts: Vec<Vec<Event>> = (1..=3).map(|i| failing(i * 100, 15)).collect();
        let (events, plan, condensed) = condense(4, &attempts);
        assert_eq!(condensed, 0);
        assert!(plan.is_empty());
        assert_eq!(events.len(), 15);
    }

    #[test]
    fn a_different_course_is_kept_in_its_place() {
        // Reason 2 instead of 15 in the third attempt.
        let attempts = vec![
            failing(100, 15),
            failing(200, 15),
            failing(300, 2),
            failing(400, 15),
            failing(500, 15),
        ];
        let (events, plan, condensed) = condense(2, &attempts);
        assert_eq!(condensed, 3);
        let kept: Vec<(u64, Option<u64>)> = plan[&LINK]
            .iter()
            .map(|k| (k.number, k.repeats.map(|r| r.count)))
            .collect();
        assert_eq!(kept, vec![(3, None), (5, Some(3))]);
        // Arrival order survives.
        let n = numbers(&events);
        assert!(n.windows(2).all(|w| w[0] < w[1]), "{n:?}");
        assert_eq!(n.first(), Some(&300));
    }

    #[test]
    fn the_open_last_attempt_is_not_a_closed_one() {
        // The last attempt has no deauthentication: the capture just ends.
        let mut attempts: Vec<Vec<Event>> = (1..=4).map(|i| failing(i * 100, 15)).collect();
        let mut open = failing(500, 15);
        open.pop();
        let mut cut = failing(600, 15);
        cut.pop();
        attempts.push(open);
        attempts.push(cut);
        let (_, plan, condensed) = condense(2, &attempts);
        // Attempts 1-4 fold into 4; 5 ended when 6 began (a new ANonce
        // after no M3 is not a new attempt, so 5 and 6 are one).
        assert_eq!(condensed, 3);
        let kept: Vec<u64> = plan[&LINK].iter().map(|k| k.number).collect();
        assert_eq!(kept, vec![4, 5]);
    }

    #[test]
    fn an_attempt_with_a_shared_event_never_folds() {
        let broadcast = Event {
            kind: EventKind::Deauthentication {
                ta: AP,
                ra: MacAddr([0xff; 6]),
                bssid: AP,
                disassociation: false,
                reason: 3,
                air: None,
            },
            ..deauth(250, 3)
        };
        let mut second = failing(200, 15);
        second.insert(4, broadcast);
        let attempts = vec![failing(100, 15), second, failing(300, 15), failing(400, 15)];
        let (events, plan, condensed) = condense(2, &attempts);
        assert_eq!(condensed, 2);
        let kept: Vec<u64> = plan[&LINK].iter().map(|k| k.number).collect();
        assert_eq!(kept, vec![2, 4]);
        assert!(numbers(&events).contains(&250));
    }

    #[test]
    fn the_timeline_splits_where_reading_did() {
        let attempts: Vec<Vec<Event>> = (1..=5).map(|i| failing(i * 100, 15)).collect();
        let (events, plan, _) = condense(2, &attempts);
        let mut timeline = Timeline::default();
        timeline.add(input(), events);
        timeline.plan = plan;
        timeline.finish();
        let links = timeline.links();
        assert_eq!(links.len(), 1);
        let numbered: Vec<(u64, u64, usize)> = links[0]
            .attempts
            .iter()
            .map(|a| (a.number, a.repeats.map_or(0, |r| r.count), a.events.len()))
            .collect();
        assert_eq!(numbered, vec![(5, 4, 5)]);
    }
}

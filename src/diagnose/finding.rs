//! What a rule produces: a finding with its evidence and confidence.

use std::borrow::Cow;

use crate::handshake::{Origin, event::Ssid};

/// How sure a finding is. The words are part of the JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Proved: a MIC, a PMKID, or a daemon's own statement of the check.
    Certain,
    /// The evidence fits this and rules out the usual alternatives.
    Likely,
    /// Consistent with the evidence, which cannot rule out others.
    Possible,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Likely => "likely",
            Confidence::Possible => "possible",
        }
    }
}

/// One fact a finding rests on. Notes never contain MAC addresses or SSIDs
/// (they speak of "the AP" and "the station"), so redaction only has to
/// replace the structured fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub origin: Option<Origin>,
    pub note: String,
}

impl Evidence {
    pub fn at(origin: Option<Origin>, note: impl Into<String>) -> Self {
        Evidence {
            origin,
            note: note.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable kebab-case id (`psk-mismatch`): part of the API.
    pub id: &'static str,
    pub confidence: Confidence,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub rules_out: Vec<Cow<'static, str>>,
    pub next_steps: Vec<Cow<'static, str>>,
    /// 0-based attempt on the link the finding is about.
    pub attempt: Option<usize>,
    /// That attempt's number among all the link's attempts (1-based; it
    /// differs from `attempt + 1` when repeated attempts were condensed).
    pub attempt_number: Option<u64>,
    /// `ap-not-found`: the SSID the station wants, and the closest one seen.
    pub ssid_wanted: Option<Ssid>,
    pub ssid_hint: Option<Ssid>,
}

impl Finding {
    pub fn new(id: &'static str, confidence: Confidence, summary: impl Into<String>) -> Self {
        Finding {
            id,
            confidence,
            summary: summary.into(),
            evidence: Vec::new(),
            rules_out: Vec::new(),
            next_steps: Vec::new(),
            attempt: None,
            attempt_number: None,
            ssid_wanted: None,
            ssid_hint: None,
        }
    }

    pub fn evidence(mut self, origin: Option<Origin>, note: impl Into<String>) -> Self {
        self.evidence.push(Evidence::at(origin, note));
        self
    }

    /// What the finding rules out; most are fixed text, kept unallocated
    /// (a capture of 10,000 stations holds tens of thousands).
    pub fn rules_out(mut self, what: impl Into<Cow<'static, str>>) -> Self {
        self.rules_out.push(what.into());
        self
    }

    pub fn next_step(mut self, what: impl Into<Cow<'static, str>>) -> Self {
        self.next_steps.push(what.into());
        self
    }

    /// Whether this finding says the link is fine.
    pub fn is_success(&self) -> bool {
        self.id == "handshake-ok"
    }
}

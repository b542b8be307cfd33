//! Reason and status codes (IEEE 802.11-2020 Tables 9-49 and 9-50).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonCode(pub u16);

impl ReasonCode {
    pub fn name(self) -> &'static str {
        "unknown"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(pub u16);

impl StatusCode {
    pub fn name(self) -> &'static str {
        "unknown"
    }
}

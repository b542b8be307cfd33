//! Reason codes (IEEE 802.11-2020 Table 9-49), status codes (Table 9-50)
//! and authentication algorithm numbers (9.4.1.1), with their IEEE names
//! and a plain-words description. Conversion from `u16` cannot fail:
//! unknown values keep their number.

use std::fmt;

/// A Deauthentication or Disassociation reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReasonCode(pub u16);

/// A status code of an Authentication or (Re)Association Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(pub u16);

/// An Authentication Algorithm Number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthAlgorithm(pub u16);

impl From<u16> for ReasonCode {
    fn from(value: u16) -> Self {
        ReasonCode(value)
    }
}

impl From<u16> for StatusCode {
    fn from(value: u16) -> Self {
        StatusCode(value)
    }
}

impl From<u16> for AuthAlgorithm {
    fn from(value: u16) -> Self {
        AuthAlgorithm(value)
    }
}

/// (code, IEEE name as hostap's ieee802_11_defs.h spells it, plain words)
const REASONS: &[(u16, &str, &str)] = &[
    (1, "UNSPECIFIED", "unspecified reason"),
    (
        2,
        "PREV_AUTH_NOT_VALID",
        "previous authentication no longer valid",
    ),
    (
        3,
        "DEAUTH_LEAVING",
        "the sender is leaving (or has left) the network",
    ),
    (
        4,
        "DISASSOC_DUE_TO_INACTIVITY",
        "disassociated because of inactivity",
    ),
    (
        5,
        "DISASSOC_AP_BUSY",
        "the AP cannot handle all currently associated stations",
    ),
    (
        6,
        "CLASS2_FRAME_FROM_NONAUTH_STA",
        "class 2 frame received from a non-authenticated station",
    ),
    (
        7,
        "CLASS3_FRAME_FROM_NONASSOC_STA",
        "class 3 frame received from a non-associated station",
    ),
    (
        8,
        "DISASSOC_STA_HAS_LEFT",
        "the station is leaving (or has left) the BSS",
    ),
    (
        9,
        "STA_REQ_ASSOC_WITHOUT_AUTH",
        "the station requested association without being authenticated",
    ),
    (
        10,
        "PWR_CAPABILITY_NOT_VALID",
        "the power capability element is unacceptable",
    ),
    (
        11,
        "SUPPORTED_CHANNEL_NOT_VALID",
        "the supported channels element is unacceptable",
    ),
    (
        12,
        "BSS_TRANSITION_DISASSOC",
        "disassociated for a BSS transition",
    ),
    (13, "INVALID_IE", "invalid element"),
    (14, "MICHAEL_MIC_FAILURE", "Michael (TKIP) MIC failure"),
    (
        15,
        "4WAY_HANDSHAKE_TIMEOUT",
        "4-way handshake timeout: the other side stopped answering",
    ),
    (
        16,
        "GROUP_KEY_UPDATE_TIMEOUT",
        "group key handshake timeout",
    ),
    (
        17,
        "IE_IN_4WAY_DIFFERS",
        "an element in the 4-way handshake differs from the (re)association or beacon one",
    ),
    (18, "GROUP_CIPHER_NOT_VALID", "invalid group cipher"),
    (19, "PAIRWISE_CIPHER_NOT_VALID", "invalid pairwise cipher"),
    (20, "AKMP_NOT_VALID", "invalid AKM"),
    (
        21,
        "UNSUPPORTED_RSN_IE_VERSION",
        "unsupported RSN element version",
    ),
    (22, "INVALID_RSN_IE_CAPAB", "invalid RSN capabilities"),
    (
        23,
        "IEEE_802_1X_AUTH_FAILED",
        "IEEE 802.1X authentication failed",
    ),
    (
        24,
        "CIPHER_SUITE_REJECTED",
        "cipher suite rejected by security policy",
    ),
    (25, "TDLS_TEARDOWN_UNREACHABLE", "TDLS peer unreachable"),
    (
        26,
        "TDLS_TEARDOWN_UNSPECIFIED",
        "TDLS teardown, unspecified reason",
    ),
    (
        27,
        "SSP_REQUESTED_DISASSOC",
        "disassociated at the request of the subscription service provider",
    ),
    (
        28,
        "NO_SSP_ROAMING_AGREEMENT",
        "no roaming agreement with the subscription service provider",
    ),
    (
        29,
        "BAD_CIPHER_OR_AKM",
        "cipher or AKM not allowed for the requested service",
    ),
    (
        30,
        "NOT_AUTHORIZED_THIS_LOCATION",
        "not authorized in this location",
    ),
    (
        31,
        "SERVICE_CHANGE_PRECLUDES_TS",
        "service change precludes the traffic stream",
    ),
    (
        32,
        "UNSPECIFIED_QOS_REASON",
        "unspecified QoS-related reason",
    ),
    (
        33,
        "NOT_ENOUGH_BANDWIDTH",
        "not enough bandwidth for this station",
    ),
    (
        34,
        "DISASSOC_LOW_ACK",
        "too many frames need acknowledgement (poor channel conditions)",
    ),
    (
        35,
        "EXCEEDED_TXOP",
        "the station exceeded its transmission opportunities",
    ),
    (
        36,
        "STA_LEAVING",
        "the station is leaving the BSS or resetting",
    ),
    (
        37,
        "END_TS_BA_DLS",
        "the station no longer uses the stream or session",
    ),
    (
        38,
        "UNKNOWN_TS_BA",
        "the station received frames of an unknown stream or session",
    ),
    (39, "TIMEOUT", "requested from peer station due to timeout"),
    (45, "PEERKEY_MISMATCH", "peer key mismatch"),
    (
        46,
        "AUTHORIZED_ACCESS_LIMIT_REACHED",
        "authorized access limit reached",
    ),
    (
        47,
        "EXTERNAL_SERVICE_REQUIREMENTS",
        "external service requirements",
    ),
    (
        48,
        "INVALID_FT_ACTION_FRAME_COUNT",
        "invalid FT action frame count",
    ),
    (49, "INVALID_PMKID", "invalid PMKID"),
    (50, "INVALID_MDE", "invalid mobility domain element"),
    (51, "INVALID_FTE", "invalid fast BSS transition element"),
    (52, "MESH_PEERING_CANCELLED", "mesh peering cancelled"),
    (
        53,
        "MESH_MAX_PEERS",
        "mesh: maximum number of peers reached",
    ),
    (
        54,
        "MESH_CONFIG_POLICY_VIOLATION",
        "mesh configuration policy violation",
    ),
    (55, "MESH_CLOSE_RCVD", "mesh close received"),
    (56, "MESH_MAX_RETRIES", "mesh: maximum retries"),
    (57, "MESH_CONFIRM_TIMEOUT", "mesh confirm timeout"),
    (58, "MESH_INVALID_GTK", "mesh: invalid GTK"),
    (
        59,
        "MESH_INCONSISTENT_PARAMS",
        "mesh: inconsistent parameters",
    ),
    (
        60,
        "MESH_INVALID_SECURITY_CAP",
        "mesh: invalid security capability",
    ),
    (
        61,
        "MESH_PATH_ERROR_NO_PROXY_INFO",
        "mesh path error: no proxy information",
    ),
    (
        62,
        "MESH_PATH_ERROR_NO_FORWARDING_INFO",
        "mesh path error: no forwarding information",
    ),
    (
        63,
        "MESH_PATH_ERROR_DEST_UNREACHABLE",
        "mesh path error: destination unreachable",
    ),
    (
        64,
        "MAC_ADDRESS_ALREADY_EXISTS_IN_MBSS",
        "MAC address already exists in the mesh BSS",
    ),
    (
        65,
        "MESH_CHANNEL_SWITCH_REGULATORY_REQ",
        "mesh channel switch for regulatory requirements",
    ),
    (
        66,
        "MESH_CHANNEL_SWITCH_UNSPECIFIED",
        "mesh channel switch, unspecified reason",
    ),
];

const STATUSES: &[(u16, &str, &str)] = &[
    (0, "SUCCESS", "success"),
    (1, "UNSPECIFIED_FAILURE", "unspecified failure"),
    (
        2,
        "TDLS_WAKEUP_ALTERNATE",
        "TDLS wakeup schedule rejected, alternative provided",
    ),
    (3, "TDLS_WAKEUP_REJECT", "TDLS wakeup schedule rejected"),
    (5, "SECURITY_DISABLED", "security disabled"),
    (6, "UNACCEPTABLE_LIFETIME", "unacceptable lifetime"),
    (7, "NOT_IN_SAME_BSS", "not in the same BSS"),
    (
        10,
        "CAPS_UNSUPPORTED",
        "cannot support all requested capabilities",
    ),
    (
        11,
        "REASSOC_NO_ASSOC",
        "reassociation denied: no association exists",
    ),
    (
        12,
        "ASSOC_DENIED_UNSPEC",
        "association denied for a reason outside the standard",
    ),
    (
        13,
        "NOT_SUPPORTED_AUTH_ALG",
        "the authentication algorithm is not supported",
    ),
    (
        14,
        "UNKNOWN_AUTH_TRANSACTION",
        "authentication transaction sequence number out of order",
    ),
    (
        15,
        "CHALLENGE_FAIL",
        "authentication rejected: challenge failure",
    ),
    (
        16,
        "AUTH_TIMEOUT",
        "authentication rejected: timeout waiting for the next frame",
    ),
    (
        17,
        "AP_UNABLE_TO_HANDLE_NEW_STA",
        "the AP cannot handle more associated stations",
    ),
    (
        18,
        "ASSOC_DENIED_RATES",
        "the station does not support all basic rates",
    ),
    (
        19,
        "ASSOC_DENIED_NOSHORT",
        "the station does not support short preamble",
    ),
    (22, "SPEC_MGMT_REQUIRED", "spectrum management required"),
    (
        23,
        "PWR_CAPABILITY_NOT_VALID",
        "unacceptable power capability",
    ),
    (
        24,
        "SUPPORTED_CHANNEL_NOT_VALID",
        "unacceptable supported channels",
    ),
    (
        25,
        "ASSOC_DENIED_NO_SHORT_SLOT_TIME",
        "the station does not support short slot time",
    ),
    (27, "ASSOC_DENIED_NO_HT", "the station does not support HT"),
    (28, "R0KH_UNREACHABLE", "R0KH unreachable"),
    (
        29,
        "ASSOC_DENIED_NO_PCO",
        "the station does not support PCO transition time",
    ),
    (
        30,
        "ASSOC_REJECTED_TEMPORARILY",
        "association rejected temporarily; try again later (PMF SA Query)",
    ),
    (
        31,
        "ROBUST_MGMT_FRAME_POLICY_VIOLATION",
        "robust management frame policy violation (PMF)",
    ),
    (32, "UNSPECIFIED_QOS_FAILURE", "unspecified QoS failure"),
    (
        33,
        "DENIED_INSUFFICIENT_BANDWIDTH",
        "insufficient bandwidth",
    ),
    (
        34,
        "DENIED_POOR_CHANNEL_CONDITIONS",
        "poor channel conditions",
    ),
    (35, "DENIED_QOS_NOT_SUPPORTED", "QoS not supported"),
    (37, "REQUEST_DECLINED", "request declined"),
    (38, "INVALID_PARAMETERS", "invalid parameters"),
    (
        39,
        "REJECTED_WITH_SUGGESTED_CHANGES",
        "rejected with suggested changes",
    ),
    (40, "INVALID_IE", "invalid element"),
    (41, "GROUP_CIPHER_NOT_VALID", "invalid group cipher"),
    (42, "PAIRWISE_CIPHER_NOT_VALID", "invalid pairwise cipher"),
    (43, "AKMP_NOT_VALID", "invalid AKM"),
    (
        44,
        "UNSUPPORTED_RSN_IE_VERSION",
        "unsupported RSN element version",
    ),
    (45, "INVALID_RSN_IE_CAPAB", "invalid RSN capabilities"),
    (
        46,
        "CIPHER_REJECTED_PER_POLICY",
        "cipher suite rejected by security policy",
    ),
    (47, "TS_NOT_CREATED", "traffic stream not created"),
    (48, "DIRECT_LINK_NOT_ALLOWED", "direct link not allowed"),
    (
        49,
        "DEST_STA_NOT_PRESENT",
        "destination station not present",
    ),
    (
        50,
        "DEST_STA_NOT_QOS_STA",
        "destination station is not a QoS station",
    ),
    (
        51,
        "ASSOC_DENIED_LISTEN_INT_TOO_LARGE",
        "listen interval too large",
    ),
    (
        52,
        "INVALID_FT_ACTION_FRAME_COUNT",
        "invalid FT action frame count",
    ),
    (53, "INVALID_PMKID", "invalid PMKID"),
    (54, "INVALID_MDIE", "invalid mobility domain element"),
    (55, "INVALID_FTIE", "invalid fast BSS transition element"),
    (72, "INVALID_RSNIE", "invalid RSN element"),
    (
        76,
        "ANTI_CLOGGING_TOKEN_REQ",
        "SAE anti-clogging token required",
    ),
    (
        77,
        "FINITE_CYCLIC_GROUP_NOT_SUPPORTED",
        "SAE finite cyclic group not supported",
    ),
    (
        82,
        "REJECTED_WITH_SUGGESTED_BSS_TRANSITION",
        "rejected with a suggested BSS transition",
    ),
    (
        93,
        "DENIED_DUE_TO_SPECTRUM_MANAGEMENT",
        "denied because of spectrum management",
    ),
    (
        123,
        "UNKNOWN_PASSWORD_IDENTIFIER",
        "SAE password identifier unknown",
    ),
    (
        126,
        "SAE_HASH_TO_ELEMENT",
        "SAE commit uses hash-to-element (H2E)",
    ),
    (127, "SAE_PK", "SAE commit uses SAE-PK"),
];

const ALGORITHMS: &[(u16, &str)] = &[
    (0, "open"),
    (1, "shared-key"),
    (2, "ft"),
    (3, "sae"),
    (4, "fils-sk"),
    (5, "fils-sk-pfs"),
    (6, "fils-pk"),
    (8, "pasn"),
    (128, "leap"),
];

fn lookup(
    table: &'static [(u16, &'static str, &'static str)],
    code: u16,
) -> Option<&'static (u16, &'static str, &'static str)> {
    table.iter().find(|(c, _, _)| *c == code)
}

impl ReasonCode {
    /// The IEEE name (as hostap spells it), or "UNKNOWN".
    pub fn name(self) -> &'static str {
        lookup(REASONS, self.0).map_or("UNKNOWN", |e| e.1)
    }
    /// What the code means, in plain words.
    pub fn description(self) -> &'static str {
        lookup(REASONS, self.0).map_or("reason code not known to wpadiag", |e| e.2)
    }
}

impl StatusCode {
    pub const SUCCESS: StatusCode = StatusCode(0);

    pub fn name(self) -> &'static str {
        lookup(STATUSES, self.0).map_or("UNKNOWN", |e| e.1)
    }
    pub fn description(self) -> &'static str {
        lookup(STATUSES, self.0).map_or("status code not known to wpadiag", |e| e.2)
    }
    pub fn is_success(self) -> bool {
        self.0 == 0
    }
    /// Status codes with which an SAE commit still goes on (12.4.8.6.4):
    /// success, and the two hash-to-element / SAE-PK variants.
    pub fn is_sae_commit_success(self) -> bool {
        matches!(self.0, 0 | 126 | 127)
    }
}

impl AuthAlgorithm {
    pub const OPEN: AuthAlgorithm = AuthAlgorithm(0);
    pub const SHARED_KEY: AuthAlgorithm = AuthAlgorithm(1);
    pub const FT: AuthAlgorithm = AuthAlgorithm(2);
    pub const SAE: AuthAlgorithm = AuthAlgorithm(3);
    pub const FILS_SK: AuthAlgorithm = AuthAlgorithm(4);

    pub fn name(self) -> &'static str {
        ALGORITHMS
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or("unknown", |e| e.1)
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}

impl fmt::Display for AuthAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_codes_a_diagnosis_meets() {
        assert_eq!(ReasonCode(15).name(), "4WAY_HANDSHAKE_TIMEOUT");
        assert_eq!(ReasonCode(2).name(), "PREV_AUTH_NOT_VALID");
        assert_eq!(ReasonCode(17).name(), "IE_IN_4WAY_DIFFERS");
        assert_eq!(ReasonCode(34).name(), "DISASSOC_LOW_ACK");
        assert_eq!(ReasonCode(39).name(), "TIMEOUT");
        assert_eq!(ReasonCode(999).name(), "UNKNOWN");
        assert_eq!(ReasonCode(15).to_string(), "15 (4WAY_HANDSHAKE_TIMEOUT)");
        assert_eq!(StatusCode(30).name(), "ASSOC_REJECTED_TEMPORARILY");
        assert_eq!(StatusCode(77).name(), "FINITE_CYCLIC_GROUP_NOT_SUPPORTED");
        assert_eq!(StatusCode(126).name(), "SAE_HASH_TO_ELEMENT");
        assert!(StatusCode(126).is_sae_commit_success());
        assert_eq!(AuthAlgorithm(3).name(), "sae");
        assert_eq!(AuthAlgorithm(0).to_string(), "0 (open)");
    }

    #[test]
    fn every_required_reason_has_a_name_and_words() {
        for code in (1..=24).chain(34..=39).chain(45..=66) {
            assert_ne!(ReasonCode(code).name(), "UNKNOWN", "reason {code}");
            assert!(!ReasonCode(code).description().is_empty());
        }
        for code in [
            0, 1, 10, 12, 13, 14, 15, 16, 17, 18, 30, 31, 37, 40, 41, 42, 43, 45, 46, 53, 72, 76,
            77, 123, 126,
        ] {
            assert_ne!(StatusCode(code).name(), "UNKNOWN", "status {code}");
        }
    }
}

//! Key Data Encapsulations inside EAPOL-Key Key Data (IEEE 802.11-2020 12.7.2, Table 12-9).

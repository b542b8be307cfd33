//! Lines of wpa_supplicant and hostapd debug logs.

//! A client of wpa_supplicant's (or hostapd's) control interface: attaches
//! as a monitor and receives its event messages (`<3>CTRL-EVENT-...`), as
//! `wpa_cli` does (hostap `src/common/wpa_ctrl.c`: a datagram socket bound
//! to its own path, connected to the daemon's, "ATTACH" answered "OK").

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An attached control-interface connection; detaches and removes its own
/// socket file on drop.
pub struct WpaCtrl {
    socket: UnixDatagram,
    local: PathBuf,
}

impl WpaCtrl {
    /// Connects to the daemon's socket at `path` (e.g.
    /// `/var/run/wpa_supplicant/wlan0`) and attaches for events.
    pub fn attach(path: &Path) -> io::Result<WpaCtrl> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let local = std::env::temp_dir().join(format!("wpadiag_ctrl_{}-{n}", std::process::id()));
        let _ = std::fs::remove_file(&local);
        let socket = UnixDatagram::bind(&local)?;
        let ctrl = WpaCtrl { socket, local };
        ctrl.socket.connect(path)?;
        ctrl.socket.set_read_timeout(Some(Duration::from_secs(2)))?;
        ctrl.socket.send(b"ATTACH")?;
        let mut reply = [0u8; 256];
        loop {
            let n = ctrl.socket.recv(&mut reply)?;
            let text = reply.get(..n).unwrap_or_default();
            // Events may already arrive before the reply.
            if text.starts_with(b"<") {
                continue;
            }
            if text.starts_with(b"OK") {
                break;
            }
            return Err(io::Error::other(format!(
                "control interface refused ATTACH: {}",
                String::from_utf8_lossy(text).trim()
            )));
        }
        Ok(ctrl)
    }

    /// This end's socket file (removed on drop).
    pub fn local_path(&self) -> &Path {
        &self.local
    }

    /// Waits up to `timeout` for one event; returns its text without the
    /// `<level>` prefix. `Ok(None)`: nothing came.
    pub fn next_event(&self, timeout: Duration) -> io::Result<Option<String>> {
        self.socket.set_read_timeout(Some(timeout))?;
        let mut buffer = vec![0u8; 4096];
        match self.socket.recv(&mut buffer) {
            Ok(n) => {
                let text = String::from_utf8_lossy(buffer.get(..n).unwrap_or_default())
                    .trim_end()
                    .to_string();
                Ok(Some(strip_level(&text).to_string()))
            }
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }
}

impl Drop for WpaCtrl {
    fn drop(&mut self) {
        let _ = self.socket.send(b"DETACH");
        let _ = std::fs::remove_file(&self.local);
    }
}

/// `<3>CTRL-EVENT-CONNECTED ...` -> `CTRL-EVENT-CONNECTED ...`.
pub fn strip_level(message: &str) -> &str {
    match message
        .strip_prefix('<')
        .and_then(|rest| rest.split_once('>'))
    {
        Some((level, rest)) if level.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn strips_the_level() {
        assert_eq!(
            strip_level("<3>CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=15"),
            "CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=15"
        );
        assert_eq!(strip_level("<x>y"), "<x>y");
        assert_eq!(strip_level("plain"), "plain");
    }

    #[test]
    fn attaches_and_receives_events() {
        let dir = std::env::temp_dir().join(format!("wpadiag-ctrl-t-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let server_path = dir.join("wlan0");
        let _ = std::fs::remove_file(&server_path);
        let server = UnixDatagram::bind(&server_path).unwrap();
        let daemon = std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            let (n, peer) = server.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"ATTACH");
            let peer = peer.as_pathname().unwrap().to_path_buf();
            server.send_to(b"OK\n", &peer).unwrap();
            server
                .send_to(
                    b"<3>CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:00:00 completed",
                    &peer,
                )
                .unwrap();
            let (n, _) = server.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"DETACH");
        });
        let ctrl = WpaCtrl::attach(&server_path).unwrap();
        let local = ctrl.local.clone();
        assert!(local.exists());
        let event = ctrl.next_event(Duration::from_secs(2)).unwrap();
        assert_eq!(
            event.as_deref(),
            Some("CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:00:00 completed")
        );
        assert_eq!(ctrl.next_event(Duration::from_millis(10)).unwrap(), None);
        drop(ctrl);
        daemon.join().unwrap();
        assert!(!local.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

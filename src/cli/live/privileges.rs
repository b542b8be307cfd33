//! Giving up privileges once the sockets are open, as `tcpdump -Z` does:
//! decoding what anyone on the air can send should not run with them.
//!
//! Under sudo, wpadiag becomes the user who ran sudo; as root without sudo,
//! or with file capabilities (`setcap cap_net_raw,cap_net_admin+ep`), it
//! clears its capability sets. CAP_NET_ADMIN alone is kept while a monitor
//! interface it created is still to be removed.

use std::fs::File;
use std::path::Path;

use anyhow::Context as _;
use caps::{CapSet, Capability, CapsHashSet};

/// Drops every capability but `keep` (`why` says what they are kept for);
/// returns a line saying what happened, if anything did.
pub fn drop(
    keep: &[Capability],
    why: &str,
    file: Option<&File>,
    ctrl_socket: Option<&Path>,
) -> anyhow::Result<Option<String>> {
    let keep: CapsHashSet = keep.iter().copied().collect();
    let kept = if keep.is_empty() {
        " with no capabilities".to_string()
    } else {
        let mut names: Vec<String> = keep.iter().map(ToString::to_string).collect();
        names.sort();
        format!(" with {} only ({why})", names.join(" and "))
    };
    if let Some(uid) = become_sudo_user(&keep, file, ctrl_socket)? {
        return Ok(Some(format!("continuing as uid {uid} (SUDO_UID){kept}")));
    }
    Ok(narrow_to(&keep)?.then(|| format!("continuing{kept}")))
}

/// Later, once fewer are needed: down to `keep`.
pub fn narrow(keep: &[Capability]) -> anyhow::Result<()> {
    narrow_to(&keep.iter().copied().collect()).map(|_| ())
}

/// Restricts the sets to `keep` unless they hold nothing else already;
/// whether anything changed.
fn narrow_to(keep: &CapsHashSet) -> anyhow::Result<bool> {
    let before = caps::read(None, CapSet::Permitted).unwrap_or_default();
    if before.is_empty() || before == *keep {
        return Ok(false);
    }
    restrict(keep).context("dropping capabilities")?;
    Ok(true)
}

/// Effective and permitted sets down to `keep` (which they contain), the
/// inheritable and ambient ones emptied: nothing passes to child processes.
fn restrict(keep: &CapsHashSet) -> Result<(), caps::errors::CapsError> {
    // The effective set must stay within the permitted one at every step.
    caps::set(None, CapSet::Effective, keep)?;
    caps::set(None, CapSet::Permitted, keep)?;
    caps::clear(None, CapSet::Inheritable)?;
    // Kernels before 4.3 have no ambient set.
    let _ = caps::clear(None, CapSet::Ambient);
    Ok(())
}

/// Run through sudo, switches to SUDO_UID/SUDO_GID, handing it the files
/// created so far. With `keep` non-empty the capabilities in it survive the
/// switch (PR_SET_KEEPCAPS). Returns the uid switched to, if any.
fn become_sudo_user(
    keep: &CapsHashSet,
    file: Option<&File>,
    ctrl_socket: Option<&Path>,
) -> anyhow::Result<Option<u32>> {
    use nix::unistd::{Gid, Uid};
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let id = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u32>().ok());
    let (Some(uid), Some(gid)) = (id("SUDO_UID"), id("SUDO_GID")) else {
        return Ok(None);
    };
    if uid == 0 {
        return Ok(None);
    }
    let (user, group) = (Uid::from_raw(uid), Gid::from_raw(gid));
    if let Some(file) = file {
        nix::unistd::fchown(file, Some(user), Some(group))
            .context("handing the capture file to the sudo user")?;
    }
    if let Some(path) = ctrl_socket {
        nix::unistd::chown(path, Some(user), Some(group))
            .context("handing the control socket to the sudo user")?;
    }
    if !keep.is_empty() {
        caps::securebits::set_keepcaps(true).context("keeping capabilities across setuid")?;
    }
    // Groups first, uid last: after setuid there is no way back.
    nix::unistd::setgroups(&[group]).context("dropping supplementary groups")?;
    nix::unistd::setgid(group).context("switching to SUDO_GID")?;
    nix::unistd::setuid(user).context("switching to SUDO_UID")?;
    if !keep.is_empty() {
        // setuid emptied the effective set; the permitted one still holds
        // all of root's: cut it to `keep` and raise that.
        restrict(keep).context("dropping capabilities")?;
        caps::securebits::set_keepcaps(false).context("keeping capabilities across setuid")?;
    }
    Ok(Some(uid))
}

//! `smartket service install`: a systemd unit, so the node starts with the machine, restarts
//! when it fails, and its owner can forget it is there.
//!
//! Two kinds: a **user** unit (`~/.config/systemd/user/smartket.service`, the laptop's owner's
//! node, data dir as given) and a **system** unit (`/etc/systemd/system/smartket.service`, a
//! cooperative's server: a `smartket` system user, the data dir `/var/lib/smartket` as its
//! `StateDirectory`, and the sandbox systemd offers a service that needs nothing but its own
//! directory and the network). The unit is written; enabling it is left to `systemctl`, whose
//! commands are printed, so nothing starts behind the owner's back.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where a system unit keeps its data: systemd makes it from `StateDirectory=smartket`.
pub(super) const SYSTEM_DATA_DIR: &str = "/var/lib/smartket";

/// The unit for `exe` running the node in `dir`; `system` for the hardened system unit.
pub(super) fn unit(exe: &Path, dir: &Path, system: bool) -> String {
    let mut unit = String::from(
        "# Written by `smartket service install`.\n\
         [Unit]\n\
         Description=smartket marketplace node\n\
         Wants=network-online.target\n\
         After=network-online.target\n\n\
         [Service]\n\
         Type=simple\n",
    );
    // Quoted: a home directory may hold spaces; systemd unquotes double-quoted words.
    let quoted = |p: &Path| {
        format!(
            "\"{}\"",
            p.display()
                .to_string()
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        )
    };
    unit.push_str(&format!(
        "ExecStart={} --data-dir {} run\n",
        quoted(exe),
        quoted(dir)
    ));
    unit.push_str(
        "Restart=on-failure\n\
         RestartSec=5\n\
         # Ctrl-C's signal: the node closes its databases and says goodbye to its peers.\n\
         KillSignal=SIGINT\n\
         TimeoutStopSec=30\n\
         Environment=SMARTKET_LOG=info\n\
         NoNewPrivileges=yes\n",
    );
    if system {
        unit.push_str(
            "User=smartket\n\
             Group=smartket\n\
             StateDirectory=smartket\n\
             StateDirectoryMode=0700\n\
             ProtectSystem=strict\n\
             ProtectHome=yes\n\
             PrivateTmp=yes\n\
             PrivateDevices=yes\n\
             ProtectKernelTunables=yes\n\
             ProtectKernelModules=yes\n\
             ProtectControlGroups=yes\n\
             RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK\n\
             RestrictNamespaces=yes\n\
             LockPersonality=yes\n\
             MemoryDenyWriteExecute=yes\n\
             SystemCallArchitectures=native\n\
             UMask=0077\n",
        );
    }
    unit.push_str(&format!(
        "\n[Install]\nWantedBy={}\n",
        if system {
            "multi-user.target"
        } else {
            "default.target"
        }
    ));
    unit
}

/// Where the unit goes.
fn unit_path(system: bool) -> Result<PathBuf> {
    if system {
        return Ok(PathBuf::from("/etc/systemd/system/smartket.service"));
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".config"),
    };
    Ok(config.join("systemd/user/smartket.service"))
}

/// Writes (or, with `print`, shows) the unit, and says how to start it.
pub(super) fn install(dir: &Path, system: bool, print: bool) -> Result<()> {
    let exe = std::env::current_exe().context("cannot tell where this smartket binary is")?;
    let dir = if system {
        PathBuf::from(SYSTEM_DATA_DIR)
    } else {
        std::path::absolute(dir).context("cannot make the data dir's path absolute")?
    };
    let text = unit(&exe, &dir, system);
    if print {
        print!("{text}");
        return Ok(());
    }
    let path = unit_path(system)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    if system {
        println!(
            "then, as root:\n  useradd --system --home-dir {SYSTEM_DATA_DIR} --shell /usr/sbin/nologin smartket\n  \
             runuser -u smartket -- {} --data-dir {SYSTEM_DATA_DIR} init --role cooperative --name \"…\"   (once; systemd makes the directory)\n  \
             systemctl daemon-reload && systemctl enable --now smartket",
            exe.display()
        );
    } else {
        println!(
            "then: systemctl --user daemon-reload && systemctl --user enable --now smartket\n\
             (and `loginctl enable-linger $USER` to keep it running while you are logged out)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_unit_is_hardened_and_runs_the_node_in_its_state_directory() {
        let unit = unit(
            Path::new("/usr/bin/smartket"),
            Path::new(SYSTEM_DATA_DIR),
            true,
        );
        assert!(
            unit.contains("ExecStart=\"/usr/bin/smartket\" --data-dir \"/var/lib/smartket\" run\n")
        );
        for line in [
            "Restart=on-failure",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "StateDirectory=smartket",
            "User=smartket",
            "WantedBy=multi-user.target",
        ] {
            assert!(unit.lines().any(|l| l == line), "{line} missing:\n{unit}");
        }
    }

    #[test]
    fn the_user_unit_runs_the_owner_s_data_dir_unsandboxed_by_path() {
        let unit = unit(
            Path::new("/home/ana/bin/smartket"),
            Path::new("/home/ana/Ma ferme"),
            false,
        );
        assert!(
            unit.contains("--data-dir \"/home/ana/Ma ferme\" run"),
            "{unit}"
        );
        assert!(
            !unit.contains("ProtectSystem"),
            "a user manager may not sandbox paths"
        );
        assert!(unit.contains("WantedBy=default.target"));
    }

    /// `systemd-analyze verify` reads the unit as systemd would (Debian's `systemd` package;
    /// `scripts/test-all` installs it).
    #[test]
    fn systemd_accepts_both_units() {
        let exe = std::env::current_exe().unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (system, name) in [(true, "smartket.service"), (false, "smartket-user.service")] {
            let path = dir.path().join(name);
            std::fs::write(&path, unit(&exe, dir.path(), system)).unwrap();
            let out = std::process::Command::new("systemd-analyze")
                .arg("verify")
                .arg(&path)
                .output()
                .expect("systemd-analyze (Debian package systemd) is needed by this test");
            let said = String::from_utf8_lossy(&out.stderr);
            let ours: Vec<&str> = said.lines().filter(|l| l.contains(name)).collect();
            assert!(out.status.success() && ours.is_empty(), "{name}: {said}");
        }
    }
}

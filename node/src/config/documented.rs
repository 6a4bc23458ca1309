//! The commented TOML file `smartket init` writes: every field with what it does, so a person
//! editing it by hand need not look anything up.
//!
//! Kept beside the file's structs but apart from them: the words are long, and a test checks
//! that what is written parses back to the same configuration.

use super::{Addr, Config, ROLES};

impl Config {
    /// The documented TOML file `init` writes: every field, with what it does.
    pub fn to_documented_toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let list = |addrs: &[Addr]| {
            addrs
                .iter()
                .map(|a| quote(&a.0.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::new();
        out.push_str("# smartket node configuration.\n");
        out.push_str("# Every field may be left out: the defaults work. Environment variables\n");
        out.push_str("# (SMARTKET_ROLE, SMARTKET_NAME, SMARTKET_LISTEN, SMARTKET_BOOTSTRAP,\n");
        out.push_str("# SMARTKET_API, SMARTKET_MARKETS) override this file; command-line flags\n");
        out.push_str("# override both.\n\n[node]\n");
        out.push_str(&format!(
            "# What this node is: {}.\nrole = {}\n",
            ROLES.join(", "),
            quote(&self.node.role)
        ));
        out.push_str(&format!(
            "# The name shown to others on your profile.\nname = {}\n\n[network]\n",
            quote(&self.node.name)
        ));
        out.push_str(&format!(
            "# Where other nodes reach this one (TCP and QUIC). Behind a home router no port\n# forwarding is needed: the node finds relays and punches through NAT.\nlisten = [{}]\n",
            list(&self.network.listen)
        ));
        out.push_str(&format!(
            "# Extra bootstrap nodes (each ending in /p2p/<peer id>), beyond the markets' own.\nbootstrap = [{}]\n",
            list(&self.network.bootstrap)
        ));
        out.push_str(&format!(
            "# Public addresses others can dial (a cooperative node on a server sets its own).\nexternal = [{}]\n",
            list(&self.network.external)
        ));
        out.push_str(&format!(
            "# Network events (gossip, requests) that may wait for the node; what does not fit\n# is dropped and caught up by sync. Lower it on a very small device.\nevent_capacity = {}\n",
            self.network.event_capacity
        ));
        out.push_str(&format!(
            "# Count loopback connections as one host (per-host limits, mailbox quotas): for a\n# testbed of many nodes on one machine.\ncount_loopback = {}\n\n[api]\n",
            self.network.count_loopback
        ));
        out.push_str(&format!(
            "# Where the web UI and API listen over plain HTTP: a loopback address only.\nlisten = {}\n",
            quote(&self.api.listen.to_string()),
        ));
        out.push_str(&match self.api.remote {
            Some(remote) => format!("remote = {}\n", quote(&remote.to_string())),
            None => "# Serve the web UI over HTTPS too, for a phone on the LAN or a node on a server\n# (pair a phone from Paramètres › Accès):\n# remote = \"0.0.0.0:8418\"\n".into(),
        });
        out.push_str(&format!(
            "# Names the HTTPS address is reached by, beyond its IP addresses (e.g. a DNS name).\nnames = [{}]\n# Your own certificate and key (PEM); without them the node signs its own.\n",
            self.api.names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
        ));
        let path = |p: &std::path::Path| quote(&p.display().to_string());
        out.push_str(&match &self.api.tls_cert {
            Some(cert) => format!("tls_cert = {}\n", path(cert)),
            None => "# tls_cert = \"/etc/letsencrypt/live/example/fullchain.pem\"\n".into(),
        });
        out.push_str(&match &self.api.tls_key {
            Some(key) => format!("tls_key = {}\n", path(key)),
            None => "# tls_key = \"/etc/letsencrypt/live/example/privkey.pem\"\n".into(),
        });
        out.push_str(&format!(
            "\n[blobs]\n# Seconds between two clean-ups of images no current listing or profile names.\ngc_every_secs = {}\n# Seconds such an image is kept after upload, so it survives until its listing is published.\ngc_grace_secs = {}\n",
            self.blobs.gc_every_secs, self.blobs.gc_grace_secs
        ));
        out.push_str(&format!(
            "\n[mailbox]\n# Seconds between two rounds collecting your mail from the cooperatives. A\n# cooperative tells you at once of mail it receives for you; the round is the fallback.\ncollect_every_secs = {}\n",
            self.mailbox.collect_every_secs
        ));
        out.push_str(&format!(
            "\n[backup]\n# Scheduled backups (key, config, databases, images in one file; restore one\n# with `smartket restore FILE`). Set `dir` to turn them on: relative to the data\n# dir, or absolute — another disk is better.\n{}every_hours = {}\n# How many are kept; older ones are deleted.\nkeep = {}\n{}",
            match &self.backup.dir {
                Some(dir) => format!("dir = {}\n", path(dir)),
                None => "# dir = \"/media/usb/smartket-backups\"\n".into(),
            },
            self.backup.every_hours,
            self.backup.keep,
            match &self.backup.passphrase_file {
                Some(file) => format!("passphrase_file = {}\n", path(file)),
                None => "# Encrypt them with the passphrase on this file's first line:\n# passphrase_file = \"/etc/smartket/backup-passphrase\"\n".into(),
            },
        ));
        for market in &self.markets {
            out.push_str("\n# A market this node joins. `config` points to its config file; leave it out\n# for a market built into smartket (geneva).\n[[markets]]\n");
            out.push_str(&format!("id = {}\n", quote(&market.id)));
            if let Some(path) = &market.config {
                out.push_str(&format!(
                    "config = {}\n",
                    quote(&path.display().to_string())
                ));
            }
        }
        out
    }
}

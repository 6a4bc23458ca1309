//! A network of Linux network namespaces for tests that need real routers between nodes: a
//! public segment where the cooperative lives, and homes each behind its own NAT router, as a
//! farmer's laptop is behind a home router.
//!
//! ```text
//!   ns …-inet: bridge br0 ─────────────── the "internet", 198.18.0.0/24
//!      │ veth pub1          │ veth r1                      │ veth r2
//!   ns …-pub1              ns …-r1 (router)               ns …-r2 (router, symmetric)
//!   198.18.0.11            wan 198.18.0.101               wan 198.18.0.102
//!   (a cooperative)        nft masquerade                 nft masquerade fully-random
//!                          lan 198.19.1.1/24              lan 198.19.2.1/24
//!                            │ veth                         │ veth
//!                          ns …-h1: 198.19.1.2            ns …-h2: 198.19.2.2
//! ```
//!
//! Every address is in 198.18.0.0/15 (RFC 2544's benchmarking range) and lives only inside
//! namespaces the lab made; the root namespace is never touched, and nothing routes out of the
//! lab. A cone router keeps the home's source port (Linux masquerade does when it can) and
//! lets back in only what answers a connection the home opened: two homes behind such routers
//! can punch a hole to each other. A symmetric router (`fully-random`) picks a new port for
//! every connection, so the address the cooperative observed is useless to anyone else and
//! hole punching must fail: only the relay carries traffic to that home.
//!
//! Tests reach a node's API, which listens on 127.0.0.1 *inside* its namespace, through a
//! proxy on the test's own loopback: a thread that entered the namespace opens each upstream
//! connection (a socket stays in the namespace it was made in).

use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::{Context, Result, bail};
use nix::sched::{CloneFlags, setns};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How a home's router maps its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nat {
    /// Port-preserving masquerade: hole punching works.
    Cone,
    /// A new random port per connection: hole punching fails, the relay carries traffic.
    Symmetric,
}

/// A place a node can run: a namespace and its address there.
#[derive(Debug, Clone)]
pub struct Host {
    /// The network namespace.
    pub netns: String,
    /// The node's address in it.
    pub ip: Ipv4Addr,
    /// The veth end, in the lab's "internet" namespace, whose link [`Lab::cut`] takes down.
    uplink: String,
}

impl Host {
    /// A TCP listen multiaddr on this host.
    pub fn listen(&self, port: u16) -> String {
        format!("/ip4/{}/tcp/{port}", self.ip)
    }
}

/// The namespaces of one lab; deleted, with every interface in them, when dropped.
pub struct Lab {
    prefix: String,
    namespaces: Vec<String>,
    publics: u8,
    homes: u8,
}

static LABS: AtomicUsize = AtomicUsize::new(0);

impl Lab {
    /// Creates the lab's "internet" (a namespace holding one bridge). Fails with what to do
    /// when this process may not create namespaces (the lab needs root, as CI has).
    pub fn new() -> Result<Lab> {
        remove_stale_labs();
        let prefix = format!(
            "smk-{}-{}",
            std::process::id(),
            LABS.fetch_add(1, Ordering::Relaxed)
        );
        let mut lab = Lab {
            prefix,
            namespaces: Vec::new(),
            publics: 0,
            homes: 0,
        };
        let inet = lab.namespace("inet").context(
            "cannot create a network namespace: the network lab needs root and iproute2 \
             (scripts/test-all installs iproute2 and nftables; run it as root, as CI does)",
        )?;
        ip(&["-n", &inet, "link", "add", "br0", "type", "bridge"])?;
        ip(&["-n", &inet, "link", "set", "br0", "up"])?;
        Ok(lab)
    }

    fn inet(&self) -> String {
        format!("{}-inet", self.prefix)
    }

    /// Creates namespace `<prefix>-<name>` with its loopback up.
    fn namespace(&mut self, name: &str) -> Result<String> {
        let ns = format!("{}-{name}", self.prefix);
        ip(&["netns", "add", &ns])?;
        self.namespaces.push(ns.clone());
        ip(&["-n", &ns, "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// Plugs namespace `ns` into the internet's bridge: a veth named `wan` in `ns`, `uplink`
    /// on the bridge, `ip` on `wan`.
    fn plug(&self, ns: &str, uplink: &str, ip_addr: Ipv4Addr) -> Result<()> {
        let inet = self.inet();
        ip(&[
            "-n", &inet, "link", "add", uplink, "type", "veth", "peer", "name", "wan", "netns", ns,
        ])?;
        ip(&["-n", &inet, "link", "set", uplink, "master", "br0"])?;
        ip(&["-n", &inet, "link", "set", uplink, "up"])?;
        ip(&[
            "-n",
            ns,
            "addr",
            "add",
            &format!("{ip_addr}/24"),
            "dev",
            "wan",
        ])?;
        ip(&["-n", ns, "link", "set", "wan", "up"])?;
        Ok(())
    }

    /// A host on the public segment (a cooperative's server): 198.18.0.11, .12, …
    pub fn public(&mut self) -> Result<Host> {
        self.publics += 1;
        let name = format!("pub{}", self.publics);
        let ns = self.namespace(&name)?;
        let ip_addr = Ipv4Addr::new(198, 18, 0, 10 + self.publics);
        self.plug(&ns, &name, ip_addr)?;
        Ok(Host {
            netns: ns,
            ip: ip_addr,
            uplink: name,
        })
    }

    /// A home behind its own router: the router at 198.18.0.(100+n) on the internet and
    /// 198.19.n.1 on the home's side, the home at 198.19.n.2.
    pub fn home(&mut self, nat: Nat) -> Result<Host> {
        self.homes += 1;
        let n = self.homes;
        let router = self.namespace(&format!("r{n}"))?;
        let home = self.namespace(&format!("h{n}"))?;
        let uplink = format!("r{n}");
        self.plug(&router, &uplink, Ipv4Addr::new(198, 18, 0, 100 + n))?;
        ip(&[
            "-n", &router, "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns",
            &home,
        ])?;
        ip(&[
            "-n",
            &router,
            "addr",
            "add",
            &format!("198.19.{n}.1/24"),
            "dev",
            "lan",
        ])?;
        ip(&["-n", &router, "link", "set", "lan", "up"])?;
        let home_ip = Ipv4Addr::new(198, 19, n, 2);
        ip(&[
            "-n",
            &home,
            "addr",
            "add",
            &format!("{home_ip}/24"),
            "dev",
            "eth0",
        ])?;
        ip(&["-n", &home, "link", "set", "eth0", "up"])?;
        ip(&[
            "-n",
            &home,
            "route",
            "add",
            "default",
            "via",
            &format!("198.19.{n}.1"),
        ])?;
        run_in(&router, &["sysctl", "-qw", "net.ipv4.ip_forward=1"])?;
        let mapping = match nat {
            Nat::Cone => "masquerade",
            Nat::Symmetric => "masquerade fully-random",
        };
        // Only what answers a connection from inside comes in; nothing is forwarded to the
        // home unasked (the public side has no route to 198.19.0.0/16 anyway). What comes in
        // unasked is dropped without an answer, as home routers do: a reset would kill the
        // first SYN of a hole punch before the other side's SYN opened the way.
        let rules = format!(
            "table ip home {{\n\
               chain post {{ type nat hook postrouting priority srcnat; oifname \"wan\" {mapping}; }}\n\
               chain forward {{ type filter hook forward priority filter; policy drop;\n\
                 iifname \"lan\" oifname \"wan\" accept;\n\
                 iifname \"wan\" oifname \"lan\" ct state established,related accept; }}\n\
               chain input {{ type filter hook input priority filter; policy accept;\n\
                 iifname \"wan\" ct state new drop; }}\n\
             }}\n"
        );
        nft(&router, &rules)?;
        Ok(Host {
            netns: home,
            ip: home_ip,
            uplink,
        })
    }

    /// Takes `host`'s link to the internet down (a home's router loses its line).
    pub fn cut(&self, host: &Host) -> Result<()> {
        ip(&["-n", &self.inet(), "link", "set", &host.uplink, "down"])
    }

    /// Brings `host`'s link back up.
    pub fn heal(&self, host: &Host) -> Result<()> {
        ip(&["-n", &self.inet(), "link", "set", &host.uplink, "up"])
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for ns in self.namespaces.iter().rev() {
            let _ = ip(&["netns", "del", ns]);
        }
    }
}

/// Deletes the namespaces of labs whose test process died without cleaning up (SIGKILL).
fn remove_stale_labs() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let Some(pid) = name
            .strip_prefix("smk-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if !std::path::Path::new("/proc").join(pid).exists() {
            let _ = ip(&["netns", "del", name]);
        }
    }
}

fn ip(args: &[&str]) -> Result<()> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .context("run `ip` (iproute2)")?;
    if !out.status.success() {
        bail!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn run_in(ns: &str, command: &[&str]) -> Result<()> {
    let mut args = vec!["netns", "exec", ns];
    args.extend_from_slice(command);
    ip(&args)
}

fn nft(ns: &str, rules: &str) -> Result<()> {
    use std::io::Write;
    let mut child = Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("run nft (nftables)")?;
    child
        .stdin
        .take()
        .context("nft stdin")?
        .write_all(rules.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "nft in {ns}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

type Dial = (u16, tokio::sync::oneshot::Sender<io::Result<TcpStream>>);

/// Opens TCP connections to 127.0.0.1 inside a namespace, from a thread that entered it.
#[derive(Clone)]
pub struct NsDialer {
    requests: mpsc::Sender<Dial>,
}

impl NsDialer {
    /// Starts the thread that lives in `netns`.
    pub fn new(netns: &str) -> Result<NsDialer> {
        let file = File::open(format!("/run/netns/{netns}")).context("open the namespace")?;
        let (requests, incoming) = mpsc::channel::<Dial>();
        let (entered_tx, entered) = mpsc::channel();
        std::thread::spawn(move || {
            let result = setns(&file, CloneFlags::CLONE_NEWNET);
            let ok = result.is_ok();
            let _ = entered_tx.send(result);
            if ok {
                for (port, reply) in incoming {
                    let _ = reply.send(TcpStream::connect((Ipv4Addr::LOCALHOST, port)));
                }
            }
        });
        entered
            .recv()
            .context("namespace thread")?
            .context("enter the namespace")?;
        Ok(NsDialer { requests })
    }

    async fn connect(&self, port: u16) -> io::Result<tokio::net::TcpStream> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.requests
            .send((port, reply))
            .map_err(|_| io::Error::other("namespace thread gone"))?;
        let stream = answer
            .await
            .map_err(|_| io::Error::other("namespace thread gone"))??;
        stream.set_nonblocking(true)?;
        tokio::net::TcpStream::from_std(stream)
    }

    /// Serves on `listener` (the test's loopback) a proxy to the same port on the
    /// namespace's loopback — the same, because the API accepts only requests naming the
    /// address it is bound to; returns its `http://127.0.0.1:PORT` and the task (aborted to
    /// stop it).
    pub fn proxy(&self, listener: std::net::TcpListener) -> Result<(String, JoinHandle<()>)> {
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let dialer = self.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let dialer = dialer.clone();
                tokio::spawn(async move {
                    if let Ok(mut upstream) = dialer.connect(port).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut upstream).await;
                    }
                });
            }
        });
        Ok((format!("http://127.0.0.1:{port}"), task))
    }
}

//! A real Syncthing cluster on loopback, for end-to-end tests of the team
//! folder (SPEC §5).
//!
//! `Cluster::start(n)` runs `n` instances of Debian's `syncthing`, each with its
//! own home under one temporary directory, that share one folder
//! (`FOLDER_ID`). Everything listens on 127.0.0.1 only and everything that
//! would reach further (discovery, relays, NAT, STUN, usage and crash
//! reports, upgrades) is switched off in the config before the first start,
//! so no instance ever sends a packet off the machine. Dropping the cluster
//! kills every instance.
//!
//! Include it with `#[path = "common/syncthing.rs"] mod syncthing;`.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The id of the one folder every instance shares.
pub const FOLDER_ID: &str = "tierdeck-team";

/// A full scan every few seconds catches anything the watcher missed.
const RESCAN_INTERVAL_S: u32 = 2;
/// How long the watcher gathers changes before it scans them.
const WATCHER_DELAY_S: u32 = 1;
/// Between two looks at the REST API in a wait loop.
const POLL: Duration = Duration::from_millis(200);
/// One REST call; a forced scan of a test's folder takes well under this.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// For one step of starting, pausing or resuming: a GUI answering, a
/// connection made, a folder running.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Running instances sharing `FOLDER_ID`; instance `i` is `0..len()`.
pub struct Cluster {
    // Before `dir`: fields drop in order, so the processes are dead before
    // their homes and folders are deleted.
    nodes: Vec<Node>,
    dir: tempfile::TempDir,
}

struct Node {
    name: String,
    home: PathBuf,
    folder: PathBuf,
    log: PathBuf,
    device_id: String,
    api_key: String,
    gui_port: u16,
    sync_port: u16,
    // In a Mutex so a wait loop, holding only `&Cluster`, can see it exit.
    child: Mutex<Option<Child>>,
}

impl Drop for Node {
    fn drop(&mut self) {
        // STMONITORED (see `spawn`) means no monitor process: this child is
        // all of Syncthing.
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(mut child) = child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cluster {
    /// Starts `n` instances (at least 2), each knowing every other by device
    /// ID and loopback address, and returns once every pair is connected and
    /// the folder runs on each. Panics, with the instances' logs, if a step
    /// takes longer than `START_TIMEOUT`.
    ///
    /// The instances also die with the thread that started them (so that a
    /// killed test binary leaves none behind): keep a cluster in the test
    /// that made it, not in a static shared between tests.
    pub fn start(n: usize) -> Cluster {
        assert!(n >= 2, "a cluster needs at least 2 instances, not {n}");
        let version = ensure_installed();
        let dir = tempfile::tempdir().expect("a temporary directory for the Syncthing homes");
        let ports = free_ports(2 * n);
        let mut nodes = Vec::with_capacity(n);
        let mut config_version = String::new();
        for i in 0..n {
            let name = format!("st{i}");
            let home = dir.path().join(&name).join("home");
            let folder = dir.path().join(&name).join("folder");
            fs::create_dir_all(&folder).expect("create the instance's folder");
            generate(&home);
            config_version = read_config_version(&home);
            let device_id = read_device_id(&home);
            nodes.push(Node {
                log: dir.path().join(&name).join("syncthing.log"),
                name,
                home,
                folder,
                device_id,
                api_key: uuid::Uuid::new_v4().simple().to_string(),
                gui_port: ports[2 * i],
                sync_port: ports[2 * i + 1],
                child: Mutex::new(None),
            });
        }
        for node in &nodes {
            let xml = config_xml(&config_version, node, &nodes);
            fs::write(node.home.join("config.xml"), xml).expect("write the instance's config.xml");
        }
        let cluster = Cluster { nodes, dir };
        // One at a time, each connected to those before it before the next
        // starts: two instances dialling each other at the same moment can
        // stall their handshake for Syncthing's 20 s hello timeout.
        for i in 0..n {
            let node = &cluster.nodes[i];
            let child = spawn(node);
            *node.child.lock().unwrap_or_else(|e| e.into_inner()) = Some(child);
            cluster.wait_until(
                START_TIMEOUT,
                &format!("{}'s GUI answers", node.name),
                || cluster.get(i, "/rest/system/ping").map(|_| ()),
            );
            cluster.add_folder(i);
            cluster.wait_until(
                START_TIMEOUT,
                &format!("{} is connected", node.name),
                || (0..i).try_for_each(|j| cluster.check_connected_to(i, j)),
            );
        }
        // A folder still starting refuses a scan, so `wait_idle` right
        // after this would fail.
        cluster.wait_until(START_TIMEOUT, "the folder runs everywhere", || {
            (0..n).try_for_each(|i| cluster.check_folder_running(i, true))
        });
        eprintln!(
            "{version}: {n} instances in {}",
            cluster.dir.path().display()
        );
        cluster
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Instance `i`'s copy of the shared folder.
    pub fn folder(&self, i: usize) -> &Path {
        &self.nodes[i].folder
    }

    pub fn device_id(&self, i: usize) -> &str {
        &self.nodes[i].device_id
    }

    /// What instance `i` has logged so far, for a failing test's message.
    pub fn log(&self, i: usize) -> String {
        fs::read_to_string(&self.nodes[i].log).unwrap_or_else(|e| format!("(no log: {e})"))
    }

    /// Makes instance `i` scan its folder now; returns when the scan is done.
    pub fn scan(&self, i: usize) {
        let path = format!("/rest/db/scan?folder={FOLDER_ID}");
        if let Err(e) = self.post(i, &path, "") {
            panic!("scanning {}: {e}\n{}", self.nodes[i].name, self.logs());
        }
    }

    /// Scans every instance's folder, one after another.
    pub fn scan_all(&self) {
        (0..self.len()).for_each(|i| self.scan(i));
    }

    /// Scans every instance's folder, then waits until the cluster is in
    /// sync: every pair connected, every instance's folder idle needing
    /// nothing, every instance sure each peer needs nothing, and all agreeing
    /// on the global state of the folder, twice in a row. So whatever was
    /// written before the call has reached every instance when it returns.
    /// Panics with the last reason and the logs on timeout.
    pub fn wait_idle(&self, timeout: Duration) {
        // Without this a change the watcher has not reported yet looks
        // exactly like a cluster in sync.
        self.scan_all();
        let mut in_a_row = 0;
        self.wait_until(timeout, "the folder is idle and in sync everywhere", || {
            match self.check_in_sync() {
                // Once is a moment between two index updates; twice 200 ms
                // apart is settled.
                Ok(()) => {
                    in_a_row += 1;
                    if in_a_row >= 2 {
                        Ok(())
                    } else {
                        Err("in sync once, checking again".to_string())
                    }
                }
                Err(e) => {
                    in_a_row = 0;
                    Err(e)
                }
            }
        });
    }

    /// Pauses the shared folder on instance `i`: it neither scans, sends nor
    /// receives anything until `resume(i)`, as if that teammate were
    /// offline, so edits on both sides meanwhile conflict. The connections
    /// stay up, which keeps resuming free of reconnection delays.
    pub fn pause(&self, i: usize) {
        self.set_paused(i, true);
    }

    /// Undoes `pause(i)` and waits until the folder runs there again.
    pub fn resume(&self, i: usize) {
        self.set_paused(i, false);
    }

    fn set_paused(&self, i: usize, paused: bool) {
        let path = format!("/rest/config/folders/{FOLDER_ID}");
        if let Err(e) = self.patch(i, &path, &serde_json::json!({ "paused": paused })) {
            panic!(
                "pausing={paused} on {}: {e}\n{}",
                self.nodes[i].name,
                self.logs()
            );
        }
        let name = &self.nodes[i].name;
        self.wait_until(
            START_TIMEOUT,
            &format!("the folder paused={paused} on {name}"),
            || self.check_folder_running(i, !paused),
        );
    }

    fn check_folder_running(&self, i: usize, want: bool) -> Result<(), String> {
        let status = self.get(i, &format!("/rest/db/status?folder={FOLDER_ID}"))?;
        let state = status["state"].as_str().unwrap_or("?");
        // A paused folder has no state at all (1.19) or "paused"; one not yet
        // started, no state or "error" (its initial check still pending).
        let running = !matches!(state, "" | "paused" | "error" | "?");
        if running == want {
            Ok(())
        } else {
            Err(format!(
                "{} is {state:?} {}",
                self.nodes[i].name, status["error"]
            ))
        }
    }

    /// Every file under instance `i`'s folder (relative path → contents),
    /// leaving out Syncthing's own `.stfolder` and `.stignore`.
    pub fn files(&self, i: usize) -> BTreeMap<PathBuf, Vec<u8>> {
        let root = self.folder(i);
        let mut files = BTreeMap::new();
        for path in walk(root) {
            let rel = path
                .strip_prefix(root)
                .expect("a walked path is under its root");
            let first = rel.components().next().map(|c| c.as_os_str().to_owned());
            if first
                .as_deref()
                .is_some_and(|f| f == ".stfolder" || f == ".stignore")
            {
                continue;
            }
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            files.insert(rel.to_path_buf(), bytes);
        }
        files
    }

    /// The conflict copies Syncthing left under instance `i`'s folder
    /// (`NAME.sync-conflict-DATE-TIME-DEVICE.EXT`), relative to it.
    pub fn conflicts(&self, i: usize) -> Vec<PathBuf> {
        let root = self.folder(i);
        walk(root)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(".sync-conflict-"))
            })
            .map(|p| {
                p.strip_prefix(root)
                    .expect("a walked path is under its root")
                    .to_path_buf()
            })
            .collect()
    }

    /// Syncthing's own temporary files under instance `i`'s folder,
    /// relative to it (see `is_temporary`).
    pub fn temporaries(&self, i: usize) -> Vec<PathBuf> {
        let root = self.folder(i);
        walk(root)
            .into_iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("a walked path is under its root")
                    .to_path_buf()
            })
            .filter(|p| is_temporary(p))
            .collect()
    }

    /// The folder's status as instance `i` sees it (`/rest/db/status`).
    pub fn status(&self, i: usize) -> Value {
        self.get(i, &format!("/rest/db/status?folder={FOLDER_ID}"))
            .unwrap_or_else(|e| panic!("status of {}: {e}", self.nodes[i].name))
    }

    /// Shares `FOLDER_ID` at `folder(i)` with every instance, starting from
    /// the installed version's defaults for a new folder.
    fn add_folder(&self, i: usize) {
        let node = &self.nodes[i];
        let mut folder = self
            .get(i, "/rest/config/defaults/folder")
            .unwrap_or_else(|e| panic!("the folder defaults of {}: {e}", node.name));
        let devices: Vec<Value> = self
            .nodes
            .iter()
            .map(|d| serde_json::json!({ "deviceID": d.device_id }))
            .collect();
        let ours = serde_json::json!({
            "id": FOLDER_ID,
            "label": "Team",
            "path": node.folder,
            "type": "sendreceive",
            "devices": devices,
            "rescanIntervalS": RESCAN_INTERVAL_S,
            "fsWatcherEnabled": true,
            "fsWatcherDelayS": WATCHER_DELAY_S,
            // A nearly full CI disk must not stop the pull.
            "minDiskFree": { "value": 0, "unit": "%" },
            // Retry a failed pull after a second, not the default minute.
            "pullerPauseS": 1,
            "paused": false,
        });
        let (Some(folder_map), Some(ours)) = (folder.as_object_mut(), ours.as_object()) else {
            panic!(
                "{}'s folder defaults are not an object: {folder}",
                node.name
            );
        };
        folder_map.extend(ours.clone());
        let body = folder.to_string();
        if let Err(e) = self.post(i, "/rest/config/folders", &body) {
            panic!("adding the folder on {}: {e}\n{}", node.name, self.logs());
        }
    }

    fn check_connected(&self, i: usize) -> Result<(), String> {
        (0..self.len())
            .filter(|&j| j != i)
            .try_for_each(|j| self.check_connected_to(i, j))
    }

    fn check_connected_to(&self, i: usize, j: usize) -> Result<(), String> {
        let conns = self.get(i, "/rest/system/connections")?;
        let peer = &self.nodes[j];
        match conns["connections"][&peer.device_id]["connected"].as_bool() {
            Some(true) => Ok(()),
            _ => Err(format!(
                "{} is not connected to {}",
                self.nodes[i].name, peer.name
            )),
        }
    }

    fn check_in_sync(&self) -> Result<(), String> {
        let mut global: Option<(String, Vec<Value>)> = None;
        for (i, node) in self.nodes.iter().enumerate() {
            self.check_connected(i)?;
            let status = self.get(i, &format!("/rest/db/status?folder={FOLDER_ID}"))?;
            let state = status["state"].as_str().unwrap_or("?");
            if state != "idle" {
                return Err(format!("{} is {state}: {}", node.name, status["error"]));
            }
            for key in ["needTotalItems", "needBytes", "pullErrors"] {
                // Older versions lack `pullErrors`; missing counts as none.
                let n = status[key].as_i64().unwrap_or(0);
                if n != 0 {
                    return Err(format!("{} has {key} = {n}", node.name));
                }
            }
            // Every instance must agree on what the folder holds, or one of
            // them has not yet heard of a change.
            let summary: Vec<Value> = [
                "globalFiles",
                "globalDirectories",
                "globalDeleted",
                "globalBytes",
            ]
            .iter()
            .map(|k| status[*k].clone())
            .collect();
            match &global {
                None => global = Some((node.name.clone(), summary)),
                Some((first, seen)) if *seen != summary => {
                    return Err(format!(
                        "{first} sees global {seen:?} but {} sees {summary:?}",
                        node.name
                    ));
                }
                Some(_) => {}
            }
            for peer in self.nodes.iter().filter(|p| p.device_id != node.device_id) {
                let path = format!(
                    "/rest/db/completion?folder={FOLDER_ID}&device={}",
                    peer.device_id
                );
                let c = self.get(i, &path)?;
                let needs = c["needItems"].as_i64().unwrap_or(-1);
                let done = c["completion"].as_f64().unwrap_or(0.0);
                if needs != 0 || done < 100.0 {
                    return Err(format!(
                        "{} sees {} at {done}% needing {needs} items",
                        node.name, peer.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// Calls `check` every `POLL` until it is Ok, at most `timeout` long and
    /// a matching number of times; panics with `what`, its last error and
    /// the logs. Also panics as soon as an instance has exited.
    pub fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut() -> Result<(), String>,
    ) {
        let started = Instant::now();
        let max_polls = timeout.as_millis() / POLL.as_millis() + 1;
        let mut last = String::from("never checked");
        for _ in 0..max_polls {
            for node in &self.nodes {
                self.assert_running(node);
            }
            match check() {
                Ok(()) => return,
                Err(e) => last = e,
            }
            if started.elapsed() >= timeout {
                break;
            }
            sleep(POLL);
        }
        panic!(
            "waited {:?} for: {what}; last: {last}\n{}",
            started.elapsed(),
            self.logs()
        );
    }

    fn assert_running(&self, node: &Node) {
        let exited = {
            let mut child = node.child.lock().unwrap_or_else(|e| e.into_inner());
            match child.as_mut().map(Child::try_wait) {
                Some(Ok(None)) => None,
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Err(e)) => Some(format!("cannot tell: {e}")),
                // Not started yet, while the cluster starts one by one.
                None => None,
            }
        };
        if let Some(how) = exited {
            panic!("{} is not running ({how})\n{}", node.name, self.logs());
        }
    }

    /// The tail of every instance's log, for a panic message.
    fn logs(&self) -> String {
        let mut out = String::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let log = self.log(i);
            let lines: Vec<&str> = log.lines().collect();
            let tail = &lines[lines.len().saturating_sub(30)..];
            out.push_str(&format!(
                "--- {} ({}) log tail ---\n",
                node.name,
                node.log.display()
            ));
            for line in tail {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// A GET of instance `i`'s REST API, e.g. `/rest/db/file?folder=...`.
    pub fn get(&self, i: usize, path: &str) -> Result<Value, String> {
        let node = &self.nodes[i];
        let body = http(node.gui_port, &node.api_key, "GET", path, "")?;
        serde_json::from_str(&body).map_err(|e| format!("GET {path}: not JSON ({e}): {body}"))
    }

    fn post(&self, i: usize, path: &str, body: &str) -> Result<String, String> {
        let node = &self.nodes[i];
        http(node.gui_port, &node.api_key, "POST", path, body)
    }

    fn patch(&self, i: usize, path: &str, body: &Value) -> Result<String, String> {
        let node = &self.nodes[i];
        http(
            node.gui_port,
            &node.api_key,
            "PATCH",
            path,
            &body.to_string(),
        )
    }
}

/// Whether `path` names one of Syncthing's own temporary files
/// (`.syncthing.NAME.tmp`, or `~syncthing~NAME.tmp` on Windows): a pull
/// under way, or one given up because the file went away on its source
/// before it arrived (a short-lived file caught by a scan), which Syncthing
/// keeps for a day (`keepTemporariesH`) in case it comes back. Syncthing
/// never syncs these, so two instances in sync may differ by them.
pub fn is_temporary(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        (n.starts_with(".syncthing.") || n.starts_with("~syncthing~")) && n.ends_with(".tmp")
    })
}

/// Makes sure `syncthing` runs, installing Debian's package if it is not
/// there; returns its version line. Once per test process.
pub fn ensure_installed() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        if let Some(v) = syncthing_version() {
            return v;
        }
        eprintln!("syncthing is missing: installing Debian's package");
        for args in [&["update"][..], &["install", "-y", "syncthing"]] {
            let out = Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .unwrap_or_else(|e| panic!("run apt-get {args:?} (to install syncthing): {e}"));
            assert!(
                out.status.success(),
                "apt-get {args:?} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        syncthing_version().expect("syncthing runs after apt-get install")
    })
}

fn syncthing_version() -> Option<String> {
    let out = Command::new("syncthing").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Keys and a first config.xml in `home`; the config is replaced before the
/// first start, only the keys (and so the device ID) are kept.
fn generate(home: &Path) {
    let out = Command::new("syncthing")
        .arg("generate")
        .arg(format!("--home={}", home.display()))
        .args(["--no-default-folder", "--skip-port-probing"])
        .env("STNODEFAULTFOLDER", "1")
        .output()
        .expect("run syncthing generate");
    assert!(
        out.status.success(),
        "syncthing generate --home={} failed: {}{}",
        home.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_device_id(home: &Path) -> String {
    let out = Command::new("syncthing")
        .args(["serve", "--device-id"])
        .arg(format!("--home={}", home.display()))
        .output()
        .expect("run syncthing serve --device-id");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // Eight groups of seven, e.g. F7Y4TEP-HTAOSBM-...-NBOPWAG.
    let well_formed = id.len() == 63 && id.split('-').all(|g| g.len() == 7);
    assert!(
        out.status.success() && well_formed,
        "syncthing serve --device-id gave {id:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    id
}

/// The config version the installed Syncthing writes, so that ours is read
/// as current and not migrated.
fn read_config_version(home: &Path) -> String {
    let path = home.join("config.xml");
    let xml = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read the generated {}: {e}", path.display()));
    let start = xml
        .find("<configuration version=\"")
        .map(|i| i + "<configuration version=\"".len());
    let version = start.and_then(|s| xml[s..].find('"').map(|e| &xml[s..s + e]));
    match version {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => v.to_string(),
        _ => panic!("no <configuration version=\"N\"> in {}", path.display()),
    }
}

/// The config of `node` before its first start, written rather than
/// edited: the options left out take Syncthing's defaults, so every option
/// that would reach past loopback is named here. The folder is not: a
/// folder written here gets zero, not the default, for what it leaves out
/// (maxConflicts 0 would silently drop conflict copies), so `add_folder`
/// adds it over the REST API on top of the version's own defaults.
fn config_xml(version: &str, node: &Node, all: &[Node]) -> String {
    let mut devices = String::new();
    for d in all {
        let address = if d.device_id == node.device_id {
            "dynamic".to_string()
        } else {
            format!("tcp://127.0.0.1:{}", d.sync_port)
        };
        devices.push_str(&format!(
            concat!(
                "    <device id=\"{id}\" name=\"{name}\" compression=\"metadata\" introducer=\"false\">\n",
                "        <address>{address}</address>\n",
                "        <paused>false</paused>\n",
                "        <autoAcceptFolders>false</autoAcceptFolders>\n",
                "    </device>\n",
            ),
            id = d.device_id,
            name = d.name,
            address = address,
        ));
    }
    format!(
        concat!(
            "<configuration version=\"{version}\">\n",
            "{devices}",
            "    <gui enabled=\"true\" tls=\"false\" debugging=\"false\">\n",
            "        <address>127.0.0.1:{gui_port}</address>\n",
            "        <apikey>{api_key}</apikey>\n",
            "        <theme>default</theme>\n",
            "    </gui>\n",
            "    <options>\n",
            "        <listenAddress>tcp://127.0.0.1:{sync_port}</listenAddress>\n",
            "        <globalAnnounceEnabled>false</globalAnnounceEnabled>\n",
            "        <localAnnounceEnabled>false</localAnnounceEnabled>\n",
            "        <relaysEnabled>false</relaysEnabled>\n",
            "        <natEnabled>false</natEnabled>\n",
            "        <stunKeepaliveStartS>0</stunKeepaliveStartS>\n",
            "        <announceLANAddresses>false</announceLANAddresses>\n",
            // Usage reporting refused, and the question marked as answered.
            "        <urAccepted>-1</urAccepted>\n",
            "        <urSeen>3</urSeen>\n",
            "        <crashReportingEnabled>false</crashReportingEnabled>\n",
            "        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>\n",
            "        <startBrowser>false</startBrowser>\n",
            "        <restartOnWakeup>false</restartOnWakeup>\n",
            // Redial a peer that was not up yet within seconds (5 is the
            // least Syncthing takes).
            "        <reconnectionIntervalS>5</reconnectionIntervalS>\n",
            "        <setLowPriority>false</setLowPriority>\n",
            "    </options>\n",
            "</configuration>\n",
        ),
        version = version,
        devices = devices,
        gui_port = node.gui_port,
        api_key = node.api_key,
        sync_port = node.sync_port,
    )
}

fn spawn(node: &Node) -> Child {
    let log = File::create(&node.log).expect("create the instance's log file");
    let log2 = log.try_clone().expect("clone the log file handle");
    let mut cmd = Command::new("syncthing");
    cmd.arg("serve")
        .arg(format!("--home={}", node.home.display()))
        .args([
            "--no-restart",
            "--no-browser",
            "--no-upgrade",
            "--logflags=3",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &node.home)
        // Even with --no-restart, 1.19 forks itself under a monitor process
        // unless told it is already monitored; killing that monitor would
        // leave the real Syncthing running.
        .env("STMONITORED", "1")
        // Skips a second of benchmarking which SHA-256 code to use.
        .env("STHASHING", "standard")
        .env("STNORESTART", "1")
        .env("STNOUPGRADE", "1")
        .env("STNODEFAULTFOLDER", "1")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
    // SAFETY: prctl is a plain system call, safe between fork and exec.
    // It has the kernel kill Syncthing if the thread that started it dies
    // without dropping the cluster (the test binary killed, or aborted on
    // a double panic), where Drop would not run.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn().expect("start syncthing serve")
}

/// `count` distinct free loopback ports. All are held at once so the kernel
/// cannot hand one out twice, and none given to an earlier cluster in this
/// process is reused. Another process may still take one before Syncthing
/// binds it; that race is accepted.
fn free_ports(count: usize) -> Vec<u16> {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let given = given.get_or_insert_with(HashSet::new);
    let mut held = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..count * 20 {
        if ports.len() == count {
            break;
        }
        let l = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind a free loopback port");
        let port = l.local_addr().expect("a bound listener's address").port();
        if given.insert(port) {
            ports.push(port);
        }
        held.push(l);
    }
    assert_eq!(
        ports.len(),
        count,
        "could not find {count} fresh loopback ports"
    );
    ports
}

/// Files (not directories) under `root`, sorted, depth-first.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
            let kind = entry
                .file_type()
                .unwrap_or_else(|e| panic!("stat {:?}: {e}", entry.path()));
            if kind.is_dir() {
                dirs.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// One HTTP/1.1 request to the REST API on 127.0.0.1:`port`; the body of a
/// 200 answer, or why there was none.
fn http(port: u16, api_key: &str, method: &str, path: &str, body: &str) -> Result<String, String> {
    let what = format!("{method} {path} on port {port}");
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT)
        .map_err(|e| format!("{what}: connect: {e}"))?;
    stream
        .set_read_timeout(Some(HTTP_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(HTTP_TIMEOUT)))
        .map_err(|e| format!("{what}: set timeouts: {e}"))?;
    // `Connection: close` so the answer ends where the stream does.
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-API-Key: {api_key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{what}: send: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{what}: read: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            format!(
                "{what}: no end of headers in {:?}",
                String::from_utf8_lossy(&raw)
            )
        })?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = &raw[split + 4..];
    let status = head.split(' ').nth(1).unwrap_or("");
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(body).ok_or_else(|| format!("{what}: bad chunked body"))?
    } else {
        body.to_vec()
    };
    let body = String::from_utf8_lossy(&body).to_string();
    if status != "200" {
        return Err(format!(
            "{what}: {}: {body}",
            head.lines().next().unwrap_or("")
        ));
    }
    Ok(body)
}

/// The payload of a `Transfer-Encoding: chunked` body.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    // Each chunk is at least its size line, so this many rounds suffice.
    for _ in 0..=raw.len() {
        let eol = raw.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&raw[..eol]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
    None
}

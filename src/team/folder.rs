//! A team folder: any folder a sync tool (or a file share) carries.
//!
//! ```text
//! TEAM/tierdeck-team.json                  the team, written once by `team init`
//! TEAM/devices/<replica>/member.json       who works on that replica, written once
//! TEAM/devices/<replica>/changes-000000001.tdc, …   its change files, numbered from 1
//! ```
//!
//! Each replica writes only under its own folder, and every file once,
//! under a temporary name first: no sync tool ever sees two versions of
//! one file, so none can make a conflict copy of it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Created, Transport, TransportError};

const TEAM_FILE: &str = "tierdeck-team.json";
const DEVICES: &str = "devices";
const MEMBER_FILE: &str = "member.json";

pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: &Path) -> Folder {
        Folder {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn device(&self, replica: &str) -> PathBuf {
        self.root.join(DEVICES).join(replica)
    }

    fn change_file(&self, replica: &str, number: i64) -> PathBuf {
        self.device(replica)
            .join(format!("changes-{number:09}.tdc"))
    }

    fn unreachable(&self, e: std::io::Error) -> TransportError {
        TransportError::Unreachable(format!("{}: {e}", self.root.display()))
    }

    /// Writes `bytes` as `path` unless it exists; see [`Folder::place_once`].
    fn create_once(&self, path: &Path, bytes: &[u8]) -> Result<Created, TransportError> {
        if self.place_once(path, |file| file.write_all(bytes))? {
            Ok(Created::New)
        } else {
            self.existing(path)
        }
    }

    /// Fills `path` by `fill` unless it exists (`false` then): to a
    /// temporary name in the same folder, flushed to disk, then linked into
    /// place, which fails rather than replace a file that is already there.
    fn place_once(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
    ) -> Result<bool, TransportError> {
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(|e| self.unreachable(e))?;
        if path.exists() {
            return Ok(false);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        clear_stale_temporaries(dir);
        // A name every sync tool leaves alone while it is written: Syncthing
        // never scans `~syncthing~…` files, and Dropbox and Nextcloud skip
        // `~….tmp`; readers only ever read the final names.
        let temp = dir.join(format!("~syncthing~{name}.{}.tmp", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut file = fs::File::create(&temp)?;
            fill(&mut file)?;
            file.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(self.unreachable(e));
        }
        let placed = match fs::hard_link(&temp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&temp);
                return Ok(false);
            }
            // File systems without hard links: a rename, checked just before.
            Err(_) if !path.exists() => fs::rename(&temp, path),
            Err(e) => Err(e),
        };
        let _ = fs::remove_file(&temp);
        placed.map_err(|e| self.unreachable(e))?;
        if let Ok(folder) = fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        Ok(true)
    }

    fn existing(&self, path: &Path) -> Result<Created, TransportError> {
        fs::read(path)
            .map(Created::Exists)
            .map_err(|e| self.unreachable(e))
    }

    /// The team file's bytes, if this is a team folder.
    pub fn team_file(&self) -> Result<Option<Vec<u8>>, TransportError> {
        read_if_there(&self.root.join(TEAM_FILE)).map_err(|e| self.unreachable(e))
    }

    pub fn create_team_file(&self, bytes: &[u8]) -> Result<Created, TransportError> {
        self.create_once(&self.root.join(TEAM_FILE), bytes)
    }
}

/// Temporary files a killed writer left in this replica's own folder: a
/// write takes milliseconds, so one an hour old is nobody's any more.
fn clear_stale_temporaries(dir: &Path) {
    const STALE: std::time::Duration = std::time::Duration::from_secs(3_600);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let temporary = name.starts_with("~syncthing~") && name.ends_with(".tmp");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if temporary && old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn read_if_there(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

impl Transport for Folder {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn replicas(&self) -> Result<Vec<String>, TransportError> {
        if !self.root.is_dir() {
            return Err(TransportError::Unreachable(self.root.display().to_string()));
        }
        let devices = self.root.join(DEVICES);
        let entries = match fs::read_dir(&devices) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.unreachable(e)),
        };
        let mut replicas: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| uuid::Uuid::parse_str(name).is_ok())
            .collect();
        replicas.sort();
        Ok(replicas)
    }

    fn read(&self, replica: &str, number: i64) -> Result<Option<Vec<u8>>, TransportError> {
        read_if_there(&self.change_file(replica, number)).map_err(|e| self.unreachable(e))
    }

    fn create(&self, replica: &str, number: i64, bytes: &[u8]) -> Result<Created, TransportError> {
        self.create_once(&self.change_file(replica, number), bytes)
    }

    fn member(&self, replica: &str) -> Result<Option<Vec<u8>>, TransportError> {
        read_if_there(&self.device(replica).join(MEMBER_FILE)).map_err(|e| self.unreachable(e))
    }

    fn create_member(&self, replica: &str, bytes: &[u8]) -> Result<Created, TransportError> {
        self.create_once(&self.device(replica).join(MEMBER_FILE), bytes)
    }

    fn snapshots(&self) -> Result<Vec<Vec<u8>>, TransportError> {
        let mut found = Vec::new();
        for replica in self.replicas()? {
            let Ok(entries) = fs::read_dir(self.device(&replica)) else {
                continue;
            };
            for entry in entries.filter_map(|e| e.ok()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("snapshot-")
                    && name.ends_with(".json")
                    && let Ok(bytes) = fs::read(entry.path())
                {
                    found.push(bytes);
                }
            }
        }
        Ok(found)
    }

    fn create_snapshot(
        &self,
        replica: &str,
        number: i64,
        db: &Path,
        manifest: &[u8],
    ) -> Result<(), TransportError> {
        let dir = self.device(replica);
        self.place_once(&dir.join(format!("snapshot-{number:09}.db")), |file| {
            std::io::copy(&mut fs::File::open(db)?, file).map(drop)
        })?;
        self.create_once(&dir.join(format!("snapshot-{number:09}.json")), manifest)
            .map(drop)
    }

    fn remove(&self, replica: &str, number: i64) -> Result<(), TransportError> {
        remove_if_there(&self.change_file(replica, number)).map_err(|e| self.unreachable(e))
    }

    fn remove_snapshot(&self, replica: &str, number: i64) -> Result<(), TransportError> {
        // The manifest first: a snapshot without one is never read.
        let dir = self.device(replica);
        remove_if_there(&dir.join(format!("snapshot-{number:09}.json")))
            .and_then(|()| remove_if_there(&dir.join(format!("snapshot-{number:09}.db"))))
            .map_err(|e| self.unreachable(e))
    }

    fn fetch_snapshot(
        &self,
        replica: &str,
        number: i64,
        to: &Path,
    ) -> Result<bool, TransportError> {
        let path = self
            .device(replica)
            .join(format!("snapshot-{number:09}.db"));
        match fs::copy(&path, to) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.unreachable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_created_once_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(dir.path());
        let replica = uuid::Uuid::new_v4().to_string();
        assert_eq!(folder.create(&replica, 1, b"first").unwrap(), Created::New);
        assert_eq!(
            folder.create(&replica, 1, b"second").unwrap(),
            Created::Exists(b"first".to_vec())
        );
        assert_eq!(folder.read(&replica, 1).unwrap(), Some(b"first".to_vec()));
        assert_eq!(folder.read(&replica, 2).unwrap(), None);
        assert_eq!(folder.replicas().unwrap(), [replica.as_str()]);
        let left: Vec<_> = fs::read_dir(folder.device(&replica))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }

    #[test]
    fn a_folder_that_is_gone_is_unreachable_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(&dir.path().join("unplugged"));
        assert!(matches!(
            folder.replicas(),
            Err(TransportError::Unreachable(_))
        ));
    }
}

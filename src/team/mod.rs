//! Sharing with a team (SPEC §5): each member works on a local replica
//! and exchanges the change log through a transport, today a team folder.
//!
//! A transport only lists replicas, reads a numbered file of one, and
//! creates a file that must not exist yet. Everything else (what a file
//! holds, how far each replica was read, how operations apply) is here and
//! in the store, so a team folder ([`folder`]) and a team server
//! ([`postgres`]) fit behind the same calls.

pub mod file;
pub mod folder;
pub mod postgres;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Applied, Op, PeerRead, Published, Store, StoreError};

/// Files of one replica read in one sync at most, and operations applied
/// in one transaction at most: a long absence catches up in steps.
const FILES_PER_SYNC: i64 = 2_000;
const OPS_PER_BATCH: usize = 20_000;
/// Operations in one published file at most.
const OPS_PER_FILE: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    New,
    /// A file of that name was already there: its bytes.
    Exists(Vec<u8>),
}

/// Why the team's changes could not be reached. A server address is
/// always shown without its password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error(
        "cannot reach the team folder {0}; your changes are kept here and sent at the next sync"
    )]
    Unreachable(String),
    #[error(
        "{0} does not read as a team server address; write it as postgres://USER@HOST:PORT/DATABASE"
    )]
    BadUrl(String),
    #[error(
        "{0}: a password does not belong in the address; set PGPASSWORD or put it in ~/.pgpass"
    )]
    PasswordInUrl(String),
    #[error(
        "the certificate of the team server {0} is not one this machine trusts; add sslrootcert=PATH of its CA to the address"
    )]
    TlsUntrusted(String),
    #[error("the team server {0} offers no TLS, which the address requires (sslmode)")]
    ServerWithoutTls(String),
    #[error("{server}: cannot read the CA certificate {path} that sslrootcert names")]
    RootCertUnreadable { server: String, path: String },
    #[error(
        "cannot reach the team server {0}; your changes are kept here and sent at the next sync"
    )]
    ServerDown(String),
    #[error(
        "the connection to the team server {0} dropped; your changes are kept here and sent at the next sync"
    )]
    Dropped(String),
    #[error(
        "the team server {server} refused {user} with that password; check the login name, PGPASSWORD and ~/.pgpass"
    )]
    WrongPassword { server: String, user: String },
    #[error(
        "the team server {server} asks {user} for a password; set PGPASSWORD or put it in ~/.pgpass"
    )]
    NoPassword { server: String, user: String },
    #[error(
        "the team server {server} has no login {user} that may connect; ask whoever runs it to add {user} with `tierdeck team server-setup`"
    )]
    NoLogin { server: String, user: String },
    #[error(
        "{0} is not set up as a team server; whoever runs it sets it up with `tierdeck team server-setup`"
    )]
    NotSetUp(String),
    #[error(
        "the team server {server} was set up by a newer tierdeck (schema {version}); update tierdeck to use it"
    )]
    NewerSchema { server: String, version: i64 },
    #[error(
        "the team server {server} refused what {user} asked; {user} may only add this replica's own changes"
    )]
    Refused { server: String, user: String },
    #[error("the team server {server} said: {reason}")]
    Server { server: String, reason: String },
}

pub trait Transport {
    /// Where the team's changes are, as people know it.
    fn describe(&self) -> String;
    /// Every replica that has written anything.
    fn replicas(&self) -> Result<Vec<String>, TransportError>;
    /// File `number` of `replica`, if it is there (it may still be arriving).
    fn read(&self, replica: &str, number: i64) -> Result<Option<Vec<u8>>, TransportError>;
    /// Creates file `number` of `replica`, never replacing one.
    fn create(&self, replica: &str, number: i64, bytes: &[u8]) -> Result<Created, TransportError>;
    /// Who works on a replica, as it said when it joined.
    fn member(&self, replica: &str) -> Result<Option<Vec<u8>>, TransportError>;
    fn create_member(&self, replica: &str, bytes: &[u8]) -> Result<Created, TransportError>;
    /// The manifests of every snapshot any replica published.
    fn snapshots(&self) -> Result<Vec<Vec<u8>>, TransportError>;
    /// Publishes the database file `db` as snapshot `number` of `replica`,
    /// the manifest last, so that a manifest names a whole snapshot.
    fn create_snapshot(
        &self,
        replica: &str,
        number: i64,
        db: &std::path::Path,
        manifest: &[u8],
    ) -> Result<(), TransportError>;
    /// Removes file `number` of `replica`: only ever the caller's own, once
    /// every member has read it and a snapshot holds it.
    fn remove(&self, replica: &str, number: i64) -> Result<(), TransportError>;
    fn remove_snapshot(&self, replica: &str, number: i64) -> Result<(), TransportError>;
    /// Copies snapshot `number` of `replica` to the local file `to`;
    /// `false` when it is not there (yet).
    fn fetch_snapshot(
        &self,
        replica: &str,
        number: i64,
        to: &std::path::Path,
    ) -> Result<bool, TransportError>;
    /// Of these replicas, each with the number of the last file read from
    /// it, those that have a next file; `None` when the transport cannot
    /// tell without reading each one, as a folder cannot. A server answers
    /// in one query, so a sync with little new does not ask once per member.
    fn unread(&self, _after: &[(String, i64)]) -> Result<Option<Vec<String>>, TransportError> {
        Ok(None)
    }
    /// Whether the transport heard of new changes since last asked, without
    /// waiting: a server tells (`LISTEN`); a folder cannot, and is polled.
    fn news(&self) -> bool {
        false
    }
}

/// The transport for a team's place as stored: a server address or a folder.
pub fn open(place: &str) -> Result<Box<dyn Transport>, TransportError> {
    if postgres::is_server_url(place) {
        Ok(Box::new(postgres::Server::parse(place)?))
    } else {
        Ok(Box::new(folder::Folder::new(std::path::Path::new(place))))
    }
}

/// What a snapshot is: whose, how far it had read every replica (its own
/// files included), and how to tell it arrived whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub replica: String,
    pub user: String,
    /// Numbered like the replica's change files: its own files it covers.
    pub number: i64,
    /// Files read of each replica, its own included.
    pub files: std::collections::BTreeMap<String, i64>,
    pub bytes: u64,
    pub crc32: String,
    pub made_at: DateTime<Utc>,
}

/// The CRC-32 and length of a file, read in pieces (a snapshot of a large
/// pipeline is a gigabyte).
fn checksum(path: &std::path::Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((bytes, format!("{:08x}", hasher.finalize())))
}

/// A file beside the database for a snapshot on its way in or out: on the
/// same disk as the database, which has room for one.
fn beside(store: &Store, what: &str) -> std::path::PathBuf {
    let name = store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tierdeck.db".into());
    store
        .path()
        .with_file_name(format!(".{name}.{what}.{}.tmp", std::process::id()))
}

/// Publishes a snapshot of this replica after sending its changes, for new
/// members to start from.
pub fn publish_snapshot(
    store: &mut Store,
    transport: &dyn Transport,
) -> Result<Manifest, TeamError> {
    let mut report = SyncReport::default();
    publish(store, transport, &mut report)?;
    let replica = store.replica_id()?;
    let published = store.published()?;
    let mut files: std::collections::BTreeMap<String, i64> = store
        .peers()?
        .into_iter()
        .map(|p| (p.replica, p.files_read))
        .collect();
    files.insert(replica.clone(), published.files);
    let temp = beside(store, "snapshot");
    let _ = std::fs::remove_file(&temp);
    let made = store
        .write_snapshot(&temp)
        .map_err(TeamError::from)
        .and_then(|()| {
            let (bytes, crc32) =
                checksum(&temp).map_err(|source| TeamError::SnapshotUnreadable {
                    path: temp.clone(),
                    source,
                })?;
            let manifest = Manifest {
                format: file::FORMAT,
                replica: replica.clone(),
                user: store.session().user.clone(),
                number: published.files,
                files,
                bytes,
                crc32,
                made_at: store.session().now,
            };
            let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
            transport.create_snapshot(&replica, published.files, &temp, &text)?;
            Ok(manifest)
        });
    let _ = std::fs::remove_file(&temp);
    let manifest = made?;
    let (older, compacted) = store.compaction()?;
    if older > 0 && older < manifest.number {
        transport.remove_snapshot(&manifest.replica, older)?;
    }
    store.set_compaction(manifest.number, compacted)?;
    Ok(manifest)
}

/// Fills an empty replica from the most complete snapshot that arrived
/// whole; `None` when there is none (the change files are read instead).
pub fn join_from_snapshot(
    store: &mut Store,
    transport: &dyn Transport,
) -> Result<Option<Manifest>, TeamError> {
    let mut manifests: Vec<Manifest> = transport
        .snapshots()?
        .iter()
        .filter_map(|bytes| serde_json::from_slice::<Manifest>(bytes).ok())
        .filter(|m| m.format <= file::FORMAT)
        .collect();
    manifests.sort_by_key(|m| std::cmp::Reverse(m.files.values().sum::<i64>()));
    let me = store.replica_id()?;
    for manifest in manifests {
        let temp = beside(store, "joining");
        let _ = std::fs::remove_file(&temp);
        let whole = transport.fetch_snapshot(&manifest.replica, manifest.number, &temp)?
            && checksum(&temp)
                .is_ok_and(|(bytes, crc)| bytes == manifest.bytes && crc == manifest.crc32);
        // One made by another version of tierdeck is passed over for another.
        if whole && store.can_adopt(&temp)? {
            let reads: Vec<PeerRead> = manifest
                .files
                .iter()
                .filter(|(replica, _)| **replica != me)
                .map(|(replica, files)| PeerRead {
                    replica: replica.clone(),
                    user: if *replica == manifest.replica {
                        manifest.user.clone()
                    } else {
                        String::new()
                    },
                    files_read: *files,
                    reads_me: 0,
                    last_change: None,
                    last_seen: Some(store.session().now),
                })
                .collect();
            let adopted = store.adopt_snapshot(&temp, &reads);
            let _ = std::fs::remove_file(&temp);
            adopted?;
            return Ok(Some(manifest));
        }
        let _ = std::fs::remove_file(&temp);
    }
    Ok(None)
}

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(
        "{} is not a team folder (it has no tierdeck-team.json); make one with `tierdeck team init {}`",
        .0.display(),
        .0.display()
    )]
    NotATeamFolder(std::path::PathBuf),
    #[error(
        "{}/tierdeck-team.json does not read as a team file; it may still be arriving: try again in a minute",
        .0.display()
    )]
    TeamFileUnreadable(std::path::PathBuf),
    #[error(
        "the team folder {} was made by a newer tierdeck (format {format}); update tierdeck to join it",
        path.display()
    )]
    NewerFormat {
        path: std::path::PathBuf,
        format: u32,
    },
    #[error("cannot read the snapshot {} to publish it: {source}", path.display())]
    SnapshotUnreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// What a team folder says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamFile {
    pub format: u32,
    pub team: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// What a replica says about itself when it joins.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub replica: String,
    pub user: String,
    pub joined_at: DateTime<Utc>,
}

/// A file that could not be applied this time, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub replica: String,
    pub file: i64,
    pub reason: String,
}

/// What one exchange did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub sent_ops: usize,
    pub sent_files: usize,
    pub received: Applied,
    pub skipped: Vec<Skipped>,
    /// This replica's id changed: it was found to be a copy of another's.
    pub new_replica_id: Option<String>,
}

impl SyncReport {
    fn absorb(&mut self, applied: Applied) {
        let r = &mut self.received;
        r.ops += applied.ops;
        r.known += applied.known;
        for (table, n) in applied.rows {
            *r.rows.entry(table).or_default() += n;
        }
        r.conflicts.extend(applied.conflicts);
        r.pending = applied.pending;
        r.by.extend(applied.by);
    }
}

/// A field's value as people read it, in a conflict.
pub fn value_text(field: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::Number(n) if field == "amount_minor" => n
            .as_i64()
            .map_or_else(|| n.to_string(), |m| crate::domain::Money(m).to_string()),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Receives what is new from every other replica, then sends this one's
/// new changes.
pub fn sync(store: &mut Store, transport: &dyn Transport) -> Result<SyncReport, TeamError> {
    let mut report = SyncReport::default();
    claim_own_files(store, transport, &mut report)?;
    // A long absence is read in steps of a bounded size, each its own
    // transaction, until nothing more has arrived.
    for _ in 0..MAX_STEPS {
        if !receive(store, transport, &mut report)? {
            break;
        }
    }
    // A file that stays bad is met again by each step: said once.
    report
        .skipped
        .sort_by(|a, b| (&a.replica, a.file).cmp(&(&b.replica, b.file)));
    report.skipped.dedup();
    publish(store, transport, &mut report)?;
    compact(store, transport)?;
    Ok(report)
}

/// Steps of [`FILES_PER_SYNC`] files per replica one sync takes at most.
const MAX_STEPS: usize = 1_000;

/// Removes this replica's own files that every known member has read and
/// its newest snapshot holds, and its older snapshots: a team folder does
/// not grow without end, and a new member starts from the snapshot.
pub fn compact(store: &mut Store, transport: &dyn Transport) -> Result<usize, TeamError> {
    let (snapshot, compacted) = store.compaction()?;
    if snapshot <= compacted {
        return Ok(0);
    }
    let me = store.replica_id()?;
    let peers: std::collections::HashMap<String, i64> = store
        .peers()?
        .into_iter()
        .map(|p| (p.replica, p.reads_me))
        .collect();
    // A member never heard from yet has read nothing.
    let everyone_read = transport
        .replicas()?
        .into_iter()
        .filter(|r| *r != me)
        .map(|r| peers.get(&r).copied().unwrap_or(0))
        .min()
        .unwrap_or(0);
    // Every snapshot a new member may start from reads on from its own
    // count of this replica's files: those after it must stay.
    let needed_by_snapshots = transport
        .snapshots()?
        .iter()
        .filter_map(|bytes| serde_json::from_slice::<Manifest>(bytes).ok())
        .map(|m| m.files.get(&me).copied().unwrap_or(0))
        .min()
        .unwrap_or(0);
    let upto = everyone_read.min(snapshot).min(needed_by_snapshots);
    if upto <= compacted {
        return Ok(0);
    }
    for number in compacted + 1..=upto {
        transport.remove(&me, number)?;
    }
    store.set_compaction(snapshot, upto)?;
    Ok(usize::try_from(upto - compacted).unwrap_or(0))
}

/// Reads each other replica's files in order from where it was left, up
/// to the first that is missing or does not check out, and applies them
/// with the record of how far each was read, in one transaction a batch;
/// `true` when a replica has more files than one step reads.
pub fn receive(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
) -> Result<bool, TeamError> {
    let me = store.replica_id()?;
    let mut more = false;
    let known: std::collections::HashMap<String, PeerRead> = store
        .peers()?
        .into_iter()
        .map(|p| (p.replica.clone(), p))
        .collect();
    let mut batch: Vec<Op> = Vec::new();
    let mut reads: Vec<PeerRead> = Vec::new();
    let now = store.session().now;
    let others: Vec<String> = transport
        .replicas()?
        .into_iter()
        .filter(|r| *r != me)
        .collect();
    let counts: Vec<(String, i64)> = others
        .iter()
        .map(|r| (r.clone(), known.get(r).map_or(0, |p| p.files_read)))
        .collect();
    let with_news: Option<std::collections::HashSet<String>> =
        transport.unread(&counts)?.map(|r| r.into_iter().collect());
    for replica in others {
        let mut read = known.get(&replica).cloned().unwrap_or_else(|| PeerRead {
            replica: replica.clone(),
            user: String::new(),
            files_read: 0,
            reads_me: 0,
            last_change: None,
            last_seen: None,
        });
        if read.user.is_empty()
            && let Some(bytes) = transport.member(&replica)?
            && let Ok(member) = serde_json::from_slice::<Member>(&bytes)
        {
            read.user = member.user;
        }
        let start = read.files_read;
        let nothing_new = with_news
            .as_ref()
            .is_some_and(|news| !news.contains(&replica));
        while !nothing_new && read.files_read < start + FILES_PER_SYNC {
            let number = read.files_read + 1;
            let Some(bytes) = transport.read(&replica, number)? else {
                break;
            };
            let checked = file::decode(&bytes).and_then(|f| {
                if f.header.replica == replica && f.header.file == number {
                    Ok(f)
                } else {
                    Err(file::Problem::Damaged(
                        "it names another replica or number than its own".into(),
                    ))
                }
            });
            let changes = match checked {
                Ok(changes) => changes,
                Err(problem) => {
                    report.skipped.push(Skipped {
                        replica: replica.clone(),
                        file: number,
                        reason: problem.to_string(),
                    });
                    break;
                }
            };
            read.files_read = number;
            read.last_seen = Some(now);
            if !changes.header.user.is_empty() {
                read.user = changes.header.user.clone();
            }
            if let Some(mine) = changes.header.read.get(&me) {
                read.reads_me = read.reads_me.max(*mine);
            }
            if let Some(last) = changes.ops.iter().map(|op| op.hlc).max() {
                let at = crate::store::stamp_moment(last);
                read.last_change = Some(read.last_change.map_or(at, |was| was.max(at)));
            }
            batch.extend(changes.ops);
            if batch.len() >= OPS_PER_BATCH {
                reads.push(read.clone());
                report.absorb(store.apply_ops(std::mem::take(&mut batch), &reads)?);
                reads.clear();
            }
        }
        more |= read.files_read == start + FILES_PER_SYNC;
        if read.files_read > start || !known.contains_key(&replica) {
            reads.push(read);
        }
    }
    if !batch.is_empty() || !reads.is_empty() {
        report.absorb(store.apply_ops(batch, &reads)?);
    }
    Ok(more)
}

/// Writes this replica's changes not yet sent as new files.
pub fn publish(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
) -> Result<(), TeamError> {
    claim_own_files(store, transport, report)?;
    loop {
        let published = store.published()?;
        let ops = store.own_ops_after(published.seq, OPS_PER_FILE)?;
        let Some(last) = ops.last().map(|op| op.seq) else {
            return Ok(());
        };
        let replica = store.replica_id()?;
        let number = published.files + 1;
        let read: std::collections::BTreeMap<String, i64> = store
            .peers()?
            .into_iter()
            .map(|p| (p.replica, p.files_read))
            .collect();
        let bytes = file::encode(&replica, &store.session().user, number, &ops, &read);
        match transport.create(&replica, number, &bytes)? {
            Created::New => {
                store.set_published(Published {
                    files: number,
                    seq: last,
                })?;
                report.sent_files += 1;
                report.sent_ops += ops.len();
            }
            // Written a moment ago by this replica's other process, or by a
            // copy; one still arriving is looked at again at the next sync.
            Created::Exists(_) => {
                claim_own_files(store, transport, report)?;
                if store.published()? == published && store.replica_id()? == replica {
                    return Ok(());
                }
            }
        }
    }
}

/// Looks at this replica's files past the last it recorded as sent. One
/// that holds exactly its next changes is its own (a publish that ended
/// before recording it, or its other process): it counts as sent. Any
/// other was written by a copy of this database (a copied data directory,
/// speaking as the same replica): this one then takes a new id, its
/// changes not yet sent move to it, and the old id is read from there on
/// like any teammate's. Run before reading too, so that a copy that never
/// writes still finds out.
pub fn claim_own_files(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
) -> Result<(), TeamError> {
    loop {
        let published = store.published()?;
        let replica = store.replica_id()?;
        let number = published.files + 1;
        let Some(there) = transport.read(&replica, number)? else {
            return Ok(());
        };
        let found = match file::decode(&there) {
            Ok(found) => found,
            // Still arriving from the copy that wrote it: looked at next time.
            Err(file::Problem::Incomplete) => return Ok(()),
            Err(_) => {
                report.skipped.push(Skipped {
                    replica: replica.clone(),
                    file: number,
                    reason: "a file under this replica's name that it did not write".into(),
                });
                return Ok(());
            }
        };
        let ours = store.own_ops_after(published.seq, found.ops.len())?;
        if found.header.replica == replica && !found.ops.is_empty() && found.ops == ours {
            store.set_published(Published {
                files: number,
                seq: found.header.last_seq,
            })?;
            // Sent now, as far as anyone can tell: written, never recorded.
            report.sent_files += 1;
            report.sent_ops += found.ops.len();
            continue;
        }
        let new = store.take_new_replica_id(published.seq)?;
        store.set_peer_reads(&[PeerRead {
            replica,
            user: String::new(),
            files_read: published.files,
            reads_me: 0,
            last_change: None,
            last_seen: None,
        }])?;
        store.set_published(Published::default())?;
        store.set_compaction(0, 0)?;
        announce(store, transport)?;
        report.new_replica_id = Some(new);
        return Ok(());
    }
}

/// Writes this replica's member file, once.
pub fn announce(store: &Store, transport: &dyn Transport) -> Result<(), TeamError> {
    let replica = store.replica_id()?;
    let member = Member {
        replica: replica.clone(),
        user: store.session().user.clone(),
        joined_at: store.session().now,
    };
    let bytes = serde_json::to_vec_pretty(&member).unwrap_or_default();
    transport.create_member(&replica, &bytes)?;
    Ok(())
}

/// Replicas whose first files are compacted away into a snapshot: only an
/// empty database can start from that.
pub fn compacted_replicas(transport: &dyn Transport) -> Result<Vec<String>, TeamError> {
    let with_snapshots: std::collections::BTreeSet<String> = transport
        .snapshots()?
        .iter()
        .filter_map(|bytes| serde_json::from_slice::<Manifest>(bytes).ok())
        .filter(|m| m.number > 0)
        .map(|m| m.replica)
        .collect();
    let mut compacted = Vec::new();
    for replica in with_snapshots {
        if transport.read(&replica, 1)?.is_none() {
            compacted.push(replica);
        }
    }
    Ok(compacted)
}

/// Opens a team folder for joining: it must say it is one, in a format
/// this build reads.
pub fn check_team_folder(folder: &folder::Folder) -> Result<TeamFile, TeamError> {
    let Some(bytes) = folder.team_file()? else {
        return Err(TeamError::NotATeamFolder(folder.root().to_path_buf()));
    };
    let team: TeamFile = serde_json::from_slice(&bytes)
        .map_err(|_| TeamError::TeamFileUnreadable(folder.root().to_path_buf()))?;
    if team.format > file::FORMAT {
        return Err(TeamError::NewerFormat {
            path: folder.root().to_path_buf(),
            format: team.format,
        });
    }
    Ok(team)
}

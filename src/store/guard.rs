//! What the store checks about the database file itself before it trusts
//! it: that a file already there is a tierdeck database and not an empty
//! one to adopt, that the rollback journal beside it belongs to it, that it
//! is not damaged, and that the path still names the file it opened.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use super::{Result, StoreError, set_setting, setting};

/// The moment (nanoseconds since 1970) this file was last known sound: a
/// tierdeck that checked it at open, or knew it sound and wrote it since,
/// gave the file this modification time. Any other writer moves it on.
const SETTING_CHECKED: &str = "checked_sound_at";

/// How far a file system may round a modification time down: FAT keeps
/// two seconds, most keep nanoseconds.
const MTIME_GRAIN: Duration = Duration::from_secs(2);

/// The first 8 bytes of an SQLite rollback journal.
const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// The rollback journal that SQLite keeps beside a database.
pub(crate) fn journal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push("-journal");
    PathBuf::from(name)
}

/// Which file a path names: device and inode, where the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileId(Option<(u64, u64)>);

impl FileId {
    pub(super) fn of(path: &Path) -> Option<FileId> {
        let meta = fs::metadata(path).ok()?;
        Some(FileId(id_of(&meta)))
    }
}

#[cfg(unix)]
fn id_of(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// Elsewhere the standard library gives no stable file id; only a path
/// that went away is noticed.
#[cfg(not(unix))]
fn id_of(_meta: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// A hot journal that belongs to the file: SQLite rolls it back on open.
#[derive(Debug, Clone, Copy)]
pub(super) struct HotJournal {
    /// The file's change counter before the cut-off write, as the journal
    /// keeps it: the file has it again once the write is rolled back.
    counter_before: Option<u32>,
}

impl HotJournal {
    /// Whether SQLite has rolled the journal back, leaving the file as it
    /// was before the write that was cut off (and not a live writer that
    /// finished meanwhile, which moves the counter on).
    pub(super) fn was_rolled_back(self, path: &Path) -> bool {
        let journal_left = fs::metadata(journal_of(path)).is_ok_and(|m| m.len() > 0);
        let counter_now = read_head(path, 100)
            .ok()
            .filter(|head| head.len() >= 28)
            .map(|head| be32(&head, 24));
        !journal_left && (self.counter_before.is_none() || counter_now == self.counter_before)
    }
}

/// Looks at the rollback journal beside `path` as SQLite would before
/// playing it back: none, or one SQLite ignores, is `None`; one that is not
/// a journal, or that records another file (its page size, its change
/// counter, the size it says the file had), is refused, because rolling
/// it back would write another file's pages into this one.
///
/// A live writer's journal can be read half way through a change (its
/// header being written, or the file committed twice between two reads):
/// a journal is refused only when a second look, a moment later, finds
/// the same journal unchanged and refuses it again.
pub(super) fn check_journal(path: &Path) -> Result<Option<HotJournal>> {
    let journal = journal_of(path);
    let mut verdict = look_at_journal(path);
    for _ in 0..3 {
        if verdict.is_ok() {
            break;
        }
        let seen = journal_state(&journal);
        std::thread::sleep(Duration::from_millis(50));
        let again = look_at_journal(path);
        if again.is_err() && seen.is_some() && journal_state(&journal) == seen {
            return again;
        }
        verdict = again;
    }
    verdict
}

/// What tells one journal file from another, or the same one changed.
fn journal_state(journal: &Path) -> Option<(Option<FileId>, u64, Option<SystemTime>)> {
    let meta = fs::metadata(journal).ok()?;
    Some((FileId::of(journal), meta.len(), meta.modified().ok()))
}

fn look_at_journal(path: &Path) -> Result<Option<HotJournal>> {
    let journal = journal_of(path);
    let Ok(mut file) = fs::File::open(&journal) else {
        return Ok(None);
    };
    let mut head = [0u8; 28];
    let read = read_up_to(&mut file, &mut head).map_err(StoreError::io(&journal))?;
    // SQLite plays back only a journal whose first byte is not zero, and
    // none beside an empty database.
    let db_head = read_head(path, 100).map_err(StoreError::io(path))?;
    if read == 0 || head[0] == 0 || db_head.len() < 100 {
        return Ok(None);
    }
    if read < head.len() || head[..8] != JOURNAL_MAGIC {
        return Err(StoreError::StrayJournal(journal));
    }
    let file_page_size = page_size(&db_head);
    let journal_page_size = u64::from(be32(&head, 24));
    let foreign = |what: &'static str, journal_says: u64, file_says: u64| {
        Err(StoreError::ForeignJournal {
            path: journal.clone(),
            what,
            journal: journal_says,
            file: file_says,
        })
    };
    if journal_page_size != file_page_size {
        return foreign("page_size", journal_page_size, file_page_size);
    }
    let Some(page_one) = journaled_page_one(&mut file, &head, journal_page_size)
        .map_err(StoreError::io(&journal))?
    else {
        return Ok(Some(HotJournal {
            counter_before: None,
        }));
    };
    // Page 1 as it was before the write: its change counter is the file's
    // now (not written yet) or one less (written, not finished).
    let before = be32(&page_one, 24);
    let now = be32(&db_head, 24);
    if now != before && now != before.wrapping_add(1) {
        return foreign("change_counter", before.into(), now.into());
    }
    // Its own record of the file's size agrees with the journal's, where
    // SQLite says that record is valid (the counter copy at 92 matches).
    let recorded_pages = be32(&head, 16);
    if be32(&page_one, 92) == before && be32(&page_one, 28) != recorded_pages {
        return foreign("size", recorded_pages.into(), be32(&page_one, 28).into());
    }
    Ok(Some(HotJournal {
        counter_before: Some(before),
    }))
}

/// Page 1 as the journal's first segment keeps it, if it is there. Each
/// record is the page number, the page and a checksum, after a header that
/// fills one sector.
fn journaled_page_one(
    file: &mut fs::File,
    head: &[u8; 28],
    page_size: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    let sector = u64::from(be32(head, 20)).max(28);
    let record = 4 + page_size + 4;
    let len = file.metadata()?.len();
    let on_disk = len.saturating_sub(sector) / record;
    // 0 and 0xFFFFFFFF: the count was not written yet, or is not kept;
    // SQLite then takes every whole record there is.
    let count = match u64::from(be32(head, 8)) {
        0 | 0xFFFF_FFFF => on_disk,
        n => n.min(on_disk),
    };
    let Ok(page_len) = usize::try_from(page_size) else {
        return Ok(None);
    };
    for i in 0..count {
        let at = sector + i * record;
        file.seek(SeekFrom::Start(at))?;
        let mut number = [0u8; 4];
        file.read_exact(&mut number)?;
        if u32::from_be_bytes(number) == 1 {
            let mut page = vec![0u8; page_len];
            file.read_exact(&mut page)?;
            return Ok(Some(page));
        }
    }
    Ok(None)
}

/// The page size in a database header; 1 stands for 65536.
fn page_size(db_head: &[u8]) -> u64 {
    match u16::from_be_bytes([db_head[16], db_head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    }
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn read_up_to(file: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read)
}

/// Up to `n` bytes from the start of a file (fewer if it is shorter; none
/// if it is not there).
fn read_head(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut head = vec![0u8; n];
    let read = read_up_to(&mut file, &mut head)?;
    head.truncate(read);
    Ok(head)
}

/// Whether the file holds no database at all: empty, or SQLite with no
/// table in it. Only `init` (or the first start on the default path) makes
/// a database of such a file.
pub(super) fn is_blank(conn: &Connection) -> rusqlite::Result<bool> {
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok(tables == 0)
}

/// What SQLite's quick check found wrong with the file, or `None` when it
/// is sound. The check reads every page, so it runs only when the file
/// changed since a tierdeck last knew it sound.
pub(super) fn damage(conn: &Connection, path: &Path) -> Option<String> {
    if known_sound(conn, path) {
        return None;
    }
    let rows = conn.prepare("PRAGMA quick_check").and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => None,
        // Its first finding, on one line, without the heading SQLite puts
        // before a database's findings.
        Ok(rows) => Some(
            rows.into_iter()
                .next()
                .unwrap_or_default()
                .replace("*** in database main ***", "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Err(e) => Some(e.to_string()),
    }
}

/// The file's modification time is the one the last sound-knowing tierdeck
/// gave it (as its file system keeps it), and its length is exactly its
/// pages.
fn known_sound(conn: &Connection, path: &Path) -> bool {
    let Ok(Some(mark)) = setting(conn, SETTING_CHECKED) else {
        return false;
    };
    let Ok(nanos) = mark.parse::<u64>() else {
        return false;
    };
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    let pages = |name: &str| conn.pragma_query_value(None, name, |r| r.get::<_, i64>(0));
    let whole_pages = match (pages("page_count"), pages("page_size")) {
        (Ok(count), Ok(size)) => u64::try_from(count * size).ok() == Some(meta.len()),
        _ => false,
    };
    let marked = UNIX_EPOCH + Duration::from_nanos(nanos);
    let as_marked = meta
        .modified()
        .ok()
        .and_then(|kept| marked.duration_since(kept).ok())
        .is_some_and(|rounded| rounded < MTIME_GRAIN);
    whole_pages && as_marked
}

/// A moment for [`mark_sound`] and [`stamp`]: now. Each write gets its own,
/// so that sync tools, which look at the modification time, see each one.
pub(super) fn mark_moment() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Records, in the transaction about to commit, that the file is sound at
/// `nanos`; [`stamp`] gives the file that time once it is committed.
pub(super) fn mark_sound(conn: &Connection, nanos: u64) -> Result<()> {
    set_setting(conn, SETTING_CHECKED, &nanos.to_string())
}

/// Gives the file the modification time its mark names: a moment before
/// the commit, so a few milliseconds before the time the commit gave it.
/// Where it cannot (the file belongs to someone else), the next start
/// checks the file again.
#[cfg(unix)]
pub(super) fn stamp(path: &Path, nanos: u64) {
    use std::os::unix::ffi::OsStrExt;
    // By path, not through a file of our own: closing any descriptor of
    // the database would drop the locks SQLite holds on it in this process.
    let Ok(name) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return;
    };
    let (Ok(secs), Ok(sub)) = (
        libc::time_t::try_from(nanos / 1_000_000_000),
        libc::c_long::try_from(nanos % 1_000_000_000),
    ) else {
        return;
    };
    let times = [
        libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
        libc::timespec {
            tv_sec: secs,
            tv_nsec: sub,
        },
    ];
    // SAFETY: `name` is a NUL-terminated path and `times` two timespecs,
    // alive for the call; the result is only a success or not.
    unsafe {
        libc::utimensat(libc::AT_FDCWD, name.as_ptr(), times.as_ptr(), 0);
    }
}

/// Elsewhere SQLite's locks are not POSIX locks, and a file of our own
/// can set the time.
#[cfg(not(unix))]
pub(super) fn stamp(path: &Path, nanos: u64) {
    if let Ok(file) = fs::File::options().write(true).open(path) {
        let _ = file.set_modified(UNIX_EPOCH + Duration::from_nanos(nanos));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database header of `page_size` whose change counter is `counter`.
    fn db_head(page_size: u16, counter: u32) -> Vec<u8> {
        let mut head = b"SQLite format 3\0".to_vec();
        head.extend(page_size.to_be_bytes());
        head.resize(100, 0);
        head[24..28].copy_from_slice(&counter.to_be_bytes());
        head
    }

    /// A journal header for pages of `page_size`, its one record page 1
    /// with change counter `counter`, in 512-byte sectors.
    fn journal(page_size: u32, counter: u32) -> Vec<u8> {
        let mut j = JOURNAL_MAGIC.to_vec();
        for field in [1u32, 7, 2, 512, page_size] {
            j.extend(field.to_be_bytes());
        }
        j.resize(512, 0);
        j.extend(1u32.to_be_bytes());
        let mut page = db_head(u16::try_from(page_size).unwrap_or(1), counter);
        page.resize(page_size as usize, 0);
        j.extend(page);
        j.extend([0u8; 4]);
        j
    }

    fn judged(db: &[u8], journal_bytes: &[u8]) -> Result<Option<HotJournal>> {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("t.db");
        fs::write(&path, db).expect("write the file");
        fs::write(journal_of(&path), journal_bytes).expect("write the journal");
        look_at_journal(&path)
    }

    #[test]
    fn a_journal_of_this_file_is_played_back_by_sqlite() {
        for counter_now in [41, 42] {
            let hot = judged(&db_head(4096, counter_now), &journal(4096, 41));
            assert!(matches!(hot, Ok(Some(_))), "{hot:?}");
        }
    }

    #[test]
    fn a_journal_sqlite_would_ignore_is_no_journal() {
        let mut zeroed = journal(4096, 41);
        zeroed[0] = 0;
        assert!(matches!(judged(&db_head(4096, 41), &zeroed), Ok(None)));
        assert!(matches!(judged(&db_head(4096, 41), &[]), Ok(None)));
    }

    #[test]
    fn another_file_s_journal_is_told_by_its_page_size_and_change_counter() {
        let by = |db: &[u8], j: &[u8]| match judged(db, j) {
            Err(StoreError::ForeignJournal { what, .. }) => what,
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(by(&db_head(4096, 41), &journal(1024, 41)), "page_size");
        assert_eq!(by(&db_head(4096, 90), &journal(4096, 41)), "change_counter");
        assert!(matches!(
            judged(&db_head(4096, 41), b"not a journal at all"),
            Err(StoreError::StrayJournal(_))
        ));
    }
}

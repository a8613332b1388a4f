//! The conflict copies sync tools leave beside a database file (SPEC §5).
//!
//! Pure name matching, so `doctor` and the TUI's banner agree on what a copy
//! is. Every pattern is worked out from the database's stem and extension
//! (`tierdeck` and `.db` for `tierdeck.db`), so any name works, Chinese too.
//! The forms recognised, for `tierdeck.db`:
//!
//! - Dropbox: `tierdeck (Ann's conflicted copy 2026-11-22).db`, numbered
//!   `tierdeck (Ann's conflicted copy 2026-11-22 (1)).db`, and the nameless
//!   `tierdeck (conflicted copy 2026-11-22).db`. A bare date is Dropbox's:
//!   Nextcloud always writes a time after it.
//! - Nextcloud: `tierdeck (conflicted copy 2026-11-22 101500).db`, with the
//!   user when the client knows it (`… copy Ann Lee 2026-11-22 101500).db`),
//!   and ownCloud's `tierdeck_conflict-20261122-101500.db`, which Nextcloud's
//!   client came from and older ones still write.
//! - Syncthing: `tierdeck.sync-conflict-20261122-101500-ABCD123.db`.
//! - OneDrive: `tierdeck-LAPTOP7.db`, the computer's name (a NetBIOS name: up
//!   to 15 letters, digits and hyphens, never all digits), optionally numbered
//!   `tierdeck-LAPTOP7-1.db`. Windows shows computer names in upper case and
//!   names new machines like `DESKTOP-QRI9EIH` or `LAPTOP7`, while people
//!   name their own files `tierdeck-old.db`, `tierdeck-2026.db` or
//!   `tierdeck-CN.db`: so only a suffix of 4 or more upper-case letters,
//!   digits and hyphens, starting with a letter and holding a digit or a
//!   hyphen, is taken for a computer name. `tierdeck-BACKUP.db` is not; a
//!   machine named like that is missed, which is the safer way to be wrong.
//!
//! The database itself, its `-journal`, `-wal` and `-shm` files and files of
//! another extension never match.

use std::path::{Path, PathBuf};

/// The sync tool that named a conflict copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTool {
    Dropbox,
    Syncthing,
    OneDrive,
    /// Nextcloud and ownCloud, whose clients share their code and names.
    Nextcloud,
}

impl SyncTool {
    pub fn name(self) -> &'static str {
        match self {
            SyncTool::Dropbox => "Dropbox",
            SyncTool::Syncthing => "Syncthing",
            SyncTool::OneDrive => "OneDrive",
            SyncTool::Nextcloud => "Nextcloud",
        }
    }
}

/// A conflict copy found beside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictCopy {
    pub path: PathBuf,
    pub tool: SyncTool,
}

/// Pure: is `candidate` (a file name in the same folder) a conflict copy of
/// the database named `db` (file name), and by which tool.
pub fn classify(db: &str, candidate: &str) -> Option<SyncTool> {
    if candidate == db {
        return None;
    }
    let (stem, ext) = split_name(db);
    let middle = candidate.strip_prefix(stem)?.strip_suffix(ext)?;
    if let Some(inner) = middle
        .strip_prefix(" (")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        if is_nextcloud_tag(inner) {
            return Some(SyncTool::Nextcloud);
        }
        if is_dropbox_tag(inner) {
            return Some(SyncTool::Dropbox);
        }
        return None;
    }
    if let Some(stamp) = middle.strip_prefix("_conflict-") {
        return is_compact_stamp(stamp).then_some(SyncTool::Nextcloud);
    }
    if let Some(rest) = middle.strip_prefix(".sync-conflict-") {
        return is_syncthing_tag(rest).then_some(SyncTool::Syncthing);
    }
    if let Some(name) = middle.strip_prefix('-') {
        return is_onedrive_tag(name).then_some(SyncTool::OneDrive);
    }
    None
}

/// Lists the folder of `db`; sorted by path; an unreadable folder gives an
/// empty list, and so does a database name that is not UTF-8 (no sync tool
/// pattern can be matched against it).
pub fn conflict_copies(db: &Path) -> Vec<ConflictCopy> {
    let Some(db_name) = db.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let folder = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut copies: Vec<ConflictCopy> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let tool = classify(db_name, name.to_str()?)?;
            // `with_file_name` keeps a relative --db relative, as the user typed it.
            let path = db.with_file_name(&name);
            path.is_file().then_some(ConflictCopy { path, tool })
        })
        .collect();
    copies.sort_by(|a, b| a.path.cmp(&b.path));
    copies
}

/// `tierdeck.db` → (`tierdeck`, `.db`); a name without a dot, or a hidden
/// file like `.db`, is all stem, as the sync tools treat it.
fn split_name(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    }
}

/// `conflicted copy [USER ]2026-11-22 101500`.
fn is_nextcloud_tag(inner: &str) -> bool {
    let Some(rest) = inner.strip_prefix("conflicted copy ") else {
        return false;
    };
    // The stamp is the last 17 bytes; the user, if any, comes before it.
    let Some(split) = rest.len().checked_sub(17) else {
        return false;
    };
    let Some((user, stamp)) = rest.split_at_checked(split) else {
        return false;
    };
    let user_ok = user.is_empty()
        || user
            .strip_suffix(' ')
            .is_some_and(|u| !u.trim().is_empty() && !u.contains(['(', ')']));
    let time_ok = stamp
        .split_once(' ')
        .is_some_and(|(date, time)| is_dashed_date(date) && is_time(time));
    user_ok && time_ok
}

/// `[NAME's ]conflicted copy 2026-11-22[ (N)]`.
fn is_dropbox_tag(inner: &str) -> bool {
    const COPY: &str = "conflicted copy ";
    let rest = match inner.strip_prefix(COPY) {
        Some(rest) => rest,
        None => match inner.split_once("'s conflicted copy ") {
            Some((name, rest)) if !name.trim().is_empty() => rest,
            _ => return false,
        },
    };
    let (date, number) = match rest.split_once(' ') {
        Some((date, number)) => (date, Some(number)),
        None => (rest, None),
    };
    let number_ok = number.is_none_or(|n| {
        n.strip_prefix('(')
            .and_then(|n| n.strip_suffix(')'))
            .is_some_and(is_digits)
    });
    is_dashed_date(date) && number_ok
}

/// `20261122-101500-ABCD123`: date, time and the short device id.
fn is_syncthing_tag(rest: &str) -> bool {
    let mut parts = rest.split('-');
    let (Some(date), Some(time), Some(device), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let device_ok = device.len() == 7
        && device
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    is_compact_date(date) && is_time(time) && device_ok
}

/// `LAPTOP7` or `LAPTOP7-1`: a computer name, optionally numbered.
fn is_onedrive_tag(name: &str) -> bool {
    let is_computer = |n: &str| {
        (4..=15).contains(&n.len())
            && n.starts_with(|c: char| c.is_ascii_uppercase())
            && !n.ends_with('-')
            && n.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && n.bytes().any(|b| b.is_ascii_digit() || b == b'-')
    };
    is_computer(name)
        || name
            .rsplit_once('-')
            .is_some_and(|(n, number)| is_computer(n) && is_digits(number))
}

/// `20261122-101500`.
fn is_compact_stamp(stamp: &str) -> bool {
    stamp
        .split_once('-')
        .is_some_and(|(date, time)| is_compact_date(date) && is_time(time))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A real calendar day as `2026-11-22`.
fn is_dashed_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && is_day(&s[..4], &s[5..7], &s[8..])
}

/// A real calendar day as `20261122`.
fn is_compact_date(s: &str) -> bool {
    s.len() == 8 && is_digits(s) && is_day(&s[..4], &s[4..6], &s[6..])
}

/// Digits only, read by hand: chrono's parser takes signs and short fields.
fn is_day(year: &str, month: &str, day: &str) -> bool {
    let num = |s: &str| is_digits(s).then(|| s.parse::<u32>().ok()).flatten();
    match (num(year), num(month), num(day)) {
        (Some(y), Some(m), Some(d)) => i32::try_from(y)
            .ok()
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, m, d))
            .is_some(),
        _ => false,
    }
}

/// A time of day as `101500`.
fn is_time(s: &str) -> bool {
    if s.len() != 6 || !is_digits(s) {
        return false;
    }
    let part = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(u32::MAX);
    chrono::NaiveTime::from_hms_opt(part(0..2), part(2..4), part(4..6)).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "tierdeck.db";

    fn tool(candidate: &str) -> Option<SyncTool> {
        classify(DB, candidate)
    }

    #[test]
    fn dropbox_copies_with_a_name_a_number_or_neither() {
        for name in [
            "tierdeck (Ann's conflicted copy 2026-11-22).db",
            "tierdeck (Ann Lee's conflicted copy 2026-11-22).db",
            "tierdeck (LAPTOP7's conflicted copy 2026-11-22).db",
            "tierdeck (Ann's conflicted copy 2026-11-22 (1)).db",
            "tierdeck (Ann's conflicted copy 2026-11-22 (12)).db",
            "tierdeck (conflicted copy 2026-11-22).db",
        ] {
            assert_eq!(tool(name), Some(SyncTool::Dropbox), "{name}");
        }
    }

    #[test]
    fn nextcloud_and_owncloud_copies() {
        for name in [
            "tierdeck (conflicted copy 2026-11-22 101500).db",
            "tierdeck (conflicted copy ann 2026-11-22 101500).db",
            "tierdeck (conflicted copy Ann Lee 2026-11-22 235959).db",
            "tierdeck_conflict-20261122-101500.db",
        ] {
            assert_eq!(tool(name), Some(SyncTool::Nextcloud), "{name}");
        }
    }

    #[test]
    fn syncthing_copies() {
        assert_eq!(
            tool("tierdeck.sync-conflict-20261122-101500-ABCD123.db"),
            Some(SyncTool::Syncthing)
        );
        assert_eq!(
            tool("tierdeck.sync-conflict-20261122-101500-7X2KQ3Z.db"),
            Some(SyncTool::Syncthing)
        );
    }

    #[test]
    fn onedrive_copies_carry_an_upper_case_computer_name() {
        for name in [
            "tierdeck-LAPTOP7.db",
            "tierdeck-DESKTOP-QRI9EIH.db",
            "tierdeck-LAPTOP7-1.db",
            "tierdeck-DESKTOP-QRI9EIH-2.db",
            "tierdeck-DESKTOP-ABC.db",
        ] {
            assert_eq!(tool(name), Some(SyncTool::OneDrive), "{name}");
        }
    }

    #[test]
    fn chinese_and_dotted_stems_work_like_any_other() {
        let db = "销售.db";
        assert_eq!(
            classify(db, "销售 (李娜's conflicted copy 2026-11-22).db"),
            Some(SyncTool::Dropbox)
        );
        assert_eq!(
            classify(db, "销售 (conflicted copy 李娜 2026-11-22 101500).db"),
            Some(SyncTool::Nextcloud)
        );
        assert_eq!(
            classify(db, "销售.sync-conflict-20261122-101500-ABCD123.db"),
            Some(SyncTool::Syncthing)
        );
        assert_eq!(classify(db, "销售-LAPTOP7.db"), Some(SyncTool::OneDrive));
        assert_eq!(
            classify("team.pipeline.db", "team.pipeline-LAPTOP7.db"),
            Some(SyncTool::OneDrive)
        );
        assert_eq!(
            classify("tierdeck", "tierdeck (Ann's conflicted copy 2026-11-22)"),
            Some(SyncTool::Dropbox)
        );
        // Another database's copy is not this one's.
        assert_eq!(classify(db, "tierdeck-LAPTOP7.db"), None);
    }

    #[test]
    fn the_database_and_its_sqlite_files_are_not_copies() {
        for name in [
            "tierdeck.db",
            "tierdeck.db-journal",
            "tierdeck.db-wal",
            "tierdeck.db-shm",
            "tierdeck (Ann's conflicted copy 2026-11-22).db-journal",
            "tierdeck-LAPTOP7.db-journal",
        ] {
            assert_eq!(tool(name), None, "{name}");
        }
    }

    #[test]
    fn other_extensions_and_other_files_are_not_copies() {
        for name in [
            "tierdeck (Ann's conflicted copy 2026-11-22).txt",
            "tierdeck.sync-conflict-20261122-101500-ABCD123.sqlite",
            "tierdeck-LAPTOP7.DB",
            "tierdeck-LAPTOP7.db.bak",
            "other.db",
            "other-LAPTOP7.db",
            "tierdeck2.db",
            "tierdeck .db",
            "tierdeck (copy).db",
        ] {
            assert_eq!(tool(name), None, "{name}");
        }
    }

    #[test]
    fn copies_people_name_themselves_are_not_onedrive_copies() {
        for name in [
            "tierdeck-old.db",
            "tierdeck-Backup.db",
            "tierdeck-2026.db",
            "tierdeck-20261122.db",
            "tierdeck-.db",
            "tierdeck--LAPTOP7.db",
            "tierdeck-LAPTOP7-.db",
            "tierdeck-ABCDEFGHIJKLMNOP.db",
            "tierdeck-LAPTOP_7.db",
            "tierdeck-CN.db",
            "tierdeck-EU.db",
            "tierdeck-BACKUP.db",
            "tierdeck-OLD.db",
            "tierdeck-TEST.db",
            "tierdeck-V2.db",
            "tierdeck-2025Q4.db",
        ] {
            assert_eq!(tool(name), None, "{name}");
        }
    }

    #[test]
    fn malformed_dates_times_and_device_ids_do_not_match() {
        for name in [
            "tierdeck (Ann's conflicted copy 2026-13-01).db",
            "tierdeck (Ann's conflicted copy 2026-02-30).db",
            "tierdeck (Ann's conflicted copy 26-11-22).db",
            "tierdeck (Ann's conflicted copy 2026-11-22 (x)).db",
            "tierdeck (Ann's conflicted copy 2026-11-22 ()).db",
            "tierdeck ('s conflicted copy 2026-11-22).db",
            "tierdeck (conflicted copy 2026-11-22 251500).db",
            "tierdeck (conflicted copy 2026-11-22 10150).db",
            "tierdeck (conflicted copy (ann) 2026-11-22 101500).db",
            "tierdeck (conflicted copy  2026-11-22 101500).db",
            "tierdeck_conflict-20261322-101500.db",
            "tierdeck_conflict-20261122-1015.db",
            "tierdeck.sync-conflict-20261122-101500-abcd123.db",
            "tierdeck.sync-conflict-20261122-101500-ABCD12.db",
            "tierdeck.sync-conflict-20261122-101500-ABCD1234.db",
            "tierdeck.sync-conflict-2026112-101500-ABCD123.db",
            "tierdeck.sync-conflict-20261122-106000-ABCD123.db",
            "tierdeck.sync-conflict-20261122-101500.db",
            "tierdeck.sync-conflict-20261122-101500-ABCD123-X.db",
        ] {
            assert_eq!(tool(name), None, "{name}");
        }
    }

    #[test]
    fn tool_names_are_the_products_names() {
        let names: Vec<&str> = [
            SyncTool::Dropbox,
            SyncTool::Syncthing,
            SyncTool::OneDrive,
            SyncTool::Nextcloud,
        ]
        .iter()
        .map(|t| t.name())
        .collect();
        assert_eq!(names, ["Dropbox", "Syncthing", "OneDrive", "Nextcloud"]);
    }

    #[test]
    fn a_folder_listing_finds_the_copies_sorted_and_skips_folders() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join(DB);
        for name in [
            DB,
            "tierdeck.db-journal",
            "tierdeck-LAPTOP7.db",
            "tierdeck (Ann's conflicted copy 2026-11-22).db",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").expect("write a file");
        }
        std::fs::create_dir(dir.path().join("tierdeck-FOLDER.db")).expect("make a folder");
        let found = conflict_copies(&db);
        assert_eq!(
            found,
            vec![
                ConflictCopy {
                    path: dir
                        .path()
                        .join("tierdeck (Ann's conflicted copy 2026-11-22).db"),
                    tool: SyncTool::Dropbox,
                },
                ConflictCopy {
                    path: dir.path().join("tierdeck-LAPTOP7.db"),
                    tool: SyncTool::OneDrive,
                },
            ]
        );
    }

    #[test]
    fn an_unreadable_folder_has_no_copies() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let missing = dir.path().join("gone").join(DB);
        assert!(conflict_copies(&missing).is_empty());
    }
}

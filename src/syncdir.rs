//! Whether a database file lies in a folder a sync tool manages (SPEC §5.2).
//!
//! Such a database is never written in place: the tool copies the file while
//! SQLite writes it, and two members' writes end as a conflict copy. This
//! module only reads the file system. It walks up from the database's folder,
//! nearest first, and at each folder looks for what a tool leaves at the root
//! of a folder it syncs, or for a folder the tool is known to sync. The
//! markers are the tools' own files, named so that a user's files hardly ever
//! match them. A sync folder that a tool leaves no trace in (Seafile's "sync
//! an existing folder", a Google Drive drive letter on Windows) is not found
//! here: `sharing = "sync-folder"` in the config covers those.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// The most folders the walk climbs. Real paths are far shallower; the bound
/// caps the cost of a pathological one at a few reads a level.
const MAX_LEVELS: usize = 256;

/// A tool that syncs a folder between computers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTool {
    Syncthing,
    Dropbox,
    OneDrive,
    /// Nextcloud and ownCloud, whose desktop clients share their code.
    Nextcloud,
    GoogleDrive,
    ICloudDrive,
    Seafile,
    /// Resilio Sync, formerly BitTorrent Sync.
    Resilio,
}

impl SyncTool {
    /// The product's own spelling, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SyncTool::Syncthing => "Syncthing",
            SyncTool::Dropbox => "Dropbox",
            SyncTool::OneDrive => "OneDrive",
            SyncTool::Nextcloud => "Nextcloud",
            SyncTool::GoogleDrive => "Google Drive",
            SyncTool::ICloudDrive => "iCloud Drive",
            SyncTool::Seafile => "Seafile",
            SyncTool::Resilio => "Resilio Sync",
        }
    }
}

/// The sync folder a database lies in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFolder {
    pub tool: SyncTool,
    /// The folder holding the tool's marker (or the folder the tool syncs),
    /// canonical: symlinks resolved.
    pub root: PathBuf,
}

/// The sync folder `db_path` lies in, the nearest if folders nest, or `None`.
/// The file and its folders need not exist yet: the walk starts from the
/// nearest folder of the path that does.
pub fn sync_folder_of(db_path: &Path) -> Option<SyncFolder> {
    sync_folder_in(db_path, &|name| std::env::var_os(name))
}

/// [`sync_folder_of`] with the environment given, so tests need not touch
/// the process's.
fn sync_folder_in(db_path: &Path, env: &dyn Fn(&str) -> Option<OsString>) -> Option<SyncFolder> {
    let start = existing_folder(db_path)?;
    let known = known_roots(env);
    start.ancestors().take(MAX_LEVELS).find_map(|dir| {
        let tool = marker_in(dir).or_else(|| place_of(dir)).or_else(|| {
            known
                .iter()
                .find(|(_, root)| root == dir)
                .map(|&(tool, _)| tool)
        })?;
        Some(SyncFolder {
            tool,
            root: dir.to_path_buf(),
        })
    })
}

/// The canonical folder the database is, or will be, written in.
fn existing_folder(db_path: &Path) -> Option<PathBuf> {
    // An existing file may be a symlink, and SQLite writes where it points.
    if let Some(folder) = fs::canonicalize(db_path)
        .ok()
        .and_then(|file| file.parent().map(Path::to_path_buf))
    {
        return Some(folder);
    }
    // A relative path's last ancestor is "", the current folder.
    db_path.parent()?.ancestors().find_map(|dir| {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        fs::canonicalize(dir).ok()
    })
}

/// The tool whose marker `dir` holds at the root of a folder it syncs.
fn marker_in(dir: &Path) -> Option<SyncTool> {
    let is_file = |names: &[&str]| {
        names
            .iter()
            .fold(dir.to_path_buf(), |p, n| p.join(n))
            .is_file()
    };
    let is_dir = |name: &str| dir.join(name).is_dir();
    // Syncthing stops syncing a folder whose `.stfolder` is missing: a
    // directory now, a file in versions before 0.14.
    if dir.join(".stfolder").exists() {
        return Some(SyncTool::Syncthing);
    }
    // The Dropbox folder's root holds a `.dropbox` file and its cache folder;
    // `~/.dropbox`, the client's settings, is a directory, so only a file counts.
    if is_file(&[".dropbox"]) || is_dir(".dropbox.cache") {
        return Some(SyncTool::Dropbox);
    }
    // Resilio keeps its folder `ID` and `IgnoreList` in `.sync` (a name too
    // common to count alone); BitTorrent Sync kept a `.SyncID` file.
    if is_file(&[".sync", "ID"]) || is_file(&[".sync", "IgnoreList"]) || is_file(&[".SyncID"]) {
        return Some(SyncTool::Resilio);
    }
    // Seafile's client keeps its data in `Seafile/.seafile-data`
    // (`seafile-data` on Windows) and downloads libraries beside it; the
    // daemon's `config.db` in it tells that folder from any other so named.
    if is_file(&[".seafile-data", "config.db"]) || is_file(&["seafile-data", "config.db"]) {
        return Some(SyncTool::Seafile);
    }
    // Google Drive for desktop stages transfers in these at the root of
    // each folder it mirrors.
    if is_dir(".tmp.drivedownload") || is_dir(".tmp.driveupload") {
        return Some(SyncTool::GoogleDrive);
    }
    has_sync_journal(dir).then_some(SyncTool::Nextcloud)
}

/// Whether `dir` holds the journal a Nextcloud or ownCloud desktop client
/// keeps at the root of each folder it syncs.
fn has_sync_journal(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        entry.file_name().to_str().is_some_and(is_journal_name)
            && entry.file_type().is_ok_and(|kind| kind.is_file())
    })
}

/// `.sync_<hex>.db`, named from a hash of the account and folder; older
/// clients wrote `._sync_<hex>.db`, `.csync_journal.db` and `.owncloudsync.log`.
fn is_journal_name(name: &str) -> bool {
    if name == ".csync_journal.db" || name == ".owncloudsync.log" {
        return true;
    }
    name.strip_prefix(".sync_")
        .or_else(|| name.strip_prefix("._sync_"))
        .and_then(|rest| rest.strip_suffix(".db"))
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The tool that syncs `dir` by where it is on macOS, which leaves no marker.
fn place_of(dir: &Path) -> Option<SyncTool> {
    let name = dir.file_name()?.to_str()?;
    let holder = dir.parent()?;
    let library = holder.parent()?.file_name()?;
    if !library.eq_ignore_ascii_case("Library") {
        return None;
    }
    let holder = holder.file_name()?;
    // iCloud Drive syncs `~/Library/Mobile Documents`: `com~apple~CloudDocs`
    // is what Finder shows, and each app has a folder beside it.
    if holder.eq_ignore_ascii_case("Mobile Documents") {
        return Some(SyncTool::ICloudDrive);
    }
    // macOS gives each File Provider sync root a folder in
    // `~/Library/CloudStorage`, named for the provider and the account.
    if !holder.eq_ignore_ascii_case("CloudStorage") {
        return None;
    }
    let begins = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if begins("OneDrive-") {
        Some(SyncTool::OneDrive)
    } else if begins("GoogleDrive-") {
        Some(SyncTool::GoogleDrive)
    } else if begins("Dropbox") {
        Some(SyncTool::Dropbox)
    } else {
        None
    }
}

/// The sync roots the environment names, canonical so that they compare with
/// the walk's folders. One that does not exist holds no database, and a
/// relative one would depend on the current folder: both are left out.
fn known_roots(env: &dyn Fn(&str) -> Option<OsString>) -> Vec<(SyncTool, PathBuf)> {
    let var = |name: &str| {
        env(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    // The Windows OneDrive client sets these to its personal and work roots.
    let mut roots: Vec<(SyncTool, PathBuf)> =
        ["OneDrive", "OneDriveConsumer", "OneDriveCommercial"]
            .into_iter()
            .filter_map(|name| Some((SyncTool::OneDrive, var(name)?)))
            .collect();
    // iCloud for Windows syncs `%USERPROFILE%\iCloudDrive`.
    if let Some(profile) = var("USERPROFILE") {
        roots.push((SyncTool::ICloudDrive, profile.join("iCloudDrive")));
    }
    if let Some(dir) = linux_onedrive_dir(&var) {
        roots.push((SyncTool::OneDrive, dir));
    }
    roots
        .into_iter()
        .filter(|(_, root)| root.is_absolute())
        .filter_map(|(tool, root)| Some((tool, fs::canonicalize(root).ok()?)))
        .collect()
}

/// The Linux `onedrive` client's sync folder: `sync_dir` in its config file,
/// else `~/OneDrive`. Only when the client's config folder exists, so that a
/// folder merely named OneDrive is not taken for one.
fn linux_onedrive_dir(var: &dyn Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    let home = var("HOME");
    let config_dir = var("XDG_CONFIG_HOME")
        .or_else(|| home.as_ref().map(|home| home.join(".config")))?
        .join("onedrive");
    if !config_dir.is_dir() {
        return None;
    }
    let dir = fs::read_to_string(config_dir.join("config"))
        .ok()
        .and_then(|config| sync_dir_setting(&config))
        .unwrap_or_else(|| "~/OneDrive".to_owned());
    // The client expands a leading `~` to the home folder.
    match dir.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            Some(home?.join(rest.trim_start_matches('/')))
        }
        _ => Some(PathBuf::from(dir)),
    }
}

/// The value of the last `sync_dir = "…"` line, unless empty; `# sync_dir`
/// lines, the shipped defaults, are comments.
fn sync_dir_setting(config: &str) -> Option<String> {
    config
        .lines()
        .rev()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "sync_dir").then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tempfile::TempDir;

    /// A temp folder and its canonical path (macOS's `/var` is a symlink).
    fn scratch() -> (TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        (tmp, root)
    }

    /// `dir/a/b/tierdeck.db`, made with its folders.
    fn db_below(dir: &Path) -> PathBuf {
        let folder = dir.join("a").join("b");
        fs::create_dir_all(&folder).unwrap();
        let db = folder.join("tierdeck.db");
        fs::write(&db, b"").unwrap();
        db
    }

    fn found(db: &Path) -> Option<(SyncTool, PathBuf)> {
        found_with(db, &[])
    }

    fn found_with(db: &Path, vars: &[(&str, &Path)]) -> Option<(SyncTool, PathBuf)> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_os_str().to_owned()))
            .collect();
        sync_folder_in(db, &|name| vars.get(name).cloned()).map(|f| (f.tool, f.root))
    }

    fn mkdir(path: &Path) {
        fs::create_dir_all(path).unwrap();
    }

    fn touch(path: &Path) {
        fs::write(path, b"").unwrap();
    }

    #[test]
    fn names_are_the_products_own_spelling() {
        let names: Vec<_> = [
            SyncTool::Syncthing,
            SyncTool::Dropbox,
            SyncTool::OneDrive,
            SyncTool::Nextcloud,
            SyncTool::GoogleDrive,
            SyncTool::ICloudDrive,
            SyncTool::Seafile,
            SyncTool::Resilio,
        ]
        .into_iter()
        .map(SyncTool::name)
        .collect();
        assert_eq!(
            names,
            [
                "Syncthing",
                "Dropbox",
                "OneDrive",
                "Nextcloud",
                "Google Drive",
                "iCloud Drive",
                "Seafile",
                "Resilio Sync"
            ]
        );
    }

    #[test]
    fn syncthing_marker_folder_and_old_marker_file() {
        let (_tmp, root) = scratch();
        let folder = root.join("Sync");
        mkdir(&folder.join(".stfolder"));
        assert_eq!(
            found(&db_below(&folder)),
            Some((SyncTool::Syncthing, folder))
        );

        let old = root.join("Old");
        mkdir(&old);
        touch(&old.join(".stfolder"));
        assert_eq!(found(&db_below(&old)), Some((SyncTool::Syncthing, old)));
    }

    #[test]
    fn dropbox_marker_file_and_cache_folder() {
        let (_tmp, root) = scratch();
        let folder = root.join("Dropbox");
        mkdir(&folder);
        touch(&folder.join(".dropbox"));
        assert_eq!(found(&db_below(&folder)), Some((SyncTool::Dropbox, folder)));

        let cached = root.join("Dropbox (Team)");
        mkdir(&cached.join(".dropbox.cache"));
        assert_eq!(found(&db_below(&cached)), Some((SyncTool::Dropbox, cached)));
    }

    #[test]
    fn dropbox_settings_folder_in_home_is_not_a_marker() {
        let (_tmp, home) = scratch();
        mkdir(&home.join(".dropbox"));
        assert_eq!(found(&db_below(&home)), None);
    }

    #[test]
    fn nextcloud_and_owncloud_journals_and_old_log() {
        let (_tmp, root) = scratch();
        for (case, marker) in [
            ".sync_0a1b2c3d4e5f.db",
            "._sync_0A1B2C3D4E5F.db",
            ".csync_journal.db",
            ".owncloudsync.log",
        ]
        .into_iter()
        .enumerate()
        {
            let folder = root.join(format!("case{case}"));
            mkdir(&folder);
            touch(&folder.join(marker));
            let db = db_below(&folder);
            assert_eq!(found(&db), Some((SyncTool::Nextcloud, folder)), "{marker}");
        }
    }

    #[test]
    fn journal_names_need_hex_between_prefix_and_extension() {
        for name in [
            ".sync_.db",
            ".sync_xyz.db",
            ".sync_ab.db-wal",
            ".sync_ab.txt",
            "sync_ab.db",
        ] {
            assert!(!is_journal_name(name), "{name}");
        }
        assert!(is_journal_name(".sync_ab12.db"));
    }

    #[test]
    fn seafile_data_folder_with_its_daemon_database() {
        let (_tmp, root) = scratch();
        for (case, data) in [".seafile-data", "seafile-data"].into_iter().enumerate() {
            let folder = root.join(format!("case{case}")).join("Seafile");
            mkdir(&folder.join(data));
            touch(&folder.join(data).join("config.db"));
            let db = db_below(&folder.join("My Library"));
            assert_eq!(found(&db), Some((SyncTool::Seafile, folder)), "{data}");
        }
    }

    #[test]
    fn resilio_sync_folder_with_id_or_ignore_list_and_old_sync_id() {
        let (_tmp, root) = scratch();
        let markers = [&[".sync", "ID"][..], &[".sync", "IgnoreList"], &[".SyncID"]];
        for (case, marker) in markers.into_iter().enumerate() {
            let folder = root.join(format!("case{case}"));
            let file = marker.iter().fold(folder.clone(), |p, n| p.join(n));
            mkdir(file.parent().unwrap());
            touch(&file);
            let db = db_below(&folder);
            assert_eq!(found(&db), Some((SyncTool::Resilio, folder)), "{marker:?}");
        }
    }

    #[test]
    fn google_drive_staging_folders() {
        let (_tmp, root) = scratch();
        for (case, staging) in [".tmp.drivedownload", ".tmp.driveupload"]
            .into_iter()
            .enumerate()
        {
            let folder = root.join(format!("case{case}")).join("My Drive");
            mkdir(&folder.join(staging));
            let db = db_below(&folder);
            assert_eq!(
                found(&db),
                Some((SyncTool::GoogleDrive, folder)),
                "{staging}"
            );
        }
    }

    #[test]
    fn macos_cloud_storage_folders_by_provider() {
        let (_tmp, home) = scratch();
        let storage = home.join("Library").join("CloudStorage");
        for (name, tool) in [
            ("OneDrive-Personal", SyncTool::OneDrive),
            ("GoogleDrive-ann@example.com", SyncTool::GoogleDrive),
            ("Dropbox", SyncTool::Dropbox),
        ] {
            let folder = storage.join(name);
            assert_eq!(found(&db_below(&folder)), Some((tool, folder)), "{name}");
        }
        assert_eq!(found(&db_below(&storage.join("Box-Box"))), None);
        // The same names elsewhere are just folders.
        assert_eq!(
            found(&db_below(&home.join("CloudStorage").join("Dropbox"))),
            None
        );
    }

    #[test]
    fn icloud_mobile_documents_containers() {
        let (_tmp, home) = scratch();
        let mobile = home.join("Library").join("Mobile Documents");
        for name in ["com~apple~CloudDocs", "iCloud~md~obsidian"] {
            let folder = mobile.join(name);
            let db = db_below(&folder);
            assert_eq!(found(&db), Some((SyncTool::ICloudDrive, folder)), "{name}");
        }
    }

    #[test]
    fn icloud_for_windows_folder_in_the_user_profile() {
        let (_tmp, profile) = scratch();
        let folder = profile.join("iCloudDrive");
        let db = db_below(&folder);
        assert_eq!(
            found_with(&db, &[("USERPROFILE", &profile)]),
            Some((SyncTool::ICloudDrive, folder))
        );
        assert_eq!(found(&db), None);
    }

    #[test]
    fn onedrive_folders_named_by_the_windows_client() {
        let (_tmp, root) = scratch();
        for var in ["OneDrive", "OneDriveConsumer", "OneDriveCommercial"] {
            let folder = root.join(var);
            let db = db_below(&folder);
            assert_eq!(
                found_with(&db, &[(var, &folder)]),
                Some((SyncTool::OneDrive, folder.clone())),
                "{var}"
            );
            // A variable naming some other folder says nothing of this one.
            assert_eq!(found_with(&db, &[(var, &root.join("a"))]), None, "{var}");
        }
        // A relative variable would mean a different folder from each place.
        let relative = |name: &str| (name == "OneDrive").then(|| OsString::from("a"));
        assert_eq!(known_roots(&relative), []);
    }

    #[test]
    fn linux_onedrive_default_folder_needs_the_client_config_folder() {
        let (_tmp, home) = scratch();
        let folder = home.join("OneDrive");
        let db = db_below(&folder);
        assert_eq!(found_with(&db, &[("HOME", &home)]), None);

        mkdir(&home.join(".config").join("onedrive"));
        assert_eq!(
            found_with(&db, &[("HOME", &home)]),
            Some((SyncTool::OneDrive, folder))
        );
    }

    #[test]
    fn linux_onedrive_sync_dir_from_its_config_under_xdg_config_home() {
        let (_tmp, home) = scratch();
        let config = home.join("xdg").join("onedrive");
        mkdir(&config);
        fs::write(
            config.join("config"),
            "# sync_dir = \"~/OneDrive\"\nsync_dir = \"~/Cloud/Work\"\nskip_file = \"~*\"\n",
        )
        .unwrap();
        let folder = home.join("Cloud").join("Work");
        let db = db_below(&folder);
        let xdg = home.join("xdg");
        let env = [("HOME", home.as_path()), ("XDG_CONFIG_HOME", xdg.as_path())];
        assert_eq!(found_with(&db, &env), Some((SyncTool::OneDrive, folder)));
        // ~/.config is not where this client's config is.
        assert_eq!(found_with(&db_below(&home.join("OneDrive")), &env), None);
    }

    #[test]
    fn onedrive_config_setting_is_the_last_uncommented_sync_dir() {
        let config = "# sync_dir = \"~/OneDrive\"\nsync_dir = \"/a\"\n  sync_dir=\"/b\"  \n";
        assert_eq!(sync_dir_setting(config).as_deref(), Some("/b"));
        assert_eq!(
            sync_dir_setting("# sync_dir = \"/a\"\nsync_dir = \"\"\n"),
            None
        );
    }

    #[test]
    fn look_alikes_are_not_markers() {
        let (_tmp, root) = scratch();
        touch(&root.join(".stfolder-like"));
        mkdir(&root.join(".sync"));
        touch(&root.join(".sync").join("Archive"));
        touch(&root.join(".sync_x.txt"));
        touch(&root.join(".dropbox-like"));
        touch(&root.join("seafile-ignore.txt"));
        mkdir(&root.join(".seafile-data"));
        mkdir(&root.join(".sync_0a1b2c.db"));
        mkdir(&root.join("Library").join("Caches"));
        assert_eq!(found(&db_below(&root)), None);
        assert_eq!(found(&db_below(&root.join("Library").join("Caches"))), None);
    }

    #[test]
    fn folders_not_made_yet_resolve_through_existing_ancestors() {
        let (_tmp, root) = scratch();
        let folder = root.join("Sync");
        mkdir(&folder.join(".stfolder"));
        let db = folder.join("new").join("newer").join("tierdeck.db");
        assert_eq!(found(&db), Some((SyncTool::Syncthing, folder.clone())));
        let climbing = folder.join("new").join("..").join("tierdeck.db");
        assert_eq!(found(&climbing), Some((SyncTool::Syncthing, folder)));
    }

    #[test]
    fn relative_path_starts_from_the_current_folder() {
        let here = fs::canonicalize(".").unwrap();
        let db = Path::new("not-made-yet").join("tierdeck.db");
        assert_eq!(existing_folder(&db), Some(here.clone()));
        assert_eq!(
            existing_folder(Path::new("tierdeck-not-made.db")),
            Some(here)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_to_the_database_or_its_folder_are_followed() {
        use std::os::unix::fs::symlink;
        let (_tmp, root) = scratch();
        let folder = root.join("Dropbox");
        mkdir(&folder);
        touch(&folder.join(".dropbox"));
        let db = db_below(&folder);
        let elsewhere = root.join("elsewhere");
        mkdir(&elsewhere);

        let link = elsewhere.join("tierdeck.db");
        symlink(&db, &link).unwrap();
        assert_eq!(found(&link), Some((SyncTool::Dropbox, folder.clone())));

        let linked_folder = elsewhere.join("work");
        symlink(db.parent().unwrap(), &linked_folder).unwrap();
        let new_db = linked_folder.join("other.db");
        assert_eq!(found(&new_db), Some((SyncTool::Dropbox, folder)));
        assert_eq!(found(&elsewhere.join("tierdeck-2.db")), None);
    }

    #[test]
    fn nearest_sync_folder_wins() {
        let (_tmp, root) = scratch();
        let outer = root.join("Dropbox");
        mkdir(&outer);
        touch(&outer.join(".dropbox"));
        let inner = outer.join("Shared");
        mkdir(&inner.join(".stfolder"));
        assert_eq!(found(&db_below(&inner)), Some((SyncTool::Syncthing, inner)));
        assert_eq!(
            found(&outer.join("tierdeck.db")),
            Some((SyncTool::Dropbox, outer))
        );
    }

    #[test]
    fn plain_temp_folder_is_not_a_sync_folder() {
        let (_tmp, root) = scratch();
        assert_eq!(found(&db_below(&root)), None);
        assert_eq!(found(&root.join("tierdeck.db")), None);
    }

    #[test]
    fn public_entry_point_finds_a_marker() {
        let (_tmp, root) = scratch();
        let folder = root.join("Sync");
        mkdir(&folder.join(".stfolder"));
        let db = db_below(&folder);
        assert_eq!(
            sync_folder_of(&db),
            Some(SyncFolder {
                tool: SyncTool::Syncthing,
                root: folder
            })
        );
    }

    #[test]
    fn empty_and_root_paths_do_not_panic() {
        assert_eq!(found(Path::new("")), None);
        let _ = found(Path::new("/"));
        let _ = found(Path::new("/no/such/folder/tierdeck.db"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn names_that_are_not_utf8_are_skipped() {
        use std::os::unix::ffi::OsStrExt;
        let (_tmp, root) = scratch();
        let odd = root.join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        mkdir(&odd);
        touch(&odd.join(std::ffi::OsStr::from_bytes(b".sync_\xff.db")));
        let db = db_below(&odd);
        assert_eq!(found(&db), None);

        touch(&odd.join(".sync_abcdef.db"));
        assert_eq!(found(&db), Some((SyncTool::Nextcloud, odd)));
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_folders_are_passed_over() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, root) = scratch();
        mkdir(&root.join(".stfolder"));
        let locked = root.join("locked");
        let db = db_below(&locked);
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let result = found(&db);
        // Restored first, so the temp folder can be removed even if this fails.
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(result, Some((SyncTool::Syncthing, root)));
    }
}

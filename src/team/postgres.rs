//! A team server: the same exchange as a team folder, through a PostgreSQL
//! database the company runs (SPEC §5.3).
//!
//! ```text
//! tierdeck.meta       schema_version, team, created_at, created_by
//! tierdeck.members    one row per replica: who announced it (login) and its member bytes
//! tierdeck.changes    (replica, number) → the change file's bytes, append only
//! tierdeck.snapshots  (replica, number) → manifest and database bytes, one row each
//! ```
//!
//! PostgreSQL's roles and row-level security decide who may write what
//! (see [`setup_sql`]); a row is inserted once and never updated, so the
//! same file format and checks as a folder apply unchanged.

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use ::postgres::config::{Host, SslMode};
use ::postgres::error::SqlState;
use ::postgres::{Client, Config};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{Created, TeamFile, Transport, TransportError};

/// The server schema this build writes and reads. A server set up by a
/// newer tierdeck is refused rather than half understood.
pub const SCHEMA_VERSION: i64 = 1;
/// What every inserted change file is announced on, for `LISTEN`.
const CHANNEL: &str = "tierdeck_changes";
/// A server that does not answer in this time is taken as down: every
/// command syncs before its work, and must not hang on a dead network.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long asking for news may wait: the UI asks on every tick.
const NEWS_WAIT: Duration = Duration::from_millis(5);

/// Whether a team's place is a server address rather than a folder: any
/// `scheme://` is, so that a typo in the scheme is refused, not made a
/// folder.
pub fn is_server_url(place: &str) -> bool {
    place.contains("://")
}

/// `url` without its password, for showing and storing.
pub fn without_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{user}@{host}")
        }
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.to_ascii_lowercase().starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    if scheme.is_empty() {
        format!("{authority}{tail}")
    } else {
        format!("{scheme}://{authority}{tail}")
    }
}

/// Whether `url` carries a password, in the user part or as a parameter.
fn has_password(url: &str) -> bool {
    without_password(url) != url
}

/// A line of a `~/.pgpass` file matches when each of its first four fields
/// is `*` or equal, `\:` and `\\` standing for themselves.
fn pgpass_lookup(text: &str, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    let wanted = [
        host.to_string(),
        port.to_string(),
        db.to_string(),
        user.to_string(),
    ];
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                _ => field.push(ch),
            }
        }
        fields.push(field);
        if fields.len() == 5
            && fields[..4]
                .iter()
                .zip(&wanted)
                .all(|(have, want)| have == "*" || have == want)
        {
            return fields.pop();
        }
    }
    None
}

/// The password from `PGPASSWORD`, else from the config file's
/// `team_server` address when it names this server, else from `PGPASSFILE`
/// or `~/.pgpass` as libpq finds it: never from the command line.
fn password_for(config: &Config) -> Option<String> {
    if let Ok(password) = std::env::var("PGPASSWORD")
        && !password.is_empty()
    {
        return Some(password);
    }
    if let Some(password) = configured_password(config) {
        return Some(password);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    pgpass_lookup(&text, &host, port, db, user)
}

fn configured_password(config: &Config) -> Option<String> {
    let dirs = crate::config::Dirs::locate().ok()?;
    let url = crate::config::Config::load(&dirs.config_file())
        .ok()?
        .team_server?;
    let theirs: Config = take_root_cert(&url).0.parse().ok()?;
    let port = |c: &Config| c.get_ports().first().copied().unwrap_or(5432);
    let same = theirs.get_hosts() == config.get_hosts()
        && port(&theirs) == port(config)
        && theirs.get_user() == config.get_user()
        && theirs.get_dbname().or(theirs.get_user()) == config.get_dbname().or(config.get_user());
    let password = theirs.get_password().filter(|_| same)?;
    String::from_utf8(password.to_vec()).ok()
}

/// `sslrootcert=PATH` taken out of an address: the client does not know
/// it, and tierdeck adds that CA to the system's roots itself.
fn take_root_cert(url: &str) -> (String, Option<std::path::PathBuf>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut root = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| match p.strip_prefix("sslrootcert=") {
            Some(path) => {
                root = Some(std::path::PathBuf::from(path));
                false
            }
            None => true,
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, root)
}

/// TLS with the system's root certificates, and the CA of `sslrootcert`
/// when the address names one. The certificate and the host name are
/// always checked: `sslmode=require` means what libpq's `verify-full` does.
fn tls(root: Option<&Path>, shown: &str) -> Result<MakeRustlsConnect, TransportError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    // A root the system offers that does not parse is passed over, as
    // libpq and browsers do; the rest still check the server.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = root {
        let unreadable = || TransportError::RootCertUnreadable {
            server: shown.to_string(),
            path: path.display().to_string(),
        };
        let certs = CertificateDer::pem_file_iter(path).map_err(|_| unreadable())?;
        for cert in certs {
            roots
                .add(cert.map_err(|_| unreadable())?)
                .map_err(|_| unreadable())?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| TransportError::TlsUntrusted(shown.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// A team server, connected on first use and again after a drop.
pub struct Server {
    config: Config,
    tls: MakeRustlsConnect,
    /// The address without its password: all that is ever shown or stored.
    shown: String,
    user: String,
    client: RefCell<Option<Client>>,
}

impl Server {
    /// Reads a server address. The password is looked up now, from the
    /// environment or `~/.pgpass`, and kept only in memory.
    pub fn parse(url: &str) -> Result<Server, TransportError> {
        let shown = without_password(url);
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("postgres://") || lower.starts_with("postgresql://")) {
            return Err(TransportError::BadUrl(shown));
        }
        // The client knows disable, prefer and require; require checks the
        // certificate here, so libpq's checking modes are the same to it.
        let url = url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let (url, root) = take_root_cert(&url);
        let mut config: Config = url
            .parse()
            .map_err(|_| TransportError::BadUrl(shown.clone()))?;
        if config.get_hosts().is_empty() {
            return Err(TransportError::BadUrl(shown));
        }
        if config.get_user().is_none() {
            // As libpq does: the login name, unless PGUSER says otherwise.
            let user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .unwrap_or_else(|_| "postgres".into());
            config.user(&user);
        }
        let tls = tls(root.as_deref(), &shown)?;
        if config.get_password().is_none()
            && let Some(password) = password_for(&config)
        {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let user = config.get_user().unwrap_or_default().to_string();
        Ok(Server {
            config,
            tls,
            shown,
            user,
            client: RefCell::new(None),
        })
    }

    /// A server address typed by a person: refused when it carries a
    /// password, which belongs in `PGPASSWORD` or `~/.pgpass`, not in a
    /// shell's history or this replica's settings.
    pub fn from_command_line(url: &str) -> Result<Server, TransportError> {
        if has_password(url) {
            return Err(TransportError::PasswordInUrl(without_password(url)));
        }
        Server::parse(url)
    }

    fn server(&self) -> String {
        self.shown.clone()
    }

    /// One sentence for an error from the server or the way to it;
    /// `connecting` tells a server that is down from a connection lost.
    fn explain(&self, e: &::postgres::Error, connecting: bool) -> TransportError {
        let server = self.server();
        let user = self.user.clone();
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            return if *code == SqlState::INVALID_PASSWORD {
                TransportError::WrongPassword { server, user }
            } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
                TransportError::NoLogin { server, user }
            } else if *code == SqlState::INVALID_CATALOG_NAME
                || *code == SqlState::INVALID_SCHEMA_NAME
                || *code == SqlState::UNDEFINED_TABLE
            {
                TransportError::NotSetUp(server)
            } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                TransportError::Refused { server, user }
            } else if *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
            {
                if connecting {
                    TransportError::ServerDown(server)
                } else {
                    TransportError::Dropped(server)
                }
            } else {
                TransportError::Server {
                    server,
                    reason: db.message().to_string(),
                }
            };
        }
        if connecting && handshake_failed(e) {
            return TransportError::TlsUntrusted(server);
        }
        // The client's own refusal when the address requires TLS and the
        // server offers none.
        if connecting
            && self.config.get_ssl_mode() == SslMode::Require
            && e.to_string().contains("TLS")
        {
            return TransportError::ServerWithoutTls(server);
        }
        // The client's own words when it had no password to give.
        if connecting && self.config.get_password().is_none() && e.to_string().contains("password")
        {
            return TransportError::NoPassword { server, user };
        }
        if connecting {
            TransportError::ServerDown(server)
        } else {
            TransportError::Dropped(server)
        }
    }

    /// Connects, checks the schema version and listens for new changes.
    fn connect(&self) -> Result<Client, TransportError> {
        let mut client = self
            .config
            .connect(self.tls.clone())
            .map_err(|e| self.explain(&e, true))?;
        let version = client
            .query_opt(
                "SELECT value FROM tierdeck.meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(|e| self.explain(&e, true))?
            .and_then(|row| row.get::<_, String>(0).parse::<i64>().ok())
            .ok_or_else(|| TransportError::NotSetUp(self.server()))?;
        if version > SCHEMA_VERSION {
            return Err(TransportError::NewerSchema {
                server: self.server(),
                version,
            });
        }
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| self.explain(&e, true))?;
        Ok(client)
    }

    /// Runs `work` on the connection, connecting first if there is none.
    /// A connection that failed is dropped, so the next call starts anew.
    fn with<T>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<T, ::postgres::Error>,
    ) -> Result<T, TransportError> {
        let mut slot = self.client.borrow_mut();
        if slot.is_none() {
            *slot = Some(self.connect()?);
        }
        let Some(client) = slot.as_mut() else {
            return Err(TransportError::ServerDown(self.server()));
        };
        match work(client) {
            Ok(value) => Ok(value),
            Err(e) => {
                let said = self.explain(&e, false);
                // A refusal leaves a good connection; anything else may not.
                if !matches!(said, TransportError::Refused { .. }) || client.is_closed() {
                    *slot = None;
                }
                Err(said)
            }
        }
    }

    /// What the server says about its team, set by `team server-setup`.
    pub fn team(&self) -> Result<TeamFile, TransportError> {
        let rows = self.with(|c| c.query("SELECT key, value FROM tierdeck.meta", &[]))?;
        let get = |key: &str| {
            rows.iter()
                .find(|r| r.get::<_, String>(0) == key)
                .map(|r| r.get::<_, String>(1))
        };
        let team = get("team").ok_or_else(|| TransportError::NotSetUp(self.server()))?;
        Ok(TeamFile {
            format: super::file::FORMAT,
            team,
            created_at: get("created_at")
                .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
                .map_or_else(chrono::Utc::now, |at| at.with_timezone(&chrono::Utc)),
            created_by: get("created_by").unwrap_or_default(),
        })
    }

    /// Runs the setup SQL as the administrator this address logs in as,
    /// refusing a server whose schema is newer than this build's.
    pub fn apply_setup(&self, sql: &str) -> Result<(), TransportError> {
        let mut client = self
            .config
            .connect(self.tls.clone())
            .map_err(|e| self.explain(&e, true))?;
        let found = client
            .query_opt(
                "SELECT value FROM tierdeck.meta WHERE key = 'schema_version' \
                 AND to_regclass('tierdeck.meta') IS NOT NULL",
                &[],
            )
            .ok()
            .flatten()
            .and_then(|row| row.get::<_, String>(0).parse::<i64>().ok());
        if let Some(version) = found.filter(|v| *v > SCHEMA_VERSION) {
            return Err(TransportError::NewerSchema {
                server: self.server(),
                version,
            });
        }
        // What the server says of a statement it refused is the reason.
        client
            .batch_execute(sql)
            .map_err(|e| match e.as_db_error() {
                Some(db) => TransportError::Server {
                    server: self.server(),
                    reason: db.message().to_string(),
                },
                None => self.explain(&e, false),
            })
    }

    /// The database the address names, for the setup's grants.
    pub fn database(&self) -> String {
        self.config.get_dbname().unwrap_or(&self.user).to_string()
    }
}

/// Whether a rustls error lies under `e`: the handshake failed, most often
/// on the certificate. I/O errors hide what they wrap from `source()`, so
/// they are looked into.
fn handshake_failed(e: &::postgres::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(inner) = next {
        let wrapped = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|w| w.is::<rustls::Error>());
        if inner.is::<rustls::Error>() || wrapped {
            return true;
        }
        next = inner.source();
    }
    false
}

/// A role name for the setup SQL: plain letters, digits and `_ . @ -`, so
/// that it can be quoted without escaping anything.
pub fn valid_role(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_.@-".contains(ch))
}

/// The SQL that makes a database a team server: the schema, a group role
/// for members and one for readers, a login role per member and reader
/// named, and the row-level security that lets a member append only its
/// own replicas' rows and read the team's. Safe to run again; a newer
/// schema stops it before it changes anything.
pub fn setup_sql(database: &str, members: &[String], readers: &[String]) -> String {
    let mut sql = format!(
        "-- tierdeck team server, schema version {SCHEMA_VERSION}. Run as an administrator; safe to run again.\n\
BEGIN;\n\
DO $$ BEGIN\n\
  -- Nested: PL/pgSQL plans a statement only when it runs, and the table may not be there.\n\
  IF to_regclass('tierdeck.meta') IS NOT NULL THEN\n\
    IF (SELECT value::bigint FROM tierdeck.meta WHERE key = 'schema_version') > {SCHEMA_VERSION} THEN\n\
      RAISE EXCEPTION 'this tierdeck schema is newer than version {SCHEMA_VERSION}; use a newer tierdeck';\n\
    END IF;\n\
  END IF;\n\
  -- Group roles: the owner prunes, members append and read, readers read.\n\
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tierdeck_owner') THEN CREATE ROLE tierdeck_owner NOLOGIN; END IF;\n\
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tierdeck_member') THEN CREATE ROLE tierdeck_member NOLOGIN; END IF;\n\
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tierdeck_reader') THEN CREATE ROLE tierdeck_reader NOLOGIN; END IF;\n\
END $$;\n\
CREATE SCHEMA IF NOT EXISTS tierdeck AUTHORIZATION tierdeck_owner;\n\
CREATE TABLE IF NOT EXISTS tierdeck.meta (key text PRIMARY KEY, value text NOT NULL);\n\
CREATE TABLE IF NOT EXISTS tierdeck.members (\n\
  replica text PRIMARY KEY,\n\
  login name NOT NULL DEFAULT current_user,\n\
  bytes bytea NOT NULL,\n\
  joined timestamptz NOT NULL DEFAULT now());\n\
CREATE TABLE IF NOT EXISTS tierdeck.changes (\n\
  replica text NOT NULL REFERENCES tierdeck.members,\n\
  number bigint NOT NULL CHECK (number > 0),\n\
  bytes bytea NOT NULL,\n\
  login name NOT NULL DEFAULT current_user,\n\
  at timestamptz NOT NULL DEFAULT now(),\n\
  PRIMARY KEY (replica, number));\n\
CREATE TABLE IF NOT EXISTS tierdeck.snapshots (\n\
  replica text NOT NULL REFERENCES tierdeck.members,\n\
  number bigint NOT NULL,\n\
  manifest bytea NOT NULL,\n\
  db bytea NOT NULL,\n\
  login name NOT NULL DEFAULT current_user,\n\
  at timestamptz NOT NULL DEFAULT now(),\n\
  PRIMARY KEY (replica, number));\n\
ALTER TABLE tierdeck.meta OWNER TO tierdeck_owner;\n\
ALTER TABLE tierdeck.members OWNER TO tierdeck_owner;\n\
ALTER TABLE tierdeck.changes OWNER TO tierdeck_owner;\n\
ALTER TABLE tierdeck.snapshots OWNER TO tierdeck_owner;\n\
INSERT INTO tierdeck.meta VALUES ('schema_version', '{SCHEMA_VERSION}')\n\
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;\n\
INSERT INTO tierdeck.meta VALUES ('team', gen_random_uuid()::text) ON CONFLICT (key) DO NOTHING;\n\
INSERT INTO tierdeck.meta VALUES ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))\n\
  ON CONFLICT (key) DO NOTHING;\n\
INSERT INTO tierdeck.meta VALUES ('created_by', current_user) ON CONFLICT (key) DO NOTHING;\n\
-- Nobody, the owner included, changes what was written: a change, a member or a snapshot is a fact.\n\
CREATE OR REPLACE FUNCTION tierdeck.never_updated() RETURNS trigger LANGUAGE plpgsql AS $$\n\
BEGIN RAISE EXCEPTION 'tierdeck rows are never updated' USING ERRCODE = 'insufficient_privilege'; END $$;\n\
ALTER FUNCTION tierdeck.never_updated() OWNER TO tierdeck_owner;\n\
-- Replicas listening hear of a new change file at once.\n\
CREATE OR REPLACE FUNCTION tierdeck.tell() RETURNS trigger LANGUAGE plpgsql AS $$\n\
BEGIN PERFORM pg_notify('{CHANNEL}', NEW.replica); RETURN NULL; END $$;\n\
ALTER FUNCTION tierdeck.tell() OWNER TO tierdeck_owner;\n"
    );
    for table in ["members", "changes", "snapshots"] {
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS never_updated ON tierdeck.{table};\n\
CREATE TRIGGER never_updated BEFORE UPDATE ON tierdeck.{table} FOR EACH ROW EXECUTE FUNCTION tierdeck.never_updated();\n\
ALTER TABLE tierdeck.{table} ENABLE ROW LEVEL SECURITY;\n\
DROP POLICY IF EXISTS read_team ON tierdeck.{table};\n\
CREATE POLICY read_team ON tierdeck.{table} FOR SELECT USING (true);\n"
        ));
    }
    sql.push_str(&format!(
        "DROP TRIGGER IF EXISTS told ON tierdeck.changes;\n\
CREATE TRIGGER told AFTER INSERT ON tierdeck.changes FOR EACH ROW EXECUTE FUNCTION tierdeck.tell();\n\
-- A member claims a replica as itself, and appends only to replicas it claimed.\n\
DROP POLICY IF EXISTS claim_own ON tierdeck.members;\n\
CREATE POLICY claim_own ON tierdeck.members FOR INSERT TO tierdeck_member WITH CHECK (login = current_user);\n\
DROP POLICY IF EXISTS append_own ON tierdeck.changes;\n\
CREATE POLICY append_own ON tierdeck.changes FOR INSERT TO tierdeck_member WITH CHECK (\n\
  login = current_user AND EXISTS (SELECT 1 FROM tierdeck.members m WHERE m.replica = changes.replica AND m.login = current_user));\n\
DROP POLICY IF EXISTS append_own ON tierdeck.snapshots;\n\
CREATE POLICY append_own ON tierdeck.snapshots FOR INSERT TO tierdeck_member WITH CHECK (\n\
  login = current_user AND EXISTS (SELECT 1 FROM tierdeck.members m WHERE m.replica = snapshots.replica AND m.login = current_user));\n\
-- Members and readers read everything; only members insert; nobody but the owner deletes.\n\
REVOKE ALL ON SCHEMA tierdeck FROM PUBLIC;\n\
REVOKE ALL ON ALL TABLES IN SCHEMA tierdeck FROM PUBLIC, tierdeck_member, tierdeck_reader;\n\
GRANT USAGE ON SCHEMA tierdeck TO tierdeck_member, tierdeck_reader;\n\
GRANT SELECT ON ALL TABLES IN SCHEMA tierdeck TO tierdeck_member, tierdeck_reader;\n\
GRANT INSERT ON tierdeck.members, tierdeck.changes, tierdeck.snapshots TO tierdeck_member;\n\
GRANT CONNECT ON DATABASE \"{database}\" TO tierdeck_member, tierdeck_reader;\n",
        database = database.replace('"', "\"\"")
    ));
    let roles = members
        .iter()
        .map(|m| (m, "tierdeck_member"))
        .chain(readers.iter().map(|r| (r, "tierdeck_reader")));
    for (name, group) in roles {
        // Names are checked by `valid_role`: nothing in them needs escaping.
        sql.push_str(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE \"{name}\" LOGIN; END IF; END $$;\n\
GRANT {group} TO \"{name}\";\n"
        ));
    }
    sql.push_str(
        "COMMIT;\n-- Give each login a password with: ALTER ROLE \"name\" PASSWORD '…'; (or \\password name in psql)\n",
    );
    sql
}

impl Transport for Server {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn replicas(&self) -> Result<Vec<String>, TransportError> {
        let rows =
            self.with(|c| c.query("SELECT replica FROM tierdeck.members ORDER BY replica", &[]))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn read(&self, replica: &str, number: i64) -> Result<Option<Vec<u8>>, TransportError> {
        let row = self.with(|c| {
            c.query_opt(
                "SELECT bytes FROM tierdeck.changes WHERE replica = $1 AND number = $2",
                &[&replica, &number],
            )
        })?;
        Ok(row.map(|r| r.get(0)))
    }

    fn unread(&self, after: &[(String, i64)]) -> Result<Option<Vec<String>>, TransportError> {
        let replicas: Vec<&str> = after.iter().map(|(r, _)| r.as_str()).collect();
        let next: Vec<i64> = after.iter().map(|(_, read)| read + 1).collect();
        let rows = self.with(|c| {
            c.query(
                "SELECT r.replica FROM unnest($1::text[], $2::bigint[]) AS r(replica, next) \
                 WHERE EXISTS (SELECT FROM tierdeck.changes c \
                               WHERE c.replica = r.replica AND c.number = r.next)",
                &[&replicas, &next],
            )
        })?;
        Ok(Some(rows.iter().map(|r| r.get(0)).collect()))
    }

    fn create(&self, replica: &str, number: i64, bytes: &[u8]) -> Result<Created, TransportError> {
        // One statement, committed or not as a whole: a connection lost
        // before the answer leaves the file there or absent, and the next
        // sync finds out which (see `claim_own_files`).
        let inserted = self.with(|c| {
            c.execute(
                "INSERT INTO tierdeck.changes (replica, number, bytes) VALUES ($1, $2, $3) \
                 ON CONFLICT (replica, number) DO NOTHING",
                &[&replica, &number, &bytes],
            )
        })?;
        if inserted == 1 {
            return Ok(Created::New);
        }
        Ok(Created::Exists(
            self.read(replica, number)?.unwrap_or_default(),
        ))
    }

    fn member(&self, replica: &str) -> Result<Option<Vec<u8>>, TransportError> {
        let row = self.with(|c| {
            c.query_opt(
                "SELECT bytes FROM tierdeck.members WHERE replica = $1",
                &[&replica],
            )
        })?;
        Ok(row.map(|r| r.get(0)))
    }

    fn create_member(&self, replica: &str, bytes: &[u8]) -> Result<Created, TransportError> {
        let inserted = self.with(|c| {
            c.execute(
                "INSERT INTO tierdeck.members (replica, bytes) VALUES ($1, $2) \
                 ON CONFLICT (replica) DO NOTHING",
                &[&replica, &bytes],
            )
        })?;
        if inserted == 1 {
            return Ok(Created::New);
        }
        Ok(Created::Exists(self.member(replica)?.unwrap_or_default()))
    }

    fn snapshots(&self) -> Result<Vec<Vec<u8>>, TransportError> {
        let rows = self.with(|c| c.query("SELECT manifest FROM tierdeck.snapshots", &[]))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn create_snapshot(
        &self,
        replica: &str,
        number: i64,
        db: &Path,
        manifest: &[u8],
    ) -> Result<(), TransportError> {
        let bytes = std::fs::read(db).map_err(|e| TransportError::Server {
            server: self.server(),
            reason: format!("{}: {e}", db.display()),
        })?;
        // The manifest and the database in one row: one names the other whole.
        self.with(|c| {
            c.execute(
                "INSERT INTO tierdeck.snapshots (replica, number, manifest, db) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (replica, number) DO NOTHING",
                &[&replica, &number, &manifest, &bytes],
            )
        })
        .map(drop)
    }

    /// The server keeps every change, as an audit trail: members may not
    /// delete, and pruning is the owner role's, in SQL.
    fn remove(&self, _replica: &str, _number: i64) -> Result<(), TransportError> {
        Ok(())
    }

    /// As [`Server::remove`]: old snapshots are the owner's to prune.
    fn remove_snapshot(&self, _replica: &str, _number: i64) -> Result<(), TransportError> {
        Ok(())
    }

    fn fetch_snapshot(
        &self,
        replica: &str,
        number: i64,
        to: &Path,
    ) -> Result<bool, TransportError> {
        let row = self.with(|c| {
            c.query_opt(
                "SELECT db FROM tierdeck.snapshots WHERE replica = $1 AND number = $2",
                &[&replica, &number],
            )
        })?;
        let Some(row) = row else {
            return Ok(false);
        };
        let bytes: Vec<u8> = row.get(0);
        std::fs::write(to, bytes).map_err(|e| TransportError::Server {
            server: self.server(),
            reason: format!("{}: {e}", to.display()),
        })?;
        Ok(true)
    }

    fn news(&self) -> bool {
        let mut slot = self.client.borrow_mut();
        let Some(client) = slot.as_mut() else {
            return false;
        };
        // A moment's wait, not none: the client reads the socket only while
        // it waits, so a zero wait would never see what has arrived.
        let mut heard = false;
        let mut notifications = client.notifications();
        let mut pending = notifications.timeout_iter(NEWS_WAIT);
        while let Ok(Some(_)) = ::postgres::fallible_iterator::FallibleIterator::next(&mut pending)
        {
            heard = true;
        }
        heard
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            without_password("postgres://ann:s3cret@db.example.com:5432/sales"),
            "postgres://ann@db.example.com:5432/sales"
        );
        assert_eq!(
            without_password("postgresql://db/sales?sslmode=prefer&password=s3cret"),
            "postgresql://db/sales?sslmode=prefer"
        );
        assert_eq!(
            without_password("postgres://ann@db/sales"),
            "postgres://ann@db/sales"
        );
        assert!(has_password("postgres://ann:x@db/sales"));
        assert!(!has_password("postgres://ann@db/sales"));
    }

    #[test]
    fn a_password_on_the_command_line_is_refused_without_echoing_it() {
        let Err(e) = Server::from_command_line("postgres://ann:s3cret@db/sales") else {
            panic!("a password in the URL was taken");
        };
        assert!(matches!(e, TransportError::PasswordInUrl(_)));
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }

    #[test]
    fn a_typo_in_the_address_is_refused() {
        for url in ["postgress://db/sales", "postgres://db:54x2/sales"] {
            assert!(
                matches!(Server::parse(url), Err(TransportError::BadUrl(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn every_sslmode_libpq_knows_reads_and_a_root_certificate_is_kept_aside() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let url = format!("postgres://ann@db/sales?sslmode={mode}");
            assert!(Server::parse(&url).is_ok(), "{url}");
        }
        let (url, root) = take_root_cert("postgres://db/s?sslrootcert=/etc/ca.pem&sslmode=require");
        assert_eq!(url, "postgres://db/s?sslmode=require");
        assert_eq!(root.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert!(matches!(
            Server::parse("postgres://db/s?sslrootcert=/nowhere/ca.pem"),
            Err(TransportError::RootCertUnreadable { .. })
        ));
    }

    #[test]
    fn pgpass_lines_match_as_libpq_reads_them() {
        let text = "# comment\n\
                    other:5432:sales:ann:wrong\n\
                    db.example.com:5432:*:ann:pa\\:ss\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(text, "db.example.com", 5432, "sales", "ann").as_deref(),
            Some("pa:ss")
        );
        assert_eq!(
            pgpass_lookup(text, "x", 1, "y", "z").as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("a:1:b:c:d\n", "a", 2, "b", "c"), None);
    }

    #[test]
    fn role_names_that_need_quoting_are_refused() {
        assert!(valid_role("ann.lee@sales"));
        assert!(!valid_role("ann\"; DROP TABLE x; --"));
        assert!(!valid_role(""));
    }
}

//! A throwaway PostgreSQL 15 cluster for the team-server tests and the
//! load bench: started as the `postgres` user on a free port on 127.0.0.1
//! only, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const ADMIN_PASSWORD: &str = "admin-Secret-1";
/// Where Debian keeps PostgreSQL 15's server programs (`PG_BIN` overrides).
pub fn pg_bin() -> PathBuf {
    let dir = std::env::var_os("PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
    for program in ["initdb", "pg_ctl", "postgres"] {
        assert!(
            dir.join(program).exists(),
            "PostgreSQL 15 is not installed: {} is missing (apt-get install postgresql, or set PG_BIN)",
            dir.join(program).display()
        );
    }
    assert!(
        Command::new("psql").arg("--version").output().is_ok(),
        "psql is not installed (apt-get install postgresql-client)"
    );
    dir
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A command run as the `postgres` user when the test runs as root (the
/// server refuses to run as root), else as the test's own user.
pub fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A throwaway cluster, stopped (immediately) when dropped.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub bin: PathBuf,
    pub port: u16,
    /// Server options beyond the port and address: TLS when it has it.
    pub options: String,
    /// What every address to it ends with: its TLS settings.
    pub query: String,
}

/// Runs openssl, which must succeed.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    /// A cluster that speaks TLS with a certificate for 127.0.0.1 from a CA
    /// of its own, and refuses Ann any connection without TLS.
    pub fn start_tls() -> Cluster {
        let mut cluster = Cluster::initialised();
        let dir = cluster.dir.path().to_path_buf();
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=tierdeck test CA",
            ],
        );
        openssl(
            &dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        );
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "san.ext",
            ],
        );
        let hba = dir.join("data").join("pg_hba.conf");
        let rules = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(
            &hba,
            format!("hostnossl all ann 127.0.0.1/32 reject\n{rules}"),
        )
        .unwrap();
        if is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
        }
        Command::new("chmod")
            .arg("600")
            .arg(dir.join("server.key"))
            .status()
            .unwrap();
        cluster.options = format!(
            "-c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
            dir.display()
        );
        cluster.query = format!("?sslmode=require&sslrootcert={}/ca.pem", dir.display());
        cluster.up();
        cluster
    }

    pub fn start() -> Cluster {
        let cluster = Cluster::initialised();
        cluster.up();
        cluster
    }

    /// A new cluster's files, its superuser's password set, not started.
    pub fn initialised() -> Cluster {
        let bin = pg_bin();
        let dir = tempfile::tempdir().expect("temp dir");
        if is_root() {
            let owned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(
                owned.success(),
                "cannot give the cluster's folder to postgres"
            );
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, ADMIN_PASSWORD).unwrap();
        if is_root() {
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&pwfile)
                .status()
                .unwrap();
        }
        let init = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("run initdb");
        assert!(
            init.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        Cluster {
            dir,
            bin,
            port: free_port(),
            options: String::new(),
            query: String::new(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Starts the server, waiting until it accepts connections.
    pub fn up(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off {}",
            self.port,
            self.dir.path().display(),
            self.options
        );
        let started = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .args(["-o", &options, "-w", "-t", "30", "-l"])
            .arg(self.dir.path().join("log"))
            .arg("start")
            .output()
            .expect("run pg_ctl start");
        assert!(
            started.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&started.stdout),
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    pub fn down(&self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "-t", "30", "stop"])
            .output();
    }

    pub fn url(&self, user: &str) -> String {
        format!(
            "postgres://{user}@127.0.0.1:{}/postgres{}",
            self.port, self.query
        )
    }

    /// SQL run by psql as `user` with `password`; the output or the error.
    pub fn sql_as(&self, user: &str, password: &str, sql: &str) -> Result<String, String> {
        let out = Command::new("psql")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PGPASSWORD", password)
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                user,
                "-d",
                "postgres",
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    pub fn admin(&self, sql: &str) -> String {
        self.sql_as("postgres", ADMIN_PASSWORD, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.down();
    }
}

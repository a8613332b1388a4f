//! A team server on a real PostgreSQL 15 (SPEC §5.3): each test starts a
//! throwaway cluster of its own as the `postgres` user, on a free port on
//! 127.0.0.1 only, and stops it when it ends. Members run the built binary;
//! what row-level security allows is shown by SQL run as those roles.

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Td, array};
use postgres::{ADMIN_PASSWORD, Cluster};
use serde_json::Value;
use tierdeck::team::Transport;

const TODAY: &str = "2026-12-01";

fn password_of(login: &str) -> String {
    format!("{login}-Pw-7")
}

/// A member: their own database and home, their login's password in
/// `PGPASSWORD` as the environment gives it.
struct Member {
    td: Td,
    login: String,
    password: String,
}

impl Member {
    fn new(login: &str) -> Member {
        let mut td = Td::new();
        td.user = login.to_string();
        Member {
            td,
            login: login.to_string(),
            password: password_of(login),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.td.cmd(TODAY, args);
        cmd.env("PGPASSWORD", &self.password);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run tierdeck")
    }

    /// A command run while the server is away: it must still succeed.
    fn offline(&self, args: &[&str]) {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn ok(&self, args: &[&str]) -> String {
        common::succeed(self.run(args), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("JSON")
    }

    /// What this member's pipeline holds, as compared across members.
    fn pipeline(&self) -> Vec<Value> {
        let mut deals = array(self.json(&["list"]));
        deals.sort_by_key(|d| d["id"].as_str().unwrap_or_default().to_string());
        deals
            .into_iter()
            .map(|d| {
                serde_json::json!({
                    "id": d["id"], "title": d["title"], "amount": d["amount_minor"],
                    "close": d["expected_close"], "stage": d["stage"],
                })
            })
            .collect()
    }

    fn activities(&self, deal: &str) -> usize {
        self.json(&["show", deal])["activities"]
            .as_array()
            .map_or(0, Vec::len)
    }
}

/// A cluster set up as a team server with these members and a reader
/// `audit`, each login with its password.
fn team_server(logins: &[&str]) -> Cluster {
    set_up(Cluster::start(), logins)
}

fn set_up(cluster: Cluster, logins: &[&str]) -> Cluster {
    let mut args = vec![
        "team".to_string(),
        "server-setup".to_string(),
        cluster.url("postgres"),
        "--reader".to_string(),
        "audit".to_string(),
        "--apply".to_string(),
    ];
    for login in logins {
        args.extend(["--member".to_string(), login.to_string()]);
    }
    let admin = Td::new();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = admin
        .cmd(TODAY, &args)
        .env("PGPASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    let said = common::succeed(out, &args);
    assert!(said.contains("schema 1"), "{said}");
    assert!(!said.contains(ADMIN_PASSWORD), "{said}");
    for login in logins.iter().chain(&["audit"]) {
        cluster.admin(&format!(
            "ALTER ROLE \"{login}\" PASSWORD '{}'",
            password_of(login)
        ));
    }
    cluster
}

fn a_deal(m: &Member, title: &str) -> String {
    let out = m.ok(&[
        "deal",
        "add",
        "--account",
        "上海华信",
        "--title",
        title,
        "--amount",
        "480000",
        "--close",
        "+3w",
    ]);
    out.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .find(|w| w.len() == 36)
        .unwrap_or_else(|| panic!("no id in {out}"))
        .to_string()
}

fn syncs_to_rest(members: &[&Member]) {
    // Twice round: what the last sends, the first then reads.
    for _ in 0..2 {
        for m in members {
            m.ok(&["sync"]);
        }
    }
}

#[test]
fn two_then_three_members_converge_through_a_server_with_concurrent_edits() {
    let cluster = team_server(&["ann", "lina", "bob"]);
    let (ann, lina, bob) = (Member::new("ann"), Member::new("lina"), Member::new("bob"));
    ann.ok(&["account", "add", "--name", "上海华信"]);
    let deal = a_deal(&ann, "ERP 升级");
    let made = ann.ok(&["team", "init", &cluster.url("ann")]);
    assert!(made.contains("Team server ready"), "{made}");
    let joined = lina.ok(&["team", "join", &cluster.url("lina")]);
    assert!(joined.contains("Started from ann's snapshot"), "{joined}");
    assert_eq!(lina.pipeline(), ann.pipeline());

    // Two members edit the same deal apart (the server away, so neither
    // sees the other's edit): different fields both stay, the same field
    // keeps one value and the other in a conflict log.
    cluster.down();
    lina.offline(&["deal", "update", &deal, "--close", "2027-01-15"]);
    ann.offline(&["deal", "update", &deal, "--amount", "455000"]);
    lina.offline(&["deal", "update", &deal, "--amount", "500000"]);
    cluster.up();
    syncs_to_rest(&[&ann, &lina]);
    assert_eq!(ann.pipeline(), lina.pipeline());
    let shown = ann.json(&["show", &deal]);
    assert_eq!(shown["expected_close"], "2027-01-15", "{shown}");
    let conflicts = array(ann.json(&["team", "conflicts"])).len()
        + array(lina.json(&["team", "conflicts"])).len();
    assert_eq!(conflicts, 1, "the amount that lost is kept once");

    // A third joins, and all three edit at once.
    bob.ok(&["team", "join", &cluster.url("bob")]);
    let others = [
        a_deal(&ann, "CRM 扩容"),
        a_deal(&lina, "仓储系统"),
        a_deal(&bob, "数据迁移"),
    ];
    cluster.down();
    ann.offline(&["deal", "update", &deal, "--title", "ERP 升级二期"]);
    bob.offline(&["deal", "update", &deal, "--amount", "510000"]);
    lina.offline(&["deal", "update", &deal, "--amount", "490000"]);
    lina.offline(&["log", &deal, "谈了价格", "--kind", "call"]);
    cluster.up();
    syncs_to_rest(&[&ann, &lina, &bob]);
    let everyone = ann.pipeline();
    assert_eq!(everyone.len(), 4, "{everyone:?}");
    assert_eq!(lina.pipeline(), everyone);
    assert_eq!(bob.pipeline(), everyone);
    for m in [&ann, &lina, &bob] {
        for id in &others {
            assert!(everyone.iter().any(|d| d["id"] == id.as_str()));
        }
        assert_eq!(m.activities(&deal), ann.activities(&deal), "{}", m.login);
    }

    let status = bob.json(&["team", "status"]);
    assert_eq!(status[0]["folder"], cluster.url("bob"), "{status}");
    assert_eq!(status[0]["members"].as_array().map(Vec::len), Some(3));
    assert_eq!(status[0]["unsent"], 0);
}

#[test]
fn a_member_away_while_others_work_catches_up_and_work_done_while_the_server_is_down_is_sent() {
    let cluster = team_server(&["ann", "lina", "bob"]);
    let (ann, lina, bob) = (Member::new("ann"), Member::new("lina"), Member::new("bob"));
    ann.ok(&["account", "add", "--name", "上海华信"]);
    let deal = a_deal(&ann, "ERP 升级");
    ann.ok(&["team", "init", &cluster.url("ann")]);
    lina.ok(&["team", "join", &cluster.url("lina")]);
    bob.ok(&["team", "join", &cluster.url("bob")]);

    // Bob is away (runs nothing) while the others make many changes.
    for n in 0..6 {
        a_deal(&ann, &format!("安的商机 {n}"));
        lina.ok(&["log", &deal, &format!("第 {n} 次跟进"), "--kind", "call"]);
    }

    // The server goes down: everyone keeps working, the changes queue.
    cluster.down();
    let offline = bob.run(&["deal", "update", &deal, "--amount", "520000"]);
    assert!(offline.status.success());
    let warned = String::from_utf8_lossy(&offline.stderr);
    assert!(warned.contains("cannot reach the team server"), "{warned}");
    assert!(!warned.contains(&bob.password), "{warned}");
    ann.ok(&["deal", "update", &deal, "--close", "2027-02-01"]);
    let status = bob.json(&["team", "status"]);
    assert_eq!(status[0]["unsent"], 1, "{status}");

    cluster.up();
    syncs_to_rest(&[&bob, &ann, &lina]);
    let everyone = ann.pipeline();
    assert_eq!(everyone.len(), 7);
    assert_eq!(bob.pipeline(), everyone);
    assert_eq!(lina.pipeline(), everyone);
    assert_eq!(bob.activities(&deal), 6);
    let shown = lina.json(&["show", &deal]);
    assert_eq!(shown["amount_minor"], 52_000_000);
    assert_eq!(shown["expected_close"], "2027-02-01");
}

#[test]
fn row_level_security_lets_a_member_append_only_as_itself_and_a_reader_only_read() {
    let cluster = team_server(&["ann", "lina"]);
    let ann = Member::new("ann");
    ann.ok(&["account", "add", "--name", "上海华信"]);
    a_deal(&ann, "ERP 升级");
    ann.ok(&["team", "init", &cluster.url("ann")]);
    let replica = cluster.admin("SELECT replica FROM tierdeck.members WHERE login = 'ann'");
    assert_eq!(replica.len(), 36, "{replica}");
    let lina = password_of("lina");
    let audit = password_of("audit");

    // Lina may read the team's changes…
    let read = cluster.sql_as("lina", &lina, "SELECT count(*) FROM tierdeck.changes");
    assert_eq!(read.as_deref(), Ok("1"));
    // …but not append as Ann's replica, nor as Ann, nor claim Ann's replica.
    for sql in [
        format!(
            "INSERT INTO tierdeck.changes (replica, number, bytes) VALUES ('{replica}', 2, '\\x00')"
        ),
        format!(
            "INSERT INTO tierdeck.changes (replica, number, bytes, login) VALUES ('{replica}', 2, '\\x00', 'ann')"
        ),
        "INSERT INTO tierdeck.members (replica, bytes, login) VALUES ('x', '\\x00', 'ann')"
            .to_string(),
    ] {
        let refused = cluster.sql_as("lina", &lina, &sql);
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("row-level security")),
            "{sql}: {refused:?}"
        );
    }
    // Nobody changes or removes a change: not a member, not the admin.
    for (who, password) in [("lina", lina.as_str()), ("ann", &password_of("ann"))] {
        for sql in [
            "UPDATE tierdeck.changes SET bytes = '\\x00'",
            "DELETE FROM tierdeck.changes",
        ] {
            let refused = cluster.sql_as(who, password, sql);
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|e| e.contains("permission denied")),
                "{who}: {sql}: {refused:?}"
            );
        }
    }
    let updated = cluster.sql_as(
        "postgres",
        ADMIN_PASSWORD,
        "UPDATE tierdeck.changes SET bytes = '\\x00'",
    );
    assert!(
        updated.as_ref().is_err_and(|e| e.contains("never updated")),
        "{updated:?}"
    );
    // The reader reads everything and writes nothing.
    assert_eq!(
        cluster
            .sql_as("audit", &audit, "SELECT count(*) FROM tierdeck.members")
            .as_deref(),
        Ok("1")
    );
    for sql in [
        "INSERT INTO tierdeck.members (replica, bytes) VALUES ('x', '\\x00')".to_string(),
        format!(
            "INSERT INTO tierdeck.changes (replica, number, bytes) VALUES ('{replica}', 9, '\\x00')"
        ),
        "DELETE FROM tierdeck.changes".to_string(),
    ] {
        let refused = cluster.sql_as("audit", &audit, &sql);
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("permission denied")),
            "{sql}: {refused:?}"
        );
    }
    // What was refused left the change log as it was.
    assert_eq!(cluster.admin("SELECT count(*) FROM tierdeck.changes"), "1");
}

#[test]
fn every_fault_is_one_clear_sentence_without_the_password() {
    let cluster = team_server(&["ann"]);
    let ann = Member::new("ann");
    ann.ok(&["account", "add", "--name", "上海华信"]);
    let failed = |m: &Member, args: &[&str], wanted: &str| {
        let (code, message) = common::failed(m.run(args), args);
        assert_eq!(code, 1, "{message}");
        assert!(message.contains(wanted), "{args:?}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "{message}");
        for secret in [&m.password, ADMIN_PASSWORD, "typed-Secret"] {
            assert!(!message.contains(secret), "{message}");
        }
    };
    let port = cluster.port.to_string();
    failed(
        &ann,
        &[
            "team",
            "join",
            &format!("postgress://ann@127.0.0.1:{port}/postgres"),
        ],
        "does not read as a team server address",
    );
    failed(
        &ann,
        &[
            "team",
            "join",
            &format!("postgres://ann@127.0.0.1:{port}x/postgres"),
        ],
        "does not read as a team server address",
    );
    failed(
        &ann,
        &[
            "team",
            "join",
            &format!("postgres://ann:typed-Secret@127.0.0.1:{port}/postgres"),
        ],
        "a password does not belong in the address",
    );
    let mut wrong = Member::new("ann");
    wrong.password = "not-it".into();
    failed(
        &wrong,
        &["team", "join", &cluster.url("ann")],
        "refused ann with that password",
    );
    let mut stranger = Member::new("zed");
    stranger.password = password_of("ann");
    failed(
        &stranger,
        &["team", "join", &cluster.url("zed")],
        "refused zed with that password",
    );
    cluster.admin("CREATE DATABASE empty");
    cluster.admin("GRANT CONNECT ON DATABASE empty TO ann");
    failed(
        &ann,
        &[
            "team",
            "join",
            &cluster.url("ann").replace("/postgres", "/empty"),
        ],
        "is not set up as a team server",
    );
    failed(
        &ann,
        &[
            "team",
            "join",
            &cluster.url("ann").replace("/postgres", "/nosuch"),
        ],
        "is not set up as a team server",
    );

    failed(
        &ann,
        &[
            "team",
            "join",
            &format!("{}?sslmode=require", cluster.url("ann")),
        ],
        "offers no TLS",
    );
    ann.ok(&["team", "init", &cluster.url("ann")]);
    cluster.down();
    failed(&ann, &["sync"], "cannot reach the team server");
    cluster.up();
    ann.ok(&["sync"]);
    cluster.admin("UPDATE tierdeck.meta SET value = '99' WHERE key = 'schema_version'");
    failed(&ann, &["sync"], "set up by a newer tierdeck (schema 99)");
    let admin = Member {
        td: Td::new(),
        login: "postgres".into(),
        password: ADMIN_PASSWORD.into(),
    };
    failed(
        &admin,
        &["team", "server-setup", &cluster.url("postgres"), "--apply"],
        "set up by a newer tierdeck (schema 99)",
    );
    let printed = admin.ok(&[
        "team",
        "server-setup",
        &cluster.url("postgres"),
        "--member",
        "ann",
    ]);
    assert!(printed.contains("schema version 1"), "{printed}");
    assert!(printed.contains("CREATE POLICY append_own"), "{printed}");
    failed(
        &admin,
        &[
            "team",
            "server-setup",
            &cluster.url("postgres"),
            "--member",
            "a\"b",
        ],
        "cannot be a login name",
    );
}

/// Waits for a spawned command, a minute at most.
fn finished(mut child: std::process::Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "a sync did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn killing_the_server_mid_sync_or_a_replica_mid_send_loses_nothing_and_applies_nothing_twice() {
    let cluster = team_server(&["ann", "lina"]);
    let (ann, lina) = (Member::new("ann"), Member::new("lina"));
    ann.ok(&["account", "add", "--name", "上海华信"]);
    let deal = a_deal(&ann, "ERP 升级");
    ann.ok(&["team", "init", &cluster.url("ann")]);
    lina.ok(&["team", "join", &cluster.url("lina")]);
    let rounds = 5;
    for round in 0..rounds {
        // Work queued while the server is away…
        cluster.down();
        for m in [&ann, &lina] {
            let out = m.run(&[
                "log",
                &deal,
                &format!("{} 第 {round} 轮", m.login),
                "--kind",
                "call",
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let added = ann.run(&[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            &format!("第 {round} 轮"),
            "--amount",
            "1000",
            "--close",
            "+3w",
        ]);
        assert!(added.status.success());
        cluster.up();
        // …sent by two syncs at once, the server killed under them after a
        // different moment each round.
        let running: Vec<_> = [&ann, &lina]
            .iter()
            .map(|m| {
                m.cmd(&["sync"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn sync")
            })
            .collect();
        std::thread::sleep(Duration::from_millis(15 * round as u64));
        cluster.down();
        for child in running {
            let out = finished(child);
            let said = String::from_utf8_lossy(&out.stderr);
            // Cut off, a sync says so in one sentence; it never crashes.
            if !out.status.success() {
                assert!(said.contains("team server"), "{said}");
                assert_eq!(said.trim().lines().count(), 1, "{said}");
            }
        }
        // And a replica killed while it sends: Lina's work done while the
        // server is away goes out with a sync killed after a different
        // moment each round (or the next round's, if killed before it sent).
        lina.offline(&[
            "deal",
            "update",
            &deal,
            "--amount",
            &format!("{}", 480_000 + round),
        ]);
        cluster.up();
        let mut sending = lina
            .cmd(&["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sync");
        std::thread::sleep(Duration::from_millis(10 * round as u64));
        let _ = sending.kill();
        finished(sending);
    }
    syncs_to_rest(&[&ann, &lina]);
    let everyone = ann.pipeline();
    assert_eq!(everyone.len(), 1 + rounds, "{everyone:?}");
    let last = ann.json(&["show", &deal]);
    assert_eq!(
        last["amount_minor"],
        (480_000 + rounds as i64 - 1) * 100,
        "{last}"
    );
    assert_eq!(lina.pipeline(), everyone);
    // Every note once on each side: none lost, none applied twice.
    for m in [&ann, &lina] {
        assert_eq!(m.activities(&deal), 2 * rounds, "{}", m.login);
    }
    // Each replica's files are numbered 1… with no gap.
    let numbered = cluster.admin(
        "SELECT bool_and(n = top) FROM (SELECT count(*) AS n, max(number) AS top \
         FROM tierdeck.changes GROUP BY replica) per_replica",
    );
    assert_eq!(numbered, "t");
    for m in [&ann, &lina] {
        assert_eq!(m.json(&["team", "status"])[0]["unsent"], 0);
    }
}

#[test]
fn a_new_change_is_heard_of_within_a_second() {
    let cluster = team_server(&["ann", "lina"]);
    let ann = Member::new("ann");
    ann.ok(&["account", "add", "--name", "上海华信"]);
    ann.ok(&["team", "init", &cluster.url("ann")]);
    // Lina's side as the TUI holds it: a connection that listens.
    let url = format!(
        "postgres://lina:{}@127.0.0.1:{}/postgres",
        password_of("lina"),
        cluster.port
    );
    let lina = tierdeck::team::postgres::Server::parse(&url).expect("parse");
    assert_eq!(lina.replicas().expect("connect").len(), 1);
    assert!(!lina.news(), "nothing new yet");
    a_deal(&ann, "ERP 升级");
    let asked = Instant::now();
    let heard = loop {
        if lina.news() {
            break true;
        }
        if asked.elapsed() > Duration::from_secs(3) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(heard, "no notification within 3 seconds");
    assert!(
        asked.elapsed() < Duration::from_millis(1_500),
        "heard after {:?}",
        asked.elapsed()
    );
    assert!(!lina.describe().contains(&password_of("lina")));
}

#[test]
fn tls_is_used_as_the_address_asks_and_the_certificate_is_checked() {
    let cluster = set_up(Cluster::start_tls(), &["ann", "lina"]);
    let (ann, lina) = (Member::new("ann"), Member::new("lina"));
    ann.ok(&["account", "add", "--name", "上海华信"]);
    a_deal(&ann, "ERP 升级");
    // The server refuses Ann without TLS: that she gets in, she got in by TLS.
    let plain = cluster
        .url("ann")
        .replace(&cluster.query, "?sslmode=disable");
    let (code, said) = common::failed(ann.run(&["team", "init", &plain]), &["team", "init"]);
    assert_eq!(code, 1);
    assert!(said.contains("has no login ann that may connect"), "{said}");
    // A CA this machine does not know is not trusted.
    let unknown_ca = cluster
        .url("ann")
        .replace(&cluster.query, "?sslmode=require");
    let (_, said) = common::failed(ann.run(&["team", "init", &unknown_ca]), &["team", "init"]);
    assert!(said.contains("is not one this machine trusts"), "{said}");
    ann.ok(&["team", "init", &cluster.url("ann")]);
    let verify_full = cluster
        .url("lina")
        .replace("sslmode=require", "sslmode=verify-full");
    lina.ok(&["team", "join", &verify_full]);
    assert_eq!(lina.pipeline(), ann.pipeline());
}

#[test]
fn a_password_kept_in_the_config_file_is_used_for_its_own_server_only() {
    let cluster = team_server(&["ann", "lina"]);
    let ann = Member::new("ann");
    ann.ok(&["account", "add", "--name", "上海华信"]);
    ann.ok(&["team", "init", &cluster.url("ann")]);
    let mut lina = Member::new("lina");
    lina.password = String::new();
    let keep = |port: u16| {
        std::fs::create_dir_all(lina.td.config_dir()).unwrap();
        std::fs::write(
            lina.td.config_dir().join("config.toml"),
            format!(
                "team_server = \"postgres://lina:{}@127.0.0.1:{port}/postgres\"\n",
                password_of("lina")
            ),
        )
        .unwrap();
    };
    // The address of another server does not lend it its password.
    keep(cluster.port + 1);
    let args = ["team", "join", &cluster.url("lina")];
    let (_, said) = common::failed(lina.run(&args), &args);
    assert!(said.contains("lina"), "{said}");
    assert!(!said.contains(&password_of("lina")), "{said}");

    keep(cluster.port);
    let joined = lina.ok(&args);
    assert!(joined.contains("Started from ann's snapshot"), "{joined}");
    let deal = a_deal(&lina, "门店系统");
    ann.ok(&["sync"]);
    assert_eq!(ann.pipeline(), lina.pipeline());
    assert!(ann.pipeline().iter().any(|d| d["id"] == deal.as_str()));
    let status = lina.ok(&["team", "status"]);
    assert!(!status.contains(&password_of("lina")), "{status}");
}

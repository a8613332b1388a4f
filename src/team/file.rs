//! A change file: a batch of one replica's operations, written once and
//! never changed. It checks itself, so that a file a sync tool is still
//! delivering (cut short) or has damaged is never applied in part:
//!
//! ```text
//! tierdeck-changes 1
//! {"replica":"…","file":3,"first_seq":41,"last_seq":57,"user":"李娜","bytes":5210,"crc32":"9f0c…"}
//! {"seq":41,…}            one operation a line, `bytes` bytes in all
//! ```

use serde::{Deserialize, Serialize};

use crate::store::Op;

const MAGIC: &str = "tierdeck-changes";
/// The format this build writes and the newest it reads.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub replica: String,
    /// Its number among the replica's files, from 1 with no gap.
    pub file: i64,
    pub first_seq: i64,
    pub last_seq: i64,
    /// Who works on that replica, for `team status`.
    pub user: String,
    pub bytes: u64,
    pub crc32: String,
    /// How many files of each other replica the writer had read: what
    /// tells a replica which of its own files every member has.
    #[serde(default)]
    pub read: std::collections::BTreeMap<String, i64>,
}

/// A change file read back whole and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeFile {
    pub header: Header,
    pub ops: Vec<Op>,
}

/// Why a file cannot be applied (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Shorter than it says: most likely still arriving.
    Incomplete,
    /// Written by a newer tierdeck.
    Newer(u32),
    /// Not what it says it is; will not get better by waiting.
    Damaged(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Incomplete => write!(f, "still arriving (shorter than it says)"),
            Problem::Newer(v) => write!(
                f,
                "written in format {v} by a newer tierdeck; update tierdeck to read it"
            ),
            Problem::Damaged(why) => write!(f, "damaged: {why}"),
        }
    }
}

/// The bytes of a change file for `ops`, all of one replica, in order.
pub fn encode(
    replica: &str,
    user: &str,
    file: i64,
    ops: &[Op],
    read: &std::collections::BTreeMap<String, i64>,
) -> Vec<u8> {
    let mut body = Vec::new();
    for op in ops {
        // An Op of plain strings, numbers and JSON always serialises.
        if let Ok(line) = serde_json::to_vec(&OpLine::from(op)) {
            body.extend_from_slice(&line);
            body.push(b'\n');
        }
    }
    let header = Header {
        replica: replica.to_string(),
        file,
        first_seq: ops.first().map_or(0, |op| op.seq),
        last_seq: ops.last().map_or(0, |op| op.seq),
        user: user.to_string(),
        bytes: body.len() as u64,
        crc32: format!("{:08x}", crc32fast::hash(&body)),
        read: read.clone(),
    };
    let mut out = format!("{MAGIC} {FORMAT}\n").into_bytes();
    out.extend_from_slice(&serde_json::to_vec(&header).unwrap_or_default());
    out.push(b'\n');
    out.extend_from_slice(&body);
    out
}

/// Reads a change file, checking all it says about itself.
pub fn decode(bytes: &[u8]) -> Result<ChangeFile, Problem> {
    let (first, rest) = split_line(bytes).ok_or(Problem::Incomplete)?;
    let first = std::str::from_utf8(first).map_err(|_| damaged("not a tierdeck change file"))?;
    let version = first
        .strip_prefix(MAGIC)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| damaged("not a tierdeck change file"))?;
    if version > FORMAT {
        return Err(Problem::Newer(version));
    }
    let (header_line, body) = split_line(rest).ok_or(Problem::Incomplete)?;
    let header: Header = serde_json::from_slice(header_line)
        .map_err(|e| damaged(&format!("its header does not read: {e}")))?;
    let expected = header.bytes as usize;
    if body.len() < expected {
        return Err(Problem::Incomplete);
    }
    if body.len() > expected {
        return Err(damaged("longer than it says"));
    }
    if format!("{:08x}", crc32fast::hash(body)) != header.crc32 {
        return Err(damaged("its checksum does not match"));
    }
    let mut ops = Vec::new();
    for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let op: OpLine = serde_json::from_slice(line)
            .map_err(|e| damaged(&format!("a line does not read: {e}")))?;
        ops.push(op.into_op(&header.replica));
    }
    let in_order = ops.windows(2).all(|w| w[0].seq < w[1].seq);
    let in_range = ops.first().is_none_or(|op| op.seq == header.first_seq)
        && ops.last().is_none_or(|op| op.seq == header.last_seq);
    if !in_order || !in_range {
        return Err(damaged("its changes are not the ones its header names"));
    }
    Ok(ChangeFile { header, ops })
}

fn damaged(why: &str) -> Problem {
    Problem::Damaged(why.to_string())
}

fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    Some((&bytes[..end], &bytes[end + 1..]))
}

/// An operation as a line of a file: its replica is the file's.
#[derive(Serialize, Deserialize)]
struct OpLine {
    seq: i64,
    hlc: i64,
    tbl: String,
    row: String,
    field: String,
    value: serde_json::Value,
    author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<String>,
}

impl From<&Op> for OpLine {
    fn from(op: &Op) -> Self {
        OpLine {
            seq: op.seq,
            hlc: op.hlc,
            tbl: op.tbl.clone(),
            row: op.row_id.clone(),
            field: op.field.clone(),
            value: op.value.clone(),
            author: op.author.clone(),
            base: op.base.clone(),
        }
    }
}

impl OpLine {
    fn into_op(self, replica: &str) -> Op {
        Op {
            replica: replica.to_string(),
            seq: self.seq,
            hlc: self.hlc,
            tbl: self.tbl,
            row_id: self.row,
            field: self.field,
            value: self.value,
            author: self.author,
            base: self.base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops() -> Vec<Op> {
        (1..=3)
            .map(|seq| Op {
                replica: "r1".into(),
                seq,
                hlc: 1_000 + seq,
                tbl: "deals".into(),
                row_id: "d1".into(),
                field: "title".into(),
                value: format!("华为云 {seq}").into(),
                author: "李娜".into(),
                base: (seq > 1).then(|| format!("r1/{}", seq - 1)),
            })
            .collect()
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let bytes = encode("r1", "李娜", 7, &ops(), &Default::default());
        let file = decode(&bytes).unwrap();
        assert_eq!(file.ops, ops());
        assert_eq!(file.header.file, 7);
        assert_eq!((file.header.first_seq, file.header.last_seq), (1, 3));
        assert_eq!(file.header.user, "李娜");
    }

    #[test]
    fn every_cut_of_a_file_is_incomplete_never_applied() {
        let bytes = encode("r1", "ann", 1, &ops(), &Default::default());
        for len in 0..bytes.len() {
            assert_eq!(
                decode(&bytes[..len]),
                Err(Problem::Incomplete),
                "cut at {len} of {}",
                bytes.len()
            );
        }
    }

    #[test]
    fn a_changed_byte_a_longer_file_or_a_newer_format_is_refused() {
        let bytes = encode("r1", "ann", 1, &ops(), &Default::default());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x01;
        assert!(matches!(decode(&flipped), Err(Problem::Damaged(_))));
        let mut longer = bytes.clone();
        longer.extend_from_slice(b"{}\n");
        assert!(matches!(decode(&longer), Err(Problem::Damaged(_))));
        let newer = String::from_utf8(bytes).unwrap().replacen(
            "tierdeck-changes 1",
            "tierdeck-changes 9",
            1,
        );
        assert_eq!(decode(newer.as_bytes()), Err(Problem::Newer(9)));
        assert!(matches!(
            decode(b"PK\x03\x04 something else\n"),
            Err(Problem::Damaged(_))
        ));
    }
}

//! Records as an aligned table, CSV or JSON: the formats every listing command offers (SPEC §6).
//!
//! Widths are display columns (unicode-width), not bytes or chars, so Chinese text lines up.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a command prints its records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

/// Between two columns.
const GAP: &str = "  ";
const ELLIPSIS: &str = "…";
/// Narrowest a column is made before columns of the next kind give up space.
const MIN_SHRUNK: usize = 6;
/// Cells all this wide or narrower and of one width (ids, dates, grades) are not free text.
const FIXED_MAX: usize = 10;
/// When neither `$COLUMNS` nor a terminal says how wide: no limit, so that what a pipe or a
/// script reads is never cut.
pub const UNLIMITED: usize = usize::MAX;

/// Which columns give up space first when a table is too wide, in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Give {
    FreeText,
    Fixed,
    Numeric,
}

/// Column headers and rows of cells, rendered by [`Table::render`] or [`Table::to_csv`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    headers: Vec<String>,
    right_aligned: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        let right_aligned = vec![false; headers.len()];
        Table {
            headers,
            right_aligned,
            rows: Vec::new(),
        }
    }

    /// Right-aligns a column (amounts, counts). Right-aligned columns are the last to be narrowed.
    pub fn right_align(mut self, column: usize) -> Self {
        debug_assert!(column < self.headers.len(), "no column {column}");
        if let Some(flag) = self.right_aligned.get_mut(column) {
            *flag = true;
        }
        self
    }

    /// Adds a row. A row of the wrong length is a caller's bug: it panics in debug builds and
    /// is padded or cut to the headers' length in release builds.
    pub fn push<S: Into<String>>(&mut self, row: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = row.into_iter().map(Into::into).collect();
        debug_assert_eq!(
            row.len(),
            self.headers.len(),
            "row length differs from the headers"
        );
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// True when no rows were pushed; [`Table::render`] then prints the header line only, and
    /// the caller may add a "no records" line (`msg.no_records`) where a person reads it.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table fitted into `width` display columns, one line per row (header first), each
    /// ending in `\n` with no trailing spaces. Cells are shown on one line (control characters
    /// become spaces) and cut with `…` where a column had to be narrowed.
    pub fn render(&self, width: usize) -> String {
        let lines: Vec<Vec<Cow<'_, str>>> = std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| row.iter().map(|cell| one_line(cell)).collect())
            .collect();
        let widths = self.fit(&lines, width);

        let mut out = String::new();
        let mut text = String::new();
        // A table of label/value pairs has no header to show.
        let skip = usize::from(self.headers.iter().all(|h| h.is_empty()));
        for line in lines.iter().skip(skip) {
            text.clear();
            for (i, cell) in line.iter().enumerate() {
                if i > 0 {
                    text.push_str(GAP);
                }
                let cut = truncate_to_width(cell, widths[i]);
                text.push_str(&pad_to_width(&cut, widths[i], self.right_aligned[i]));
            }
            out.push_str(text.trim_end_matches(' '));
            out.push('\n');
        }
        out
    }

    /// Column widths for `lines` (header first) within `width`: each column as wide as its widest
    /// cell, then the widest columns narrowed one display column at a time: free text first
    /// (down to [`MIN_SHRUNK`]), then also short uniform columns such as ids and dates (down to
    /// [`MIN_SHRUNK`], then 3), then any column, numbers included, down to one. A terminal too
    /// narrow even for that gets lines wider than `width` rather than columns of nothing.
    fn fit(&self, lines: &[Vec<Cow<'_, str>>], width: usize) -> Vec<usize> {
        let columns = self.headers.len();
        let mut widths = vec![0; columns];
        // Narrowest and widest non-empty body cell of each column.
        let mut body: Vec<Option<(usize, usize)>> = vec![None; columns];
        for (row, line) in lines.iter().enumerate() {
            for (i, cell) in line.iter().enumerate() {
                let w = display_width(cell);
                widths[i] = widths[i].max(w);
                if row > 0 && w > 0 {
                    body[i] = Some(body[i].map_or((w, w), |(lo, hi)| (lo.min(w), hi.max(w))));
                }
            }
        }
        let give: Vec<Give> = (0..columns)
            .map(|i| match body[i] {
                _ if self.right_aligned[i] => Give::Numeric,
                Some((lo, hi)) if lo != hi || hi > FIXED_MAX => Give::FreeText,
                _ => Give::Fixed,
            })
            .collect();

        let total =
            |widths: &[usize]| widths.iter().sum::<usize>() + GAP.len() * columns.saturating_sub(1);
        let phases = [
            (Give::FreeText, MIN_SHRUNK),
            (Give::Fixed, MIN_SHRUNK),
            // A cut number misleads more than a cut word, so text gives up more space first.
            (Give::Fixed, 3),
            (Give::Numeric, 1),
        ];
        for (last_to_give, floor) in phases {
            while total(&widths) > width {
                let widest = (0..columns)
                    .filter(|&i| give[i] <= last_to_give && widths[i] > floor)
                    .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)));
                match widest {
                    Some(i) => widths[i] -= 1,
                    None => break,
                }
            }
        }
        widths
    }

    /// The same headers and cells as CSV (RFC 4180 quoting), one record per line.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for record in std::iter::once(&self.headers).chain(&self.rows) {
            writer
                .write_record(record)
                .expect("rows have the headers' length and a Vec cannot fail to grow");
        }
        let bytes = writer
            .into_inner()
            .expect("flushing into a Vec cannot fail");
        String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
    }
}

/// Columns `s` takes on a terminal; wide (CJK) characters count two.
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `width` display columns, ending in `…` when cut. A cut string fills
/// exactly `width`: where a wide character would cross the limit it is dropped and a space
/// after the `…` takes its place, so columns stay aligned. Never splits a character.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - display_width(ELLIPSIS);
    let mut kept = String::new();
    let mut estimate = 0;
    for ch in s.chars() {
        estimate += UnicodeWidthChar::width(ch).unwrap_or(0);
        if estimate > budget {
            break;
        }
        kept.push(ch);
    }
    // Summed per character the width is only an estimate (an emoji with a variation selector
    // is wider as a whole), so measure the whole and give back characters until it fits.
    while display_width(&kept) > budget {
        kept.pop();
    }
    kept.push_str(ELLIPSIS);
    let gap = width.saturating_sub(display_width(&kept));
    kept.extend(std::iter::repeat_n(' ', gap));
    kept
}

/// `s` padded with spaces to `width` display columns, on the left when `right_align`.
/// A string already that wide or wider is returned unchanged.
pub fn pad_to_width(s: &str, width: usize, right_align: bool) -> String {
    let pad = " ".repeat(width.saturating_sub(display_width(s)));
    if right_align {
        pad + s
    } else {
        s.to_string() + &pad
    }
}

/// The width tables are rendered to: `$COLUMNS` when it holds a positive number (set by
/// hand, as shells do not export it), else the terminal's width when stdout is one, else
/// [`UNLIMITED`]: piped or redirected, nothing is cut.
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    let columns = std::env::var("COLUMNS").ok();
    if columns.is_none()
        && io::stdout().is_terminal()
        && let Ok((width, _)) = crossterm::terminal::size()
    {
        return usize::from(width).max(1);
    }
    width_from_columns(columns.as_deref())
}

fn width_from_columns(columns: Option<&str>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
        .unwrap_or(UNLIMITED)
}

/// Writes `value` to stdout as pretty JSON followed by a newline.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> io::Result<()> {
    // Stdout is line-buffered: without a buffer every JSON line is a write(2).
    write_json(io::BufWriter::new(io::stdout().lock()), value)
}

fn write_json<W: Write, T: Serialize + ?Sized>(mut out: W, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()
}

/// `s` with every control character (newline, tab, CR …) replaced by a space, so that one
/// record stays on one line of a table or one calendar summary.
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deals() -> Table {
        let mut t = Table::new(["ID", "Title", "Account", "Amount"]).right_align(3);
        t.push(["0193a1b2", "ERP 升级项目", "上海华信", "12,400.00"]);
        t.push(["0193a1b3", "CRM rollout", "Acme Ltd", "800.50"]);
        t.push([
            "0193a1b4",
            "商机名称很长很长的一个标题",
            "北京某某科技有限公司",
            "1,234,567.89",
        ]);
        t
    }

    fn lines(rendered: &str) -> Vec<&str> {
        rendered.lines().collect()
    }

    #[test]
    fn mixed_chinese_and_english_columns_align_by_display_width() {
        let rendered = deals().render(200);
        let lines = lines(&rendered);
        assert_eq!(lines.len(), 4);
        // The last column is right-aligned, so every line is exactly the table's width.
        let widths: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
        assert!(
            widths.iter().all(|&w| w == widths[0]),
            "{widths:?}\n{rendered}"
        );
        // Each column starts at the same display offset on every line.
        let account_at = |line: &str| {
            let byte = line
                .find(['上', 'A', '北'])
                .expect("an account cell on every row");
            display_width(&line[..byte])
        };
        let offsets: Vec<usize> = lines[1..].iter().map(|l| account_at(l)).collect();
        assert!(
            offsets.iter().all(|&o| o == offsets[0]),
            "{offsets:?}\n{rendered}"
        );
        assert_eq!(lines[0], lines[0].trim_end());
    }

    #[test]
    fn narrow_width_truncates_chinese_titles_without_splitting_characters() {
        let mut t = Table::new(["Title", "Grade"]);
        t.push(["商机名称一", "A"]);
        t.push(["商机名称商机名称商机名称", "B"]);
        let rendered = t.render(20);
        for line in lines(&rendered) {
            assert!(display_width(line) <= 20, "{line:?} is wider than 20");
        }
        let lines = lines(&rendered);
        // Title shrinks to 20 - 2 (gap) - 5 (`Grade`) = 13 columns: six wide chars, then `…`.
        assert_eq!(lines[2], "商机名称商机…  B");
        assert_eq!(lines[1], "商机名称一     A");
    }

    #[test]
    fn a_wide_char_crossing_the_limit_leaves_a_space_not_half_a_char() {
        assert_eq!(truncate_to_width("商机名称", 4), "商… ");
        assert_eq!(truncate_to_width("商机名称", 5), "商机…");
        assert_eq!(truncate_to_width("商机名称", 8), "商机名称");
        assert_eq!(truncate_to_width("abcdef", 4), "abc…");
        assert_eq!(truncate_to_width("abcdef", 1), "…");
        assert_eq!(truncate_to_width("abcdef", 0), "");
        assert_eq!(truncate_to_width("商机", 1), "…");
        for width in 0..12 {
            let cut = truncate_to_width("ERP 升级项目 (上海华信)", width);
            assert_eq!(display_width(&cut), width, "{cut:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn truncation_fits_exactly_and_keeps_a_prefix(s in "\\PC{0,30}", width in 0usize..24) {
            let cut = truncate_to_width(&s, width);
            if display_width(&s) <= width {
                proptest::prop_assert_eq!(&cut, &s);
            } else {
                proptest::prop_assert_eq!(display_width(&cut), width);
                let kept = cut.trim_end_matches(' ').trim_end_matches('…');
                proptest::prop_assert!(width == 0 || s.starts_with(kept));
            }
        }

        #[test]
        fn any_cells_render_within_width(
            rows in proptest::collection::vec(("\\PC{0,20}", "[0-9,.]{0,12}"), 0..6),
            width in 8usize..120,
        ) {
            let mut t = Table::new(["Title", "标题", "Amount"]).right_align(2);
            for (text, amount) in &rows {
                t.push([text.as_str(), text.as_str(), amount.as_str()]);
            }
            let rendered = t.render(width);
            proptest::prop_assert_eq!(rendered.lines().count(), rows.len() + 1);
            for line in rendered.lines() {
                proptest::prop_assert!(display_width(line) <= width, "{:?}", line);
            }
        }
    }

    #[test]
    fn emoji_and_combining_marks_do_not_panic_and_stay_within_width() {
        let samples = [
            "👨‍👩‍👧‍👦 family deal",
            "❤️❤️❤️ loved",
            "e\u{301}e\u{301}e\u{301}e\u{301} accents",
            "\u{301}\u{301} leading marks",
            "🇨🇳🇺🇸 flags",
            "tab\there\nnew line\r\n",
        ];
        let mut t = Table::new(["Text", "N"]).right_align(1);
        for s in samples {
            t.push([s, "1"]);
        }
        for width in [0, 1, 3, 5, 8, 13, 40] {
            let rendered = t.render(width);
            assert_eq!(rendered.lines().count(), samples.len() + 1);
            // Below 1 + gap + 1 columns nothing can fit; the lines are then as narrow as possible.
            if width >= 4 {
                for line in rendered.lines() {
                    assert!(display_width(line) <= width, "{line:?} at {width}");
                }
            }
        }
        for s in samples {
            for w in 0..10 {
                assert!(display_width(&truncate_to_width(s, w)) <= w, "{s:?} at {w}");
            }
        }
    }

    #[test]
    fn free_text_columns_shrink_before_numeric_ones() {
        let rendered = deals().render(50);
        let lines = lines(&rendered);
        assert!(lines.iter().all(|l| display_width(l) <= 50), "{rendered}");
        assert!(lines[3].ends_with("1,234,567.89"), "{rendered}");
        assert!(lines[3].contains('…'));
        let widths: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{rendered}");
    }

    #[test]
    fn ids_dates_and_amounts_keep_their_width_while_free_text_shrinks() {
        let mut t =
            Table::new(["ID", "Title", "Account", "Grade", "Amount", "Close"]).right_align(4);
        t.push([
            "0193a1b2",
            "ERP 升级项目",
            "上海华信",
            "A",
            "12,400.00",
            "2026-12-01",
        ]);
        t.push([
            "0193a1b3",
            "CRM rollout for the whole sales org",
            "Acme Ltd",
            "B",
            "800.50",
            "",
        ]);
        let rendered = t.render(60);
        let lines = lines(&rendered);
        assert!(lines.iter().all(|l| display_width(l) <= 60), "{rendered}");
        assert!(lines[1].starts_with("0193a1b2  "), "{rendered}");
        assert!(lines[1].ends_with("12,400.00  2026-12-01"), "{rendered}");
        assert!(
            lines[2].contains("CRM r") && lines[2].contains('…'),
            "{rendered}"
        );
    }

    #[test]
    fn an_unlimited_width_cuts_nothing() {
        let rendered = deals().render(UNLIMITED);
        assert!(!rendered.contains('…'), "{rendered}");
        assert!(
            rendered.contains("商机名称很长很长的一个标题"),
            "{rendered}"
        );
    }

    #[test]
    fn empty_table_renders_the_header_only() {
        let t = Table::new(["ID", "标题"]);
        assert!(t.is_empty());
        assert_eq!(t.render(80), "ID  标题\n");
        assert_eq!(t.to_csv(), "ID,标题\n");
    }

    #[test]
    fn no_line_ends_in_spaces() {
        let mut t = Table::new(["Title", "Note"]);
        t.push(["a", ""]);
        t.push(["much longer title", "x"]);
        for line in t.render(80).lines() {
            assert_eq!(line, line.trim_end(), "{line:?}");
        }
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut t = Table::new(["title", "amount"]);
        t.push(["Acme, Inc.", "1,200.50"]);
        t.push(["say \"hi\"", "0"]);
        t.push(["two\nlines", "上海"]);
        assert_eq!(
            t.to_csv(),
            "title,amount\n\"Acme, Inc.\",\"1,200.50\"\n\"say \"\"hi\"\"\",0\n\"two\nlines\",上海\n"
        );
        let csv = t.to_csv();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let back: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&back[2][0], "two\nlines");
    }

    #[test]
    fn pad_to_width_counts_wide_chars_twice() {
        assert_eq!(pad_to_width("上海", 6, false), "上海  ");
        assert_eq!(pad_to_width("上海", 6, true), "  上海");
        assert_eq!(pad_to_width("上海华信", 3, false), "上海华信");
        assert_eq!(display_width("ERP 升级"), 8);
    }

    #[test]
    fn columns_env_sets_the_width_when_valid() {
        assert_eq!(width_from_columns(Some("132")), 132);
        assert_eq!(width_from_columns(Some(" 80 ")), 80);
        assert_eq!(width_from_columns(Some("0")), UNLIMITED);
        assert_eq!(width_from_columns(Some("wide")), UNLIMITED);
        assert_eq!(width_from_columns(None), UNLIMITED);
    }

    #[test]
    fn json_is_pretty_and_ends_with_a_newline() {
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!([{ "title": "ERP 升级项目" }])).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "[\n  {\n    \"title\": \"ERP 升级项目\"\n  }\n]\n");
    }

    #[test]
    fn format_names_are_the_documented_ones() {
        use clap::ValueEnum;
        let names: Vec<String> = Format::value_variants()
            .iter()
            .map(|f| f.to_possible_value().unwrap().get_name().to_string())
            .collect();
        assert_eq!(names, ["table", "csv", "json"]);
    }

    #[test]
    fn a_table_without_headers_prints_only_its_rows() {
        let mut t = Table::new(["", ""]);
        t.push(["商机名称", "ERP 升级项目"]);
        t.push(["Owner", "李娜"]);
        assert_eq!(t.render(80), "商机名称  ERP 升级项目\nOwner     李娜\n");
    }
}

//! Readable tables for the terminal.
//!
//! Every string from a log is printed through [`clean`]: a field is data an
//! agent, a model or an MCP client chose, and a raw ESC, BEL, CR or
//! backspace in a tool name would reach the terminal (clear the screen,
//! write the clipboard with OSC 52, overwrite what the line says). They
//! are shown escaped, as `ls` and `git` do; [`TerminalSafe`] escapes any
//! control byte that still gets through.

use std::borrow::Cow;
use std::io::{self, Write};
use tooltrail_core::schema::{event, field};

use tooltrail_core::gateway::AlertChange;
use tooltrail_json::Value;
use tooltrail_query::report::counted;
use tooltrail_query::{num_field, str_field};

/// `text` with control characters, and the bidirectional overrides that
/// reorder what a line shows, written as escapes: `\n`, `\r`, `\t`,
/// `\x1b`, `\u{202e}`; a backslash stays as it is.
pub(super) fn clean(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && unsafe_char(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A writer that passes text through with every ASCII control byte but the
/// line feed escaped (`\x1b`): the last line of defence behind [`clean`]
/// for whatever a table prints.
pub(super) struct TerminalSafe<'a>(pub(super) &'a mut dyn Write);

impl Write for TerminalSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if (b < 0x20 && b != b'\n') || b == 0x7f {
                self.0.write_all(&buf[start..i])?;
                write!(self.0, "\\x{b:02x}")?;
                start = i + 1;
            }
        }
        self.0.write_all(&buf[start..])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

pub(super) fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    table_streamed(out, header, || rows.iter().cloned())
}

/// [`table`] over rows made twice by `rows` (once for the widths, once to
/// print), so a big answer is never held as a table of strings.
fn table_streamed<I: Iterator<Item = Vec<String>>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl Fn() -> I,
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows() {
        for (w, cell) in widths.iter_mut().zip(&row) {
            *w = (*w).max(clean(cell).chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().map(|c| clean(c)).zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(&cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    let mut text = line(header.to_vec()) + "\n";
    for row in rows() {
        text += &(line(row.iter().map(String::as_str).collect()) + "\n");
        if text.len() >= 1 << 16 {
            out.write_all(text.as_bytes())?;
            text.clear();
        }
    }
    out.write_all(text.as_bytes())
}

fn ms(v: f64) -> String {
    tooltrail_query::report::decimal(v, 3)
}

pub(super) fn runs(out: &mut dyn Write, runs: &tooltrail_query::RunList) -> io::Result<()> {
    let rows = || {
        runs.iter().map(|r| {
            vec![
                r.run_id.clone(),
                r.start.clone(),
                r.user_id.clone().unwrap_or_else(|| "-".into()),
                r.tool_calls.to_string(),
                r.errors.to_string(),
                r.refused.to_string(),
                r.stop_reason.clone().unwrap_or_else(|| "-".into()),
                r.spend_usd
                    .map_or("-".into(), |s| tooltrail_query::report::decimal(s, 4)),
                r.error_classes.join(","),
            ]
        })
    };
    table_streamed(
        out,
        &[
            "RUN_ID",
            "START",
            "USER",
            "CALLS",
            "ERRORS",
            "REFUSED",
            "STOP_REASON",
            "SPEND_USD",
            "ERROR_CLASSES",
        ],
        rows,
    )?;
    writeln!(out, "{}", counted(runs.len(), "run"))
}

pub(super) fn stats(out: &mut dyn Write, report: &tooltrail_query::StatsReport) -> io::Result<()> {
    let rows: Vec<Vec<String>> = report
        .tools
        .iter()
        .map(|t| {
            let failed: u64 = t.errors.values().sum();
            let rate = if t.calls == 0 {
                0.0
            } else {
                failed as f64 * 100.0 / t.calls as f64
            };
            let classes = t
                .errors
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ");
            vec![
                t.tool.clone(),
                t.calls.to_string(),
                format!("{rate:.1}%"),
                ms(t.latency_ms[0]),
                ms(t.latency_ms[1]),
                ms(t.latency_ms[2]),
                classes,
            ]
        })
        .collect();
    table(
        out,
        &[
            "TOOL",
            "CALLS",
            "FAILED",
            "P50_MS",
            "P95_MS",
            "P99_MS",
            "ERROR_CLASSES",
        ],
        &rows,
    )?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> = report
        .hottest
        .iter()
        .map(|(t, h, n)| vec![t.clone(), h.chars().take(12).collect(), n.to_string()])
        .collect();
    table(out, &["HOTTEST TOOL", "ARGS_HASH", "CALLS"], &rows)?;
    if report.approximate {
        writeln!(
            out,
            "\n(approximate: percentiles within {}%, hottest counts low by at most {})",
            tooltrail_query::RELATIVE_ERROR * 100.0,
            report.hottest_max_undercount
        )?;
    }
    Ok(())
}

pub(super) fn loops(out: &mut dyn Write, found: &[tooltrail_query::LoopFinding]) -> io::Result<()> {
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            vec![
                f.run_id.clone(),
                f.tool.clone(),
                f.args_hash.chars().take(12).collect(),
                f.count.to_string(),
                f.blocked.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &["RUN_ID", "TOOL", "ARGS_HASH", "CALLS", "BLOCKED"],
        &rows,
    )?;
    writeln!(out, "{}", counted(rows.len(), "repeated call"))
}

pub(super) fn alerts(
    out: &mut dyn Write,
    history: &[(String, AlertChange)],
    window_s: f64,
) -> io::Result<()> {
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|(ts, c)| {
            vec![
                ts.clone(),
                c.rule.to_owned(),
                c.level.to_owned(),
                format!("{}", c.value),
                format!("{}", c.threshold),
                c.tripped
                    .as_ref()
                    .and_then(|t| t.run_id.clone())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    table(
        out,
        &["TIME", "RULE", "LEVEL", "VALUE", "THRESHOLD", "TRIPPED_RUN"],
        &rows,
    )?;
    writeln!(
        out,
        "{} (window {} s)",
        counted(rows.len(), "alert transition"),
        window_s
    )
}

fn describe(e: &Value) -> [String; 5] {
    let event = str_field(e, field::EVENT).unwrap_or("?");
    let seq = num_field(e, field::SEQ).map_or("-".into(), |n| format!("{n}"));
    let tool = str_field(e, field::TOOL).unwrap_or(event).to_owned();
    let hash =
        str_field(e, field::ARGS_HASH).map_or(String::new(), |h| h.chars().take(12).collect());
    let outcome = match event {
        event::TOOL_CALL if str_field(e, field::DECISION) == Some("block") => {
            format!("BLOCKED {}", str_field(e, field::ERROR_CLASS).unwrap_or(""))
        }
        event::TOOL_CALL => match num_field(e, field::LOOP_COUNT) {
            Some(n) => format!("call (repeat #{n})"),
            None => "call".into(),
        },
        event::TOOL_RESULT => {
            let latency =
                num_field(e, field::LATENCY_MS).map_or(String::new(), |l| format!("{} ms ", ms(l)));
            match str_field(e, field::ERROR_CLASS) {
                Some(c) => format!("{latency}FAILED {c}"),
                None => format!("{latency}ok"),
            }
        }
        event::RUN_END => {
            let mut s = format!(
                "stop_reason={} calls={} errors={} refused={}",
                str_field(e, field::STOP_REASON).unwrap_or("?"),
                num_field(e, field::TOOL_CALLS).unwrap_or(0.0),
                num_field(e, field::ERRORS).unwrap_or(0.0),
                num_field(e, field::REFUSED).unwrap_or(0.0)
            );
            if let Some(Value::Object(b)) = e.get(field::BUDGETS) {
                for (k, v) in b {
                    s += &format!(
                        " {k}={}/{}",
                        num_field(v, field::USED).unwrap_or(0.0),
                        num_field(v, field::LIMIT).unwrap_or(0.0)
                    );
                }
            }
            s
        }
        event::RUN_START => match e.get(field::BUDGETS) {
            Some(Value::Object(b)) if !b.is_empty() => {
                let mut text = String::from("budgets");
                for (k, v) in b {
                    match v {
                        Value::Number(n) => text += &format!(" {k}={n}"),
                        other => {
                            text += &format!(
                                " {k}={}",
                                tooltrail_json::canonical_json(other).unwrap_or_default()
                            )
                        }
                    }
                }
                text
            }
            _ => "no budgets".into(),
        },
        event::ALERT => {
            format!(
                "{} {} value={} threshold={}",
                str_field(e, field::RULE).unwrap_or("?"),
                str_field(e, field::LEVEL).unwrap_or("?"),
                num_field(e, field::VALUE).unwrap_or(0.0),
                num_field(e, field::THRESHOLD).unwrap_or(0.0)
            ) + &str_field(e, field::TRIPPED_RUN_ID)
                .map_or(String::new(), |r| format!(" tripped by {r}"))
        }
        event::INCIDENT_WINDOW_OPEN | event::INCIDENT_WINDOW_CLOSE => {
            format!("until {}", str_field(e, field::UNTIL).unwrap_or("?"))
        }
        other => other.to_owned(),
    };
    let ts = str_field(e, field::TS).unwrap_or("").to_owned();
    let event_col = if matches!(event, event::TOOL_CALL | event::TOOL_RESULT) {
        String::new()
    } else {
        event.to_owned()
    };
    [
        ts,
        seq,
        if event_col.is_empty() {
            tool
        } else {
            event_col
        },
        hash,
        outcome,
    ]
    .map(|cell| clean(&cell).into_owned())
}

pub(super) fn show(out: &mut dyn Write, run_id: &str, events: &[Value]) -> io::Result<()> {
    let first = &events[0];
    writeln!(
        out,
        "run {}  trace {}  user {}  request {}",
        clean(run_id),
        clean(str_field(first, field::TRACE_ID).unwrap_or("-")),
        clean(str_field(first, field::USER_ID).unwrap_or("-")),
        clean(str_field(first, field::REQUEST_ID).unwrap_or("-"))
    )?;
    let rows: Vec<Vec<String>> = events.iter().map(|e| describe(e).to_vec()).collect();
    table(
        out,
        &["TIME", "SEQ", "TOOL/EVENT", "ARGS_HASH", "OUTCOME"],
        &rows,
    )
}

/// One event as a line of `tail`.
pub(super) fn tail_line(out: &mut dyn Write, e: &Value) -> io::Result<()> {
    let [ts, seq, tool, hash, outcome] = describe(e);
    let run = clean(str_field(e, field::RUN_ID).unwrap_or("-"));
    writeln!(out, "{ts}  {run}  #{seq}  {tool}  {hash}  {outcome}")
}

pub(super) fn gaps(out: &mut dyn Write, gaps: &tooltrail_query::Gaps) -> io::Result<()> {
    let mib = tooltrail_query::MAX_LINE_BYTES >> 20;
    let mut rows = vec![
        vec!["skipped lines".to_owned(), gaps.skipped_lines.to_string()],
        vec![
            format!("  of which over {mib} MiB"),
            gaps.too_long_lines.to_string(),
        ],
    ];
    for reason in tooltrail_core::writer::DropReason::ALL.map(|r| r.as_str()) {
        let n = gaps.dropped.get(reason).copied().unwrap_or(0);
        rows.push(vec![format!("dropped by writers: {reason}"), n.to_string()]);
    }
    for (reason, n) in &gaps.dropped {
        if !tooltrail_core::writer::DropReason::ALL
            .iter()
            .any(|r| r.as_str() == reason)
        {
            rows.push(vec![format!("dropped by writers: {reason}"), n.to_string()]);
        }
    }
    table(out, &["GAP", "COUNT"], &rows)?;
    match gaps.note() {
        Some(note) => writeln!(out, "{note}"),
        None => writeln!(
            out,
            "the record is complete: no skipped lines, no drops reported"
        ),
    }
}

/// `agent-logs`: one row per tool call, newest first.
pub(super) fn agent_logs(out: &mut dyn Write, entries: &[Value]) -> io::Result<()> {
    let cell = |e: &Value, k: &str| e.get(k).map_or_else(|| "-".to_owned(), cell_text);
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let hash = cell(e, "args_hash");
            vec![
                cell(e, "ts"),
                cell(e, "run_id"),
                cell(e, "tool"),
                cell(e, "decision"),
                hash.chars().take(12).collect(),
                cell(e, "ok"),
                cell(e, "reason"),
                cell(e, "spend_usd"),
            ]
        })
        .collect();
    table(
        out,
        &[
            "TS",
            "RUN_ID",
            "TOOL",
            "DECISION",
            "ARGS_HASH",
            "OK",
            "REASON",
            "RUN_SPEND_USD",
        ],
        &rows,
    )
}

/// `agent-metrics`: one line per total.
pub(super) fn agent_metrics(out: &mut dyn Write, totals: &Value) -> io::Result<()> {
    let Value::Object(members) = totals else {
        return Ok(());
    };
    for (k, v) in members {
        writeln!(out, "{}: {}", clean(k), clean(&cell_text(v)))?;
    }
    Ok(())
}

/// A JSON value as a table cell: `-` for null, strings as they are, counts
/// as integers, other numbers to 4 decimals, the rest as canonical JSON.
fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(*n),
        other => tooltrail_json::canonical_json(other).unwrap_or_default(),
    }
}

/// A count as an integer, anything else to 4 decimals.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        tooltrail_query::report::decimal(n, 4)
    }
}

//! Command lines: argument vectors (`["gh", "auth", "login", "--with-token",
//! tok]`) and shell text (`mysql -u root -pS3cret`, `curl -u bob:pw …`).
//! A long flag counts when its name is sensitive (`--password`,
//! `--with-token`, `--api-key`); a short flag only for the tools where it
//! means a password (`-p` of mysql, mongo, sshpass, docker login, az; `-a` of
//! redis-cli; `-u user:password` of curl).

/// What the value after (or glued to) a short flag of `tool` is.
fn short_flag(tool: &str, flag: &str) -> Option<Short> {
    let tool = tool.rsplit('/').next().unwrap_or(tool);
    match (tool, flag) {
        (
            "mysql" | "mysqldump" | "mysqladmin" | "mysqlimport" | "mariadb" | "mariadb-dump",
            "-p",
        ) => Some(Short::Glued),
        (
            "mongo" | "mongosh" | "mongodump" | "mongorestore" | "mongoexport" | "mongoimport",
            "-p",
        )
        | ("smbclient", "-p")
        | ("htpasswd", "-b") => Some(Short::Next),
        ("sshpass" | "docker" | "podman" | "az", "-p") | ("redis-cli", "-a") => {
            Some(Short::Required)
        }
        ("curl" | "wget" | "ftp", "-u" | "--user") => Some(Short::UserPass),
        _ => None,
    }
}

enum Short {
    /// The value is the next argument (or glued: `-pS3cret`).
    Glued,
    /// The value is the next argument unless that is another flag (the
    /// flag's value is optional: `mongosh -p` prompts).
    Next,
    /// The value is the next argument, whatever it starts with (the tool
    /// requires one: `sshpass -p -x1…` passes the password `-x1…`).
    Required,
    /// `user:password`: the part after the first `:`.
    UserPass,
}

/// The tools whose short flags are understood.
fn is_tool(word: &str) -> bool {
    let w = word.rsplit('/').next().unwrap_or(word);
    short_flag(w, "-p").is_some() || short_flag(w, "-a").is_some() || short_flag(w, "-u").is_some()
}

/// What to replace in an argument vector: (index, byte range inside that
/// argument, label).
pub(crate) fn argv_secrets(
    args: &[&str],
    label: &dyn Fn(&str) -> Option<String>,
) -> Vec<(usize, usize, usize, String)> {
    let mut out = vec![];
    let mut tool = "";
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if is_tool(a) {
            tool = a.rsplit('/').next().unwrap_or(a);
        } else if matches!(a, "|" | ";" | "&&" | "||") {
            tool = "";
        }
        let next = args
            .get(i + 1)
            .filter(|n| !n.is_empty() && !n.starts_with('-'));
        if let Some(name) = a
            .strip_prefix("--")
            .filter(|n| !n.contains('=') && n.len() > 1)
            && let (Some(l), Some(n)) = (label(name), next)
        {
            out.push((i + 1, 0, n.len(), l));
            i += 2;
            continue;
        }
        if a.starts_with('-') && !tool.is_empty() {
            let flag = if a.starts_with("--") {
                a
            } else {
                &a[..a.len().min(2)]
            };
            match short_flag(tool, flag) {
                Some(Short::Glued) if a.len() > 2 && !a.starts_with("--") => {
                    out.push((i, 2, a.len(), "password".to_owned()));
                }
                Some(Short::Glued | Short::Next) if a.len() == 2 => {
                    if let Some(n) = next {
                        out.push((i + 1, 0, n.len(), "password".to_owned()));
                        i += 2;
                        continue;
                    }
                }
                Some(Short::Required) if a.len() == 2 => {
                    if let Some(n) = args.get(i + 1).filter(|n| !n.is_empty()) {
                        out.push((i + 1, 0, n.len(), "password".to_owned()));
                        i += 2;
                        continue;
                    }
                }
                Some(Short::UserPass) if flag == a => {
                    if let Some(c) = next.and_then(|n| n.find(':')) {
                        out.push((
                            i + 1,
                            c + 1,
                            next.map_or(0, |n| n.len()),
                            "password".to_owned(),
                        ));
                        i += 2;
                        continue;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.retain(|(_, s, e, _)| e > s);
    out
}

/// Shell words of one line with their byte spans (quotes removed from the
/// span: `'a b'` is the word `a b` at the span inside the quotes).
fn words(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if matches!(b[i], b'\'' | b'"') {
            let q = b[i];
            let end = b[i + 1..]
                .iter()
                .position(|&c| c == q)
                .map_or(b.len(), |p| i + 1 + p);
            out.push((i + 1, end));
            i = end + 1;
            continue;
        }
        let s = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

/// Redacts the passwords of short flags in shell text that runs a known tool;
/// `None` when nothing changed. (Long flags are left to the `key=value`
/// scanner, which sees `--password X` anywhere.)
pub(crate) fn redact_command_line(text: &str) -> Option<String> {
    const TOOLS: &[&str] = &[
        "mysql",
        "maria",
        "mongo",
        "sshpass",
        "docker",
        "podman",
        "az ",
        "redis-cli",
        "curl",
        "wget",
        "htpasswd",
        "smbclient",
        "ftp",
    ];
    if !TOOLS.iter().any(|t| text.contains(t)) {
        return None;
    }
    let mut out = String::new();
    let mut last = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let spans = words(line);
        let args: Vec<&str> = spans.iter().map(|&(s, e)| &line[s..e]).collect();
        for (i, s, e, label) in argv_secrets(&args, &|_| None) {
            let (ws, _) = spans[i];
            let (a, z) = (offset + ws + s, offset + ws + e);
            if a < last || text[a..z].starts_with("[REDACTED") {
                continue;
            }
            out.push_str(&text[last..a]);
            out.push_str(&format!("[REDACTED:{label}]"));
            last = z;
        }
        offset += line.len();
    }
    if last == 0 {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

//! Cargo keeps the crates one-way (json ← core ← otlp, query, mcp ← cli);
//! this keeps each crate's modules one-way too. For every crate under
//! `core/`, the modules at the crate's top level, and the files inside each
//! module folder, must import each other without a cycle, so each module
//! builds only on modules below it and can be read (and moved) on its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lowercase identifiers right after `prefix` in `line`, where `prefix`
/// starts a path (`crate::gateway::x` gives `gateway`).
fn names_after(line: &str, prefix: &str) -> Vec<String> {
    line.match_indices(prefix)
        .filter(|(i, _)| {
            let before = line[..*i].chars().next_back();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        })
        .flat_map(|(i, _)| {
            let rest = &line[i + prefix.len()..];
            let ident = |t: &str| {
                t.trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            };
            // A group (`super::{a, b::c}`) names each of its first segments.
            match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(ident)
                    .collect::<Vec<_>>(),
                None => vec![ident(rest)],
            }
        })
        .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect()
}

/// Code lines: comments (doc comments included) name modules without using them.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim_start().starts_with("//"))
}

/// Unit-test files may use anything of their crate.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_stem().unwrap().to_string_lossy();
    name == "tests" || name.ends_with("_tests")
}

/// A cycle in `graph`, if any, as the modules along it.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &Graph,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if done.contains(m) {
            return None;
        }
        if let Some(at) = stack.iter().position(|s| s == m) {
            let mut found = stack[at..].to_vec();
            found.push(m.to_owned());
            return Some(found);
        }
        stack.push(m.to_owned());
        for dep in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(dep, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

/// The import graphs of one crate: its top-level modules (`crate::m`), and
/// per module folder, the folder's files (`super::f`, `crate::folder::f`).
fn graphs(src: &Path) -> BTreeMap<String, Graph> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out: BTreeMap<String, Graph> = BTreeMap::new();
    for path in files.iter().filter(|p| !is_test_file(p)) {
        let rel = path.strip_prefix(src).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
            .collect();
        if parts[0] == "bin" || parts[0] == "lib" {
            continue;
        }
        let top = parts[0].clone();
        let text = std::fs::read_to_string(path).unwrap();
        let deps = out
            .entry("crate".into())
            .or_default()
            .entry(top.clone())
            .or_default();
        for line in code_lines(&text) {
            deps.extend(
                names_after(line, "crate::")
                    .into_iter()
                    .filter(|m| *m != top),
            );
        }
        if parts.len() == 2 && parts[1] != "mod" {
            let deps = out
                .entry(top.clone())
                .or_default()
                .entry(parts[1].clone())
                .or_default();
            for line in code_lines(&text) {
                deps.extend(names_after(line, "super::"));
                deps.extend(names_after(line, &format!("crate::{top}::")));
            }
            deps.remove(&parts[1]);
        }
    }
    // Only edges between the graph's own nodes: `super::item` names an item
    // of the folder's `mod.rs`, not a sibling file.
    for graph in out.values_mut() {
        let nodes: BTreeSet<String> = graph.keys().cloned().collect();
        for deps in graph.values_mut() {
            deps.retain(|d| nodes.contains(d));
        }
    }
    out
}

#[test]
fn no_crate_has_an_import_cycle_among_its_modules() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut crates = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&core).unwrap() {
        let src = entry.unwrap().path().join("src");
        if !src.is_dir() {
            continue;
        }
        crates += 1;
        for (scope, graph) in graphs(&src) {
            if let Some(c) = cycle(&graph) {
                found.push(format!("{} ({scope}): {}", src.display(), c.join(" -> ")));
            }
        }
    }
    assert!(
        crates >= 6,
        "expected the crates under core/, found {crates}"
    );
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_only_then() {
    let mut graph: Graph = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .map(|(k, v)| (k.into(), BTreeSet::from([v.to_owned()])))
        .collect();
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    graph.get_mut("c").unwrap().clear();
    assert!(cycle(&graph).is_none());
    assert_eq!(
        names_after("use crate::gateway::x; a::crate::no", "crate::"),
        ["gateway"]
    );
}

/// The `tooltrail-*` crates a `Cargo.toml` lists under `[dependencies]`.
fn tooltrail_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut section = "";
    let mut deps = BTreeSet::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]" && line.starts_with("tooltrail-") {
            deps.insert(line.split([' ', '=', '.']).next().unwrap().to_owned());
        }
    }
    deps
}

/// ARCHITECTURE.md's crate table says what cargo enforces: one row per
/// crate under `core/`, with its folder and exactly the tooltrail crates its
/// `Cargo.toml` depends on. A new crate or dependency fails here until the
/// table says so.
#[test]
fn architecture_lists_every_crate_with_its_dependencies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let backticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let mut table = BTreeMap::new();
    for row in doc.lines().filter(|l| l.starts_with("| `tooltrail-")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let name = backticked(cells[0]).remove(0);
        let folder = backticked(cells[1]).remove(0);
        let deps: BTreeSet<String> = backticked(cells[2]).into_iter().collect();
        table.insert(folder, (name, deps));
    }
    let mut crates = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("core")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_owned();
        let folder = format!("core/{}", dir.file_name().unwrap().to_str().unwrap());
        crates.insert(folder, (name, tooltrail_dependencies(&manifest)));
    }
    assert_eq!(
        table, crates,
        "ARCHITECTURE.md's crate table vs the Cargo.toml files"
    );
}

//! The JSON base layer (escaping, errors, values, numbers, canonical form,
//! parser, hashing) depends on nothing above it and has no import cycle:
//! the gateway, writer, readers and bindings build on it, never the reverse.

use std::collections::{BTreeMap, BTreeSet};

/// The base layer's modules, each a file `core/src/<name>.rs`.
const BASE: [&str; 10] = [
    "escape",
    "canon_error",
    "value",
    "number",
    "canonical",
    "parse",
    "canonical_text",
    "members",
    "hash",
    "host",
];

/// The modules a file names as `crate::<module>` outside comments.
fn imports(name: &str) -> BTreeSet<String> {
    let path = format!("{}/src/{name}.rs", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let module: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::MAX_DEPTH`-style re-exports of the root are not modules.
            if module
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
                && module != name
            {
                out.insert(module);
            }
        }
    }
    out
}

#[test]
fn the_json_base_layer_imports_only_itself_and_has_no_cycle() {
    let graph: BTreeMap<&str, BTreeSet<String>> = BASE.iter().map(|m| (*m, imports(m))).collect();
    for (module, deps) in &graph {
        for dep in deps {
            assert!(
                BASE.contains(&dep.as_str()),
                "base module `{module}` imports `crate::{dep}`, which is above the base layer"
            );
        }
    }
    // Depth-first search for a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<&str, BTreeSet<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(
            !stack.contains(&m),
            "import cycle: {} -> {m}",
            stack.join(" -> ")
        );
        stack.push(m);
        for dep in &graph[m] {
            visit(dep, graph, stack, done);
        }
        stack.pop();
        done.insert(m);
    }
    let mut done = BTreeSet::new();
    for m in BASE {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

//! The app crate's arrows point down (the rule at the top of `lib.rs`):
//! reads every `crate::…` path in `app/src` outside tests and fails on an
//! edge the rule forbids, or on any cycle between modules (a shared room's
//! modules count one by one: `domain::ids`, `platform::db`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms of the shared tier, with their rank: each may use the rooms
/// ranked below it, and no feature. `domain`: the vocabulary the server and
/// the browser share; `platform`: the server's machinery; `ui`: widgets,
/// which run in the browser too, so they may not use the platform (nor it
/// them: the two share a rank).
const ROOMS: [(&str, usize); 3] = [("domain", 0), ("platform", 1), ("ui", 1)];

/// The features, in order: each may use the ones before it.
const FEATURES: [&str; 6] = ["spaces", "auth", "tokens", "assets", "trash", "settings"];

/// Pages that combine features: may use everything above; nothing uses them
/// (but the crate root, which assembles the routes).
const PAGES: &str = "pages";

/// The OpenAPI document describes every feature's endpoints: like the pages,
/// it may use everything, and nothing in the crate uses it (the server does).
const OPENAPI: &str = "openapi";

/// The room or top-level module of a node (`platform` of `platform::db`).
fn top(node: &str) -> &str {
    node.split("::").next().unwrap_or(node)
}

fn rank(module: &str) -> Option<usize> {
    let rooms = ROOMS.iter().map(|(_, rank)| *rank).max().unwrap_or(0) + 1;
    if let Some((_, rank)) = ROOMS.iter().find(|(room, _)| *room == module) {
        Some(*rank)
    } else if let Some(i) = FEATURES.iter().position(|f| *f == module) {
        Some(rooms + i)
    } else if module == PAGES || module == OPENAPI {
        Some(rooms + FEATURES.len())
    } else {
        None
    }
}

fn is_room(module: &str) -> bool {
    ROOMS.iter().any(|(room, _)| *room == module)
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(from, to)` for every `crate::to` written in a file of module `from`.
fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let mut parts = relative
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .map(|part| part.trim_end_matches(".rs").to_owned());
        let first = parts.next().expect("a file name");
        // A room's modules are nodes of their own: `platform::db`.
        let from = match parts.next() {
            Some(module) if is_room(&first) => format!("{first}::{module}"),
            _ => first,
        };
        if from == "lib" {
            continue;
        }
        // Tests may use anything.
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable file");
        for (line_no, line) in product_code(&text).lines().enumerate() {
            for part in line.split("crate::").skip(1) {
                let mut to = ident(part);
                if is_room(&to) {
                    let module = ident(part[to.len()..].trim_start_matches("::"));
                    if !module.is_empty() {
                        to = format!("{to}::{module}");
                    }
                }
                if !to.is_empty() && to != from {
                    edges.entry((from.clone(), to)).or_default().insert(format!(
                        "{}:{}",
                        relative.display(),
                        line_no + 1
                    ));
                }
            }
        }
    }
    edges
}

#[test]
fn every_arrow_points_down() {
    let mut wrong = Vec::new();
    for ((from, to), places) in edges() {
        if top(&from) == top(&to) {
            // Within one room: only cycles are wrong (checked below).
            continue;
        }
        let (Some(from_rank), Some(to_rank)) = (rank(top(&from)), rank(top(&to))) else {
            wrong.push(format!(
                "{from} -> {to}: a module the rule does not place ({places:?}); add it to ROOMS, FEATURES or PAGES"
            ));
            continue;
        };
        let allowed = to_rank < from_rank;
        if !allowed {
            wrong.push(format!("{from} -> {to} points up, at {places:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn there_are_no_cycles() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges().into_keys() {
        graph.entry(from).or_default().insert(to);
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("a cycle: {}", cycle.join(" -> "));
        }
    }
}

/// The code of `text` that is not a test: an inline `#[cfg(test)]` module
/// goes last in a file by our style, so the text stops there.
fn product_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end])
}

/// Inside a feature, a sub-feature (a folder with a model or endpoints of
/// its own beside its `.rs` file, such as `assets/folders`) sits below the rest of its feature: it may use itself,
/// shared modules and the features before its own, never its feature's
/// other modules (`crate::assets::model`, or `super::super::data` from
/// `assets/folders/data.rs`), so that the two cannot import each other.
/// Test modules may use anything.
#[test]
fn sub_features_sit_below_their_feature() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for feature in FEATURES {
        let dir = src.join(feature);
        for entry in std::fs::read_dir(&dir).expect("a feature folder") {
            let sub_dir = entry.expect("dir entry").path();
            let Some(sub) = sub_dir
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
            else {
                continue;
            };
            // A sub-feature has a model or endpoints of its own; other
            // folders (`ui/`, `data/`) are parts of their feature.
            let own_feature = ["api.rs", "model.rs"]
                .iter()
                .any(|f| sub_dir.join(f).is_file());
            if !own_feature || !dir.join(format!("{sub}.rs")).is_file() {
                continue;
            }
            let mut files = vec![dir.join(format!("{sub}.rs"))];
            rust_files(&sub_dir, &mut files);
            for file in files {
                if file.file_name().is_some_and(|n| n == "tests.rs") {
                    continue;
                }
                checked += 1;
                // How deep below the feature's folder the file's module is:
                // `folders.rs` 1, `folders/data.rs` 2.
                let depth = file
                    .strip_prefix(&dir)
                    .expect("in the feature")
                    .components()
                    .count();
                let text = std::fs::read_to_string(&file).expect("readable file");
                for (line_no, line) in product_code(&text).lines().enumerate() {
                    let place = format!(
                        "{}:{}",
                        file.strip_prefix(&src).unwrap().display(),
                        line_no + 1
                    );
                    let prefix = format!("crate::{feature}::");
                    for part in line.split(prefix.as_str()).skip(1) {
                        if !part.starts_with(&format!("{sub}::"))
                            && !part.starts_with(&format!("{sub};"))
                        {
                            wrong.push(format!(
                                "{feature}/{sub} uses crate::{feature}::{part} at {place}"
                            ));
                        }
                    }
                    // A run of `super::` climbs one module each; the name
                    // after the run is where it lands.
                    let mut ups = 0;
                    for piece in line.split("super::").skip(1) {
                        ups += 1;
                        if piece.is_empty() {
                            continue;
                        }
                        let target = ident(piece);
                        if ups == depth && target != sub {
                            wrong.push(format!(
                                "{feature}/{sub} uses {feature}::{target} (super::) at {place}"
                            ));
                        }
                        ups = 0;
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no sub-feature found: the test reads nothing");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

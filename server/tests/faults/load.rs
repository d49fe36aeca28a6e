//! Eight clients at once against a real server: listings, moves to Trash,
//! Undo, restores, and a viewer who keeps trying to delete. Nothing may
//! answer 5xx, and what the answers say happened must be exactly what the
//! audit log and the assets say happened.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::{encode, Client, Response};
use crate::db;
use crate::process::{exclusive, Trove, OWNER, SPACE, VIEWER};

/// How long the load runs unless `TROVE_FAULTS_LOAD_SECS` says otherwise.
const DEFAULT_LOAD_SECS: u64 = 30;
/// Clients at once: seven who may delete, one viewer.
const CLIENTS: u64 = 8;
/// Few enough assets that clients often act on the same ones.
const ASSETS: usize = 500;

fn load_duration() -> Duration {
    let secs = std::env::var("TROVE_FAULTS_LOAD_SECS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(DEFAULT_LOAD_SECS);
    Duration::from_secs(secs)
}

/// What one client saw.
#[derive(Debug, Default)]
struct Tally {
    requests: u64,
    lists: u64,
    moves: u64,
    undos: u64,
    restores: u64,
    /// Assets the answers say were moved to Trash.
    moved: u64,
    /// Assets the answers say were restored (Undo and restore).
    restored: u64,
    /// The viewer's refused attempts.
    refused: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.lists += other.lists;
        self.moves += other.moves;
        self.undos += other.undos;
        self.restores += other.restores;
        self.moved += other.moved;
        self.restored += other.restored;
        self.refused += other.refused;
    }
}

/// xorshift64: reproducible choices without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % n
    }

    /// 1 to 5 distinct ids.
    fn some_ids(&mut self, ids: &[i64]) -> Vec<i64> {
        let want = 1 + self.below(5) as usize;
        let mut picked = BTreeSet::new();
        while picked.len() < want {
            picked.insert(ids[self.below(ids.len() as u64) as usize]);
        }
        picked.into_iter().collect()
    }
}

/// The answer must be one of `allowed`; a 5xx is always a failure, and a
/// refusal must be Trove's JSON error.
fn expect(answer: &Response, what: &str, allowed: &[u16]) {
    assert!(
        answer.status < 500,
        "{what}: server error {} {}",
        answer.status,
        answer.text()
    );
    assert!(
        allowed.contains(&answer.status),
        "{what}: {} {}",
        answer.status,
        answer.text()
    );
    if answer.status >= 400 {
        assert!(
            answer.json()["error"].is_string(),
            "{what}: a {} without a JSON error: {}",
            answer.status,
            answer.text()
        );
    }
}

fn count(answer: &Response, field: &str) -> u64 {
    answer.json()[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {}", answer.text()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_get_no_server_errors_and_the_counts_add_up() {
    let _alone = exclusive().await;
    let mut trove = Trove::new();
    trove.seed(SPACE, ASSETS).await;
    trove.add_user(OWNER, SPACE, "owner").await;
    trove.add_user(VIEWER, SPACE, "viewer").await;
    let db = trove.open_db().await;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM assets a JOIN spaces s ON s.id = a.space_id WHERE s.slug = $1",
    )
    .bind(SPACE)
    .fetch_all(&db)
    .await
    .unwrap();
    db.close().await;
    let ids = Arc::new(ids);
    trove.start(&[]).await;

    let until = Instant::now() + load_duration();
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let seed = 0x9E37_79B9_7F4A_7C15 ^ (n + 1);
        if n == 0 {
            let viewer = trove.sign_in(VIEWER).await;
            let ids = ids.clone();
            clients.push(tokio::spawn(async move {
                viewer_client(viewer, &ids, Rng(seed), until).await
            }));
        } else {
            let owner = trove.sign_in(OWNER).await;
            let ids = ids.clone();
            clients.push(tokio::spawn(async move {
                owner_client(owner, &ids, Rng(seed), until).await
            }));
        }
    }
    let mut total = Tally::default();
    for client in clients {
        total.add(&client.await.unwrap());
    }
    eprintln!("load: {total:?}");
    assert!(
        total.lists > 0
            && total.moves > 0
            && total.undos > 0
            && total.restores > 0
            && total.refused > 0,
        "the load did not exercise every action: {total:?}"
    );

    let db = trove.open_db().await;
    db::assert_consistent(&db, SPACE).await;
    assert_eq!(
        db::audit_sum(&db, SPACE, "move_to_trash").await,
        total.moved as i64,
        "moved according to the answers vs the audit log"
    );
    assert_eq!(
        db::audit_sum(&db, SPACE, "restore").await,
        total.restored as i64,
        "restored according to the answers vs the audit log"
    );
    assert_eq!(
        db::trashed_count(&db, SPACE).await,
        total.moved as i64 - total.restored as i64,
        "assets in Trash vs moved minus restored"
    );
    db.close().await;
}

/// Lists, moves a few, undoes its own moves, restores a few.
async fn owner_client(client: Client, ids: &[i64], mut rng: Rng, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut batches: Vec<String> = Vec::new();
    while Instant::now() < until {
        tally.requests += 1;
        match rng.below(100) {
            0..=24 => {
                tally.lists += 1;
                let sort = ["name", "size", "modified"][rng.below(3) as usize];
                let first = client
                    .get(&format!("/api/list_assets?space={SPACE}&sort={sort}"))
                    .await;
                expect(&first, "list", &[200]);
                if let Some(next) = first.json()["next"].as_str() {
                    let page = client
                        .get(&format!(
                            "/api/list_assets?space={SPACE}&sort={sort}&after={}",
                            encode(next)
                        ))
                        .await;
                    expect(&page, "next page", &[200]);
                }
            }
            25..=49 => {
                tally.moves += 1;
                let body = json!({ "space": SPACE, "ids": rng.some_ids(ids) });
                let answer = client.post_json("/api/move_to_trash", &body).await;
                expect(&answer, "move to Trash", &[200]);
                let moved = count(&answer, "moved");
                tally.moved += moved;
                if moved > 0 {
                    batches.push(answer.json()["batch"].as_str().unwrap().to_owned());
                }
            }
            50..=69 => {
                let Some(batch) = batches.pop() else { continue };
                tally.undos += 1;
                let body = json!({ "space": SPACE, "batch": batch });
                let answer = client.post_json("/api/restore_batch", &body).await;
                expect(&answer, "undo", &[200]);
                tally.restored += count(&answer, "restored");
            }
            70..=89 => {
                tally.restores += 1;
                let body = json!({ "space": SPACE, "ids": rng.some_ids(ids) });
                let answer = client.post_json("/api/restore_from_trash", &body).await;
                // 409 only if an asset's 14 days were over: not with a
                // real clock, but it would be a correct answer.
                expect(&answer, "restore", &[200, 409]);
                if answer.status == 200 {
                    tally.restored += count(&answer, "restored");
                }
            }
            _ => {
                tally.lists += 1;
                let answer = client.get(&format!("/api/list_trash?space={SPACE}")).await;
                expect(&answer, "list Trash", &[200]);
            }
        }
    }
    tally
}

/// Lists (allowed) and tries to move and restore (refused: 403).
async fn viewer_client(client: Client, ids: &[i64], mut rng: Rng, until: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until {
        tally.requests += 1;
        match rng.below(3) {
            0 => {
                tally.lists += 1;
                let answer = client.get(&format!("/api/list_assets?space={SPACE}")).await;
                expect(&answer, "viewer's list", &[200]);
            }
            1 => {
                let body = json!({ "space": SPACE, "ids": rng.some_ids(ids) });
                let answer = client.post_json("/api/move_to_trash", &body).await;
                expect(&answer, "viewer's move", &[403]);
                tally.refused += 1;
            }
            _ => {
                let body = json!({ "space": SPACE, "ids": rng.some_ids(ids) });
                let answer = client.post_json("/api/restore_from_trash", &body).await;
                expect(&answer, "viewer's restore", &[403]);
                tally.refused += 1;
            }
        }
    }
    tally
}

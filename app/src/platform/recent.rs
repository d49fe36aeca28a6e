//! Answers remembered for a few seconds, for lookups that every request
//! repeats (the session behind a cookie, a member's role in a space): read
//! from memory instead of the database. The price is that a change made
//! elsewhere (by the CLI, or by another server on the same database) is
//! seen up to [`FRESH_FOR`] later; changes made through this server
//! invalidate their entries at once.

use std::fmt;
use std::hash::Hash;
use std::time::Duration;

pub use moka::ops::compute::Op;

/// How long a remembered answer is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// A bounded map whose entries expire [`FRESH_FOR`] after they are written
/// (moka: concurrent, evicts the least useful entries when full). Clones
/// share the same entries.
#[derive(Clone)]
pub struct Recent<K, V> {
    entries: moka::sync::Cache<K, V>,
}

impl<K, V> Recent<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Holds at most `capacity` entries.
    pub fn new(capacity: u64) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_live(FRESH_FOR)
                .build(),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.entries.get(key)
    }

    pub fn insert(&self, key: K, value: V) {
        self.entries.insert(key, value);
    }

    pub fn invalidate(&self, key: &K) {
        self.entries.invalidate(key);
    }

    /// Puts, keeps or removes the entry for `key`, as `change` decides from
    /// the current one. Updates of one key run one at a time (moka's
    /// `and_compute_with`), so a decision cannot be undone by a write that
    /// raced it; `insert` and `invalidate` do not wait for them.
    pub fn update(&self, key: K, change: impl FnOnce(Option<&V>) -> Op<V>) {
        self.entries
            .entry(key)
            .and_compute_with(|current| change(current.as_ref().map(moka::Entry::value)));
    }

    /// Forgets everything (after a change that touches many entries).
    pub fn invalidate_all(&self) {
        self.entries.invalidate_all();
    }
}

impl<K, V> fmt::Debug for Recent<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recent")
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_kept_forgotten_and_shared_by_clones() {
        let recent: Recent<u32, &str> = Recent::new(10);
        let clone = recent.clone();
        recent.insert(1, "one");
        assert_eq!(clone.get(&1), Some("one"));
        clone.invalidate(&1);
        assert_eq!(recent.get(&1), None);
        recent.insert(2, "two");
        recent.invalidate_all();
        assert_eq!(recent.get(&2), None);
    }

    #[test]
    fn updates_decide_from_the_current_entry() {
        let recent: Recent<u32, &str> = Recent::new(10);
        recent.update(1, |current| match current {
            None => Op::Put("one"),
            Some(_) => Op::Nop,
        });
        recent.update(1, |_| Op::Nop);
        assert_eq!(recent.get(&1), Some("one"));
        recent.update(1, |current| {
            assert_eq!(current, Some(&"one"));
            Op::Remove
        });
        assert_eq!(recent.get(&1), None);
    }
}

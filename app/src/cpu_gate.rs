//! Bounds CPU- and memory-heavy work (password hashing, image decoding).
//!
//! `spawn_blocking` alone would run as many at once as there are requests
//! (the blocking pool has 512 threads), each holding its memory: a burst of
//! sign-ins or image uploads could take gigabytes and every core. A gate runs
//! at most `permits` jobs at once on the blocking pool; callers beyond that
//! wait their turn, up to `wait`, and are then told the server is busy.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct CpuGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// Every permit stayed taken for the whole wait.
    #[error("too much work of this kind is running; gave up waiting")]
    Busy,
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl CpuGate {
    pub fn new(permits: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            wait,
        }
    }

    /// One job per core.
    pub fn per_core(wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, wait)
    }

    /// Runs `work` on the blocking pool once a permit is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, GateError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| GateError::Busy)?
            .map_err(|_| GateError::Busy)?;
        // The permit moves into the job: it is held until the work ends,
        // even if the caller stops waiting for it.
        Ok(tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_at_most_its_permits_at_once() {
        let gate = CpuGate::new(2, Duration::from_secs(10));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
            async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }
        });
        for result in futures::future::join_all(jobs).await {
            result.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn gives_up_when_busy_for_the_whole_wait() {
        let gate = CpuGate::new(1, Duration::from_millis(20));
        let slow = gate.run(|| std::thread::sleep(Duration::from_millis(300)));
        let late = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            gate.run(|| ()).await
        };
        let (slow, late) = tokio::join!(slow, late);
        slow.unwrap();
        assert!(matches!(late, Err(GateError::Busy)));
    }
}

//! Bounds CPU- and memory-heavy work (password hashing, image decoding).
//!
//! `spawn_blocking` alone would run as many at once as there are requests
//! (the blocking pool has 512 threads), each holding its memory: a burst of
//! sign-ins or image uploads could take gigabytes and every core. A gate runs
//! its jobs on its own `permits` worker threads; callers beyond that wait
//! their turn, up to `wait`, and are then told the server is busy.
//!
//! Own threads rather than the blocking pool, because the allocator keeps
//! memory per thread: Argon2's 19 MiB, freed on one of dozens of pool
//! threads, stays with that thread (100 checks two at a time still peaked at
//! 307 MB), while a few long-lived workers reuse theirs.

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug, Clone)]
pub struct CpuGate {
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    wait: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// Every worker stayed busy for the whole wait.
    #[error("too much work of this kind is running; gave up waiting")]
    Busy,
    /// The job panicked, or the workers are gone.
    #[error("a background job failed")]
    Failed,
}

impl CpuGate {
    /// `permits` worker threads; the workers end when the last clone of
    /// the gate is dropped.
    pub fn new(permits: usize, wait: Duration) -> Self {
        let permits = permits.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..permits {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name("trove-cpu".to_owned())
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a worker thread");
            }
        }
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            jobs,
            wait,
        }
    }

    /// One worker per core.
    pub fn per_core(wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, wait)
    }

    /// Runs `work` on a worker once one is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, GateError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| GateError::Busy)?
            .map_err(|_| GateError::Busy)?;
        let (done, result) = oneshot::channel();
        // The permit moves into the job: it is held until the work ends,
        // even if the caller stops waiting for it.
        let job: Job = Box::new(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            drop(permit);
            let _ = done.send(outcome);
        });
        self.jobs.send(job).map_err(|_| GateError::Failed)?;
        match result.await {
            Ok(Ok(value)) => Ok(value),
            _ => Err(GateError::Failed),
        }
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
    async fn a_panicking_job_fails_alone() {
        let gate = CpuGate::new(1, Duration::from_secs(10));
        assert!(matches!(
            gate.run(|| panic!("boom")).await,
            Err::<(), _>(GateError::Failed)
        ));
        assert_eq!(gate.run(|| 7).await.unwrap(), 7);
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

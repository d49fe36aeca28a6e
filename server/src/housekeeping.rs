//! Housekeeping: what the server removes or forgets on a timer. One pass
//! purges Trash (expired assets and folders, then files left without a
//! row) and forgets what is kept only for a while (idempotency keys, the
//! sign-in throttle's ended windows). `trove purge` runs one pass; `trove
//! serve` runs one at start-up and then every `--purge-interval`.

use std::time::Duration;

use app::domain::error::AppError;
use app::platform::state::AppState;
use app::trash::model::PurgeReport;
use app::trash::purge::{purge, ORPHAN_GRACE};

use crate::idempotency;

/// One housekeeping pass with the state's clock: [`purge_trash`], then
/// [`forget_expired`]. Reports what the purge removed.
pub async fn housekeeping(state: &AppState) -> Result<PurgeReport, AppError> {
    let report = purge_trash(state).await?;
    forget_expired(state).await?;
    Ok(report)
}

/// Expired assets and folders go, then orphan files older than
/// [`ORPHAN_GRACE`] by the file system's clock.
pub async fn purge_trash(state: &AppState) -> Result<PurgeReport, AppError> {
    let orphans_before = state.clock.unshifted_system_time() - ORPHAN_GRACE;
    purge(&state.pool, &state.storage, &state.clock, orphans_before).await
}

/// Idempotency keys older than a day, and the sign-in throttle's ended
/// windows, are forgotten.
pub async fn forget_expired(state: &AppState) -> Result<(), AppError> {
    idempotency::forget_expired(&state.pool, state.clock.now()).await?;
    state
        .sign_in_limiter
        .forget_ended(&state.pool, state.clock.now())
        .await?;
    Ok(())
}

/// The housekeeping job: at start-up, then every `every`. A failed pass is
/// logged and retried at the next tick; passes never overlap on one
/// server, and passes on several servers are safe (see `app::trash::purge`).
pub(crate) async fn housekeeping_job(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match housekeeping(&state).await {
            Ok(report) if report == PurgeReport::default() => {
                tracing::debug!("purge: nothing to remove")
            }
            Ok(report) => tracing::info!(
                assets = report.assets,
                folders = report.folders,
                files = report.files,
                orphans = report.orphans,
                "purge removed expired assets"
            ),
            Err(error) => tracing::error!(?error, "purge failed; retrying at the next run"),
        }
    }
}

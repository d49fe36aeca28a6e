//! The local store's staging files: `<name>#<n>` beside the final file
//! while a write is in progress, renamed into place when it finishes. A
//! crash mid-write leaves them behind, and the store does not list them;
//! the purge's sweep removes the old ones.

use std::time::SystemTime;

/// Blocking: removes the local store's staging files (`<name>#<n>`) older
/// than `cutoff`, left by a crash mid-write; returns how many.
pub(super) fn remove_stale(root: &std::path::Path, cutoff: SystemTime) -> std::io::Result<u64> {
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let staging = name
                .rsplit_once('#')
                .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if staging && entry.metadata()?.modified()? < cutoff {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(error),
                }
            }
        }
    }
    Ok(removed)
}

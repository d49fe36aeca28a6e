//! Password hashing with Argon2id (the `argon2` crate's defaults, OWASP's
//! recommended parameters). Hashing is CPU-bound: callers on the async
//! runtime go through `spawn_blocking` (see [`hash_off_runtime`]).

use std::cell::RefCell;

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// A stored password hash (Argon2id, PHC format). Not `Serialize`, and its
/// `Debug` hides it, so it cannot reach a client or a log by accident.
#[derive(Clone, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// A hash as stored in the database (or a test's stand-in).
    pub fn from_stored(stored: impl Into<String>) -> Self {
        Self(stored.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

/// A PHC-format Argon2id hash with a fresh random salt.
pub fn hash(password: &str) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| PasswordHash(hash.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

thread_local! {
    /// Argon2's working memory (19 MiB with the default parameters), kept
    /// by each thread that checks passwords and reused for every check.
    /// Allocated afresh per check, as `verify_password` does, the allocator
    /// kept most of each one: ten checks on two threads left 190 MB behind.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// True when `password` matches the stored hash; false for a wrong password
/// or a hash that cannot be parsed. The same computation as
/// `PasswordVerifier::verify_password`, in this thread's reused memory; the
/// comparison is constant-time (`Output`'s equality).
pub fn verify(password: &str, stored: &PasswordHash) -> bool {
    let Ok(parsed) = argon2::password_hash::PasswordHash::new(stored.as_str()) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0_u8; expected.len()];
    let blocks_needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let hashed = if blocks_needed <= Params::DEFAULT_M_COST as usize {
        BLOCKS.with(|blocks| {
            let mut blocks = blocks.borrow_mut();
            blocks.resize(blocks_needed, Block::default());
            argon2.hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut out,
                &mut blocks[..],
            )
        })
    } else {
        // A hash made with more memory than ours: not kept.
        argon2.hash_password_into(password.as_bytes(), salt, &mut out)
    };
    hashed.is_ok() && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// A valid hash of a random password, for timing-safe failures on unknown
/// accounts. Computed once.
pub fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: std::sync::OnceLock<PasswordHash> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash(&uuid::Uuid::new_v4().to_string())
            .unwrap_or_else(|_| PasswordHash::from_stored(String::new()))
    })
}

/// [`hash`] on the blocking thread pool.
pub async fn hash_off_runtime(password: String) -> Result<PasswordHash, HashError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let first = hash("trove-demo").unwrap();
        let second = hash("trove-demo").unwrap();
        assert!(first.as_str().starts_with("$argon2id$"));
        assert_eq!(format!("{first:?}"), "PasswordHash(…)");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("trove-demo", &first));
        assert!(verify("trove-demo", &second));
        assert!(!verify("trove-demo ", &first));
        assert!(!verify("", &first));
        assert!(!verify(
            "trove-demo",
            &PasswordHash::from_stored("not a hash")
        ));
        // Hashes made elsewhere with other parameters verify too.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let small = PasswordHash::from_stored(small);
        assert!(verify("pw", &small));
        assert!(!verify("pw2", &small));
        // And the reference implementation agrees with ours.
        use argon2::PasswordVerifier as _;
        let parsed = argon2::password_hash::PasswordHash::new(first.as_str()).unwrap();
        assert!(Argon2::default()
            .verify_password(b"trove-demo", &parsed)
            .is_ok());
    }
}

//! The server's machinery, below every feature: the database (SQLite or
//! PostgreSQL) and its SQL builder, keyset paging and name search in SQL,
//! the audit log, stored files (local disk or S3), the clock, the app
//! state, the public site, answers remembered for a few seconds, the
//! sign-in throttle and bounded heavy work. Server only; it uses the
//! domain and nothing above.

pub mod audit;
pub mod clock;
pub mod cpu_gate;
pub mod db;
pub mod keyset;
pub mod rate_limit;
pub mod recent;
pub mod search;
pub mod site;
pub mod state;
pub mod storage;

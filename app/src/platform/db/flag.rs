//! [`Flag`]: a yes/no read from either database. A 0/1 column, or a
//! comparison in a `SELECT`, is an integer on SQLite and (for comparisons)
//! a boolean on PostgreSQL; sqlx's `Any` decodes `bool` only from the
//! latter. Fields read through it say `#[sqlx(try_from = "Flag")]`.

use sqlx::any::{AnyTypeInfo, AnyTypeInfoKind};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type, Value as _, ValueRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        matches!(
            ty.kind(),
            AnyTypeInfoKind::Bool
                | AnyTypeInfoKind::SmallInt
                | AnyTypeInfoKind::Integer
                | AnyTypeInfoKind::BigInt
        )
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let owned = ValueRef::to_owned(&value);
        if let Ok(yes) = owned.try_decode::<bool>() {
            return Ok(Self(yes));
        }
        let number: i64 = owned.try_decode()?;
        Ok(Self(number != 0))
    }
}

//! Enums stored as text (`assets.kind`, `memberships.role`): sqlx's derive
//! implements its traits per backend, not for `Any`, so [`text_enum!`] does,
//! from the enum's list of values and their names.

/// Implements `Type`, `Encode` and `Decode` for `Any` on `$enum`, stored as
/// the text `$name(&value)`, each of `$all` being a value.
macro_rules! text_enum {
    ($enum:ty, $all:expr, $name:expr) => {
        impl sqlx::Type<sqlx::Any> for $enum {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $enum {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let name: &'static str = $name(self);
                <&str as sqlx::Encode<'q, sqlx::Any>>::encode(name, buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $enum {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
                $all.into_iter()
                    .find(|known| $name(known) == text)
                    .ok_or_else(|| format!("unknown {}: {text:?}", stringify!($enum)).into())
            }
        }
    };
}

pub(crate) use text_enum;

use crate::domain::roles::Role;

text_enum!(Role, Role::ALL, Role::as_str);

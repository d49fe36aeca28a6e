//! Schemas as the document needs them: bodies named and referenced,
//! query parameters without `null`, doc comments as descriptions.

use utoipa::openapi::schema::{ArrayItems, SchemaType};
use utoipa::openapi::{Ref, RefOr, Schema, Type};
use utoipa::ToSchema;

/// Named schemas collected on the way, for `components`.
pub(super) type Schemas = Vec<(String, RefOr<Schema>)>;

/// The schema of a body of type `T`, its named parts added to `schemas`.
/// A type of its own (an object) is named and referenced, also inside an
/// `Option` or a `Vec`; a number or nothing is written in place.
pub(super) fn body<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    T::schemas(schemas);
    let mut schema = T::schema();
    if is_object(&schema) {
        return named(T::name().into_owned(), schema, schemas);
    }
    // `Option<User>` and `Vec<Membership>` hold their item's schema in
    // place, unnamed: it is named as `ToSchema::name` names types, by the
    // last segment of its path (`app::auth::model::User` is `User`).
    let full = std::any::type_name::<T>();
    let inner = full
        .rsplit('<')
        .next()
        .unwrap_or(full)
        .trim_end_matches('>');
    let name = inner.rsplit("::").next().unwrap_or(inner).to_owned();
    let items: Vec<&mut RefOr<Schema>> = match &mut schema {
        RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter_mut().collect(),
        RefOr::T(Schema::Array(array)) => match &mut array.items {
            ArrayItems::RefOrSchema(item) => vec![item.as_mut()],
            ArrayItems::False => Vec::new(),
        },
        _ => Vec::new(),
    };
    for item in items.into_iter().filter(|item| is_object(item)) {
        let inline = std::mem::replace(item, Ref::from_schema_name(&name).into());
        schemas.push((name.clone(), inline));
    }
    schema
}

fn is_object(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Object))
}

fn named(name: String, schema: RefOr<Schema>, schemas: &mut Schemas) -> RefOr<Schema> {
    let reference = Ref::from_schema_name(&name).into();
    schemas.push((name, schema));
    reference
}

/// A query parameter is absent rather than null: `Option<T>` is `T` there.
pub(super) fn without_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::OneOf(mut one_of)) => {
            one_of.items.retain(|item| !is_null(item));
            match one_of.items.len() {
                1 => one_of.items.remove(0),
                _ => Schema::OneOf(one_of).into(),
            }
        }
        RefOr::T(Schema::Object(mut object)) => {
            if let SchemaType::Array(types) = &mut object.schema_type {
                types.retain(|t| *t != Type::Null);
                let single = match types.as_slice() {
                    [only] => Some(only.clone()),
                    _ => None,
                };
                if let Some(only) = single {
                    object.schema_type = SchemaType::Type(only);
                }
            }
            Schema::Object(object).into()
        }
        other => other,
    }
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
}

/// The function's doc comment as the macro passes it to the arguments'
/// struct: after a line of its own ("Serialized arguments for…"), each
/// line indented by the space after `///`.
pub(super) fn clean_doc(doc: &str) -> String {
    let mut lines: Vec<&str> = doc.lines().collect();
    if lines
        .first()
        .is_some_and(|l| l.starts_with("Serialized arguments for"))
    {
        lines.remove(0);
    }
    lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The first sentence (up to a colon or a full stop), on one line.
pub(super) fn summary(doc: &str) -> String {
    let paragraph = doc
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace('\n', " ");
    let end = [". ", ": "]
        .iter()
        .filter_map(|stop| paragraph.find(stop))
        .min()
        .unwrap_or(paragraph.len());
    paragraph[..end].trim_end_matches('.').to_owned()
}

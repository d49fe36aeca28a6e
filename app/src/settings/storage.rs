//! What a space stores: the "Storage" section and `GET /api/space_usage`.

//! How long a space keeps deleted items: the "Keep deleted items for
//! (days)" field and `GET`/`PUT /api/space_settings`.

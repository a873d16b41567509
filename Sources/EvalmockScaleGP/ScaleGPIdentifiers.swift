import EvalmockKit

/// Ids of results and evaluation datasets: lower-case UUIDs. The document says only "string"
/// (its examples are `<string>`); evalmock makes them UUIDv7, time-ordered, so that the unique
/// index on `id` grows at its end. Random (v4) ids scattered a 1,000-item batch's inserts over
/// the whole index: ~1,000 dirtied pages written to the WAL and checkpointed per batch, which
/// doubled the batch's time once the table held a few hundred thousand results.
enum ScaleGPIdentifiers {
    static func newId() -> String { UUIDText.v7() }
}

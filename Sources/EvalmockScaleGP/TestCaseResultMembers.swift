import EvalmockKit

/// A result's members by their place in the response schema: read, set and settled by
/// position, and written as JSON in that order in one pass.
///
/// Why not an ordered dictionary: a 1,000-item batch built each result as one, then rebuilt it
/// in the schema's order; hashing every member name for both was a fifth of the batch's time.
/// Here a member costs one dictionary look-up of its name (or none, by slot) and no hash table.
struct TestCaseResultMembers {
    /// The schema's member names and where each one goes; shared by every result.
    final class Layout: Sendable {
        let names: [String]
        let slots: [String: Int]

        init(names: [String]) {
            self.names = names
            slots = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let layout: Layout
    private var values: [JSONValue?]
    /// Members the schema does not list, after the listed ones in the order they were set.
    private var extras: JSONValue.JSONObject = [:]

    init(layout: Layout) {
        self.layout = layout
        values = Array(repeating: nil, count: layout.names.count)
    }

    init(layout: Layout, object: JSONValue.JSONObject) {
        self.init(layout: layout)
        for (name, value) in object { self[name] = value }
    }

    subscript(name: String) -> JSONValue? {
        get {
            if let slot = layout.slots[name] { return values[slot] }
            return extras.isEmpty ? nil : extras[name]
        }
        set {
            if let slot = layout.slots[name] {
                values[slot] = newValue
            } else {
                extras[name] = newValue
            }
        }
    }

    /// The members that are set: the listed ones in the schema's order, then the others.
    private var setMembers: some Sequence<(String, JSONValue)> {
        sequence(state: (slot: 0, others: extras.makeIterator())) { [values, layout] state -> (String, JSONValue)? in
            while state.slot < values.count {
                let slot = state.slot
                state.slot += 1
                if let value = values[slot] { return (layout.names[slot], value) }
            }
            return state.others.next().map { ($0.key, $0.value) }
        }
    }

    /// As an object, in the schema's order.
    var object: JSONValue.JSONObject {
        var object = JSONValue.JSONObject(minimumCapacity: values.count + extras.count)
        for (name, value) in setMembers { object[name] = value }
        return object
    }

    /// The JSON text of `object`, written straight from the slots.
    var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        JSONWriter.writeObject(setMembers, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

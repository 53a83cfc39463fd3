extension ReportEntry {
    /// The entry's checks, errata, parameters and outcome as JSON, for `result.json`
    /// (figures are left out: their data is in the CSV files).
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("section", .string(section)), ("title", .string(title)), ("claim", .string(claim)),
            ("status", .string(status.rawValue)), ("runtime_seconds", .number(runtimeSeconds)),
        ]
        if case .crashed(let message) = outcome { members.append(("crash", .string(message))) }
        if !size.isEmpty { members.append(("size", .string(size))) }
        members.append(("parameters", .object(parameters.map { (key: $0.key, value: .string($0.value)) })))
        members.append(("checks", .array(checks.map(\.json))))
        members.append(("errata", .array(errata.map(\.json))))
        if !notes.isEmpty { members.append(("notes", .array(notes.map { .string($0) }))) }
        members.append(("figures", .array(figures.map { .object([("id", .string($0.id)), ("title", .string($0.title))]) })))
        return .object(members)
    }
}

extension CheckRow {
    /// `{"name", "measured", "prediction", "comparator", "tolerance", "verdict"[, "reason"]}`.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("measured", .number(measured)), ("prediction", .string(prediction)),
            ("comparator", .string(comparator)), ("tolerance", .string(tolerance)),
        ]
        switch verdict {
        case .holds: members.append(("verdict", "holds"))
        case .fails: members.append(("verdict", "fails"))
        case .notRun(let reason):
            members.append(("verdict", "not run"))
            members.append(("reason", .string(reason)))
        }
        return .object(members)
    }
}

extension Erratum {
    /// `{"location", "as_written", "correction", "evidence"}`.
    public var json: JSONValue {
        ["location": .string(location), "as_written": .string(asWritten), "correction": .string(correction), "evidence": .string(evidence)]
    }
}

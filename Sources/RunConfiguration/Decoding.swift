/// Turns a document tree (from TOML, JSON or an override) into a configuration, on top of a base configuration
/// whose values stand for every key the document leaves out. Checks section and key names and value types;
/// shapes and ranges are `validated()`'s job.
struct ConfigurationDecoder {
    /// Names the document in messages ("run.toml", "the command line").
    let source: String

    func decode(_ document: ConfigValue, onto base: RunConfiguration) throws(RunConfigurationError) -> RunConfiguration {
        guard let top = document.tableEntries else {
            throw RunConfigurationError(
                .wrongType,
                "The top level of \(source) must be a table of sections such as [sgd] and [loss], got \(shortText(document)).")
        }
        var sections: [String: [(key: String, value: ConfigValue)]] = [:]
        for (name, value) in top {
            guard RunConfiguration.sectionNames.contains(name) else {
                if value.tableEntries == nil, let owner = RunConfiguration.sectionOwning(key: name) {
                    throw RunConfigurationError(
                        .unknownSection, key: name,
                        "Key '\(name)' in \(source) is outside any section; move it under [\(owner)].")
                }
                throw RunConfigurationError(
                    .unknownSection, key: name,
                    "Unknown section [\(name)] in \(source); known sections are \(RunConfiguration.sectionNames.joined(separator: ", ")).")
            }
            if case .null = value { continue }
            guard let entries = value.tableEntries else {
                throw RunConfigurationError(
                    .wrongType, key: name,
                    "[\(name)] in \(source) must be a section (a table of keys), got \(shortText(value)).")
            }
            sections[name] = entries
        }
        var config = base
        for name in RunConfiguration.sectionNames {
            let reader = try SectionReader(section: name, entries: sections[name] ?? [], source: source)
            switch name {
            case "sgd": config.sgd = try decodeSGD(reader, base: config.sgd)
            case "loss": config.replaceLoss(with: try decodeLoss(reader, base: config.loss))
            case "noise": config.noise = try decodeNoise(reader, base: config.noise)
            case "initial": config.initial = try decodeInitial(reader, base: config.initial)
            case "grid": config.grid = try decodeGrid(reader, base: config.grid)
            case "time": config.time = try decodeTime(reader, base: config.time)
            default: config.output = try decodeOutput(reader, base: config.output)
            }
        }
        return config
    }

    private func decodeSGD(_ r: SectionReader, base: SGDSection) throws(RunConfigurationError) -> SGDSection {
        var s = base
        if let x = try r.required("learning_rate", r.number) { s.learningRate = x }
        if let x = try r.required("momentum", r.number) { s.momentum = x }
        if let x = try r.required("batch_size", r.integer) { s.batchSize = x }
        if let x = try r.required("weight_decay", r.number) { s.weightDecay = x }
        if let x = try r.optional("dataset_size", r.integer) { s.datasetSize = x }
        return s
    }

    private func decodeLoss(_ r: SectionReader, base: LossSection) throws(RunConfigurationError) -> LossSection {
        var s = base
        let minimum = try r.required("minimum", r.vectorOrScalar)
        if let hessian = try r.required("hessian", r.matrix) {
            // A default (zero) minimum follows the new dimension; a minimum the user gave is left for validation.
            if minimum == nil && s.minimum == Array(repeating: 0.0, count: s.hessian.count) {
                s.minimum = Array(repeating: 0.0, count: hessian.count)
            }
            s.hessian = hessian
        }
        if let minimum { s.minimum = minimum }
        return s
    }

    private func decodeNoise(_ r: SectionReader, base: NoiseSection) throws(RunConfigurationError) -> NoiseSection {
        var s = base
        if let x = try r.required("model", r.choice(NoiseModelKind.self)) { s.model = x }
        if let x = try r.required("scale", r.number) { s.scale = x }
        if let x = try r.optional("matrix", r.matrix) { s.matrix = x }
        if let x = try r.required("label_noise", r.number) { s.labelNoise = x }
        return s
    }

    private func decodeInitial(_ r: SectionReader, base: InitialSection) throws(RunConfigurationError) -> InitialSection {
        var s = base
        if let x = try r.required("kind", r.choice(InitialKind.self)) { s.kind = x }
        if let x = try r.required("mean", r.vector) { s.mean = x }
        if let x = try r.required("covariance", r.matrix) { s.covariance = x }
        if let x = try r.optional("weights", r.vector) { s.weights = x }
        if let x = try r.optional("means", r.vectorList) { s.means = x }
        if let x = try r.optional("covariances", r.matrixList) { s.covariances = x }
        if let x = try r.optional("file", r.string) { s.file = x }
        if let x = try r.required("model_change", r.boolean) { s.allowModelChange = x }
        return s
    }

    private func decodeGrid(_ r: SectionReader, base: GridSection) throws(RunConfigurationError) -> GridSection {
        var s = base
        if let x = try r.required("points", r.points) { s.points = x }
        if let x = try r.required("box", r.box) { s.box = x }
        if let x = try r.required("threads", r.integer) { s.threads = x }
        if let x = try r.required("wisdom", r.string) {
            s.wisdom = x == "" ? .defaultLocation : x == "none" ? .disabled : .file(x)
        }
        if let x = try r.required("frame", r.choice(FrameKind.self)) { s.frame = x }
        if let x = try r.optional("frame_points", r.integer) { s.framePoints = x }
        if let x = try r.required("frame_box", r.number) { s.frameBox = x }
        return s
    }

    private func decodeTime(_ r: SectionReader, base: TimeSection) throws(RunConfigurationError) -> TimeSection {
        var s = base
        if let x = try r.required("stop", r.number) { s.stop = x }
        if let x = try r.required("output_every", r.number) { s.outputEvery = x }
        if let x = try r.required("tolerance", r.number) { s.tolerance = x }
        if let x = try r.required("scheme", r.string) { s.scheme = x }
        if let x = try r.optional("step", r.number) { s.step = x }
        if let x = try r.required("max_steps", r.integer) { s.maxSteps = x }
        if let x = try r.required("max_work", r.number) { s.maxWork = x }
        return s
    }

    private func decodeOutput(_ r: SectionReader, base: OutputSection) throws(RunConfigurationError) -> OutputSection {
        var s = base
        if let x = try r.required("path", r.string) { s.path = x }
        if let x = try r.required("full_density", r.toggle) { s.fullDensity = x }
        if let x = try r.required("exact_density", r.toggle) { s.exactDensity = x }
        if let x = try r.required("keep_inaccurate", r.boolean) { s.keepInaccurate = x }
        if let x = try r.required("compression", r.integer) { s.compression = x }
        return s
    }
}

/// The entries of one section, with typed accessors whose errors name the section, key and value.
struct SectionReader {
    let section: String
    let entries: [(key: String, value: ConfigValue)]
    let source: String

    init(section: String, entries: [(key: String, value: ConfigValue)], source: String) throws(RunConfigurationError) {
        self.section = section
        self.entries = entries
        self.source = source
        let known = RunConfiguration.knownKeys[section] ?? []
        if let unknown = entries.first(where: { !known.contains($0.key) }) {
            throw RunConfigurationError(
                .unknownKey, key: "\(section).\(unknown.key)",
                "Unknown key '\(unknown.key)' in section [\(section)] of \(source); known keys are \(known.joined(separator: ", ")).")
        }
    }

    /// The converted value of a key that always has a value: `nil` when the key is absent or JSON `null`.
    func required<T>(_ name: String, _ convert: (ConfigValue) -> T?) throws(RunConfigurationError) -> T? {
        guard let value = entries.first(where: { $0.key == name })?.value else { return nil }
        if case .null = value { return nil }
        guard let converted = convert(value) else { throw typeError(name, value) }
        return converted
    }

    /// The converted value of an optional key: `nil` when absent, `.some(nil)` for JSON `null` (unset).
    func optional<T>(_ name: String, _ convert: (ConfigValue) -> T?) throws(RunConfigurationError) -> T?? {
        guard let value = entries.first(where: { $0.key == name })?.value else { return nil }
        if case .null = value { return .some(nil) }
        guard let converted = convert(value) else { throw typeError(name, value) }
        return .some(converted)
    }

    func typeError(_ name: String, _ value: ConfigValue) -> RunConfigurationError {
        let expectation = RunConfiguration.catalogEntry(section, name)?.expectation ?? "a valid value"
        let kind: RunConfigurationError.Kind
        if case .string = value, expectation.hasPrefix("one of") { kind = .invalidValue } else { kind = .wrongType }
        return RunConfigurationError(kind, key: "\(section).\(name)", "[\(section)] \(name) must be \(expectation), got \(shortText(value)).")
    }

    // MARK: conversions (nil when the value has the wrong type)

    func number(_ v: ConfigValue) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .float(let x): return x
        default: return nil
        }
    }

    /// Integers, and floats with an integral value (1.0), which people write by habit.
    func integer(_ v: ConfigValue) -> Int? {
        switch v {
        case .integer(let i): return i
        case .float(let x) where x.rounded() == x && abs(x) < 9.0e15: return Int(x)
        default: return nil
        }
    }

    func string(_ v: ConfigValue) -> String? {
        if case .string(let s) = v { return s }
        return nil
    }

    func vector(_ v: ConfigValue) -> [Double]? {
        guard case .array(let items) = v else { return nil }
        var out: [Double] = []
        for item in items {
            guard let x = number(item) else { return nil }
            out.append(x)
        }
        return out
    }

    /// A list of numbers, or one number for d = 1.
    func vectorOrScalar(_ v: ConfigValue) -> [Double]? {
        number(v).map { [$0] } ?? vector(v)
    }

    /// A matrix as a list of rows, a flat list of numbers meaning its diagonal, or one number meaning 1×1.
    func matrix(_ v: ConfigValue) -> [[Double]]? {
        if let x = number(v) { return [[x]] }
        guard case .array(let items) = v else { return nil }
        if let diagonal = vector(v) { return items.isEmpty ? [] : diagonalMatrix(diagonal) }
        var rows: [[Double]] = []
        for item in items {
            guard let row = vector(item) else { return nil }
            rows.append(row)
        }
        return rows
    }

    func vectorList(_ v: ConfigValue) -> [[Double]]? {
        guard case .array(let items) = v else { return nil }
        var out: [[Double]] = []
        for item in items {
            guard let row = vector(item) else { return nil }
            out.append(row)
        }
        return out
    }

    func matrixList(_ v: ConfigValue) -> [[[Double]]]? {
        guard case .array(let items) = v else { return nil }
        var out: [[[Double]]] = []
        for item in items {
            guard case .array = item, let m = matrix(item) else { return nil }
            out.append(m)
        }
        return out
    }

    func choice<E: RawRepresentable>(_ type: E.Type) -> (ConfigValue) -> E? where E.RawValue == String {
        { v in string(v).flatMap(E.init(rawValue:)) }
    }

    func points(_ v: ConfigValue) -> [Int]? {
        if let n = integer(v) { return [n] }
        guard case .array(let items) = v, !items.isEmpty else { return nil }
        var out: [Int] = []
        for item in items {
            guard let n = integer(item) else { return nil }
            out.append(n)
        }
        return out
    }

    func box(_ v: ConfigValue) -> BoxSpec? {
        if case .string("auto") = v { return .auto }
        return vector(v).map { .halfWidths($0) }
    }

    func boolean(_ v: ConfigValue) -> Bool? {
        if case .boolean(let b) = v { return b }
        return nil
    }

    func toggle(_ v: ConfigValue) -> Toggle? {
        switch v {
        case .string("auto"): return .auto
        case .boolean(let b): return b ? .on : .off
        default: return nil
        }
    }
}

/// A value as TOML text for messages, cut short when long.
func shortText(_ value: ConfigValue) -> String {
    let text = value.tomlText
    return text.count > 80 ? String(text.prefix(77)) + "..." : text
}

import Foundation

/// What an sgdfp output file holds; stored as the root attribute `sgdfp_kind`, which `sgdfp inspect` reads.
public enum OutputKind: String, CaseIterable, Sendable {
    case solve
    /// A solve output to which `sgdfp analyze` added the analysis of one frame.
    case analysedSolve = "analysed-solve"
    case stationary
    case validate
    case simulate
    case diffusion
    case fluctuations
    case modifiedFlow = "modified-flow"

    /// The root attribute that names the kind.
    public static let attribute = "sgdfp_kind"
}

/// Where a file comes from: the root attributes every sgdfp output carries.
public struct OutputProvenance: Sendable {
    public var title: String
    /// Tool and version, e.g. "sgdfp 0.1.0".
    public var source: String
    /// When, and the full command line.
    public var history: String
    /// The complete run file as TOML, when the output comes from one.
    public var configuration: String?
    public var fftwVersion: String?
    /// x* of the model, when the model has one.
    public var stationaryPoint: [Double]?
    public var parameterDimension: Int?
    /// Deflate level of the file's fields (`NetCDFFile.deflateLevel`), 0 for none.
    public var deflateLevel: UInt32 = 0

    public init(title: String, source: String, history: String, configuration: String? = nil, fftwVersion: String? = nil,
                stationaryPoint: [Double]? = nil, parameterDimension: Int? = nil, deflateLevel: UInt32 = 0) {
        self.deflateLevel = deflateLevel
        self.title = title
        self.source = source
        self.history = history
        self.configuration = configuration
        self.fftwVersion = fftwVersion
        self.stationaryPoint = stationaryPoint
        self.parameterDimension = parameterDimension
    }

    /// "<ISO 8601 time> <command line>", the CF history line of a file made now.
    public static func historyLine(commandLine: String, date: Date = Date()) -> String {
        "\(ISO8601DateFormatter().string(from: date)) \(commandLine)"
    }

    /// The time convention every sgdfp file states.
    public static let timeConvention =
        "continuous time t = learning_rate * step; velocity v = -momentum_buffer = (theta_k - theta_(k-1))/learning_rate"

    /// The root attributes, `Conventions` and `hdf5_version` included.
    func attributes(kind: OutputKind) -> [String: AttributeValue] {
        var root: [String: AttributeValue] = [
            "Conventions": .text("CF-1.10"),
            "title": .text(title),
            "source": .text(source),
            "history": .text(history),
            "hdf5_version": .text(H5.libraryVersion),
            "time_convention": .text(Self.timeConvention),
            OutputKind.attribute: .text(kind.rawValue),
        ]
        if let configuration { root["configuration"] = .text(configuration) }
        if let fftwVersion { root["fftw_version"] = .text(fftwVersion) }
        if let stationaryPoint { root["stationary_point"] = .doubles(stationaryPoint) }
        if let parameterDimension { root["parameter_dimension"] = .int(parameterDimension) }
        return root
    }
}

/// The one way sgdfp writes a file: under a hidden temporary name beside the destination, removed if the
/// process is interrupted or the body fails, closed on every path, and renamed over the destination only
/// when complete. The root attributes are stamped before the body runs.
public enum OutputFile {
    /// Writes a new file at `destination` (replacing an existing one only with `overwrite`).
    @discardableResult
    public static func write<T>(to destination: String, overwrite: Bool, kind: OutputKind, provenance: OutputProvenance,
                                body: (NetCDFFile) throws -> T) throws -> T {
        try atomically(destination, overwrite: overwrite) { temporary in
            let file = try NetCDFFile.create(at: temporary)
            file.deflateLevel = provenance.deflateLevel
            return try closing(file) {
                let root = provenance.attributes(kind: kind)
                for name in NetCDFFile.orderedNames(root.keys) { try file.setAttribute(name, root[name]!) }
                return try body(file)
            }
        }
    }

    /// Copies the sgdfp file `source` and lets `body` add to the copy, which then replaces `destination`
    /// (which may be `source` itself). The copy's kind becomes `kind`; its other root attributes stay.
    @discardableResult
    public static func amend<T>(_ source: String, into destination: String, overwrite: Bool, kind: OutputKind,
                                body: (NetCDFFile) throws -> T) throws -> T {
        try atomically(destination, overwrite: overwrite) { temporary in
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            let file = try NetCDFFile.openForAppending(at: temporary, copiedFrom: source)
            return try closing(file) {
                try file.setAttribute(OutputKind.attribute, .text(kind.rawValue))
                return try body(file)
            }
        }
    }

    /// Continues the partial file `partial` that a killed run of `destination` left: `body` appends to a copy
    /// of it, which replaces `destination` when complete. The partial (and any other a killed run left) is
    /// removed only then, so a resumed run that fails leaves it as it found it.
    @discardableResult
    public static func resume<T>(_ partial: String, into destination: String, overwrite: Bool, body: (NetCDFFile) throws -> T) throws -> T {
        try atomically(destination, overwrite: overwrite, afterCommit: { for p in AtomicOutput.partials(of: destination) { unlink(p) } }) { temporary in
            try FileManager.default.copyItem(atPath: partial, toPath: temporary)
            let file = try NetCDFFile.openForAppending(at: temporary, copiedFrom: partial)
            return try closing(file) { try body(file) }
        }
    }

    /// The temporary files that killed runs writing `destination` left beside it, oldest first; throws
    /// when another process is writing `destination` now.
    public static func leftovers(of destination: String) throws -> [String] {
        if OutputLock.isHeld(for: destination) {
            throw PhaseSpaceIOError(.fileExists, "Another sgdfp process is writing \(destination); wait for it to finish, or choose another path with -o.")
        }
        return AtomicOutput.partials(of: destination)
    }

    private static func atomically<T>(_ destination: String, overwrite: Bool, afterCommit: () -> Void = {}, _ body: (String) throws -> T) throws -> T {
        // The lock first: a second run on the same path is refused before it does any work.
        let lock = try OutputLock(destination: destination)
        defer { lock.release() }
        let output = try AtomicOutput(destination: destination, overwrite: overwrite)
        InterruptCleanup.protect(output.temporaryPath, lock: lock.path)
        defer { InterruptCleanup.release() }
        do {
            let result = try body(output.temporaryPath)
            try output.commit()
            afterCommit()
            return result
        } catch let error as PhaseSpaceIOError {
            output.abandon()
            // The hidden temporary name means nothing to the user: name the file they asked for.
            throw PhaseSpaceIOError(error.kind, error.message.replacingOccurrences(of: output.temporaryPath, with: destination))
        } catch {
            output.abandon()
            throw error
        }
    }

    private static func closing<T>(_ file: NetCDFFile, _ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try file.close()
            return result
        } catch {
            try? file.close()
            throw error
        }
    }
}

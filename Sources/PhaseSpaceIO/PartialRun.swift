/// What a killed solve left in its partial file: the records it completed and the state to go on from.
public struct PartialRun: Sendable {
    /// The adapted-frame state of the last complete record: the frame grid's coordinates, q on it, and the
    /// frame (mean uncentred, factor row-major).
    public struct FrameState: Sendable {
        public var coordinates: [[Double]]
        public var density: [Double]
        public var mean: [Double]
        public var factor: [Double]
    }

    public let path: String
    /// The run file the killed run was solving, as TOML.
    public let configuration: String?
    public let history: String?
    /// The times of the complete records.
    public let times: [Double]
    public let means: [[Double]]
    public let covariances: [[Double]]
    /// The exact moments and relative L¹ errors of the complete records, when the run had them.
    public let exactMeans: [[Double]]?
    public let exactCovariances: [[Double]]?
    public let l1Errors: [Double]?
    /// The full density of the last complete record, when the run wrote it.
    public let density: [Double]?
    public let frameState: FrameState?
    /// The step the adaptive controller proposed after the last complete record.
    public let nextStep: Double?

    /// Reads `path`; a record counts as complete when every time-dependent variable has it (and, in an
    /// adapted frame, the frame state is of its time). Throws a sentence when nothing can be resumed.
    public init(path: String) throws {
        let reader: NetCDFReader
        do { reader = try NetCDFReader(path: path) } catch {
            throw PhaseSpaceIOError(.notRunFile, "The partial file \(path) cannot be read (the run was killed while writing it); delete it and run again without --resume.")
        }
        defer { reader.close() }
        self.path = path
        guard reader.hasVariable(RunVariable.time), reader.hasVariable(RunVariable.mean) else {
            throw PhaseSpaceIOError(.notRunFile, "The partial file \(path) is not one of sgdfp solve; delete it and run again without --resume.")
        }
        var complete = try reader.read(RunVariable.time).count
        for name in reader.variableNames where try reader.isRecordVariable(name) {
            complete = min(complete, try reader.shape(of: name)[0])
        }
        let allTimes = try reader.read(RunVariable.time)
        if reader.hasVariable(RunVariable.frameDensity) {
            let stateTime = try reader.attribute("time", of: RunVariable.frameDensity)?.numbers?.first
            guard let index = allTimes.prefix(complete).lastIndex(where: { $0 == stateTime }) else {
                throw PhaseSpaceIOError(.notRunFile, "The partial file \(path) holds no frame state of a complete record; delete it and run again without --resume.")
            }
            complete = index + 1
        }
        guard complete > 0 else {
            throw PhaseSpaceIOError(.notRunFile, "The partial file \(path) holds no complete frame; delete it and run again without --resume.")
        }
        let last = complete - 1
        func records(_ name: String) throws -> [[Double]]? {
            guard reader.hasVariable(name) else { return nil }
            return try (0..<complete).map { try reader.readRecord(name, index: $0) }
        }
        configuration = try reader.attribute("configuration")?.text
        history = try reader.attribute("history")?.text
        times = Array(allTimes.prefix(complete))
        means = try records(RunVariable.mean) ?? []
        covariances = try records(RunVariable.covariance) ?? []
        exactMeans = try records(RunVariable.exactMean)
        exactCovariances = try records(RunVariable.exactCovariance)
        l1Errors = try records(RunVariable.relativeL1Error)?.map { $0[0] }
        density = reader.hasVariable(RunVariable.density) ? try reader.readRecord(RunVariable.density, index: last) : nil
        nextStep = reader.hasVariable(RunVariable.nextStepSize) ? try reader.readRecord(RunVariable.nextStepSize, index: last)[0] : nil
        if reader.hasVariable(RunVariable.frameDensity) {
            frameState = FrameState(coordinates: try reader.dimensions(of: RunVariable.frameDensity).map { try reader.read($0) },
                                    density: try reader.read(RunVariable.frameDensity),
                                    mean: try reader.readRecord(RunVariable.frameMean, index: last),
                                    factor: try reader.readRecord(RunVariable.frameFactor, index: last))
        } else {
            frameState = nil
        }
    }
}

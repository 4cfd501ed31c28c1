/// Reading run files back, for continuing a run where it stopped.
public struct RunOutputReader {
    /// The axes, the last time and the full density at that time of a run file. Throws a one-sentence
    /// error when the file is not an sgdfp run file or was written without the full density.
    public static func lastFrame(path: String) throws -> (axes: [PhaseSpaceAxis], time: Double, density: [Double]) {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        guard let time = reader.timeVariable,
              let axisNames = reader.phaseSpaceAxisNames else {
            throw PhaseSpaceIOError(.notRunFile, "File \(path) is not an sgdfp run file (it lacks t and the coordinates theta, v or theta1, theta2, v1, v2); pass a file written by sgdfp solve.")
        }
        guard reader.hasVariable(RunVariable.density) else {
            throw PhaseSpaceIOError(.notRunFile, "Run file \(path) was written without the full density; rerun it with [output] full_density = true.")
        }
        let dimensions = try reader.dimensions(of: RunVariable.density)
        guard dimensions == [time] + axisNames else {
            throw PhaseSpaceIOError(.notRunFile, "Variable density of \(path) has dimensions \(dimensions) instead of \([time] + axisNames); pass a file written by sgdfp solve.")
        }
        let times = try checkedTimes(reader, path)
        // An interrupted run may have a time value whose density record was never written.
        let records = min(times.count, try reader.shape(of: RunVariable.density)[0])
        guard records > 0 else {
            throw PhaseSpaceIOError(.notRunFile, "Run file \(path) has no time records; rerun it so that it writes at least one frame.")
        }
        let axes = try axisNames.map { name in
            PhaseSpaceAxis(name: name,
                           longName: try reader.attribute("long_name", of: name)?.text ?? "",
                           units: try reader.attribute("units", of: name)?.text ?? "1",
                           values: try reader.read(name))
        }
        return (axes, times[records - 1], try reader.readRecord(RunVariable.density, index: records - 1))
    }
}

extension RunOutputReader {
    /// The times of a run file whose density a run may start from: increasing, with a float64 density.
    static func checkedTimes(_ reader: NetCDFReader, _ path: String) throws -> [Double] {
        guard try !reader.hasVariable(RunVariable.density) || reader.isFloatingPoint(RunVariable.density) else {
            throw PhaseSpaceIOError(.notRunFile, "Variable density of \(path) holds integers, not a probability density; pass a file written by sgdfp solve.")
        }
        guard let time = reader.timeVariable else { throw PhaseSpaceIOError(.notRunFile, "File \(path) has no time coordinate t; pass a file written by sgdfp solve.") }
        let times = try reader.read(time)
        if let i = times.indices.dropFirst().first(where: { !(times[$0] > times[$0 - 1]) }) {
            throw PhaseSpaceIOError(.notRunFile, "The times of \(path) do not increase (t = \(times[i]) follows t = \(times[i - 1])); pass a file written by sgdfp solve.")
        }
        return times
    }

    /// Whether the file at `path` holds the state of an adapted frame to continue from (false for files that
    /// cannot be read; reading them is the caller's to report).
    public static func hasFrameState(path: String) -> Bool {
        guard let reader = try? NetCDFReader(path: path) else { return false }
        defer { reader.close() }
        return holdsFrameState(reader)
    }

    private static func holdsFrameState(_ reader: NetCDFReader) -> Bool {
        reader.hasVariable(RunVariable.frameDensity) && reader.hasVariable(RunVariable.frameMean)
    }

    /// The adapted-frame state of a run's last frame (`RunOutputWriter.writeFrameState`): the frame grid's
    /// coordinates, the density on it, and the frame (mean uncentred, factor row-major); nil when the run
    /// was not solved in an adapted frame.
    public static func frameState(path: String) throws -> (coordinates: [[Double]], density: [Double], mean: [Double], factor: [Double])? {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        guard holdsFrameState(reader) else { return nil }
        let names = try reader.dimensions(of: RunVariable.frameDensity)
        let records = try reader.shape(of: RunVariable.frameMean)[0]
        return (try names.map { try reader.read($0) }, try reader.read(RunVariable.frameDensity),
                try reader.readRecord(RunVariable.frameMean, index: records - 1), try reader.readRecord(RunVariable.frameFactor, index: records - 1))
    }

    /// One frame of a run file: the axes, the record nearest to `time` (the last when nil), its full
    /// density, the run's configuration text and the file's variable names. Throws a one-sentence error
    /// for files that are not sgdfp solve outputs or were written without the full density.
    public static func frame(path: String, time: Double?) throws
        -> (axes: [PhaseSpaceAxis], time: Double, density: [Double], configuration: String?, variables: [String]) {
        let header = try record(path: path, time: time)
        guard header.variables.contains(RunVariable.density) else {
            throw PhaseSpaceIOError(.notRunFile, "Run file \(path) was written without the full density; rerun it with [output] full_density = true.")
        }
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        return (header.axes, header.time, try reader.readRecord(RunVariable.density, index: header.index), header.configuration, header.variables)
    }

    /// The record of a run file nearest to `time` (the last when nil) without its density: the axes, its
    /// index and time, whether it is the last, the run's configuration text and the file's variable names.
    public static func record(path: String, time: Double?) throws
        -> (axes: [PhaseSpaceAxis], index: Int, time: Double, isLast: Bool, configuration: String?, variables: [String]) {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        let source = try reader.attribute("source")?.text ?? ""
        guard source.hasPrefix("sgdfp"), reader.timeVariable != nil,
              let axisNames = reader.phaseSpaceAxisNames else {
            throw PhaseSpaceIOError(.notRunFile, "File \(path) is not an sgdfp solve output (it lacks the source attribute \"sgdfp …\", t or the phase-space coordinates); pass a file written by sgdfp solve.")
        }
        let times = try checkedTimes(reader, path)
        let written = reader.hasVariable(RunVariable.density) ? try reader.shape(of: RunVariable.density)[0] : times.count
        let records = min(times.count, written)
        guard records > 0 else {
            throw PhaseSpaceIOError(.notRunFile, "Run file \(path) has no time records; rerun it so that it writes at least one frame.")
        }
        var index = records - 1
        if let t = time {
            index = (0..<records).min { abs(times[$0] - t) < abs(times[$1] - t) }!
            let spacing = records > 1 ? (times[records - 1] - times[0]) / Double(records - 1) : 0
            guard abs(times[index] - t) <= max(0.5 * spacing, 1e-9 * max(1, abs(t))) else {
                throw PhaseSpaceIOError(.invalidArgument, String(format: "Run file %@ has frames from t = %.6g to %.6g; pass a --time in that range.", path, times[0], times[records - 1]))
            }
        }
        let axes = try axisNames.map { name in
            PhaseSpaceAxis(name: name, longName: try reader.attribute("long_name", of: name)?.text ?? "",
                           units: try reader.attribute("units", of: name)?.text ?? "1", values: try reader.read(name))
        }
        return (axes, index, times[index], index == times.count - 1, try reader.attribute("configuration")?.text, reader.variableNames)
    }
}

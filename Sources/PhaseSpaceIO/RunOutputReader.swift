/// Reading run files back, for continuing a run where it stopped.
public struct RunOutputReader {
    /// The axes, the last time and the full density at that time of a run file. Throws a one-sentence
    /// error when the file is not an sgdfp run file or was written without the full density.
    public static func lastFrame(path: String) throws -> (axes: [PhaseSpaceAxis], time: Double, density: [Double]) {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        let candidates = [["theta", "v"], ["theta1", "theta2", "v1", "v2"]]
        guard reader.hasVariable(RunVariable.time),
              let axisNames = candidates.first(where: { $0.allSatisfy(reader.hasVariable) }) else {
            throw PhaseSpaceIOError(.notRunFile, "File \(path) is not an sgdfp run file (it lacks time and the coordinates theta, v or theta1, theta2, v1, v2); pass a file written by sgdfp solve.")
        }
        guard reader.hasVariable(RunVariable.density) else {
            throw PhaseSpaceIOError(.notRunFile, "Run file \(path) was written without the full density; rerun it with [output] full_density = true.")
        }
        let dimensions = try reader.dimensions(of: RunVariable.density)
        guard dimensions == [RunVariable.time] + axisNames else {
            throw PhaseSpaceIOError(.notRunFile, "Variable density of \(path) has dimensions \(dimensions) instead of \([RunVariable.time] + axisNames); pass a file written by sgdfp solve.")
        }
        let times = try reader.read(RunVariable.time)
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
